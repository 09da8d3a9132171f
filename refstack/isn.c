/* refstack/isn.c: initial sequence numbers (RFC 6528) and timestamp offsets.
 *
 * ISN = M + F(localip, localport, remoteip, remoteport, secretkey)   (RFC 6528 3)
 * with M a 4-microsecond clock (RFC 9293 3.4.1) and F SipHash-2-4 keyed with the
 * stack's secret.  A fixed key (the default: all zero) makes every run reproducible;
 * a random key makes ISNs unpredictable to an off-path attacker (MUST-8, SHLD-1). */
#include <string.h>

#include "refstack/ref_int.h"

static inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

#define SIPROUND do {                                                   \
	v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);      \
	v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                          \
	v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                          \
	v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);      \
} while (0)

static uint64_t load64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* SipHash-2-4 (Aumasson and Bernstein), written from the paper. */
uint64_t ref_siphash24(const uint8_t key[16], const uint8_t *msg, size_t len)
{
	uint64_t k0 = load64(key), k1 = load64(key + 8);
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	size_t i;
	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t m = load64(msg + i);
		v3 ^= m;
		SIPROUND; SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)msg[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND; SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND; SIPROUND; SIPROUND; SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t tuple_hash(const struct ref_tcb *tp, uint8_t domain)
{
	uint8_t m[1 + 16 + 16 + 2 + 2];
	m[0] = domain;
	memcpy(m + 1, tp->laddr.a, 16);
	memcpy(m + 17, tp->raddr.a, 16);
	m[33] = tp->lport >> 8; m[34] = tp->lport & 0xff;
	m[35] = tp->rport >> 8; m[36] = tp->rport & 0xff;
	return ref_siphash24(tp->st->cfg.isn_key, m, sizeof m);
}

ref_seq_t ref_isn(const struct ref_tcb *tp, int64_t now)
{
	uint32_t m = (uint32_t)(now / 4000);             /* 4 us ticks (RFC 9293 3.4.1) */
	return ref_seq_add((ref_seq_t)tuple_hash(tp, 1), m);
}

/* RFC 7323 7.1: a per-connection random offset for TSval. */
uint32_t ref_ts_offset(const struct ref_tcb *tp)
{
	return (uint32_t)tuple_hash(tp, 2);
}
