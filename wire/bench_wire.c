/* wire/ benchmark: TCP segments parsed per second and checksum GB/s on one core, each
 * next to a simple byte-at-a-time baseline measured in the same run. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wire/wire.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static volatile uint64_t sink;

/* The baseline parser: every field assembled one byte at a time, the options walked,
 * and the checksum verified with the byte-at-a-time sum.  What a first, simple
 * implementation would do; it checks the same lengths. */
static int naive_parse(const uint8_t *b, size_t len)
{
	if (len < 20 || b[0] >> 4 != 4)
		return -1;
	size_t ihl = 0, tot = 0;
	for (int i = 0; i < 1; i++)
		ihl = (b[0] & 15u) * 4;
	for (int i = 2; i < 4; i++)
		tot = tot << 8 | b[i];
	if (ihl < 20 || tot > len || tot < ihl)
		return -1;
	uint8_t ph[12];
	memcpy(ph, b + 12, 8);
	ph[8] = 0;
	ph[9] = b[9];
	ph[10] = (uint8_t)((tot - ihl) >> 8);
	ph[11] = (uint8_t)(tot - ihl);
	const uint8_t *t = b + ihl;
	size_t tl = tot - ihl;
	if (tl < 20)
		return -1;
	uint32_t f[6] = { 0 };
	static const int at[6] = { 0, 2, 4, 8, 14, 18 }, sz[6] = { 2, 2, 4, 4, 2, 2 };
	for (int k = 0; k < 6; k++)
		for (int i = 0; i < sz[k]; i++)
			f[k] = f[k] << 8 | t[at[k] + i];
	size_t doff = (t[12] >> 4) * 4u;
	if (doff < 20 || doff > tl)
		return -1;
	unsigned nopts = 0;
	for (size_t i = 20; i < doff;) {
		if (t[i] == 0)
			break;
		if (t[i] == 1) {
			i++;
			nopts++;
			continue;
		}
		if (i + 1 >= doff || t[i + 1] < 2 || i + t[i + 1] > doff)
			return -1;
		i += t[i + 1];
		nopts++;
	}
	/* checksum over the pseudo-header and the segment, one byte at a time */
	uint32_t s = 0;
	for (size_t i = 0; i < 12; i++)
		s += (i & 1) ? ph[i] : (uint32_t)ph[i] << 8;
	for (size_t i = 0; i < tl; i++)
		s += (i & 1) ? t[i] : (uint32_t)t[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	sink += f[2] + f[3] + nopts;
	return s == 0xffff ? 0 : 1;
}

static size_t make_segments(uint8_t seg[][1600], size_t *lens)
{
	size_t n = 0;
	for (int kind = 0; kind < 4; kind++) {
		struct wire_packet p;
		wire_packet_init(&p, 4);
		wire_addr_parse("192.0.2.1", &p.ip.src);
		wire_addr_parse("192.0.2.2", &p.ip.dst);
		p.tcp.sport = 40000;
		p.tcp.dport = 8080;
		p.tcp.seq = 1000 + kind;
		p.tcp.ack = 5000;
		p.tcp.win = 502;
		switch (kind) {
		case 0:         /* SYN-ACK with the options Linux sends */
			p.tcp.flags = WIRE_TH_SYN | WIRE_TH_ACK;
			wire_opt_add_mss(&p.tcp.opts, 1460);
			wire_opt_add_sack_perm(&p.tcp.opts);
			wire_opt_add_ts(&p.tcp.opts, 1, 2);
			wire_opt_add_nop(&p.tcp.opts);
			wire_opt_add_wscale(&p.tcp.opts, 7);
			break;
		case 1:         /* pure ACK with timestamps */
		case 2:         /* ACK with SACK blocks */
			p.tcp.flags = WIRE_TH_ACK;
			wire_opt_add_nop(&p.tcp.opts);
			wire_opt_add_nop(&p.tcp.opts);
			wire_opt_add_ts(&p.tcp.opts, 3, 4);
			if (kind == 2) {
				uint32_t lr[4] = { 7000, 8000, 9000, 9500 };
				wire_opt_add_nop(&p.tcp.opts);
				wire_opt_add_nop(&p.tcp.opts);
				wire_opt_add_sack(&p.tcp.opts, 2, lr);
			}
			break;
		case 3:         /* a 100-byte data segment */
			p.tcp.flags = WIRE_TH_ACK | WIRE_TH_PSH;
			wire_opt_add_nop(&p.tcp.opts);
			wire_opt_add_nop(&p.tcp.opts);
			wire_opt_add_ts(&p.tcp.opts, 5, 6);
			p.tcp.payload_len = 100;
			break;
		}
		if (wire_build(&p, seg[n], sizeof seg[n], &lens[n]) != WIRE_OK)
			return 0;
		n++;
	}
	return n;
}

int main(void)
{
	static uint8_t seg[4][1600];
	size_t lens[4];
	size_t nseg = make_segments(seg, lens);
	struct wire_packet pkt;
	const double span = 0.4;

	if (nseg != 4) {
		fprintf(stderr, "bench_wire: could not build the segments\n");
		return 1;
	}
	printf("wire: one core; segments: SYN-ACK with 5 options, ACK+TS, ACK+TS+SACK, "
	       "100-byte data (IPv4), rotated\n");

	/* parse rate: wire_parse (full decode, options, checksum) vs the naive parser */
	double rate[2];
	for (int which = 0; which < 2; which++) {
		uint64_t n = 0, bad = 0;
		double t0 = now(), t;
		do {
			for (int r = 0; r < 10000; r++) {
				size_t k = n++ & 3;
				if (which == 0) {
					if (wire_parse(seg[k], lens[k], &pkt) != WIRE_OK || !pkt.tcp.csum_ok)
						bad++;
				} else if (naive_parse(seg[k], lens[k]) != 0) {
					bad++;
				}
			}
			t = now() - t0;
		} while (t < span);
		if (bad)
			fprintf(stderr, "bench_wire: %llu segments failed to parse\n",
				(unsigned long long)bad);
		rate[which] = (double)n / t;
	}
	printf("parse:    %8.2f M segments/s   baseline (byte at a time) %8.2f M segments/s   "
	       "ratio %.2fx\n", rate[0] / 1e6, rate[1] / 1e6, rate[0] / rate[1]);

	/* checksum throughput on a cached 64 KiB buffer and on 1500-byte packets */
	static uint8_t buf[65536];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	const size_t sizes[2] = { sizeof buf, 1500 };
	for (int s = 0; s < 2; s++) {
		double gbs[2];
		for (int which = 0; which < 2; which++) {
			uint64_t bytes = 0;
			double t0 = now(), t;
			do {
				for (int r = 0; r < 64; r++) {
					size_t off = (size_t)r * 977 % (sizeof buf - sizes[s] + 1);
					sink += which == 0 ? wire_csum(buf + off, sizes[s])
							   : wire_csum_bytewise(buf + off, sizes[s]);
					bytes += sizes[s];
				}
				t = now() - t0;
			} while (t < span);
			gbs[which] = (double)bytes / t / 1e9;
		}
		printf("checksum: %8.2f GB/s (%5zu-byte buffers)  baseline (byte at a time) "
		       "%6.2f GB/s   ratio %.2fx\n", gbs[0], sizes[s], gbs[1], gbs[0] / gbs[1]);
	}
	return 0;
}
