/* wire_build: a struct wire_packet to the bytes of an IP packet.
 *
 * Lengths, the TCP data offset and the checksums are computed unless pkt->ovr asks for
 * the struct's value (tcpspec's malformed-segment extension: checksum value or
 * "deliberately wrong", data-offset override, reserved bits via tcp.flags, raw option
 * bytes via WIRE_TCPOPT_LITERAL entries). */
#include <string.h>

#include "wire/wire.h"
#include "wire/wire_int.h"

static uint16_t pick_csum(uint8_t mode, uint16_t computed, uint16_t given)
{
	switch (mode) {
	case WIRE_CSUM_VALUE:
		return given;
	case WIRE_CSUM_BAD:
		return wire_bad_csum(computed);
	default:
		return computed;
	}
}

/* IP header length the packet will have. */
static int ip_header_len(const struct wire_ip *ip, size_t *hl)
{
	if (ip->version == 4) {
		if (ip->opts_len > 40 || ip->opts_len % 4 || (ip->opts_len && !ip->opts))
			return WIRE_E_BAD_FIELD;
		*hl = 20u + ip->opts_len;
		return WIRE_OK;
	}
	if (ip->version != 6)
		return WIRE_E_BAD_FIELD;
	size_t n = 40;
	if (ip->n_ext > WIRE_IP6_MAX_EXT)
		return WIRE_E_BAD_FIELD;
	for (unsigned i = 0; i < ip->n_ext; i++) {
		if (ip->ext[i].len < 8 || ip->ext[i].len % 8 || !ip->ext[i].data)
			if (!(ip->ext[i].type == WIRE_IPPROTO_AH && ip->ext[i].len >= 8 &&
			      ip->ext[i].len % 4 == 0 && ip->ext[i].data))
				return WIRE_E_BAD_FIELD;
		n += ip->ext[i].len;
	}
	*hl = n;
	return WIRE_OK;
}

static void copy_or_zero(uint8_t *dst, const uint8_t *src, size_t n)
{
	if (!n)
		return;
	if (src)
		memcpy(dst, src, n);
	else
		memset(dst, 0, n);
}

/* The TCP header, options and payload at t (cap bytes).  Checksum left zero. */
static int build_tcp(const struct wire_packet *pkt, uint8_t *t, size_t cap, size_t *len)
{
	const struct wire_tcp *tcp = &pkt->tcp;
	size_t olen;

	if (cap < 20)
		return WIRE_E_BUF_TOO_SMALL;
	int st = wire_tcp_options_build(&tcp->opts, t + 20, cap - 20, &olen);
	if (st != WIRE_OK)
		return st;
	size_t hl = 20 + olen;
	if (tcp->payload_len > cap - hl)
		return WIRE_E_BUF_TOO_SMALL;
	uint8_t doff = pkt->ovr.tcp_doff ? tcp->doff : (uint8_t)(hl / 4);
	if (doff > 15 || tcp->flags > 0x0fff)
		return WIRE_E_BAD_FIELD;
	put16(t, tcp->sport);
	put16(t + 2, tcp->dport);
	put32(t + 4, tcp->seq);
	put32(t + 8, tcp->ack);
	put16(t + 12, (uint16_t)(doff << 12 | tcp->flags));
	put16(t + 14, tcp->win);
	put16(t + 16, 0);
	put16(t + 18, tcp->urg);
	copy_or_zero(t + hl, tcp->payload, tcp->payload_len);
	*len = hl + tcp->payload_len;
	return WIRE_OK;
}

int wire_build(const struct wire_packet *pkt, uint8_t *out, size_t cap, size_t *out_len)
{
	const struct wire_ip *ip = &pkt->ip;
	size_t hl, l4len = 0, tcp_len = 0;
	int st;

	*out_len = 0;
	if ((st = ip_header_len(ip, &hl)) != WIRE_OK)
		return st;
	if (ip->src.family != (ip->version == 4 ? WIRE_AF_INET : WIRE_AF_INET6) ||
	    ip->dst.family != ip->src.family)
		return WIRE_E_BAD_FIELD;
	if (cap < hl)
		return WIRE_E_BUF_TOO_SMALL;

	uint8_t *l4 = out + hl;
	size_t l4cap = cap - hl;
	uint8_t proto;

	/* the transport part, checksums zero for now */
	switch (pkt->l4) {
	case WIRE_L4_TCP:
		if (pkt->udp_encap) {
			if (l4cap < 8)
				return WIRE_E_BUF_TOO_SMALL;
			if ((st = build_tcp(pkt, l4 + 8, l4cap - 8, &tcp_len)) != WIRE_OK)
				return st;
			l4len = 8 + tcp_len;
			/* bytes a parsed packet had after the UDP length (parse -> build) */
			if (pkt->l4_data && pkt->l4_len > l4len) {
				if (pkt->l4_len > l4cap)
					return WIRE_E_BUF_TOO_SMALL;
				memcpy(l4 + l4len, pkt->l4_data + l4len, pkt->l4_len - l4len);
				l4len = pkt->l4_len;
			}
			proto = WIRE_IPPROTO_UDP;
		} else {
			if ((st = build_tcp(pkt, l4, l4cap, &l4len)) != WIRE_OK)
				return st;
			proto = WIRE_IPPROTO_TCP;
		}
		break;
	case WIRE_L4_UDP: {
		size_t ulen = 8 + pkt->udp.payload_len;
		l4len = ulen;
		/* bytes a parsed packet had after the UDP length (parse -> build) */
		if (pkt->l4_data && pkt->l4_len > ulen)
			l4len = pkt->l4_len;
		if (l4len > l4cap)
			return WIRE_E_BUF_TOO_SMALL;
		copy_or_zero(l4 + 8, pkt->udp.payload, pkt->udp.payload_len);
		if (l4len > ulen)
			memcpy(l4 + ulen, pkt->l4_data + ulen, l4len - ulen);
		proto = WIRE_IPPROTO_UDP;
		break;
	}
	case WIRE_L4_ICMP:
	case WIRE_L4_ICMP6:
		if ((pkt->l4 == WIRE_L4_ICMP) != (ip->version == 4))
			return WIRE_E_BAD_FIELD;
		l4len = 8 + pkt->icmp.body_len;
		if (l4len > l4cap)
			return WIRE_E_BUF_TOO_SMALL;
		l4[0] = pkt->icmp.type;
		l4[1] = pkt->icmp.code;
		put16(l4 + 2, 0);
		put32(l4 + 4, pkt->icmp.rest);
		copy_or_zero(l4 + 8, pkt->icmp.body, pkt->icmp.body_len);
		proto = pkt->l4 == WIRE_L4_ICMP ? WIRE_IPPROTO_ICMP : WIRE_IPPROTO_ICMPV6;
		break;
	default:        /* another protocol, or a fragment without transport header */
		l4len = pkt->l4_len;
		if (l4len > l4cap)
			return WIRE_E_BUF_TOO_SMALL;
		copy_or_zero(l4, pkt->l4_data, l4len);
		proto = ip->proto;
		break;
	}

	/* the IP header */
	size_t total = hl + l4len;
	if (ip->version == 4) {
		if (total > 0xffff)
			return WIRE_E_PKT_TOO_LONG;
		if (ip->frag_flags > 7 || ip->frag_off > 0x1fff)
			return WIRE_E_BAD_FIELD;
		out[0] = (uint8_t)(0x40 | hl / 4);
		out[1] = ip->tos;
		put16(out + 2, pkt->ovr.ip_total_len ? (uint16_t)ip->total_len : (uint16_t)total);
		put16(out + 4, ip->id);
		put16(out + 6, (uint16_t)(ip->frag_flags << 13 | ip->frag_off));
		out[8] = ip->ttl;
		out[9] = proto;
		put16(out + 10, 0);
		memcpy(out + 12, ip->src.a, 4);
		memcpy(out + 16, ip->dst.a, 4);
		if (ip->opts_len)
			memcpy(out + 20, ip->opts, ip->opts_len);
		put16(out + 10, pick_csum(pkt->ovr.ip_csum, wire_csum(out, hl), ip->csum));
	} else {
		if (total - 40 > 0xffff)
			return WIRE_E_PKT_TOO_LONG;
		if (ip->flowlabel > 0xfffff)
			return WIRE_E_BAD_FIELD;
		put32(out, 6u << 28 | (uint32_t)ip->tos << 20 | ip->flowlabel);
		put16(out + 4, pkt->ovr.ip_total_len ? ip->payload_len : (uint16_t)(total - 40));
		out[6] = ip->n_ext ? ip->ext[0].type : proto;
		out[7] = ip->ttl;
		memcpy(out + 8, ip->src.a, 16);
		memcpy(out + 24, ip->dst.a, 16);
		size_t off = 40;
		for (unsigned i = 0; i < ip->n_ext; i++) {
			memcpy(out + off, ip->ext[i].data, ip->ext[i].len);
			out[off] = i + 1 < ip->n_ext ? ip->ext[i + 1].type : proto;
			off += ip->ext[i].len;
		}
	}

	/* transport checksums, over the pseudo-header of the real addresses */
	const struct wire_addr *s = &ip->src, *d = &ip->dst;
	switch (pkt->l4) {
	case WIRE_L4_TCP: {
		uint8_t *t = pkt->udp_encap ? l4 + 8 : l4;
		size_t tlen = pkt->udp_encap ? tcp_len : l4len;
		put16(t + 16, pick_csum(pkt->ovr.l4_csum,
					wire_l4_csum(s, d, WIRE_IPPROTO_TCP, t, tlen),
					pkt->tcp.csum));
		if (pkt->udp_encap) {
			put16(l4, pkt->udp.sport);
			put16(l4 + 2, pkt->udp.dport);
			size_t ulen = 8 + tlen;
			put16(l4 + 4, pkt->ovr.udp_len ? pkt->udp.len : (uint16_t)ulen);
			put16(l4 + 6, 0);
			uint16_t c = wire_l4_csum(s, d, WIRE_IPPROTO_UDP, l4, ulen);
			put16(l4 + 6, pick_csum(pkt->ovr.encap_csum, c ? c : 0xffff,
						pkt->udp.csum));
		}
		break;
	}
	case WIRE_L4_UDP: {
		size_t ulen = 8 + pkt->udp.payload_len;
		if (ulen > 0xffff)
			return WIRE_E_PKT_TOO_LONG;
		put16(l4, pkt->udp.sport);
		put16(l4 + 2, pkt->udp.dport);
		put16(l4 + 4, pkt->ovr.udp_len ? pkt->udp.len : (uint16_t)ulen);
		put16(l4 + 6, 0);
		uint16_t c = wire_l4_csum(s, d, WIRE_IPPROTO_UDP, l4, ulen);
		/* a computed zero is sent as all ones (RFC 768, RFC 8200 8.1) */
		put16(l4 + 6, pick_csum(pkt->ovr.l4_csum, c ? c : 0xffff, pkt->udp.csum));
		break;
	}
	case WIRE_L4_ICMP:
		put16(l4 + 2, pick_csum(pkt->ovr.l4_csum, wire_csum(l4, l4len), pkt->icmp.csum));
		break;
	case WIRE_L4_ICMP6:
		put16(l4 + 2, pick_csum(pkt->ovr.l4_csum,
					wire_l4_csum(s, d, WIRE_IPPROTO_ICMPV6, l4, l4len),
					pkt->icmp.csum));
		break;
	default:
		break;
	}
	*out_len = total;
	return WIRE_OK;
}

int wire_build_icmp_error(const struct wire_addr *src, const struct wire_addr *dst,
			  uint8_t type, uint8_t code, uint32_t mtu,
			  const uint8_t *offending, size_t offending_len, size_t quote_len,
			  uint8_t *out, size_t cap, size_t *out_len)
{
	struct wire_packet pkt;
	int v6 = src->family == WIRE_AF_INET6;

	*out_len = 0;
	if (!offending || offending_len < 1)
		return WIRE_E_ICMP_QUOTE_TRUNC;
	if (!quote_len) {
		if (v6) {
			/* as much as fits in the minimum MTU (RFC 4443 2.4 (c)) */
			quote_len = 1280 - 40 - 8;
		} else {
			/* the IP header and the first 8 data bytes (RFC 792) */
			size_t ihl = (offending[0] & 0xf) * 4u;
			quote_len = ihl + 8;
		}
	}
	if (quote_len > offending_len)
		quote_len = offending_len;
	wire_packet_init(&pkt, v6 ? 6 : 4);
	pkt.ip.src = *src;
	pkt.ip.dst = *dst;
	pkt.ip.proto = v6 ? WIRE_IPPROTO_ICMPV6 : WIRE_IPPROTO_ICMP;
	pkt.ip.frag_flags = 0;
	pkt.l4 = v6 ? WIRE_L4_ICMP6 : WIRE_L4_ICMP;
	pkt.icmp.type = type;
	pkt.icmp.code = code;
	if (v6 && type == WIRE_ICMP6_PKT_TOO_BIG)
		pkt.icmp.rest = mtu;
	else if (!v6 && type == WIRE_ICMP_UNREACH && code == WIRE_ICMP_UNREACH_NEEDFRAG)
		pkt.icmp.rest = mtu & 0xffff;
	pkt.icmp.body = offending;
	pkt.icmp.body_len = quote_len;
	return wire_build(&pkt, out, cap, out_len);
}
