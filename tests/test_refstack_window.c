/* Unit tests for refstack/: the receive window closed.  Named fixtures: a connection
 * whose receive window is zero (SO_RCVBUF 2000, so RCV.BUFF = 4000, filled with four
 * unread 1000-octet segments), then one segment in and the reply or silence out.
 * They check the rows of the acceptability test with RCV.WND = 0 and MUST-66 (RFC 9293
 * 3.10.7.4: "If the RCV.WND is zero, no segments will be acceptable, but special
 * allowance should be made to accept valid ACKs, URGs, and RSTs").
 *
 * Conventions as in test_refstack.c: the peer is 192.0.2.2:40000 with ISN P = 1000,
 * the stack 192.0.2.1:8080; sequence numbers below are relative to P, acks to ISS. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "refstack/ref.h"

#define P 1000u
#define SEC 1000000000LL
#define MAXOUT 64

struct wfx {
	struct ref_stack *st;
	struct ref_config cfg;
	struct ref_segment out[MAXOUT];
	int nout, next;
	int64_t now;
	int lfd, fd;
	ref_seq_t iss;
};

static void capture(void *ctx, const struct ref_segment *s, int64_t now)
{
	struct wfx *f = ctx;
	(void)now;
	assert_true(f->nout < MAXOUT);
	f->out[f->nout] = *s;
	f->out[f->nout].data = NULL;    /* only headers are checked here */
	f->nout++;
}

static struct ref_segment seg(struct wfx *f, uint8_t flags, uint32_t seq_rel, uint32_t ack_rel,
			      uint32_t len)
{
	static uint8_t zeros[2000];
	struct ref_segment s;
	memset(&s, 0, sizeof s);
	s.src.family = s.dst.family = REF_AF_INET;
	memcpy(s.src.a, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	memcpy(s.dst.a, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	s.sport = 40000;
	s.dport = 8080;
	s.seq = P + seq_rel;
	s.ack = f->iss + ack_rel;
	s.flags = flags;
	s.wnd = 65535;
	s.csum_ok = true;
	s.data = len ? zeros : NULL;
	s.len = len;
	return s;
}

static struct ref_result in(struct wfx *f, uint8_t flags, uint32_t seq_rel, uint32_t ack_rel,
			    uint32_t len)
{
	struct ref_segment s = seg(f, flags, seq_rel, ack_rel, len);
	return ref_input(f->st, &s, f->now);
}

static struct ref_segment *next_out(struct wfx *f)
{
	return f->next < f->nout ? &f->out[f->next++] : NULL;
}

/* The next segment sent is a bare ACK of RCV.NXT = ack_rel with window wnd. */
static void expect_ack(struct wfx *f, uint32_t seq_rel, uint32_t ack_rel, uint16_t wnd)
{
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags, REF_ACK);
	assert_int_equal((uint32_t)(o->seq - f->iss), seq_rel);
	assert_int_equal((uint32_t)(o->ack - P), ack_rel);
	assert_int_equal(o->len, 0);
	assert_int_equal(o->wnd, wnd);
}

#define expect_silence(f) assert_int_equal((f)->nout - (f)->next, 0)

#define expect_result(r, o, why) do {                                                    \
	struct ref_result r_ = (r);                                                      \
	assert_string_equal(ref_outcome_name(r_.outcome), ref_outcome_name(o));           \
	assert_string_equal(ref_reason_name(r_.reason), ref_reason_name(why));            \
} while (0)

static int queued(struct wfx *f)
{
	int n = -1;
	assert_int_equal(ref_sock_ioctl(f->st, f->fd, SIOCINQ, &n), 0);
	return n;
}

/* The fixture: ESTABLISHED, RCV.NXT = 4001, RCV.WND = 0, the ACK announcing it taken. */
static struct wfx *zero_window(void)
{
	static struct wfx f;
	memset(&f, 0, sizeof f);
	ref_config_defaults(&f.cfg);
	f.cfg.timestamps = false;
	f.cfg.quickack = 0;
	f.st = ref_stack_new(&f.cfg, capture, &f);
	assert_non_null(f.st);
	f.lfd = ref_sock_socket(f.st, AF_INET, SOCK_STREAM, 0, 0);
	int v = 2000;           /* RCV.BUFF 4000 after Linux's doubling */
	assert_int_equal(ref_sock_setsockopt(f.st, f.lfd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v, 0), 0);
	struct ref_sockaddr sa = { .addr = { .family = 0 }, .port = 8080 };
	assert_int_equal(ref_sock_bind(f.st, f.lfd, &sa, 0), 0);
	assert_int_equal(ref_sock_listen(f.st, f.lfd, 4, 0), 0);
	struct ref_segment s = seg(&f, REF_SYN, 0, 0, 0);
	s.opt.has = REF_HAS_MSS;
	s.opt.mss = 1000;
	expect_result(ref_input(f.st, &s, 0), REF_ACCEPT, REF_R_OK);
	struct ref_segment *o = next_out(&f);
	assert_non_null(o);
	f.iss = o->seq;
	assert_int_equal(o->wnd, 4000);         /* the whole buffer is offered */
	in(&f, REF_ACK, 1, 1, 0);
	f.fd = ref_sock_accept(f.st, f.lfd, NULL, 0);
	assert_true(f.fd >= 3);
	for (uint32_t q = 1; q < 4001; q += 1000) {
		f.now += SEC;           /* each segment acknowledged before the next */
		ref_advance(f.st, f.now);
		expect_result(in(&f, REF_ACK, q, 1, 1000), REF_ACCEPT, REF_R_OK);
		f.now += SEC;
		ref_advance(f.st, f.now);
		expect_ack(&f, 1, q + 1000, (uint16_t)(4000 - (q + 999)));
	}
	expect_silence(&f);
	assert_int_equal(queued(&f), 4000);
	return &f;
}

static void wfx_free(struct wfx *f)
{
	ref_stack_free(f->st);
}

/* Row "SEG.LEN = 0, RCV.WND = 0": acceptable only if SEG.SEQ = RCV.NXT. */
static void zero_window_len0_at_rcv_nxt_only(void **state)
{
	(void)state;
	struct wfx *f = zero_window();
	expect_result(in(f, REF_ACK, 4001, 1, 0), REF_ACCEPT, REF_R_OK);
	expect_silence(f);
	expect_result(in(f, REF_ACK, 4002, 1, 0), REF_DROP_ACK, REF_R_OUT_OF_WINDOW);
	expect_ack(f, 1, 4001, 0);
	expect_result(in(f, REF_ACK, 4000, 1, 0), REF_DROP_ACK, REF_R_OUT_OF_WINDOW);
	expect_ack(f, 1, 4001, 0);
	expect_silence(f);
	wfx_free(f);
}

/* Row "SEG.LEN > 0, RCV.WND = 0": not acceptable.  Text at RCV.NXT (a window probe or
 * more) is not queued and RCV.NXT stays; it is acknowledged at once with the zero
 * window (RFC 9293 3.8.6.1: the probe's receiver acknowledges "the current window"). */
static void zero_window_text_not_accepted(void **state)
{
	(void)state;
	struct wfx *f = zero_window();
	in(f, REF_ACK, 4001, 1, 1);             /* a one-octet probe */
	expect_ack(f, 1, 4001, 0);
	in(f, REF_ACK | REF_PSH, 4001, 1, 100);
	expect_ack(f, 1, 4001, 0);
	expect_result(in(f, REF_ACK, 4101, 1, 100), REF_DROP_ACK, REF_R_OUT_OF_WINDOW);
	expect_ack(f, 1, 4001, 0);
	expect_silence(f);
	assert_int_equal(queued(f), 4000);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.bytes_received, 4000);
	assert_int_equal(ti.rcv_wnd, 0);
	wfx_free(f);
}

/* MUST-66: an ACK at RCV.NXT is processed: it acknowledges our data and updates the
 * send window, also when it carries text the closed window refuses. */
static void zero_window_ack_processed(void **state)
{
	(void)state;
	struct wfx *f = zero_window();
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now), 100);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->len, 100);
	assert_int_equal(o->wnd, 0);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	uint64_t acked0 = ti.bytes_acked;
	expect_result(in(f, REF_ACK, 4001, 51, 0), REF_ACCEPT, REF_R_OK);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.bytes_acked - acked0, 50);
	in(f, REF_ACK, 4001, 101, 10);          /* text refused, its ACK taken */
	expect_ack(f, 101, 4001, 0);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.bytes_acked - acked0, 100);
	assert_int_equal(ti.unacked, 0);
	assert_int_equal(queued(f), 4000);
	f->now += 10 * SEC;                     /* nothing left to retransmit */
	ref_advance(f->st, f->now);
	expect_silence(f);
	wfx_free(f);
}

/* MUST-66 with RFC 5961 3.2: an RST at RCV.NXT resets the connection; any other RST
 * is outside the (empty) window and dropped without a reply. */
static void zero_window_rst_processed(void **state)
{
	(void)state;
	struct wfx *f = zero_window();
	expect_result(in(f, REF_RST, 4002, 0, 0), REF_DROP, REF_R_RST_OUT_OF_WINDOW);
	expect_result(in(f, REF_RST, 4000, 0, 0), REF_DROP, REF_R_RST_OUT_OF_WINDOW);
	expect_silence(f);
	assert_int_equal(ref_sock_state(f->st, f->fd), REF_ESTABLISHED);
	expect_result(in(f, REF_RST, 4001, 0, 0), REF_ACCEPT, REF_R_RST_RESET);
	expect_silence(f);
	assert_int_equal(ref_sock_state(f->st, f->fd), REF_CLOSED);
	wfx_free(f);
}

/* MUST-66: an URG at RCV.NXT without text is processed ("signal the user"): urgent
 * data is pending, so MSG_OOB says EAGAIN where it said EINVAL. */
static void zero_window_urg_processed(void **state)
{
	(void)state;
	struct wfx *f = zero_window();
	char b;
	assert_int_equal(ref_sock_recv(f->st, f->fd, &b, 1, MSG_OOB, f->now), -EINVAL);
	struct ref_segment s = seg(f, REF_ACK | REF_URG, 4001, 1, 0);
	s.urp = 1;
	expect_result(ref_input(f->st, &s, f->now), REF_ACCEPT, REF_R_OK);
	expect_silence(f);
	assert_int_equal(ref_sock_recv(f->st, f->fd, &b, 1, MSG_OOB, f->now), -EAGAIN);
	wfx_free(f);
}

/* MUST-39, RFC 9293 3.8.6.2.2: the window stays closed until RCV.BUFF - RCV.USER -
 * RCV.WND >= min(Fr * RCV.BUFF, Eff.snd.MSS) = min(2000, 1000): the peer's MSS option
 * (1000) bounds the effective send MSS, not the 1460 the stack offered.  Then one
 * window update offers all the free space. */
static void zero_window_reopens_by_eff_snd_mss(void **state)
{
	(void)state;
	struct wfx *f = zero_window();
	char b[1000];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 100, 0, f->now), 100);
	expect_silence(f);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 899, 0, f->now), 899);
	expect_silence(f);
	in(f, REF_ACK, 4001, 1, 1);             /* a probe still sees the window closed */
	expect_ack(f, 1, 4001, 0);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 1, 0, f->now), 1);
	expect_ack(f, 1, 4001, 1000);
	expect_silence(f);
	wfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zero_window_len0_at_rcv_nxt_only),
		cmocka_unit_test(zero_window_text_not_accepted),
		cmocka_unit_test(zero_window_ack_processed),
		cmocka_unit_test(zero_window_rst_processed),
		cmocka_unit_test(zero_window_urg_processed),
		cmocka_unit_test(zero_window_reopens_by_eff_snd_mss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
