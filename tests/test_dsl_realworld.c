/* dsl/: forms found while reading public script suites (the Linux selftests, packetdrill's
 * gtests, FreeBSD's tcp-testsuite, the SCTP, MPTCP and PSP forks).  The scripts here are
 * our own, written to show each form; each test asserts the tree or the verdict the
 * dialect requires, and that fmt keeps the meaning. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dsl/dsl.h"

static struct dsl_file *parse_as(const char *src, enum dsl_status want, struct dsl_diags *d)
{
	struct dsl_file *f = NULL;
	enum dsl_status st = dsl_parse_buffer("rw.pkt", src, strlen(src), &f, d);
	if (st != want) {
		for (size_t i = 0; i < d->n; i++)
			dsl_diag_print(stderr, &d->v[i]);
		fprintf(stderr, "input:\n%s\n", src);
	}
	assert_int_equal(st, want);
	return f;
}

static struct dsl_file *parse_ok(const char *src)
{
	struct dsl_diags d = { 0 };
	struct dsl_file *f = parse_as(src, DSL_OK, &d);
	dsl_diags_free(&d);
	assert_non_null(f);
	return f;
}

/* fmt(src) parses to the same tree and is a fixed point; returns fmt(src). */
static char *fmt_checked(const char *src)
{
	struct dsl_file *a = parse_ok(src);
	char *out = dsl_print_string(a, NULL);
	assert_non_null(out);
	struct dsl_file *b = parse_ok(out);
	assert_true(dsl_ast_equal(a, b));
	char *again = dsl_print_string(b, NULL);
	assert_string_equal(out, again);
	free(again);
	dsl_free(a);
	dsl_free(b);
	return out;
}

/* The first diagnostic of a script that must not parse cleanly. */
static void first_diag_is(const char *src, enum dsl_status want, enum dsl_severity sev,
			  int line, int col, const char *msg)
{
	struct dsl_diags d = { 0 };
	struct dsl_file *f = parse_as(src, want, &d);
	assert_true(d.n >= 1);
	assert_int_equal(d.v[0].severity, sev);
	assert_int_equal(d.v[0].line, line);
	assert_int_equal(d.v[0].column, col);
	assert_string_equal(d.v[0].message, msg);
	dsl_free(f);
	dsl_diags_free(&d);
}

/* strace-style truncated strings: "abc"... gives the first bytes of the data only */
static void string_with_ellipsis(void **state)
{
	(void)state;
	const char *src = "0 write(4, \"GET / HTTP/1.1\\r\\n\"..., 400) = 400\n";
	struct dsl_file *f = parse_ok(src);
	const struct dsl_expr *e = f->events[0].call.args[1];
	assert_int_equal(e->kind, DSL_EXPR_STRING);
	assert_true(e->str_prefix);
	assert_int_equal(e->text_len, 16);
	assert_memory_equal(e->text, "GET / HTTP/1.1\r\n", 16);
	struct dsl_file *g = parse_ok("0 write(4, \"GET / HTTP/1.1\\r\\n\", 400) = 400\n");
	assert_false(g->events[0].call.args[1]->str_prefix);
	assert_false(dsl_ast_equal(f, g));	/* the prefix mark is part of the meaning */
	dsl_free(f);
	dsl_free(g);
	char *out = fmt_checked(src);
	assert_string_equal(out, src);
	free(out);
}

/* "2." is two seconds; "0..." still starts a blocking time */
static void decimal_time_without_digits_after_point(void **state)
{
	(void)state;
	struct dsl_file *f = parse_ok("+2. close(3) = 0\n0...1. accept(3, ..., ...) = 4\n"
				      "+0...0.2 accept(3, ..., ...) = 5\n");
	assert_int_equal(f->events[0].time.kind, DSL_TIME_RELATIVE);
	assert_int_equal(f->events[0].time.start.ns, 2000000000);
	assert_int_equal(f->events[1].time.kind, DSL_TIME_BLOCKING);
	assert_int_equal(f->events[1].time.end.ns, 1000000000);
	assert_int_equal(f->events[2].time.kind, DSL_TIME_BLOCKING);
	assert_true(f->events[2].time.start.relative);
	assert_int_equal(f->events[2].time.end.ns, 200000000);
	dsl_free(f);
	free(fmt_checked("+2. close(3) = 0\n"));
}

/* packetdrill ignores line breaks: a packet may go on with its fields, its sequence or
 * its flags on the next lines */
static void packet_over_several_lines(void **state)
{
	(void)state;
	const char *src =
		"+0 < . 1:1(0) ack 1\n"
		"       win 257\n"
		"+0 < S\n"
		"       0:0(0) win 1000\n"
		"       <mss 1000,\n"
		"        nop>\n"
		"+0 < .\n"
		"       ...(10) win 5 // the rest of it\n"
		"+0 > P. 1:1001(1000)\n"
		"       ack 1\n"
		"+0 close(3) = 0\n";
	struct dsl_file *f = parse_ok(src);
	assert_int_equal(f->n_events, 5);
	const struct dsl_packet *p = &f->events[0].packet;
	assert_true(p->has_ack && p->ack == 1 && p->has_win && p->win == 257);
	p = &f->events[1].packet;
	assert_int_equal(p->flags, DSL_TCP_SYN);
	assert_int_equal(p->win, 1000);
	assert_int_equal(p->n_opts, 2);
	assert_int_equal(f->events[2].packet.seq.kind, DSL_SEQ_ANY_START);
	assert_int_equal(f->events[2].packet.seq.len, 10);
	assert_true(f->events[3].packet.has_ack);
	assert_int_equal(f->events[4].kind, DSL_EV_SYSCALL);
	assert_int_equal(f->events[4].loc.line, 11);
	dsl_free(f);
	char *out = fmt_checked(src);
	assert_non_null(strstr(out, "+0 < . 1:1(0) ack 1 win 257\n"));
	free(out);
	/* a line that is neither an event nor the rest of a packet is still an error */
	first_diag_is("+0 < . 1:1(0) ack 1 win 1\n= 3\n", DSL_SYNTAX, DSL_DIAG_ERROR, 2, 1,
		      "syntax error, unexpected '='");
}

/* ICMP errors quoting the stack's UDP datagram (UDP sockets): parsed, printed back */
static void icmp_quoting_udp(void **state)
{
	(void)state;
	struct dsl_file *f = parse_ok("0 < icmp unreachable port_unreachable [udp (10)]\n");
	assert_true(f->events[0].packet.icmp.quote_udp);
	assert_int_equal(f->events[0].packet.icmp.quote_udp_len, 10);
	char *out = dsl_print_string(f, NULL);
	assert_non_null(strstr(out, "icmp unreachable port_unreachable [udp(10)]"));
	free(out);
	dsl_free(f);
	f = parse_ok("0 < icmp packet_too_big mtu 1300 [udp(1400)]\n");
	assert_true(f->events[0].packet.icmp.has_mtu);
	assert_int_equal(f->events[0].packet.icmp.quote_udp_len, 1400);
	dsl_free(f);
}

/* Words of other families excuse a syntax error only as whole words: "progress" holds
 * "gre", but a mistake on that line is still a mistake. */
static void family_words_are_whole_words(void **state)
{
	(void)state;
	first_diag_is("0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress) x\n",
		      DSL_SYNTAX, DSL_DIAG_ERROR, 1, 69,
		      "syntax error, unexpected identifier, expecting newline");
	first_diag_is("0 close(3) = 0 (congress) junk\n", DSL_SYNTAX, DSL_DIAG_ERROR, 1, 27,
		      "syntax error, unexpected identifier, expecting newline");
	/* the real thing is still recognised */
	struct dsl_diags d = { 0 };
	struct dsl_file *f = parse_as("0 < ipv4 192.0.2.1 > 192.0.2.2: gre: . 1:1(0) ack 1 win 1\n"
				      "0 > encap psp spi 12 . 1:1(0) ack 1\n",
				      DSL_UNSUPPORTED, &d);
	assert_int_equal(d.n_errors, 0);
	dsl_free(f);
	dsl_diags_free(&d);
}

/* The caret excerpt of a long line starts in that line, not in the one before it. */
static void long_line_excerpt_stays_on_its_line(void **state)
{
	(void)state;
	char src[1024];
	int n = snprintf(src, sizeof src, "// %0300d\n0 < Q 0:0(0) win 1 <", 0);
	for (int i = 0; i < 60; i++)
		n += snprintf(src + n, sizeof src - (size_t)n, "nop,");
	snprintf(src + n, sizeof src - (size_t)n, "nop>\n");
	struct dsl_diags d = { 0 };
	struct dsl_file *f = parse_as(src, DSL_SYNTAX, &d);
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].column, 5);
	assert_string_equal(d.v[0].message, "unknown TCP flag 'Q'");
	assert_memory_equal(d.v[0].source_line, "0 < Q 0:0(0)", 12);
	assert_int_equal(d.v[0].source_col, 5);
	assert_true(strlen(d.v[0].source_line) <= 160);
	dsl_free(f);
	dsl_diags_free(&d);
}

/* packetdrill's AccECN tests put the ACE digit after the dot too (".5", "P.5", "F5."):
 * the same ACE field as "5.", so AE and ECE for 5 (bit 2 AE, bit 0 ECE), plus ACK. */
static void ace_digit_after_the_dot(void **state)
{
	(void)state;
	struct dsl_file *f = parse_ok("+0 > [ect0] .5 1:1013(1012) ack 1\n"
				      "+0 > [ect0] P.5 1013:2025(1012) ack 1\n"
				      "+0 < [ect0] F5. 1:1(0) ack 1002 win 257\n"
				      "+0 < [ect0] 5. 1:1(0) ack 1002 win 257\n"
				      "+0 < [ect0] .2 1:1(0) ack 1002 win 257\n");
	assert_int_equal(f->n_events, 5);
	const uint16_t ace5 = DSL_TCP_AE | DSL_TCP_ECE;
	assert_int_equal(f->events[0].packet.flags, DSL_TCP_ACK | ace5);
	assert_int_equal(f->events[1].packet.flags, DSL_TCP_PSH | DSL_TCP_ACK | ace5);
	assert_int_equal(f->events[2].packet.flags, DSL_TCP_FIN | DSL_TCP_ACK | ace5);
	assert_int_equal(f->events[3].packet.flags, f->events[0].packet.flags);
	assert_int_equal(f->events[4].packet.flags, DSL_TCP_ACK | DSL_TCP_CWR);
	dsl_free(f);
	free(fmt_checked("+0 > [ect0] P.5 1013:2025(1012) ack 1\n"));
}

/* The AccECN option is written with its counters in either order (kind 172 lists
 * e0b ceb e1b, kind 174 e1b ceb e0b); the order written is kept, also through fmt. */
static void accecn_counters_keep_written_order(void **state)
{
	(void)state;
	const char *src = "+0.1 < [ect0] .5 1:1(0) ack 1 win 264 "
			  "<ECN e1b 1 ceb 0 e0b 977,nop,nop,nop,sack 2025:3001>\n";
	struct dsl_file *f = parse_ok(src);
	const struct dsl_packet *p = &f->events[0].packet;
	assert_int_equal(p->n_opts, 5);
	assert_int_equal(p->opts[0].kind, DSL_OPT_ACCECN);
	assert_int_equal(p->opts[0].n_accecn, 3);
	assert_int_equal(p->opts[0].accecn[0].field, DSL_ACCECN_E1B);
	assert_int_equal(p->opts[0].accecn[0].value, 1);
	assert_int_equal(p->opts[0].accecn[1].field, DSL_ACCECN_CEB);
	assert_int_equal(p->opts[0].accecn[1].value, 0);
	assert_int_equal(p->opts[0].accecn[2].field, DSL_ACCECN_E0B);
	assert_int_equal(p->opts[0].accecn[2].value, 977);
	assert_int_equal(p->opts[4].kind, DSL_OPT_SACK);
	dsl_free(f);
	char *out = fmt_checked(src);
	assert_non_null(strstr(out, "<ECN e1b 1 ceb 0 e0b 977,"));
	free(out);
}

/* FreeBSD's window-probe tests: a range whose both ends are relative ("+5~+6"). */
static void range_with_two_relative_ends(void **state)
{
	(void)state;
	struct dsl_file *f = parse_ok("+5~+6 > [ect0] . 5001:5002(1) ack 1\n"
				      "+.02~+0.5 > [ect0] .5 1:1013(1012) ack 1\n");
	const struct dsl_time *t = &f->events[0].time;
	assert_int_equal(t->kind, DSL_TIME_RANGE);
	assert_true(t->start.relative);
	assert_true(t->end.relative);
	assert_true(t->start.ns == 5000000000LL);
	assert_true(t->end.ns == 6000000000LL);
	t = &f->events[1].time;
	assert_int_equal(t->kind, DSL_TIME_RANGE);
	assert_true(t->start.ns == 20000000LL);
	assert_true(t->end.ns == 500000000LL);
	dsl_free(f);
	free(fmt_checked("+5~+6 > [ect0] . 5001:5002(1) ack 1\n"));
}

/* Linux selftests (zerocopy, TCP_INQ): calls spread over lines indented with tabs, and an
 * empty array msg_control=[]. */
static void empty_array_in_call_over_tabbed_lines(void **state)
{
	(void)state;
	const char *src = "+0.1 recvmsg(4, {msg_name(...)=...,\n"
			  "\t\t    msg_iov(1)=[{...,0}],\n"
			  "\t\t    msg_flags=MSG_ERRQUEUE,\n"
			  "\t\t    msg_control=[]}, MSG_ERRQUEUE) = -1 EAGAIN (Resource temporarily unavailable)\n"
			  "+0 epoll_ctl(5, EPOLL_CTL_ADD, 4,\n"
			  "\t\t{events=EPOLLOUT|EPOLLET|EPOLLEXCLUSIVE, fd=4}) = 0\n";
	struct dsl_file *f = parse_ok(src);
	assert_int_equal(f->n_events, 2);
	const struct dsl_expr *msg = f->events[0].call.args[1];
	assert_int_equal(msg->kind, DSL_EXPR_STRUCT);
	assert_int_equal(msg->n_items, 4);
	const struct dsl_expr *ctl = msg->items[3];
	assert_int_equal(ctl->kind, DSL_EXPR_FIELD);
	assert_string_equal(ctl->text, "msg_control");
	assert_int_equal(ctl->value->kind, DSL_EXPR_ARRAY);
	assert_int_equal(ctl->value->n_items, 0);
	const struct dsl_expr *ev = f->events[1].call.args[3];
	assert_int_equal(ev->kind, DSL_EXPR_STRUCT);
	assert_int_equal(ev->items[0]->value->kind, DSL_EXPR_OR);
	assert_int_equal(ev->items[0]->value->n_items, 3);
	dsl_free(f);
	free(fmt_checked(src));
}

/* A script generator's templates leave a format placeholder "{0}" after a packet: that
 * is not a script, and not a malformed-segment suffix either. */
static void template_placeholder_is_an_error(void **state)
{
	(void)state;
	first_diag_is("+.1 < P. 1:1(0) ack 1 win 257 <wscale 8,nop> {0}\n", DSL_SYNTAX,
		      DSL_DIAG_ERROR, 1, 47,
		      "syntax error, unexpected integer, expecting identifier");
}

/* Option lines: the dialect makes an unknown name an error with the name (tcpspec run
 * said so while tcpspec parse called the script fine); options packetdrill or a fork
 * gives a meaning tcpspec does not implement make the script unsupported. */
static void option_names_are_checked(void **state)
{
	(void)state;
	first_diag_is("--tolerance_usecs=1000\n--frobnicate=1\n0 close(3) = 0\n", DSL_SYNTAX,
		      DSL_DIAG_ERROR, 2, 1, "unknown option --frobnicate");
	first_diag_is("--wire_client\n0 close(3) = 0\n", DSL_UNSUPPORTED,
		      DSL_DIAG_UNSUPPORTED, 1, 1, "option --wire_client is not supported");
	first_diag_is("--psp_udp_port=1000\n0 close(3) = 0\n", DSL_UNSUPPORTED,
		      DSL_DIAG_UNSUPPORTED, 1, 1, "option --psp_udp_port is not supported");
	first_diag_is("--dry-run\n0 close(3) = 0\n", DSL_UNSUPPORTED,
		      DSL_DIAG_UNSUPPORTED, 1, 1, "option --dry-run is not supported");
	/* the names tcpspec reads, in both spellings, and -D style defines */
	dsl_free(parse_ok("--tcp-md5-secret=secret\n0 close(3) = 0\n"));
	struct dsl_file *f = parse_ok("--bind_port=57005\n--tcp-ts-tick-usecs=1000\n"
				      "--tolerance_percent=1\n--define X=1\n--DPORT=8080\n"
				      "0 close(3) = 0\n");
	assert_int_equal(f->n_options, 5);
	assert_string_equal(f->options[1].name, "tcp-ts-tick-usecs");
	dsl_free(f);
}

/* One line of each shape met in the suites, with the verdict it must get: TCP forms
 * parse, other families are unsupported, never a syntax error. */
static const struct { const char *src; enum dsl_status want; } verdicts[] = {
	{ "+.002 ... 0.052 connect(4, ..., ...) = 0\n", DSL_OK },
	{ "+0 < [0:0(0)]icmp unreachable no_route\n", DSL_OK },
	{ "+0 < icmp type_7 code_255\n", DSL_OK },
	{ "+0 setsockopt(3, SOL_TCP, TCP_FASTOPEN_KEY, \"\", 3) = -1 (Invalid Argument)\n", DSL_OK },
	{ "+0 > R. 0:0(0)! ack 2 win 0 <nop,nop,md5 valid>/udp(9811 > 1)\n", DSL_OK },
	{ "+0 > (hlim 4) S 0:0(0) win 65535 <mss 1440,nop,wscale 6,sackOK,TS val 100 ecr 0>\n",
	  DSL_OK },
	{ "+0 > [ect0] P7. 13141:14601(1460) ack 1\n", DSL_OK },
	{ "0.1 connect(3, ..., ...) = -1 // EINPROGRESS\n", DSL_OK },
	{ "+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)\n", DSL_OK },
	{ "+0 %{ assert tcpi_probes == 6, tcpi_probes; \\\n assert tcpi_backoff == 0 }%\n", DSL_OK },
	{ "+0 > S 0:0(0) <mss 1460> { mut ipv4 ihl; trun tcp 34-36; ins ipv4 34 2 }\n",
	  DSL_UNSUPPORTED },
	{ "+0 > S 0:0(0) <mss 1460> { trun tcp 34-36 }\n", DSL_UNSUPPORTED },
	{ "+0 > S 0:0(0) <mss 1460> {trun tcp source_port}\n", DSL_UNSUPPORTED },
	{ "+0 < S 0:0(0) win 1 <mss 1460,edoOK>\n+0 < . 1:1(0) ack 1 win 1 <edo 16,40*nop>\n",
	  DSL_UNSUPPORTED },
	{ "+0 < addr[caddr] > addr[saddr] S 0:0(0) win 1 <mp_join_syn backup=1>\n",
	  DSL_UNSUPPORTED },
	{ "+0 > P. 1:11(10) ack 1 <dss dack4=trunc_r64_hmac(key_a)+1> sock(4)\n", DSL_UNSUPPORTED },
	{ "+0 > encap psp spi 0x684abfc1, vc 0x123456789abcdef . 1:1(0) ack 1\n", DSL_UNSUPPORTED },
	{ "+0 < ipv6 2001:db8::2 > 2001:db8::1: gre:\n     mpls (label 1, tc 0, [S], ttl 9): . 1:1(0) ack 1 win 1\n",
	  DSL_UNSUPPORTED },
	{ "+0 < sctp: ERROR[flgs=0, INVALID_STREAM_IDENTIFIER[sid=1]]\n", DSL_UNSUPPORTED },
	{ "0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n+0 > udp(1400)\n", DSL_OK },
	{ "0 socket(..., SOCK_DGRAM, IPPROTO_UDPLITE) = 3\n+0 > udp(1400)\n", DSL_UNSUPPORTED },
	/* #ifdef blocks read unevaluated are layout; an #if cannot be evaluated */
	{ "#ifdef Linux\n0 close(3) = 0\n#endif\n", DSL_OK },
	{ "#if defined(Linux)\n0 close(3) = 0\n#endif\n", DSL_UNSUPPORTED },
	/* a fork's option that switches option checking off */
	{ "0.200 > P. 1:1451(1450) ack 1 <nocheck>\n", DSL_UNSUPPORTED },
	/* the MPTCP fork's keys in a plain-TCP script: the whole script is unsupported */
	{ "0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n"
	  "+0 > . 1001:1001(0) ack 1 <mp_fastclose a> // <mp_fastclose a+123>\n", DSL_UNSUPPORTED },
	{ "+0 < ipv4 192.0.2.2 > 192.0.2.1: gre flags 0xb000, sum 511, key 0x80001234, seq 512: "
	  ". 1:1001(1000) ack 1 win 123\n", DSL_UNSUPPORTED },
};

static void verdicts_of_suite_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof verdicts / sizeof *verdicts; i++) {
		struct dsl_diags d = { 0 };
		struct dsl_file *f = parse_as(verdicts[i].src, verdicts[i].want, &d);
		assert_int_equal(d.n_errors, 0);
		dsl_free(f);
		dsl_diags_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(string_with_ellipsis),
		cmocka_unit_test(decimal_time_without_digits_after_point),
		cmocka_unit_test(packet_over_several_lines),
		cmocka_unit_test(icmp_quoting_udp),
		cmocka_unit_test(family_words_are_whole_words),
		cmocka_unit_test(long_line_excerpt_stays_on_its_line),
		cmocka_unit_test(ace_digit_after_the_dot),
		cmocka_unit_test(accecn_counters_keep_written_order),
		cmocka_unit_test(range_with_two_relative_ends),
		cmocka_unit_test(empty_array_in_call_over_tabbed_lines),
		cmocka_unit_test(template_placeholder_is_an_error),
		cmocka_unit_test(option_names_are_checked),
		cmocka_unit_test(verdicts_of_suite_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
