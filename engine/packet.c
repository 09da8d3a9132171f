/* Packets: inbound ones built through wire/ with the script's numbers, outbound ones
 * read from the target and matched with the rules of pkt-dialect.md:
 *  - flags, sequence range, payload length and ack always; ports never;
 *  - win (and urg, IP fields, ECN) only when the script gives them;
 *  - no <...> at all: no options; <...>: any; a list: the same kinds in the same order,
 *    values byte for byte, NOP and EOL by kind; TS val only with --tcp_ts_tick_usecs.
 * Outbound sequence numbers are relative to the stack's ISN (its SYN), acks and SACK
 * blocks relative to the remote ISN (the script's SYN). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"

static void to_wire_addr(const struct target_addr *a, struct wire_addr *w)
{
	memset(w, 0, sizeof *w);
	if (a->family == AF_INET6) {
		w->family = WIRE_AF_INET6;
		memcpy(w->a, &a->u.v6, 16);
	} else {
		w->family = WIRE_AF_INET;
		memcpy(w->a, &a->u.v4, 4);
	}
}

void engine_capture(struct engine_ctx *x, const uint8_t *p, size_t len, int64_t t_ns)
{
	if (!x->dumper)
		return;
	int64_t wall = x->wall0_ns + (t_ns - x->t0);
	struct pcap_pkthdr h;
	h.ts.tv_sec = wall / 1000000000;
	h.ts.tv_usec = wall % 1000000000;   /* nanoseconds: the file says so */
	h.caplen = h.len = len;
	pcap_dump((u_char *)x->dumper, &h, p);
}

/* The live TS val the stack sent for a TS val the script wrote; a value the script
 * never wrote is placed on the stack's clock at the same distance from the first pair. */
static uint32_t live_ts_for(struct engine_ctx *x, uint32_t script_val)
{
	for (size_t i = x->c.n_ts; i-- > 0;)
		if (x->c.ts_script[i] == script_val)
			return x->c.ts_live[i];
	if (x->c.have_ts_first)
		return x->c.ts_first_live + (script_val - x->c.ts_first_script);
	return x->c.have_ts_live ? x->c.ts_last_live : script_val;
}

/* A symbolic option value (`FO TFO_COOKIE`, `mss MSS`) from --define NAME=VALUE:
 * a number for mss and wscale, hex bytes for cookies and digests.  r gets s with the
 * value filled in (bytes in buf).  false when the name is not defined. */
static bool resolve_opt(struct engine_ctx *x, const struct dsl_tcp_opt *s,
			struct dsl_tcp_opt *r, uint8_t *buf, size_t cap)
{
	*r = *s;
	if (!s->sym)
		return true;
	const char *val = NULL;
	for (int i = x->opts.n_defines; i-- > 0 && !val;)
		if (!strcmp(x->opts.defines[i][0], s->sym))
			val = x->opts.defines[i][1];
	if (!val)
		return false;
	if (s->kind == DSL_OPT_MSS || s->kind == DSL_OPT_WSCALE) {
		char *end;
		unsigned long v = strtoul(val, &end, 0);
		if (!*val || *end)
			return false;
		r->value = v;
		return true;
	}
	size_t n = 0;
	for (const char *h = val; h[0] && h[1] && n < cap; h += 2) {
		unsigned hi, lo;
		if (sscanf(h, "%1x%1x", &hi, &lo) != 2)
			return false;
		buf[n++] = hi << 4 | lo;
	}
	r->bytes = buf;
	r->len = n;
	return true;
}

static int add_opt(struct engine_ctx *x, struct wire_tcp_opts *o, const struct dsl_tcp_opt *so)
{
	uint8_t symbuf[DSL_MAX_OPT_BYTES];
	struct dsl_tcp_opt resolved;
	if (!resolve_opt(x, so, &resolved, symbuf, sizeof symbuf))
		return -2;
	const struct dsl_tcp_opt *s = &resolved;
	uint8_t b[WIRE_TCP_MAX_OPT_LEN + 2];
	switch (s->kind) {
	case DSL_OPT_NOP: return wire_opt_add_nop(o);
	case DSL_OPT_EOL: return wire_opt_add_eol(o);
	case DSL_OPT_MSS: return wire_opt_add_mss(o, s->value);
	case DSL_OPT_WSCALE: return wire_opt_add_wscale(o, s->value);
	case DSL_OPT_SACK_PERM: return wire_opt_add_sack_perm(o);
	case DSL_OPT_SACK: {
		uint32_t lr[2 * DSL_MAX_SACK_BLOCKS];
		for (size_t i = 0; i < s->n_sack; i++) {
			lr[2 * i] = x->c.local_isn + s->sack[i].start;
			lr[2 * i + 1] = x->c.local_isn + s->sack[i].end;
		}
		return wire_opt_add_sack(o, s->n_sack, lr);
	}
	case DSL_OPT_TS:
		/* `ecr ...` echoes the stack's latest TS val (0 before it sent one) */
		if (s->ts_ecr_any)
			return wire_opt_add_ts(o, s->ts_val, x->c.have_ts_live ? x->c.ts_last_live : 0);
		return wire_opt_add_ts(o, s->ts_val, s->ts_ecr ? live_ts_for(x, s->ts_ecr) : 0);
	case DSL_OPT_FASTOPEN:
	case DSL_OPT_FASTOPEN_EXP:
		return wire_opt_add_tfo(o, s->kind == DSL_OPT_FASTOPEN_EXP, s->bytes, s->len);
	case DSL_OPT_MD5: {
		uint8_t dig[16] = {0};
		if (s->bytes)
			memcpy(dig, s->bytes, s->len < 16 ? s->len : 16);
		return wire_opt_add_md5(o, dig);
	}
	case DSL_OPT_ACCECN: {
		uint32_t f[3] = {0};
		for (size_t i = 0; i < s->n_accecn; i++)
			f[s->accecn[i].field] = s->accecn[i].value;
		int order = s->n_accecn && s->accecn[0].field == DSL_ACCECN_E1B;
		return wire_opt_add_accecn(o, order, s->n_accecn, f[0], f[1], f[2]);
	}
	case DSL_OPT_RAW: {
		size_t n = 0;
		if (s->raw_kind >= 0)
			b[n++] = s->raw_kind;
		if (s->raw_len >= 0)
			b[n++] = s->raw_len;
		size_t k = s->len;
		if (n + k > sizeof b)
			k = sizeof b - n;
		if (k)
			memcpy(b + n, s->bytes, k);
		return wire_opt_add_literal(o, b, n + k);
	}
	}
	return -1;
}

static void apply_ip_fields(struct wire_packet *w, const struct dsl_packet *p)
{
	if (p->has_tos)
		w->ip.tos = p->tos;
	static const uint8_t ecn_bits[] = {
		[DSL_ECN_NOECN] = WIRE_ECN_NOT_ECT, [DSL_ECN_ECT0] = WIRE_ECN_ECT0,
		[DSL_ECN_ECT1] = WIRE_ECN_ECT1, [DSL_ECN_CE] = WIRE_ECN_CE,
		[DSL_ECN_ECT01] = WIRE_ECN_ECT0,
	};
	if (p->ecn != DSL_ECN_UNSET)
		w->ip.tos = (w->ip.tos & ~3) | ecn_bits[p->ecn];
	if (p->has_ttl)
		w->ip.ttl = p->ttl;
	if (p->has_flowlabel)
		w->ip.flowlabel = p->flowlabel & 0xfffff;
	if (p->has_ip_id)
		w->ip.id = p->ip_id;
}

/* ICMP type and code names as scripts write them, for v4 and v6. */
static bool icmp_numbers(bool v6, const struct dsl_icmp *ic, uint8_t *type, uint8_t *code)
{
	static const struct { const char *name; int v4, v6; } codes[] = {
		{ "net_unreachable", 0, 0 }, { "host_unreachable", 1, 3 },
		{ "protocol_unreachable", 2, -1 }, { "port_unreachable", 3, 4 },
		{ "frag_needed", 4, -2 }, { "source_route_failed", 5, -1 },
		{ "net_unknown", 6, 0 }, { "host_unknown", 7, 3 },
		{ "host_isolated", 8, -1 }, { "net_prohibited", 9, 1 },
		{ "host_prohibited", 10, 1 }, { "admin_prohibited", 13, 1 },
		{ "packet_filtered", 13, 1 }, { "no_route", 0, 0 },
		{ "address_unreachable", 1, 3 },
	};
	*code = 0;
	if (!strcmp(ic->type, "unreachable") || !strcmp(ic->type, "dest_unreachable")) {
		*type = v6 ? WIRE_ICMP6_UNREACH : WIRE_ICMP_UNREACH;
		if (!ic->code)
			return true;
		for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
			if (!strcmp(codes[i].name, ic->code)) {
				int c = v6 ? codes[i].v6 : codes[i].v4;
				if (c == -2) {          /* IPv6 has "packet too big" for this */
					*type = WIRE_ICMP6_PKT_TOO_BIG;
					c = 0;
				}
				if (c < 0)
					return false;
				*code = c;
				return true;
			}
		return false;
	}
	if (!strcmp(ic->type, "time_exceeded")) {
		*type = v6 ? WIRE_ICMP6_TIME_EXCEEDED : WIRE_ICMP_TIMXCEED;
		return true;
	}
	if (!strcmp(ic->type, "packet_too_big") && v6) {
		*type = WIRE_ICMP6_PKT_TOO_BIG;
		return true;
	}
	if (!strcmp(ic->type, "source_quench") && !v6) {
		*type = WIRE_ICMP_SOURCEQUENCH;
		return true;
	}
	if (!strcmp(ic->type, "parameter_problem")) {
		*type = v6 ? WIRE_ICMP6_PARAM_PROB : WIRE_ICMP_PARAMPROB;
		return true;
	}
	return false;
}

/* An ICMP error from the peer quoting a segment the stack sent (relative numbers). */
static int inbound_icmp(struct engine_ctx *x, const struct dsl_event *ev)
{
	const struct dsl_packet *p = &ev->packet;
	bool v6 = x->tc.local_ip.family == AF_INET6;
	uint8_t type, code;
	if (!p->icmp.type || !icmp_numbers(v6, &p->icmp, &type, &code))
		return engine_skip(x, ev, "ICMP%s '%s %s' is not supported", v6 ? "v6" : "",
				   p->icmp.type ? p->icmp.type : "", p->icmp.code ? p->icmp.code : "");
	struct wire_packet q;
	wire_packet_init(&q, v6 ? 6 : 4);
	to_wire_addr(&x->tc.local_ip, &q.ip.src);
	to_wire_addr(&x->tc.remote_ip, &q.ip.dst);
	q.l4 = WIRE_L4_TCP;
	q.tcp.sport = x->c.local_port;
	q.tcp.dport = x->c.remote_port;
	q.tcp.flags = WIRE_TH_ACK;
	q.tcp.ack = x->c.remote_isn + 1;
	q.tcp.win = 1000;
	if (p->icmp.has_quote && !p->icmp.quote_any) {
		q.tcp.seq = p->icmp.quote.start_absolute ? p->icmp.quote.start
							 : x->c.local_isn + p->icmp.quote.start;
		q.tcp.payload_len = p->icmp.quote.len;
	} else {
		q.tcp.seq = x->c.local_isn + 1;
	}
	uint8_t inner[TARGET_MAX_PACKET];
	size_t ilen, len;
	int rc = wire_build(&q, inner, sizeof inner, &ilen);
	struct wire_addr src, dst;
	to_wire_addr(&x->tc.remote_ip, &src);
	to_wire_addr(&x->tc.local_ip, &dst);
	if (rc == WIRE_OK)
		rc = wire_build_icmp_error(&src, &dst, type, code, p->icmp.has_mtu ? p->icmp.mtu : 0,
					   inner, ilen, 0, x->obuf, sizeof x->obuf, &len);
	if (rc != WIRE_OK)
		return engine_fail(x, ev, 0, "error handling packet: cannot build the ICMP error: %s",
				   wire_strerror(rc));
	int64_t now = target_now(&x->t);
	if (target_inject(&x->t, x->obuf, len) != TARGET_OK)
		return engine_fail(x, ev, 0, "error handling packet: %s", x->t.diag.msg);
	engine_capture(x, x->obuf, len, now);
	return ENGINE_PASS;
}

/* ---- connections --------------------------------------------------------------------- */

static struct engine_conn *conn_find(struct engine_ctx *x, uint16_t port)
{
	for (size_t i = 0; i < x->n_conns; i++)
		if (x->conns[i].remote_port == port)
			return &x->conns[i];
	return NULL;
}

bool engine_conn_select(struct engine_ctx *x, uint16_t port)
{
	if (x->c.remote_port == port)
		return true;
	struct engine_conn *s = conn_find(x, port);
	if (s) {                        /* swap the waiting one in, the live one out */
		struct engine_conn tmp = *s;
		*s = x->c;
		x->c = tmp;
		return true;
	}
	if (x->n_conns >= ENGINE_MAX_CONNS)
		return false;
	/* a new peer talks to the port the home connection talks to (a listener's) */
	const struct engine_conn *home = x->c.remote_port == x->home_port
						 ? &x->c : conn_find(x, x->home_port);
	uint16_t lport = home ? home->local_port : x->tc.local_port;
	x->conns[x->n_conns++] = x->c;
	memset(&x->c, 0, sizeof x->c);
	x->c.remote_port = port;
	x->c.local_port = lport;
	x->c.remote_isn_open = true;
	return true;
}

void engine_conn_rehome(struct engine_ctx *x, uint16_t port)
{
	if (x->c.remote_port != port) {
		struct engine_conn *s = conn_find(x, port);
		if (s)
			*s = x->conns[--x->n_conns];
		/* the old port's connection stays reachable with (rport OLD); the home
		 * one carries its numbers on (until the next SYNs), as it always did */
		if (x->n_conns < ENGINE_MAX_CONNS)
			x->conns[x->n_conns++] = x->c;
		x->c.remote_port = port;
	}
	x->home_port = port;
}

void engine_conn_reopen(struct engine_ctx *x)
{
	x->c.remote_isn_open = true;
	for (size_t i = 0; i < x->n_conns; i++)
		x->conns[i].remote_isn_open = true;
}

/* The connection a packet belongs to: (rport N) names it, else the home one. */
static int select_conn(struct engine_ctx *x, const struct dsl_event *ev)
{
	const struct dsl_packet *p = &ev->packet;
	if (engine_conn_select(x, p->has_rport ? p->rport : x->home_port))
		return ENGINE_PASS;
	return engine_skip(x, ev, "a script speaks from at most %d remote ports",
			   ENGINE_MAX_CONNS + 1);
}

/* An inbound packet's IP and transport framing: from the peer's address and the
 * current connection's script-side port to the stack's. */
static void start_inbound(struct engine_ctx *x, struct wire_packet *w, enum wire_l4 l4)
{
	wire_packet_init(w, x->tc.local_ip.family == AF_INET6 ? 6 : 4);
	to_wire_addr(&x->tc.remote_ip, &w->ip.src);
	to_wire_addr(&x->tc.local_ip, &w->ip.dst);
	w->l4 = l4;
	if (l4 == WIRE_L4_UDP) {
		w->udp.sport = x->c.remote_port;
		w->udp.dport = x->c.local_port;
	} else {
		w->tcp.sport = x->c.remote_port;
		w->tcp.dport = x->c.local_port;
	}
}

int engine_inbound(struct engine_ctx *x, const struct dsl_event *ev)
{
	const struct dsl_packet *p = &ev->packet;
	int v = select_conn(x, ev);
	if (v != ENGINE_PASS)
		return v;
	if (p->proto == DSL_PROTO_ICMP)
		return inbound_icmp(x, ev);
	if (p->proto == DSL_PROTO_UDP) {
		struct wire_packet u;
		start_inbound(x, &u, WIRE_L4_UDP);
		u.udp.payload_len = p->udp_len;
		apply_ip_fields(&u, p);
		size_t len;
		int rc = wire_build(&u, x->obuf, sizeof x->obuf, &len);
		if (rc != WIRE_OK)
			return engine_fail(x, ev, 0, "error handling packet: cannot build it: %s",
					   wire_strerror(rc));
		int64_t now = target_now(&x->t);
		if (target_inject(&x->t, x->obuf, len) != TARGET_OK)
			return engine_fail(x, ev, 0, "error handling packet: %s", x->t.diag.msg);
		engine_capture(x, x->obuf, len, now);
		return ENGINE_PASS;
	}
	if (p->has_udp_encap)
		return engine_skip(x, ev, "TCP over UDP encapsulation is not supported yet");
	if (p->opts_kind == DSL_OPTS_ANY)
		return engine_fail(x, ev, 0, "error handling packet: an inbound packet cannot have <...> options");

	struct wire_packet w;
	start_inbound(x, &w, WIRE_L4_TCP);
	w.tcp.flags = p->flags;
	/* A SYN carries its number as written.  The connection's first one (the first
	 * after the script's socket() call) is the peer's ISN: later packets are written
	 * relative to it (so are the stack's acks), as in packetdrill.  A second SYN on
	 * the same connection does not move it, so the challenge ACK of RFC 5961 4.2 is
	 * still written relative to the connection's own ISN. */
	if (p->flags & DSL_TCP_SYN) {
		if (x->c.remote_isn_open || !x->c.have_remote_isn) {
			x->c.remote_isn = p->seq.start;
			x->c.have_remote_isn = true;
			x->c.remote_isn_open = false;
		}
		w.tcp.seq = p->seq.start;
	} else {
		w.tcp.seq = p->seq.start_absolute ? p->seq.start : x->c.remote_isn + p->seq.start;
	}
	w.tcp.payload_len = p->seq.len;
	if (p->has_ack)
		w.tcp.ack = p->ack_absolute ? p->ack : x->c.local_isn + p->ack;
	w.tcp.win = p->win;
	if (p->has_urg)
		w.tcp.urg = p->urg;
	if (p->opts_kind == DSL_OPTS_LIST)
		for (size_t i = 0; i < p->n_opts; i++)
			switch (add_opt(x, &w.tcp.opts, &p->opts[i])) {
			case 0:
				break;
			case -2:
				return engine_skip(x, ev, "TCP option value %s is not defined "
						   "(give --define %s=VALUE)", p->opts[i].sym,
						   p->opts[i].sym);
			default:
				return engine_fail(x, ev, 0, "error handling packet: too many TCP options");
			}
	apply_ip_fields(&w, p);
	if (p->bad.present) {
		if (p->bad.has_csum) {
			w.ovr.l4_csum = p->bad.csum_bad ? WIRE_CSUM_BAD : WIRE_CSUM_VALUE;
			w.tcp.csum = p->bad.csum;
		}
		if (p->bad.has_res)
			w.tcp.flags = (w.tcp.flags & 0x0ff) | ((uint16_t)(p->bad.res & 0xf) << 8);
		if (p->bad.has_doff) {
			w.ovr.tcp_doff = true;
			w.tcp.doff = p->bad.doff;
		}
	}
	size_t len;
	int rc = wire_build(&w, x->obuf, sizeof x->obuf, &len);
	if (rc != WIRE_OK)
		return engine_fail(x, ev, 0, "error handling packet: cannot build it: %s",
				   wire_strerror(rc));
	int64_t now = target_now(&x->t);
	rc = target_inject(&x->t, x->obuf, len);
	if (rc != TARGET_OK)
		return engine_fail(x, ev, 0, "error handling packet: %s", x->t.diag.msg);
	engine_capture(x, x->obuf, len, now);
	return ENGINE_PASS;
}

/* ---- outbound ------------------------------------------------------------------------ */

struct diffs {
	char buf[1024];
	size_t n;
	int count;
};

static void diff(struct diffs *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diff(struct diffs *d, const char *fmt, ...)
{
	if (d->n >= sizeof d->buf)
		return;
	if (d->count++)
		d->n += snprintf(d->buf + d->n, sizeof d->buf - d->n, "; ");
	if (d->n >= sizeof d->buf)
		return;
	va_list ap;
	va_start(ap, fmt);
	d->n += vsnprintf(d->buf + d->n, sizeof d->buf - d->n, fmt, ap);
	va_end(ap);
}

static int wire_kind_of(const struct dsl_tcp_opt *s)
{
	switch (s->kind) {
	case DSL_OPT_NOP: return WIRE_TCPOPT_NOP;
	case DSL_OPT_EOL: return WIRE_TCPOPT_EOL;
	case DSL_OPT_MSS: return WIRE_TCPOPT_MSS;
	case DSL_OPT_WSCALE: return WIRE_TCPOPT_WSCALE;
	case DSL_OPT_SACK_PERM: return WIRE_TCPOPT_SACK_PERM;
	case DSL_OPT_SACK: return WIRE_TCPOPT_SACK;
	case DSL_OPT_TS: return WIRE_TCPOPT_TIMESTAMP;
	case DSL_OPT_FASTOPEN: return WIRE_TCPOPT_FASTOPEN;
	case DSL_OPT_FASTOPEN_EXP: return WIRE_TCPOPT_EXP;
	case DSL_OPT_MD5: return WIRE_TCPOPT_MD5;
	case DSL_OPT_ACCECN:
		return s->n_accecn && s->accecn[0].field == DSL_ACCECN_E1B ? WIRE_TCPOPT_ACCECN1
									    : WIRE_TCPOPT_ACCECN0;
	case DSL_OPT_RAW: return s->raw_kind;
	}
	return -1;
}

static bool ts_val_ok(struct engine_ctx *x, uint32_t script_val, uint32_t live, char *why,
		      size_t cap)
{
	int64_t tick = x->opts.tcp_ts_tick_usecs;
	if (tick <= 0)
		return true;
	if (!x->c.have_ts_base) {
		x->c.have_ts_base = true;
		x->c.ts_base_script = script_val;
		x->c.ts_base_live = live;
		return true;
	}
	uint32_t want = x->c.ts_base_live + (script_val - x->c.ts_base_script);
	int64_t slack = x->opts.tolerance_usecs / tick + 1;
	int64_t off = (int32_t)(live - want);
	if (off >= -slack && off <= slack)
		return true;
	snprintf(why, cap, "TS val: expected %u but got %u (%u ticks of %lld us from the first)",
		 script_val, script_val + (uint32_t)off, (unsigned)(live - x->c.ts_base_live),
		 (long long)tick);
	return false;
}

static void compare_options(struct engine_ctx *x, const struct dsl_packet *p,
			    const struct wire_tcp *t, struct diffs *d)
{
	const struct wire_tcp_opts *o = &t->opts;
	char want[256] = "", got[256] = "";
	if (p->opts_kind == DSL_OPTS_ANY)
		return;
	if (p->opts_kind == DSL_OPTS_NONE) {
		if (o->n || t->opt_len) {
			wire_print_tcp_options(got, sizeof got, o, x->c.remote_isn);
			diff(d, "options: expected none but got %s", got);
		}
		return;
	}
	/* an EOL ends the list: zero bytes after it are padding, not more options */
	size_t n_actual = o->n;
	while (n_actual >= 2 && o->opt[n_actual - 1].kind == WIRE_TCPOPT_EOL &&
	       o->opt[n_actual - 2].kind == WIRE_TCPOPT_EOL)
		n_actual--;
	bool kinds_ok = n_actual == p->n_opts;
	for (size_t i = 0; kinds_ok && i < p->n_opts; i++)
		if ((int)o->opt[i].kind != wire_kind_of(&p->opts[i]) ||
		    (o->opt[i].flags & WIRE_OPT_F_RAW && p->opts[i].kind != DSL_OPT_RAW))
			kinds_ok = false;
	if (!kinds_ok) {
		wire_print_tcp_options(got, sizeof got, o, x->c.remote_isn);
		FILE *f = fmemopen(want, sizeof want - 1, "w");
		if (f) {
			fputc('<', f);
			for (size_t i = 0; i < p->n_opts; i++) {
				const struct dsl_tcp_opt *s = &p->opts[i];
				static const char *const names[] = {
					"nop", "eol", "mss", "wscale", "sackOK", "sack", "TS", "FO",
					"FOEXP", "md5", "ECN", "raw" };
				fprintf(f, "%s%s", i ? "," : "", names[s->kind]);
				if (s->kind == DSL_OPT_MSS || s->kind == DSL_OPT_WSCALE)
					fprintf(f, " %u", s->value);
				if (s->kind == DSL_OPT_TS)
					fprintf(f, " val %u ecr %u", s->ts_val, s->ts_ecr);
				if (s->kind == DSL_OPT_SACK)
					for (size_t k = 0; k < s->n_sack; k++)
						fprintf(f, " %u:%u", s->sack[k].start, s->sack[k].end);
			}
			fputc('>', f);
			fclose(f);
		}
		diff(d, "options: expected %s but got %s", want, got);
		return;
	}
	for (size_t i = 0; i < p->n_opts; i++) {
		uint8_t symbuf[DSL_MAX_OPT_BYTES];
		struct dsl_tcp_opt resolved;
		if (p->opts[i].kind == DSL_OPT_MD5)
			continue;       /* by kind */
		if (!resolve_opt(x, &p->opts[i], &resolved, symbuf, sizeof symbuf)) {
			diff(d, "option value %s is not defined (give --define %s=VALUE)",
			     p->opts[i].sym, p->opts[i].sym);
			continue;
		}
		const struct dsl_tcp_opt *s = &resolved;
		const struct wire_tcp_opt *w = &o->opt[i];
		char why[160];
		switch (s->kind) {
		case DSL_OPT_MSS:
			if (!s->value_any && w->v.mss != s->value)
				diff(d, "mss: expected %u but got %u", s->value, w->v.mss);
			break;
		case DSL_OPT_WSCALE:
			if (!s->value_any && w->v.wscale != s->value)
				diff(d, "wscale: expected %u but got %u", s->value, w->v.wscale);
			break;
		case DSL_OPT_SACK: {
			bool same = w->v.sack.n == s->n_sack;
			for (size_t k = 0; same && k < s->n_sack; k++)
				same = w->v.sack.block[k].left - x->c.remote_isn == s->sack[k].start &&
				       w->v.sack.block[k].right - x->c.remote_isn == s->sack[k].end;
			if (!same) {
				char g[160] = "";
				size_t n = 0;
				for (size_t k = 0; k < w->v.sack.n && n < sizeof g; k++)
					n += snprintf(g + n, sizeof g - n, "%s%u:%u", k ? " " : "",
						      w->v.sack.block[k].left - x->c.remote_isn,
						      w->v.sack.block[k].right - x->c.remote_isn);
				char e[160] = "";
				n = 0;
				for (size_t k = 0; k < s->n_sack && n < sizeof e; k++)
					n += snprintf(e + n, sizeof e - n, "%s%u:%u", k ? " " : "",
						      s->sack[k].start, s->sack[k].end);
				diff(d, "sack: expected %s but got %s", e, g);
			}
			break;
		}
		case DSL_OPT_TS:
			if (!s->ts_val_any && !ts_val_ok(x, s->ts_val, w->v.ts.val, why, sizeof why))
				diff(d, "%s", why);
			if (!s->ts_ecr_any && w->v.ts.ecr != s->ts_ecr)
				diff(d, "TS ecr: expected %u but got %u", s->ts_ecr, w->v.ts.ecr);
			break;
		case DSL_OPT_FASTOPEN:
		case DSL_OPT_FASTOPEN_EXP:
			if (s->len && (w->v.tfo.len != s->len ||
				       memcmp(w->v.tfo.cookie, s->bytes, s->len)))
				diff(d, "fast open cookie: expected %zu bytes as written but got %u "
					"different bytes", s->len, w->v.tfo.len);
			break;
		case DSL_OPT_ACCECN:
			for (size_t k = 0; k < s->n_accecn; k++) {
				uint32_t g = s->accecn[k].field == DSL_ACCECN_E0B ? w->v.accecn.e0b
					     : s->accecn[k].field == DSL_ACCECN_CEB ? w->v.accecn.ceb
					     : w->v.accecn.e1b;
				if (g != s->accecn[k].value)
					diff(d, "accecn field %zu: expected %u but got %u", k,
					     s->accecn[k].value, g);
			}
			break;
		default:  /* nop, eol, sackOK, md5, raw: by kind */
			break;
		}
	}
}

/* Record the stack's live TS vals against the script's for later inbound ecr. */
static void learn_ts(struct engine_ctx *x, const struct dsl_packet *p, const struct wire_tcp *t)
{
	for (size_t i = 0; i < t->opts.n; i++) {
		if (t->opts.opt[i].kind != WIRE_TCPOPT_TIMESTAMP ||
		    (t->opts.opt[i].flags & WIRE_OPT_F_RAW))
			continue;
		uint32_t live = t->opts.opt[i].v.ts.val;
		x->c.have_ts_live = true;
		x->c.ts_last_live = live;
		if (p && p->opts_kind == DSL_OPTS_LIST)
			for (size_t k = 0; k < p->n_opts; k++)
				if (p->opts[k].kind == DSL_OPT_TS && !p->opts[k].ts_val_any) {
					size_t slot = x->c.n_ts < ENGINE_MAX_TS ? x->c.n_ts++
									      : ENGINE_MAX_TS - 1;
					x->c.ts_script[slot] = p->opts[k].ts_val;
					x->c.ts_live[slot] = live;
					if (!x->c.have_ts_first) {
						x->c.have_ts_first = true;
						x->c.ts_first_script = p->opts[k].ts_val;
						x->c.ts_first_live = live;
					}
				}
	}
}

static char *script_line(const struct dsl_event *ev, char *buf, size_t cap)
{
	buf[0] = 0;
	FILE *f = fmemopen(buf, cap - 1, "w");
	if (!f)
		return buf;
	dsl_print_event(f, ev);
	fclose(f);
	buf[cap - 1] = 0;
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return buf;
}

static void packet_lines(struct engine_ctx *x, const struct dsl_event *ev, int64_t expected,
			 bool any, const struct wire_packet *w, int64_t actual, char *out,
			 size_t cap)
{
	char sl[512], al[512] = "", te[32], ta[32];
	script_line(ev, sl, sizeof sl);
	if (any)
		snprintf(te, sizeof te, "*");
	else
		engine_fmt_time(te, sizeof te, expected);
	size_t n = snprintf(out, cap, "\nscript packet: %s %s", te, sl);
	if (w && n < cap) {
		/* numbers relative to the connection the packet went to, when the script
		 * knows it: an (rport N) mismatch shows the other connection's numbers */
		const struct engine_conn *c = &x->c;
		bool tcp = w->l4 == WIRE_L4_TCP;
		if (tcp && w->tcp.dport != x->c.remote_port && conn_find(x, w->tcp.dport))
			c = conn_find(x, w->tcp.dport);
		struct wire_print_cfg pc = { .seq_base = c->local_isn, .ack_base = c->remote_isn };
		if (c != &x->c && tcp && (w->tcp.flags & WIRE_TH_SYN) && !c->have_local_isn)
			pc.seq_base = w->tcp.seq;   /* that connection's first SYN: its ISN */
		wire_print(al, sizeof al, w, &pc);
		engine_fmt_time(ta, sizeof ta, actual);
		n += snprintf(out + n, cap - n, "\nactual packet: %s > %s", ta, al);
		uint16_t dport = tcp ? w->tcp.dport : w->l4 == WIRE_L4_UDP ? w->udp.dport : 0;
		if (dport && (ev->packet.has_rport || dport != x->c.remote_port) && n < cap)
			snprintf(out + n, cap - n, " (rport %u)", dport);
	}
}

/* The stack's next packet into x->pkt, advancing virtual time up to the deadline. */
static int next_packet(struct engine_ctx *x, int64_t deadline)
{
	int rc;
	for (;;) {
		rc = target_next_outbound(&x->t, deadline, &x->pkt);
		if (rc != TARGET_TIMEOUT || !x->virtual_time)
			break;
		int64_t next;
		engine_vadvance(x, target_now(&x->t), &next);
		if (next == INT64_MAX || next > deadline)
			break;
		engine_vadvance(x, next, &next);
	}
	return rc;
}

/* Segmentation offload may send what the script writes as one segment as several
 * back-to-back ones (or the other way round on the wire).  Unless --strict_segments,
 * consecutive segments of the same flow -- contiguous, same ack and window, all but
 * the last of the same size -- are taken together until they carry the script's
 * length, as scripts written for packetdrill expect.  w becomes the aggregate (its
 * PSH and FIN from the last piece).  Returns the number of pieces, or -1 with why. */
static int aggregate(struct engine_ctx *x, const struct dsl_packet *p, struct wire_packet *w,
		     int64_t deadline, char *why, size_t cap)
{
	size_t want = p->seq.len, total = w->tcp.payload_len, last_len = total;
	uint32_t next_seq = w->tcp.seq + total;
	uint16_t keep = w->tcp.flags & ~(WIRE_TH_PSH | WIRE_TH_FIN | WIRE_TH_CWR);
	uint16_t last_flags = w->tcp.flags;
	int pieces = 1;
	while (total < want) {
		if (next_packet(x, deadline) != TARGET_OK)
			break;
		engine_capture(x, x->pkt.data, x->pkt.len, x->pkt.time_ns);
		struct wire_packet n;
		if (wire_parse(x->pkt.data, x->pkt.len, &n) != WIRE_OK || n.l4 != WIRE_L4_TCP ||
		    n.tcp.sport != w->tcp.sport || n.tcp.dport != w->tcp.dport) {
			snprintf(why, cap, "piece %d of the segment is another packet", pieces + 1);
			return -1;
		}
		size_t len = n.tcp.payload_len;
		if (n.tcp.seq != next_seq || n.tcp.ack != w->tcp.ack || n.tcp.win != w->tcp.win ||
		    (n.tcp.flags & ~(WIRE_TH_PSH | WIRE_TH_FIN | WIRE_TH_CWR)) != keep) {
			snprintf(why, cap, "piece %d of the segment does not continue it (seq %u, "
				 "expected %u)", pieces + 1, n.tcp.seq - x->c.local_isn,
				 next_seq - x->c.local_isn);
			return -1;
		}
		if (total + len < want && len != last_len) {
			snprintf(why, cap, "piece %d of the segment carries %zu bytes, not %zu like "
				 "the one before", pieces + 1, len, last_len);
			return -1;
		}
		total += len;
		next_seq += len;
		last_len = len;
		last_flags = n.tcp.flags;
		pieces++;
	}
	w->tcp.payload_len = total;
	w->tcp.flags = (w->tcp.flags & ~(WIRE_TH_PSH | WIRE_TH_FIN)) |
		       (last_flags & (WIRE_TH_PSH | WIRE_TH_FIN));
	return pieces;
}

/* Record an ISN of the stack for tcpspec_local_isns; a retransmitted SYN (same ports,
 * same number as the previous entry) is not a new one.  Past ENGINE_MAX_ISNS the
 * list stops growing (a code block using it then sees the first ones only). */
static void engine_note_isn(struct engine_ctx *x, uint32_t seq, uint16_t sport,
			    uint16_t dport)
{
	if (x->n_isns) {
		const __typeof__(x->isns[0]) *l = &x->isns[x->n_isns - 1];
		if (l->seq == seq && l->sport == sport && l->dport == dport)
			return;
	}
	if (x->n_isns >= ENGINE_MAX_ISNS)
		return;
	x->isns[x->n_isns].seq = seq;
	x->isns[x->n_isns].sport = sport;
	x->isns[x->n_isns].dport = dport;
	x->n_isns++;
}

int engine_outbound(struct engine_ctx *x, const struct dsl_event *ev, bool any, int64_t lo,
		    int64_t hi, int64_t tol)
{
	const struct dsl_packet *p = &ev->packet;
	int64_t deadline = any ? target_now(&x->t) + ENGINE_ANY_WAIT_NS : x->t0 + hi + tol;
	char lines[1200];
	int rc = select_conn(x, ev);
	if (rc != ENGINE_PASS)
		return rc;
	rc = next_packet(x, deadline);
	if (rc == TARGET_TIMEOUT) {
		packet_lines(x, ev, lo, any, NULL, 0, lines, sizeof lines);
		char t[32];
		engine_fmt_time(t, sizeof t, any ? engine_now(x) : hi + tol);
		return engine_fail(x, ev, 'p',
				   "error handling packet: timed out waiting for the packet "
				   "(nothing sent by %s sec)%s", t, lines);
	}
	if (rc != TARGET_OK)
		return engine_fail(x, ev, 0, "error handling packet: %s", x->t.diag.msg);

	struct wire_packet w;
	int64_t actual = x->pkt.time_ns - x->t0;
	engine_capture(x, x->pkt.data, x->pkt.len, x->pkt.time_ns);
	int wrc = wire_parse(x->pkt.data, x->pkt.len, &w);
	if (wrc != WIRE_OK)
		return engine_fail(x, ev, 'p',
				   "error handling packet: the stack sent a malformed packet: %s",
				   wire_strerror(wrc));
	if (p->proto == DSL_PROTO_UDP || p->proto == DSL_PROTO_ICMP) {
		/* UDP: the payload length; ICMP: type and code (the quote is not compared) */
		struct diffs d = { .n = 0 };
		bool v6 = x->tc.local_ip.family == AF_INET6;
		if (p->proto == DSL_PROTO_UDP) {
			if (w.l4 != WIRE_L4_UDP)
				diff(&d, "protocol: expected UDP but got %u", w.ip.proto);
			else if (p->has_rport && w.udp.dport != p->rport)
				diff(&d, "rport: expected %u but got %u", p->rport, w.udp.dport);
			else if (w.udp.payload_len != p->udp_len)
				diff(&d, "len: expected %u but got %zu", p->udp_len, w.udp.payload_len);
		} else {
			uint8_t type, code;
			if (!p->icmp.type || !icmp_numbers(v6, &p->icmp, &type, &code))
				return engine_skip(x, ev, "ICMP '%s' is not supported",
						   p->icmp.type ? p->icmp.type : "");
			if (w.l4 != (v6 ? WIRE_L4_ICMP6 : WIRE_L4_ICMP))
				diff(&d, "protocol: expected ICMP but got %u", w.ip.proto);
			else if (w.icmp.type != type || (p->icmp.code && w.icmp.code != code))
				diff(&d, "icmp: expected type %u code %u but got type %u code %u", type,
				     code, w.icmp.type, w.icmp.code);
		}
		if (!d.count && !any && (actual < lo - tol || actual > hi + tol))
			diff(&d, "timing error: expected the packet at %.6f sec but it came at %.6f sec "
			     "(tolerance %.6f sec)", (actual < lo - tol ? lo : hi) / 1e9, actual / 1e9,
			     tol / 1e9);
		if (d.count) {
			packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
			return engine_fail(x, ev, 'p', "error handling packet: %s%s", d.buf, lines);
		}
		x->out_actual_ns = actual;
		return ENGINE_PASS;
	}
	if (w.l4 != WIRE_L4_TCP) {
		packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
		return engine_fail(x, ev, 'p',
				   "error handling packet: expected a TCP packet but got protocol %u%s",
				   w.ip.proto, lines);
	}
	int pieces = 1;
	if (!x->opts.strict_segments && w.tcp.payload_len > 0 && w.tcp.payload_len < p->seq.len) {
		char why[160];
		pieces = aggregate(x, p, &w, deadline, why, sizeof why);
		if (pieces < 0) {
			packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
			return engine_fail(x, ev, 'p', "error handling packet: %s%s", why, lines);
		}
	}
	const struct wire_tcp *t = &w.tcp;
	if (p->has_rport && t->dport != p->rport) {
		/* another connection's packet: its numbers mean nothing here */
		packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
		return engine_fail(x, ev, 'p', "error handling packet: rport: expected %u but "
				   "got %u%s", p->rport, t->dport, lines);
	}
	if (t->flags & WIRE_TH_SYN) {
		x->c.local_isn = t->seq;
		x->c.have_local_isn = true;
		engine_note_isn(x, t->seq, t->sport, t->dport);
	}
	if (!x->c.local_port_known || (t->flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == WIRE_TH_SYN) {
		/* the first packet, or a new connection the stack opens */
		x->c.local_port = t->sport;
		x->c.local_port_known = true;
		if (!p->has_rport)
			engine_conn_rehome(x, t->dport);  /* where the stack really talks to */
	}
	learn_ts(x, p, t);

	struct diffs d = { .n = 0 };
	uint16_t want_flags = p->flags, got_flags = t->flags & 0x1ff;
	if (want_flags != got_flags) {
		char a[16], b[16];
		wire_print_flags(a, sizeof a, want_flags);
		wire_print_flags(b, sizeof b, got_flags);
		diff(&d, "flags: expected %s but got %s", a, b);
	}
	uint32_t rel_seq = p->seq.start_absolute ? t->seq : t->seq - x->c.local_isn;
	if (p->seq.kind == DSL_SEQ_RANGE && rel_seq != p->seq.start)
		diff(&d, "seq: expected %u but got %u", p->seq.start, rel_seq);
	if (t->payload_len != p->seq.len)
		diff(&d, "len: expected %u but got %zu%s", p->seq.len, t->payload_len,
		     pieces > 1 ? " (in several segments)" : "");
	if (p->has_ack) {
		/* the ack of a SYN-ACK is compared in the script's own numbers (the SYN's
		 * number as written plus one); other acks relative to the peer's ISN */
		uint32_t rel_ack = p->ack_absolute || (t->flags & WIRE_TH_SYN) ? t->ack
										 : t->ack - x->c.remote_isn;
		if (rel_ack != p->ack)
			diff(&d, "ack: expected %u but got %u", p->ack, rel_ack);
	}
	if (p->has_win && t->win != p->win)
		diff(&d, "win: expected %u but got %u", p->win, t->win);
	if (p->has_urg && t->urg != p->urg)
		diff(&d, "urg: expected %u but got %u", p->urg, t->urg);
	compare_options(x, p, t, &d);
	uint8_t ecn = w.ip.tos & 3;
	static const int want_ecn[] = { [DSL_ECN_NOECN] = WIRE_ECN_NOT_ECT,
		[DSL_ECN_ECT0] = WIRE_ECN_ECT0, [DSL_ECN_ECT1] = WIRE_ECN_ECT1,
		[DSL_ECN_CE] = WIRE_ECN_CE };
	static const char *const ecn_name[] = { "noecn", "ect1", "ect0", "ce" };
	if (p->ecn == DSL_ECN_ECT01) {
		if (ecn != WIRE_ECN_ECT0 && ecn != WIRE_ECN_ECT1)
			diff(&d, "ecn: expected ect0 or ect1 but got %s", ecn_name[ecn]);
	} else if (p->ecn != DSL_ECN_UNSET && ecn != want_ecn[p->ecn]) {
		diff(&d, "ecn: expected %s but got %s", ecn_name[want_ecn[p->ecn]], ecn_name[ecn]);
	}
	if (p->has_tos && w.ip.tos != p->tos)
		diff(&d, "tos: expected 0x%x but got 0x%x", p->tos, w.ip.tos);
	if (p->has_ttl && w.ip.ttl != p->ttl)
		diff(&d, "ttl: expected %u but got %u", p->ttl, w.ip.ttl);
	if (p->has_flowlabel && w.ip.version == 6 && w.ip.flowlabel != p->flowlabel)
		diff(&d, "flowlabel: expected 0x%x but got 0x%x", p->flowlabel, w.ip.flowlabel);

	if (d.count) {
		packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
		return engine_fail(x, ev, 'p', "error handling packet: %s%s", d.buf, lines);
	}
	if (!any) {
		bool late = actual > hi + tol, early = actual < lo - tol;
		if (late || early) {
			char e[32], a[32], tl[32];
			engine_fmt_time(e, sizeof e, early ? lo : hi);
			engine_fmt_time(a, sizeof a, actual);
			engine_fmt_time(tl, sizeof tl, tol);
			packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
			return engine_fail(x, ev, 'p',
					   "error handling packet: timing error: expected the packet at "
					   "%s sec but it came at %s sec (tolerance %s sec)%s", e, a, tl,
					   lines);
		}
	}
	if (x->opts.verbose && x->cfg->log) {
		char al[512], ta[32];
		struct wire_print_cfg pc = { .seq_base = x->c.local_isn, .ack_base = x->c.remote_isn };
		wire_print(al, sizeof al, &w, &pc);
		engine_fmt_time(ta, sizeof ta, actual);
		fprintf(x->cfg->log, "%s:%d: got %s > %s\n", x->name, ev->loc.line, ta, al);
	}
	x->out_actual_ns = actual;
	if (actual > x->last_ns)
		x->last_ns = actual;
	return ENGINE_PASS;
}

void engine_drain_outbound(struct engine_ctx *x)
{
	if (!x->open)
		return;
	int64_t now = target_now(&x->t);
	for (int i = 0; i < 4096; i++) {
		if (target_next_outbound(&x->t, now, &x->pkt) != TARGET_OK)
			break;
		engine_capture(x, x->pkt.data, x->pkt.len, x->pkt.time_ns);
		if (x->opts.verbose && x->cfg->log) {
			struct wire_packet w;
			char al[512], ta[32];
			if (wire_parse(x->pkt.data, x->pkt.len, &w) != WIRE_OK)
				snprintf(al, sizeof al, "(%zu bytes, not parsed)", x->pkt.len);
			else {
				struct wire_print_cfg pc = { .seq_base = x->c.local_isn,
							     .ack_base = x->c.remote_isn };
				wire_print(al, sizeof al, &w, &pc);
			}
			engine_fmt_time(ta, sizeof ta, x->pkt.time_ns - x->t0);
			fprintf(x->cfg->log, "%s: after the last event, not checked: %s > %s\n",
				x->name, ta, al);
		}
	}
}
