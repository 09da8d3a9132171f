/* wire/: status names, addresses, packet defaults and comparison. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "wire/wire.h"

static const char *const err_text[] = {
#define WIRE_X_TEXT(name, text) text,
	WIRE_ERRORS(WIRE_X_TEXT)
#undef WIRE_X_TEXT
};

static const char *const err_name[] = {
#define WIRE_X_NAME(name, text) "WIRE_E_" #name,
	WIRE_ERRORS(WIRE_X_NAME)
#undef WIRE_X_NAME
};

const char *wire_strerror(int status)
{
	if (status < 0 || status >= WIRE_E__COUNT)
		return "unknown wire error";
	return err_text[status];
}

const char *wire_errname(int status)
{
	if (status < 0 || status >= WIRE_E__COUNT)
		return "WIRE_E_UNKNOWN";
	return err_name[status];
}

int wire_addr_parse(const char *text, struct wire_addr *out)
{
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, text, out->a) == 1) {
		out->family = WIRE_AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, out->a) == 1) {
		out->family = WIRE_AF_INET6;
		return 0;
	}
	return -1;
}

const char *wire_addr_str(const struct wire_addr *a, char *buf, size_t cap)
{
	if (!cap)
		return buf;
	buf[0] = 0;
	if (a->family == WIRE_AF_INET)
		inet_ntop(AF_INET, a->a, buf, (socklen_t)cap);
	else if (a->family == WIRE_AF_INET6)
		inet_ntop(AF_INET6, a->a, buf, (socklen_t)cap);
	else
		snprintf(buf, cap, "?");
	return buf;
}

bool wire_addr_equal(const struct wire_addr *x, const struct wire_addr *y)
{
	if (x->family != y->family)
		return false;
	return !memcmp(x->a, y->a, x->family == WIRE_AF_INET ? 4 : 16);
}

void wire_packet_init(struct wire_packet *pkt, int version)
{
	memset(pkt, 0, sizeof *pkt);
	pkt->ip.version = version == 6 ? 6 : 4;
	pkt->ip.src.family = pkt->ip.dst.family = pkt->ip.version;
	pkt->ip.ttl = 64;
	if (pkt->ip.version == 4)
		pkt->ip.frag_flags = WIRE_IP4_DF;
	pkt->ip.proto = WIRE_IPPROTO_TCP;
	pkt->l4 = WIRE_L4_TCP;
}

/* ---------------------------------------------------------------- equality */

#define DIFF(field) do { \
	if (why && why_cap) snprintf(why, why_cap, "%s", field); \
	return false; \
} while (0)
#define CMP(a, b, field) do { if ((a) != (b)) DIFF(field); } while (0)

static bool bytes_eq(const uint8_t *x, const uint8_t *y, size_t n)
{
	if (!n)
		return true;
	if (!x || !y)
		return false;
	return !memcmp(x, y, n);
}

bool wire_tcp_opt_equal(const struct wire_tcp_opt *x, const struct wire_tcp_opt *y)
{
	if (x->kind != y->kind || x->flags != y->flags || x->len != y->len)
		return false;
	if (x->flags & WIRE_OPT_F_RAW || x->kind == WIRE_TCPOPT_LITERAL)
		return x->v.raw.n == y->v.raw.n && !memcmp(x->v.raw.data, y->v.raw.data, x->v.raw.n);
	switch (x->kind) {
	case WIRE_TCPOPT_EOL:
	case WIRE_TCPOPT_NOP:
	case WIRE_TCPOPT_SACK_PERM:
		return true;
	case WIRE_TCPOPT_MSS:
		return x->v.mss == y->v.mss;
	case WIRE_TCPOPT_WSCALE:
		return x->v.wscale == y->v.wscale;
	case WIRE_TCPOPT_SACK:
		if (x->v.sack.n != y->v.sack.n)
			return false;
		for (unsigned i = 0; i < x->v.sack.n; i++)
			if (x->v.sack.block[i].left != y->v.sack.block[i].left ||
			    x->v.sack.block[i].right != y->v.sack.block[i].right)
				return false;
		return true;
	case WIRE_TCPOPT_TIMESTAMP:
		return x->v.ts.val == y->v.ts.val && x->v.ts.ecr == y->v.ts.ecr;
	case WIRE_TCPOPT_MD5:
		return !memcmp(x->v.md5, y->v.md5, 16);
	case WIRE_TCPOPT_FASTOPEN:
	case WIRE_TCPOPT_EXP:
		return x->v.tfo.exp == y->v.tfo.exp && x->v.tfo.len == y->v.tfo.len &&
		       !memcmp(x->v.tfo.cookie, y->v.tfo.cookie, x->v.tfo.len);
	case WIRE_TCPOPT_ACCECN0:
	case WIRE_TCPOPT_ACCECN1:
		/* absent fields are zero in both */
		return x->v.accecn.n == y->v.accecn.n && x->v.accecn.e0b == y->v.accecn.e0b &&
		       x->v.accecn.ceb == y->v.accecn.ceb && x->v.accecn.e1b == y->v.accecn.e1b;
	default:
		return x->v.raw.n == y->v.raw.n && !memcmp(x->v.raw.data, y->v.raw.data, x->v.raw.n);
	}
}

static bool ip_equal(const struct wire_ip *x, const struct wire_ip *y, char *why, size_t why_cap)
{
	CMP(x->version, y->version, "ip.version");
	if (!wire_addr_equal(&x->src, &y->src))
		DIFF("ip.src");
	if (!wire_addr_equal(&x->dst, &y->dst))
		DIFF("ip.dst");
	CMP(x->proto, y->proto, "ip.proto");
	CMP(x->tos, y->tos, "ip.tos");
	CMP(x->ttl, y->ttl, "ip.ttl");
	CMP(x->hdr_len, y->hdr_len, "ip.hdr_len");
	CMP(x->total_len, y->total_len, "ip.total_len");
	CMP(x->is_fragment, y->is_fragment, "ip.is_fragment");
	CMP(x->frag_flags, y->frag_flags, "ip.frag_flags");
	CMP(x->frag_off, y->frag_off, "ip.frag_off");
	if (x->version == 4) {
		CMP(x->ihl, y->ihl, "ip.ihl");
		CMP(x->id, y->id, "ip.id");
		CMP(x->opts_len, y->opts_len, "ip.opts_len");
		if (!bytes_eq(x->opts, y->opts, x->opts_len))
			DIFF("ip.opts");
	} else {
		CMP(x->flowlabel, y->flowlabel, "ip.flowlabel");
		CMP(x->payload_len, y->payload_len, "ip.payload_len");
		CMP(x->next_header, y->next_header, "ip.next_header");
		CMP(x->n_ext, y->n_ext, "ip.n_ext");
		CMP(x->frag_id, y->frag_id, "ip.frag_id");
		for (unsigned i = 0; i < x->n_ext && i < WIRE_IP6_MAX_EXT; i++) {
			CMP(x->ext[i].type, y->ext[i].type, "ip.ext.type");
			CMP(x->ext[i].offset, y->ext[i].offset, "ip.ext.offset");
			CMP(x->ext[i].len, y->ext[i].len, "ip.ext.len");
			/* the first byte is the next-header link, compared above */
			if (x->ext[i].len > 1 &&
			    !bytes_eq(x->ext[i].data + 1, y->ext[i].data + 1, x->ext[i].len - 1u))
				DIFF("ip.ext.data");
		}
	}
	return true;
}

bool wire_packet_equal(const struct wire_packet *x, const struct wire_packet *y,
		       char *why, size_t why_cap)
{
	CMP(x->have, y->have, "have");
	if (x->have & WIRE_HAVE_IP && !ip_equal(&x->ip, &y->ip, why, why_cap))
		return false;
	CMP(x->l4, y->l4, "l4");
	CMP(x->udp_encap, y->udp_encap, "udp_encap");
	CMP(x->l4_len, y->l4_len, "l4_len");
	if (!(x->have & WIRE_HAVE_L4)) {
		if (!bytes_eq(x->l4_data, y->l4_data, x->l4_len))
			DIFF("l4_data");
		return true;
	}
	if (x->l4 == WIRE_L4_UDP || x->udp_encap) {
		CMP(x->udp.sport, y->udp.sport, "udp.sport");
		CMP(x->udp.dport, y->udp.dport, "udp.dport");
		CMP(x->udp.len, y->udp.len, "udp.len");
		CMP(x->udp.payload_len, y->udp.payload_len, "udp.payload_len");
		if (x->l4 == WIRE_L4_UDP &&
		    !bytes_eq(x->udp.payload, y->udp.payload, x->udp.payload_len))
			DIFF("udp.payload");
	}
	if (x->l4 == WIRE_L4_TCP) {
		const struct wire_tcp *a = &x->tcp, *b = &y->tcp;
		CMP(a->sport, b->sport, "tcp.sport");
		CMP(a->dport, b->dport, "tcp.dport");
		CMP(a->seq, b->seq, "tcp.seq");
		CMP(a->ack, b->ack, "tcp.ack");
		CMP(a->doff, b->doff, "tcp.doff");
		CMP(a->flags, b->flags, "tcp.flags");
		CMP(a->win, b->win, "tcp.win");
		CMP(a->urg, b->urg, "tcp.urg");
		CMP(a->opts.n, b->opts.n, "tcp.opts.n");
		CMP(a->opts.area_len, b->opts.area_len, "tcp.opts.area_len");
		CMP(a->opts.walked, b->opts.walked, "tcp.opts.walked");
		for (unsigned i = 0; i < a->opts.n; i++)
			if (!wire_tcp_opt_equal(&a->opts.opt[i], &b->opts.opt[i]))
				DIFF("tcp.opts");
		CMP(a->opts.tail_len, b->opts.tail_len, "tcp.opts.tail_len");
		if (memcmp(a->opts.tail, b->opts.tail, a->opts.tail_len))
			DIFF("tcp.opts.tail");
		CMP(a->payload_len, b->payload_len, "tcp.payload_len");
		if (!bytes_eq(a->payload, b->payload, a->payload_len))
			DIFF("tcp.payload");
	}
	if (x->l4 == WIRE_L4_ICMP || x->l4 == WIRE_L4_ICMP6) {
		const struct wire_icmp *a = &x->icmp, *b = &y->icmp;
		CMP(a->type, b->type, "icmp.type");
		CMP(a->code, b->code, "icmp.code");
		CMP(a->rest, b->rest, "icmp.rest");
		CMP(a->mtu, b->mtu, "icmp.mtu");
		CMP(a->is_error, b->is_error, "icmp.is_error");
		CMP(a->body_len, b->body_len, "icmp.body_len");
		if (!bytes_eq(a->body, b->body, a->body_len))
			DIFF("icmp.body");
	}
	return true;
}
