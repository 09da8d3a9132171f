/* wire/: round trips, malformed input, checksums, printing, known answers.
 *
 * The known answers come from outside this code: the RFC 1071 worked example, packets a
 * Linux kernel sent (captured by tcpdump in a private namespace: tests/data/wire/), and
 * tcpdump's own checksum verdicts on packets built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "wire/wire.h"

#ifndef TEST_DATA
#define TEST_DATA "tests/data/wire"
#endif

/* ---------------------------------------------------------------- fixtures */

static struct wire_packet tcp_packet(int version)
{
	struct wire_packet p;
	wire_packet_init(&p, version);
	if (version == 4) {
		wire_addr_parse("192.0.2.1", &p.ip.src);
		wire_addr_parse("192.0.2.2", &p.ip.dst);
	} else {
		wire_addr_parse("2001:db8::1", &p.ip.src);
		wire_addr_parse("2001:db8::2", &p.ip.dst);
	}
	p.ip.id = 0x1234;
	p.ip.tos = WIRE_ECN_ECT0;
	p.ip.flowlabel = version == 6 ? 0x12345 : 0;
	p.tcp.sport = 40000;
	p.tcp.dport = 8080;
	p.tcp.seq = 0xfffffff0u;        /* near the wrap on purpose */
	p.tcp.ack = 12345;
	p.tcp.flags = WIRE_TH_ACK | WIRE_TH_PSH;
	p.tcp.win = 257;
	return p;
}

static size_t build_ok(const struct wire_packet *p, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	int st = wire_build(p, buf, cap, &n);
	if (st != WIRE_OK)
		fail_msg("wire_build: %s", wire_strerror(st));
	return n;
}

static void parse_ok(const uint8_t *buf, size_t n, struct wire_packet *out)
{
	int st = wire_parse(buf, n, out);
	if (st != WIRE_OK)
		fail_msg("wire_parse: %s (%s)", wire_strerror(st), wire_errname(st));
}

/* build -> parse gives the fields we put in; parse -> build gives the same bytes */
static void round_trip(const struct wire_packet *in)
{
	uint8_t a[2048], b[2048];
	struct wire_packet out, again;
	char why[64] = "";

	size_t n = build_ok(in, a, sizeof a);
	parse_ok(a, n, &out);
	assert_int_equal(out.ip.version, in->ip.version);
	assert_true(wire_addr_equal(&out.ip.src, &in->ip.src));
	assert_true(wire_addr_equal(&out.ip.dst, &in->ip.dst));
	assert_int_equal(out.ip.tos, in->ip.tos);
	assert_int_equal(out.ip.ttl, in->ip.ttl);
	assert_int_equal(out.l4, in->l4);
	assert_int_equal(out.udp_encap, in->udp_encap);
	if (in->ip.version == 4) {
		assert_true(out.ip.csum_ok);
		assert_int_equal(out.ip.id, in->ip.id);
		assert_int_equal(out.ip.frag_flags, in->ip.frag_flags);
	} else {
		assert_int_equal(out.ip.flowlabel, in->ip.flowlabel);
	}
	if (in->l4 == WIRE_L4_TCP) {
		const struct wire_tcp *x = &in->tcp, *y = &out.tcp;
		assert_true(y->csum_ok);
		assert_int_equal(y->sport, x->sport);
		assert_int_equal(y->dport, x->dport);
		assert_int_equal(y->seq, x->seq);
		assert_int_equal(y->ack, x->ack);
		assert_int_equal(y->flags, x->flags);
		assert_int_equal(y->win, x->win);
		assert_int_equal(y->urg, x->urg);
		assert_int_equal(y->payload_len, x->payload_len);
		assert_int_equal(y->doff * 4, 20 + y->opt_len);
		/* the padding to a 32-bit boundary is EOL bytes on the wire, each one an
		   entry of its own: an unaligned list comes back with that many EOLs */
		size_t enc = 0;
		for (unsigned i = 0; i < x->opts.n; i++)
			enc += wire_tcp_opt_size(&x->opts.opt[i]);
		size_t pad = (4 - enc % 4) % 4;
		assert_int_equal(y->opts.n, x->opts.n + pad);
		for (size_t i = x->opts.n; i < y->opts.n; i++)
			assert_int_equal(y->opts.opt[i].kind, WIRE_TCPOPT_EOL);
		for (unsigned i = 0; i < x->opts.n; i++) {
			if (!wire_tcp_opt_equal(&x->opts.opt[i], &y->opts.opt[i]))
				fail_msg("option %u (kind %u) differs after the round trip", i,
					 x->opts.opt[i].kind);
		}
		if (x->payload_len && x->payload)
			assert_memory_equal(y->payload, x->payload, x->payload_len);
	}
	if (in->udp_encap || in->l4 == WIRE_L4_UDP) {
		assert_true(out.udp.csum_ok);
		assert_int_equal(out.udp.sport, in->udp.sport);
		assert_int_equal(out.udp.dport, in->udp.dport);
	}
	/* parse -> build: same bytes, and parse again gives an equal struct */
	size_t m = build_ok(&out, b, sizeof b);
	assert_int_equal(m, n);
	assert_memory_equal(a, b, n);
	parse_ok(b, m, &again);
	if (!wire_packet_equal(&out, &again, why, sizeof why))
		fail_msg("parse(build(parse(x))) differs in %s", why);
}

/* ---------------------------------------------------------------- round trips */

static void add_every_option(struct wire_tcp_opts *o, int which)
{
	static const uint8_t cookie[8] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
	static const uint8_t digest[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t unknown[3] = { 0xaa, 0xbb, 0xcc };
	uint32_t blocks[8] = { 1000, 2000, 3000, 4000, 0xfffffff0u, 5, 7, 9 };

	switch (which) {
	case 0:
		wire_opt_add_mss(o, 1460);
		wire_opt_add_sack_perm(o);
		wire_opt_add_ts(o, 0x01020304, 0xa0b0c0d0);
		wire_opt_add_nop(o);
		wire_opt_add_wscale(o, 14);
		break;
	case 1:
		wire_opt_add_nop(o);
		wire_opt_add_nop(o);
		wire_opt_add_sack(o, 4, blocks);
		break;
	case 2:
		wire_opt_add_sack(o, 1, blocks);
		wire_opt_add_sack(o, 2, blocks + 2);
		wire_opt_add_eol(o);
		break;
	case 3:
		wire_opt_add_tfo(o, false, cookie, 8);
		wire_opt_add_tfo(o, false, NULL, 0);
		wire_opt_add_tfo(o, true, cookie, 4);
		wire_opt_add_tfo(o, true, NULL, 0);
		break;
	case 4:
		wire_opt_add_md5(o, digest);
		wire_opt_add_nop(o);
		wire_opt_add_nop(o);
		wire_opt_add_accecn(o, 0, 3, 0x111111, 0x222222, 0x333333);
		break;
	case 5:
		wire_opt_add_accecn(o, 1, 3, 0x10, 0x20, 0x30);
		wire_opt_add_accecn(o, 0, 1, 0xabcdef, 0, 0);
		wire_opt_add_accecn(o, 1, 2, 0, 7, 8);
		wire_opt_add_accecn(o, 0, 0, 0, 0, 0);
		break;
	case 6:
		wire_opt_add_unknown(o, 99, unknown, 3);
		wire_opt_add_unknown(o, 200, NULL, 0);
		wire_opt_add_unknown(o, WIRE_TCPOPT_EXP, unknown, 3);  /* not fast open */
		wire_opt_add_mss(o, 536);
		break;
	case 7:
		wire_opt_add_tfo(o, false, cookie, WIRE_TFO_MAX_COOKIE > 8 ? 8 : 4);
		wire_opt_add_ts(o, 0, 0);
		wire_opt_add_eol(o);
		break;
	}
}

static void round_trip_every_option(int version)
{
	static const uint8_t data[5] = "hello";
	for (int which = 0; which <= 7; which++) {
		struct wire_packet p = tcp_packet(version);
		add_every_option(&p.tcp.opts, which);
		p.tcp.payload = which & 1 ? data : NULL;
		p.tcp.payload_len = which & 1 ? sizeof data : (size_t)which * 100;
		round_trip(&p);
	}
}

static void round_trip_options_v4(void **state) { (void)state; round_trip_every_option(4); }
static void round_trip_options_v6(void **state) { (void)state; round_trip_every_option(6); }

static void round_trip_header_fields(void **state)
{
	(void)state;
	for (int v = 4; v <= 6; v += 2) {
		struct wire_packet p = tcp_packet(v);
		p.tcp.flags = 0x1ff;            /* every flag including AE */
		p.tcp.urg = 77;
		p.ip.ttl = 3;
		p.ip.tos = 0xb8 | WIRE_ECN_CE;
		round_trip(&p);
		p.tcp.flags = 0;                /* "-": no flag at all */
		round_trip(&p);
	}
	/* IPv4 header options (router alert, then NOP padding) are skipped and kept */
	static const uint8_t ra[8] = { 0x94, 4, 0, 0, 1, 1, 1, 0 };
	struct wire_packet p = tcp_packet(4), out;
	uint8_t b[256];
	p.ip.opts = ra;
	p.ip.opts_len = sizeof ra;
	p.ip.frag_flags = 0;
	wire_opt_add_mss(&p.tcp.opts, 1200);
	round_trip(&p);
	size_t n = build_ok(&p, b, sizeof b);
	assert_int_equal(b[0], 0x47);
	parse_ok(b, n, &out);
	assert_int_equal(out.ip.ihl, 7);
	assert_int_equal(out.ip.hdr_len, 28);
	assert_int_equal(out.ip.opts_len, 8);
	assert_memory_equal(out.ip.opts, ra, 8);
	assert_int_equal(out.tcp.opts.opt[0].v.mss, 1200);
	/* an options length that is not a multiple of 4 cannot be built */
	p.ip.opts_len = 6;
	size_t m;
	assert_int_equal(wire_build(&p, b, sizeof b, &m), WIRE_E_BAD_FIELD);
}

static void round_trip_udp_and_encap(void **state)
{
	(void)state;
	static const uint8_t payload[11] = "datagram!!";
	for (int v = 4; v <= 6; v += 2) {
		struct wire_packet p = tcp_packet(v);
		p.l4 = WIRE_L4_UDP;
		p.ip.proto = WIRE_IPPROTO_UDP;
		p.udp.sport = 5353;
		p.udp.dport = 53;
		p.udp.payload = payload;
		p.udp.payload_len = sizeof payload;
		round_trip(&p);

		struct wire_packet e = tcp_packet(v);
		e.udp_encap = true;
		e.udp.sport = 1234;
		e.udp.dport = 9899;
		wire_opt_add_mss(&e.tcp.opts, 1200);
		e.tcp.payload_len = 10;
		uint8_t buf[512];
		size_t n = build_ok(&e, buf, sizeof buf);
		struct wire_packet out;
		struct wire_parse_cfg cfg = { .udp_encap_port = 9899 };
		assert_int_equal(wire_parse_cfg(buf, n, &cfg, &out), WIRE_OK);
		assert_true(out.udp_encap);
		assert_int_equal(out.l4, WIRE_L4_TCP);
		assert_true(out.udp.csum_ok);
		assert_true(out.tcp.csum_ok);
		assert_int_equal(out.tcp.opts.opt[0].v.mss, 1200);
		assert_int_equal(out.udp.len, n - (v == 4 ? 20 : 40));
		/* without the port it is a plain datagram */
		assert_int_equal(wire_parse(buf, n, &out), WIRE_OK);
		assert_int_equal(out.l4, WIRE_L4_UDP);
		assert_int_equal(out.udp.payload_len, 20 + 4 + 10);
	}
}

/* parse -> build -> parse of packets that do not parse cleanly keeps every byte:
 * (found by fuzzing the parse/build oracle) */
static void round_trip_faulty_areas(void **state)
{
	(void)state;
	static const uint8_t areas[][12] = {
		/* a TS with a wrong length, then an option running past the area */
		{ 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8 },
		/* EOL, then padding that is not zero */
		{ 2, 4, 5, 0xb4, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 1 },
		/* length 0 at once */
		{ 19, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
	};
	static const int want[] = { WIRE_E_OPT_BAD_LEN, WIRE_OK, WIRE_E_OPT_LEN_ZERO };
	for (size_t k = 0; k < sizeof areas / sizeof areas[0]; k++) {
		struct wire_packet p = tcp_packet(4), a, b;
		uint8_t raw[128], again[128];
		wire_opt_add_literal(&p.tcp.opts, areas[k], 12);
		size_t n = build_ok(&p, raw, sizeof raw);
		assert_int_equal(wire_parse(raw, n, &a), want[k]);
		size_t m = build_ok(&a, again, sizeof again);
		assert_int_equal(m, n);
		assert_memory_equal(again, raw, n);
		assert_int_equal(wire_parse(again, m, &b), want[k]);
		assert_true(wire_packet_equal(&a, &b, NULL, 0));
	}
	/* TCP in UDP with bytes after the UDP length */
	struct wire_packet e = tcp_packet(4), a, b;
	e.udp_encap = true;
	e.udp.sport = 1234;
	e.udp.dport = 9899;
	e.tcp.payload_len = 5;
	uint8_t raw[128], again[128];
	size_t n = build_ok(&e, raw, sizeof raw);
	memset(raw + n, 0x65, 9);
	raw[3] = (uint8_t)(n + 9);              /* IP total length takes the 9 bytes in */
	struct wire_parse_cfg cfg = { .udp_encap_port = 9899 };
	assert_int_equal(wire_parse_cfg(raw, n + 9, &cfg, &a), WIRE_OK);
	assert_int_equal(a.tcp.payload_len, 5);
	size_t m = build_ok(&a, again, sizeof again);
	assert_int_equal(m, n + 9);
	assert_memory_equal(again + 20, raw + 20, n + 9 - 20);
	assert_int_equal(wire_parse_cfg(again, m, &cfg, &b), WIRE_OK);
	assert_true(wire_packet_equal(&a, &b, NULL, 0));
}

/* literal option bytes, reserved bits, data offset and checksum overrides */
static void build_malformed_hooks(void **state)
{
	(void)state;
	uint8_t buf[256];
	struct wire_packet out;
	struct wire_packet p = tcp_packet(4);
	static const uint8_t lying_mss[3] = { 2, 9, 5 };  /* says 9 bytes, has 3 */

	wire_opt_add_nop(&p.tcp.opts);
	wire_opt_add_literal(&p.tcp.opts, lying_mss, 3);
	p.tcp.flags |= 0xE00;
	size_t n = build_ok(&p, buf, sizeof buf);
	assert_int_equal(n, 20 + 20 + 4);
	assert_memory_equal(buf + 40, "\x01\x02\x09\x05", 4);
	assert_int_equal(wire_parse(buf, n, &out), WIRE_E_OPT_LEN_PAST);
	assert_int_equal(out.tcp.flags & WIRE_TH_RES, 0xE00);
	assert_int_equal(out.tcp.opts.n, 1);       /* the NOP before the fault is kept */
	assert_int_equal(out.tcp.opts.walked, 1);
	assert_true(out.tcp.csum_ok);

	/* data offset override: 4 words, below the minimum */
	p = tcp_packet(4);
	p.ovr.tcp_doff = true;
	p.tcp.doff = 4;
	n = build_ok(&p, buf, sizeof buf);
	assert_int_equal(buf[32] >> 4, 4);
	assert_int_equal(wire_parse(buf, n, &out), WIRE_E_TCP_DOFF_SHORT);
	assert_int_equal(out.tcp.seq, p.tcp.seq);  /* fields before the fault */
	assert_int_equal(out.tcp.win, p.tcp.win);

	/* data offset past the segment */
	p.tcp.doff = 15;
	n = build_ok(&p, buf, sizeof buf);
	assert_int_equal(wire_parse(buf, n, &out), WIRE_E_TCP_DOFF_PAST);

	/* checksum: deliberately wrong, then an explicit value */
	for (int v = 4; v <= 6; v += 2) {
		p = tcp_packet(v);
		p.ovr.l4_csum = WIRE_CSUM_BAD;
		n = build_ok(&p, buf, sizeof buf);
		parse_ok(buf, n, &out);
		assert_false(out.tcp.csum_ok);
		p.ovr.l4_csum = WIRE_CSUM_VALUE;
		p.tcp.csum = 0xbeef;
		n = build_ok(&p, buf, sizeof buf);
		parse_ok(buf, n, &out);
		assert_int_equal(out.tcp.csum, 0xbeef);
		assert_false(out.tcp.csum_ok);
	}
	p = tcp_packet(4);
	p.ovr.ip_csum = WIRE_CSUM_BAD;
	n = build_ok(&p, buf, sizeof buf);
	parse_ok(buf, n, &out);
	assert_false(out.ip.csum_ok);
	assert_true(out.tcp.csum_ok);
}

/* ---------------------------------------------------------------- malformed input */

static void expect_parse(const uint8_t *buf, size_t n, int want)
{
	struct wire_packet p;
	int got = wire_parse(buf, n, &p);
	if (got != want)
		fail_msg("got %s, want %s", wire_errname(got), wire_errname(want));
}

static size_t base_v4(uint8_t *buf, size_t cap)
{
	struct wire_packet p = tcp_packet(4);
	wire_opt_add_mss(&p.tcp.opts, 1460);
	p.tcp.payload_len = 8;
	return build_ok(&p, buf, cap);
}

static void malformed_ip(void **state)
{
	(void)state;
	uint8_t b[256], c[256];
	size_t n = base_v4(b, sizeof b);

	expect_parse(b, 0, WIRE_E_EMPTY);
	expect_parse(NULL, 0, WIRE_E_EMPTY);
	memcpy(c, b, n); c[0] = 0x55;
	expect_parse(c, n, WIRE_E_BAD_VERSION);
	expect_parse(b, 19, WIRE_E_IP4_TRUNC);
	memcpy(c, b, n); c[0] = 0x44;
	expect_parse(c, n, WIRE_E_IP4_IHL_SHORT);
	memcpy(c, b, n); c[0] = 0x4f;
	expect_parse(c, 40, WIRE_E_IP4_IHL_PAST);
	memcpy(c, b, n); c[2] = 0; c[3] = 19;
	expect_parse(c, n, WIRE_E_IP4_TOTLEN_SHORT);
	expect_parse(b, n - 1, WIRE_E_IP4_TOTLEN_PAST);

	/* a buffer longer than the IP length (Ethernet padding) is fine */
	memcpy(c, b, n); memset(c + n, 0xee, 6);
	struct wire_packet p;
	assert_int_equal(wire_parse(c, n + 6, &p), WIRE_OK);
	assert_int_equal(p.tcp.payload_len, 8);
	assert_true(p.tcp.csum_ok);

	/* a fragment after the first: flagged, no transport header */
	memcpy(c, b, n); c[6] = 0x20; c[7] = 0x10;
	assert_int_equal(wire_parse(c, n, &p), WIRE_E_FRAG_NONFIRST);
	assert_true(p.ip.is_fragment);
	assert_int_equal(p.ip.frag_off, 0x10);
	assert_int_equal(p.l4, WIRE_L4_NONE);
	/* the first fragment parses, flagged, its checksum not judged */
	memcpy(c, b, n); c[6] = 0x20; c[7] = 0;
	assert_int_equal(wire_parse(c, n, &p), WIRE_OK);
	assert_true(p.ip.is_fragment);
	assert_false(p.tcp.csum_ok);
}

static void malformed_ip6(void **state)
{
	(void)state;
	uint8_t b[512];
	struct wire_packet p = tcp_packet(6), out;
	size_t n = build_ok(&p, b, sizeof b);

	expect_parse(b, 39, WIRE_E_IP6_TRUNC);
	expect_parse(b, n - 1, WIRE_E_IP6_PAYLEN_PAST);

	/* a jumbogram: payload length 0 with a hop-by-hop header */
	uint8_t j[64] = { 0x60, 0, 0, 0, 0, 0, WIRE_IPPROTO_HOPOPTS, 64 };
	expect_parse(j, sizeof j, WIRE_E_IP6_JUMBO);

	/* extension headers: hop-by-hop, destination options, routing, fragment */
	uint8_t e[40 + 8 + 16 + 8 + 8 + 20];
	memcpy(e, b, 40);
	size_t off = 40;
	e[6] = WIRE_IPPROTO_HOPOPTS;
	/* hop-by-hop, 8 bytes: PadN */
	memset(e + off, 0, 8); e[off] = WIRE_IPPROTO_DSTOPTS; e[off + 1] = 0;
	e[off + 2] = 1; e[off + 3] = 4;
	off += 8;
	/* destination options, 16 bytes: PadN */
	memset(e + off, 0, 16); e[off] = WIRE_IPPROTO_ROUTING; e[off + 1] = 1;
	e[off + 2] = 1; e[off + 3] = 12;
	off += 16;
	/* routing, 8 bytes: type 4, segments left 0 */
	memset(e + off, 0, 8); e[off] = WIRE_IPPROTO_FRAGMENT; e[off + 1] = 0;
	e[off + 2] = 4;
	off += 8;
	/* fragment */
	memset(e + off, 0, 8); e[off] = WIRE_IPPROTO_TCP;
	e[off + 3] = 1;                         /* offset 0, M=1 */
	e[off + 4] = 0xca; e[off + 7] = 0xfe;
	off += 8;
	memcpy(e + off, b + 40, 20);
	e[4] = 0; e[5] = (uint8_t)(sizeof e - 40);
	assert_int_equal(wire_parse(e, sizeof e, &out), WIRE_OK);
	assert_int_equal(out.ip.n_ext, 4);
	assert_int_equal(out.ip.ext[0].type, WIRE_IPPROTO_HOPOPTS);
	assert_int_equal(out.ip.ext[1].type, WIRE_IPPROTO_DSTOPTS);
	assert_int_equal(out.ip.ext[1].len, 16);
	assert_int_equal(out.ip.ext[2].type, WIRE_IPPROTO_ROUTING);
	assert_int_equal(out.ip.ext[2].len, 8);
	assert_int_equal(out.ip.ext[3].type, WIRE_IPPROTO_FRAGMENT);
	assert_int_equal(out.ip.proto, WIRE_IPPROTO_TCP);
	assert_int_equal(out.ip.hdr_len, sizeof e - 20);
	assert_true(out.ip.is_fragment);
	assert_int_equal(out.ip.frag_flags, WIRE_IP4_MF);
	assert_int_equal(out.ip.frag_id, 0xca0000fe);
	assert_int_equal(out.tcp.sport, p.tcp.sport);
	/* and build copies the chain back byte for byte */
	uint8_t again[256];
	size_t m = build_ok(&out, again, sizeof again);
	assert_int_equal(m, sizeof e);
	assert_memory_equal(again, e, sizeof e);

	/* a chain cut short */
	e[5] = 8 + 4;
	expect_parse(e, 40 + 12, WIRE_E_IP6_EXT_TRUNC);
	e[5] = 8 + 16 + 3;
	expect_parse(e, 40 + 8 + 16 + 3, WIRE_E_IP6_EXT_TRUNC);

	/* too many extension headers */
	uint8_t many[40 + 8 * (WIRE_IP6_MAX_EXT + 1)];
	memcpy(many, b, 40);
	many[6] = WIRE_IPPROTO_DSTOPTS;
	for (unsigned i = 0; i <= WIRE_IP6_MAX_EXT; i++) {
		memset(many + 40 + 8 * i, 0, 8);
		many[40 + 8 * i] = WIRE_IPPROTO_DSTOPTS;
	}
	many[4] = 0; many[5] = sizeof many - 40;
	expect_parse(many, sizeof many, WIRE_E_IP6_EXT_TOO_MANY);

	/* a later fragment */
	e[5] = (uint8_t)(sizeof e - 40);
	e[40 + 8 + 16 + 8 + 2] = 0x01;          /* offset 32 units */
	assert_int_equal(wire_parse(e, sizeof e, &out), WIRE_E_FRAG_NONFIRST);
	assert_int_equal(out.ip.frag_off, 0x20);
}

static void malformed_tcp(void **state)
{
	(void)state;
	uint8_t b[256], c[256];
	size_t n = base_v4(b, sizeof b);
	struct wire_packet p;

	/* truncated TCP header: the IP length says 20 + 19 */
	memcpy(c, b, n); c[2] = 0; c[3] = 39;
	assert_int_equal(wire_parse(c, 39, &p), WIRE_E_TCP_TRUNC);
	assert_int_equal(p.tcp.sport, 40000);   /* what was there is kept */
	assert_int_equal(p.tcp.seq, 0xfffffff0u);
	assert_int_equal(p.have & WIRE_HAVE_L4, 0);
	memcpy(c, b, n); c[32] = 0x40;
	expect_parse(c, n, WIRE_E_TCP_DOFF_SHORT);
	memcpy(c, b, n); c[32] = 0x00;
	expect_parse(c, n, WIRE_E_TCP_DOFF_SHORT);
	memcpy(c, b, n); c[32] = 0x90;         /* 36 bytes, segment is 32 */
	expect_parse(c, n, WIRE_E_TCP_DOFF_PAST);

	/* option faults inside a packet: MSS at 40..43, payload follows */
	memcpy(c, b, n); c[41] = 0;
	expect_parse(c, n, WIRE_E_OPT_LEN_ZERO);
	memcpy(c, b, n); c[41] = 1;
	expect_parse(c, n, WIRE_E_OPT_LEN_ONE);
	memcpy(c, b, n); c[41] = 5;
	expect_parse(c, n, WIRE_E_OPT_LEN_PAST);
	memcpy(c, b, n); c[41] = 3;             /* MSS that says 3: wrong for the kind */
	assert_int_equal(wire_parse(c, n, &p), WIRE_E_OPT_BAD_LEN);
	assert_int_equal(p.tcp.opts.n, 1);      /* the raw MSS; the byte after it is a
						   kind without length: the first error wins */
	assert_int_equal(p.tcp.opts.walked, 3);
	assert_true(p.tcp.opts.opt[0].flags & WIRE_OPT_F_RAW);
	assert_int_equal(p.tcp.payload_len, 8); /* the payload is still located */
}

static int walk(const uint8_t *b, size_t n, struct wire_tcp_opts *o)
{
	return wire_tcp_options_parse(b, n, o);
}

static void malformed_options(void **state)
{
	(void)state;
	struct wire_tcp_opts o;
	uint8_t big[41] = { 0 };

	assert_int_equal(walk(big, 41, &o), WIRE_E_OPT_AREA_LONG);
	assert_int_equal(walk(big, 0, &o), WIRE_OK);
	assert_int_equal(o.n, 0);
	assert_int_equal(walk((const uint8_t *)"\x02", 1, &o), WIRE_E_OPT_NO_LEN);
	assert_int_equal(walk((const uint8_t *)"\x01\x01\x08", 3, &o), WIRE_E_OPT_NO_LEN);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.walked, 2);
	assert_int_equal(walk((const uint8_t *)"\x02\x00\x05\xb4", 4, &o), WIRE_E_OPT_LEN_ZERO);
	assert_int_equal(walk((const uint8_t *)"\xfe\x01\x05\xb4", 4, &o), WIRE_E_OPT_LEN_ONE);
	assert_int_equal(walk((const uint8_t *)"\x08\x0a\x00\x00", 4, &o), WIRE_E_OPT_LEN_PAST);
	/* the last byte of the area is the kind: len byte missing */
	assert_int_equal(walk((const uint8_t *)"\x01\x01\x01\x13", 4, &o), WIRE_E_OPT_NO_LEN);

	/* a wrong length for each known kind */
	static const struct { const char *bytes; size_t n; } bad[] = {
		{ "\x02\x03\x05", 3 },                 /* MSS */
		{ "\x02\x05\x05\xb4\x00", 5 },
		{ "\x03\x04\x07\x00", 4 },             /* wscale */
		{ "\x03\x02", 2 },
		{ "\x04\x03\x00", 3 },                 /* sackOK */
		{ "\x05\x02", 2 },                     /* sack without block */
		{ "\x05\x06\x00\x00\x00\x01", 6 },     /* half a block */
		{ "\x08\x08\x00\x00\x00\x01\x00\x00", 8 }, /* TS */
		{ "\x13\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 16 }, /* MD5 */
		{ "\xac\x04\x00\x00", 4 },             /* AccECN, not a multiple of 3 */
		{ "\xae\x06\x00\x00\x00\x00", 6 },
		{ "\x22\x13" "12345678901234567", 19 }, /* TFO cookie of 17 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int st = walk((const uint8_t *)bad[i].bytes, bad[i].n, &o);
		if (st != WIRE_E_OPT_BAD_LEN)
			fail_msg("case %zu: got %s", i, wire_errname(st));
		assert_int_equal(o.n, 1);
		assert_true(o.opt[0].flags & WIRE_OPT_F_RAW);
		assert_int_equal(o.opt[0].len, bad[i].n);
	}
	/* SACK with 5 blocks does not fit in 40 bytes: length past the area */
	uint8_t sack5[42] = { 5, 42 };
	assert_int_equal(walk(sack5, 40, &o), WIRE_E_OPT_LEN_PAST);

	/* walking goes on after a self-consistent bad length; the first error is kept */
	assert_int_equal(walk((const uint8_t *)"\x03\x02\x01\x02\x04\x05\xb4\x00", 8, &o),
			 WIRE_E_OPT_BAD_LEN);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.opt[2].kind, WIRE_TCPOPT_MSS);
	assert_int_equal(o.opt[2].v.mss, 1460);

	/* EOL ends the list; what follows is padding, each zero byte an EOL entry as
	   scripts write them; a non-zero byte after it is kept in the tail */
	assert_int_equal(walk((const uint8_t *)"\x01\x00\x02\x04", 4, &o), WIRE_OK);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.walked, 2);
	assert_true(o.pad_nonzero);
	assert_int_equal(o.tail_len, 2);
	assert_memory_equal(o.tail, "\x02\x04", 2);
	assert_int_equal(walk((const uint8_t *)"\x02\x04\x05\xb4\x04\x02\x00\x00", 8, &o),
			 WIRE_OK);
	assert_int_equal(o.n, 4);               /* mss 1460,sackOK,eol,eol */
	assert_int_equal(o.opt[2].kind, WIRE_TCPOPT_EOL);
	assert_int_equal(o.opt[3].kind, WIRE_TCPOPT_EOL);
	assert_int_equal(o.opt[3].offset, 7);
	assert_false(o.pad_nonzero);
	assert_int_equal(o.tail_len, 0);
	char txt[64];
	wire_print_tcp_options(txt, sizeof txt, &o, 0);
	assert_string_equal(txt, "<mss 1460,sackOK,eol,eol>");

	/* every input of 0..3 bytes, and many of 4..40, never crash or read past */
	uint8_t x[40];
	for (unsigned len = 0; len <= 3; len++)
		for (unsigned v = 0; v < (1u << (8 * len)); v++) {
			for (unsigned k = 0; k < len; k++)
				x[k] = (uint8_t)(v >> (8 * k));
			uint8_t *h = malloc(len ? len : 1);
			memcpy(h, x, len);
			walk(h, len, &o);
			assert_true(o.walked <= len);
			free(h);
		}
	srand(7);
	for (int i = 0; i < 200000; i++) {
		unsigned len = (unsigned)rand() % 41;
		uint8_t *h = malloc(len ? len : 1);
		for (unsigned k = 0; k < len; k++)
			h[k] = (uint8_t)(rand() % 4 ? rand() % 40 : rand());
		int st = walk(h, len, &o);
		assert_true(o.walked <= len);
		assert_true(st >= 0 && st < WIRE_E__COUNT);
		free(h);
	}
}

static void malformed_udp_icmp(void **state)
{
	(void)state;
	uint8_t b[256], c[256];
	struct wire_packet p = tcp_packet(4), out;
	p.l4 = WIRE_L4_UDP;
	p.udp.sport = 1;
	p.udp.dport = 2;
	p.udp.payload_len = 4;
	size_t n = build_ok(&p, b, sizeof b);
	memcpy(c, b, n); c[3] = 27;
	expect_parse(c, 27, WIRE_E_UDP_TRUNC);
	memcpy(c, b, n); c[25] = 7;
	expect_parse(c, n, WIRE_E_UDP_LEN_SHORT);
	memcpy(c, b, n); c[25] = 13;
	expect_parse(c, n, WIRE_E_UDP_LEN_PAST);
	memcpy(c, b, n); c[26] = c[27] = 0;     /* no checksum on IPv4: accepted */
	assert_int_equal(wire_parse(c, n, &out), WIRE_OK);
	assert_true(out.udp.csum_ok);

	p = tcp_packet(4);
	p.l4 = WIRE_L4_ICMP;
	p.icmp.type = WIRE_ICMP_ECHO;
	n = build_ok(&p, b, sizeof b);
	memcpy(c, b, n); c[3] = 27;
	expect_parse(c, 27, WIRE_E_ICMP_TRUNC);
	/* an error quoting only 4 bytes of the offending packet's IP header */
	p.icmp.type = WIRE_ICMP_UNREACH;
	p.icmp.body = (const uint8_t *)"\x45\x00\x00\x28";
	p.icmp.body_len = 4;
	n = build_ok(&p, b, sizeof b);
	assert_int_equal(wire_parse(b, n, &out), WIRE_OK);
	assert_true(out.icmp.is_error);
	assert_int_equal(out.icmp.quote.status, WIRE_E_IP4_TRUNC);
	/* a whole IP header but only 6 bytes of the transport header: no sequence number */
	struct wire_packet q = tcp_packet(4);
	uint8_t seg[64];
	size_t sn = build_ok(&q, seg, sizeof seg);
	p.icmp.body = seg;
	p.icmp.body_len = 26;
	n = build_ok(&p, b, sizeof b);
	assert_int_equal(wire_parse(b, n, &out), WIRE_OK);
	assert_int_equal(out.icmp.quote.status, WIRE_E_ICMP_QUOTE_TRUNC);
	assert_int_equal(out.icmp.quote.sport, 40000);  /* what was quoted is kept */
	assert_int_equal(out.icmp.quote.tcp_avail, 6);
	/* and nothing to quote at all */
	size_t m;
	assert_int_equal(wire_build_icmp_error(&q.ip.dst, &q.ip.src, WIRE_ICMP_UNREACH, 3, 0,
					       seg, 0, 0, b, sizeof b, &m),
			 WIRE_E_ICMP_QUOTE_TRUNC);
	(void)sn;
}

static void build_errors(void **state)
{
	(void)state;
	uint8_t b[2048];
	size_t n;
	struct wire_packet p = tcp_packet(4);
	assert_int_equal(wire_build(&p, b, 39, &n), WIRE_E_BUF_TOO_SMALL);
	assert_int_equal(wire_build(&p, b, 19, &n), WIRE_E_BUF_TOO_SMALL);
	p.ip.version = 5;
	assert_int_equal(wire_build(&p, b, sizeof b, &n), WIRE_E_BAD_FIELD);
	p = tcp_packet(4);
	p.ip.dst.family = WIRE_AF_INET6;
	assert_int_equal(wire_build(&p, b, sizeof b, &n), WIRE_E_BAD_FIELD);
	p = tcp_packet(4);
	for (int i = 0; i < 4; i++)
		wire_opt_add_ts(&p.tcp.opts, 1, 2);
	wire_opt_add_mss(&p.tcp.opts, 1);
	assert_int_equal(wire_build(&p, b, sizeof b, &n), WIRE_E_OPTS_TOO_LONG);
	p = tcp_packet(4);
	p.tcp.payload_len = 70000;
	static uint8_t huge[80000];
	assert_int_equal(wire_build(&p, huge, sizeof huge, &n), WIRE_E_PKT_TOO_LONG);
	p = tcp_packet(6);
	p.ip.flowlabel = 0x100000;
	assert_int_equal(wire_build(&p, b, sizeof b, &n), WIRE_E_BAD_FIELD);
	p = tcp_packet(4);
	p.ovr.tcp_doff = true;
	p.tcp.doff = 16;
	assert_int_equal(wire_build(&p, b, sizeof b, &n), WIRE_E_BAD_FIELD);
	p = tcp_packet(4);
	wire_opt_add_mss(&p.tcp.opts, 1);
	p.tcp.opts.opt[0].len = 5;              /* a typed entry cannot lie */
	assert_int_equal(wire_build(&p, b, sizeof b, &n), WIRE_E_BAD_FIELD);
	/* constructors refuse what cannot be encoded */
	struct wire_tcp_opts o = { 0 };
	uint32_t blocks[10] = { 0 };
	assert_int_equal(wire_opt_add_sack(&o, 5, blocks), -1);
	assert_int_equal(wire_opt_add_sack(&o, 0, blocks), -1);
	assert_int_equal(wire_opt_add_tfo(&o, false, b, 17), -1);
	assert_int_equal(wire_opt_add_literal(&o, b, 41), -1);
	assert_int_equal(wire_opt_add_unknown(&o, 1, b, 0), -1);
	assert_int_equal(o.n, 0);
}

static void error_names_and_texts(void **state)
{
	(void)state;
	assert_string_equal(wire_errname(WIRE_E_TCP_DOFF_SHORT), "WIRE_E_TCP_DOFF_SHORT");
	assert_string_equal(wire_strerror(WIRE_E_OPT_LEN_ZERO), "TCP option length 0");
	assert_string_equal(wire_strerror(-1), "unknown wire error");
	assert_string_equal(wire_strerror(WIRE_E__COUNT), "unknown wire error");
	/* every code has its own message */
	for (int i = 0; i < WIRE_E__COUNT; i++)
		for (int j = i + 1; j < WIRE_E__COUNT; j++)
			assert_string_not_equal(wire_strerror(i), wire_strerror(j));
}

/* ---------------------------------------------------------------- checksums */

static void checksum_rfc1071_example(void **state)
{
	(void)state;
	/* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's
	   complement), so the checksum is its complement 220d */
	static const uint8_t words[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	assert_int_equal(wire_csum(words, 8), 0x220d);
	assert_int_equal(wire_csum_bytewise(words, 8), 0x220d);
	/* odd length: the last byte is the high half of a zero-padded word */
	assert_int_equal(wire_csum((const uint8_t *)"\x01", 1), 0xfeff);
	assert_int_equal(wire_csum(words, 0), 0xffff);
}

static void checksum_fast_equals_bytewise(void **state)
{
	(void)state;
	static uint8_t buf[4096 + 16];
	srand(11);
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)rand();
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len < 300; len++)
			assert_int_equal(wire_csum(buf + off, len), wire_csum_bytewise(buf + off, len));
	assert_int_equal(wire_csum(buf + 3, 4096), wire_csum_bytewise(buf + 3, 4096));
	memset(buf, 0xff, sizeof buf);          /* worst case for carries */
	assert_int_equal(wire_csum(buf, 4096), wire_csum_bytewise(buf, 4096));
	assert_int_equal(wire_csum(buf, 4095), wire_csum_bytewise(buf, 4095));
	/* partial sums chain over even-length chunks */
	uint64_t s = wire_csum_add(0, buf, 100);
	s = wire_csum_add(s, buf + 100, 38);
	s = wire_csum_add(s, buf + 138, 7);
	assert_int_equal(wire_csum_fold(s), wire_csum_bytewise(buf, 145));
}

/* ---------------------------------------------------------------- printing */

static void print_script_syntax(void **state)
{
	(void)state;
	char s[512];
	uint8_t b[2048];
	struct wire_packet p = tcp_packet(4), out;
	p.ip.tos = 0;
	p.tcp.seq = 1000;
	p.tcp.ack = 5001;
	p.tcp.flags = WIRE_TH_SYN | WIRE_TH_ACK;
	p.tcp.win = 65535;
	wire_opt_add_mss(&p.tcp.opts, 1460);
	wire_opt_add_sack_perm(&p.tcp.opts);
	wire_opt_add_ts(&p.tcp.opts, 1, 0);
	wire_opt_add_nop(&p.tcp.opts);
	wire_opt_add_wscale(&p.tcp.opts, 7);
	parse_ok(b, build_ok(&p, b, sizeof b), &out);
	struct wire_print_cfg cfg = { 0, 1000, 5000 };
	wire_print(s, sizeof s, &out, &cfg);
	assert_string_equal(s, "S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>");
	wire_print(s, sizeof s, &out, NULL);
	assert_string_equal(s, "S. 1000:1000(0) ack 5001 win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>");

	/* data, relative numbers across the 2^32 wrap, SACK blocks relative to the peer */
	p = tcp_packet(4);
	p.ip.tos = WIRE_ECN_CE;
	p.tcp.seq = 0xfffffffeu + 1;            /* ISN 0xfffffffe, first data byte 1 */
	p.tcp.ack = 100 + 2002;
	p.tcp.payload_len = 1000;
	uint32_t blk[2] = { 100 + 3001, 100 + 4001 };
	wire_opt_add_nop(&p.tcp.opts);
	wire_opt_add_nop(&p.tcp.opts);
	wire_opt_add_sack(&p.tcp.opts, 1, blk);
	parse_ok(b, build_ok(&p, b, sizeof b), &out);
	cfg.seq_base = 0xfffffffeu;
	cfg.ack_base = 100;
	wire_print(s, sizeof s, &out, &cfg);
	assert_string_equal(s, "[ce] P. 1:1001(1000) ack 2002 win 257 <nop,nop,sack 3001:4001>");
	cfg.flags = WIRE_PRINT_IP_FIELDS;
	wire_print(s, sizeof s, &out, &cfg);
	assert_string_equal(s, "[ce] (tos 0x03, ttl 64, id 4660) P. 1:1001(1000) ack 2002 "
			       "win 257 <nop,nop,sack 3001:4001>");
	cfg.flags = WIRE_PRINT_NO_IP | WIRE_PRINT_NO_WIN;
	wire_print(s, sizeof s, &out, &cfg);
	assert_string_equal(s, "P. 1:1001(1000) ack 2002 <nop,nop,sack 3001:4001>");

	/* no flags, urgent, fast open, accurate ECN, unknown kinds, reserved bits */
	p = tcp_packet(4);
	p.ip.tos = 0;
	p.tcp.seq = 10;
	p.tcp.flags = WIRE_TH_URG | WIRE_TH_AE | 0x200;
	p.tcp.urg = 5;
	wire_opt_add_tfo(&p.tcp.opts, false, (const uint8_t *)"\xab\xcd\x12\x34", 4);
	wire_opt_add_tfo(&p.tcp.opts, true, NULL, 0);
	wire_opt_add_accecn(&p.tcp.opts, 1, 3, 1, 2, 3);
	wire_opt_add_unknown(&p.tcp.opts, 77, (const uint8_t *)"\x01\x02", 2);
	parse_ok(b, build_ok(&p, b, sizeof b), &out);
	wire_print(s, sizeof s, &out, NULL);
	assert_string_equal(s, "UA 10:10(0) win 257 urg 5 <FO abcd1234,FOEXP,"
			       "ECN e1b 3 ceb 2 e0b 1,raw 77 4 hex 0102,eol,eol,eol> {res 0x3}");
	p.tcp.flags = 0;
	p.tcp.opts.n = 0;
	parse_ok(b, build_ok(&p, b, sizeof b), &out);
	wire_print(s, sizeof s, &out, NULL);
	assert_string_equal(s, "- 10:10(0) win 257");

	/* snprintf semantics */
	int full = wire_print(NULL, 0, &out, NULL);
	assert_int_equal(full, (int)strlen("- 10:10(0) win 257"));
	char small[6];
	assert_int_equal(wire_print(small, sizeof small, &out, NULL), full);
	assert_string_equal(small, "- 10:");
	wire_print_flags(s, sizeof s, WIRE_TH_FIN | WIRE_TH_ACK);
	assert_string_equal(s, "F.");
}

/* The stack's IPv4 segment an ICMP error is to quote (TOS 0). */
static struct wire_packet quoted_segment(uint32_t seq, size_t len)
{
	struct wire_packet p = tcp_packet(4);
	p.ip.tos = 0;
	p.tcp.seq = seq;
	p.tcp.payload_len = len;
	return p;
}

/* An ICMP error quoting TCP in UDP: parsed with the tunneling port, the quote gives the
 * UDP ports and the TCP header behind the UDP one (ports, sequence number, and from
 * the inner IP length the payload length), and prints as [seq/udp(SRC > DST)]; parsed
 * without it, the UDP header is what was quoted. */
static void icmp_quote_tcp_in_udp(void **state)
{
	(void)state;
	char s[256];
	uint8_t seg[256], b[512];
	struct wire_packet p = quoted_segment(5001, 10), out;
	p.udp_encap = true;
	p.udp.sport = 9811;
	p.udp.dport = 4000;
	size_t n = build_ok(&p, seg, sizeof seg);
	struct wire_addr peer;
	wire_addr_parse("198.51.100.1", &peer);
	size_t m;
	/* the IP header, the UDP header and the TCP header's first 8 octets */
	assert_int_equal(wire_build_icmp_error(&peer, &p.ip.src, WIRE_ICMP_UNREACH,
					       WIRE_ICMP_UNREACH_PORT, 0, seg, n, 20 + 8 + 8,
					       b, sizeof b, &m), WIRE_OK);
	struct wire_parse_cfg cfg = { .udp_encap_port = 9811 };
	assert_int_equal(wire_parse_cfg(b, m, &cfg, &out), WIRE_OK);
	const struct wire_quote *q = &out.icmp.quote;
	assert_true(q->udp_encap);
	assert_int_equal(q->udp_sport, 9811);
	assert_int_equal(q->udp_dport, 4000);
	assert_int_equal(q->sport, 40000);
	assert_int_equal(q->seq, 5001);
	assert_int_equal(q->tcp_avail, 8);
	/* the whole segment quoted: the payload length from the inner IP length */
	assert_int_equal(wire_build_icmp_error(&peer, &p.ip.src, WIRE_ICMP_UNREACH,
					       WIRE_ICMP_UNREACH_PORT, 0, seg, n, n,
					       b, sizeof b, &m), WIRE_OK);
	assert_int_equal(wire_parse_cfg(b, m, &cfg, &out), WIRE_OK);
	assert_int_equal(out.icmp.quote.payload_len, 10);
	struct wire_print_cfg pc = { 0, 0, 5000 };
	wire_print(s, sizeof s, &out, &pc);
	assert_string_equal(s, "icmp unreachable port_unreachable [1:11(10)/udp(9811 > 4000)]");
	/* without the tunneling port: a UDP quote, its ports the UDP ones */
	parse_ok(b, m, &out);
	assert_false(out.icmp.quote.udp_encap);
	assert_int_equal(out.icmp.quote.sport, 9811);
}

static void print_udp_icmp(void **state)
{
	(void)state;
	char s[256];
	uint8_t seg[256], b[512];
	/* the stack's segment, then an ICMP "fragmentation needed" quoting it */
	struct wire_packet p = quoted_segment(5000 + 1, 100), out;
	size_t n = build_ok(&p, seg, sizeof seg);
	struct wire_addr router;
	wire_addr_parse("198.51.100.1", &router);
	size_t m;
	assert_int_equal(wire_build_icmp_error(&router, &p.ip.src, WIRE_ICMP_UNREACH,
					       WIRE_ICMP_UNREACH_NEEDFRAG, 1200, seg, n, 48,
					       b, sizeof b, &m), WIRE_OK);
	assert_int_equal(m, 20 + 8 + 48);
	parse_ok(b, m, &out);
	assert_true(out.icmp.csum_ok);
	assert_int_equal(out.icmp.mtu, 1200);
	assert_int_equal(out.icmp.quote.status, WIRE_OK);
	assert_int_equal(out.icmp.quote.sport, 40000);
	assert_int_equal(out.icmp.quote.seq, 5001);
	assert_int_equal(out.icmp.quote.payload_len, 100);
	struct wire_print_cfg cfg = { 0, 0, 5000 };
	wire_print(s, sizeof s, &out, &cfg);
	assert_string_equal(s, "icmp unreachable frag_needed mtu 1200 [1:101(100)]");

	/* RFC 792 default quote: IP header + 8 bytes; the length is then unknown */
	assert_int_equal(wire_build_icmp_error(&router, &p.ip.src, WIRE_ICMP_UNREACH,
					       WIRE_ICMP_UNREACH_PORT, 0, seg, n, 0,
					       b, sizeof b, &m), WIRE_OK);
	assert_int_equal(m, 20 + 8 + 28);
	parse_ok(b, m, &out);
	assert_int_equal(out.icmp.quote.seq, 5001);
	assert_int_equal(out.icmp.quote.payload_len, -1);
	wire_print(s, sizeof s, &out, &cfg);
	assert_string_equal(s, "icmp unreachable port_unreachable [...]");

	/* ICMPv6 packet too big, checksum with the v6 pseudo-header */
	struct wire_packet p6 = tcp_packet(6);
	p6.ip.tos = 0;
	p6.tcp.seq = 1;
	p6.tcp.payload_len = 1400;
	static uint8_t seg6[1600], b6[1600];
	n = build_ok(&p6, seg6, sizeof seg6);
	struct wire_addr r6;
	wire_addr_parse("2001:db8::ff", &r6);
	assert_int_equal(wire_build_icmp_error(&r6, &p6.ip.src, WIRE_ICMP6_PKT_TOO_BIG, 0,
					       1280, seg6, n, 0, b6, sizeof b6, &m), WIRE_OK);
	assert_int_equal(m, 1280);
	parse_ok(b6, m, &out);
	assert_int_equal(out.l4, WIRE_L4_ICMP6);
	assert_true(out.icmp.csum_ok);
	cfg.ack_base = 0;
	wire_print(s, sizeof s, &out, &cfg);
	assert_string_equal(s, "icmp packet_too_big mtu 1280 [1:1401(1400)]");

	/* UDP */
	p = tcp_packet(4);
	p.ip.tos = 0;
	p.l4 = WIRE_L4_UDP;
	p.udp.payload_len = 100;
	parse_ok(b, build_ok(&p, b, sizeof b), &out);
	wire_print(s, sizeof s, &out, NULL);
	assert_string_equal(s, "udp (100)");
}

/* ---------------------------------------------------------------- known answers */

struct pcap_walk {
	pcap_t *pc;
	int dlt;
};

static const uint8_t *ip_of(int dlt, const uint8_t *d, uint32_t caplen, size_t *len)
{
	size_t skip = 0;
	if (dlt == DLT_EN10MB)
		skip = 14;
	else if (dlt == DLT_LINUX_SLL)
		skip = 16;
	else if (dlt == DLT_LINUX_SLL2)
		skip = 20;
	if (caplen < skip)
		return NULL;
	*len = caplen - skip;
	return d + skip;
}

/* A connection a Linux kernel made (tests/data/wire/README says how): every checksum it
 * computed verifies here, the handshake carries the options Linux sends, and parse ->
 * build gives back every packet byte for byte. */
static void known_answer_linux_capture(const char *name, int version)
{
	char path[512], err[PCAP_ERRBUF_SIZE];
	snprintf(path, sizeof path, "%s/%s", TEST_DATA, name);
	pcap_t *pc = pcap_open_offline(path, err);
	if (!pc)
		fail_msg("%s: %s", path, err);
	int dlt = pcap_datalink(pc);
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned tcp = 0, synack = 0, data_bytes = 0, icmp = 0, hbh = 0;
	while (pcap_next_ex(pc, &h, &d) == 1) {
		size_t len;
		const uint8_t *ip = ip_of(dlt, d, h->caplen, &len);
		struct wire_packet p;
		assert_non_null(ip);
		parse_ok(ip, len, &p);
		if (p.ip.version == 4)
			assert_true(p.ip.csum_ok);
		if (p.ip.n_ext && p.ip.ext[0].type == WIRE_IPPROTO_HOPOPTS)
			hbh++;                  /* MLD reports carry a hop-by-hop header */
		if (p.l4 == WIRE_L4_UDP)
			assert_true(p.udp.csum_ok);
		if (p.l4 == WIRE_L4_ICMP || p.l4 == WIRE_L4_ICMP6) {
			assert_true(p.icmp.csum_ok);
			if (p.icmp.is_error) {
				/* port unreachable, quoting our datagram to port 9 */
				icmp++;
				assert_int_equal(p.icmp.quote.status, WIRE_OK);
				assert_int_equal(p.icmp.quote.ip.proto, WIRE_IPPROTO_UDP);
				assert_int_equal(p.icmp.quote.dport, 9);
			}
		}
		if (p.l4 != WIRE_L4_TCP) {
			uint8_t again[2048];
			size_t m = build_ok(&p, again, sizeof again);
			assert_int_equal(m, len);
			assert_memory_equal(again, ip, len);
			continue;
		}
		assert_int_equal(p.ip.version, version);
		tcp++;
		if (!p.tcp.csum_ok)
			fail_msg("%s: packet %u: TCP checksum did not verify", name, tcp);
		data_bytes += (unsigned)p.tcp.payload_len;
		if ((p.tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == (WIRE_TH_SYN | WIRE_TH_ACK)) {
			synack++;
			/* Linux: mss, sackOK, TS, nop, wscale */
			assert_int_equal(p.tcp.opts.n, 5);
			assert_int_equal(p.tcp.opts.opt[0].kind, WIRE_TCPOPT_MSS);
			assert_int_equal(p.tcp.opts.opt[1].kind, WIRE_TCPOPT_SACK_PERM);
			assert_int_equal(p.tcp.opts.opt[2].kind, WIRE_TCPOPT_TIMESTAMP);
			assert_int_equal(p.tcp.opts.opt[3].kind, WIRE_TCPOPT_NOP);
			assert_int_equal(p.tcp.opts.opt[4].kind, WIRE_TCPOPT_WSCALE);
		}
		uint8_t again[2048];
		size_t m = build_ok(&p, again, sizeof again);
		assert_int_equal(m, len);
		assert_memory_equal(again, ip, len);
	}
	pcap_close(pc);
	assert_int_equal(icmp, 1);
	if (version == 4)
		assert_true(hbh >= 1);
	assert_true(tcp >= 7);
	assert_int_equal(synack, 1);
	assert_true(data_bytes > 0);
}

static void known_answer_capture_v4(void **state)
{
	(void)state;
	known_answer_linux_capture("linux-v4-eth.pcap", 4);
}

static void known_answer_capture_v6(void **state)
{
	(void)state;
	known_answer_linux_capture("linux-v6-eth.pcap", 6);
}

static bool have_tcpdump(void)
{
	return system("tcpdump --version >/dev/null 2>&1") == 0;
}

/* Packets built here, written to a pcap, judged by tcpdump -vv. */
static void known_answer_tcpdump_checksums(void **state)
{
	(void)state;
	if (!have_tcpdump()) {
		print_message("tcpdump not installed: cannot cross-check checksums\n");
		skip();
	}
	char path[] = "/tmp/test_wire_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *dump = pcap_dump_open(dead, path);
	assert_non_null(dump);

	static uint8_t b[1600], seg[1600];
	size_t n, good = 0, bad = 0;
	struct pcap_pkthdr h = { { 1, 0 }, 0, 0 };
	for (int v = 4; v <= 6; v += 2) {
		for (int which = 0; which <= 7; which++) {
			struct wire_packet p = tcp_packet(v);
			add_every_option(&p.tcp.opts, which);
			p.tcp.payload_len = (size_t)which * 111 + 1;   /* odd lengths too */
			n = build_ok(&p, b, sizeof b);
			h.caplen = h.len = (uint32_t)n;
			pcap_dump((u_char *)dump, &h, b);
			good++;
		}
		struct wire_packet u = tcp_packet(v);
		u.l4 = WIRE_L4_UDP;
		u.udp.sport = 7;
		u.udp.dport = 9;
		u.udp.payload_len = 33;
		n = build_ok(&u, b, sizeof b);
		h.caplen = h.len = (uint32_t)n;
		pcap_dump((u_char *)dump, &h, b);
		good++;
		/* deliberately wrong TCP checksums must be seen as wrong */
		struct wire_packet w = tcp_packet(v);
		w.ovr.l4_csum = WIRE_CSUM_BAD;
		w.tcp.payload_len = 10;
		n = build_ok(&w, b, sizeof b);
		h.caplen = h.len = (uint32_t)n;
		pcap_dump((u_char *)dump, &h, b);
		bad++;
		/* an ICMP error quoting a segment */
		struct wire_packet s = tcp_packet(v);
		s.tcp.payload_len = 200;
		size_t sn = build_ok(&s, seg, sizeof seg);
		assert_int_equal(wire_build_icmp_error(&s.ip.dst, &s.ip.src,
					v == 4 ? WIRE_ICMP_UNREACH : WIRE_ICMP6_PKT_TOO_BIG,
					v == 4 ? WIRE_ICMP_UNREACH_NEEDFRAG : 0, 1000,
					seg, sn, 0, b, sizeof b, &n), WIRE_OK);
		h.caplen = h.len = (uint32_t)n;
		pcap_dump((u_char *)dump, &h, b);
	}
	pcap_dump_close(dump);
	pcap_close(dead);

	char cmd[256], line[4096];
	snprintf(cmd, sizeof cmd, "tcpdump -vv -n -r %s 2>&1", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t tcp_ok = 0, tcp_bad = 0, udp_ok = 0, ip_bad = 0, lines = 0, icmp6_ok = 0;
	while (fgets(line, sizeof line, f)) {
		lines++;
		if (strstr(line, "cksum") && strstr(line, "(correct)"))
			tcp_ok++;
		if (strstr(line, "(incorrect"))
			tcp_bad++;
		if (strstr(line, "udp sum ok"))
			udp_ok++;
		if (strstr(line, "bad cksum"))
			ip_bad++;
		if (strstr(line, "icmp6 sum ok"))
			icmp6_ok++;
	}
	int rc = pclose(f);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_true(lines > 0);
	assert_int_equal(tcp_ok, good - 2);    /* the TCP ones */
	assert_int_equal(tcp_bad, bad);
	assert_int_equal(udp_ok, 2);
	assert_int_equal(ip_bad, 0);
	assert_int_equal(icmp6_ok, 1);
}

/* MD5 against RFC 1321 A.5's test suite, and an RFC 2385 digest against one computed
 * independently (pseudo-header, fixed header with zero checksum, data, key). */
static void md5_known_answers(void **state)
{
	(void)state;
	static const char *const in[] = {
		"", "a", "abc", "message digest", "abcdefghijklmnopqrstuvwxyz",
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
	};
	static const char *const out[] = {
		"d41d8cd98f00b204e9800998ecf8427e", "0cc175b9c0f1b6a831c399e269772661",
		"900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0",
		"c3fcd3d76192e4007dfb496cca67e13b", "57edf4a22be3c955ac49da2e2107b67a",
	};
	for (size_t i = 0; i < 6; i++) {
		struct wire_md5 m;
		uint8_t d[16];
		char hex[33];
		wire_md5_init(&m);
		/* fed in two pieces: the block boundary logic is exercised too */
		size_t half = strlen(in[i]) / 2;
		wire_md5_update(&m, in[i], half);
		wire_md5_update(&m, in[i] + half, strlen(in[i]) - half);
		wire_md5_final(&m, d);
		for (int k = 0; k < 16; k++)
			snprintf(hex + 2 * k, 3, "%02x", d[k]);
		assert_string_equal(hex, out[i]);
	}
	uint8_t pkt[65] = {
		0x45, 0, 0, 65, 0, 0, 0, 0, 64, 6, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
		0x9c, 0x40, 0x1f, 0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0xa0, 0x02, 0xff, 0xff,
		0x12, 0x34, 0, 0, 1, 1, 19, 18,
	};
	memcpy(pkt + 60, "hello", 5);
	assert_int_equal(wire_tcp_md5_find(pkt, sizeof pkt), 44);
	uint8_t d[16];
	static const uint8_t want[16] = { 0x5f, 0xa9, 0xf1, 0xe3, 0x75, 0xce, 0x04, 0xdd,
					  0xd6, 0xec, 0x0c, 0x15, 0xe4, 0xbf, 0x9a, 0x90 };
	assert_int_equal(wire_tcp_md5_digest(pkt, sizeof pkt, "s3cret", 6, d), 0);
	assert_memory_equal(d, want, 16);
	pkt[36] ^= 0xff;	/* the checksum is not covered */
	assert_int_equal(wire_tcp_md5_digest(pkt, sizeof pkt, "s3cret", 6, d), 0);
	assert_memory_equal(d, want, 16);
	pkt[64] ^= 1;		/* the data is */
	assert_int_equal(wire_tcp_md5_digest(pkt, sizeof pkt, "s3cret", 6, d), 0);
	assert_memory_not_equal(d, want, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_options_v4),
		cmocka_unit_test(round_trip_options_v6),
		cmocka_unit_test(round_trip_header_fields),
		cmocka_unit_test(round_trip_udp_and_encap),
		cmocka_unit_test(round_trip_faulty_areas),
		cmocka_unit_test(build_malformed_hooks),
		cmocka_unit_test(malformed_ip),
		cmocka_unit_test(malformed_ip6),
		cmocka_unit_test(malformed_tcp),
		cmocka_unit_test(malformed_options),
		cmocka_unit_test(malformed_udp_icmp),
		cmocka_unit_test(build_errors),
		cmocka_unit_test(error_names_and_texts),
		cmocka_unit_test(checksum_rfc1071_example),
		cmocka_unit_test(checksum_fast_equals_bytewise),
		cmocka_unit_test(print_script_syntax),
		cmocka_unit_test(print_udp_icmp),
		cmocka_unit_test(icmp_quote_tcp_in_udp),
		cmocka_unit_test(known_answer_capture_v4),
		cmocka_unit_test(known_answer_capture_v6),
		cmocka_unit_test(known_answer_tcpdump_checksums),
		cmocka_unit_test(md5_known_answers),
	};
	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
