/* Option structures written as struct literals: the timeval of SO_RCVTIMEO/SO_SNDTIMEO
 * and Linux's struct tcp_info, placed by the system headers' layout (bit-fields
 * included), and the engine comparing getsockopt(TCP_INFO) field by field on the
 * reference target. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include <linux/tcp.h>
#include <cmocka.h>

#include "engine/engine_int.h"
#include "target-adapters/target.h"

static void set(struct engine_ostruct *s, enum engine_ostruct_kind k, const char *name,
		int64_t v)
{
	s->kind = k;
	s->size = engine_ostruct_size(k);
	assert_true(engine_ostruct_field(k, name, &s->f[s->n]));
	s->f[s->n++].value = v;
}

static void field_names_pick_the_structure(void **state)
{
	(void)state;
	assert_int_equal(engine_ostruct_kind_of("tcpi_state"), ENGINE_OSTRUCT_TCP_INFO);
	assert_int_equal(engine_ostruct_kind_of("tcpi_snd_wnd"), ENGINE_OSTRUCT_TCP_INFO);
	assert_int_equal(engine_ostruct_kind_of("tv_usec"), ENGINE_OSTRUCT_TIMEVAL);
	assert_int_equal(engine_ostruct_kind_of("tcpi_bogus"), ENGINE_OSTRUCT_NONE);
	assert_int_equal(engine_ostruct_kind_of("onoff"), ENGINE_OSTRUCT_NONE);
	assert_int_equal(engine_ostruct_size(ENGINE_OSTRUCT_TIMEVAL), 16);
	assert_int_equal(engine_ostruct_size(ENGINE_OSTRUCT_TCP_INFO), sizeof(struct tcp_info));
	struct engine_ostruct_field f;
	assert_false(engine_ostruct_field(ENGINE_OSTRUCT_TIMEVAL, "tcpi_state", &f));
	assert_string_equal(engine_ostruct_type(ENGINE_OSTRUCT_TCP_INFO), "tcp_info");
	/* the symbols scripts use for the values */
	int64_t v;
	assert_true(engine_symbol("TCP_CA_Open", &v) && v == 0);
	assert_true(engine_symbol("TCP_CA_Loss", &v) && v == 4);
	assert_true(engine_symbol("TCP_CLOSE_WAIT", &v) && v == 8);
	assert_true(engine_symbol("TCPI_OPT_SACK", &v) && v == 2);
	assert_true(engine_symbol("TCPI_OPT_WSCALE", &v) && v == 4);
}

/* {tv_sec=1, tv_usec=500000} is the 16-byte struct timeval; fields left out are zero;
 * a negative tv_sec reads back negative. */
static void timeval_encodes_as_struct_timeval(void **state)
{
	(void)state;
	struct engine_ostruct s = {0};
	set(&s, ENGINE_OSTRUCT_TIMEVAL, "tv_usec", 500000);
	set(&s, ENGINE_OSTRUCT_TIMEVAL, "tv_sec", 1);
	uint8_t buf[TARGET_MAX_OPTBYTES];
	memset(buf, 0xee, sizeof buf);
	engine_ostruct_encode(&s, buf);
	struct timeval tv = { .tv_sec = 1, .tv_usec = 500000 };
	assert_memory_equal(buf, &tv, sizeof tv);
	assert_int_equal(buf[16], 0xee);          /* nothing past the struct */

	struct engine_ostruct z = {0};
	set(&z, ENGINE_OSTRUCT_TIMEVAL, "tv_usec", 7);
	engine_ostruct_encode(&z, buf);
	tv.tv_sec = 0;
	tv.tv_usec = 7;
	assert_memory_equal(buf, &tv, sizeof tv);

	tv.tv_sec = -1;
	int64_t got;
	assert_true(engine_ostruct_read(&s, &s.f[1], (const uint8_t *)&tv, sizeof tv, &got));
	assert_int_equal(got, -1);
}

/* Every field reads back what a struct tcp_info holds, the 4-bit wscales and the other
 * bit-fields too; a buffer that stops before a field says so. */
static void tcp_info_fields_read_from_the_kernel_layout(void **state)
{
	(void)state;
	struct tcp_info ti;
	memset(&ti, 0, sizeof ti);
	ti.tcpi_state = 1;
	ti.tcpi_ca_state = 3;
	ti.tcpi_options = 6;
	ti.tcpi_snd_wscale = 7;
	ti.tcpi_rcv_wscale = 10;
	ti.tcpi_delivery_rate_app_limited = 1;
	ti.tcpi_fastopen_client_fail = 2;
	ti.tcpi_snd_mss = 1000;
	ti.tcpi_rto = 201000;
	ti.tcpi_bytes_acked = 0x100000001ULL;
	ti.tcpi_snd_wnd = 32896;
	struct engine_ostruct s = {0};
	static const struct { const char *name; int64_t v; } want[] = {
		{ "tcpi_state", 1 }, { "tcpi_ca_state", 3 }, { "tcpi_options", 6 },
		{ "tcpi_snd_wscale", 7 }, { "tcpi_rcv_wscale", 10 },
		{ "tcpi_delivery_rate_app_limited", 1 }, { "tcpi_fastopen_client_fail", 2 },
		{ "tcpi_snd_mss", 1000 }, { "tcpi_rto", 201000 },
		{ "tcpi_bytes_acked", 0x100000001LL }, { "tcpi_snd_wnd", 32896 },
		{ "tcpi_rcv_mss", 0 },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		set(&s, ENGINE_OSTRUCT_TCP_INFO, want[i].name, want[i].v);
	for (int i = 0; i < s.n; i++) {
		int64_t got;
		assert_true(engine_ostruct_read(&s, &s.f[i], (const uint8_t *)&ti, sizeof ti, &got));
		if (got != s.f[i].value)
			fail_msg("%s: %lld, want %lld", s.f[i].name, (long long)got,
				 (long long)s.f[i].value);
	}
	/* and encoding the same fields gives back the same struct */
	uint8_t buf[TARGET_MAX_OPTBYTES];
	engine_ostruct_encode(&s, buf);
	assert_memory_equal(buf, &ti, sizeof ti);
	/* 8 bytes: the u8 fields and bit-fields are there, tcpi_snd_mss is not */
	int64_t got;
	assert_true(engine_ostruct_read(&s, &s.f[4], (const uint8_t *)&ti, 8, &got));
	assert_int_equal(got, 10);
	assert_false(engine_ostruct_read(&s, &s.f[7], (const uint8_t *)&ti, 8, &got));
	char b[64];
	assert_string_equal(engine_ostruct_fmt(b, sizeof b, &s.f[0], 10), "10 (TCP_LISTEN)");
	assert_string_equal(engine_ostruct_fmt(b, sizeof b, &s.f[1], 4), "4 (TCP_CA_Loss)");
	assert_string_equal(engine_ostruct_fmt(b, sizeof b, &s.f[7], 4), "4");
}

/* ---- the engine, on the reference target --------------------------------------- */

static void run_ref(const char *text, struct engine_result *r)
{
	memset(r, 0, sizeof *r);
	struct target_diag d = {0};
	const struct target_ops *ops = target_lookup("reference", &d);
	assert_non_null(ops);
	char path[] = "/tmp/test_engine_optstruct_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct engine_run_cfg cfg = { .path = path, .target = ops };
	engine_run_script(&cfg, r);
	unlink(path);
}

#define OPEN \
	"0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" \
	"+0  bind(3, ..., ...) = 0\n" \
	"+0  listen(3, 1) = 0\n" \
	"+0  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n" \
	"+0  > S. 0:0(0) ack 1 <...>\n" \
	"+.1 < . 1:1(0) ack 1 win 257\n" \
	"+0  accept(3, ..., ...) = 4\n"

static void getsockopt_tcp_info_is_compared_field_by_field(void **state)
{
	(void)state;
	struct engine_result r;
	run_ref(OPEN
		"+0  getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=TCP_ESTABLISHED, "
		"tcpi_ca_state=TCP_CA_Open, tcpi_snd_wscale=7, tcpi_snd_mss=1000, "
		"tcpi_options=TCPI_OPT_SACK|TCPI_OPT_WSCALE, tcpi_rtt=..., ...}, [...]) = 0\n"
		"+0  getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=1}, [8]) = 0\n", &r);
	if (r.verdict != ENGINE_PASS)
		fail_msg("%s", r.message);
	/* each differing field named, with the state names */
	run_ref(OPEN
		"+0  getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=TCP_SYN_RECV, tcpi_snd_wscale=7, "
		"tcpi_rcv_mss=..., tcpi_snd_mss=999, ...}, [...]) = 0\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, ":8: error handling syscall: getsockopt: optval: "
			       "tcpi_state: expected 3 (TCP_SYN_RECV) but got 1 (TCP_ESTABLISHED); "
			       "tcpi_snd_mss: expected 999 but got 1000"));
	/* a field beyond the bytes asked for */
	run_ref(OPEN
		"+0  getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_rto=1000000, ...}, [8]) = 0\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, "optval: tcpi_rto: expected 1000000 but the target "
			       "returned only 8 bytes of struct tcp_info"));
	/* the optlen is still checked: the reference target returns the whole struct of
	 * these headers and no more */
	run_ref(OPEN
		"+0  getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=TCP_ESTABLISHED, ...}, [250]) = 0\n",
		&r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	char want[128];
	snprintf(want, sizeof want, "getsockopt: optlen: expected 250 but got %zu",
		 sizeof(struct tcp_info));
	assert_non_null(strstr(r.message, want));
}

static void timeval_options_are_set_and_read_back(void **state)
{
	(void)state;
	struct engine_result r;
	run_ref(OPEN
		"+0  setsockopt(4, SOL_SOCKET, SO_RCVTIMEO, {tv_sec=0, tv_usec=300000}, 16) = 0\n"
		"+0  getsockopt(4, SOL_SOCKET, SO_RCVTIMEO, {tv_sec=0, tv_usec=300000}, [16]) = 0\n"
		"+0...0.3 read(4, ..., 10) = -1 EAGAIN (Resource temporarily unavailable)\n"
		"+.3 setsockopt(4, SOL_SOCKET, SO_SNDTIMEO, {tv_usec=5000, tv_sec=3}, 16) = 0\n"
		"+0  getsockopt(4, SOL_SOCKET, SO_SNDTIMEO, {tv_sec=3, ...}, [16]) = 0\n", &r);
	if (r.verdict != ENGINE_PASS)
		fail_msg("%s", r.message);
	run_ref(OPEN
		"+0  setsockopt(4, SOL_SOCKET, SO_SNDTIMEO, {tv_sec=3, tv_usec=5000}, 16) = 0\n"
		"+0  getsockopt(4, SOL_SOCKET, SO_SNDTIMEO, {tv_sec=3, tv_usec=0}, [16]) = 0\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, ":9: error handling syscall: getsockopt: optval: "
			       "tv_usec: expected 0 but got 5000"));
	/* {0, 0} is no timeout: the read waits for data a second later */
	run_ref(OPEN
		"+0  setsockopt(4, SOL_SOCKET, SO_RCVTIMEO, {tv_sec=0, tv_usec=200000}, 16) = 0\n"
		"+0  setsockopt(4, SOL_SOCKET, SO_RCVTIMEO, {tv_sec=0, tv_usec=0}, 16) = 0\n"
		"+0...1 read(4, ..., 10) = 5\n"
		"+1  < P. 1:6(5) ack 1 win 257\n", &r);
	if (r.verdict != ENGINE_PASS)
		fail_msg("%s", r.message);
}

/* What the engine cannot read is unsupported (skipped), never passed or failed. */
static void unknown_structures_are_unsupported(void **state)
{
	(void)state;
	static const struct { const char *call, *why; } cases[] = {
		{ "getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_bogus=1, ...}, [...]) = 0",
		  "unknown field tcpi_bogus" },
		{ "getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=1, tv_sec=0}, [...]) = 0",
		  "field tv_sec is not in struct tcp_info" },
		{ "getsockopt(4, SOL_TCP, TCP_INFO, {1, 2}, [...]) = 0",
		  "only named fields" },
		{ "getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=1, tcpi_state=1}, [...]) = 0",
		  "field tcpi_state given twice" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[1024];
		snprintf(text, sizeof text, OPEN "+0  %s\n", cases[i].call);
		struct engine_result r;
		run_ref(text, &r);
		assert_int_equal(r.verdict, ENGINE_SKIP);
		if (!strstr(r.message, cases[i].why))
			fail_msg("%s: %s", cases[i].call, r.message);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_names_pick_the_structure),
		cmocka_unit_test(timeval_encodes_as_struct_timeval),
		cmocka_unit_test(tcp_info_fields_read_from_the_kernel_layout),
		cmocka_unit_test(getsockopt_tcp_info_is_compared_field_by_field),
		cmocka_unit_test(timeval_options_are_set_and_read_back),
		cmocka_unit_test(unknown_structures_are_unsupported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
