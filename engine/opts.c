/* Script options (option lines and the command line) and verdict names. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

static const char *const verdict_names[] = {
#define X(name, code, text) [code] = text,
	ENGINE_VERDICTS(X)
#undef X
};

const char *engine_verdict_name(enum engine_verdict v)
{
	return (unsigned)v < sizeof verdict_names / sizeof verdict_names[0] ? verdict_names[v]
									      : "?";
}

static int bad(char *msg, size_t cap, const char *name, const char *value)
{
	snprintf(msg, cap, "bad value for --%s: '%s'", name, value ? value : "");
	return -1;
}

static bool parse_i64(const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	long long v = strtoll(s, &end, 0);
	if (*end)
		return false;
	*out = v;
	return true;
}

static int set_str(char *dst, size_t cap, bool *has, const char *v)
{
	if (!v || strlen(v) >= cap)
		return -1;
	strcpy(dst, v);
	*has = true;
	return 0;
}

int engine_opt_set(struct engine_opts *o, const char *name, const char *value, char *msg,
		   size_t cap)
{
	int64_t v;
	/* both spellings: --tolerance_usecs and --tolerance-usecs */
	char n[64];
	size_t len = strlen(name);
	if (len >= sizeof n) {
		snprintf(msg, cap, "unknown option --%s", name);
		return -1;
	}
	for (size_t i = 0; i <= len; i++)
		n[i] = name[i] == '-' ? '_' : name[i];

	if (!strcmp(n, "tolerance_usecs")) {
		if (!parse_i64(value, &v) || v < 0)
			return bad(msg, cap, name, value);
		o->tolerance_usecs = v;
		o->has_tolerance_usecs = true;
	} else if (!strcmp(n, "tolerance_percent")) {
		char *end;
		double d = value ? strtod(value, &end) : -1;
		if (!value || *end || d < 0)
			return bad(msg, cap, name, value);
		o->tolerance_percent = d;
		o->has_tolerance_percent = true;
	} else if (!strcmp(n, "tcp_ts_tick_usecs")) {
		if (!parse_i64(value, &v) || v < 0)
			return bad(msg, cap, name, value);
		o->tcp_ts_tick_usecs = v;
		o->has_ts_tick = true;
	} else if (!strcmp(n, "non_fatal")) {
		o->has_non_fatal = true;
		o->non_fatal_packet = o->non_fatal_syscall = false;
		const char *p = value ? value : "packet,syscall";
		while (*p) {
			size_t k = strcspn(p, ",");
			if (k == 6 && !strncmp(p, "packet", 6))
				o->non_fatal_packet = true;
			else if (k == 7 && !strncmp(p, "syscall", 7))
				o->non_fatal_syscall = true;
			else
				return bad(msg, cap, name, value);
			p += k + (p[k] == ',');
		}
	} else if (!strcmp(n, "ip_version")) {
		int iv = value ? target_ip_version_parse(value) : -1;
		if (iv < 0)
			return bad(msg, cap, name, value);
		o->ip_version = iv;
		o->has_ip_version = true;
	} else if (!strcmp(n, "mtu")) {
		/* the least the IP version allows; IPv6's 1280 is checked once the run's
		 * version is known (engine run.c) */
		if (!parse_i64(value, &v) || v > 65535)
			return bad(msg, cap, name, value);
		if (v < ENGINE_MIN_MTU_IPV4) {
			snprintf(msg, cap, "bad value for --%s: '%s': below the least MTU of IPv4, "
				 "%d octets (RFC 791; IPv6's is %d, RFC 8200)", name, value,
				 ENGINE_MIN_MTU_IPV4, ENGINE_MIN_MTU_IPV6);
			return -1;
		}
		o->mtu = v;
		o->has_mtu = true;
	} else if (!strcmp(n, "mss")) {
		if (!parse_i64(value, &v) || v < 88 || v > 65495)
			return bad(msg, cap, name, value);
		o->mss = v;
		o->has_mss = true;
	} else if (!strcmp(n, "local_ip")) {
		if (set_str(o->local_ip, sizeof o->local_ip, &o->has_local_ip, value))
			return bad(msg, cap, name, value);
	} else if (!strcmp(n, "remote_ip")) {
		if (set_str(o->remote_ip, sizeof o->remote_ip, &o->has_remote_ip, value))
			return bad(msg, cap, name, value);
	} else if (!strcmp(n, "gateway_ip")) {
		if (set_str(o->gateway_ip, sizeof o->gateway_ip, &o->has_gateway_ip, value))
			return bad(msg, cap, name, value);
	} else if (!strcmp(n, "bind_port")) {
		if (!parse_i64(value, &v) || v < 1 || v > 65535)
			return bad(msg, cap, name, value);
		o->bind_port = v;
		o->has_bind_port = true;
	} else if (!strcmp(n, "connect_port")) {
		if (!parse_i64(value, &v) || v < 1 || v > 65535)
			return bad(msg, cap, name, value);
		o->connect_port = v;
		o->has_connect_port = true;
	} else if (!strcmp(n, "netmask_ip")) {
		struct in_addr m;
		int64_t bits;
		if (value && inet_pton(AF_INET, value, &m) == 1) {
			uint32_t h = ntohl(m.s_addr);
			bits = 0;
			while (bits < 32 && (h & (0x80000000u >> bits)))
				bits++;
			if (bits < 32 && (h << bits))
				return bad(msg, cap, name, value);   /* not contiguous */
		} else if (!parse_i64(value, &bits) || bits < 0 || bits > 128) {
			return bad(msg, cap, name, value);
		}
		o->prefix_len = bits;
		o->has_prefix_len = true;
	} else if (!strcmp(n, "tcp_ts_ecr_scaled") || !strcmp(n, "persistent_tun_dev") ||
		   !strcmp(n, "send_omit_free") || !strcmp(n, "speculative_connect_port") ||
		   !strcmp(n, "speed")) {
		/* packetdrill options with no effect here: an unknown TS ecr is always
		 * placed relative to the first TS pair, the device is always private */
	} else if (!strcmp(n, "strict_segments")) {
		o->strict_segments = true;
	} else if (!strcmp(n, "verbose") || !strcmp(n, "v")) {
		o->verbose++;
	} else if (!strcmp(n, "define") || n[0] == 'D') {
		const char *def = n[0] == 'D' && n[1] ? name + 1 : value;
		const char *eq = def ? strchr(def, '=') : NULL;
		if (!eq || eq == def || o->n_defines >= ENGINE_MAX_DEFINES ||
		    (size_t)(eq - def) >= sizeof o->defines[0][0] ||
		    strlen(eq + 1) >= sizeof o->defines[0][1])
			return bad(msg, cap, name, value);
		int i = o->n_defines++;
		memcpy(o->defines[i][0], def, eq - def);
		o->defines[i][0][eq - def] = 0;
		strcpy(o->defines[i][1], eq + 1);
	} else {
		snprintf(msg, cap, "unknown option --%s", name);
		return -1;
	}
	return 0;
}

void engine_opts_merge(struct engine_opts *d, const struct engine_opts *s)
{
#define M(has, ...) if (s->has) { d->has = true; __VA_ARGS__; }
	M(has_tolerance_usecs, d->tolerance_usecs = s->tolerance_usecs)
	M(has_tolerance_percent, d->tolerance_percent = s->tolerance_percent)
	M(has_ts_tick, d->tcp_ts_tick_usecs = s->tcp_ts_tick_usecs)
	M(has_non_fatal, d->non_fatal_packet = s->non_fatal_packet;
	  d->non_fatal_syscall = s->non_fatal_syscall)
	M(has_ip_version, d->ip_version = s->ip_version)
	M(has_mtu, d->mtu = s->mtu)
	M(has_mss, d->mss = s->mss)
	M(has_local_ip, memcpy(d->local_ip, s->local_ip, sizeof d->local_ip))
	M(has_remote_ip, memcpy(d->remote_ip, s->remote_ip, sizeof d->remote_ip))
	M(has_gateway_ip, memcpy(d->gateway_ip, s->gateway_ip, sizeof d->gateway_ip))
	M(has_bind_port, d->bind_port = s->bind_port)
	M(has_connect_port, d->connect_port = s->connect_port)
	M(has_prefix_len, d->prefix_len = s->prefix_len)
#undef M
	if (s->strict_segments)
		d->strict_segments = true;
	if (s->verbose)
		d->verbose = s->verbose;
	for (int i = 0; i < s->n_defines && d->n_defines < ENGINE_MAX_DEFINES; i++)
		memcpy(d->defines[d->n_defines++], s->defines[i], sizeof s->defines[i]);
}
