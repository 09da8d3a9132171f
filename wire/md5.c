/* MD5 (RFC 1321) and the TCP MD5 signature option's digest (RFC 2385 2.0).  Written
 * here rather than linked: nothing tcpspec already links offers MD5, and RFC 2385 needs
 * no more than the plain digest. */
#include <math.h>
#include <string.h>

#include "wire/wire.h"

static uint32_t rol(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

/* One 64-byte block (RFC 1321 3.4). */
static void block(struct wire_md5 *m, const uint8_t *p)
{
	static const unsigned s[4][4] = {
		{ 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 },
	};
	uint32_t x[16];
	for (int i = 0; i < 16; i++)
		x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	uint32_t a = m->h[0], b = m->h[1], c = m->h[2], d = m->h[3];
	for (int i = 0; i < 64; i++) {
		uint32_t f;
		int g, r = i / 16;
		switch (r) {
		case 0: f = (b & c) | (~b & d); g = i; break;
		case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
		case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16; break;
		default: f = c ^ (b | ~d); g = (7 * i) % 16; break;
		}
		uint32_t t = d;
		d = c;
		c = b;
		b = b + rol(a + f + m->k[i] + x[g], s[r][i % 4]);
		a = t;
	}
	m->h[0] += a;
	m->h[1] += b;
	m->h[2] += c;
	m->h[3] += d;
}

void wire_md5_init(struct wire_md5 *m)
{
	memset(m, 0, sizeof *m);
	m->h[0] = 0x67452301;
	m->h[1] = 0xefcdab89;
	m->h[2] = 0x98badcfe;
	m->h[3] = 0x10325476;
	/* T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 3.4 */
	for (int i = 0; i < 64; i++)
		m->k[i] = (uint32_t)(uint64_t)floor(fabs(sin((double)i + 1)) * 4294967296.0);
}

void wire_md5_update(struct wire_md5 *m, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len) {
		size_t have = (size_t)(m->n % 64), take = 64 - have;
		if (take > len)
			take = len;
		memcpy(m->buf + have, p, take);
		m->n += take;
		p += take;
		len -= take;
		if (m->n % 64 == 0)
			block(m, m->buf);
	}
}

void wire_md5_final(struct wire_md5 *m, uint8_t out[16])
{
	uint64_t bits = m->n * 8;
	uint8_t pad = 0x80, zero = 0, len[8];
	wire_md5_update(m, &pad, 1);
	while (m->n % 64 != 56)
		wire_md5_update(m, &zero, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (8 * i));
	wire_md5_update(m, len, 8);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (uint8_t)(m->h[i] >> (8 * j));
}

/* Where the TCP header starts in an IPv4 or IPv6 packet built or received here (no
 * IPv6 extension headers), -1 when it is not TCP. */
static long tcp_start(const uint8_t *ip, size_t len)
{
	if (len >= 20 && ip[0] >> 4 == 4 && ip[9] == 6 && (size_t)(ip[0] & 15) * 4 + 20 <= len)
		return (ip[0] & 15) * 4;
	if (len >= 60 && ip[0] >> 4 == 6 && ip[6] == 6)
		return 40;
	return -1;
}

long wire_tcp_md5_find(const uint8_t *ip, size_t len)
{
	long t = tcp_start(ip, len);
	if (t < 0)
		return -1;
	size_t hl = (size_t)(ip[t + 12] >> 4) * 4, i = (size_t)t + 20, end = (size_t)t + hl;
	if (hl < 20 || end > len)
		return -1;
	while (i < end) {
		if (ip[i] == 0)         /* EOL */
			break;
		if (ip[i] == 1) {       /* NOP */
			i++;
			continue;
		}
		if (i + 1 >= end || ip[i + 1] < 2 || i + ip[i + 1] > end)
			break;
		if (ip[i] == 19 && ip[i + 1] == 18)
			return (long)i + 2;
		i += ip[i + 1];
	}
	return -1;
}

int wire_tcp_md5_digest(const uint8_t *ip, size_t len, const void *key, size_t keylen,
			uint8_t out[16])
{
	long t = tcp_start(ip, len);
	if (t < 0)
		return -1;
	size_t seglen = len - (size_t)t, hl = (size_t)(ip[t + 12] >> 4) * 4;
	if (hl < 20 || hl > seglen)
		return -1;
	struct wire_md5 m;
	wire_md5_init(&m);
	/* 1. the pseudo-header: addresses, zero, protocol, segment length (RFC 2385 2.0;
	 * for IPv6 the RFC 8200 8.1 form, as implementations use) */
	uint8_t ph[40];
	if (ip[0] >> 4 == 4) {
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = 6;
		ph[10] = (uint8_t)(seglen >> 8);
		ph[11] = (uint8_t)seglen;
		wire_md5_update(&m, ph, 12);
	} else {
		wire_md5_update(&m, ip + 8, 32);
		uint8_t tail[8] = { (uint8_t)(seglen >> 24), (uint8_t)(seglen >> 16),
				    (uint8_t)(seglen >> 8), (uint8_t)seglen, 0, 0, 0, 6 };
		wire_md5_update(&m, tail, 8);
	}
	/* 2. the TCP header without options, checksum taken as zero */
	uint8_t th[20];
	memcpy(th, ip + t, 20);
	th[16] = th[17] = 0;
	wire_md5_update(&m, th, 20);
	/* 3. the data; 4. the key */
	wire_md5_update(&m, ip + t + hl, seglen - hl);
	wire_md5_update(&m, key, keylen);
	wire_md5_final(&m, out);
	return 0;
}
