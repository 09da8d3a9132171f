/* tests/plugins/broken.h: a version 2 plugin over the reference stack (refwrap.h) that
 * breaks exactly one rule of tcpspec-plugin(7), chosen by the BROKEN_* macro the
 * including file defines.  `tcpspec plugin-check` must fail the check for that rule
 * (tests/plugin_check.sh).  Each one is a mistake a stack's mapping could make. */
#include <stdio.h>
#include <string.h>

#include "refwrap.h"

static int64_t br_last_advance;
static bool br_poll_pending;

static int64_t br_now(void *h)
{
#ifdef BROKEN_CLOCK     /* the clock follows advance() back in time */
	return br_last_advance;
#else
	return rw_now(h);
#endif
}

static void *br_open(const struct target_config *cfg, struct target_diag *diag)
{
#ifdef BROKEN_OPEN      /* a handle leaks at every close: the 50th open finds none */
	static int opened;
	if (++opened >= 50) {
		target_diagf(diag, TARGET_UNAVAILABLE, "out of handles");
		return NULL;
	}
#endif
#ifdef BROKEN_CAPS      /* claims TARGET_IPV6, opens IPv4 only */
	if (cfg->ip_version != TARGET_IPV4_ONLY) {
		target_diagf(diag, TARGET_UNSUPPORTED, "no IPv6 in this build");
		return NULL;
	}
#endif
	br_last_advance = 0;
	return rw_open(cfg, diag);
}

static int br_next_outbound(void *h, int64_t deadline_ns, struct target_packet *p)
{
	int rc = rw_next_outbound(h, deadline_ns, p);
#ifdef BROKEN_CONNECT   /* time 0 taken for "no timestamp" */
	if (rc == TARGET_OK && p->time_ns == 0)
		p->time_ns = 1;
#endif
	return rc;
}

static int br_call(void *h, const struct target_call *c, struct target_result *r)
{
	int rc = rw_call(h, c, r);
	br_poll_pending = c->kind == TARGET_CALL_POLL && rc == TARGET_PENDING;
#ifdef BROKEN_STDOUT     /* a debugging line on the standard output, tcpspec's report */
	if (c->kind == TARGET_CALL_CLOSE) {
		fputs("ok    a line from the plugin\n", stdout);
		fflush(stdout);
	}
#endif
#ifdef BROKEN_ERRNO     /* BSD's EAGAIN (35) instead of Linux's (11) */
	if (rc == TARGET_OK && r->err == 11)
		r->err = 35;
#endif
	return rc;
}

static int br_complete(void *h, int64_t deadline_ns, struct target_result *r)
{
	int rc = rw_complete(h, deadline_ns, r);
	if (rc != TARGET_PENDING)
		br_poll_pending = false;
#ifdef BROKEN_ACCEPT    /* TIMEOUT where the call is still pending */
	if (rc == TARGET_PENDING)
		rc = TARGET_TIMEOUT;
#endif
#ifdef BROKEN_PENDING   /* start_ns left for tcpspec to guess */
	if (rc == TARGET_OK)
		r->start_ns = 0;
#endif
	return rc;
}

static int br_advance(void *h, int64_t now_ns, int64_t *next)
{
	br_last_advance = now_ns;
#ifdef BROKEN_TIMERS    /* only the timers due strictly before now_ns run */
	if (now_ns > 0)
		now_ns--;
#endif
	int rc = rw_advance(h, now_ns, next);
#ifdef BROKEN_POLLTIMEOUT       /* the pending poll's timeout is not reported */
	if (br_poll_pending)
		*next = INT64_MAX;
#endif
	return rc;
}

static int br_tcp_info(void *h, int fd, struct target_tcp_info *ti)
{
	int rc = rw_tcp_info(h, fd, ti);
#ifdef BROKEN_TCPINFO   /* the stack's own state numbering (BSD: ESTABLISHED is 4) */
	if (rc == TARGET_OK && ti->v[TARGET_TI_state] == 1)
		ti->v[TARGET_TI_state] = 4;
#endif
	return rc;
}

static int br_setting(void *h, const char *name, const char *value)
{
	struct rw *e = h;
#ifdef BROKEN_SETTINGS  /* says yes to everything */
	(void)e;
	return TARGET_OK;
#else
	return rw_report(e, target_setting(&e->t, name, value));
#endif
}

static const struct tcpspec_plugin_v2 table = {
	TCPSPEC_PLUGIN_V2_HEADER,
	.name = "broken",
	.version = "test",
	.caps = TARGET_VIRTUAL_TIME | TARGET_TCP_INFO | TARGET_BLOCKING | TARGET_SETTINGS |
		TARGET_IPV6 | TARGET_IPV4_MAPPED,
	.open = br_open,
	.close = rw_close,
	.now = br_now,
	.inject = rw_inject,
	.next_outbound = br_next_outbound,
	.call = br_call,
	.complete = br_complete,
	.advance = br_advance,
	.tcp_info = br_tcp_info,
	.setting = br_setting,
};

TCPSPEC_PLUGIN_EXPORT
const struct tcpspec_plugin_v2 *tcpspec_plugin_v2(uint32_t host_abi)
{
#ifdef BROKEN_ABI       /* answers whatever version is asked */
	return &table;
#else
	return host_abi == 2 ? &table : NULL;
#endif
}
