/* The pure parts of the HTML site and of sharding: share assignment (stable, by the path
 * below the root, an even-enough split), the progress line, the fields a failure
 * message names, escaping (markup, quotes, control bytes, invalid UTF-8), requirement
 * titles and levels, and a ladder's SVG for a small exchange. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/ladder.h"
#include "engine/reqtitle.h"
#include "engine/shard.h"

static void shard_by_path_below_root(void **state)
{
	(void)state;
	unsigned k, n;
	assert_int_equal(engine_shard_parse("2/3", &k, &n), 0);
	assert_int_equal(k, 2);
	assert_int_equal(n, 3);
	assert_int_equal(engine_shard_parse("0/3", &k, &n), -1);
	assert_int_equal(engine_shard_parse("4/3", &k, &n), -1);
	assert_int_equal(engine_shard_parse("1/", &k, &n), -1);
	assert_int_equal(engine_shard_parse("1/3x", &k, &n), -1);
	/* the same script under differently written or placed roots */
	unsigned a = engine_shard_of("corpora/conformance", "corpora/conformance/x/y.pkt", 7);
	assert_int_equal(engine_shard_of("corpora/conformance/", "corpora/conformance/x/y.pkt", 7), a);
	assert_int_equal(engine_shard_of("/tmp/elsewhere", "/tmp/elsewhere/x/y.pkt", 7), a);
	assert_int_equal(engine_shard_of(".", "./x/y.pkt", 7), a);
	/* a file given by itself counts by its name */
	assert_int_equal(engine_shard_of("a/b/y.pkt", "a/b/y.pkt", 7), engine_shard_of("z", "y.pkt", 7));
	/* 3000 names spread over 3 shares, none far from a third */
	unsigned count[3] = { 0 };
	char p[64];
	for (int i = 0; i < 3000; i++) {
		snprintf(p, sizeof p, "d/s%d/script-%d.pkt", i % 17, i);
		count[engine_shard_of("d", p, 3)]++;
	}
	for (int s = 0; s < 3; s++)
		assert_true(count[s] > 800 && count[s] < 1200);
}

static void shard_filter_keeps_order_and_ranges(void **state)
{
	(void)state;
	struct engine_strv v = { 0 };
	char p[64];
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof p, "%s/s%02d.pkt", i < 20 ? "A" : "B", i);
		assert_int_equal(engine_strv_add(&v, p), 0);
	}
	size_t total = 0;
	for (unsigned k = 1; k <= 3; k++) {
		struct engine_strv w = { 0 };
		for (size_t i = 0; i < v.n; i++)
			assert_int_equal(engine_strv_add(&w, v.v[i]), 0);
		/* the second range first, as tcpspec run does */
		size_t end_b = w.n;
		engine_shard_filter(&w, 20, end_b, "B", k, 3);
		size_t end_a = engine_shard_filter(&w, 0, 20, "A", k, 3);
		total += w.n;
		for (size_t i = 0; i < w.n; i++) {
			const char *root = i < end_a ? "A" : "B";
			assert_int_equal(engine_shard_of(root, w.v[i], 3), k - 1);
			if (i)
				assert_true(strcmp(w.v[i - 1], w.v[i]) < 0);
		}
		engine_strv_free(&w);
	}
	assert_int_equal(total, 40);
	engine_strv_free(&v);
}

static void progress_line(void **state)
{
	(void)state;
	char b[160];
	engine_progress_format(b, sizeof b, 10, 40, 2, 5000);
	assert_string_equal(b, "[10/40] 2 failed, 0:05 elapsed, about 0:15 left");
	engine_progress_format(b, sizeof b, 40, 40, 0, 3723000);
	assert_string_equal(b, "[40/40] 0 failed, 1:02:03 elapsed");
}

static void diff_fields_from_messages(void **state)
{
	(void)state;
	assert_int_equal(ladder_diff_fields("x.pkt:14: error handling packet: flags: expected P. but "
					    "got .; len: expected 3000 but got 2400\nscript packet: ..."),
			 LADDER_D_FLAGS | LADDER_D_SEQ);
	assert_int_equal(ladder_diff_fields("x.pkt:9: error handling packet: options: expected <mss "
					    "1460> but got <mss 536>; win: expected 1 but got 2"),
			 LADDER_D_OPTS | LADDER_D_WIN);
	assert_int_equal(ladder_diff_fields("x.pkt:3: error handling packet: timing error: expected"),
			 LADDER_D_TIME);
	/* names inside a value or on a later line do not count */
	assert_int_equal(ladder_diff_fields("x.pkt:3: flags: expected S but got ack: 5\nwin: expected"),
			 LADDER_D_FLAGS);
	assert_int_equal(ladder_diff_fields("x.pkt:3: shell command failed"), 0);
}

static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	fn(f, arg);
	fclose(f);
	return buf;
}

static void esc_fn(FILE *f, const void *s)
{
	html_esc(f, s);
}

static void escaping(void **state)
{
	(void)state;
	char *s = capture(esc_fn, "<a href=\"x\">&'\x01\xff\xc3\xa9</a>");
	assert_string_equal(s, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;??\xc3\xa9&lt;/a&gt;");
	free(s);
	s = capture(esc_fn, "\xe2\x82");   /* a cut-off sequence */
	assert_string_equal(s, "??");
	free(s);
}

static void requirement_titles(void **state)
{
	(void)state;
	struct engine_req_info ri;
	engine_req_info("RFC9293:MUST-13", &ri);
	assert_string_equal(ri.rfc, "RFC 9293");
	assert_string_equal(ri.level, "MUST");
	assert_string_equal(ri.title, "In TIME-WAIT state for 2MSL seconds");
	engine_req_info("RFC9293:MUST-56", &ri);
	assert_string_equal(ri.level, "MUST NOT");
	engine_req_info("RFC9293:SHLD-26", &ri);
	assert_string_equal(ri.level, "SHOULD");
	engine_req_info("RFC9293:3.8.6.1", &ri);
	assert_string_equal(ri.level, "");
	assert_string_equal(ri.title, "Zero-Window Probing");
	engine_req_info("RFC5681:3.1", &ri);
	assert_string_equal(ri.rfc, "RFC 5681");
	assert_string_equal(ri.rfc_title, "TCP Congestion Control");
	assert_string_equal(ri.title, "");
	engine_req_info("TEST:A", &ri);
	assert_string_equal(ri.rfc, "other");
	assert_true(engine_req_level_rank("MUST NOT") < engine_req_level_rank("SHOULD"));
}

static void svg_fn(FILE *f, const void *l)
{
	ladder_svg(f, l, "#L%d");
}

static void ladder_of_an_exchange(void **state)
{
	(void)state;
	struct ladder l = { .left = "stack <under> test", .right = "peer" };
	assert_int_equal(ladder_add(&l, LADDER_CALL, 0, true, 3, false, "connect(3, ..., ...) = -1", 0), 0);
	assert_int_equal(ladder_add(&l, LADDER_PACKET, 0, true, 4, false, "S 0:0(0) <mss 1460>", 0), 0);
	assert_int_equal(ladder_add(&l, LADDER_PACKET, 100000000, false, 5, false,
				    "S. 0:0(0) ack 1 win 100", 0), 0);
	assert_int_equal(ladder_add(&l, LADDER_STATE, 100000000, true, 5, false, "ESTABLISHED", 0), 0);
	assert_int_equal(ladder_add(&l, LADDER_PACKET, 100000000, true, 6, true,
				    "R. 1:1(0) ack 1 win 0", LADDER_D_FLAGS | LADDER_D_WIN), 0);
	assert_int_equal(ladder_add(&l, LADDER_EXPECTED, 100000000, true, 6, true,
				    ". 1:1(0) ack 1", LADDER_D_FLAGS | LADDER_D_WIN), 0);
	char *s = capture(svg_fn, &l);
	/* three arrows of packets, one expected, the call and the state */
	int pk = 0;
	for (const char *p = s; (p = strstr(p, "<g class=\"pkt ")); p++)
		pk++;
	assert_int_equal(pk, 3);
	assert_non_null(strstr(s, "<g class=\"exp bad\""));
	assert_non_null(strstr(s, "stack &lt;under&gt; test"));
	assert_non_null(strstr(s, "<tspan class=\"d\">R.</tspan>"));
	assert_non_null(strstr(s, "<tspan class=\"d\">win</tspan> <tspan class=\"d\">0</tspan>"));
	assert_non_null(strstr(s, "&lt;mss 1460&gt;"));
	assert_non_null(strstr(s, "<a href=\"#L4\">"));
	assert_non_null(strstr(s, ">ESTABLISHED<"));
	/* simultaneous events one row apart, the 100 ms gap adds space */
	assert_non_null(strstr(s, ">0.100000<"));
	free(s);
	ladder_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shard_by_path_below_root),
		cmocka_unit_test(shard_filter_keeps_order_and_ranges),
		cmocka_unit_test(progress_line),
		cmocka_unit_test(diff_fields_from_messages),
		cmocka_unit_test(escaping),
		cmocka_unit_test(requirement_titles),
		cmocka_unit_test(ladder_of_an_exchange),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
