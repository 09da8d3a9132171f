/* engine/causes.c: a failure's first difference, normalised so that scripts failing
 * the same way group together (tcpspec report's failures by first difference). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/causes.h"

static const char *cause(const char *msg)
{
	static char buf[256];
	engine_failure_cause(buf, sizeof buf, msg);
	return buf;
}

static void first_differences(void **state)
{
	(void)state;
	/* an option a non-SYN segment should not carry, whatever its value and padding */
	assert_string_equal(cause("d/a.pkt:14: error handling packet: options: expected none "
				  "but got <wscale 0,eol>\nscript packet: 0.100000 > P. "
				  "1:1001(1000) ack 1\nactual packet: 0.100000 > P. 1:1001(1000)"),
			    "packet: unexpected option wscale on a non-SYN segment");
	assert_string_equal(cause("b.pkt:9: error handling packet: options: expected <mss 1460,"
				  "nop,wscale 7> but got <mss 1460>\nscript packet: 0 > S. 0:0(0) "
				  "ack 1 <mss 1460,nop,wscale 7>"),
			    "packet: missing option wscale on a SYN segment");
	assert_string_equal(cause("b.pkt:9: error handling packet: options: expected <mss 1460,"
				  "sackOK> but got <sackOK,mss 1460>\nscript packet: 0 > S. "
				  "0:0(0) ack 1 <mss 1460,sackOK>"),
			    "packet: option layout differs (order or padding) on a SYN segment");
	/* the relaxed comparison's message, as engine/tcpopt.c prints it: the note in
	 * parentheses is no option; the TS ecr that differs is named with the option the
	 * stack added (from a script expecting ecr 500 and no SACK, run on reference) */
	assert_string_equal(cause("/tmp/rt/c.pkt:19: error handling packet: options: expected "
				  "<nop,nop,TS val 30 ecr 500> (in any order, under --relax "
				  "option-layout: no other option but NOP and EOL) but got <nop,nop,"
				  "TS val 1231830682 ecr 300,nop,nop,sack 201:301>\nscript packet: "
				  "0.300000 > . 1:1(0) ack 101 <nop,nop,TS val 30 ecr 500>\nactual "
				  "packet: 0.300000 > . 1:1(0) ack 101 win 127 <nop,nop,TS val "
				  "1231830682 ecr 300,nop,nop,sack 201:301>"),
			    "packet: unexpected option sack, different TS ecr on a non-SYN segment");
	/* an option the stack did not send, the others equal (TSval is the stack's clock) */
	assert_string_equal(cause("/tmp/rt/b.pkt:19: error handling packet: options: expected "
				  "<nop,nop,TS val 30 ecr 300,nop,wscale 7,nop,nop,sack 201:301> (in "
				  "any order, under --relax option-layout: no other option but NOP "
				  "and EOL) but got <nop,nop,TS val 1231830682 ecr 300,nop,nop,sack "
				  "201:301>\nscript packet: 0.300000 > . 1:1(0) ack 101 <nop,nop,TS "
				  "val 30 ecr 300,nop,wscale 7,nop,nop,sack 201:301>"),
			    "packet: missing option wscale on a non-SYN segment");
	/* the tester's case: a stack that echoes the out-of-order TSval and sends no SACK */
	assert_string_equal(cause("t.pkt:19: error handling packet: options: expected <nop,nop,"
				  "TS val 30 ecr 300,nop,nop,sack 201:301> (in any order, under "
				  "--relax option-layout: no other option but NOP and EOL) but got "
				  "<nop,nop,TS val 7 ecr 500>\nscript packet: 0.300000 > . 1:1(0) ack "
				  "101 <nop,nop,TS val 30 ecr 300,nop,nop,sack 201:301>"),
			    "packet: missing option sack, different TS ecr on a non-SYN segment");
	/* syn-options' note; a wscale "..." matches any value, an mss differs */
	assert_string_equal(cause("s.pkt:5: error handling packet: options: expected <mss 1000,"
				  "wscale ...,sackOK> (in any order, under --relax syn-options) but "
				  "got <mss 1460,nop,wscale 9>\nscript packet: 0 > S. 0:0(0) ack 1 "
				  "<mss 1000,wscale ...,sackOK>"),
			    "packet: missing option sackOK, different mss value on a SYN segment");
	/* only the first of several differences; numbers as N */
	assert_string_equal(cause("c.pkt:20: error handling packet: flags: expected S. but got "
				  "R.; seq: expected 0 but got 2961569952"),
			    "packet flags: expected S. but got R.");
	assert_string_equal(cause("c.pkt:20: error handling packet: ack: expected 1 but got 145; "
				  "options: expected none but got <wscale 0,eol>"),
			    "packet ack: expected N but got N");
	/* a rule's text keeps its RFC and section */
	assert_string_equal(cause("x.pkt:13: error handling packet: options: TS in a SYN-ACK "
				  "that answers a SYN without one (RFC 7323 3.2: only if it "
				  "received a TSopt in the SYN)"),
			    "packet options: TS in a SYN-ACK that answers a SYN without one "
			    "(RFC 7323 3.2: only if it received a TSopt in the SYN)");
	/* timing: early or late; a segment never sent: its flags */
	assert_string_equal(cause("r.pkt:21: error handling packet: timing error: expected the "
				  "packet at 1.900000 sec but it came at 0.571000 sec (tolerance "
				  "0.187500 sec)"), "packet: sent earlier than the script allows");
	assert_string_equal(cause("r.pkt:21: error handling packet: timing error: expected the "
				  "packet at 1.0 sec but it came at 3.5 sec (tolerance 0.1 sec)"),
			    "packet: sent later than the script allows");
	assert_string_equal(cause("l.pkt:13: error handling packet: timed out waiting for the "
				  "packet (nothing sent by 0.204000 sec)\nscript packet: 0.200000 "
				  "> R. 1:1(0) ack 1"), "packet: the script's R. segment was not sent");
	/* a call keeps its name and errno; another message its words */
	assert_string_equal(cause("w.pkt:20: error handling syscall: write: expected -1 with "
				  "errno EPIPE (Broken pipe) but got 10"),
			    "call write: expected -1 with errno EPIPE (Broken pipe) but got N");
	assert_string_equal(cause("k.pkt:4: error in code block: assertion failed: assert "
				  "tcpi_state == TCP_FIN_WAIT2 (operands 4 == 5)"),
			    "error in code block: assertion failed: assert tcpi_state == "
			    "TCP_FIN_WAIT2 (operands N == N)");
}

static void grouped_largest_first(void **state)
{
	(void)state;
	const char *msg[] = {
		"a.pkt:1: error handling packet: ack: expected 1 but got 2",
		NULL,           /* a pass: not counted */
		"b.pkt:3: error handling packet: options: expected none but got <wscale 0>\n"
		"script packet: 0 > . 1:1(0) ack 1",
		"c.pkt:5: error handling packet: options: expected none but got <wscale 2,eol>\n"
		"script packet: 0 > F. 1:1(0) ack 1",
		"d.pkt:7: error handling packet: ack: expected 5 but got 9",
		"e.pkt:9: error handling packet: options: expected none but got <wscale 0,eol>\n"
		"script packet: 0 > P. 1:11(10) ack 1",
	};
	size_t n = 0;
	struct engine_cause *c = engine_failure_causes(msg, sizeof msg / sizeof msg[0], &n);
	assert_non_null(c);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].text, "packet: unexpected option wscale on a non-SYN segment");
	assert_int_equal(c[0].n, 3);
	assert_int_equal(c[0].ex[0], 2);
	assert_int_equal(c[0].ex[1], 3);
	assert_int_equal(c[0].ex[2], 5);
	assert_string_equal(c[1].text, "packet ack: expected N but got N");
	assert_int_equal(c[1].n, 2);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_differences),
		cmocka_unit_test(grouped_largest_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
