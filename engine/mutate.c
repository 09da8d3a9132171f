/* The mutation steps of an inbound packet's {...} group (rep, ins, trun; the parser has
 * resolved every field to its place), applied to the bytes wire_build made, in the order
 * written.  What follows each step, as tcpspec-dialect(7) describes it:
 *  - ins and trun keep the length fields describing the packet: IPv4 total length and
 *    IPv6 payload length by the byte count; TCP data offset (tcp steps) and IPv4 IHL
 *    (ipv4 steps) by the count in 32-bit words, rounded up; UDP length by the count;
 *  - after the last step the IPv4 header checksum and the TCP checksum are computed
 *    again over the bytes as they now are, unless a rep wrote that checksum field;
 *    then {csum ...} applies as without mutations.
 * A later rep overrides an adjusted length field.  Nothing here knows TCP semantics:
 * the packet goes to the target as the bytes say, on every target alike. */
#include <stdio.h>
#include <string.h>

#include "engine/engine_int.h"

struct mstate {
	uint8_t *buf;
	size_t len, cap;
	int ipver;		/* 4 or 6, from the packet as built */
	size_t l4;		/* where the transport header starts now */
	uint8_t proto;		/* the transport protocol as built */
	bool keep_ip_csum, keep_l4_csum;
};

static const char *const layer_name[] = { "ipv4", "ipv6", "tcp", "udp" };

static uint32_t get_be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(uint8_t *p, size_t n, uint32_t v)
{
	for (size_t i = n; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
}

static void rep(struct mstate *s, const struct dsl_mutation *m, size_t pos)
{
	if (m->shift == 0 && m->bits == 8u * m->span) {
		memcpy(s->buf + pos, m->value + DSL_MUT_MAX_VALUE - m->span, m->span);
	} else {	/* a field of a few bits inside a 1..4 byte word */
		uint32_t word = get_be(s->buf + pos, m->span);
		uint32_t mask = (m->bits >= 32 ? 0xffffffffu : ((1u << m->bits) - 1)) << m->shift;
		uint32_t v = get_be(m->value + DSL_MUT_MAX_VALUE - 4, 4);
		word = (word & ~mask) | ((v << m->shift) & mask);
		put_be(s->buf + pos, m->span, word);
	}
	if (m->layer == DSL_MUT_IPV4 && m->off == 10)
		s->keep_ip_csum = true;
	if ((m->layer == DSL_MUT_TCP && m->off == 16) || (m->layer == DSL_MUT_UDP && m->off == 6))
		s->keep_l4_csum = true;
}

/* After `n` bytes were inserted (grow) or removed at pos by a step on `layer`. */
static void fix_lengths(struct mstate *s, enum dsl_mut_layer layer, size_t pos, size_t n,
			bool grow)
{
	int words = (int)((n + 3) / 4), sign = grow ? 1 : -1;
	if (layer == DSL_MUT_TCP && s->l4 + 12 < s->len) {
		uint8_t *b = &s->buf[s->l4 + 12];
		*b = (uint8_t)((((*b >> 4) + sign * words) & 15) << 4 | (*b & 15));
	}
	if (layer == DSL_MUT_UDP && s->l4 + 6 <= s->len)
		put_be(s->buf + s->l4 + 4, 2,
		       (get_be(s->buf + s->l4 + 4, 2) + (uint32_t)(sign * (int)n)) & 0xffff);
	if (layer == DSL_MUT_IPV4 && s->len >= 1)
		s->buf[0] = (uint8_t)((s->buf[0] & 0xf0) | (((s->buf[0] & 15) + sign * words) & 15));
	if (s->ipver == 4 && s->len >= 4)
		put_be(s->buf + 2, 2, (get_be(s->buf + 2, 2) + (uint32_t)(sign * (int)n)) & 0xffff);
	if (s->ipver == 6 && s->len >= 6 && pos >= 40)
		put_be(s->buf + 4, 2, (get_be(s->buf + 4, 2) + (uint32_t)(sign * (int)n)) & 0xffff);
}

static uint16_t bad_csum(uint16_t good)
{
	/* the right one with every bit inverted; 0 and 0xffff are one number to the
	 * one's complement sum, so neither of them */
	return good == 0 || good == 0xffff ? 0x5555 : (uint16_t)~good;
}

static void checksums(struct mstate *s, const struct dsl_malformed *m)
{
	if (s->ipver == 4 && !s->keep_ip_csum && s->len >= 12) {
		size_t hl = (size_t)(s->buf[0] & 15) * 4;
		if (hl > s->len)
			hl = s->len;
		if (hl >= 12) {
			put_be(s->buf + 10, 2, 0);
			put_be(s->buf + 10, 2, wire_csum(s->buf, hl));
		}
	}
	size_t coff = s->proto == 17 ? 6 : 16;
	size_t need = s->ipver == 4 ? 20 : 40;
	if (s->len < need || s->l4 + coff + 2 > s->len)
		return;		/* no checksum field left to write */
	struct wire_addr src = { 0 }, dst = { 0 };
	if (s->ipver == 4) {
		src.family = dst.family = WIRE_AF_INET;
		memcpy(src.a, s->buf + 12, 4);
		memcpy(dst.a, s->buf + 16, 4);
	} else {
		src.family = dst.family = WIRE_AF_INET6;
		memcpy(src.a, s->buf + 8, 16);
		memcpy(dst.a, s->buf + 24, 16);
	}
	uint8_t *field = s->buf + s->l4 + coff;
	if (s->keep_l4_csum && !m->has_csum)
		return;		/* the script wrote it */
	put_be(field, 2, 0);
	uint16_t good = wire_l4_csum(&src, &dst, s->proto, s->buf + s->l4, s->len - s->l4);
	put_be(field, 2, !m->has_csum ? good : m->csum_bad ? bad_csum(good) : m->csum);
}

int engine_mutate(uint8_t *buf, size_t *len, size_t cap, const struct dsl_malformed *m,
		  char *err, size_t errcap)
{
	struct mstate s = { .buf = buf, .len = *len, .cap = cap };
	if (s.len < 20)
		goto short_pkt;
	s.ipver = buf[0] >> 4;
	s.l4 = s.ipver == 4 ? (size_t)(buf[0] & 15) * 4 : 40;
	s.proto = s.ipver == 4 ? buf[9] : buf[6];
	if ((s.ipver != 4 && s.ipver != 6) || s.l4 > s.len)
		goto short_pkt;
	for (size_t i = 0; i < m->n_muts; i++) {
		const struct dsl_mutation *t = &m->muts[i];
		const char *ln = layer_name[t->layer];
		if ((t->layer == DSL_MUT_IPV4 && s.ipver != 4) ||
		    (t->layer == DSL_MUT_IPV6 && s.ipver != 6)) {
			snprintf(err, errcap, "a mutation of the %s header, and this run sends "
				 "IPv%d packets", ln, s.ipver);
			return 1;
		}
		size_t base = t->layer == DSL_MUT_IPV4 || t->layer == DSL_MUT_IPV6 ? 0 : s.l4;
		switch (t->op) {
		case DSL_MUT_REP: {
			size_t pos = base + t->off;
			if (pos + t->span > s.len) {
				snprintf(err, errcap, "rep %s %s: the field lies beyond the "
					 "packet's end (%zu bytes by then)", ln, t->field, s.len);
				return -1;
			}
			rep(&s, t, pos);
			break;
		}
		case DSL_MUT_INS: {
			size_t pos = base + t->at;
			if (pos > s.len || s.len + t->len > s.cap) {
				snprintf(err, errcap, "ins %s %u: %s (%zu bytes by then)", ln, t->at,
					 pos > s.len ? "the offset lies beyond the packet's end"
					 : "the packet would be too long", s.len);
				return -1;
			}
			memmove(buf + pos + t->len, buf + pos, s.len - pos);
			memcpy(buf + pos, t->bytes, t->len);
			s.len += t->len;
			if (base == 0 && pos <= s.l4)	/* in the IP header: it grew */
				s.l4 += t->len;
			fix_lengths(&s, t->layer, pos, t->len, true);
			break;
		}
		case DSL_MUT_TRUN: {
			size_t pos = base + t->at;
			size_t n = t->to_end ? s.len - pos : t->len;
			if (pos > s.len || pos + n > s.len) {
				snprintf(err, errcap, "trun %s %u: only %zu bytes from there",
					 ln, t->at, pos > s.len ? 0 : s.len - pos);
				return -1;
			}
			memmove(buf + pos, buf + pos + n, s.len - pos - n);
			s.len -= n;
			if (base == 0 && pos < s.l4)
				s.l4 -= n < s.l4 - pos ? n : s.l4 - pos;
			fix_lengths(&s, t->layer, pos, n, false);
			break;
		}
		}
	}
	checksums(&s, m);
	*len = s.len;
	return 0;
short_pkt:
	snprintf(err, errcap, "the packet to mutate is not an IP packet");
	return -1;
}
