/* The engine against the real virtual-time targets (the reference stack, and lwIP when
 * built in): scripts whose timing depends on how the engine moves virtual time while a
 * blocking call is in flight, and on which SYN gives the remote ISN. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/engine.h"
#include "target-adapters/target.h"

static int run_ipv;    /* the run's IP version (0: the script's, else ipv4) */

/* Run text on target name; NULL ops (not built in) leaves r->verdict ENGINE_SKIP. */
static void run_on(const char *name, const char *text, struct engine_result *r)
{
	memset(r, 0, sizeof *r);
	struct target_diag d = {0};
	const struct target_ops *ops = target_lookup(name, &d);
	if (!ops) {
		r->verdict = ENGINE_SKIP;
		snprintf(r->message, sizeof r->message, "%s", d.msg);
		return;
	}
	char path[] = "/tmp/test_engine_virtual_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct engine_run_cfg cfg = { .path = path, .target = ops, .ip_version = run_ipv };
	engine_run_script(&cfg, r);
	unlink(path);
	if (r->verdict != ENGINE_PASS)
		fprintf(stderr, "# %s: %s\n", name, r->message);
}

/* A passive open with no options (lwIP has no SACK or window scaling). */
#define OPEN_4 \
	"0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" \
	"+0  bind(3, ..., ...) = 0\n" \
	"+0  listen(3, 1) = 0\n" \
	"+0  < S 0:0(0) win 32792 <mss 1000>\n" \
	"+0  > S. 0:0(0) ack 1 <...>\n" \
	"+.1 < . 1:1(0) ack 1 win 257\n" \
	"+0  accept(3, ..., ...) = 4\n"

/* A poll that times out returns at its own timeout, not when the next script event
 * comes: the engine moves virtual time to the call's deadline first. */
/* --mtu takes any MTU the IP version allows (68 octets for IPv4, RFC 791; 1280 for
 * IPv6, RFC 8200 section 5), as FreeBSD's suite uses tiny ones, and the reference
 * stack announces MSS = MTU - 40 (IPv4) or MTU - 60 (IPv6) in its SYN-ACK. */
#define MTU_OPEN(mtu, mss) \
	"--mtu=" #mtu "\n" \
	"0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" \
	"+0  bind(3, ..., ...) = 0\n" \
	"+0  listen(3, 1) = 0\n" \
	"+0  < S 0:0(0) win 32792 <mss 1000>\n" \
	"+0  > S. 0:0(0) ack 1 <mss " #mss ">\n"

static void tiny_mtus_the_ip_version_allows(void **state)
{
	(void)state;
	struct engine_result r;
	run_ipv = TARGET_IPV4_ONLY;
	run_on("reference", MTU_OPEN(72, 32), &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	run_on("reference", MTU_OPEN(68, 28), &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	run_ipv = TARGET_IPV4_MAPPED_IPV6;      /* IPv4 on the wire */
	run_on("reference", MTU_OPEN(72, 32), &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	run_ipv = TARGET_IPV6_ONLY;
	run_on("reference", MTU_OPEN(1280, 1220), &r);
	assert_int_equal(r.verdict, ENGINE_PASS);

	/* below the least: a usage error naming the option line and the version's least */
	run_on("reference", MTU_OPEN(1279, 1219), &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, ":1:1: error: --mtu=1279 is below the least MTU of "
				"IPv6, 1280 octets"));
	run_ipv = TARGET_IPV4_ONLY;
	run_on("reference", MTU_OPEN(67, 27), &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, ":1:1: error: bad value for --mtu: '67': below the "
				"least MTU of IPv4, 68 octets"));
	run_ipv = 0;
}

static void poll_times_out_at_its_own_deadline(void **state)
{
	(void)state;
	static const char *const targets[] = { "reference", "lwip" };
	for (size_t i = 0; i < 2; i++) {
		struct engine_result r;
		run_on(targets[i], OPEN_4
		       "+0...0.5 poll([{fd=4, events=POLLIN, revents=0}], 1, 500) = 0\n"
		       "+1  < P. 1:11(10) ack 1 win 257\n"
		       "+0  read(4, ..., 100) = 10\n", &r);
		if (i > 0 && r.verdict == ENGINE_SKIP)
			continue;               /* lwIP not built in */
		assert_int_equal(r.verdict, ENGINE_PASS);
		/* and a poll whose window ends before its timeout is late, still blocked */
		run_on(targets[i], OPEN_4
		       "+0...0.3 poll([{fd=4, events=POLLIN, revents=0}], 1, 500) = 0\n"
		       "+1  < P. 1:11(10) ack 1 win 257\n", &r);
		assert_int_equal(r.verdict, ENGINE_FAIL);
		assert_non_null(strstr(r.message, ":8: error handling syscall: poll: timing error: "
					"expected the call to return at 0.400000 sec but it returned "
					"at 0.600000 sec"));
	}
}

/* A call still blocked when its window ends, with nothing due before the deadline
 * (the virtual clock stays where the stack was last busy): the message gives the
 * expected time, the deadline with the tolerance, and the last busy time, and does
 * not claim it was "still blocked" at a time before the deadline. */
static void a_call_blocked_past_its_window_says_when(void **state)
{
	(void)state;
	static const char *const targets[] = { "reference", "lwip" };
	for (size_t i = 0; i < 2; i++) {
		struct engine_result r;
		run_on(targets[i], OPEN_4 "+0...0.05 read(4, ..., 100) = 100\n", &r);
		if (i > 0 && r.verdict == ENGINE_SKIP)
			continue;               /* lwIP not built in */
		assert_int_equal(r.verdict, ENGINE_FAIL);
		assert_non_null(strstr(r.message, ":8: error handling syscall: read: timing error: "
					"expected the call to return at 0.150000 sec (tolerance "
					"0.006250 sec) but it did not return by the deadline of "
					"0.156250 sec (nothing was due between 0.100000 sec and then)"));
		assert_null(strstr(r.message, "still blocked"));
	}
}

/* The same with epoll_wait, and a poll that data ends before its timeout. */
static void epoll_wait_times_out_and_poll_ends_on_data(void **state)
{
	(void)state;
	struct engine_result r;
	run_on("reference", OPEN_4
	       "+0  epoll_create(1) = 5\n"
	       "+0  epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN, fd=4}) = 0\n"
	       "+0...0.2 epoll_wait(5, {events=EPOLLIN, fd=4}, 1, 200) = 0\n"
	       "+2  < P. 1:11(10) ack 1 win 257\n"
	       "+0  > . 1:1(0) ack 11 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	run_on("reference", OPEN_4
	       "+0...0.3 poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 500) = 1\n"
	       "+.3 < P. 1:11(10) ack 1 win 257\n"
	       "+0  > . 1:1(0) ack 11 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
}

/* The remote ISN is the connection's first SYN: a second SYN in ESTABLISHED (RFC 5961
 * 4.2) is sent as written, but the challenge ACK and the later data stay relative to
 * the first SYN's number, as packetdrill reads them. */
static void a_second_syn_does_not_move_the_remote_isn(void **state)
{
	(void)state;
	struct engine_result r;
	run_on("reference",
	       "0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	       "+0  bind(3, ..., ...) = 0\n"
	       "+0  listen(3, 1) = 0\n"
	       "+0  < S 100:100(0) win 65535 <mss 1000>\n"
	       "+0  > S. 0:0(0) ack 101 <...>\n"
	       "+.1 < . 1:1(0) ack 1 win 65535\n"
	       "+0  accept(3, ..., ...) = 4\n"
	       "+.1 < S 5000:5000(0) win 65535 <mss 1000>\n"
	       "+0  > . 1:1(0) ack 1\n"
	       "+.1 < P. 1:11(10) ack 1 win 65535\n"
	       "+0~+.5 > . 1:1(0) ack 11\n"
	       "+0  read(4, ..., 100) = 10\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	/* a new socket's connection takes its own ISN from its first SYN */
	run_on("reference",
	       "0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	       "+0  bind(3, ..., ...) = 0\n"
	       "+0  listen(3, 1) = 0\n"
	       "+0  < S 100:100(0) win 65535 <mss 1000>\n"
	       "+0  > S. 0:0(0) ack 101 <...>\n"
	       "+.1 < R. 1:1(0) ack 1 win 0\n"
	       "+0  close(3) = 0\n"
	       "+0  socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	       "+0  setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
	       "+0  bind(3, ..., ...) = 0\n"
	       "+0  listen(3, 1) = 0\n"
	       "+0  < S 7000:7000(0) win 65535 <mss 1000>\n"
	       "+0  > S. 0:0(0) ack 7001 <...>\n"
	       "+.1 < . 1:1(0) ack 1 win 65535\n"
	       "+0  accept(3, ..., ...) = 4\n"
	       "+.1 < P. 1:11(10) ack 1 win 65535\n"
	       "+0~+.5 > . 1:1(0) ack 11\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
}

/* Two peers of one listener, told apart by (rport N): each connection keeps its own
 * ISNs (the second SYN at another number), accept() returns them in the order they
 * arrived, and data sent on each fd reaches its own port.  The listener is never
 * bound: listen() binds it to the script's local port first. */
#define TWO_PEERS \
	"0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" \
	"+0  listen(3, 5) = 0\n" \
	"+0  < S 100:100(0) win 65535 <mss 1000>\n" \
	"+0  > S. 0:0(0) ack 101 <...>\n" \
	"+.1 < . 1:1(0) ack 1 win 65535\n" \
	"+0  < S 9000:9000(0) win 65535 <mss 1000> (rport 40001)\n" \
	"+0  > S. 0:0(0) ack 9001 <...> (rport 40001)\n" \
	"+.1 < . 1:1(0) ack 1 win 65535 (rport 40001)\n" \
	"+0  accept(3, ..., ...) = 4\n" \
	"+0  accept(3, ..., ...) = 5\n"

static void two_peers_of_one_listener(void **state)
{
	(void)state;
	static const char *const targets[] = { "reference", "lwip" };
	for (size_t i = 0; i < 2; i++) {
		struct engine_result r;
		run_on(targets[i], TWO_PEERS
		       "+0  write(5, ..., 10) = 10\n"
		       "+0  > P. 1:11(10) ack 1 (rport 40001)\n"
		       "+0  write(4, ..., 20) = 20\n"
		       "+0  > P. 1:21(20) ack 1\n"
		       "+.1 < P. 1:4(3) ack 11 win 65535 (rport 40001)\n"
		       "+0  < P. 1:6(5) ack 21 win 65535\n"
		       "+0  read(5, ..., 100) = 3\n"
		       "+0  read(4, ..., 100) = 5\n", &r);
		if (r.verdict == ENGINE_SKIP && i > 0)
			continue;               /* lwIP not built in */
		assert_int_equal(r.verdict, ENGINE_PASS);
		/* data on the first accepted fd goes to the first peer, not the second */
		run_on(targets[i], TWO_PEERS
		       "+0  write(4, ..., 10) = 10\n"
		       "+0  > P. 1:11(10) ack 1 (rport 40001)\n", &r);
		assert_int_equal(r.verdict, ENGINE_FAIL);
		assert_non_null(strstr(r.message, ":12: error handling packet: rport: expected "
					"40001 but got 40000"));
	}
}

/* Two active opens: connect() to another port moves the script's remote port there,
 * and the first connection stays reachable, with its numbers, as (rport 40000). */
static void two_active_opens_to_two_ports(void **state)
{
	(void)state;
	static const char *const targets[] = { "reference", "lwip" };
	for (size_t i = 0; i < 2; i++) {
		struct engine_result r;
		run_on(targets[i],
		       "0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		       "+0  fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
		       "+0  connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
		       "+0  > S 0:0(0) <...>\n"
		       "+.1 < S. 0:0(0) ack 1 win 65535 <mss 1000>\n"
		       "+0  > . 1:1(0) ack 1\n"
		       "+0  socket(..., SOCK_STREAM, IPPROTO_TCP) = 4\n"
		       "+0  fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
		       "+0  connect(4, {sa_family=AF_INET, sin_port=htons(40001), "
		       "sin_addr=inet_addr(\"192.0.2.1\")}, 16) = -1 EINPROGRESS (Operation now in progress)\n"
		       "+0  > S 0:0(0) <...> (rport 40001)\n"
		       "+.1 < S. 5000:5000(0) ack 1 win 65535 <mss 1000> (rport 40001)\n"
		       "+0  > . 1:1(0) ack 1 (rport 40001)\n"
		       "+0  write(3, ..., 10) = 10\n"
		       "+0  > P. 1:11(10) ack 1 (rport 40000)\n"
		       "+0  write(4, ..., 20) = 20\n"
		       "+0  > P. 1:21(20) ack 1\n"
		       "+.1 < . 1:1(0) ack 11 win 65535 (rport 40000)\n"
		       "+0  < . 1:1(0) ack 21 win 65535\n"
		       "+0  < P. 1:4(3) ack 11 win 65535 (rport 40000)\n"
		       "+0  read(3, ..., 100) = 3\n", &r);
		if (r.verdict == ENGINE_SKIP && i > 0)
			continue;               /* lwIP not built in */
		assert_int_equal(r.verdict, ENGINE_PASS);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tiny_mtus_the_ip_version_allows),
		cmocka_unit_test(poll_times_out_at_its_own_deadline),
		cmocka_unit_test(a_call_blocked_past_its_window_says_when),
		cmocka_unit_test(epoll_wait_times_out_and_poll_ends_on_data),
		cmocka_unit_test(a_second_syn_does_not_move_the_remote_isn),
		cmocka_unit_test(two_peers_of_one_listener),
		cmocka_unit_test(two_active_opens_to_two_ports),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
