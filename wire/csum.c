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
	if (len) {
		/* the tail, zero-padded to 8 bytes: a trailing odd byte becomes the high
		   byte of a 16-bit word in network order, as RFC 1071 asks */
		uint8_t tail[8] = { 0 };
		memcpy(tail, p, len);
		s1 = add_carry(s1, load64(tail));
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
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return to_net_order_value((uint16_t)~sum);
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
	uint8_t ph[40];
	size_t n;

	if (src->family == WIRE_AF_INET6) {
		memcpy(ph, src->a, 16);
		memcpy(ph + 16, dst->a, 16);
		put32(ph + 32, l4_len);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = proto;
		n = 40;
	} else {
		memcpy(ph, src->a, 4);
		memcpy(ph + 4, dst->a, 4);
		ph[8] = 0;
		ph[9] = proto;
		put16(ph + 10, (uint16_t)l4_len);
		n = 12;
	}
	return wire_csum_add(0, ph, n);
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
