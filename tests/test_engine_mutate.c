/* engine/mutate.c: mutation steps on built bytes, from named fixtures (a SYN built by
 * wire/, steps parsed from script text).  Each test asserts the bytes the dialect page
 * promises: length fields following ins/trun, checksums recomputed unless written, and
 * the refusals (an IP version the run does not use, steps past the packet's end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dsl/dsl.h"
#include "engine/engine_int.h"
#include "wire/wire.h"

/* A SYN (192.0.2.1:40000 > 192.0.2.2:8080 or the IPv6 pair) with `payload` data bytes
 * and an MSS option, built into buf. */
static size_t syn(uint8_t *buf, size_t cap, int ipver, size_t payload)
{
	struct wire_packet w;
	wire_packet_init(&w, ipver);
	w.l4 = WIRE_L4_TCP;
	assert_int_equal(wire_addr_parse(ipver == 4 ? "192.0.2.1" : "2001:db8::1", &w.ip.src), 0);
	assert_int_equal(wire_addr_parse(ipver == 4 ? "192.0.2.2" : "2001:db8::2", &w.ip.dst), 0);
	w.tcp.sport = 40000;
	w.tcp.dport = 8080;
	w.tcp.flags = WIRE_TH_SYN;
	w.tcp.win = 1000;
	w.tcp.payload_len = payload;
	assert_int_equal(wire_opt_add_mss(&w.tcp.opts, 1000), 0);
	size_t len;
	assert_int_equal(wire_build(&w, buf, cap, &len), WIRE_OK);
	return len;
}

/* The {...} group of "0 < S 0:0(0) win 1 GROUP", parsed. */
static struct dsl_file *group(const char *g)
{
	char src[512];
	snprintf(src, sizeof src, "0 < S 0:0(0) win 1 %s\n", g);
	struct dsl_file *f = NULL;
	struct dsl_diags d = { 0 };
	assert_int_equal(dsl_parse_buffer("m.pkt", src, strlen(src), &f, &d), DSL_OK);
	dsl_diags_free(&d);
	return f;
}

static const struct dsl_malformed *bad(struct dsl_file *f)
{
	return &f->events[0].packet.bad;
}

static bool tcp_csum_ok(const uint8_t *b, size_t len)
{
	struct wire_packet w;
	return wire_parse(b, len, &w) == WIRE_OK && w.tcp.csum_ok;
}

static void ins_tcp_grows_data_offset_and_lengths(void **state)
{
	(void)state;
	uint8_t b[256];
	size_t len = syn(b, sizeof b, 4, 0);
	assert_int_equal(len, 44);
	struct dsl_file *f = group("{ins tcp 24 0x010101}");
	char err[160];
	assert_int_equal(engine_mutate(b, &len, sizeof b, bad(f), err, sizeof err), 0);
	assert_int_equal(len, 47);
	assert_int_equal(b[2] << 8 | b[3], 47);            /* total length + 3 */
	assert_int_equal(b[20 + 12] >> 4, 7);               /* 6 words + ceil(3/4) */
	assert_memory_equal(b + 44, "\x01\x01\x01", 3);
	assert_int_equal(wire_csum(b, 20), 0);              /* IP header checksum right */
	dsl_free(f);
}

static void trun_ipv4_moves_the_transport_header(void **state)
{
	(void)state;
	uint8_t b[256];
	size_t len = syn(b, sizeof b, 4, 0);
	struct dsl_file *f = group("{ins ipv4 20 0x01010101; rep tcp win_size 7; trun ipv4 20 4}");
	char err[160];
	assert_int_equal(engine_mutate(b, &len, sizeof b, bad(f), err, sizeof err), 0);
	assert_int_equal(len, 44);
	assert_int_equal(b[0], 0x45);                       /* IHL up to 6 and back to 5 */
	assert_int_equal(b[20 + 14] << 8 | b[20 + 15], 7);  /* rep found the moved header */
	assert_true(tcp_csum_ok(b, len));
	dsl_free(f);
}

static void written_checksum_stays(void **state)
{
	(void)state;
	uint8_t b[256];
	size_t len = syn(b, sizeof b, 6, 5);
	struct dsl_file *f = group("{rep tcp checksum 0x1234; trun tcp 24 3}");
	char err[160];
	assert_int_equal(engine_mutate(b, &len, sizeof b, bad(f), err, sizeof err), 0);
	assert_int_equal(b[40 + 16] << 8 | b[40 + 17], 0x1234);
	assert_int_equal(b[4] << 8 | b[5], 24 + 5 - 3);     /* IPv6 payload length - 3 */
	assert_int_equal(b[40 + 12] >> 4, 5);               /* 6 words - ceil(3/4) */
	dsl_free(f);
	len = syn(b, sizeof b, 6, 5);
	f = group("{csum bad, rep ipv6 hop_limit 3}");
	assert_int_equal(engine_mutate(b, &len, sizeof b, bad(f), err, sizeof err), 0);
	assert_int_equal(b[7], 3);
	assert_false(tcp_csum_ok(b, len));                  /* {csum bad} after the steps */
	dsl_free(f);
}

static void refusals(void **state)
{
	(void)state;
	uint8_t b[256];
	char err[160];
	size_t len = syn(b, sizeof b, 4, 0);
	struct dsl_file *f = group("{rep ipv6 hop_limit 3}");
	assert_int_equal(engine_mutate(b, &len, sizeof b, bad(f), err, sizeof err), 1);
	assert_non_null(strstr(err, "ipv6 header, and this run sends IPv4"));
	dsl_free(f);
	f = group("{trun tcp 20 30}");
	assert_int_equal(engine_mutate(b, &len, sizeof b, bad(f), err, sizeof err), -1);
	assert_string_equal(err, "trun tcp 20: only 4 bytes from there");
	dsl_free(f);
	f = group("{trun tcp 10; rep tcp urg_pointer 1}");
	len = syn(b, sizeof b, 4, 0);
	assert_int_equal(engine_mutate(b, &len, sizeof b, bad(f), err, sizeof err), -1);
	assert_string_equal(err, "rep tcp urg_pointer: the field lies beyond the packet's end "
			    "(30 bytes by then)");
	dsl_free(f);
	len = syn(b, 50, 4, 0);
	f = group("{ins tcp 0 0x0102030405060708}");
	assert_int_equal(engine_mutate(b, &len, 50, bad(f), err, sizeof err), -1);
	assert_non_null(strstr(err, "the packet would be too long"));
	dsl_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ins_tcp_grows_data_offset_and_lengths),
		cmocka_unit_test(trun_ipv4_moves_the_transport_header),
		cmocka_unit_test(written_checksum_stays),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
