/* The lwip target (target-adapters/lwip.c over examples/plugin-lwip/): lwIP 2.1 driven
 * through target.h on virtual time.  Each test opens a fresh target; the peer's segments are built with
 * wire/ and the stack's are parsed back, so the checks read as small scripts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "examples/plugin-lwip/lwip_reset.h"
#include "target-adapters/target.h"
#include "wire/wire.h"

extern const struct target_ops target_lwip_ops;

struct fx {
	struct target t;
	struct target_config cfg;
	uint32_t stack_isn;
};

static int setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof f);
	f.cfg.ip_version = TARGET_IPV4_ONLY;
	target_config_defaults(&f.cfg);
	struct target_diag d = {0};
	if (target_open(&f.t, &target_lwip_ops, &f.cfg, &d) != TARGET_OK) {
		print_error("lwip open: %s\n", d.msg);
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	target_close(&f->t);
	return 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

static void peer_send(struct fx *f, uint16_t flags, uint32_t seq, uint32_t ack, size_t len,
		      bool mss)
{
	struct wire_packet w;
	wire_packet_init(&w, 4);
	w.ip.src.family = w.ip.dst.family = WIRE_AF_INET;
	memcpy(w.ip.src.a, &f->cfg.remote_ip.u.v4, 4);
	memcpy(w.ip.dst.a, &f->cfg.local_ip.u.v4, 4);
	w.ip.proto = WIRE_IPPROTO_TCP;
	w.l4 = WIRE_L4_TCP;
	w.tcp.sport = 40000;
	w.tcp.dport = 8080;
	w.tcp.seq = seq;
	w.tcp.ack = ack;
	w.tcp.flags = flags;
	w.tcp.win = 65535;
	if (mss)
		wire_opt_add_mss(&w.tcp.opts, 1000);
	w.tcp.payload_len = len;
	uint8_t buf[2048];
	size_t n = 0;
	assert_int_equal(wire_build(&w, buf, sizeof buf, &n), WIRE_OK);
	assert_int_equal(target_inject(&f->t, buf, n), TARGET_OK);
}

/* The next segment the stack sent, parsed; fails the test when there is none. */
static struct target_packet pk;
static struct wire_packet got;

static const struct wire_tcp *stack_sent(struct fx *f)
{
	assert_int_equal(target_next_outbound(&f->t, 0, &pk), TARGET_OK);
	wire_parse(pk.data, pk.len, &got);
	assert_true(got.have & WIRE_HAVE_L4);
	assert_int_equal(got.l4, WIRE_L4_TCP);
	return &got.tcp;
}

static void nothing_sent(struct fx *f)
{
	assert_int_equal(target_next_outbound(&f->t, 0, &pk), TARGET_TIMEOUT);
}

static int64_t call(struct fx *f, struct target_call *c, struct target_result *r, int want)
{
	assert_int_equal(target_call(&f->t, c, r), want);
	return r->ret;
}

static int listener(struct fx *f)
{
	struct target_call c = { .kind = TARGET_CALL_SOCKET, .domain = AF_INET,
				 .type = SOCK_STREAM, .protocol = IPPROTO_TCP };
	struct target_result r;
	int fd = (int)call(f, &c, &r, TARGET_OK);
	assert_true(fd >= 0);
	c = (struct target_call){ .kind = TARGET_CALL_BIND, .fd = fd, .has_addr = true };
	c.addrlen = target_sockaddr(&f->cfg, &f->cfg.local_ip, 8080, &c.addr);
	assert_int_equal(call(f, &c, &r, TARGET_OK), 0);
	c = (struct target_call){ .kind = TARGET_CALL_LISTEN, .fd = fd, .backlog = 1 };
	assert_int_equal(call(f, &c, &r, TARGET_OK), 0);
	return fd;
}

/* Listener, SYN in, SYN-ACK out, ACK in: the connection waits in the accept queue. */
static int established(struct fx *f)
{
	int lfd = listener(f);
	peer_send(f, WIRE_TH_SYN, 0, 0, 0, true);
	const struct wire_tcp *s = stack_sent(f);
	f->stack_isn = s->seq;
	peer_send(f, WIRE_TH_ACK, 1, f->stack_isn + 1, 0, false);
	return lfd;
}

/* ---- tests -------------------------------------------------------------------------- */

static void syn_to_listener_gets_syn_ack_with_mss(void **state)
{
	struct fx *f = *state;
	listener(f);
	nothing_sent(f);
	peer_send(f, WIRE_TH_SYN, 0, 0, 0, true);
	const struct wire_tcp *s = stack_sent(f);
	assert_int_equal(s->flags, WIRE_TH_SYN | WIRE_TH_ACK);
	assert_int_equal(s->ack, 1);            /* the peer's ISN + 1 */
	assert_int_equal(s->sport, 8080);
	assert_int_equal(s->opts.n, 1);         /* MSS only: the peer offered no WS */
	assert_int_equal(s->opts.opt[0].kind, WIRE_TCPOPT_MSS);
	assert_int_equal(s->opts.opt[0].v.mss, 1460);   /* 1500-byte MTU - 40 */
	nothing_sent(f);
}

/* Every open starts lwIP as a new process would (lwip_reset.c): the same ISN for the
 * same SYN at the same time, and nothing lwIP allocated survives a close. */
static void reopen_starts_lwip_afresh(void **state)
{
	struct fx *f = *state;
	struct target_diag d = {0};
	uint32_t isn;
	int64_t next;

	/* lwIP's ISN counter moves with its ticks: a second run in the same lwIP would
	 * start from where the first left it */
	listener(f);
	assert_int_equal(target_advance(&f->t, 3000000000LL, &next), TARGET_OK);
	peer_send(f, WIRE_TH_SYN, 0, 0, 0, true);
	isn = stack_sent(f)->seq;
	target_close(&f->t);
	assert_int_equal(lwip_reset_blocks(), 0);
	assert_int_equal(target_open(&f->t, &target_lwip_ops, &f->cfg, &d), TARGET_OK);
	listener(f);
	assert_int_equal(target_advance(&f->t, 3000000000LL, &next), TARGET_OK);
	peer_send(f, WIRE_TH_SYN, 0, 0, 0, true);
	assert_int_equal(stack_sent(f)->seq, isn);
}

static void syn_to_closed_port_gets_rst(void **state)
{
	struct fx *f = *state;
	peer_send(f, WIRE_TH_SYN, 0, 0, 0, true);
	const struct wire_tcp *s = stack_sent(f);
	assert_true(s->flags & WIRE_TH_RST);
	assert_int_equal(s->ack, 1);
}

static void blocking_accept_pends_until_handshake(void **state)
{
	struct fx *f = *state;
	int lfd = listener(f);
	struct target_call c = { .kind = TARGET_CALL_ACCEPT, .fd = lfd };
	struct target_result r;
	call(f, &c, &r, TARGET_PENDING);
	peer_send(f, WIRE_TH_SYN, 0, 0, 0, true);
	uint32_t isn = stack_sent(f)->seq;
	assert_int_equal(target_complete(&f->t, 0, &r), TARGET_PENDING);
	peer_send(f, WIRE_TH_ACK, 1, isn + 1, 0, false);
	assert_int_equal(target_complete(&f->t, 0, &r), TARGET_OK);
	assert_true(r.ret >= 0);
	assert_int_not_equal(r.ret, lfd);
	const struct sockaddr_in *peer = (const void *)&r.addr;
	assert_int_equal(ntohs(peer->sin_port), 40000);
}

static void nonblocking_read_on_empty_socket_is_eagain(void **state)
{
	struct fx *f = *state;
	int lfd = established(f);
	struct target_call c = { .kind = TARGET_CALL_ACCEPT, .fd = lfd };
	struct target_result r;
	int fd = (int)call(f, &c, &r, TARGET_OK);
	c = (struct target_call){ .kind = TARGET_CALL_FCNTL, .fd = fd, .cmd = F_SETFL,
				  .arg = O_RDWR | O_NONBLOCK };
	assert_int_equal(call(f, &c, &r, TARGET_OK), 0);
	c = (struct target_call){ .kind = TARGET_CALL_READ, .fd = fd, .len = 100 };
	assert_int_equal(call(f, &c, &r, TARGET_OK), -1);
	assert_int_equal(r.err, EAGAIN);
	/* data arrives: read returns it, and the window reopens only then */
	peer_send(f, WIRE_TH_ACK | WIRE_TH_PSH, 1, f->stack_isn + 1, 40, false);
	c = (struct target_call){ .kind = TARGET_CALL_IOCTL, .fd = fd, .cmd = 0x541B };
	assert_int_equal(call(f, &c, &r, TARGET_OK), 0);
	assert_int_equal(r.ioctl_val, 40);
	c = (struct target_call){ .kind = TARGET_CALL_READ, .fd = fd, .len = 100 };
	assert_int_equal(call(f, &c, &r, TARGET_OK), 40);
}

static void delayed_ack_leaves_on_virtual_time(void **state)
{
	struct fx *f = *state;
	int lfd = established(f);
	struct target_call c = { .kind = TARGET_CALL_ACCEPT, .fd = lfd };
	struct target_result r;
	call(f, &c, &r, TARGET_OK);
	int64_t next = 0;
	assert_int_equal(target_advance(&f->t, 100000000, &next), TARGET_OK);
	nothing_sent(f);
	int64_t t0 = target_now(&f->t);
	assert_int_equal(t0, 100000000);        /* virtual: exactly where advanced */
	peer_send(f, WIRE_TH_ACK | WIRE_TH_PSH, 1, f->stack_isn + 1, 10, false);
	nothing_sent(f);                        /* the ACK is delayed */
	assert_true(next > t0 && next < INT64_MAX);
	/* lwIP's fast timer runs every 250 ms: the ACK leaves within that */
	int64_t now = t0;
	while (target_next_outbound(&f->t, 0, &pk) == TARGET_TIMEOUT) {
		assert_int_equal(target_advance(&f->t, next, &next), TARGET_OK);
		now = target_now(&f->t);
		assert_true(now - t0 <= 250000000);
	}
	wire_parse(pk.data, pk.len, &got);
	assert_int_equal(got.tcp.flags, WIRE_TH_ACK);
	assert_int_equal(got.tcp.ack, 11);
	assert_int_equal(pk.time_ns, now);
}

static void options_lwip_lacks_are_unsupported(void **state)
{
	struct fx *f = *state;
	struct target_call c = { .kind = TARGET_CALL_SOCKET, .domain = AF_INET,
				 .type = SOCK_DGRAM };
	struct target_result r;
	assert_int_equal(target_call(&f->t, &c, &r), TARGET_UNSUPPORTED);
	int fd = listener(f);
	c = (struct target_call){ .kind = TARGET_CALL_SETSOCKOPT, .fd = fd, .level = SOL_SOCKET,
				  .optname = SO_RCVBUF, .optlen = 4 };
	c.opt.kind = TARGET_OPT_INT;
	c.opt.i = 4096;
	assert_int_equal(target_call(&f->t, &c, &r), TARGET_UNSUPPORTED);
	assert_non_null(strstr(f->t.diag.msg, "lwip"));
	/* a structured value (SO_RCVTIMEO's struct timeval) is unsupported, not EINVAL */
	c = (struct target_call){ .kind = TARGET_CALL_SETSOCKOPT, .fd = fd, .level = SOL_SOCKET,
				  .optname = SO_RCVTIMEO, .optlen = 16 };
	c.opt.kind = TARGET_OPT_BYTES;
	c.opt.nbytes = 16;
	assert_int_equal(target_call(&f->t, &c, &r), TARGET_UNSUPPORTED);
	int st = 0;
	assert_int_equal(target_shell(&f->t, "sysctl -q net.ipv4.tcp_timestamps=0", &st),
			 TARGET_OK);
	assert_int_equal(target_shell(&f->t, "sysctl -q net.ipv4.tcp_sack=1", &st),
			 TARGET_UNSUPPORTED);
	assert_int_equal(target_shell(&f->t, "ip link set lo up", &st), TARGET_UNSUPPORTED);
}

static void second_open_in_one_process_is_refused(void **state)
{
	struct fx *f = *state;
	struct target t2;
	struct target_diag d = {0};
	assert_int_equal(target_open(&t2, &target_lwip_ops, &f->cfg, &d), TARGET_UNAVAILABLE);
	assert_non_null(strstr(d.msg, "already open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(syn_to_listener_gets_syn_ack_with_mss, setup, teardown),
		cmocka_unit_test_setup_teardown(syn_to_closed_port_gets_rst, setup, teardown),
		cmocka_unit_test_setup_teardown(blocking_accept_pends_until_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(nonblocking_read_on_empty_socket_is_eagain, setup, teardown),
		cmocka_unit_test_setup_teardown(delayed_ack_leaves_on_virtual_time, setup, teardown),
		cmocka_unit_test_setup_teardown(options_lwip_lacks_are_unsupported, setup, teardown),
		cmocka_unit_test_setup_teardown(second_open_in_one_process_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(reopen_starts_lwip_afresh, setup, teardown),
	};
	return cmocka_run_group_tests_name("lwip target", tests, NULL, NULL);
}
