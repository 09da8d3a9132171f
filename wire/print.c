/* wire_print: a packet in script syntax (see pkt-dialect.md and tcpspec-dialect(7)). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wire/wire.h"

/* snprintf-style appender: keeps counting when the buffer is full. */
struct out {
	char *buf;
	size_t cap;
	size_t len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->cap ? o->cap - o->len : 0;
	va_start(ap, fmt);
	int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* The same for n bytes of text, a string, a character and an unsigned number: the
 * common pieces, without a trip through vsnprintf (whose checks under ASan cost more
 * than the printing; the fuzz targets print every packet they parse). */
static void put_mem(struct out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t k = o->cap - o->len - 1;
		if (k > n)
			k = n;
		memcpy(o->buf + o->len, s, k);
		o->buf[o->len + k] = 0;
	}
	o->len += n;
}

static void put_s(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static void put_c(struct out *o, char c)
{
	put_mem(o, &c, 1);
}

static void put_u(struct out *o, uint64_t v)
{
	char d[20];
	size_t i = sizeof d;

	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	put_mem(o, d + i, sizeof d - i);
}

/* " NAME" then the number: " ack 1", " win 65535" */
static void put_su(struct out *o, const char *s, uint64_t v)
{
	put_s(o, s);
	put_u(o, v);
}

static int finish(struct out *o)
{
	if (o->cap && o->len >= o->cap)
		o->buf[o->cap - 1] = 0;
	return o->len > INT32_MAX ? INT32_MAX : (int)o->len;
}

static void hex(struct out *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		char two[2] = { digits[p[i] >> 4], digits[p[i] & 15] };
		put_mem(o, two, 2);
	}
}

static void flags_to(struct out *o, uint16_t f)
{
	static const struct { uint16_t bit; char c; } letters[] = {
		/* the order tcpspec fmt writes them in */
		{ WIRE_TH_SYN, 'S' }, { WIRE_TH_FIN, 'F' }, { WIRE_TH_RST, 'R' },
		{ WIRE_TH_PSH, 'P' }, { WIRE_TH_URG, 'U' }, { WIRE_TH_ECE, 'E' },
		{ WIRE_TH_CWR, 'W' }, { WIRE_TH_AE, 'A' }, { WIRE_TH_ACK, '.' },
	};
	bool any = false;
	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (f & letters[i].bit) {
			put_c(o, letters[i].c);
			any = true;
		}
	if (!any)
		put_c(o, '-');
}

int wire_print_flags(char *buf, size_t cap, uint16_t flags)
{
	struct out o = { buf, cap, 0 };
	if (cap)
		buf[0] = 0;
	flags_to(&o, flags);
	return finish(&o);
}

static void opt_to(struct out *o, const struct wire_tcp_opt *e, uint32_t sack_base)
{
	if (e->kind == WIRE_TCPOPT_LITERAL) {
		put_s(o, "raw hex ");
		hex(o, e->v.raw.data, e->v.raw.n);
		return;
	}
	if (e->flags & WIRE_OPT_F_RAW) {
		put(o, "raw %u %u", e->kind, e->len);
		if (e->v.raw.n) {
			put_s(o, " hex ");
			hex(o, e->v.raw.data, e->v.raw.n);
		}
		return;
	}
	switch (e->kind) {
	case WIRE_TCPOPT_EOL:
		put_s(o, "eol");
		break;
	case WIRE_TCPOPT_NOP:
		put_s(o, "nop");
		break;
	case WIRE_TCPOPT_MSS:
		put_su(o, "mss ", e->v.mss);
		break;
	case WIRE_TCPOPT_WSCALE:
		put_su(o, "wscale ", e->v.wscale);
		break;
	case WIRE_TCPOPT_SACK_PERM:
		put_s(o, "sackOK");
		break;
	case WIRE_TCPOPT_SACK:
		put_s(o, "sack");
		for (unsigned i = 0; i < e->v.sack.n; i++) {
			put_su(o, " ", (uint32_t)(e->v.sack.block[i].left - sack_base));
			put_su(o, ":", (uint32_t)(e->v.sack.block[i].right - sack_base));
		}
		break;
	case WIRE_TCPOPT_TIMESTAMP:
		put_su(o, "TS val ", e->v.ts.val);
		put_su(o, " ecr ", e->v.ts.ecr);
		break;
	case WIRE_TCPOPT_MD5:
		put_s(o, "md5 ");
		hex(o, e->v.md5, 16);
		break;
	case WIRE_TCPOPT_FASTOPEN:
	case WIRE_TCPOPT_EXP:
		put_s(o, e->v.tfo.exp ? "FOEXP" : "FO");
		if (e->v.tfo.len) {
			put_c(o, ' ');
			hex(o, e->v.tfo.cookie, e->v.tfo.len);
		}
		break;
	case WIRE_TCPOPT_ACCECN0:
	case WIRE_TCPOPT_ACCECN1: {
		/* the fields in wire order; only those present */
		static const char *const n0[] = { "e0b", "ceb", "e1b" };
		static const char *const n1[] = { "e1b", "ceb", "e0b" };
		const char *const *names = e->kind == WIRE_TCPOPT_ACCECN0 ? n0 : n1;
		uint32_t v0 = e->kind == WIRE_TCPOPT_ACCECN0 ? e->v.accecn.e0b : e->v.accecn.e1b;
		uint32_t v2 = e->kind == WIRE_TCPOPT_ACCECN0 ? e->v.accecn.e1b : e->v.accecn.e0b;
		uint32_t vals[3] = { v0, e->v.accecn.ceb, v2 };
		put(o, "ECN");
		for (unsigned i = 0; i < e->v.accecn.n && i < 3; i++)
			put(o, " %s %" PRIu32, names[i], vals[i]);
		break;
	}
	default:
		put(o, "raw %u %u", e->kind, e->len);
		if (e->v.raw.n) {
			put_s(o, " hex ");
			hex(o, e->v.raw.data, e->v.raw.n);
		}
		break;
	}
}

static void opts_to(struct out *o, const struct wire_tcp_opts *opts, uint32_t sack_base)
{
	put_c(o, '<');
	for (unsigned i = 0; i < opts->n && i < WIRE_TCP_MAX_OPTS; i++) {
		if (i)
			put_c(o, ',');
		opt_to(o, &opts->opt[i], sack_base);
	}
	put_c(o, '>');
}

int wire_print_tcp_options(char *buf, size_t cap, const struct wire_tcp_opts *opts,
			   uint32_t sack_base)
{
	struct out o = { buf, cap, 0 };
	if (cap)
		buf[0] = 0;
	opts_to(&o, opts, sack_base);
	return finish(&o);
}

static const char *icmp4_type(uint8_t t)
{
	switch (t) {
	case 0: return "echo_reply";
	case 3: return "unreachable";
	case 4: return "source_quench";
	case 5: return "redirect";
	case 8: return "echo_request";
	case 11: return "time_exceeded";
	case 12: return "parameter_problem";
	}
	return NULL;
}

static const char *icmp4_unreach_code(uint8_t c)
{
	static const char *const names[] = {
		"net_unreachable", "host_unreachable", "protocol_unreachable",
		"port_unreachable", "frag_needed", "source_route_failed", "net_unknown",
		"host_unknown", "source_host_isolated", "net_prohibited", "host_prohibited",
		"net_tos_unreachable", "host_tos_unreachable", "packet_filtered",
		"precedence_violation", "precedence_cutoff",
	};
	return c < sizeof names / sizeof names[0] ? names[c] : NULL;
}

static const char *icmp6_type(uint8_t t)
{
	switch (t) {
	case 1: return "unreachable";
	case 2: return "packet_too_big";
	case 3: return "time_exceeded";
	case 4: return "parameter_problem";
	case 128: return "echo_request";
	case 129: return "echo_reply";
	case 130: return "mld_query";
	case 131: return "mld_report";
	case 132: return "mld_done";
	case 133: return "router_solicit";
	case 134: return "router_advert";
	case 135: return "neighbor_solicit";
	case 136: return "neighbor_advert";
	case 137: return "redirect";
	case 143: return "mld2_report";
	}
	return NULL;
}

static const char *icmp6_unreach_code(uint8_t c)
{
	static const char *const names[] = {
		"no_route", "admin_prohibited", "beyond_scope", "address_unreachable",
		"port_unreachable", "source_address_failed", "reject_route",
	};
	return c < sizeof names / sizeof names[0] ? names[c] : NULL;
}

static void icmp_to(struct out *o, const struct wire_packet *pkt, const struct wire_print_cfg *cfg)
{
	const struct wire_icmp *c = &pkt->icmp;
	int v6 = pkt->l4 == WIRE_L4_ICMP6;
	const char *tn = v6 ? icmp6_type(c->type) : icmp4_type(c->type);
	const char *cn = NULL;

	if (v6 ? c->type == WIRE_ICMP6_UNREACH : c->type == WIRE_ICMP_UNREACH)
		cn = v6 ? icmp6_unreach_code(c->code) : icmp4_unreach_code(c->code);
	put(o, "icmp");
	if (tn)
		put(o, " %s", tn);
	else
		put(o, " type %u", c->type);
	if (cn)
		put(o, " %s", cn);
	else if (c->code || !tn)
		put(o, " code %u", c->code);
	if (c->mtu)
		put(o, " mtu %" PRIu32, c->mtu);
	if (!c->is_error)
		return;
	const struct wire_quote *q = &c->quote;
	if ((q->ip.proto == WIRE_IPPROTO_TCP || q->udp_encap) && q->tcp_avail >= 8 &&
	    q->payload_len >= 0) {
		/* the quoted segment was sent by the receiver of the ICMP message */
		uint32_t base = cfg && !(cfg->flags & WIRE_PRINT_ABSOLUTE) ? cfg->ack_base : 0;
		uint32_t s = q->seq - base;
		put(o, " [%" PRIu32 ":%" PRIu32 "(%" PRId32 ")", s, s + (uint32_t)q->payload_len,
		    q->payload_len);
		if (q->udp_encap)
			put(o, "/udp(%u > %u)", q->udp_sport, q->udp_dport);
		put(o, "]");
	} else {
		put(o, " [...]");
	}
}

int wire_print(char *buf, size_t cap, const struct wire_packet *pkt,
	       const struct wire_print_cfg *cfg)
{
	struct out o = { buf, cap, 0 };
	unsigned flags = cfg ? cfg->flags : WIRE_PRINT_ABSOLUTE;
	bool rel = !(flags & WIRE_PRINT_ABSOLUTE);
	uint32_t seq_base = rel ? cfg->seq_base : 0;
	uint32_t ack_base = rel ? cfg->ack_base : 0;

	if (cap)
		buf[0] = 0;
	if (!(pkt->have & WIRE_HAVE_IP)) {
		put(&o, "// not an IP packet");
		return finish(&o);
	}
	if (!(flags & WIRE_PRINT_NO_IP)) {
		static const char *const ecn[] = { NULL, "[ect1] ", "[ect0] ", "[ce] " };
		if (ecn[pkt->ip.tos & 3])
			put(&o, "%s", ecn[pkt->ip.tos & 3]);
	}
	if (flags & WIRE_PRINT_IP_FIELDS) {
		put(&o, "(tos 0x%02x, ttl %u, ", pkt->ip.tos, pkt->ip.ttl);
		if (pkt->ip.version == 4)
			put(&o, "id %u) ", pkt->ip.id);
		else
			put(&o, "flowlabel 0x%" PRIx32 ") ", pkt->ip.flowlabel);
	}
	switch (pkt->l4) {
	case WIRE_L4_TCP: {
		const struct wire_tcp *t = &pkt->tcp;
		if (!(pkt->have & WIRE_HAVE_L4)) {
			put(&o, "tcp (truncated, %zu bytes)", pkt->l4_len);
			break;
		}
		uint32_t s = t->seq - (flags & WIRE_PRINT_SEQ_ABSOLUTE ? 0 : seq_base);
		flags_to(&o, t->flags & 0x1ff);
		put_su(&o, " ", s);
		put_su(&o, ":", (uint32_t)(s + (uint32_t)t->payload_len));
		put_su(&o, "(", t->payload_len);
		put_c(&o, ')');
		if (t->flags & WIRE_TH_ACK)
			put_su(&o, " ack ",
			       (uint32_t)(t->ack - (flags & WIRE_PRINT_ACK_ABSOLUTE ? 0 : ack_base)));
		if (!(flags & WIRE_PRINT_NO_WIN))
			put_su(&o, " win ", t->win);
		if (t->flags & WIRE_TH_URG)
			put_su(&o, " urg ", t->urg);
		if (t->opts.n) {
			put_c(&o, ' ');
			opts_to(&o, &t->opts, ack_base);
		}
		/* tcpspec's malformed-segment extension */
		bool res = t->flags & WIRE_TH_RES;
		bool bad = (flags & WIRE_PRINT_CSUM) && !t->csum_ok && !pkt->ip.is_fragment;
		if (res || bad) {
			put(&o, " {");
			if (bad)
				put(&o, "csum 0x%04x%s", t->csum, res ? ", " : "");
			if (res)
				put(&o, "res 0x%x", (t->flags >> 8) & 0xf);
			put(&o, "}");
		}
		if (pkt->udp_encap)
			put(&o, " /udp(%u > %u)", pkt->udp.sport, pkt->udp.dport);
		break;
	}
	case WIRE_L4_UDP:
		if (!(pkt->have & WIRE_HAVE_L4))
			put(&o, "udp (truncated, %zu bytes)", pkt->l4_len);
		else
			put(&o, "udp (%zu)", pkt->udp.payload_len);
		break;
	case WIRE_L4_ICMP:
	case WIRE_L4_ICMP6:
		if (!(pkt->have & WIRE_HAVE_L4))
			put(&o, "icmp (truncated, %zu bytes)", pkt->l4_len);
		else
			icmp_to(&o, pkt, cfg);
		break;
	case WIRE_L4_NONE:
		if (pkt->ip.is_fragment) {
			put(&o, "// ipv%u fragment offset %u proto %u (%zu)", pkt->ip.version,
			    pkt->ip.frag_off * 8u, pkt->ip.proto, pkt->l4_len);
			break;
		}
		put(&o, "// ipv%u proto %u (%zu)", pkt->ip.version, pkt->ip.proto, pkt->l4_len);
		break;
	default:
		put(&o, "// ipv%u proto %u (%zu)", pkt->ip.version, pkt->ip.proto, pkt->l4_len);
		break;
	}
	return finish(&o);
}
