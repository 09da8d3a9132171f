/* Ancillary data a recvmsg returns (msg_control), compared with what the script
 * expects: msg_control=[{cmsg_level=L, cmsg_type=T, cmsg_data=D}, ...], in order.
 *
 * D is an integer (TCP_CM_INQ, IP_TOS, IPV6_TCLASS ...), or a structure:
 *   - {ee_errno=..., ee_origin=..., ee_type=..., ee_code=..., ee_info=..., ee_data=...}:
 *     the struct sock_extended_err of IP_RECVERR / IPV6_RECVERR (zerocopy completions,
 *     transmit timestamps); only the named fields are compared;
 *   - {scm_sec=S, scm_nsec=N}: the software time stamp of SCM_TIMESTAMPING, compared on
 *     the script clock (S.N seconds after the script's time 0) within
 *     --tolerance_usecs (real-time targets: the linux one).
 * syscall.c evaluates the fields' values; this file knows the layouts.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/errqueue.h>

#include "engine/engine_int.h"

static const char *const ee_names[ENGINE_CMSG_MAX_FIELDS] = {
	"ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data",
};
static const char *const ts_names[2] = { "scm_sec", "scm_nsec" };

bool engine_cmsg_field(struct engine_cmsg *m, const char *name, int64_t v, char *why,
		       size_t cap)
{
	for (int pass = 0; pass < 2; pass++) {
		enum engine_cmsg_kind k = pass ? ENGINE_CMSG_TIMESTAMPING : ENGINE_CMSG_EXTERR;
		const char *const *names = pass ? ts_names : ee_names;
		int n = pass ? 2 : ENGINE_CMSG_MAX_FIELDS;
		for (int i = 0; i < n; i++) {
			if (strcmp(names[i], name))
				continue;
			if (m->kind != ENGINE_CMSG_INT && m->kind != k) {
				snprintf(why, cap, "cmsg_data mixes fields of two structures (%s)",
					 name);
				return false;
			}
			m->kind = k;
			m->have |= 1u << i;
			m->f[i] = v;
			return true;
		}
	}
	snprintf(why, cap, "unsupported cmsg_data field %s (known: ee_errno, ee_origin, "
		 "ee_type, ee_code, ee_info, ee_data, scm_sec, scm_nsec)", name);
	return false;
}

/* The fields of m that differ from the data, as "field: expected A but got B"; 0 when
 * they all match, -1 when the data is too short for the structure. */
static int compare_struct(struct engine_ctx *x, const struct engine_cmsg *m,
			  const uint8_t *p, size_t len, char *out, size_t cap)
{
	int64_t got[ENGINE_CMSG_MAX_FIELDS];
	const char *const *names;
	int n;
	int64_t tol = 0;
	if (m->kind == ENGINE_CMSG_EXTERR) {
		struct sock_extended_err e;
		if (len < sizeof e)
			return -1;
		memcpy(&e, p, sizeof e);
		got[0] = e.ee_errno;
		got[1] = e.ee_origin;
		got[2] = e.ee_type;
		got[3] = e.ee_code;
		got[4] = e.ee_info;
		got[5] = e.ee_data;
		names = ee_names;
		n = ENGINE_CMSG_MAX_FIELDS;
	} else {
		struct timespec ts;     /* ts[0] of struct scm_timestamping: software */
		if (len < sizeof ts)
			return -1;
		memcpy(&ts, p, sizeof ts);
		/* onto the script clock: the kernel stamps with the wall clock, the script
		 * clock is the target's (monotonic) clock less t0 */
		struct timespec rn, mn;
		clock_gettime(CLOCK_REALTIME, &rn);
		clock_gettime(CLOCK_MONOTONIC, &mn);
		int64_t off = ((int64_t)rn.tv_sec - mn.tv_sec) * 1000000000 +
			      (rn.tv_nsec - mn.tv_nsec);
		int64_t t = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - off - x->t0;
		int64_t want = (m->have & 1 ? m->f[0] : 0) * 1000000000 +
			       (m->have & 2 ? m->f[1] : 0);
		tol = x->opts.tolerance_usecs * 1000;
		if (t >= want - tol && t <= want + tol)
			return 0;
		char a[32], e[32], tl[32];
		engine_fmt_time(a, sizeof a, t);
		engine_fmt_time(e, sizeof e, want);
		engine_fmt_time(tl, sizeof tl, tol);
		snprintf(out, cap, "time stamp: expected %s sec but got %s sec (tolerance %s "
			 "sec)", e, a, tl);
		return 1;
	}
	size_t k = 0;
	int diffs = 0;
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (!(m->have & (1u << i)) || got[i] == m->f[i])
			continue;
		int w = snprintf(out + k, k < cap ? cap - k : 0, "%s%s: expected %lld but got %lld",
				 diffs ? "; " : "", names[i], (long long)m->f[i],
				 (long long)got[i]);
		if (w > 0)
			k += (size_t)w;
		diffs++;
	}
	return diffs;
}

int engine_cmsg_check(struct engine_ctx *x, struct engine_call *ec,
		      const struct target_result *r)
{
	struct msghdr mh = { .msg_control = (void *)r->control,
			     .msg_controllen = r->controllen < sizeof r->control ? r->controllen
										 : sizeof r->control };
	int i = 0;
	const char *name = ec->ev->call.name;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm), i++) {
		size_t len = cm->cmsg_len - CMSG_LEN(0);
		const uint8_t *p = CMSG_DATA(cm);
		if (i >= ec->n_cmsg)
			return engine_fail(x, ec->ev, 's', "error handling syscall: %s: msg_control: "
					   "expected %d control messages but got more (level %d type %d)",
					   name, ec->n_cmsg, cm->cmsg_level, cm->cmsg_type);
		const struct engine_cmsg *m = &ec->cmsg[i];
		if (cm->cmsg_level != m->level || cm->cmsg_type != m->type)
			return engine_fail(x, ec->ev, 's', "error handling syscall: %s: msg_control "
					   "%d: expected level %d type %d but got level %d type %d",
					   name, i + 1, m->level, m->type, cm->cmsg_level,
					   cm->cmsg_type);
		if (m->kind != ENGINE_CMSG_INT) {
			char d[512];
			int rc = compare_struct(x, m, p, len, d, sizeof d);
			if (rc < 0)
				return engine_fail(x, ec->ev, 's', "error handling syscall: %s: "
						   "msg_control %d: %zu bytes of data, too short for "
						   "the structure expected", name, i + 1, len);
			if (rc > 0)
				return engine_fail(x, ec->ev, 's', "error handling syscall: %s: "
						   "msg_control %d: cmsg_data: %s", name, i + 1, d);
			continue;
		}
		int64_t got = 0;
		bool is_int = true;
		switch (len) {
		case 1: got = p[0]; break;
		case 2: { uint16_t v; memcpy(&v, p, 2); got = v; break; }
		case 4: { int32_t v; memcpy(&v, p, 4); got = v; break; }
		case 8: { int64_t v; memcpy(&v, p, 8); got = v; break; }
		default: is_int = false; break;
		}
		if (!is_int)
			return engine_fail(x, ec->ev, 's', "error handling syscall: %s: msg_control "
					   "%d: expected the integer %lld but got %zu bytes of data",
					   name, i + 1, (long long)m->data, len);
		if (got != m->data)
			return engine_fail(x, ec->ev, 's', "error handling syscall: %s: msg_control "
					   "%d: cmsg_data: expected %lld but got %lld", name, i + 1,
					   (long long)m->data, (long long)got);
	}
	if (i < ec->n_cmsg)
		return engine_fail(x, ec->ev, 's', "error handling syscall: %s: msg_control: "
				   "expected %d control messages but got %d%s", name, ec->n_cmsg, i,
				   r->msg_flags & MSG_CTRUNC ? " (MSG_CTRUNC)" : "");
	return ENGINE_PASS;
}
