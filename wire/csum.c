/* Internet checksum (RFC 1071) and the TCP/UDP/ICMPv6 pseudo-headers (RFC 9293 3.1,
 * RFC 768, RFC 8200 8.1).
 *
 * The one's-complement sum does not depend on byte order (RFC 1071 2(B)): we add the
 * buffer as native 64-bit words with end-around carry and swap the folded 16-bit result
 * into network order only at the end.  Arithmetic modulo 2^64-1 is compatible with the
 * final arithmetic modulo 2^16-1, because 2^16-1 divides 2^64-1. */
#include <string.h>

#include "wire/wire.h"
#include "wire/wire_int.h"

static inline uint64_t add_carry(uint64_t s, uint64_t x)
{
	s += x;
	return s + (s < x);
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

uint64_t wire_csum_add(uint64_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s0 = sum, s1 = 0, s2 = 0, s3 = 0;

	while (len >= 32) {
		s0 = add_carry(s0, load64(p));
		s1 = add_carry(s1, load64(p + 8));
		s2 = add_carry(s2, load64(p + 16));
		s3 = add_carry(s3, load64(p + 24));
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		s0 = add_carry(s0, load64(p));
		p += 8;
		len -= 8;
	}
	/* the tail, 0..7 bytes: shifting a 16-bit word by a multiple of 16 bits does not
	   change it modulo 2^16-1, so narrower loads can be added as they are */
	if (len & 4) {
		s1 = add_carry(s1, load32(p));
		p += 4;
	}
	if (len & 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		s1 = add_carry(s1, v);
		p += 2;
	}
	if (len & 1) {
		/* a trailing odd byte is the high byte of a zero-padded word in network
		   order (RFC 1071), the low byte of a native little-endian load */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		s1 = add_carry(s1, p[0]);
#else
		s1 = add_carry(s1, (uint64_t)p[0] << 8);
#endif
	}
	s0 = add_carry(s0, s1);
	s2 = add_carry(s2, s3);
	return add_carry(s0, s2);
}

static inline uint16_t to_net_order_value(uint16_t native)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)(native >> 8 | native << 8);
#else
	return native;
#endif
}

uint16_t wire_csum_fold(uint64_t sum)
{
	uint32_t a = (uint32_t)sum, b = (uint32_t)(sum >> 32);
	a += b;
	a += a < b;
	uint16_t c = (uint16_t)a, d = (uint16_t)(a >> 16);
	c = (uint16_t)(c + d);
	c = (uint16_t)(c + (c < d));
	return to_net_order_value((uint16_t)~c);
}

uint16_t wire_csum(const void *buf, size_t len)
{
	return wire_csum_fold(wire_csum_add(0, buf, len));
}

uint16_t wire_csum_bytewise(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t s = 0;
	for (size_t i = 0; i < len; i++) {
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
		if (s > 0xffff)
			s = (s & 0xffff) + (s >> 16);
	}
	return (uint16_t)~s;
}

uint64_t wire_csum_pseudo(const struct wire_addr *src, const struct wire_addr *dst,
			  uint8_t proto, uint32_t l4_len)
{
	uint8_t tail[8];
	uint64_t s;

	if (src->family == WIRE_AF_INET6) {
		/* addresses, 32-bit length, three zero bytes, next header */
		s = add_carry(load64(src->a), load64(src->a + 8));
		s = add_carry(s, load64(dst->a));
		s = add_carry(s, load64(dst->a + 8));
		put32(tail, l4_len);
		tail[4] = tail[5] = tail[6] = 0;
		tail[7] = proto;
		return add_carry(s, load64(tail));
	}
	/* addresses, zero, protocol, 16-bit length */
	tail[0] = 0;
	tail[1] = proto;
	put16(tail + 2, (uint16_t)l4_len);
	s = (uint64_t)load32(src->a) + load32(dst->a) + load32(tail);
	return s;
}

uint16_t wire_l4_csum(const struct wire_addr *src, const struct wire_addr *dst,
		      uint8_t proto, const void *l4, size_t l4_len)
{
	uint64_t s = wire_csum_pseudo(src, dst, proto, (uint32_t)l4_len);
	return wire_csum_fold(wire_csum_add(s, l4, l4_len));
}

bool wire_l4_csum_ok(const struct wire_addr *src, const struct wire_addr *dst,
		     uint8_t proto, const void *l4, size_t l4_len)
{
	return wire_l4_csum(src, dst, proto, l4, l4_len) == 0;
}
