/* wire_parse: an IP packet to a struct wire_packet.
 *
 * Every read is preceded by a length check against the bytes that remain; the packet is
 * filled as far as parsing got, so a tester can still see the fields before a fault. */
#include <stddef.h>
#include <string.h>

#include "wire/wire.h"
#include "wire/wire_int.h"

/* Zero what parse reads or reports, but not the option entries (~2 kB that the walker
 * fills itself and nothing reads beyond opts.n), nor the IPv6 extension slots (read only
 * below ip.n_ext), nor the ICMP part (zeroed when an ICMP message is parsed): parse is
 * on the fuzzers' and the engine's hot path. */
static void reset(struct wire_packet *pkt)
{
	const size_t ext = offsetof(struct wire_packet, ip) + offsetof(struct wire_ip, ext);
	const size_t ext_end = ext + sizeof pkt->ip.ext;
	const size_t opt = offsetof(struct wire_packet, tcp) + offsetof(struct wire_tcp, opts) +
			   offsetof(struct wire_tcp_opts, opt);
	const size_t opt_end = opt + sizeof pkt->tcp.opts.opt;
	const size_t icmp = offsetof(struct wire_packet, icmp);
	const size_t icmp_end = icmp + sizeof pkt->icmp;
	uint8_t *p = (uint8_t *)pkt;

	_Static_assert(offsetof(struct wire_packet, ip) < offsetof(struct wire_packet, tcp) &&
		       offsetof(struct wire_packet, tcp) < offsetof(struct wire_packet, icmp),
		       "reset() assumes the order ip, tcp, icmp");
	memset(p, 0, ext);
	memset(p + ext_end, 0, opt - ext_end);
	memset(p + opt_end, 0, icmp - opt_end);
	memset(p + icmp_end, 0, sizeof *pkt - icmp_end);
}

static bool is_ext_header(uint8_t nh)
{
	return nh == WIRE_IPPROTO_HOPOPTS || nh == WIRE_IPPROTO_ROUTING ||
	       nh == WIRE_IPPROTO_FRAGMENT || nh == WIRE_IPPROTO_DSTOPTS ||
	       nh == WIRE_IPPROTO_AH;
}

/* The IP header at b (len bytes).  quoted: the header of a packet quoted in an ICMP
 * error, where the IP length may exceed what was quoted.  On return *l4_len is the
 * number of transport bytes that follow the header (within len). */
static int parse_ip(const uint8_t *b, size_t len, bool quoted, struct wire_ip *ip,
		    size_t *l4_len)
{
	*l4_len = 0;
	if (len == 0)
		return WIRE_E_EMPTY;
	ip->version = b[0] >> 4;
	if (ip->version == 4) {
		if (len < 20)
			return WIRE_E_IP4_TRUNC;
		ip->ihl = b[0] & 0xf;
		ip->tos = b[1];
		ip->total_len = get16(b + 2);
		ip->id = get16(b + 4);
		ip->frag_flags = b[6] >> 5;
		ip->frag_off = get16(b + 6) & 0x1fff;
		ip->ttl = b[8];
		ip->proto = b[9];
		ip->csum = get16(b + 10);
		ip->src.family = ip->dst.family = WIRE_AF_INET;
		memcpy(ip->src.a, b + 12, 4);
		memcpy(ip->dst.a, b + 16, 4);
		ip->is_fragment = (ip->frag_flags & WIRE_IP4_MF) || ip->frag_off;
		if (ip->ihl < 5)
			return WIRE_E_IP4_IHL_SHORT;
		size_t hl = ip->ihl * 4u;
		if (hl > len)
			return WIRE_E_IP4_IHL_PAST;
		ip->hdr_len = (uint16_t)hl;
		ip->opts_len = (uint8_t)(hl - 20);
		ip->opts = ip->opts_len ? b + 20 : NULL;
		ip->csum_ok = wire_csum(b, hl) == 0;
		if (ip->total_len < hl)
			return WIRE_E_IP4_TOTLEN_SHORT;
		if (quoted) {
			*l4_len = len - hl;
			if (*l4_len > ip->total_len - hl)
				*l4_len = ip->total_len - hl;
			return WIRE_OK;
		}
		if (ip->total_len > len)
			return WIRE_E_IP4_TOTLEN_PAST;
		*l4_len = ip->total_len - hl;
		return WIRE_OK;
	}
	if (ip->version != 6)
		return WIRE_E_BAD_VERSION;
	if (len < 40)
		return WIRE_E_IP6_TRUNC;
	ip->tos = (uint8_t)(get16(b) >> 4);
	ip->flowlabel = get32(b) & 0xfffff;
	ip->payload_len = get16(b + 4);
	ip->next_header = b[6];
	ip->ttl = b[7];
	ip->src.family = ip->dst.family = WIRE_AF_INET6;
	memcpy(ip->src.a, b + 8, 16);
	memcpy(ip->dst.a, b + 24, 16);
	ip->total_len = 40u + ip->payload_len;
	ip->hdr_len = 40;
	ip->proto = ip->next_header;

	size_t end = ip->total_len;
	if (ip->payload_len == 0 && ip->next_header == WIRE_IPPROTO_HOPOPTS && len > 40)
		return WIRE_E_IP6_JUMBO;
	if (end > len) {
		if (!quoted)
			return WIRE_E_IP6_PAYLEN_PAST;
		end = len;
	}
	/* walk the extension-header chain (RFC 8200 4) */
	size_t off = 40;
	uint8_t nh = ip->next_header;
	while (is_ext_header(nh)) {
		if (ip->n_ext >= WIRE_IP6_MAX_EXT)
			return WIRE_E_IP6_EXT_TOO_MANY;
		if (off + 8 > end)      /* every extension header is at least 8 bytes */
			return WIRE_E_IP6_EXT_TRUNC;
		size_t elen;
		if (nh == WIRE_IPPROTO_FRAGMENT)
			elen = 8;
		else if (nh == WIRE_IPPROTO_AH)
			elen = (b[off + 1] + 2u) * 4u;          /* RFC 4302 2.2 */
		else
			elen = (b[off + 1] + 1u) * 8u;
		if (off + elen > end)
			return WIRE_E_IP6_EXT_TRUNC;
		struct wire_ip6_ext *e = &ip->ext[ip->n_ext++];
		e->type = nh;
		e->offset = (uint16_t)off;
		e->len = (uint16_t)elen;
		e->data = b + off;
		if (nh == WIRE_IPPROTO_FRAGMENT) {
			ip->frag_off = get16(b + off + 2) >> 3;
			ip->frag_flags = b[off + 3] & 1 ? WIRE_IP4_MF : 0;
			ip->frag_id = get32(b + off + 4);
			ip->is_fragment = true;
		}
		nh = b[off];
		off += elen;
		ip->hdr_len = (uint16_t)off;
		ip->proto = nh;
	}
	*l4_len = end - off;
	return WIRE_OK;
}

/* The fixed TCP fields that fit in avail bytes (also used for ICMP quotes). */
static void tcp_fixed(const uint8_t *t, size_t avail, struct wire_tcp *tcp)
{
	if (avail >= 4) {
		tcp->sport = get16(t);
		tcp->dport = get16(t + 2);
	}
	if (avail >= 8)
		tcp->seq = get32(t + 4);
	if (avail >= 12)
		tcp->ack = get32(t + 8);
	if (avail >= 13)
		tcp->doff = t[12] >> 4;
	if (avail >= 14)
		tcp->flags = get16(t + 12) & 0x0fff;
	if (avail >= 16)
		tcp->win = get16(t + 14);
	if (avail >= 18)
		tcp->csum = get16(t + 16);
	if (avail >= 20)
		tcp->urg = get16(t + 18);
}

static int parse_tcp(const uint8_t *t, size_t len, struct wire_packet *pkt)
{
	struct wire_tcp *tcp = &pkt->tcp;

	tcp->opts.n = 0;
	tcp_fixed(t, len, tcp);
	if (len < 20)
		return WIRE_E_TCP_TRUNC;
	pkt->have |= WIRE_HAVE_L4;
	/* the checksum covers the whole segment whatever its data offset says, so it is
	   judged before the offset; a fragment cannot be verified on its own */
	if (!pkt->ip.is_fragment)
		tcp->csum_ok = wire_l4_csum(&pkt->ip.src, &pkt->ip.dst, WIRE_IPPROTO_TCP,
					    t, len) == 0;
	if (tcp->doff < 5)
		return WIRE_E_TCP_DOFF_SHORT;
	size_t hl = tcp->doff * 4u;
	if (hl > len)
		return WIRE_E_TCP_DOFF_PAST;
	tcp->opt_bytes = t + 20;
	tcp->opt_len = hl - 20;
	tcp->payload = t + hl;
	tcp->payload_len = len - hl;
	pkt->have |= WIRE_HAVE_PAYLOAD;
	int st = wire_tcp_options_parse(t + 20, hl - 20, &tcp->opts);
	pkt->have |= WIRE_HAVE_OPTS;
	return st;
}

static int parse_udp(const uint8_t *u, size_t len, const struct wire_parse_cfg *cfg,
		     struct wire_packet *pkt)
{
	struct wire_udp *udp = &pkt->udp;

	if (len >= 4) {
		udp->sport = get16(u);
		udp->dport = get16(u + 2);
	}
	if (len >= 6)
		udp->len = get16(u + 4);
	if (len >= 8)
		udp->csum = get16(u + 6);
	if (len < 8)
		return WIRE_E_UDP_TRUNC;
	pkt->have |= WIRE_HAVE_L4;
	if (udp->len < 8)
		return WIRE_E_UDP_LEN_SHORT;
	if (udp->len > len)
		return WIRE_E_UDP_LEN_PAST;
	if (pkt->ip.is_fragment)
		udp->csum_ok = false;
	else if (udp->csum == 0 && pkt->ip.version == 4)
		udp->csum_ok = true;    /* no checksum (RFC 768) */
	else
		udp->csum_ok = wire_l4_csum(&pkt->ip.src, &pkt->ip.dst, WIRE_IPPROTO_UDP,
					    u, udp->len) == 0;
	udp->payload = u + 8;
	udp->payload_len = udp->len - 8u;
	if (cfg && cfg->udp_encap_port &&
	    (udp->sport == cfg->udp_encap_port || udp->dport == cfg->udp_encap_port)) {
		pkt->udp_encap = true;
		pkt->l4 = WIRE_L4_TCP;
		pkt->have &= ~(unsigned)WIRE_HAVE_L4;
		return parse_tcp(u + 8, udp->len - 8u, pkt);
	}
	pkt->have |= WIRE_HAVE_PAYLOAD;
	return WIRE_OK;
}

static bool icmp_is_error(int v6, uint8_t type)
{
	if (v6)
		return type >= 1 && type <= 4;
	return type == WIRE_ICMP_UNREACH || type == WIRE_ICMP_SOURCEQUENCH ||
	       type == WIRE_ICMP_REDIRECT || type == WIRE_ICMP_TIMXCEED ||
	       type == WIRE_ICMP_PARAMPROB;
}

static void parse_quote(const uint8_t *q, size_t len, const struct wire_parse_cfg *cfg,
			struct wire_quote *quote)
{
	size_t avail;
	struct wire_tcp t;

	quote->payload_len = -1;
	quote->status = parse_ip(q, len, true, &quote->ip, &avail);
	if (quote->status != WIRE_OK)
		return;
	if (quote->ip.version == 4 && quote->ip.frag_off)
		return;
	const uint8_t *l4 = q + quote->ip.hdr_len;
	size_t inner_hdr = quote->ip.hdr_len;   /* before the TCP header */
	/* TCP in UDP: a quoted datagram from or to the tunneling port, its UDP header
	 * whole; what follows is the TCP header */
	if (cfg && cfg->udp_encap_port && quote->ip.proto == WIRE_IPPROTO_UDP && avail >= 8 &&
	    (get16(l4) == cfg->udp_encap_port || get16(l4 + 2) == cfg->udp_encap_port)) {
		quote->udp_encap = true;
		quote->udp_sport = get16(l4);
		quote->udp_dport = get16(l4 + 2);
		l4 += 8;
		avail -= 8;
		inner_hdr += 8;
	}
	memset(&t, 0, offsetof(struct wire_tcp, opts));
	tcp_fixed(l4, avail, &t);
	quote->tcp_avail = avail;
	quote->sport = t.sport;
	quote->dport = t.dport;
	quote->seq = t.seq;
	quote->ack = t.ack;
	quote->doff = t.doff;
	quote->flags = t.flags;
	quote->win = t.win;
	if (avail < 8)
		quote->status = WIRE_E_ICMP_QUOTE_TRUNC;
	if ((quote->ip.proto == WIRE_IPPROTO_TCP || quote->udp_encap) && avail >= 13 &&
	    t.doff >= 5 && quote->ip.total_len >= inner_hdr + t.doff * 4u)
		quote->payload_len = (int32_t)(quote->ip.total_len - inner_hdr - t.doff * 4u);
}

static int parse_icmp(const uint8_t *c, size_t len, const struct wire_parse_cfg *cfg,
		      struct wire_packet *pkt)
{
	struct wire_icmp *icmp = &pkt->icmp;
	int v6 = pkt->l4 == WIRE_L4_ICMP6;

	memset(icmp, 0, sizeof *icmp);

	if (len >= 1)
		icmp->type = c[0];
	if (len >= 2)
		icmp->code = c[1];
	if (len >= 4)
		icmp->csum = get16(c + 2);
	if (len < 8)
		return WIRE_E_ICMP_TRUNC;
	pkt->have |= WIRE_HAVE_L4 | WIRE_HAVE_PAYLOAD;
	icmp->rest = get32(c + 4);
	if (pkt->ip.is_fragment)
		icmp->csum_ok = false;
	else if (v6)
		icmp->csum_ok = wire_l4_csum(&pkt->ip.src, &pkt->ip.dst, WIRE_IPPROTO_ICMPV6,
					     c, len) == 0;
	else
		icmp->csum_ok = wire_csum(c, len) == 0;
	icmp->body = c + 8;
	icmp->body_len = len - 8;
	icmp->is_error = icmp_is_error(v6, icmp->type);
	if (!v6 && icmp->type == WIRE_ICMP_UNREACH && icmp->code == WIRE_ICMP_UNREACH_NEEDFRAG)
		icmp->mtu = icmp->rest & 0xffff;        /* RFC 1191 */
	if (v6 && icmp->type == WIRE_ICMP6_PKT_TOO_BIG)
		icmp->mtu = icmp->rest;                 /* RFC 4443 3.2 */
	if (icmp->is_error)
		parse_quote(icmp->body, icmp->body_len, cfg, &icmp->quote);
	return WIRE_OK;
}

int wire_parse_cfg(const uint8_t *buf, size_t len, const struct wire_parse_cfg *cfg,
		   struct wire_packet *pkt)
{
	size_t l4_len;

	reset(pkt);
	if (!buf)
		len = 0;
	int st = parse_ip(buf, len, false, &pkt->ip, &l4_len);
	if (pkt->ip.version == 4 ? len >= 20 : pkt->ip.version == 6 ? len >= 40 : false)
		pkt->have |= WIRE_HAVE_IP;
	if (st != WIRE_OK)
		return st;

	const uint8_t *l4 = buf + pkt->ip.hdr_len;
	pkt->l4_data = l4;
	pkt->l4_len = l4_len;
	if (pkt->ip.frag_off)
		return WIRE_E_FRAG_NONFIRST;

	switch (pkt->ip.proto) {
	case WIRE_IPPROTO_TCP:
		pkt->l4 = WIRE_L4_TCP;
		return parse_tcp(l4, l4_len, pkt);
	case WIRE_IPPROTO_UDP:
		pkt->l4 = WIRE_L4_UDP;
		return parse_udp(l4, l4_len, cfg, pkt);
	case WIRE_IPPROTO_ICMP:
		if (pkt->ip.version != 4)
			break;
		pkt->l4 = WIRE_L4_ICMP;
		return parse_icmp(l4, l4_len, cfg, pkt);
	case WIRE_IPPROTO_ICMPV6:
		if (pkt->ip.version != 6)
			break;
		pkt->l4 = WIRE_L4_ICMP6;
		return parse_icmp(l4, l4_len, cfg, pkt);
	}
	pkt->l4 = WIRE_L4_OTHER;
	return WIRE_OK;
}

int wire_parse(const uint8_t *buf, size_t len, struct wire_packet *pkt)
{
	return wire_parse_cfg(buf, len, NULL, pkt);
}
