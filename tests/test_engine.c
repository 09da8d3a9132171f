/* The engine against a scripted mock target (virtual time, no root): inbound packets
 * as the script writes them, outbound matching rules of pkt-dialect.md, sequence and
 * timestamp mapping, tolerance, blocking calls, errno messages, option parsing and the
 * reports.  The mock sends what each test queues and records what it is given. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/errqueue.h>
#include <arpa/inet.h>
#include <errno.h>
#include <cmocka.h>

#include "dsl/dsl.h"
#include "engine/engine.h"
#include "engine/strv.h"
#include "wire/wire.h"

/* ---- the mock target ---------------------------------------------------------------- */

#define MS 1000000LL
#define MAXQ 16

static struct mock {
	int64_t now;
	struct { int64_t t; size_t len; uint8_t b[1500]; } out[MAXQ];
	int n_out, next_out;
	uint8_t in[8][1500];
	size_t in_len[8];
	int n_in;
	/* calls: each returns ret/err; pending_until > 0 makes it block until then */
	struct { int64_t ret; int err; int64_t pending_until; } calls[16];
	int n_calls, next_call;
	bool pending;
	int64_t pend_until;
	struct target_result pend_res;
	/* every call the target was given, in order */
	enum target_call_kind seen[16];
	struct sockaddr_storage seen_addr[16];
	bool seen_null_buf[16];
	uint16_t seen_null_iov[16];
	int n_seen;
	/* content: the stack's ISN per script-side port (its SYN-ACK's), for the octets of
	 * outbound payloads; reads return the peer's stream from rd_off, from offset
	 * wrong_at on (when rd_shift) the octets rd_shift earlier (a stack that delivers
	 * old bytes); the bytes writes were given */
	struct { uint16_t port; uint32_t isn; } isn[4];
	int n_isn;
	uint32_t rd_off;
	uint32_t wrong_at, rd_shift;
	uint8_t written[4096];
	size_t n_written;
} M;

static const char *m_plugin_path;   /* target_config.plugin_path at open */
static int m_open(struct target *t, const struct target_config *c)
{
	m_plugin_path = c->plugin_path;
	return TARGET_OK;
}
static void m_close(struct target *t) {}
static int64_t m_now(struct target *t) { return M.now; }

static int m_inject(struct target *t, const uint8_t *p, size_t n)
{
	if (M.n_in < 8 && n <= sizeof M.in[0]) {
		memcpy(M.in[M.n_in], p, n);
		M.in_len[M.n_in++] = n;
	}
	return TARGET_OK;
}

static int m_next(struct target *t, int64_t deadline, struct target_packet *p)
{
	if (M.next_out < M.n_out && M.out[M.next_out].t <= M.now) {
		p->time_ns = M.out[M.next_out].t;
		p->len = M.out[M.next_out].len;
		memcpy(p->data, M.out[M.next_out].b, p->len);
		M.next_out++;
		return TARGET_OK;
	}
	return TARGET_TIMEOUT;
}

static int m_advance(struct target *t, int64_t now, int64_t *next)
{
	if (now > M.now)
		M.now = now;
	*next = INT64_MAX;
	if (M.next_out < M.n_out && M.out[M.next_out].t < *next)
		*next = M.out[M.next_out].t;
	if (M.pending && M.pend_until < *next)
		*next = M.pend_until;
	return TARGET_OK;
}

static int m_call(struct target *t, const struct target_call *c, struct target_result *r)
{
	memset(r, 0, sizeof *r);
	r->start_ns = M.now;
	if (M.n_seen < 16) {
		M.seen_addr[M.n_seen] = c->addr;
		M.seen_null_buf[M.n_seen] = c->null_buf;
		M.seen_null_iov[M.n_seen] = c->null_iov;
		M.seen[M.n_seen++] = c->kind;
	}
	if (M.next_call >= M.n_calls) {
		r->ret = c->kind == TARGET_CALL_SOCKET ? 3 : 0;
		r->end_ns = M.now;
		return TARGET_OK;
	}
	int i = M.next_call++;
	r->ret = M.calls[i].ret;
	r->err = M.calls[i].err;
	if (c->rdata && r->ret > 0) {
		for (int64_t k = 0; k < r->ret; k++) {
			uint32_t o = M.rd_off + (uint32_t)k;
			if (M.rd_shift && o >= M.wrong_at)
				o -= M.rd_shift;
			c->rdata[k] = engine_stream_byte(ENGINE_STREAM_IN, o);
		}
		if (!(c->flags & MSG_PEEK))
			M.rd_off += (uint32_t)r->ret;
		r->rdata_filled = true;
	}
	if (c->data && r->ret > 0 && M.n_written + (size_t)r->ret <= sizeof M.written) {
		memcpy(M.written + M.n_written, c->data, (size_t)r->ret);
		M.n_written += (size_t)r->ret;
	}
	if (M.calls[i].pending_until > M.now) {
		M.pending = true;
		M.pend_until = M.calls[i].pending_until;
		M.pend_res = *r;
		return TARGET_PENDING;
	}
	r->end_ns = M.now;
	return TARGET_OK;
}

static int m_complete(struct target *t, int64_t deadline, struct target_result *r)
{
	if (!M.pending)
		return TARGET_BADARG;
	if (M.now < M.pend_until)
		return TARGET_PENDING;
	M.pending = false;
	*r = M.pend_res;
	r->end_ns = M.pend_until;
	return TARGET_OK;
}

static const struct target_ops mock_ops = {
	.name = "mock", .caps = TARGET_VIRTUAL_TIME | TARGET_BLOCKING,
	.open = m_open, .close = m_close, .now = m_now, .inject = m_inject,
	.next_outbound = m_next, .call = m_call, .complete = m_complete, .advance = m_advance,
};

/* Queue a TCP packet from the stack (192.0.2.2:8080 -> 192.0.2.1:dport). */
/* the urgent point (an absolute sequence number) a queued URG segment points at */
static uint32_t q_urg_point;

static void queue_out_to(uint16_t dport, int64_t t, uint16_t flags, uint32_t seq, uint32_t ack,
			 uint16_t win, size_t len, const struct wire_tcp_opts *opts)
{
	struct wire_packet w;
	wire_packet_init(&w, 4);
	wire_addr_parse("192.0.2.2", &w.ip.src);
	wire_addr_parse("192.0.2.1", &w.ip.dst);
	w.tcp.sport = 8080;
	w.tcp.dport = dport;
	w.tcp.flags = flags;
	w.tcp.seq = seq;
	w.tcp.ack = ack;
	w.tcp.win = win;
	w.tcp.payload_len = len;
	if (flags & WIRE_TH_URG)
		w.tcp.urg = (uint16_t)(q_urg_point - seq);
	if (opts)
		w.tcp.opts = *opts;
	/* the payload: the application's octets at their offsets (engine_stream_byte) */
	if (flags & WIRE_TH_SYN) {
		int k = 0;
		while (k < M.n_isn && M.isn[k].port != dport)
			k++;
		if (k == M.n_isn && k < 4)
			M.n_isn++;
		M.isn[k].port = dport;
		M.isn[k].isn = seq;
	}
	static uint8_t pay[1500];
	for (int k = 0; k < M.n_isn; k++)
		if (M.isn[k].port == dport && len <= sizeof pay) {
			for (size_t j = 0; j < len; j++)
				pay[j] = engine_stream_byte(ENGINE_STREAM_OUT,
							    seq - M.isn[k].isn - 1 + (uint32_t)j);
			w.tcp.payload = pay;
		}
	int i = M.n_out++;
	M.out[i].t = t;
	assert_int_equal(wire_build(&w, M.out[i].b, sizeof M.out[i].b, &M.out[i].len), WIRE_OK);
}

/* ... to the script's default remote port, 40000 */
static void queue_out(int64_t t, uint16_t flags, uint32_t seq, uint32_t ack, uint16_t win,
		      size_t len, const struct wire_tcp_opts *opts)
{
	queue_out_to(40000, t, flags, seq, ack, win, len, opts);
}

static char script_path[64];
static bool run_verbose;

static void run(const char *text, struct engine_result *res)
{
	strcpy(script_path, "/tmp/test_engine_XXXXXX");
	int fd = mkstemp(script_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct engine_run_cfg cfg = { .path = script_path, .target = &mock_ops };
	engine_run_script(&cfg, res);
	unlink(script_path);
	if (run_verbose || getenv("TEST_ENGINE_VERBOSE"))
		fprintf(stderr, "# %s\n", res->message);
	run_verbose = false;
}

static int setup(void **state)
{
	(void)state;
	memset(&M, 0, sizeof M);
	return 0;
}

/* the message without the random temp-file name */
static const char *msg(const struct engine_result *r)
{
	const char *p = strstr(r->message, ": ");
	return p ? p + 2 : r->message;
}

/* ---- tests ---------------------------------------------------------------------------- */

static void inbound_packets_carry_the_scripts_numbers(void **state)
{
	struct engine_result r;
	run("0 < S 1000:1000(0) win 1000 <mss 1460,sackOK,TS val 5 ecr 0,nop,wscale 7>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	assert_int_equal(M.n_in, 1);
	struct wire_packet w;
	assert_int_equal(wire_parse(M.in[0], M.in_len[0], &w), WIRE_OK);
	char a[64];
	assert_string_equal(wire_addr_str(&w.ip.src, a, sizeof a), "192.0.2.1");
	assert_string_equal(wire_addr_str(&w.ip.dst, a, sizeof a), "192.0.2.2");
	assert_int_equal(w.tcp.sport, 40000);
	assert_int_equal(w.tcp.dport, 8080);
	assert_int_equal(w.tcp.seq, 1000);         /* the ISN as written */
	assert_int_equal(w.tcp.flags, WIRE_TH_SYN);
	assert_int_equal(w.tcp.win, 1000);
	assert_true(w.tcp.csum_ok);
	assert_int_equal(w.tcp.opts.n, 5);
	assert_int_equal(w.tcp.opts.opt[0].v.mss, 1460);
	assert_int_equal(w.tcp.opts.opt[2].v.ts.val, 5);
}

static void malformed_extension_reaches_the_wire(void **state)
{
	struct engine_result r;
	run("0 < . 1:1(0) ack 1 win 100 {csum bad, res 0x2, doff 6}\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	struct wire_packet w;
	wire_parse(M.in[0], M.in_len[0], &w);
	assert_false(w.tcp.csum_ok);
	assert_int_equal(w.tcp.doff, 6);
	assert_int_equal(w.tcp.flags & 0xf00, 0x200);
}

static void seq_and_ack_are_relative_to_the_live_isns(void **state)
{
	/* Stack ISN 5000, script ISN 1000.  The SYN carries 1000 as written; the SYN-ACK's
	 * ack is in the script's numbers (1001); the stack's sequence numbers are relative
	 * to its ISN (0, then 1:11); later acks are relative to the peer's ISN (ack 1). */
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	queue_out(0, WIRE_TH_PSH | WIRE_TH_ACK, 5001, 1001, 1000, 10, NULL);
	struct engine_result r;
	run("0 < S 1000:1000(0) win 1000\n"
	    "+0 > S. 0:0(0) ack 1001\n"
	    "+0 > P. 1:11(10) ack 1\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	/* inbound: seq relative to the peer's ISN after the SYN, ack relative to the
	 * stack's ISN */
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	run("0 < S 1000:1000(0) win 1000\n+0 > S. 0:0(0) ack 1001\n+0 < . 1:1(0) ack 1 win 1000\n",
	    &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	struct wire_packet w;
	wire_parse(M.in[0], M.in_len[0], &w);
	assert_int_equal(w.tcp.seq, 1000);
	wire_parse(M.in[1], M.in_len[1], &w);
	assert_int_equal(w.tcp.seq, 1001);
	assert_int_equal(w.tcp.ack, 5001);
	/* a data ack written relative to the SYN-ACK's numbering fails */
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	queue_out(0, WIRE_TH_PSH | WIRE_TH_ACK, 5001, 1001, 1000, 10, NULL);
	run("0 < S 1000:1000(0) win 1000\n+0 > S. 0:0(0) ack 1001\n+0 > P. 1:11(10) ack 1001\n",
	    &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, "ack: expected 1001 but got 1"));
}

/* (rport N): one script speaks for two peers of one listener.  Each port is its own
 * connection: the first SYN from it gives its ISN, the stack's SYN-ACK to it the
 * stack's, and relative numbers on its packets count from those two. */
static void each_remote_port_numbers_its_own_connection(void **state)
{
	queue_out_to(40000, 0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	queue_out_to(40001, 0, WIRE_TH_SYN | WIRE_TH_ACK, 9000, 7001, 1000, 0, NULL);
	queue_out_to(40001, 0, WIRE_TH_PSH | WIRE_TH_ACK, 9001, 7001, 1000, 10, NULL);
	queue_out_to(40000, 0, WIRE_TH_PSH | WIRE_TH_ACK, 5001, 1001, 1000, 20, NULL);
	struct engine_result r;
	run("0 < S 1000:1000(0) win 1000\n"
	    "+0 < S 7000:7000(0) win 1000 (rport 40001)\n"
	    "+0 > S. 0:0(0) ack 1001\n"
	    "+0 > S. 0:0(0) ack 7001 (rport 40001)\n"
	    "+0 < . 1:1(0) ack 1 win 1000 (rport 40001)\n"
	    "+0 < . 1:1(0) ack 1 win 1000\n"
	    "+0 > P. 1:11(10) ack 1 (rport 40001)\n"
	    "+0 > P. 1:21(20) ack 1\n"
	    "+0 < . 1:1(0) ack 11 win 1000 (rport 40001)\n"
	    "+0 < . 1:1(0) ack 21 win 1000 (rport 40000)\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	static const struct { uint16_t sport; uint32_t seq, ack; } want[] = {
		{ 40000, 1000, 0 }, { 40001, 7000, 0 }, { 40001, 7001, 9001 },
		{ 40000, 1001, 5001 }, { 40001, 7001, 9011 }, { 40000, 1001, 5021 },
	};
	assert_int_equal(M.n_in, 6);
	for (int i = 0; i < 6; i++) {
		struct wire_packet w;
		assert_int_equal(wire_parse(M.in[i], M.in_len[i], &w), WIRE_OK);
		assert_int_equal(w.tcp.sport, want[i].sport);
		assert_int_equal(w.tcp.dport, 8080);
		assert_int_equal(w.tcp.seq, want[i].seq);
		if (want[i].ack)
			assert_int_equal(w.tcp.ack, want[i].ack);
	}
}

/* An outbound packet with (rport N) must go to port N; without it the port is not
 * checked, as before. */
static void an_outbound_rport_is_checked(void **state)
{
	queue_out_to(40000, 0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	struct engine_result r;
	run("0 < S 1000:1000(0) win 1000 (rport 40001)\n"
	    "+0 > S. 0:0(0) ack 1001 (rport 40001)\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, ":2: error handling packet: rport: expected 40001 "
				"but got 40000\nscript packet: "));
	assert_non_null(strstr(r.message, "(rport 40000)"));   /* the actual packet's */
	setup(NULL);
	queue_out_to(40001, 0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	run("0 < S 1000:1000(0) win 1000\n+0 > S. 0:0(0) ack 1001\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
}

/* listen() on a socket the script never bound binds it to the script's local address
 * and port first; one the script bound or connected is left alone. */
static void listen_binds_an_unbound_socket_first(void **state)
{
	struct engine_result r;
	run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 listen(3, 1) = 0\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	assert_int_equal(M.n_seen, 3);
	assert_int_equal(M.seen[0], TARGET_CALL_SOCKET);
	assert_int_equal(M.seen[1], TARGET_CALL_BIND);
	assert_int_equal(M.seen[2], TARGET_CALL_LISTEN);
	const struct sockaddr_in *a = (const struct sockaddr_in *)&M.seen_addr[1];
	assert_int_equal(a->sin_family, AF_INET);
	assert_int_equal(ntohs(a->sin_port), 8080);
	char ip[32];
	assert_string_equal(inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip), "192.0.2.2");

	static const struct { const char *src; int n; enum target_call_kind second; } other[] = {
		{ "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		  "+0 bind(3, {sa_family=AF_INET, sin_port=htons(9000), "
		  "sin_addr=inet_addr(\"192.0.2.2\")}, 16) = 0\n+0 listen(3, 1) = 0\n",
		  3, TARGET_CALL_BIND },
		{ "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		  "+0 connect(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n", 3, TARGET_CALL_CONNECT },
	};
	for (size_t i = 0; i < 2; i++) {
		setup(NULL);
		run(other[i].src, &r);
		assert_int_equal(r.verdict, ENGINE_PASS);
		assert_int_equal(M.n_seen, other[i].n);
		assert_int_equal(M.seen[1], other[i].second);
		assert_int_equal(M.seen[other[i].n - 1], TARGET_CALL_LISTEN);
		if (i == 0)     /* the script's own bind, untouched */
			assert_int_equal(ntohs(((struct sockaddr_in *)&M.seen_addr[1])->sin_port),
					 9000);
	}
	/* a second listen() (a new backlog) does not bind again; a closed and reopened
	 * fd is a new socket */
	setup(NULL);
	run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 listen(3, 1) = 0\n"
	    "+0 listen(3, 5) = 0\n+0 close(3) = 0\n"
	    "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 listen(3, 1) = 0\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	static const enum target_call_kind want[] = {
		TARGET_CALL_SOCKET, TARGET_CALL_BIND, TARGET_CALL_LISTEN, TARGET_CALL_LISTEN,
		TARGET_CALL_CLOSE, TARGET_CALL_SOCKET, TARGET_CALL_BIND, TARGET_CALL_LISTEN,
	};
	assert_int_equal(M.n_seen, 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(M.seen[i], want[i]);
}

static void no_options_means_none_and_dots_mean_any(void **state)
{
	struct wire_tcp_opts o = {0};
	wire_opt_add_mss(&o, 1460);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, &o);
	struct engine_result r;
	run("0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, "options: expected none but got <mss 1460>"));
	assert_non_null(strstr(r.message, "\nscript packet: 0.000000 > S. 0:0(0) ack 1"));
	assert_non_null(strstr(r.message, "\nactual packet: 0.000000 > S. 0:0(0) ack 1 win 1000 <mss 1460>"));

	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, &o);
	run("0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
}

static void option_lists_compare_kinds_in_order_and_values(void **state)
{
	struct wire_tcp_opts o = {0};
	wire_opt_add_mss(&o, 1460);
	wire_opt_add_nop(&o);
	wire_opt_add_wscale(&o, 7);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, &o);
	struct engine_result r;
	run("0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1 <mss 1400,nop,wscale 7>\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(msg(&r), "error handling packet: mss: expected 1400 but got 1460"));

	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, &o);
	run("0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1 <mss 1460,wscale 7,nop>\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, "options: expected <mss 1460,wscale 7,nop> but got"));
}

static void back_to_back_segments_are_taken_together(void **state)
{
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	queue_out(0, WIRE_TH_ACK, 1, 1, 1000, 1000, NULL);
	queue_out(0, WIRE_TH_ACK, 1001, 1, 1000, 1000, NULL);
	queue_out(0, WIRE_TH_PSH | WIRE_TH_ACK, 2001, 1, 1000, 500, NULL);
	struct engine_result r;
	const char *script = "0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1\n"
			     "+0 > P. 1:2501(2500) ack 1\n";
	run(script, &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	/* --strict_segments: each segment as written */
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	queue_out(0, WIRE_TH_ACK, 1, 1, 1000, 1000, NULL);
	char strict[256];
	snprintf(strict, sizeof strict, "--strict_segments\n%s", script);
	run(strict, &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, "len: expected 2500 but got 1000"));
	/* a gap in the sequence is not one segment */
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	queue_out(0, WIRE_TH_ACK, 1, 1, 1000, 1000, NULL);
	queue_out(0, WIRE_TH_ACK, 1501, 1, 1000, 1000, NULL);
	run(script, &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, "piece 2 of the segment does not continue it (seq 1501, "
					  "expected 1001)"));
}

/* `> ...` takes whatever the stack sent up to its time, unchecked (an ISN among it
 * still numbers the later packets), and nothing needs to come; a packet after its time
 * is left for the next line */
static void unchecked_outbound_takes_what_came_by_its_time(void **state)
{
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1, 1000, 0, NULL);
	queue_out(0, WIRE_TH_ACK, 5001, 1, 1000, 100, NULL);
	queue_out(300 * MS, WIRE_TH_ACK | WIRE_TH_PSH, 5101, 1, 1000, 10, NULL);
	queue_out(600 * MS, WIRE_TH_ACK, 5111, 1, 1000, 20, NULL);
	struct engine_result r;
	run("0 < S 0:0(0) win 1000\n0...0.4 > ...\n0.6 > . 111:131(20) ack 1\n"
	    "1 > ...\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1, 1000, 0, NULL);
	queue_out(600 * MS, WIRE_TH_ACK, 5001, 1, 1000, 20, NULL);
	run("0 < S 0:0(0) win 1000\n0 > ...\n0.6 > . 2:22(20) ack 1\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(msg(&r), "seq: expected 2 but got 1"));
}

/* `maxseg N`: the data in segments of any sizes up to N, even with --strict_segments;
 * one larger, or one past the end, fails; PSH is the last segment's.  `head N`: one
 * segment, at the line's start, of at most N octets and not past the line's end */
static void maxseg_takes_smaller_segments_up_to_the_bound(void **state)
{
	static const struct {
		const char *line;               /* the script's data line */
		size_t n, len[3];               /* the stack's segments, from 1 */
		uint16_t psh;                   /* bit i: segment i carries PSH */
		const char *fails;              /* NULL: passes */
		uint32_t urg;                   /* not 0: URG segments, the urgent point */
	} c[] = {
		{ "1:1001(1000) ack 1 maxseg 500", 3, { 464, 464, 72 }, 6, NULL, 0 },
		{ "1:1001(1000) ack 1 maxseg 500", 1, { 1000 }, 1,
		  "len: a segment of 1000 bytes, more than maxseg 500", 0 },
		{ "1:1001(1000) ack 1 maxseg 500", 2, { 400, 600 }, 2,
		  "piece 2 of the segment carries 600 bytes, more than maxseg 500", 0 },
		{ "1:751(750) ack 1 maxseg 500", 3, { 500, 500, 500 }, 6,
		  "len: expected 750 but got 1000 (in several segments)", 0 },
		{ "1:1001(1000) ack 1 maxseg 500", 2, { 500, 500 }, 1,
		  "flags: expected P. but got .", 0 },
		/* `head N`: one segment, the first 1..N octets; PSH only when it is all */
		{ "1:1001(1000) ack 1 head 1000", 1, { 964 }, 0, NULL, 0 },
		{ "1:1001(1000) ack 1 head 1000", 1, { 1000 }, 1, NULL, 0 },
		{ "1:1001(1000) ack 1 head 1000", 1, { 1000 }, 0, "flags: expected P. but got .", 0 },
		{ "1:1001(1000) ack 1 head 500", 1, { 600 }, 1,
		  "len: a segment of 600 bytes, more than head 500", 0 },
		{ "1:1001(1000) ack 1 head 2000", 1, { 1100 }, 1,
		  "len: a segment of 1100 bytes, more than the line's 1000", 0 },
		{ "2:1001(999) ack 1 head 1000", 1, { 964 }, 0, "seq: expected 2 but got 1", 0 },
		/* URG pieces all point at the first one's urgent point */
		{ "1:1001(1000) ack 1 urg 1000 maxseg 500", 3, { 464, 464, 72 }, 4, NULL, 1001 },
		{ "1:1001(1000) ack 1 urg 1000 maxseg 500", 3, { 464, 464, 72 }, 4,
		  "piece 2 of the segment has urg 537, not 536", 1001 },
	};
	for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
		setup(NULL);
		queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
		uint32_t seq = 1;
		for (size_t i = 0; i < c[k].n; i++) {
			/* the second case's second piece points one octet off */
			q_urg_point = c[k].urg + (c[k].fails && i == 1);
			queue_out(0, WIRE_TH_ACK | (c[k].psh >> i & 1 ? WIRE_TH_PSH : 0) |
				  (c[k].urg ? WIRE_TH_URG : 0), seq, 1, 1000, c[k].len[i], NULL);
			seq += c[k].len[i];
		}
		char script[256];
		snprintf(script, sizeof script, "--strict_segments\n0 < S 0:0(0) win 1000\n"
			 "+0 > S. 0:0(0) ack 1\n+0 > P%s. %s\n", c[k].urg ? "U" : "", c[k].line);
		struct engine_result r;
		run(script, &r);
		assert_int_equal(r.verdict, c[k].fails ? ENGINE_FAIL : ENGINE_PASS);
		if (c[k].fails)
			assert_non_null(strstr(r.message, c[k].fails));
	}
}

/* `keepalive` (RFC 9293 3.8.4 MAY-6): the probe with no data or one garbage octet at
 * the line's number; two octets, another seq or ack, or no probe fail; only on an
 * outbound zero-length ACK */
static void keepalive_probe_takes_one_garbage_octet(void **state)
{
	static const struct {
		uint32_t seq, ack;
		size_t len;
		const char *fails;      /* NULL: passes; "": fails (no probe) */
	} c[] = {
		{ 0, 1, 0, NULL },
		{ 0, 1, 1, NULL },
		{ 0, 1, 2, "len: expected 0 but got 2" },
		{ 1, 1, 1, "seq: expected 0 but got 1" },
		{ 0, 2, 1, "ack: expected 1 but got 2" },
		{ 0, 1, 9999, "" },
	};
	for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
		setup(NULL);
		queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
		if (c[k].len != 9999)
			queue_out(1000 * MS, WIRE_TH_ACK, c[k].seq, c[k].ack, 1000, c[k].len, NULL);
		struct engine_result r;
		run("0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1\n+0 < . 1:1(0) ack 1 win 1000\n"
		    "1 > . 0:0(0) ack 1 keepalive\n", &r);
		assert_int_equal(r.verdict, c[k].fails ? ENGINE_FAIL : ENGINE_PASS);
		if (c[k].fails && *c[k].fails)
			assert_non_null(strstr(r.message, c[k].fails));
	}
	/* without the word, the octet is a length the script did not write */
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	queue_out(1000 * MS, WIRE_TH_ACK, 0, 1, 1000, 1, NULL);
	struct engine_result r;
	run("0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1\n+0 < . 1:1(0) ack 1 win 1000\n"
	    "1 > . 0:0(0) ack 1\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, "len: expected 0 but got 1"));
	static const char *const bad[] = {
		"0 > P. 1:11(10) ack 1 keepalive\n", "0 < . 0:0(0) ack 1 win 10 keepalive\n",
		"0 > S. 0:0(0) ack 1 keepalive\n", "0 > . 0:0(0) ack 1 keepalive keepalive\n",
		"0 > . 0:0(0) ack 1 keepalve\n",
	};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		setup(NULL);
		run(bad[k], &r);
		assert_int_equal(r.verdict, ENGINE_ERROR);
		assert_non_null(strstr(r.message, "keepal"));
	}
}

static void symbolic_and_any_option_values(void **state)
{
	struct wire_tcp_opts o = {0};
	wire_opt_add_mss(&o, 1460);
	wire_opt_add_nop(&o);
	wire_opt_add_wscale(&o, 9);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, &o);
	struct engine_result r;
	/* `...` for a value: any; a --define name: its value */
	run("--define MSS=1460\n0 < S 0:0(0) win 1000 <FO COOKIE>\n"
	    "+0 > S. 0:0(0) ack 1 <mss MSS,nop,wscale ...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);    /* COOKIE is not defined: not a skip */
	assert_non_null(strstr(r.message, "TCP option value COOKIE is not defined"));
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, &o);
	run("--define MSS=1460\n--define COOKIE=0a0b0c0d\n0 < S 0:0(0) win 1000 <FO COOKIE>\n"
	    "+0 > S. 0:0(0) ack 1 <mss MSS,nop,wscale ...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	struct wire_packet w;
	wire_parse(M.in[0], M.in_len[0], &w);
	assert_int_equal(w.tcp.opts.opt[0].kind, WIRE_TCPOPT_FASTOPEN);
	assert_int_equal(w.tcp.opts.opt[0].v.tfo.len, 4);
	assert_int_equal(w.tcp.opts.opt[0].v.tfo.cookie[3], 0x0d);
}

static void inbound_packets_must_be_complete(void **state)
{
	/* RFC 9293 gives every segment a window: the script must say which (pkt-dialect.md:
	 * "Inbound packets must give win"); a usage error naming file:line:column, before
	 * anything is sent */
	struct engine_result r;
	run("0 < S 0:0(0) <mss 1000>\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, ":1:1: error: an inbound packet must give win"));
	assert_int_equal(M.n_in, 0);
	/* `...` is a pattern for what the stack sends, not a value to send */
	setup(NULL);
	run("0 < S 0:0(0) win 100 <mss ...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, ":1:23: error: an inbound mss option needs a value"));
	setup(NULL);
	run("0 < S 0:0(0) win 100 <nop,wscale ...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, "inbound wscale option needs a value"));
	setup(NULL);
	run("0 < S 0:0(0) win 100 <TS val ... ecr 0>\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, "inbound TS option needs a val"));
	setup(NULL);
	run("0 < . ...(0) ack 1 win 100\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, "inbound packet needs a sequence number"));
	setup(NULL);
	run("0 < . 1:1(0) ack 1 win 100 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, "inbound packet cannot have <...> options"));
	assert_int_equal(M.n_in, 0);
	/* an undefined symbolic value (a runner's missing -D) is an error named with its
	 * place, never a skip that would hide the missing flag */
	setup(NULL);
	run("0 < S 0:0(0) win 100 <mss MSS>\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, ":1:23: error: TCP option value MSS is not defined"));
	/* a name a suite's runner defines per IP version, used without its -D: a failure
	 * that names the missing definition (packetdrill fails it too), not a skip */
	setup(NULL);
	run("0 setsockopt(3, CMSG_LEVEL_IP, 1, [0], 4) = 0\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, "symbol CMSG_LEVEL_IP is not defined: the suite's "
			       "runner defines it (give --define CMSG_LEVEL_IP=VALUE)"));
}

static void symbolic_values_on_inbound_packets(void **state)
{
	/* --define gives the value an inbound option carries: mss and wscale numbers,
	 * cookie bytes */
	struct engine_result r;
	run("--define MSS=1220\n--define WS=3\n--define C=a1b2\n"
	    "0 < S 0:0(0) win 100 <mss MSS,nop,wscale WS,FOEXP C>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	struct wire_packet w;
	assert_int_equal(wire_parse(M.in[0], M.in_len[0], &w), WIRE_OK);
	assert_int_equal(w.tcp.opts.opt[0].v.mss, 1220);
	assert_int_equal(w.tcp.opts.opt[2].v.wscale, 3);
	assert_int_equal(w.tcp.opts.opt[3].v.tfo.len, 2);
	assert_int_equal(w.tcp.opts.opt[3].v.tfo.cookie[0], 0xa1);
	/* the command line wins over the file */
	setup(NULL);
	struct engine_opts cl;
	memset(&cl, 0, sizeof cl);
	char m[128];
	assert_int_equal(engine_opt_set(&cl, "define", "MSS=536", m, sizeof m), 0);
	strcpy(script_path, "/tmp/test_engine_XXXXXX");
	int fd = mkstemp(script_path);
	const char *text = "--define MSS=1220\n0 < S 0:0(0) win 100 <mss MSS>\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct engine_run_cfg cfg = { .path = script_path, .target = &mock_ops, .cmdline = &cl };
	engine_run_script(&cfg, &r);
	unlink(script_path);
	assert_int_equal(r.verdict, ENGINE_PASS);
	assert_int_equal(wire_parse(M.in[0], M.in_len[0], &w), WIRE_OK);
	assert_int_equal(w.tcp.opts.opt[0].v.mss, 536);
}

static void absolute_numbers_are_sent_and_compared_as_written(void **state)
{
	/* `N!`: not relative to any ISN, in both directions */
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	queue_out(0, WIRE_TH_ACK, 5001, 1001, 1000, 0, NULL);
	struct engine_result r;
	run("0 < S 1000:1000(0) win 1000\n+0 > S. 0:0(0) ack 1001\n"
	    "+0 < . 7:7(0)! ack 9! win 1000\n+0 < . 1:1(0) ack 1 win 1000\n"
	    "+0 > . 5001:5001(0)! ack 1001!\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	struct wire_packet w;
	wire_parse(M.in[1], M.in_len[1], &w);
	assert_int_equal(w.tcp.seq, 7);
	assert_int_equal(w.tcp.ack, 9);
	wire_parse(M.in[2], M.in_len[2], &w);
	assert_int_equal(w.tcp.seq, 1001);
	assert_int_equal(w.tcp.ack, 5001);
	/* an absolute number that is wrong is reported in absolute terms */
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	queue_out(0, WIRE_TH_ACK, 5001, 1001, 1000, 0, NULL);
	run("0 < S 1000:1000(0) win 1000\n+0 > S. 0:0(0) ack 1001\n"
	    "+0 > . 1:1(0)! ack 1001!\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, ":3: error handling packet: seq: expected 1 but got 5001"));
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	queue_out(0, WIRE_TH_ACK, 5001, 1001, 1000, 0, NULL);
	run("0 < S 1000:1000(0) win 1000\n+0 > S. 0:0(0) ack 1001\n+0 > . 1:1(0) ack 1!\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, "ack: expected 1 but got 1001"));
}

static void ts_ecr_any_echoes_the_latest_ts_val(void **state)
{
	struct wire_tcp_opts o = {0};
	wire_opt_add_nop(&o);
	wire_opt_add_nop(&o);
	wire_opt_add_ts(&o, 31337, 10);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, &o);
	struct engine_result r;
	/* outbound: `...` matches any val and any ecr; inbound ecr ...: the live val */
	run("0 < S 0:0(0) win 1000 <TS val 10 ecr ...>\n"
	    "+0 > S. 0:0(0) ack 1 <nop,nop,TS val ... ecr ...>\n"
	    "+0 < . 1:1(0) ack 1 win 1000 <TS val 11 ecr ...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	struct wire_packet w;
	wire_parse(M.in[0], M.in_len[0], &w);
	assert_int_equal(w.tcp.opts.opt[0].v.ts.ecr, 0);      /* nothing sent yet */
	wire_parse(M.in[1], M.in_len[1], &w);
	assert_int_equal(w.tcp.opts.opt[0].v.ts.val, 11);
	assert_int_equal(w.tcp.opts.opt[0].v.ts.ecr, 31337);
}

static void win_is_checked_only_when_given(void **state)
{
	queue_out(0, WIRE_TH_ACK, 1, 1, 4321, 0, NULL);
	queue_out(0, WIRE_TH_ACK, 1, 1, 4321, 0, NULL);
	struct engine_result r;
	run("0 < S 0:0(0) win 1000\n+0 > . 1:1(0) ack 1\n+0 > . 1:1(0) ack 1 win 100\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, ":3: error handling packet: win: expected 100 but got 4321"));
}

static void ts_ecr_is_replaced_by_the_live_ts_val(void **state)
{
	struct wire_tcp_opts o = {0};
	wire_opt_add_nop(&o);
	wire_opt_add_nop(&o);
	wire_opt_add_ts(&o, 777777, 10);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, &o);
	struct engine_result r;
	run_verbose = true;
	run("0 < S 0:0(0) win 1000 <TS val 10 ecr 0>\n"
	    "+0 > S. 0:0(0) ack 1 <nop,nop,TS val 4242 ecr 10>\n"
	    "+0 < . 1:1(0) ack 1 win 1000 <TS val 20 ecr 4242>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);  /* TS val unchecked without a tick */
	struct wire_packet w;
	wire_parse(M.in[1], M.in_len[1], &w);
	assert_int_equal(w.tcp.opts.opt[0].kind, WIRE_TCPOPT_TIMESTAMP);
	assert_int_equal(w.tcp.opts.opt[0].v.ts.val, 20);
	assert_int_equal(w.tcp.opts.opt[0].v.ts.ecr, 777777);
}

/* The actual packet under a field difference prints seq and ack in the numbering the
 * fields were compared in: absolute where the script wrote "ack N!", and a SYN-ACK's
 * ack in the script's own numbers -- never "got 0" beside "ack 11". */
static void actual_packet_numbered_as_compared(void **state)
{
	struct engine_result r;
	/* the peer's ISN 2^32-11: relative ack 11 is absolute ack 0 */
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 4294967286u, 1000, 0, NULL);
	queue_out(0, WIRE_TH_ACK, 1, 0, 1000, 0, NULL);
	run("0 < S 4294967285:4294967285(0) win 1000\n+0 > S. 0:0(0) ack 4294967286 <...>\n"
	    "+0 < . 1:1(0) ack 1 win 1000\n+0 > . 1:1(0) ack 1!\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(msg(&r), "ack: expected 1 but got 0"));
	assert_non_null(strstr(msg(&r), "actual packet: 0.000000 > . 1:1(0) ack 0 win 1000"));
	/* a SYN-ACK's ack: the script's numbers, as compared */
	setup(state);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 4294967287u, 1000, 0, NULL);
	run("0 < S 4294967285:4294967285(0) win 1000\n+0 > S. 0:0(0) ack 4294967286 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(msg(&r), "ack: expected 4294967286 but got 4294967287"));
	assert_non_null(strstr(msg(&r), "actual packet: 0.000000 > S. 0:0(0) ack 4294967287 win"));
}

static void tolerance_is_absolute_or_a_share_of_the_gap(void **state)
{
	struct engine_result r;
	/* late beyond the tolerance: it is not there by the deadline */
	queue_out(5 * MS, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	run("0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(msg(&r), "timed out waiting for the packet (nothing sent by "
				 "0.004000 sec)"));
	/* early: 12.5 % of the 100 ms gap */
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	run("0 < S 0:0(0) win 1000\n+.1 > S. 0:0(0) ack 1 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(msg(&r), "timing error: expected the packet at 0.100000 sec but it "
				 "came at 0.000000 sec (tolerance 0.012500 sec)"));
	/* a field differs AND the time is outside the window: both are named, the one
	 * never hiding the other */
	setup(NULL);
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	run("0 < S 0:0(0) win 1000\n+.1 > S. 0:0(0) ack 2 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(msg(&r), "ack: expected 2 but got 1; timing error: expected the "
				 "packet at 0.100000 sec but it came at 0.000000 sec (tolerance "
				 "0.012500 sec)"));

	setup(NULL);
	queue_out(3 * MS, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	run("0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);

	/* 1 s after the previous event: 12.5 % = 125 ms */
	setup(NULL);
	queue_out(1100 * MS, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	run("0 < S 0:0(0) win 1000\n+1 > S. 0:0(0) ack 1 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);

	/* --tolerance_usecs from an option line */
	setup(NULL);
	queue_out(9 * MS, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	run("--tolerance_usecs=10000\n0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);

	/* a range widens by the tolerance; `*` is never checked */
	setup(NULL);
	queue_out(250 * MS, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	run("0 < S 0:0(0) win 1000\n+.1~+.2 > S. 0:0(0) ack 1 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	setup(NULL);
	queue_out(2500 * MS, WIRE_TH_SYN | WIRE_TH_ACK, 0, 1, 1000, 0, NULL);
	run("0 < S 0:0(0) win 1000\n* > S. 0:0(0) ack 1 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
}

static void a_packet_that_never_comes_fails_at_its_deadline(void **state)
{
	struct engine_result r;
	run("0 < S 0:0(0) win 1000\n+.5 > S. 0:0(0) ack 1 <...>\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(msg(&r), "error handling packet: timed out waiting for the packet "
				 "(nothing sent by 0.562500 sec)"));
}

static void syscall_results_and_errno_are_checked(void **state)
{
	M.calls[0].ret = 3;
	M.calls[1].ret = -1;
	M.calls[1].err = EAGAIN;
	M.n_calls = 2;
	struct engine_result r;
	run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 read(3, ..., 4) = 4\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	assert_non_null(strstr(r.message, ":2: error handling syscall: read: expected 4 but got -1 "
				       "with errno EAGAIN (Resource temporarily unavailable)"));
}

/* Content: inbound payloads carry the peer's stream (engine_stream_byte at each
 * offset), a read must return its next octets, a write gives the target the
 * application's next octets, and an outbound payload must be those at its offset. */
static const char content_script[] =
	"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	"+0 < S 1000:1000(0) win 1000\n"
	"+0 > S. 0:0(0) ack 1001\n"
	"+0 < P. 1:16(15) ack 1 win 1000\n"
	"+0 read(3, ..., 5) = 5\n"
	"+0 read(3, ..., 100) = 10\n"
	"+0 write(3, ..., 10) = 10\n"
	"+0 write(3, ..., 100) = 5\n"
	"+0 > P. 1:16(15) ack 16\n"
	"+1 > P. 1:16(15) ack 16\n";

static void content_setup(void)
{
	M.calls[0].ret = 3;
	M.calls[1].ret = 5;
	M.calls[2].ret = 10;
	M.calls[3].ret = 10;
	M.calls[4].ret = 5;
	M.n_calls = 5;
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	queue_out(0, WIRE_TH_PSH | WIRE_TH_ACK, 5001, 1016, 1000, 15, NULL);
	queue_out(1000 * MS, WIRE_TH_PSH | WIRE_TH_ACK, 5001, 1016, 1000, 15, NULL);
}

static void reads_and_payloads_carry_the_streams_bytes(void **state)
{
	struct engine_result r;
	content_setup();
	run(content_script, &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	struct wire_packet w;
	assert_int_equal(wire_parse(M.in[1], M.in_len[1], &w), WIRE_OK);
	assert_int_equal(w.tcp.payload_len, 15);
	for (uint32_t i = 0; i < 15; i++) {
		assert_int_equal(w.tcp.payload[i], engine_stream_byte(ENGINE_STREAM_IN, i));
		assert_int_equal(M.written[i], engine_stream_byte(ENGINE_STREAM_OUT, i));
	}
	assert_int_equal(M.n_written, 15);
	/* the two directions differ: an echo of the peer's bytes is no write */
	assert_true(memcmp(M.written, w.tcp.payload, 15) != 0);
}

static void a_read_of_old_bytes_fails_with_offset_and_bytes(void **state)
{
	struct engine_result r;
	content_setup();
	M.wrong_at = 7;         /* from offset 7 on the octets of offset 3 on */
	M.rd_shift = 4;
	run(content_script, &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	char want[200];
	snprintf(want, sizeof want, ":6: error handling syscall: read: content: byte 2 of 10 "
		 "read is not the peer's byte at stream offset 7: expected 0x%02x but got 0x%02x",
		 engine_stream_byte(ENGINE_STREAM_IN, 7), engine_stream_byte(ENGINE_STREAM_IN, 3));
	assert_non_null(strstr(r.message, want));
	/* --no_content_check: lengths only */
	setup(NULL);
	content_setup();
	M.wrong_at = 7;
	M.rd_shift = 4;
	char opt[1024];
	snprintf(opt, sizeof opt, "--no_content_check\n%s", content_script);
	run(opt, &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
}

static void a_payload_of_other_bytes_fails(void **state)
{
	struct engine_result r;
	M.calls[0].ret = 3;
	M.calls[1].ret = 5;
	M.calls[2].ret = 10;
	M.calls[3].ret = 10;
	M.calls[4].ret = 5;
	M.n_calls = 5;
	queue_out(0, WIRE_TH_SYN | WIRE_TH_ACK, 5000, 1001, 1000, 0, NULL);
	queue_out(0, WIRE_TH_PSH | WIRE_TH_ACK, 5001, 1016, 1000, 15, NULL);
	M.isn[0].isn = 4999;    /* the retransmission carries the octets one further on */
	queue_out(1000 * MS, WIRE_TH_PSH | WIRE_TH_ACK, 5001, 1016, 1000, 15, NULL);
	run(content_script, &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	char want[200];
	snprintf(want, sizeof want, ":10: error handling packet: payload: byte 0 of 15 is not "
		 "the application's byte at stream offset 0: expected 0x%02x but got 0x%02x",
		 engine_stream_byte(ENGINE_STREAM_OUT, 0), engine_stream_byte(ENGINE_STREAM_OUT, 1));
	assert_non_null(strstr(r.message, want));
}

/* NULL (or 0) as a buffer reaches the target as a NULL pointer (the target answers:
 * EFAULT on Linux); `...` and a length of 0 do not change that, and an iovec's NULL
 * base is marked by its index. */
static void null_buffers_reach_the_target(void **state)
{
	struct engine_result r;
	for (int i = 0; i < 9; i++) {
		M.calls[i].ret = -1;
		M.calls[i].err = EFAULT;
	}
	M.calls[2].ret = 0;
	M.calls[2].err = 0;
	M.calls[8].ret = 10;
	M.calls[8].err = 0;
	M.n_calls = 9;
	run("0 write(3, NULL, 1000) = -1 EFAULT (Bad address)\n"
	    "+0 read(3, NULL, 1000) = -1 EFAULT (Bad address)\n"
	    "+0 send(3, 0, 0, 0) = 0\n"
	    "+0 recv(3, NULL, 10, 0) = -1 EFAULT\n"
	    "+0 sendto(3, NULL, 10, 0, ..., ...) = -1 EFAULT\n"
	    "+0 recvfrom(3, NULL, 10, 0, ..., ...) = -1 EFAULT\n"
	    "+0 writev(3, [{..., 10}, {NULL, 10}, {iov_base=NULL, iov_len=5}], 3) = -1 EFAULT\n"
	    "+0 readv(3, [{NULL, 10}], 1) = -1 EFAULT\n"
	    "+0 write(3, ..., 10) = 10\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	assert_int_equal(M.n_seen, 9);
	for (int i = 0; i < 6; i++)
		assert_true(M.seen_null_buf[i]);
	assert_int_equal(M.seen[0], TARGET_CALL_WRITE);
	assert_int_equal(M.seen[5], TARGET_CALL_RECVFROM);
	assert_false(M.seen_null_buf[6]);
	assert_int_equal(M.seen_null_iov[6], 0x6);     /* the second and third iovecs */
	assert_int_equal(M.seen_null_iov[7], 0x1);
	assert_false(M.seen_null_buf[8]);               /* `...` is a buffer */
	assert_int_equal(M.seen_null_iov[8], 0);
}

static void non_fatal_turns_mismatches_into_warnings(void **state)
{
	M.calls[0].ret = 5;
	M.n_calls = 1;
	struct engine_result r;
	run("--non_fatal=syscall\n0 write(3, ..., 4) = 4\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
}

static void blocking_calls_are_checked_against_their_window(void **state)
{
	M.calls[0].ret = 10;
	M.calls[0].pending_until = 200 * MS;
	M.n_calls = 1;
	struct engine_result r;
	run("0...0.2 read(3, ..., 10) = 10\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);

	setup(NULL);
	M.calls[0].ret = 10;
	M.calls[0].pending_until = 500 * MS;
	M.n_calls = 1;
	run("0...0.2 read(3, ..., 10) = 10\n", &r);
	assert_int_equal(r.verdict, ENGINE_FAIL);
	/* the message says what happened: not returned by the deadline (window end
	 * plus tolerance), not "still blocked" at a time before it */
	assert_non_null(strstr(msg(&r), "error handling syscall: read: timing error: expected the "
				 "call to return at 0.200000 sec (tolerance 0.025000 sec) but it "
				 "did not return by the deadline of 0.225000 sec"));
}

static void unknown_calls_and_options_are_reported(void **state)
{
	struct engine_result r;
	/* a name no system has is a mistake in the script: an error, never a skip */
	run("0 frobnicate(3) = 0\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, ":1:3: error: unknown system call frobnicate()"));
	run("0 raed(3, ..., 10) = 10\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, "unknown system call raed(); did you mean read?"));
	run("0 socket(..., SOCK_STRAEM, IPPROTO_TCP) = 3\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, "unknown symbol SOCK_STRAEM; did you mean SOCK_STREAM?"));
	run("0 read(3, ..., 10) = -1 ETIMEOUT\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, "unknown errno name ETIMEOUT; did you mean ETIMEDOUT?"));
	/* a real call tcpspec does not run stays unsupported */
	run("0 socketpair(AF_UNIX, SOCK_STREAM, 0, [3, 4]) = 0\n", &r);
	assert_int_equal(r.verdict, ENGINE_SKIP);
	assert_non_null(strstr(r.message, "system call socketpair() is not supported"));
	run("--frob=1\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, ":1:1: error: unknown option --frob"));
	run("--tolerence_usecs=1\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n", &r);
	assert_int_equal(r.verdict, ENGINE_ERROR);
	assert_non_null(strstr(r.message, "did you mean --tolerance_usecs?"));
}

static void option_values(void **state)
{
	struct engine_opts o;
	char m[128];
	memset(&o, 0, sizeof o);
	assert_int_equal(engine_opt_set(&o, "tolerance_usecs", "10000", m, sizeof m), 0);
	assert_int_equal(o.tolerance_usecs, 10000);
	assert_int_equal(engine_opt_set(&o, "tolerance_percent", "x", m, sizeof m), -1);
	assert_string_equal(m, "bad value for --tolerance_percent: 'x' (a percentage, 0 to 100)");
	assert_int_equal(engine_opt_set(&o, "tolerance_percent", "nan", m, sizeof m), -1);
	assert_int_equal(engine_opt_set(&o, "non_fatal", "packet", m, sizeof m), 0);
	assert_true(o.non_fatal_packet);
	assert_false(o.non_fatal_syscall);
	assert_int_equal(engine_opt_set(&o, "netmask_ip", "255.255.0.0", m, sizeof m), 0);
	assert_int_equal(o.prefix_len, 16);
	assert_int_equal(engine_opt_set(&o, "ip_version", "ipv4-mapped-ipv6", m, sizeof m), 0);
	assert_int_equal(o.ip_version, TARGET_IPV4_MAPPED_IPV6);
	assert_int_equal(engine_opt_set(&o, "define", "X=1", m, sizeof m), 0);
	assert_string_equal(o.defines[0][0], "X");
	struct engine_opts d;
	memset(&d, 0, sizeof d);
	d.tolerance_usecs = 1;
	engine_opts_merge(&d, &o);
	assert_int_equal(d.tolerance_usecs, 10000);   /* the command line wins */
}

/* The engine reads every name of dsl's option list (DSL_OPTNAMES) and no other: a name
 * the parser accepts on an option line is never "unknown" to the engine, and both
 * spellings ('-' and '_') and -DNAME=VALUE work on the command line too. */
static void option_names_are_dsls_list(void **state)
{
	char m[160];
	for (int id = 0; id < DSL_OPTNAME_COUNT; id++) {
		struct engine_opts o;
		memset(&o, 0, sizeof o);
		const char *name = dsl_optname_text(id);
		m[0] = 0;
		int rc = engine_opt_set(&o, name, "1", m, sizeof m);
		if (rc != 0)
			assert_null(strstr(m, "unknown option"));
		/* and the parser takes it on an option line */
		char text[128];
		snprintf(text, sizeof text, "--%s=1\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n",
			 name);
		struct dsl_file *f = NULL;
		struct dsl_diags dg = {0};
		assert_int_equal(dsl_parse_buffer("t.pkt", text, strlen(text), &f, &dg), DSL_OK);
		dsl_free(f);
		dsl_diags_free(&dg);
	}
	struct engine_opts o;
	memset(&o, 0, sizeof o);
	assert_int_equal(engine_opt_set(&o, "tolerance-usecs", "7", m, sizeof m), 0);
	assert_int_equal(o.tolerance_usecs, 7);
	assert_int_equal(engine_opt_set(&o, "DMSS=536", NULL, m, sizeof m), 0);
	assert_string_equal(o.defines[0][0], "MSS");
	assert_string_equal(o.defines[0][1], "536");
	assert_int_equal(engine_opt_set(&o, "frob", "1", m, sizeof m), -1);
	assert_string_equal(m, "unknown option --frob");
	/* a name the parser calls unsupported is not read by the engine either */
	assert_int_equal(dsl_optname_lookup("wire_client", 11), DSL_OPTNAME_UNSUPPORTED);
	assert_int_equal(engine_opt_set(&o, "wire_client", "1", m, sizeof m), -1);
	assert_string_equal(m, "unknown option --wire_client");
	/* TCP over UDP is read (a target that has none skips the script); only "tcp" */
	assert_int_equal(dsl_optname_lookup("udp_encapsulation", 17),
			 DSL_OPTNAME_UDP_ENCAPSULATION);
	assert_int_equal(engine_opt_set(&o, "udp_encapsulation", "tcp", m, sizeof m), 0);
	assert_true(o.udp_encap);
	assert_int_equal(engine_opt_set(&o, "udp_encapsulation", "sctp", m, sizeof m), -1);
	assert_string_equal(m, "bad value for --udp_encapsulation: 'sctp' (tcp (TCP over UDP))");
}

/* A target that crashes on listen() and never returns from shutdown(), run through
 * engine_jobs_run's reusable workers (no TARGET_OWN_PROCESS). */
static int crash_call(struct target *t, const struct target_call *c, struct target_result *r)
{
	if (c->kind == TARGET_CALL_LISTEN)
		abort();
	if (c->kind == TARGET_CALL_SHUTDOWN)
		for (;;)
			pause();
	memset(r, 0, sizeof *r);
	r->ret = c->kind == TARGET_CALL_SOCKET ? 3 : 0;
	r->start_ns = r->end_ns = M.now;
	return TARGET_OK;
}

static void write_script(char *path, const char *text)
{
	strcpy(path, "/tmp/test_engine_jobs_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void jobs_survive_crashes_and_hangs(void **state)
{
	struct target_ops ops = mock_ops;
	ops.call = crash_call;
	char ok[64], crash[64], hang[64];
	write_script(ok, "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
	write_script(crash, "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 listen(3, 1) = 0\n");
	write_script(hang, "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n\n"
		     "+0 shutdown(3, SHUT_WR) = 0\n+0 close(3) = 0\n");
	/* one worker: every job after a crash or a hang still runs, in a new worker */
	struct engine_job j[5];
	memset(j, 0, sizeof j);
	j[0].path = ok;
	j[1].path = crash;
	j[2].path = ok;
	j[3].path = hang;
	j[4].path = ok;
	struct engine_jobs_cfg cfg = { .target = &ops, .jobs = 1, .timeout_ms = 300 };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(engine_jobs_run(&cfg, j, 5), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	unlink(ok);
	unlink(crash);
	unlink(hang);
	assert_int_equal(j[0].res.verdict, ENGINE_PASS);
	assert_int_equal(j[1].res.verdict, ENGINE_FAIL);
	assert_non_null(strstr(j[1].res.message, ":2: error: the script's process died without "
				"a verdict (signal 6)"));
	assert_int_equal(j[2].res.verdict, ENGINE_PASS);
	assert_int_equal(j[3].res.verdict, ENGINE_FAIL);
	assert_non_null(strstr(j[3].res.message, ":3: error: the script did not finish within "
				"0.3 s of wall time (--timeout)"));
	assert_int_equal(j[4].res.verdict, ENGINE_PASS);
	double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs >= 0.3 && secs < 5);
}

static void ancillary_data_is_unsupported_never_passed(void **state)
{
	struct engine_result r;
	run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	    "+0 recvmsg(3, {msg_iov(1)=[{...,10}], msg_control=[{cmsg_level=SOL_IP, "
	    "cmsg_type=IP_TOS, cmsg_data=0x3}], msg_flags=0}, 0) = 10\n", &r);
	assert_int_equal(r.verdict, ENGINE_SKIP);
	assert_non_null(strstr(r.message, ":2: unsupported: the mock target does not return "
				"ancillary data (msg_control)"));
	/* none at all is fine */
	setup(NULL);
	run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	    "+0 recvmsg(3, {msg_iov(1)=[{...,10}], msg_control=NULL, msg_flags=0}, 0) = 0\n", &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	/* splice with an offset: unsupported, named */
	setup(NULL);
	run("0 splice(3, [0], 4, NULL, 10, 0) = 10\n", &r);
	assert_int_equal(r.verdict, ENGINE_SKIP);
	assert_non_null(strstr(r.message, "splice() with an offset is not supported"));
}

/* A target with ancillary data: recvmsg returns TCP_CM_INQ 7 (an int). */
static int cmsg_call(struct target *t, const struct target_call *c, struct target_result *r)
{
	m_call(t, c, r);
	if (c->kind == TARGET_CALL_RECVMSG && c->controllen >= CMSG_SPACE(sizeof(int))) {
		struct msghdr mh = { .msg_control = r->control, .msg_controllen = sizeof r->control };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = 6;             /* SOL_TCP */
		cm->cmsg_type = 36;             /* TCP_CM_INQ */
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		int v = 7;
		memcpy(CMSG_DATA(cm), &v, sizeof v);
		r->controllen = CMSG_SPACE(sizeof(int));
	}
	return TARGET_OK;
}

static void recvmsg_ancillary_data_is_compared(void **state)
{
	struct target_ops ops = mock_ops;
	ops.caps |= TARGET_CMSG;
	ops.call = cmsg_call;
	static const char *const scripts[] = {
		"{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=7}",
		"{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=8}",
		"{cmsg_level=SOL_IP, cmsg_type=IP_TOS, cmsg_data=7}",
		"{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=7}, "
		"{cmsg_level=SOL_IP, cmsg_type=IP_TOS, cmsg_data=1}",
		"{cmsg_level=SOL_SOCKET, cmsg_type=SCM_TIMESTAMPING, cmsg_data={tv_sec=0}}",
		"{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data={ee_errno=0}}",
	};
	static const char *const want[] = {
		NULL,
		":2: error handling syscall: recvmsg: msg_control 1: cmsg_data: expected 8 but got 7",
		":2: error handling syscall: recvmsg: msg_control 1: expected level 0 type 1 but got "
		"level 6 type 36",
		":2: error handling syscall: recvmsg: msg_control: expected 2 control messages but got 1",
		":2: unsupported: unsupported cmsg_data field tv_sec",
		":2: error handling syscall: recvmsg: msg_control 1: 4 bytes of data, too short for "
		"the structure expected",
	};
	for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
		setup(NULL);
		char text[512];
		snprintf(text, sizeof text, "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
			 "+0 recvmsg(3, {msg_iov(1)=[{...,10}], msg_control=[%s], msg_flags=0}, 0) = 0\n",
			 scripts[i]);
		strcpy(script_path, "/tmp/test_engine_XXXXXX");
		int fd = mkstemp(script_path);
		assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
		close(fd);
		struct engine_run_cfg cfg = { .path = script_path, .target = &ops };
		struct engine_result r;
		engine_run_script(&cfg, &r);
		unlink(script_path);
		if (!want[i]) {
			assert_int_equal(r.verdict, ENGINE_PASS);
			continue;
		}
		if (!strstr(r.message, want[i]))
			fprintf(stderr, "# %s\n", r.message);
		assert_non_null(strstr(r.message, want[i]));
		assert_int_equal(r.verdict, strstr(want[i], "unsupported") ? ENGINE_SKIP : ENGINE_FAIL);
	}
}

/* A queued error (struct sock_extended_err) as IP_RECVERR brings it: a zerocopy
 * completion of sends 3..7 that the kernel copied. */
static int exterr_call(struct target *t, const struct target_call *c, struct target_result *r)
{
	m_call(t, c, r);
	struct sock_extended_err e = { .ee_errno = 0, .ee_origin = SO_EE_ORIGIN_ZEROCOPY,
				       .ee_code = SO_EE_CODE_ZEROCOPY_COPIED, .ee_info = 3,
				       .ee_data = 7 };
	if (c->kind == TARGET_CALL_RECVMSG && c->controllen >= CMSG_SPACE(sizeof e)) {
		struct msghdr mh = { .msg_control = r->control, .msg_controllen = sizeof r->control };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_IP;
		cm->cmsg_type = IP_RECVERR;
		cm->cmsg_len = CMSG_LEN(sizeof e);
		memcpy(CMSG_DATA(cm), &e, sizeof e);
		r->controllen = CMSG_SPACE(sizeof e);
	}
	return TARGET_OK;
}

/* Structured cmsg_data: the named fields of the error compared one by one, every
 * difference named; the unnamed ones not compared. */
static void recvmsg_queued_error_fields(void **state)
{
	(void)state;
	struct target_ops ops = mock_ops;
	ops.caps |= TARGET_CMSG;
	ops.call = exterr_call;
	static const char *const data[] = {
		"{ee_errno=0, ee_origin=SO_EE_ORIGIN_ZEROCOPY, ee_type=0, "
		"ee_code=SO_EE_CODE_ZEROCOPY_COPIED, ee_info=3, ee_data=7}",
		"{ee_origin=SO_EE_ORIGIN_ZEROCOPY, ee_data=7}",
		"{ee_errno=ENOMSG, ee_origin=SO_EE_ORIGIN_ZEROCOPY, ee_info=3, ee_data=8}",
		"{ee_data=7, scm_sec=0}",
	};
	static const char *const want[] = {
		NULL,
		NULL,
		":2: error handling syscall: recvmsg: msg_control 1: cmsg_data: ee_errno: expected "
		"42 but got 0; ee_data: expected 8 but got 7",
		":2: unsupported: cmsg_data mixes fields of two structures (scm_sec)",
	};
	for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
		setup(NULL);
		char text[512];
		snprintf(text, sizeof text, "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
			 "+0 recvmsg(3, {msg_iov(1)=[{...,0}], msg_control=[{cmsg_level=SOL_IP, "
			 "cmsg_type=IP_RECVERR, cmsg_data=%s}], msg_flags=0}, MSG_ERRQUEUE) = 0\n",
			 data[i]);
		strcpy(script_path, "/tmp/test_engine_XXXXXX");
		int fd = mkstemp(script_path);
		assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
		close(fd);
		struct engine_run_cfg cfg = { .path = script_path, .target = &ops };
		struct engine_result r;
		engine_run_script(&cfg, &r);
		unlink(script_path);
		if (!want[i]) {
			if (r.verdict != ENGINE_PASS)
				fprintf(stderr, "# %s\n", r.message);
			assert_int_equal(r.verdict, ENGINE_PASS);
			continue;
		}
		if (!strstr(r.message, want[i]))
			fprintf(stderr, "# %s\n", r.message);
		assert_non_null(strstr(r.message, want[i]));
	}
}

/* The engine hands the target the ARG of its spec (plugin:PATH) as plugin_path. */
static void plugin_path_reaches_the_target(void **state)
{
	struct target_ops ops = mock_ops;
	ops.arg = "/tmp/stack.so";
	strcpy(script_path, "/tmp/test_engine_XXXXXX");
	int fd = mkstemp(script_path);
	const char *text = "0 < S 0:0(0) win 100\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct engine_run_cfg cfg = { .path = script_path, .target = &ops };
	struct engine_result r;
	m_plugin_path = NULL;
	engine_run_script(&cfg, &r);
	assert_int_equal(r.verdict, ENGINE_PASS);
	assert_non_null(m_plugin_path);
	assert_string_equal(m_plugin_path, "/tmp/stack.so");
	cfg.target = &mock_ops;
	m_plugin_path = "unset";
	engine_run_script(&cfg, &r);
	unlink(script_path);
	assert_int_equal(r.verdict, ENGINE_PASS);
	assert_null(m_plugin_path);
}

static void reports(void **state)
{
	struct engine_job j[6];
	memset(j, 0, sizeof j);
	for (int i = 0; i < 6; i++)
		j[i].state = ENGINE_JOB_DONE;
	j[0].path = "a.pkt";
	j[1].path = "b<&>.pkt";
	j[1].res.verdict = ENGINE_FAIL;
	strcpy(j[1].res.message, "b.pkt:3: error handling packet: ack: expected 2 but got 1\n"
				 "script packet: x");
	j[2].path = "c.pkt";
	j[2].res.verdict = ENGINE_SKIP;
	strcpy(j[2].res.message, "c.pkt:1: unsupported: sctp");
	/* a failure the target's expectations document, one listed that passes, and one
	 * the run never started (interrupted) */
	j[3].path = "d.pkt";
	j[3].res.verdict = ENGINE_FAIL;
	j[3].res.departed = true;
	j[3].expected = "Linux sends an initial window of 10";
	strcpy(j[3].res.message, "d.pkt:9: error handling packet: timing error");
	j[4].path = "e.pkt";
	j[4].expected = "was a deviation once";
	j[5].path = "f.pkt";
	j[5].state = ENGINE_JOB_NOT_RUN;
	assert_int_equal(engine_job_status(&j[3]), ENGINE_ST_DEVIATION);
	{
		/* only a departure from the script can be documented: a listed script that
		 * did not parse, or was stopped (timeout, crash), keeps its status */
		struct engine_job k = j[3];
		k.res.departed = false;
		assert_int_equal(engine_job_status(&k), ENGINE_ST_FAIL);
		k.res.verdict = ENGINE_ERROR;
		assert_int_equal(engine_job_status(&k), ENGINE_ST_ERROR);
		k.res.departed = true;
		assert_int_equal(engine_job_status(&k), ENGINE_ST_ERROR);
	}
	assert_int_equal(engine_job_status(&j[4]), ENGINE_ST_STALE);
	assert_int_equal(engine_job_status(&j[5]), ENGINE_ST_NOT_RUN);
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	engine_write_tap(f, j, 6);
	fclose(f);
	assert_non_null(strstr(buf, "1..6\nok 1 - a.pkt [ipv4]\nnot ok 2 - b<&>.pkt [ipv4]\n"
				    "# b.pkt:3: error handling packet: ack: expected 2 but got 1\n"
				    "# script packet: x\nok 3 - c.pkt [ipv4] # SKIP c.pkt:1: unsupported: sctp\n"));
	assert_non_null(strstr(buf, "not ok 4 - d.pkt [ipv4] # TODO documented deviation: Linux "
				    "sends an initial window of 10\n"));
	assert_non_null(strstr(buf, "ok 5 - e.pkt [ipv4] # TODO stale expectation"));
	assert_non_null(strstr(buf, "not ok 6 - f.pkt [ipv4]\n# not run"));
	free(buf);
	f = open_memstream(&buf, &len);
	engine_write_junit(f, j, 6, "linux");
	fclose(f);
	assert_non_null(strstr(buf, "failures=\"1\" errors=\"1\" skipped=\"2\""));
	assert_non_null(strstr(buf, "name=\"b&lt;&amp;&gt;.pkt\""));
	assert_non_null(strstr(buf, "<skipped type=\"skipped\" message=\"c.pkt:1: unsupported: sctp\"/>"));
	assert_non_null(strstr(buf, "<property name=\"tcpspec.status\" value=\"deviation\"/>"));
	assert_non_null(strstr(buf, "<skipped type=\"deviation\" message=\"documented deviation: "
				    "Linux sends an initial window of 10\"/>"));
	assert_non_null(strstr(buf, "<error type=\"not run\""));
	free(buf);
	f = open_memstream(&buf, &len);
	engine_write_json(f, j, 6, "linux");
	fclose(f);
	assert_non_null(strstr(buf, "\"verdict\": \"FAIL\", \"status\": \"fail\""));
	assert_non_null(strstr(buf, "\"status\": \"deviation\", \"stale_expectation\": false, "
				    "\"expectation\": \"Linux sends"));
	assert_non_null(strstr(buf, "\"status\": \"not run\""));
	assert_non_null(strstr(buf, "\"exit_code\": null"));
	assert_non_null(strstr(buf, "\"deviation\": 1, \"fail\": 1"));
	assert_non_null(strstr(buf, "expected 2 but got 1\\nscript packet: x"));
	free(buf);
}

/* run (engine_job_status) and report (engine_grade_result) classify through one
 * function: for every kind of result, with and without an expectation, run's status
 * is report's cell at level MUST split by verdict, and report grades a timeout or
 * crash (a failure that did not depart from the script) as a failure even when
 * listed. */
static void run_and_report_classify_alike(void **state)
{
	(void)state;
	static const struct {
		enum engine_verdict v;
		bool departed;
		const char *msg;
		enum engine_status plain, listed;   /* without / with an expectation */
	} k[] = {
		{ ENGINE_PASS, false, "", ENGINE_ST_PASS, ENGINE_ST_STALE },
		{ ENGINE_FAIL, true, "x.pkt:3: error handling packet", ENGINE_ST_FAIL,
		  ENGINE_ST_DEVIATION },
		{ ENGINE_FAIL, false, "x.pkt:3: the script did not finish", ENGINE_ST_FAIL,
		  ENGINE_ST_FAIL },
		{ ENGINE_ERROR, false, "x.pkt:3: parse error", ENGINE_ST_ERROR, ENGINE_ST_ERROR },
		{ ENGINE_SKIP, false, "x.pkt:3: unsupported: y", ENGINE_ST_SKIP, ENGINE_ST_SKIP },
		{ ENGINE_SKIP, false, "x.pkt:3: not applicable: the stack did not offer SACK",
		  ENGINE_ST_SKIP, ENGINE_ST_SKIP },
		{ ENGINE_UNAVAILABLE, false, "no /dev/net/tun", ENGINE_ST_UNAVAILABLE,
		  ENGINE_ST_UNAVAILABLE },
	};
	static const enum engine_grade_cell cell_of[ENGINE_ST_COUNT] = {
		[ENGINE_ST_PASS] = ENGINE_GRADE_PASS, [ENGINE_ST_STALE] = ENGINE_GRADE_PASS,
		[ENGINE_ST_DEVIATION] = ENGINE_GRADE_DEVIATION,
		[ENGINE_ST_FAIL] = ENGINE_GRADE_FAIL, [ENGINE_ST_ERROR] = ENGINE_GRADE_FAIL,
		[ENGINE_ST_SKIP] = ENGINE_GRADE_SKIP, [ENGINE_ST_UNAVAILABLE] = ENGINE_GRADE_SKIP,
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
		for (int listed = 0; listed < 2; listed++) {
			struct engine_job j = { .path = "x.pkt", .state = ENGINE_JOB_DONE };
			j.res.verdict = k[i].v;
			j.res.departed = k[i].departed;
			snprintf(j.res.message, sizeof j.res.message, "%s", k[i].msg);
			j.expected = listed ? "SHOULD: documented" : NULL;
			enum engine_status st = engine_job_status(&j);
			assert_int_equal(st, listed ? k[i].listed : k[i].plain);
			struct engine_grade g =
				engine_grade_result(&j.res, ENGINE_LEVEL_MUST, j.expected);
			enum engine_grade_cell want = cell_of[st];
			if (want == ENGINE_GRADE_SKIP && engine_reason_not_applicable(k[i].msg))
				want = ENGINE_GRADE_NA;
			assert_int_equal(g.cell, want);
			assert_int_equal(g.stale, st == ENGINE_ST_STALE);
		}
	/* by level, report alone turns an unexplained SHOULD failure into a deviation;
	 * a timeout stays a failure whatever the level */
	struct engine_result r = { .verdict = ENGINE_FAIL, .departed = true };
	assert_int_equal(engine_grade_result(&r, ENGINE_LEVEL_SHOULD, NULL).cell,
			 ENGINE_GRADE_DEVIATION);
	r.departed = false;
	assert_int_equal(engine_grade_result(&r, ENGINE_LEVEL_SHOULD, "SHOULD: x").cell,
			 ENGINE_GRADE_FAIL);
}

/* Grading by requirement level (tcpspec report): a MUST failure fails, a SHOULD or
 * MAY failure is a deviation of its level, an expectation's "LEVEL:" prefix names the
 * level it breaks, and a skip saying "not applicable:" has its own verdict. */
static void grades_follow_the_requirement_level(void **state)
{
	(void)state;
	const char *rest = NULL;
	assert_int_equal(engine_level_parse(" SHOULD: RFC 6298 2.1 ...", &rest), ENGINE_LEVEL_SHOULD);
	assert_string_equal(rest, "RFC 6298 2.1 ...");
	assert_int_equal(engine_level_parse("must", NULL), ENGINE_LEVEL_MUST);
	assert_int_equal(engine_level_parse("MAY", NULL), ENGINE_LEVEL_MAY);
	assert_int_equal(engine_level_parse("MUSTARD: no", NULL), ENGINE_LEVEL_NONE);
	assert_int_equal(engine_level_parse("must-ish", NULL), ENGINE_LEVEL_NONE);
	assert_int_equal(engine_level_parse("lwIP sets ACK on RSTs", NULL), ENGINE_LEVEL_NONE);
	assert_int_equal(engine_level_parse(NULL, NULL), ENGINE_LEVEL_NONE);
	assert_string_equal(engine_level_name(ENGINE_LEVEL_SHOULD), "SHOULD");
	assert_string_equal(engine_grade_name(ENGINE_GRADE_NA), "not applicable");

	struct engine_grade g;
	g = engine_grade(ENGINE_FAIL, "x.pkt:3: error", ENGINE_LEVEL_MUST, NULL);
	assert_int_equal(g.cell, ENGINE_GRADE_FAIL);
	assert_int_equal(g.level, ENGINE_LEVEL_MUST);
	g = engine_grade(ENGINE_FAIL, "x.pkt:3: error", ENGINE_LEVEL_NONE, NULL);
	assert_int_equal(g.cell, ENGINE_GRADE_FAIL);      /* no level: graded as MUST */
	g = engine_grade(ENGINE_FAIL, "x.pkt:3: error", ENGINE_LEVEL_SHOULD, NULL);
	assert_int_equal(g.cell, ENGINE_GRADE_DEVIATION);
	assert_int_equal(g.level, ENGINE_LEVEL_SHOULD);
	g = engine_grade(ENGINE_FAIL, "x.pkt:3: error", ENGINE_LEVEL_MAY, NULL);
	assert_int_equal(g.cell, ENGINE_GRADE_DEVIATION);
	assert_int_equal(g.level, ENGINE_LEVEL_MAY);
	g = engine_grade(ENGINE_ERROR, "x.pkt:3: parse error", ENGINE_LEVEL_SHOULD, NULL);
	assert_int_equal(g.cell, ENGINE_GRADE_FAIL);      /* the suite's own fault */
	g = engine_grade(ENGINE_ERROR, "x.pkt:3: parse error", ENGINE_LEVEL_MUST, "MUST: listed");
	assert_int_equal(g.cell, ENGINE_GRADE_FAIL);      /* no expectation covers it */
	g = engine_grade(ENGINE_FAIL, "x", ENGINE_LEVEL_MUST, "SHOULD: RFC 6298 2.1: 1 s");
	assert_int_equal(g.cell, ENGINE_GRADE_DEVIATION);
	assert_int_equal(g.level, ENGINE_LEVEL_SHOULD);
	g = engine_grade(ENGINE_FAIL, "x", ENGINE_LEVEL_MUST, "documented without a level");
	assert_int_equal(g.cell, ENGINE_GRADE_DEVIATION);
	assert_int_equal(g.level, ENGINE_LEVEL_MUST);
	g = engine_grade(ENGINE_PASS, "", ENGINE_LEVEL_MUST, "MUST: listed");
	assert_int_equal(g.cell, ENGINE_GRADE_PASS);
	assert_true(g.stale);
	g = engine_grade(ENGINE_PASS, "", ENGINE_LEVEL_MUST, NULL);
	assert_false(g.stale);

	/* skips: unsupported here, or not applicable to this stack */
	g = engine_grade(ENGINE_SKIP, "x.pkt:7: unsupported: the lwip target cannot take SO_RCVBUF",
			 ENGINE_LEVEL_MUST, NULL);
	assert_int_equal(g.cell, ENGINE_GRADE_SKIP);
	g = engine_grade(ENGINE_SKIP, "x.pkt:12: not applicable: the stack did not offer timestamps",
			 ENGINE_LEVEL_MUST, "MUST: an expectation does not turn it into a deviation");
	assert_int_equal(g.cell, ENGINE_GRADE_NA);
	g = engine_grade(ENGINE_SKIP, "not applicable: the stack did not offer SACK",
			 ENGINE_LEVEL_SHOULD, NULL);
	assert_int_equal(g.cell, ENGINE_GRADE_NA);
	g = engine_grade(ENGINE_UNAVAILABLE, "no /dev/net/tun", ENGINE_LEVEL_MUST, NULL);
	assert_int_equal(g.cell, ENGINE_GRADE_SKIP);
	/* only at the start of the reason (after FILE:LINE:), on its first line */
	assert_false(engine_reason_not_applicable("x.pkt:7: unsupported: not applicable: y"));
	assert_false(engine_reason_not_applicable("x.pkt:7: unsupported\nnot applicable: y"));
	assert_false(engine_reason_not_applicable(NULL));
	assert_true(engine_reason_not_applicable("dir/x y.pkt:17: not applicable: the stack did "
						 "not offer window scaling"));
}

/* The path vector tcpspec run and tcpspec report share: copies, byte-order sorting
 * (the run order of a directory does not follow the locale), reuse after free. */
static void string_vector_copies_sorts_and_frees(void **state)
{
	(void)state;
	struct engine_strv s = {0};
	char buf[16];
	for (int i = 99; i >= 0; i--) {     /* past the first capacity of 64 */
		snprintf(buf, sizeof buf, "p%02d", i);
		assert_int_equal(engine_strv_add(&s, buf), 0);
	}
	buf[0] = 'X';                       /* the vector holds its own copies */
	assert_int_equal(s.n, 100);
	assert_string_equal(s.v[0], "p99");
	assert_int_equal(engine_strv_add(&s, "B.pkt"), 0);
	assert_int_equal(engine_strv_add(&s, "a.pkt"), 0);
	engine_strv_sort(&s);
	assert_string_equal(s.v[0], "B.pkt");          /* 'B' < 'a' < 'p' in bytes */
	assert_string_equal(s.v[1], "a.pkt");
	assert_string_equal(s.v[2], "p00");
	assert_string_equal(s.v[101], "p99");
	engine_strv_free(&s);
	assert_null(s.v);
	assert_int_equal(s.n, 0);
	engine_strv_sort(&s);                           /* empty: nothing to do */
	assert_int_equal(engine_strv_add(&s, "again"), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0], "again");
	engine_strv_free(&s);
}

/* --pcap file stems: the script's name, lengthened by directories only where two
 * scripts of the run share a name */
static void capture_names_unique(void **state)
{
	(void)state;
	struct engine_job j[] = {
		{ .path = "corpora/blind/close.pkt" }, { .path = "corpora/3.6-closing/close.pkt" },
		{ .path = "x.pkt", .ip_version = 4 }, { .path = "x.pkt", .ip_version = 6 },
		{ .path = "./dir//y.pkt" }, { .path = "a/same/z.pkt" }, { .path = "b/same/z.pkt" },
		{ .path = "noext" },
	};
	size_t n = sizeof j / sizeof j[0];
	assert_int_equal(engine_pcap_names(j, n), 0);
	assert_string_equal(j[0].pcap_name, "blind-close");
	assert_string_equal(j[1].pcap_name, "3.6-closing-close");
	assert_string_equal(j[2].pcap_name, "x");        /* one script, two versions */
	assert_string_equal(j[3].pcap_name, "x");
	assert_string_equal(j[4].pcap_name, "y");
	assert_string_equal(j[5].pcap_name, "a-same-z");
	assert_string_equal(j[6].pcap_name, "b-same-z");
	assert_string_equal(j[7].pcap_name, "noext");
	engine_pcap_names_free(j, n);
	assert_null(j[0].pcap_name);
}

/* The wall-clock limit without --timeout follows the script's own time: its last
 * event, relative times added up, a range or blocking call at its end, '*' nothing. */
static int64_t span_of(const char *text)
{
	struct dsl_file *f = NULL;
	struct dsl_diags d = { 0 };
	assert_int_equal(dsl_parse_buffer("span.pkt", text, strlen(text), &f, &d), DSL_OK);
	int64_t ns = engine_script_span_ns(f);
	dsl_free(f);
	dsl_diags_free(&d);
	return ns;
}

static void the_default_timeout_follows_the_scripts_own_time(void **state)
{
	assert_int_equal(span_of("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
				 "+1.5 close(3) = 0\n+2 close(3) = -1 EBADF\n"), 3500 * MS);
	assert_int_equal(span_of("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
				 "250 close(3) = 0\n* close(3) = -1 EBADF\n"), 250000 * MS);
	assert_int_equal(span_of("1 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
				 "+1~+4 close(3) = 0\n"), 5000 * MS);
	assert_int_equal(span_of("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
				 "0...300 close(3) = 0\n+0 close(3) = -1 EBADF\n"), 300000 * MS);

	char path[] = "/tmp/tcpspec-span-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *longer = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
			     "+315 close(3) = 0\n";
	assert_int_equal(write(fd, longer, strlen(longer)), (ssize_t)strlen(longer));
	close(fd);
	assert_int_equal(engine_default_timeout_ms(path, NULL), 630000);
	const char *shorter = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
			      "+3 close(3) = 0\n";
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(shorter, fp);
	fclose(fp);
	assert_int_equal(engine_default_timeout_ms(path, NULL), ENGINE_DEFAULT_TIMEOUT_S * 1000);
	unlink(path);
	/* a script that cannot be read keeps the plain default (its run says why) */
	assert_int_equal(engine_default_timeout_ms(path, NULL), ENGINE_DEFAULT_TIMEOUT_S * 1000);
}

/* Result text is valid UTF-8: ill-formed sequences (a stray 0xFF, a character cut in
 * two, an overlong form, a surrogate) are U+FFFD in JSON and XML, and a cut falls
 * between characters. */
static void result_text_is_valid_utf8(void **state)
{
	(void)state;
	const unsigned char ok2[] = "\xc3\xa9", cut[] = "\xc3", over[] = "\xc0\xaf",
			    sur[] = "\xed\xa0\x80", ok4[] = "\xf0\x9f\x98\x80";
	assert_int_equal(engine_utf8_seq(ok2), 2);
	assert_int_equal(engine_utf8_seq(cut), 0);
	assert_int_equal(engine_utf8_seq(over), 0);
	assert_int_equal(engine_utf8_seq(sur), 0);
	assert_int_equal(engine_utf8_seq(ok4), 4);
	char s[] = "a\xc3\xa9\xc3\xa9";
	engine_utf8_cut(s, 4);          /* 'a', one 'é', not half the next */
	assert_string_equal(s, "a\xc3\xa9");
	char buf[64];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	assert_non_null(f);
	engine_json_str(f, "x\xff\"\xc3");
	fputc(0, f);
	fclose(f);
	assert_string_equal(buf, "\"x\xef\xbf\xbd\\\"\xef\xbf\xbd\"");
	f = fmemopen(buf, sizeof buf, "w");
	assert_non_null(f);
	engine_xml_text(f, "<\xff\xef\xbf\xbf\xc3\xa9");
	fputc(0, f);
	fclose(f);
	assert_string_equal(buf, "&lt;\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_default_timeout_follows_the_scripts_own_time),
		cmocka_unit_test_setup(inbound_packets_carry_the_scripts_numbers, setup),
		cmocka_unit_test_setup(malformed_extension_reaches_the_wire, setup),
		cmocka_unit_test_setup(seq_and_ack_are_relative_to_the_live_isns, setup),
		cmocka_unit_test_setup(reads_and_payloads_carry_the_streams_bytes, setup),
		cmocka_unit_test_setup(a_read_of_old_bytes_fails_with_offset_and_bytes, setup),
		cmocka_unit_test_setup(a_payload_of_other_bytes_fails, setup),
		cmocka_unit_test_setup(each_remote_port_numbers_its_own_connection, setup),
		cmocka_unit_test_setup(an_outbound_rport_is_checked, setup),
		cmocka_unit_test_setup(listen_binds_an_unbound_socket_first, setup),
		cmocka_unit_test_setup(no_options_means_none_and_dots_mean_any, setup),
		cmocka_unit_test_setup(option_lists_compare_kinds_in_order_and_values, setup),
		cmocka_unit_test_setup(win_is_checked_only_when_given, setup),
		cmocka_unit_test_setup(inbound_packets_must_be_complete, setup),
		cmocka_unit_test_setup(symbolic_values_on_inbound_packets, setup),
		cmocka_unit_test_setup(absolute_numbers_are_sent_and_compared_as_written, setup),
		cmocka_unit_test_setup(ts_ecr_any_echoes_the_latest_ts_val, setup),
		cmocka_unit_test_setup(back_to_back_segments_are_taken_together, setup),
		cmocka_unit_test_setup(unchecked_outbound_takes_what_came_by_its_time, setup),
		cmocka_unit_test_setup(maxseg_takes_smaller_segments_up_to_the_bound, setup),
		cmocka_unit_test_setup(keepalive_probe_takes_one_garbage_octet, setup),
		cmocka_unit_test_setup(symbolic_and_any_option_values, setup),
		cmocka_unit_test_setup(ts_ecr_is_replaced_by_the_live_ts_val, setup),
		cmocka_unit_test_setup(tolerance_is_absolute_or_a_share_of_the_gap, setup),
		cmocka_unit_test_setup(actual_packet_numbered_as_compared, setup),
		cmocka_unit_test_setup(a_packet_that_never_comes_fails_at_its_deadline, setup),
		cmocka_unit_test_setup(syscall_results_and_errno_are_checked, setup),
		cmocka_unit_test_setup(null_buffers_reach_the_target, setup),
		cmocka_unit_test_setup(non_fatal_turns_mismatches_into_warnings, setup),
		cmocka_unit_test_setup(blocking_calls_are_checked_against_their_window, setup),
		cmocka_unit_test_setup(unknown_calls_and_options_are_reported, setup),
		cmocka_unit_test(option_names_are_dsls_list),
		cmocka_unit_test(option_values),
		cmocka_unit_test_setup(plugin_path_reaches_the_target, setup),
		cmocka_unit_test(reports),
		cmocka_unit_test(grades_follow_the_requirement_level),
		cmocka_unit_test(run_and_report_classify_alike),
		cmocka_unit_test_setup(recvmsg_ancillary_data_is_compared, setup),
		cmocka_unit_test_setup(recvmsg_queued_error_fields, setup),
		cmocka_unit_test_setup(ancillary_data_is_unsupported_never_passed, setup),
		cmocka_unit_test_setup(jobs_survive_crashes_and_hangs, setup),
		cmocka_unit_test(string_vector_copies_sorts_and_frees),
		cmocka_unit_test(capture_names_unique),
		cmocka_unit_test(result_text_is_valid_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
