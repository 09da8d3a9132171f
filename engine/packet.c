/* Packets: inbound ones built through wire/ with the script's numbers, outbound ones
 * read from the target and matched with the rules of pkt-dialect.md:
 *  - flags, sequence range, payload length and ack always; ports never;
 *  - win (and urg, IP fields, ECN) only when the script gives them;
 *  - no <...> at all: no options; <...>: any; a list: the same kinds in the same order,
 *    values byte for byte, NOP and EOL by kind; TS val only with --tcp_ts_tick_usecs.
 * Outbound sequence numbers are relative to the stack's ISN (its SYN), acks and SACK
 * blocks relative to the remote ISN (the script's SYN).  Relaxations (--relax) leave
 * the window, PSH, TS val, and the own SYN's option layout unchecked (option matching
 * is tcpopt.c); a segment needing a mechanism the handshake did not offer is "not
 * applicable" (a skip). */
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
	engine_evlog_packet(x, p, len, t_ns, p == x->pkt.data);
	if (!x->dumper)
		return;
	int64_t wall = x->wall0_ns + (t_ns - x->t0);
	struct pcap_pkthdr h;
	h.ts.tv_sec = wall / 1000000000;
	h.ts.tv_usec = wall % 1000000000;   /* nanoseconds: the file says so */
	/* the Linux cooked header: packet type 4 (outgoing) for what the stack sent, 0
	 * (to this host) for what the script's peer sent it; no link address (a TUN
	 * device's ARPHRD_NONE); the protocol by IP version */
	static uint8_t frame[16 + 65535];
	if (len > sizeof frame - 16)
		len = sizeof frame - 16;
	bool out = p == x->pkt.data;
	bool v6 = len && (p[0] >> 4) == 6;
	memset(frame, 0, 16);
	frame[1] = out ? 4 : 0;
	frame[2] = 0xff, frame[3] = 0xfe;
	frame[14] = v6 ? 0x86 : 0x08, frame[15] = v6 ? 0xdd : 0x00;
	memcpy(frame + 16, p, len);
	h.caplen = h.len = 16 + len;
	pcap_dump((u_char *)x->dumper, &h, frame);
	/* each packet on disk as it comes: the process of a run stopped by --timeout or a
	 * signal is killed, and its capture must keep what it got to */
	pcap_dump_flush(x->dumper);
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
/* A word of an ICMP line through --define NAME=VALUE (`icmp unreachable CODE` with
 * -D CODE=host_unreachable), else the word itself. */
static const char *icmp_word(const struct engine_ctx *x, const char *w)
{
	for (int i = x->opts.n_defines; w && i-- > 0;)
		if (!strcmp(x->opts.defines[i][0], w))
			return x->opts.defines[i][1];
	return w;
}

/* An ICMP word still in capitals after the defines: a name the script expected to be
 * given with --define (packetdrill fails such a script: "bad ICMP code"). */
static const char *icmp_undefined(const struct engine_ctx *x, const struct dsl_icmp *ic)
{
	const char *w[2] = { icmp_word(x, ic->type), icmp_word(x, ic->code) };
	for (int i = 0; i < 2; i++) {
		if (!w[i] || !*w[i])
			continue;
		bool caps = true;
		for (const char *c = w[i]; *c; c++)
			if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
				caps = false;
		if (caps)
			return w[i];
	}
	return NULL;
}

static bool icmp_numbers(const struct engine_ctx *x, bool v6, const struct dsl_icmp *in,
			 uint8_t *type, uint8_t *code)
{
	struct dsl_icmp sub = *in, *ic = &sub;
	sub.type = (char *)icmp_word(x, in->type);
	sub.code = (char *)icmp_word(x, in->code);
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
	/* codes by name (RFC 792 and RFC 4443 3.3, 3.4), as the NPLab packetdrill spells
	 * them; no name: code 0 */
	static const struct { const char *name; int code; } texc[] = {
		{ "ttl_exceeded", 0 }, { "ttl_exceeded_in_transit", 0 },
		{ "exceeded_hop_limit", 0 }, { "frag_reass_exceeded", 1 },
		{ "exceeded_frag_time", 1 }, { "code_0", 0 }, { "code_1", 1 },
	}, pprob[] = {
		{ "header_field", 0 }, { "unknown_next_header", 1 }, { "unknown_option", 2 },
		{ "code_0", 0 }, { "code_1", 1 }, { "code_2", 2 },
	};
	if (!strcmp(ic->type, "time_exceeded")) {
		*type = v6 ? WIRE_ICMP6_TIME_EXCEEDED : WIRE_ICMP_TIMXCEED;
		for (size_t i = 0; ic->code && i < sizeof texc / sizeof texc[0]; i++)
			if (!strcmp(texc[i].name, ic->code)) {
				*code = texc[i].code;
				return true;
			}
		return !ic->code;
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
		for (size_t i = 0; ic->code && i < sizeof pprob / sizeof pprob[0]; i++)
			if (!strcmp(pprob[i].name, ic->code)) {
				*code = pprob[i].code;
				return true;
			}
		return !ic->code;
	}
	return false;
}

/* An ICMP error from the peer quoting a segment the stack sent (relative numbers). */
static int inbound_icmp(struct engine_ctx *x, const struct dsl_event *ev)
{
	const struct dsl_packet *p = &ev->packet;
	bool v6 = x->tc.local_ip.family == AF_INET6;
	uint8_t type, code;
	const char *undef = p->icmp.type ? icmp_undefined(x, &p->icmp) : NULL;
	if (undef)
		return engine_fail(x, ev, 0, "error handling packet: ICMP word %s is not defined "
				   "(give --define %s=VALUE)", undef, undef);
	if (!p->icmp.type || !icmp_numbers(x, v6, &p->icmp, &type, &code))
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
	if (p->icmp.quote_udp) {	/* [udp(N)]: the stack's datagram to the script */
		q.l4 = WIRE_L4_UDP;
		q.udp.sport = x->c.local_port;
		q.udp.dport = x->c.remote_port;
		q.udp.payload_len = p->icmp.quote_udp_len;
	} else if (p->icmp.has_quote && !p->icmp.quote_any) {
		q.tcp.seq = p->icmp.quote.start_absolute ? p->icmp.quote.start
							 : x->c.local_isn + p->icmp.quote.start;
		q.tcp.payload_len = p->icmp.quote.len;
	} else {
		/* no quoted segment: relative 0, the stack's ISN, as packetdrill quotes it (a
		 * request in SYN-RECEIVED takes an error only for its own ISN) */
		q.tcp.seq = x->c.local_isn;
	}
	/* [seq/udp(SRC > DST)]: the stack's segment was carried in UDP.  An IPv4 error
	 * quotes the TCP header's first 8 octets behind the UDP header (the ports and
	 * the sequence number, as RFC 792's 64 bits give them of a plain segment) */
	bool encap = p->icmp.quote_encap && !p->icmp.quote_udp;
	if (encap) {
		q.udp_encap = true;
		q.udp.sport = p->icmp.quote_udp_src;
		q.udp.dport = p->icmp.quote_udp_dst;
	}
	uint8_t inner[TARGET_MAX_PACKET];
	size_t ilen, len;
	int rc = wire_build(&q, inner, sizeof inner, &ilen);
	size_t quote_len = rc == WIRE_OK && encap && !v6 ? (inner[0] & 0x0fu) * 4u + 16 : 0;
	struct wire_addr src, dst;
	to_wire_addr(&x->tc.remote_ip, &src);
	to_wire_addr(&x->tc.local_ip, &dst);
	if (rc == WIRE_OK)
		rc = wire_build_icmp_error(&src, &dst, type, code, p->icmp.has_mtu ? p->icmp.mtu : 0,
					   inner, ilen, quote_len, x->obuf, sizeof x->obuf, &len);
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
	x->awaiting_syn = true;
	x->c.remote_isn_open = true;
	for (size_t i = 0; i < x->n_conns; i++)
		x->conns[i].remote_isn_open = true;
}

/* A script-side port no connection uses: one above the highest in use. */
static uint16_t free_port(const struct engine_ctx *x)
{
	uint16_t hi = x->c.remote_port;
	for (size_t i = 0; i < x->n_conns; i++)
		if (x->conns[i].remote_port > hi)
			hi = x->conns[i].remote_port;
	return hi < 65535 ? hi + 1 : 1024;
}

/* A packet the stack sent on an earlier connection of the script: not the script's
 * business.  packetdrill matches outbound packets against the socket under test only, so
 * scripts written for it leave out the FIN, RST or retransmission of a connection they
 * closed before (Fast Open client scripts, a listener made again on the same port).
 * Such a packet is one, where the script line names no port, that
 *   - comes while the script waits for the SYN (or SYN,ACK) of a socket made since the
 *     stack's last SYN, and is no SYN itself or the retransmission of a SYN an earlier
 *     line matched (same ports and number); or
 *   - in a script that never speaks from another port with (rport N), is no new
 *     connection's SYN and has other ports than the live connection. */
static bool earlier_connection(const struct engine_ctx *x, const struct dsl_packet *p,
			       const struct wire_packet *w)
{
	if (p->proto != DSL_PROTO_TCP || p->has_rport || p->has_ports || w->l4 != WIRE_L4_TCP)
		return false;
	if (x->awaiting_syn && (p->flags & DSL_TCP_SYN)) {
		if (!(w->tcp.flags & WIRE_TH_SYN))
			return true;
		/* a retransmission of a SYN an earlier line matched: the old socket's */
		for (size_t i = 0; i < x->n_isns; i++)
			if (x->isns[i].seq == w->tcp.seq && x->isns[i].sport == w->tcp.sport &&
			    x->isns[i].dport == w->tcp.dport)
				return true;
	}
	if ((w->tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == WIRE_TH_SYN || x->used_rport)
		return false;
	return x->c.local_port_known &&
	       (w->tcp.sport != x->c.local_port || w->tcp.dport != x->c.remote_port);
}

/* The connection a packet belongs to: (rport N) names it, else the home one. */
static int select_conn(struct engine_ctx *x, const struct dsl_event *ev)
{
	const struct dsl_packet *p = &ev->packet;
	if (p->has_rport)
		x->used_rport = true;
	if (engine_conn_select(x, p->has_rport ? p->rport : x->home_port))
		return ENGINE_PASS;
	return engine_skip(x, ev, "a script speaks from at most %d remote ports",
			   ENGINE_MAX_CONNS + 1);
}

/* An inbound packet's IP and transport framing: from the peer's address and the
 * current connection's script-side port to the stack's, or the ports the script
 * writes (`< 20000>8080 S ...`, 0 for the connection's own). */
static void start_inbound(struct engine_ctx *x, struct wire_packet *w, enum wire_l4 l4,
			  const struct dsl_packet *p)
{
	uint16_t src = p->has_ports && p->sport ? p->sport : x->c.remote_port;
	uint16_t dst = p->has_ports && p->dport ? p->dport : x->c.local_port;
	wire_packet_init(w, x->tc.local_ip.family == AF_INET6 ? 6 : 4);
	to_wire_addr(&x->tc.remote_ip, &w->ip.src);
	to_wire_addr(&x->tc.local_ip, &w->ip.dst);
	w->l4 = l4;
	if (l4 == WIRE_L4_UDP) {
		w->udp.sport = src;
		w->udp.dport = dst;
	} else {
		w->tcp.sport = src;
		w->tcp.dport = dst;
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
		start_inbound(x, &u, WIRE_L4_UDP, p);
		u.udp.payload_len = p->udp_len;
		engine_stream_udp_inbound(x, &u.udp);
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
	if (p->opts_kind == DSL_OPTS_ANY)
		return engine_fail(x, ev, 0, "error handling packet: an inbound packet cannot have <...> options");

	if (engine_md5_wants(p) && !target_has(&x->t, TARGET_TCP_MD5))
		return engine_skip_stack(x, ev, "the %s target has no TCP MD5 signatures (RFC 2385)",
				   x->t.ops->name);
	if ((p->flags & (DSL_TCP_SYN | DSL_TCP_ACK)) == DSL_TCP_SYN && !p->has_rport &&
	    !p->has_ports && x->fresh_listen) {
		/* A SYN to a listener made since the last one: packetdrill sends each such
		 * passive connection from a port of its own, so it never meets an earlier
		 * connection of the script still alive on the same ports (a listener made
		 * again on the same port).  The first keeps the configured port. */
		x->fresh_listen = false;
		if (x->passive_syns++ > 0)
			engine_conn_rehome(x, free_port(x));
	}
	struct wire_packet w;
	start_inbound(x, &w, WIRE_L4_TCP, p);
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
		if (!(p->flags & DSL_TCP_ACK) || !x->c.have_peer_syn) {
			x->c.peer_syn_opts = engine_synopts_script(p);
			x->c.have_peer_syn = true;
		}
	} else {
		w.tcp.seq = p->seq.start_absolute ? p->seq.start : x->c.remote_isn + p->seq.start;
	}
	w.tcp.payload_len = p->seq.len;
	if (p->has_ack) {
		w.tcp.ack = p->ack_absolute ? p->ack : x->c.local_isn + p->ack;
		if ((p->flags & DSL_TCP_SYN) && !p->ack_absolute)   /* a SYN's ack, as */
			w.tcp.ack -= x->c.script_local_isn;        /* packetdrill maps it */
	}
	w.tcp.win = p->win;
	if (p->has_urg)
		w.tcp.urg = p->urg;
	if (p->opts_kind == DSL_OPTS_LIST)
		for (size_t i = 0; i < p->n_opts; i++)
			switch (engine_opt_add(x, &w.tcp.opts, &p->opts[i])) {
			case 0:
				break;
			case -2:
				return engine_fail(x, ev, 0, "error handling packet: TCP option "
						   "value %s is not defined (give --define %s=VALUE)",
						   p->opts[i].sym, p->opts[i].sym);
			default:
				return engine_fail(x, ev, 0, "error handling packet: too many TCP options");
			}
	apply_ip_fields(&w, p);
	if (p->has_udp_encap) {     /* TCP over UDP: both checksums as packetdrill makes them */
		w.udp_encap = true;
		w.udp.sport = p->udp_src;
		w.udp.dport = p->udp_dst;
	}
	if (p->bad.present) {
		if (p->bad.has_csum && !p->bad.n_muts) {	/* else mutate.c does it */
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
	engine_stream_inbound(x, &w);       /* the payload's octets */
	if (p->bad.n_muts)
		engine_stream_mutated(x, &w);
	size_t len;
	int rc = wire_build(&w, x->obuf, sizeof x->obuf, &len);
	if (rc != WIRE_OK)
		return engine_fail(x, ev, 0, "error handling packet: cannot build it: %s",
				   wire_strerror(rc));
	if (engine_md5_sign(x, p, x->obuf, len) < 0)
		return engine_fail(x, ev, 0, "error handling packet: cannot sign it (md5 valid)");
	if (p->bad.n_muts) {
		char why[160];
		int mr = engine_mutate(x->obuf, &len, sizeof x->obuf, &p->bad, why, sizeof why);
		if (mr > 0)
			return engine_skip(x, ev, "%s", why);
		if (mr < 0)
			return engine_fail(x, ev, 0, "error handling packet: %s", why);
	}
	int64_t now = target_now(&x->t);
	rc = target_inject(&x->t, x->obuf, len);
	if (rc != TARGET_OK)
		return engine_fail(x, ev, 0, "error handling packet: %s", x->t.diag.msg);
	engine_capture(x, x->obuf, len, now);
	return ENGINE_PASS;
}

/* ---- outbound ------------------------------------------------------------------------ */

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
		/* seq and ack in the numbering the fields were compared in (see
		 * engine_outbound), so "ack: expected 1 but got 0" shows "ack 0": absolute
		 * where the script wrote N!, and a SYN's ack in the script's own numbers */
		const struct dsl_packet *p = &ev->packet;
		if (tcp && c == &x->c && p->seq.start_absolute)
			pc.flags |= WIRE_PRINT_SEQ_ABSOLUTE;
		if (tcp && c == &x->c && (p->ack_absolute || (w->tcp.flags & WIRE_TH_SYN)))
			pc.flags |= WIRE_PRINT_ACK_ABSOLUTE;
		wire_print(al, sizeof al, w, &pc);
		engine_fmt_time(ta, sizeof ta, actual);
		n += snprintf(out + n, cap - n, "\nactual packet: %s > %s", ta, al);
		uint16_t dport = tcp ? w->tcp.dport : w->l4 == WIRE_L4_UDP ? w->udp.dport : 0;
		if (dport && (ev->packet.has_rport || dport != x->c.remote_port) && n < cap)
			snprintf(out + n, cap - n, " (rport %u)", dport);
	}
}

/* The stack's next packet into x->pkt, advancing virtual time up to the deadline. */
/* An outbound packet; TCP in UDP from or to the script's tunneling port is decoded as
 * TCP (udp_encap set). */
static int parse_out(const struct engine_ctx *x, struct wire_packet *w)
{
	struct wire_parse_cfg c = { .udp_encap_port = x->udp_tun_port };
	return wire_parse_cfg(x->pkt.data, x->pkt.len, &c, w);
}

static int next_packet(struct engine_ctx *x, int64_t deadline)
{
	int rc;
	for (;;) {
		rc = target_next_outbound(&x->t, deadline, &x->pkt);
		if (rc != TARGET_TIMEOUT || !x->virtual_time)
			break;
		int64_t next;
		/* a target that cannot advance (a plugin's error) stops the wait */
		if (engine_vadvance(x, target_now(&x->t), &next) != TARGET_OK)
			return x->t.diag.status ? x->t.diag.status : TARGET_ERROR;
		if (next == INT64_MAX || next > deadline)
			break;
		if (engine_vadvance(x, next, &next) != TARGET_OK)
			return x->t.diag.status ? x->t.diag.status : TARGET_ERROR;
	}
	return rc;
}

/* Segmentation offload may send what the script writes as one segment as several
 * back-to-back ones (or the other way round on the wire).  Unless --strict_segments,
 * consecutive segments of the same flow -- contiguous, same ack and window, all but
 * the last of the same size -- are taken together until they carry the script's
 * length, as scripts written for packetdrill expect.  A line with `maxseg N` is taken
 * so whatever --strict_segments says: its pieces may have any sizes up to N (the
 * stack's choice below the MSS, RFC 9293 3.7.1), and one larger fails.  w becomes the
 * aggregate (its PSH and FIN from the last piece).  Returns the number of pieces, or
 * -1 with why. */
static int aggregate(struct engine_ctx *x, const struct dsl_packet *p, struct wire_packet *w,
		     int64_t deadline, char *why, size_t cap)
{
	size_t want = p->seq.len, total = w->tcp.payload_len, last_len = total;
	uint32_t next_seq = w->tcp.seq + total;
	/* the pieces' payloads, end to end (x->pkt is reused for each piece) */
	uint8_t *pay = engine_stream_agg(x, total);
	if (pay && w->tcp.payload)
		memcpy(pay, w->tcp.payload, total);
	uint16_t keep = w->tcp.flags & ~(WIRE_TH_PSH | WIRE_TH_FIN | WIRE_TH_CWR);
	uint16_t last_flags = w->tcp.flags;
	int pieces = 1;
	while (total < want) {
		if (next_packet(x, deadline) != TARGET_OK)
			break;
		engine_capture(x, x->pkt.data, x->pkt.len, x->pkt.time_ns);
		struct wire_packet n;
		if (parse_out(x, &n) != WIRE_OK || n.l4 != WIRE_L4_TCP ||
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
		if (p->has_maxseg && len > p->maxseg) {
			snprintf(why, cap, "piece %d of the segment carries %zu bytes, more than "
				 "maxseg %u", pieces + 1, len, p->maxseg);
			return -1;
		}
		/* URG on every piece (the flags above): each points at the same urgent
		 * point as the first (RFC 9293 3.8.5), unless the first's pointer was cut
		 * to the field's 65535 */
		uint32_t point = w->tcp.seq + w->tcp.urg;
		if ((keep & WIRE_TH_URG) && w->tcp.urg != 0xffff && n.tcp.urg != point - n.tcp.seq) {
			snprintf(why, cap, "piece %d of the segment has urg %u, not %u (the first's "
				 "urgent point)", pieces + 1, n.tcp.urg, point - n.tcp.seq);
			return -1;
		}
		if (!p->has_maxseg && total + len < want && len != last_len) {
			snprintf(why, cap, "piece %d of the segment carries %zu bytes, not %zu like "
				 "the one before", pieces + 1, len, last_len);
			return -1;
		}
		if (pay && (pay = engine_stream_agg(x, total + len)) && n.tcp.payload)
			memcpy(pay + total, n.tcp.payload, len);
		else
			pay = NULL;
		total += len;
		next_seq += len;
		last_len = len;
		last_flags = n.tcp.flags;
		pieces++;
	}
	w->tcp.payload_len = total;
	w->tcp.payload = pay;       /* NULL: content not known (not checked) */
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

/* What a packet of the stack tells about the connection: its ISN (a SYN) and its port
 * (the first packet, or a new connection it opens).  p is the script's packet, NULL for
 * one taken unchecked ('> ...'). */
static void learn_stack_packet(struct engine_ctx *x, const struct dsl_packet *p,
			       const struct wire_tcp *t)
{
	if (t->flags & WIRE_TH_SYN) {
		x->awaiting_syn = false;
		/* The number the script writes on the stack's SYN (or SYN,ACK) stands for
		 * the stack's ISN on that packet (`> S. 1234:1234(0)` matches whatever ISN
		 * the stack chose), as in packetdrill; later packets count from the ISN as
		 * 0 all the same (data from 1), and so do the script's acks except on a
		 * SYN, which count from the script's number. */
		x->c.script_local_isn = p && p->seq.kind == DSL_SEQ_RANGE &&
					!p->seq.start_absolute ? p->seq.start : 0;
		if (!x->c.have_local_isn || x->c.local_isn != t->seq)
			x->c.stack_syn_ever[0] = x->c.stack_syn_ever[1] = 0;  /* new ISN */
		x->c.local_isn = t->seq;
		x->c.have_local_isn = true;
		x->c.stack_syn_opts = engine_synopts_wire(t);
		x->c.have_stack_syn = true;
		x->c.stack_syn_ack = !!(t->flags & WIRE_TH_ACK);
		engine_note_offer(x);
		engine_note_isn(x, t->seq, t->sport, t->dport);
	}
	if (!x->c.local_port_known || (t->flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == WIRE_TH_SYN) {
		/* the first packet, or a new connection the stack opens */
		x->c.local_port = t->sport;
		x->c.local_port_known = true;
		if (!p || !p->has_rport)
			engine_conn_rehome(x, t->dport);  /* where the stack really talks to */
	}
}

/* The timing error of an outbound packet outside [lo - tol, hi + tol], named beside
 * any field that differs too (one does not hide the other): true when it was. */
static bool timing_diff(struct engine_diffs *d, bool any, int64_t actual, int64_t lo,
			int64_t hi, int64_t tol)
{
	if (any)
		return false;
	bool late = actual > hi + tol, early = actual < lo - tol;
	if (!late && !early)
		return false;
	char e[32], a[32], tl[32];
	engine_fmt_time(e, sizeof e, early ? lo : hi);
	engine_fmt_time(a, sizeof a, actual);
	engine_fmt_time(tl, sizeof tl, tol);
	engine_diff(d, "timing error: expected the packet at %s sec but it came at %s sec "
		    "(tolerance %s sec)", e, a, tl);
	return true;
}

int engine_outbound(struct engine_ctx *x, const struct dsl_event *ev, bool any, int64_t lo,
		    int64_t hi, int64_t tol)
{
	const struct dsl_packet *p = &ev->packet;
	int64_t deadline = any ? target_now(&x->t) + ENGINE_ANY_WAIT_NS : x->t0 + hi + tol;
	char lines[1200];
	if (engine_md5_wants(p) && !target_has(&x->t, TARGET_TCP_MD5))
		return engine_skip_stack(x, ev, "the %s target has no TCP MD5 signatures (RFC 2385)",
				   x->t.ops->name);
	int rc = select_conn(x, ev);
	if (rc != ENGINE_PASS)
		return rc;
	struct wire_packet w;
	int64_t actual;
	for (;;) {
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
		actual = x->pkt.time_ns - x->t0;
		engine_capture(x, x->pkt.data, x->pkt.len, x->pkt.time_ns);
		int wrc = parse_out(x, &w);
		if (wrc != WIRE_OK)
			return engine_fail(x, ev, 'p',
					   "error handling packet: the stack sent a malformed packet: "
					   "%s", wire_strerror(wrc));
		if (!earlier_connection(x, p, &w))
			break;
		if (x->opts.verbose && x->cfg->log) {
			char al[512];
			struct wire_print_cfg pc = { .seq_base = x->c.local_isn,
						     .ack_base = x->c.remote_isn };
			wire_print(al, sizeof al, &w, &pc);
			fprintf(x->cfg->log, "%s:%d: ignored, from an earlier connection: %s\n",
				x->name, ev->loc.line, al);
		}
	}
	if (p->proto == DSL_PROTO_UDP || p->proto == DSL_PROTO_ICMP) {
		/* UDP: the payload length; ICMP: type and code (the quote is not compared) */
		struct engine_diffs d = { .n = 0 };
		bool v6 = x->tc.local_ip.family == AF_INET6;
		if (p->proto == DSL_PROTO_UDP) {
			if (w.l4 != WIRE_L4_UDP)
				engine_diff(&d, "protocol: expected UDP but got %u", w.ip.proto);
			else if (p->has_rport && w.udp.dport != p->rport)
				engine_diff(&d, "rport: expected %u but got %u", p->rport, w.udp.dport);
			else if (p->has_ports && ((p->sport && w.udp.sport != p->sport) ||
						  (p->dport && w.udp.dport != p->dport)))
				engine_diff(&d, "ports: expected %u>%u but got %u>%u", p->sport,
					    p->dport, w.udp.sport, w.udp.dport);
			else if (w.udp.payload_len != p->udp_len)
				engine_diff(&d, "len: expected %u but got %zu", p->udp_len, w.udp.payload_len);
			else if (!engine_stream_udp_outbound(x, &w.udp, lines, sizeof lines))
				engine_diff(&d, "%s", lines);
		} else {
			uint8_t type, code;
			if (!p->icmp.type || !icmp_numbers(x, v6, &p->icmp, &type, &code))
				return engine_skip(x, ev, "ICMP '%s' is not supported",
						   p->icmp.type ? p->icmp.type : "");
			if (w.l4 != (v6 ? WIRE_L4_ICMP6 : WIRE_L4_ICMP))
				engine_diff(&d, "protocol: expected ICMP but got %u", w.ip.proto);
			else if (w.icmp.type != type || (p->icmp.code && w.icmp.code != code))
				engine_diff(&d, "icmp: expected type %u code %u but got type %u code %u", type,
				     code, w.icmp.type, w.icmp.code);
		}
		timing_diff(&d, any, actual, lo, hi, tol);
		if (d.count) {
			packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
			return engine_fail(x, ev, 'p', "error handling packet: %s%s", d.buf, lines);
		}
		/* the stack's first UDP datagram: the port its socket sends from is where
		 * the script's datagrams go (an unbound socket's ephemeral port) */
		if (p->proto == DSL_PROTO_UDP && !x->c.local_port_known) {
			x->c.local_port = w.udp.sport;
			x->c.local_port_known = true;
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
	/* `head N`: one segment carrying the first 1..N octets of the line's data (a
	 * stack's segments may be smaller than Eff.snd.MSS, RFC 9293 3.7.1, and a
	 * retransmission is cut where the stack chooses); the line is then compared as
	 * if it had said that much, PSH and FIN only when it carries all of it */
	struct dsl_packet cut;
	if (p->has_head) {
		uint32_t most = p->head < p->seq.len ? p->head : p->seq.len;
		if (w.tcp.payload_len > most) {
			packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
			return engine_fail(x, ev, 'p', "error handling packet: len: a segment of "
					   "%zu bytes, more than %s %u%s", w.tcp.payload_len,
					   p->head < p->seq.len ? "head" : "the line's", most, lines);
		}
		if (w.tcp.payload_len > 0 && w.tcp.payload_len < p->seq.len) {
			cut = *p;
			cut.seq.len = (uint32_t)w.tcp.payload_len;
			cut.seq.end = cut.seq.start + cut.seq.len;
			cut.flags = (p->flags & ~(DSL_TCP_PSH | DSL_TCP_FIN)) |
				    (w.tcp.flags & (WIRE_TH_PSH | WIRE_TH_FIN));
			p = &cut;
		}
	}
	/* `keepalive`: no data or one garbage octet (RFC 9293 3.8.4 MAY-6); the octet is
	 * then compared as if the line had said (1), its value free (the stream check
	 * takes an octet below what the peer acknowledged as no part of the stream) */
	if (p->keepalive && w.tcp.payload_len == 1) {
		cut = *p;
		cut.seq.len = 1;
		cut.seq.end = cut.seq.start + 1;
		p = &cut;
	}
	if (p->has_maxseg && w.tcp.payload_len > p->maxseg) {
		packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
		return engine_fail(x, ev, 'p', "error handling packet: len: a segment of %zu "
				   "bytes, more than maxseg %u%s", w.tcp.payload_len, p->maxseg, lines);
	}
	if ((!x->opts.strict_segments || p->has_maxseg) && w.tcp.payload_len > 0 &&
	    w.tcp.payload_len < p->seq.len) {
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
	learn_stack_packet(x, p, t);
	engine_opts_learn_ts(x, p, t);

	/* a segment that needs a mechanism the stack did not offer: not applicable when
	 * everything else a relaxation never hides (flags but the ECN ones, seq, len,
	 * ack) is as the script says */
	const char *forbidden;
	const char *absent = engine_not_offered(x, p, t, &forbidden);
	uint16_t flag_mask = 0x1ff;
	if (x->opts.relax & ENGINE_RELAX_PSH)
		flag_mask &= ~WIRE_TH_PSH;
	/* a RST written without ACK and without an ack number: the ACK bit either way
	 * (the receiver checks a RST by its sequence number alone, RFC 9293 3.10.7, RFC
	 * 5961 3.2); the RST and every other flag are still compared */
	if ((x->opts.relax & ENGINE_RELAX_RST_ACK) && (p->flags & WIRE_TH_RST) &&
	    !(p->flags & WIRE_TH_ACK) && !p->has_ack)
		flag_mask &= ~WIRE_TH_ACK;
	if (absent) {
		uint16_t m = flag_mask & ~(WIRE_TH_ECE | WIRE_TH_CWR);
		uint32_t rs = p->seq.start_absolute ? t->seq : t->seq - x->c.local_isn;
		if ((t->flags & WIRE_TH_SYN) && !p->seq.start_absolute)
			rs += x->c.script_local_isn;
		uint32_t ra = p->ack_absolute || (t->flags & WIRE_TH_SYN) ? t->ack
									 : t->ack - x->c.remote_isn;
		if ((p->flags & m) == (t->flags & m) && t->payload_len == p->seq.len &&
		    (p->seq.kind != DSL_SEQ_RANGE || rs == p->seq.start) &&
		    (!p->has_ack || ra == p->ack))
			return engine_not_applicable(x, ev, absent);
	}
	if (t->flags & WIRE_TH_SYN)
		x->c.stack_syn_ever[!!(t->flags & WIRE_TH_ACK)] |= x->c.stack_syn_opts;

	struct engine_diffs d = { .n = 0 };
	/* TCP over UDP: the datagram's ports (and its checksum, which covers the segment) */
	if (p->has_udp_encap != w.udp_encap)
		engine_diff(&d, p->has_udp_encap ? "encapsulation: expected /udp(%u > %u) but "
			    "got plain TCP" : "encapsulation: expected plain TCP but got "
			    "/udp(%u > %u)", p->has_udp_encap ? p->udp_src : w.udp.sport,
			    p->has_udp_encap ? p->udp_dst : w.udp.dport);
	else if (w.udp_encap && (w.udp.sport != p->udp_src || w.udp.dport != p->udp_dst))
		engine_diff(&d, "udp: expected %u > %u but got %u > %u", p->udp_src, p->udp_dst,
			    w.udp.sport, w.udp.dport);
	else if (w.udp_encap && !w.udp.csum_ok)
		engine_diff(&d, "udp: bad checksum 0x%04x", w.udp.csum);
	if (p->has_ports && ((p->sport && t->sport != p->sport) ||
			     (p->dport && t->dport != p->dport)))
		engine_diff(&d, "ports: expected %u>%u but got %u>%u", p->sport, p->dport,
			    t->sport, t->dport);
	uint16_t want_flags = p->flags & flag_mask, got_flags = t->flags & flag_mask;
	if (want_flags != got_flags) {
		char a[16], b[16];
		wire_print_flags(a, sizeof a, want_flags);
		wire_print_flags(b, sizeof b, got_flags);
		engine_diff(&d, "flags: expected %s but got %s", a, b);
	}
	uint32_t rel_seq = p->seq.start_absolute ? t->seq : t->seq - x->c.local_isn;
	if ((t->flags & WIRE_TH_SYN) && !p->seq.start_absolute)
		rel_seq += x->c.script_local_isn;
	if (p->seq.kind == DSL_SEQ_RANGE && rel_seq != p->seq.start)
		engine_diff(&d, "seq: expected %u but got %u", p->seq.start, rel_seq);
	if (t->payload_len != p->seq.len)
		engine_diff(&d, "len: expected %u but got %zu%s", p->seq.len, t->payload_len,
		     pieces > 1 ? " (in several segments)" : "");
	if (p->has_ack) {
		/* the ack of a SYN-ACK is compared in the script's own numbers (the SYN's
		 * number as written plus one); other acks relative to the peer's ISN */
		uint32_t rel_ack = p->ack_absolute || (t->flags & WIRE_TH_SYN) ? t->ack
										 : t->ack - x->c.remote_isn;
		if (rel_ack != p->ack)
			engine_diff(&d, "ack: expected %u but got %u", p->ack, rel_ack);
	}
	if (p->has_win && t->win != p->win && !(x->opts.relax & ENGINE_RELAX_WIN))
		engine_diff(&d, "win: expected %u but got %u", p->win, t->win);
	if (p->has_urg && t->urg != p->urg)
		engine_diff(&d, "urg: expected %u but got %u", p->urg, t->urg);
	engine_opts_compare(x, p, t, &d);
	engine_md5_verify(x, p, &d);
	uint8_t ecn = w.ip.tos & 3;
	static const int want_ecn[] = { [DSL_ECN_NOECN] = WIRE_ECN_NOT_ECT,
		[DSL_ECN_ECT0] = WIRE_ECN_ECT0, [DSL_ECN_ECT1] = WIRE_ECN_ECT1,
		[DSL_ECN_CE] = WIRE_ECN_CE };
	static const char *const ecn_name[] = { "noecn", "ect1", "ect0", "ce" };
	if (p->ecn == DSL_ECN_ECT01) {
		if (ecn != WIRE_ECN_ECT0 && ecn != WIRE_ECN_ECT1)
			engine_diff(&d, "ecn: expected ect0 or ect1 but got %s", ecn_name[ecn]);
	} else if (p->ecn != DSL_ECN_UNSET && ecn != want_ecn[p->ecn]) {
		engine_diff(&d, "ecn: expected %s but got %s", ecn_name[want_ecn[p->ecn]], ecn_name[ecn]);
	}
	if (p->has_tos && w.ip.tos != p->tos)
		engine_diff(&d, "tos: expected 0x%x but got 0x%x", p->tos, w.ip.tos);
	if (p->has_ttl && w.ip.ttl != p->ttl)
		engine_diff(&d, "ttl: expected %u but got %u", p->ttl, w.ip.ttl);
	if (p->has_flowlabel && w.ip.version == 6 && w.ip.flowlabel != p->flowlabel)
		engine_diff(&d, "flowlabel: expected 0x%x but got 0x%x", p->flowlabel, w.ip.flowlabel);
	char why[200];
	if (!engine_stream_outbound(x, t, why, sizeof why))
		engine_diff(&d, "%s", why);

	int fields = d.count;
	timing_diff(&d, any, actual, lo, hi, tol);
	if (fields && forbidden)
		engine_diff(&d, "note: the script's SYN did not offer %s", forbidden);
	if (d.count) {
		packet_lines(x, ev, lo, any, &w, actual, lines, sizeof lines);
		return engine_fail(x, ev, 'p', "error handling packet: %s%s", d.buf, lines);
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

/* Takes every packet the stack has sent by now without checking it: at the end of the
 * script (ev NULL), or for a '> ...' line (ev). */
static void take_unchecked(struct engine_ctx *x, const struct dsl_event *ev)
{
	int64_t now = target_now(&x->t);
	for (int i = 0; i < 4096; i++) {
		if (target_next_outbound(&x->t, now, &x->pkt) != TARGET_OK)
			break;
		engine_capture(x, x->pkt.data, x->pkt.len, x->pkt.time_ns);
		struct wire_packet w;
		bool parsed = parse_out(x, &w) == WIRE_OK;
		if (ev && parsed && w.l4 == WIRE_L4_TCP)
			learn_stack_packet(x, NULL, &w.tcp);
		if (x->opts.verbose && x->cfg->log) {
			char al[512], ta[32], at[32];
			if (!parsed)
				snprintf(al, sizeof al, "(%zu bytes, not parsed)", x->pkt.len);
			else {
				struct wire_print_cfg pc = { .seq_base = x->c.local_isn,
							     .ack_base = x->c.remote_isn };
				wire_print(al, sizeof al, &w, &pc);
			}
			engine_fmt_time(ta, sizeof ta, x->pkt.time_ns - x->t0);
			if (ev)
				snprintf(at, sizeof at, "%d: '> ...'", ev->loc.line);
			fprintf(x->cfg->log, "%s:%s, not checked: %s > %s\n", x->name,
				ev ? at : " after the last event", ta, al);
		}
	}
}

void engine_drain_outbound(struct engine_ctx *x)
{
	if (x->open)
		take_unchecked(x, NULL);
}

int engine_outbound_unchecked(struct engine_ctx *x, const struct dsl_event *ev, int64_t hi)
{
	if (engine_wait_until(x, hi) != 0)
		return engine_fail(x, ev, 0, "error handling packet: %s", x->t.diag.msg);
	take_unchecked(x, ev);
	return ENGINE_PASS;
}
