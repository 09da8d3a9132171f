/* Unit tests for target-adapters/reference.c: bytes in and out through wire/, calls,
 * settings from shell lines, virtual time.  Complements test_refstack.c, which drives
 * the stack itself. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <cmocka.h>

#include "target-adapters/target.h"
#include "wire/wire.h"

struct tx {
	struct target t;
	struct target_config cfg;
	int lfd;
};

static struct tx *tx_open(void)
{
	static struct tx x;
	memset(&x, 0, sizeof x);
	x.cfg.ip_version = TARGET_IPV4_ONLY;
	target_config_defaults(&x.cfg);
	struct target_diag d;
	const struct target_ops *ops = target_lookup("reference", &d);
	assert_non_null(ops);
	assert_int_equal(target_open(&x.t, ops, &x.cfg, &d), TARGET_OK);
	assert_true(target_has(&x.t, TARGET_VIRTUAL_TIME));
	return &x;
}

static int64_t call(struct tx *x, struct target_call *c, struct target_result *r)
{
	int rc = target_call(&x->t, c, r);
	assert_int_equal(rc, TARGET_OK);
	return r->ret;
}

static void listen_on_8080(struct tx *x)
{
	struct target_call c = { .kind = TARGET_CALL_SOCKET, .domain = AF_INET,
				 .type = SOCK_STREAM, .protocol = IPPROTO_TCP };
	struct target_result r;
	x->lfd = (int)call(x, &c, &r);
	assert_true(x->lfd >= 0);
	memset(&c, 0, sizeof c);
	c.kind = TARGET_CALL_BIND;
	c.fd = x->lfd;
	c.has_addr = true;
	c.addrlen = target_sockaddr(&x->cfg, &x->cfg.local_ip, 8080, &c.addr);
	assert_int_equal(call(x, &c, &r), 0);
	memset(&c, 0, sizeof c);
	c.kind = TARGET_CALL_LISTEN;
	c.fd = x->lfd;
	c.backlog = 8;
	assert_int_equal(call(x, &c, &r), 0);
}

/* A SYN from the script's peer, port sport; extra_opts literal bytes (may be NULL). */
static void inject_syn(struct tx *x, uint16_t sport, const uint8_t *lit, size_t nlit,
		       bool bad_csum)
{
	struct wire_packet w;
	wire_packet_init(&w, 4);
	memcpy(w.ip.src.a, &x->cfg.remote_ip.u.v4, 4);
	memcpy(w.ip.dst.a, &x->cfg.local_ip.u.v4, 4);
	w.tcp.sport = sport;
	w.tcp.dport = 8080;
	w.tcp.seq = 0;
	w.tcp.flags = WIRE_TH_SYN;
	w.tcp.win = 65535;
	wire_opt_add_mss(&w.tcp.opts, 1000);
	wire_opt_add_sack_perm(&w.tcp.opts);
	if (lit)
		wire_opt_add_literal(&w.tcp.opts, lit, nlit);
	if (bad_csum)
		w.ovr.l4_csum = WIRE_CSUM_BAD;
	uint8_t buf[200];
	size_t len;
	assert_int_equal(wire_build(&w, buf, sizeof buf, &len), WIRE_OK);
	assert_int_equal(target_inject(&x->t, buf, len), TARGET_OK);
}

static bool next_packet(struct tx *x, struct wire_packet *w, int64_t *when)
{
	static struct target_packet p;
	int rc = target_next_outbound(&x->t, 0, &p);
	if (rc == TARGET_TIMEOUT)
		return false;
	assert_int_equal(rc, TARGET_OK);
	assert_int_equal(wire_parse(p.data, p.len, w), WIRE_OK);
	assert_true(w->tcp.csum_ok);
	if (when)
		*when = p.time_ns;
	return true;
}

static bool has_opt(const struct wire_packet *w, unsigned kind)
{
	for (unsigned i = 0; i < w->tcp.opts.n; i++)
		if (w->tcp.opts.opt[i].kind == kind)
			return true;
	return false;
}

static void synack_through_wire(void **state)
{
	(void)state;
	struct tx *x = tx_open();
	listen_on_8080(x);
	/* an unknown option (kind 99, length 4) is ignored (MUST-6) */
	inject_syn(x, 40000, (const uint8_t[]){ 99, 4, 1, 2 }, 4, false);
	struct wire_packet w;
	assert_true(next_packet(x, &w, NULL));
	assert_int_equal(w.tcp.flags, WIRE_TH_SYN | WIRE_TH_ACK);
	assert_int_equal(w.tcp.ack, 1);
	assert_int_equal(w.tcp.sport, 8080);
	assert_int_equal(w.tcp.dport, 40000);
	assert_true(has_opt(&w, WIRE_TCPOPT_MSS));
	assert_true(has_opt(&w, WIRE_TCPOPT_SACK_PERM));
	assert_false(next_packet(x, &w, NULL));
	target_close(&x->t);
}

static void malformed_segments_dropped(void **state)
{
	(void)state;
	struct tx *x = tx_open();
	listen_on_8080(x);
	struct wire_packet w;
	inject_syn(x, 40000, (const uint8_t[]){ 2, 0 }, 2, false);      /* length 0 */
	assert_false(next_packet(x, &w, NULL));
	inject_syn(x, 40000, (const uint8_t[]){ 2, 3, 1 }, 3, false);   /* MSS of 3 */
	assert_false(next_packet(x, &w, NULL));
	inject_syn(x, 40000, NULL, 0, true);                           /* bad checksum */
	assert_false(next_packet(x, &w, NULL));
	inject_syn(x, 40000, NULL, 0, false);                          /* a good one */
	assert_true(next_packet(x, &w, NULL));
	target_close(&x->t);
}

static void sysctl_lines_map_to_settings(void **state)
{
	(void)state;
	struct tx *x = tx_open();
	listen_on_8080(x);
	int status = -1;
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_sack=0", &status), TARGET_OK);
	assert_int_equal(status, 0);
	assert_int_equal(target_shell(&x->t,
		"sysctl -q net.ipv4.tcp_rmem=\"4096 65536 1000000\"; sysctl -w net.ipv4.tcp_timestamps=0",
		&status), TARGET_OK);
	inject_syn(x, 40001, NULL, 0, false);
	struct wire_packet w;
	assert_true(next_packet(x, &w, NULL));
	assert_false(has_opt(&w, WIRE_TCPOPT_SACK_PERM));
	/* anything else is not run: the script is skipped with the line */
	assert_int_equal(target_shell(&x->t, "echo hello", &status), TARGET_UNSUPPORTED);
	assert_non_null(strstr(x->t.diag.msg, "echo hello"));
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_no_such=1", &status),
			 TARGET_UNSUPPORTED);
	/* tcp_ecn 0-2 map onto the stack; 3-5 (AccECN) it does not have */
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_ecn=1", &status), TARGET_OK);
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_ecn=3", &status),
			 TARGET_UNSUPPORTED);
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_fastopen=0x603", &status),
			 TARGET_OK);
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_fastopen=8", &status),
			 TARGET_UNSUPPORTED);
	/* settings of mechanisms the stack lacks: only the value matching what it does */
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_recovery=0", &status),
			 TARGET_OK);
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_recovery=1", &status),
			 TARGET_UNSUPPORTED);
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_congestion_control=reno",
				      &status), TARGET_OK);
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_congestion_control=cubic",
				      &status), TARGET_UNSUPPORTED);
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_min_tso_segs=10", &status),
			 TARGET_OK);
	assert_int_equal(target_shell(&x->t, "sysctl -q net.ipv4.tcp_rfc1337=1", &status),
			 TARGET_OK);
	target_close(&x->t);
}

static void timers_on_virtual_time(void **state)
{
	(void)state;
	struct tx *x = tx_open();
	listen_on_8080(x);
	inject_syn(x, 40000, NULL, 0, false);
	struct wire_packet w;
	int64_t when = -1, next = 0;
	assert_true(next_packet(x, &w, &when));
	assert_int_equal(when, 0);
	assert_int_equal(target_advance(&x->t, 0, &next), TARGET_OK);
	assert_int_equal(next, 1000000000);     /* RFC 6298 2.1: SYN-ACK again after 1 s */
	assert_int_equal(target_advance(&x->t, next, &next), TARGET_OK);
	assert_int_equal(target_now(&x->t), 1000000000);
	assert_true(next_packet(x, &w, &when));
	assert_int_equal(when, 1000000000);
	assert_int_equal(w.tcp.flags, WIRE_TH_SYN | WIRE_TH_ACK);
	target_close(&x->t);
}

static void blocking_accept_completes(void **state)
{
	(void)state;
	struct tx *x = tx_open();
	listen_on_8080(x);
	struct target_call c = { .kind = TARGET_CALL_ACCEPT, .fd = x->lfd };
	struct target_result r;
	assert_int_equal(target_call(&x->t, &c, &r), TARGET_PENDING);
	assert_int_equal(target_complete(&x->t, 0, &r), TARGET_PENDING);
	inject_syn(x, 40000, NULL, 0, false);
	struct wire_packet w;
	assert_true(next_packet(x, &w, NULL));
	/* the handshake's ACK */
	struct wire_packet a;
	wire_packet_init(&a, 4);
	memcpy(a.ip.src.a, &x->cfg.remote_ip.u.v4, 4);
	memcpy(a.ip.dst.a, &x->cfg.local_ip.u.v4, 4);
	a.tcp.sport = 40000;
	a.tcp.dport = 8080;
	a.tcp.seq = 1;
	a.tcp.ack = w.tcp.seq + 1;
	a.tcp.flags = WIRE_TH_ACK;
	a.tcp.win = 65535;
	uint8_t buf[100];
	size_t len;
	assert_int_equal(wire_build(&a, buf, sizeof buf, &len), WIRE_OK);
	target_inject(&x->t, buf, len);
	assert_int_equal(target_complete(&x->t, 0, &r), TARGET_OK);
	assert_true(r.ret >= 0);
	const struct sockaddr_in *sin = (const void *)&r.addr;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 40000);
	struct target_tcp_info ti;
	assert_int_equal(target_tcp_info(&x->t, (int)r.ret, &ti), TARGET_OK);
	assert_int_equal(ti.v[TARGET_TI_state], 1);     /* TCP_ESTABLISHED */
	assert_int_equal(ti.v[TARGET_TI_snd_mss], 1000);
	/* a call the reference does not have is unsupported, not failed */
	memset(&c, 0, sizeof c);
	c.kind = TARGET_CALL_PIPE;
	assert_int_equal(target_call(&x->t, &c, &r), TARGET_UNSUPPORTED);
	target_close(&x->t);
}

/* epoll in the reference target, Linux semantics over the stack's poll */
static void epoll_over_poll(void **state)
{
	(void)state;
	struct tx *x = tx_open();
	listen_on_8080(x);
	struct target_call c = { .kind = TARGET_CALL_EPOLL_CREATE, .maxevents = 1 };
	struct target_result r;
	int ep = (int)call(x, &c, &r);
	assert_true(ep >= 0);
	c = (struct target_call){ .kind = TARGET_CALL_EPOLL_CTL, .fd = ep,
				  .epoll_op = EPOLL_CTL_ADD, .epoll_target_fd = x->lfd,
				  .epoll_ev = { .events = EPOLLIN, .data = 77 } };
	assert_int_equal(call(x, &c, &r), 0);
	assert_int_equal(call(x, &c, &r), -1);
	assert_int_equal(r.err, EEXIST);
	c.epoll_target_fd = 999;
	assert_int_equal(call(x, &c, &r), -1);
	assert_int_equal(r.err, EBADF);
	/* nothing ready: 0 at once; with a timeout it waits, then gives 0 */
	c = (struct target_call){ .kind = TARGET_CALL_EPOLL_WAIT, .fd = ep, .maxevents = 4 };
	assert_int_equal(call(x, &c, &r), 0);
	c.timeout_ms = 100;
	assert_int_equal(target_call(&x->t, &c, &r), TARGET_PENDING);
	int64_t next;
	target_advance(&x->t, 50000000, &next);
	assert_int_equal(next, 100000000);
	assert_int_equal(target_complete(&x->t, 0, &r), TARGET_PENDING);
	target_advance(&x->t, 100000000, &next);
	assert_int_equal(target_complete(&x->t, 0, &r), TARGET_OK);
	assert_int_equal(r.ret, 0);
	c.fd = 12345;
	c.timeout_ms = 0;
	assert_int_equal(call(x, &c, &r), -1);
	assert_int_equal(r.err, EBADF);
	/* closing the instance frees it */
	c = (struct target_call){ .kind = TARGET_CALL_CLOSE, .fd = ep };
	assert_int_equal(call(x, &c, &r), 0);
	c = (struct target_call){ .kind = TARGET_CALL_EPOLL_WAIT, .fd = ep, .maxevents = 4 };
	assert_int_equal(call(x, &c, &r), -1);
	assert_int_equal(r.err, EBADF);
	target_close(&x->t);
}

/* A segment from the script's peer (port sport) to 8080: seq and ack absolute. */
static void inject_seg(struct tx *x, uint16_t sport, uint16_t flags, uint32_t seq,
		       uint32_t ack, size_t len)
{
	struct wire_packet w;
	wire_packet_init(&w, 4);
	memcpy(w.ip.src.a, &x->cfg.remote_ip.u.v4, 4);
	memcpy(w.ip.dst.a, &x->cfg.local_ip.u.v4, 4);
	w.tcp.sport = sport;
	w.tcp.dport = 8080;
	w.tcp.seq = seq;
	w.tcp.ack = ack;
	w.tcp.flags = flags;
	w.tcp.win = 65535;
	w.tcp.payload_len = len;
	uint8_t buf[1600];
	size_t n;
	assert_int_equal(wire_build(&w, buf, sizeof buf, &n), WIRE_OK);
	assert_int_equal(target_inject(&x->t, buf, n), TARGET_OK);
}

/* The handshake from the peer's port sport; returns our ISS + 1. */
static uint32_t handshake(struct tx *x, uint16_t sport)
{
	inject_syn(x, sport, NULL, 0, false);
	struct wire_packet w;
	assert_true(next_packet(x, &w, NULL));
	assert_int_equal(w.tcp.flags, WIRE_TH_SYN | WIRE_TH_ACK);
	inject_seg(x, sport, WIRE_TH_ACK, 1, w.tcp.seq + 1, 0);
	return w.tcp.seq + 1;
}

static int epoll_wait_now(struct tx *x, int ep, struct target_result *r)
{
	struct target_call c = { .kind = TARGET_CALL_EPOLL_WAIT, .fd = ep, .maxevents = 4 };
	return (int)call(x, &c, r);
}

/* EPOLLET reports an item again at each wake-up of its socket, as Linux queues it from
 * sk_data_ready: new data on a socket already readable, a new connection on a listener
 * whose queue is not empty.  A readiness already reported and no wake-up: nothing. */
static void epoll_edge_new_data_reported_again(void **state)
{
	(void)state;
	struct tx *x = tx_open();
	listen_on_8080(x);
	struct target_call c = { .kind = TARGET_CALL_EPOLL_CREATE, .maxevents = 1 };
	struct target_result r;
	int ep = (int)call(x, &c, &r);
	c = (struct target_call){ .kind = TARGET_CALL_EPOLL_CTL, .fd = ep,
				  .epoll_op = EPOLL_CTL_ADD, .epoll_target_fd = x->lfd,
				  .epoll_ev = { .events = EPOLLIN | EPOLLET, .data = 1 } };
	assert_int_equal(call(x, &c, &r), 0);
	uint32_t iss1 = handshake(x, 40000);
	assert_int_equal(epoll_wait_now(x, ep, &r), 1);
	assert_int_equal(r.events[0].events, EPOLLIN);
	assert_int_equal(epoll_wait_now(x, ep, &r), 0);
	handshake(x, 40001);            /* a second connection, the first not accepted */
	assert_int_equal(epoll_wait_now(x, ep, &r), 1);
	assert_int_equal(r.events[0].data, 1);
	assert_int_equal(epoll_wait_now(x, ep, &r), 0);

	c = (struct target_call){ .kind = TARGET_CALL_ACCEPT, .fd = x->lfd };
	int fd = (int)call(x, &c, &r);
	assert_true(fd >= 0);
	c = (struct target_call){ .kind = TARGET_CALL_EPOLL_CTL, .fd = ep,
				  .epoll_op = EPOLL_CTL_ADD, .epoll_target_fd = fd,
				  .epoll_ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET,
						.data = 2 } };
	assert_int_equal(call(x, &c, &r), 0);
	c.epoll_op = EPOLL_CTL_DEL;
	c.epoll_target_fd = x->lfd;
	assert_int_equal(call(x, &c, &r), 0);
	assert_int_equal(epoll_wait_now(x, ep, &r), 1);
	assert_int_equal(r.events[0].events, EPOLLOUT);
	assert_int_equal(epoll_wait_now(x, ep, &r), 0);
	inject_seg(x, 40000, WIRE_TH_ACK | WIRE_TH_PSH, 1, iss1, 100);
	assert_int_equal(epoll_wait_now(x, ep, &r), 1);
	assert_int_equal(r.events[0].events, EPOLLIN | EPOLLOUT);
	assert_int_equal(epoll_wait_now(x, ep, &r), 0);
	/* more data, the first 100 octets still unread: reported again, whole mask */
	inject_seg(x, 40000, WIRE_TH_ACK | WIRE_TH_PSH, 101, iss1, 100);
	assert_int_equal(epoll_wait_now(x, ep, &r), 1);
	assert_int_equal(r.events[0].events, EPOLLIN | EPOLLOUT);
	assert_int_equal(r.events[0].data, 2);
	assert_int_equal(epoll_wait_now(x, ep, &r), 0);
	/* a segment that brings no data (a duplicate) wakes nobody */
	inject_seg(x, 40000, WIRE_TH_ACK, 201, iss1, 0);
	assert_int_equal(epoll_wait_now(x, ep, &r), 0);
	/* the peer's FIN, a state change, wakes every waiter */
	inject_seg(x, 40000, WIRE_TH_ACK | WIRE_TH_FIN, 201, iss1, 0);
	assert_int_equal(epoll_wait_now(x, ep, &r), 1);
	assert_true(r.events[0].events & EPOLLIN);
	target_close(&x->t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synack_through_wire),
		cmocka_unit_test(malformed_segments_dropped),
		cmocka_unit_test(sysctl_lines_map_to_settings),
		cmocka_unit_test(timers_on_virtual_time),
		cmocka_unit_test(blocking_accept_completes),
		cmocka_unit_test(epoll_over_poll),
		cmocka_unit_test(epoll_edge_new_data_reported_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
