/* Unit tests for refstack/: named fixtures in the style "a TCB in state X, this segment
 * arrives, this reply (or silence) goes out".  Each test asserts what RFC 9293 and its
 * companions require, citing the rule.
 *
 * Conventions: the peer is 192.0.2.2:40000 with ISN P = 1000; the stack is
 * 192.0.2.1:8080.  in() takes the peer's sequence number relative to P and the ack
 * relative to the stack's ISS; expect() checks the next segment sent likewise.
 * Timestamps are off in the fixtures unless a test turns them on. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <cmocka.h>

#include "refstack/ref.h"

#define P 1000u
#define MS 1000000LL
#define SEC 1000000000LL
#define MAXOUT 512

struct fx {
	struct ref_stack *st;
	struct ref_config cfg;
	struct ref_segment out[MAXOUT];
	uint8_t data[MAXOUT][1600];
	int64_t when[MAXOUT];
	int nout, next;
	int64_t now;
	int lfd, fd;
	ref_seq_t iss;
};

static void capture(void *ctx, const struct ref_segment *s, int64_t now)
{
	struct fx *f = ctx;
	assert_true(f->nout < MAXOUT);
	f->out[f->nout] = *s;
	if (s->len) {
		size_t n = s->len < sizeof f->data[0] ? s->len : sizeof f->data[0];
		memcpy(f->data[f->nout], s->data, n);
		f->out[f->nout].data = f->data[f->nout];
	}
	f->when[f->nout] = now;
	f->nout++;
}

static struct fx *fx_new(void (*tune)(struct ref_config *))
{
	static struct fx f;
	memset(&f, 0, sizeof f);
	ref_config_defaults(&f.cfg);
	f.cfg.timestamps = false;
	f.cfg.quickack = 0;     /* the RFC's delayed ACK; quick_acks tests Linux's mode */
	if (tune)
		tune(&f.cfg);
	f.st = ref_stack_new(&f.cfg, capture, &f);
	assert_non_null(f.st);
	f.lfd = f.fd = -1;
	return &f;
}

static void fx_free(struct fx *f)
{
	ref_stack_free(f->st);
}

static struct ref_addr addr4(uint8_t last)
{
	struct ref_addr a = { .family = REF_AF_INET, .a = { 192, 0, 2, last } };
	return a;
}

/* ---- driving ------------------------------------------------------------------------ */

static struct ref_segment mkseg(struct fx *f, uint8_t flags, uint32_t seq_rel, uint32_t ack_rel,
				uint16_t wnd, uint32_t len)
{
	static uint8_t zeros[65536];
	struct ref_segment s;
	memset(&s, 0, sizeof s);
	s.src = addr4(2);
	s.dst = addr4(1);
	s.sport = 40000;
	s.dport = 8080;
	s.seq = P + seq_rel;
	s.ack = f->iss + ack_rel;
	s.flags = flags;
	s.wnd = wnd;
	s.csum_ok = true;
	s.data = len ? zeros : NULL;
	s.len = len;
	return s;
}

static struct ref_result inject(struct fx *f, struct ref_segment *s)
{
	return ref_input(f->st, s, f->now);
}

static struct ref_result in(struct fx *f, uint8_t flags, uint32_t seq_rel, uint32_t ack_rel,
			    uint16_t wnd, uint32_t len)
{
	struct ref_segment s = mkseg(f, flags, seq_rel, ack_rel, wnd, len);
	return inject(f, &s);
}

static void at(struct fx *f, int64_t t)
{
	f->now = t;
	ref_advance(f->st, t);
}

static struct ref_segment *next_out(struct fx *f)
{
	return f->next < f->nout ? &f->out[f->next++] : NULL;
}

/* The next segment sent must have these flags, seq (relative to ISS), ack (relative
 * to P, when ACK is set) and payload length. */
#define expect(f, fl, seq_rel, ack_rel, len_) do {                                       \
	struct ref_segment *o_ = next_out(f);                                           \
	assert_non_null(o_);                                                             \
	assert_int_equal(o_->flags & ~REF_PSH, (fl) & ~REF_PSH);                         \
	assert_int_equal((uint32_t)(o_->seq - (f)->iss), (uint32_t)(seq_rel));            \
	if ((fl) & REF_ACK)                                                              \
		assert_int_equal((uint32_t)(o_->ack - P), (uint32_t)(ack_rel));           \
	assert_int_equal(o_->len, (len_));                                               \
} while (0)

#define expect_silence(f) assert_int_equal((f)->nout - (f)->next, 0)

#define expect_result(r, o, why) do {                                                    \
	struct ref_result r_ = (r);                                                      \
	assert_string_equal(ref_outcome_name(r_.outcome), ref_outcome_name(o));           \
	assert_string_equal(ref_reason_name(r_.reason), ref_reason_name(why));            \
} while (0)

static int state_of(struct fx *f, int fd)
{
	return ref_sock_state(f->st, fd);
}

/* ---- fixtures: a TCB in a given state ---------------------------------------------- */

static void listening(struct fx *f, int backlog)
{
	f->lfd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, f->now);
	assert_true(f->lfd >= 3);
	struct ref_sockaddr sa = { .addr = { .family = 0 }, .port = 8080 };
	assert_int_equal(ref_sock_bind(f->st, f->lfd, &sa, f->now), 0);
	assert_int_equal(ref_sock_listen(f->st, f->lfd, backlog, f->now), 0);
}

/* SYN in, SYN-ACK out; learns the stack's ISS. */
static void syn_received(struct fx *f, uint16_t peer_mss, int wscale)
{
	listening(f, 16);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 0);
	if (peer_mss) {
		s.opt.has |= REF_HAS_MSS;
		s.opt.mss = peer_mss;
	}
	if (wscale >= 0) {
		s.opt.has |= REF_HAS_WS;
		s.opt.wscale = wscale;
	}
	s.opt.has |= REF_HAS_SACK_PERM;
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags, REF_SYN | REF_ACK);
	f->iss = o->seq;
	assert_int_equal(o->ack, P + 1);
}

static void established(struct fx *f)
{
	syn_received(f, 1000, -1);
	expect_result(in(f, REF_ACK, 1, 1, 65535, 0), REF_ACCEPT, REF_R_OK);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_true(f->fd >= 3);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	expect_silence(f);
}

static struct fx *tcb_in_state(int state, void (*tune)(struct ref_config *))
{
	struct fx *f = fx_new(tune);
	switch (state) {
	case REF_LISTEN:
		listening(f, 16);
		break;
	case REF_SYN_RECEIVED:
		syn_received(f, 1000, -1);
		break;
	case REF_ESTABLISHED:
		established(f);
		break;
	case REF_CLOSE_WAIT:
		established(f);
		in(f, REF_FIN | REF_ACK, 1, 1, 65535, 0);
		expect(f, REF_ACK, 1, 2, 0);
		break;
	case REF_LAST_ACK:
		established(f);
		in(f, REF_FIN | REF_ACK, 1, 1, 65535, 0);
		expect(f, REF_ACK, 1, 2, 0);
		assert_int_equal(ref_sock_shutdown(f->st, f->fd, SHUT_WR, f->now), 0);
		expect(f, REF_FIN | REF_ACK, 1, 2, 0);
		break;
	case REF_FIN_WAIT_1:
		established(f);
		assert_int_equal(ref_sock_shutdown(f->st, f->fd, SHUT_WR, f->now), 0);
		expect(f, REF_FIN | REF_ACK, 1, 1, 0);
		break;
	case REF_FIN_WAIT_2:
		established(f);
		ref_sock_shutdown(f->st, f->fd, SHUT_WR, f->now);
		expect(f, REF_FIN | REF_ACK, 1, 1, 0);
		in(f, REF_ACK, 1, 2, 65535, 0);
		break;
	case REF_CLOSING:
		established(f);
		ref_sock_shutdown(f->st, f->fd, SHUT_WR, f->now);
		expect(f, REF_FIN | REF_ACK, 1, 1, 0);
		in(f, REF_FIN | REF_ACK, 1, 1, 65535, 0);
		expect(f, REF_ACK, 2, 2, 0);
		break;
	case REF_TIME_WAIT:
		established(f);
		ref_sock_shutdown(f->st, f->fd, SHUT_WR, f->now);
		expect(f, REF_FIN | REF_ACK, 1, 1, 0);
		in(f, REF_ACK, 1, 2, 65535, 0);
		in(f, REF_FIN | REF_ACK, 1, 2, 65535, 0);
		expect(f, REF_ACK, 2, 2, 0);
		break;
	}
	int fd = f->fd >= 0 ? f->fd : f->lfd;
	if (state != REF_SYN_RECEIVED)
		assert_string_equal(ref_state_name(state_of(f, fd)), ref_state_name(state));
	expect_silence(f);
	return f;
}

/* Active open: connect() from 192.0.2.1 to the peer; returns after the SYN. */
static struct fx *syn_sent(void (*tune)(struct ref_config *))
{
	struct fx *f = fx_new(tune);
	f->fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, f->now);
	struct ref_sockaddr sa = { .addr = { .family = 0 }, .port = 8080 };
	assert_int_equal(ref_sock_bind(f->st, f->fd, &sa, f->now), 0);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -EINPROGRESS);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags & ~(REF_ECE | REF_CWR), REF_SYN);
	f->iss = o->seq;
	assert_int_equal(state_of(f, f->fd), REF_SYN_SENT);
	return f;
}

static void ts_on(struct ref_config *c) { c->timestamps = true; }
static void limit2(struct ref_config *c) { c->challenge_ack_limit = 2; }
static void few_retries(struct ref_config *c) { c->retries2 = 3; }
static void other_key(struct ref_config *c) { c->isn_key[0] = 1; }

/* ==== 3.10.7.1 CLOSED ================================================================ */

static void closed_syn_gets_rst_ack(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	/* ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
	expect_result(in(f, REF_SYN, 0, 0, 65535, 0), REF_DROP_RST, REF_R_NO_SOCKET);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags, REF_RST | REF_ACK);
	assert_int_equal(o->seq, 0);
	assert_int_equal(o->ack, P + 1);
	fx_free(f);
}

static void closed_ack_gets_rst_seq_ack(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	/* ACK on: <SEQ=SEG.ACK><CTL=RST> */
	struct ref_segment s = mkseg(f, REF_ACK | REF_PSH, 5, 0, 100, 10);
	s.ack = 777;
	expect_result(inject(f, &s), REF_DROP_RST, REF_R_NO_SOCKET);
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->flags, REF_RST);
	assert_int_equal(o->seq, 777);
	fx_free(f);
}

static void closed_rst_is_dropped(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	expect_result(in(f, REF_RST, 0, 0, 0, 0), REF_DROP, REF_R_CLOSED_RST);
	expect_silence(f);
	fx_free(f);
}

static void bad_checksum_dropped(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct ref_segment s = mkseg(f, REF_ACK | REF_RST, 1, 1, 100, 0);
	s.csum_ok = false;
	/* MUST-2/3: a segment failing the checksum is discarded, nothing else happens */
	expect_result(inject(f, &s), REF_DROP, REF_R_BAD_CSUM);
	expect_silence(f);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	fx_free(f);
}

static void illegal_option_length_dropped(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct ref_segment s = mkseg(f, REF_ACK, 1, 1, 100, 10);
	s.opt.bad_len = true;
	/* MUST-7: handled without crashing or acting on the options: dropped */
	expect_result(inject(f, &s), REF_DROP, REF_R_BAD_OPTLEN);
	int inq = -1;
	assert_int_equal(ref_sock_ioctl(f->st, f->fd, SIOCINQ, &inq), 0);
	assert_int_equal(inq, 0);
	fx_free(f);
}

static void reserved_bits_ignored(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct ref_segment s = mkseg(f, REF_ACK | REF_PSH, 1, 1, 100, 10);
	s.reserved = 0x7;       /* RFC 9293 3.1: reserved bits are ignored on receipt */
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	char buf[10];
	assert_int_equal(ref_sock_recv(f->st, f->fd, buf, 10, 0, f->now), 10);
	fx_free(f);
}

/* ==== 3.10.7.2 LISTEN ================================================================ */

static void listen_ignores_rst(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_LISTEN, NULL);
	expect_result(in(f, REF_RST, 0, 0, 0, 0), REF_DROP, REF_R_LISTEN_RST);
	expect_silence(f);
	fx_free(f);
}

static void listen_ack_gets_rst(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_LISTEN, NULL);
	struct ref_segment s = mkseg(f, REF_ACK, 0, 0, 100, 0);
	s.ack = 4242;
	expect_result(inject(f, &s), REF_DROP_RST, REF_R_LISTEN_ACK);
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->flags, REF_RST);
	assert_int_equal(o->seq, 4242);
	fx_free(f);
}

static void listen_syn_gets_synack_with_mss(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_SYN_RECEIVED, NULL);
	struct ref_segment *o = &f->out[0];
	/* MUST-14: MSS option in every SYN; 1500 - 40 */
	assert_true(o->opt.has & REF_HAS_MSS);
	assert_int_equal(o->opt.mss, 1460);
	/* RFC 7323 2.2: no window scale option when the SYN had none */
	assert_false(o->opt.has & REF_HAS_WS);
	/* RFC 2018: SACK-permitted answered */
	assert_true(o->opt.has & REF_HAS_SACK_PERM);
	assert_int_equal(o->wnd, 65535);
	fx_free(f);
}

static void syn_text_processed_when_established(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_LISTEN, NULL);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 10);
	inject(f, &s);
	/* the SYN-ACK acknowledges the SYN only: <ACK=RCV.NXT> = SEG.SEQ+1 */
	struct ref_segment *o = next_out(f);
	f->iss = o->seq;
	assert_int_equal(o->ack, P + 1);
	/* "queued for processing later": taken in once ESTABLISHED */
	in(f, REF_ACK, 1, 1, 65535, 0);
	expect(f, REF_ACK, 1, 11, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	char b[20];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 20, 0, f->now), 10);
	fx_free(f);
}

/* RFC 9293 3.10.7.2: "any other control or text should be queued for processing
 * later": a FIN on the SYN is not acknowledged by the SYN-ACK; the handshake ACK
 * makes the connection ESTABLISHED and the held FIN then takes it to CLOSE-WAIT, with
 * an ACK of the FIN (blind-rfc/listen-syn-fin-queued.pkt). */
static void syn_fin_processed_when_established(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_LISTEN, NULL);
	in(f, REF_SYN | REF_FIN, 0, 0, 65535, 0);
	struct ref_segment *o = next_out(f);
	f->iss = o->seq;
	assert_int_equal(o->flags, REF_SYN | REF_ACK);
	assert_int_equal(o->ack, P + 1);
	in(f, REF_ACK, 1, 1, 65535, 0);
	expect(f, REF_ACK, 1, 2, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_int_equal(state_of(f, f->fd), REF_CLOSE_WAIT);
	char b[4];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 4, 0, f->now), 0);
	fx_free(f);
}

/* The same with text: the FIN is held after the SYN's 10 octets. */
static void syn_text_fin_processed_when_established(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_LISTEN, NULL);
	struct ref_segment s = mkseg(f, REF_SYN | REF_FIN, 0, 0, 65535, 10);
	inject(f, &s);
	struct ref_segment *o = next_out(f);
	f->iss = o->seq;
	assert_int_equal(o->ack, P + 1);
	in(f, REF_ACK, 1, 1, 65535, 0);
	expect(f, REF_ACK, 1, 12, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_int_equal(state_of(f, f->fd), REF_CLOSE_WAIT);
	char b[20];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 20, 0, f->now), 10);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 20, 0, f->now), 0);
	fx_free(f);
}

static void listen_backlog_drops_syn(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	listening(f, 0);        /* Linux: one connection may wait */
	in(f, REF_SYN, 0, 0, 65535, 0);
	f->iss = next_out(f)->seq;
	in(f, REF_ACK, 1, 1, 65535, 0);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 0);
	s.sport = 40001;
	expect_result(inject(f, &s), REF_DROP, REF_R_BACKLOG_FULL);
	expect_silence(f);
	assert_true(ref_sock_accept(f->st, f->lfd, NULL, f->now) >= 3);
	/* room again: the SYN is answered */
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	fx_free(f);
}

/* accept() hands out connections in the order their handshakes completed, not the
 * order of their SYNs (as Linux's accept queue; RFC 9293 leaves the order open) */
static void accept_order_is_completion_order(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	listening(f, 5);
	struct ref_segment a = mkseg(f, REF_SYN, 0, 0, 65535, 0);
	a.sport = 40001;
	inject(f, &a);
	ref_seq_t iss_a = next_out(f)->seq;
	struct ref_segment b = mkseg(f, REF_SYN, 0, 0, 65535, 0);
	b.sport = 40002;
	inject(f, &b);
	ref_seq_t iss_b = next_out(f)->seq;
	/* B's handshake completes first */
	b = mkseg(f, REF_ACK, 1, 0, 65535, 0);
	b.sport = 40002;
	b.ack = iss_b + 1;
	expect_result(inject(f, &b), REF_ACCEPT, REF_R_OK);
	a = mkseg(f, REF_ACK, 1, 0, 65535, 0);
	a.sport = 40001;
	a.ack = iss_a + 1;
	expect_result(inject(f, &a), REF_ACCEPT, REF_R_OK);
	struct ref_sockaddr peer;
	assert_true(ref_sock_accept(f->st, f->lfd, &peer, f->now) >= 0);
	assert_int_equal(peer.port, 40002);
	assert_true(ref_sock_accept(f->st, f->lfd, &peer, f->now) >= 0);
	assert_int_equal(peer.port, 40001);
	fx_free(f);
}

static void syn_received_bad_ack_gets_rst(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_SYN_RECEIVED, NULL);
	/* "If the segment acknowledgment is not acceptable, form a reset segment
	 * <SEQ=SEG.ACK><CTL=RST>" */
	expect_result(in(f, REF_ACK, 1, 5, 65535, 0), REF_DROP_RST, REF_R_SYNRCVD_BAD_ACK);
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->flags, REF_RST);
	assert_int_equal(o->seq, f->iss + 5);
	fx_free(f);
}

static void syn_received_rst_returns_to_listen(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_SYN_RECEIVED, NULL);
	uint64_t live = ref_stack_stats(f->st)->conns_live;
	expect_result(in(f, REF_RST, 1, 0, 0, 0), REF_ACCEPT, REF_R_RST_RESET);
	assert_int_equal(ref_stack_stats(f->st)->conns_live, live - 1);
	assert_int_equal(state_of(f, f->lfd), REF_LISTEN);
	assert_int_equal(ref_sock_accept(f->st, f->lfd, NULL, f->now), REF_PENDING);
	fx_free(f);
}

static void syn_received_dup_syn_resends_synack(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_SYN_RECEIVED, NULL);
	expect_result(in(f, REF_SYN, 0, 0, 65535, 0), REF_DROP_ACK, REF_R_SYNRCVD_DUP_SYN);
	expect(f, REF_SYN | REF_ACK, 0, 1, 0);
	fx_free(f);
}

static void synack_retransmitted_on_timeout(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_SYN_RECEIVED, NULL);
	at(f, 999 * MS);
	expect_silence(f);
	at(f, 1000 * MS);       /* RFC 6298 2.1: initial RTO 1 s */
	expect(f, REF_SYN | REF_ACK, 0, 1, 0);
	at(f, 2999 * MS);
	expect_silence(f);
	at(f, 3000 * MS);       /* 5.5: backed off to 2 s */
	expect(f, REF_SYN | REF_ACK, 0, 1, 0);
	fx_free(f);
}

/* ==== 3.10.7.3 SYN-SENT ============================================================== */

static void synsent_syn_has_options(void **state)
{
	(void)state;
	struct fx *f = syn_sent(ts_on);
	struct ref_segment *o = &f->out[0];
	assert_true(o->opt.has & REF_HAS_MSS);
	assert_true(o->opt.has & REF_HAS_WS);
	assert_true(o->opt.has & REF_HAS_TS);
	assert_true(o->opt.has & REF_HAS_SACK_PERM);
	assert_int_equal(o->opt.tsecr, 0);
	fx_free(f);
}

static void synsent_bad_ack_gets_rst(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	/* SEG.ACK =< ISS: <SEQ=SEG.ACK><CTL=RST> */
	expect_result(in(f, REF_SYN | REF_ACK, 0, 0, 65535, 0), REF_DROP_RST, REF_R_SYNSENT_BAD_ACK);
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->flags, REF_RST);
	assert_int_equal(o->seq, f->iss);
	/* with RST set too: just dropped */
	expect_result(in(f, REF_RST | REF_ACK, 0, 7, 0, 0), REF_DROP, REF_R_SYNSENT_BAD_ACK);
	expect_silence(f);
	assert_int_equal(state_of(f, f->fd), REF_SYN_SENT);
	fx_free(f);
}

static void synsent_rst_without_ack_ignored(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	expect_result(in(f, REF_RST, 0, 0, 0, 0), REF_DROP, REF_R_SYNSENT_RST_NOACK);
	assert_int_equal(state_of(f, f->fd), REF_SYN_SENT);
	fx_free(f);
}

static void synsent_rst_refuses(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	expect_result(in(f, REF_RST | REF_ACK, 0, 1, 0, 0), REF_ACCEPT, REF_R_SYNSENT_RST);
	expect_silence(f);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -ECONNREFUSED);
	fx_free(f);
}

/* A refused connect() leaves the socket unconnected: connecting again starts a new
 * attempt (POSIX leaves the socket's state unspecified; Linux inet_stream_connect()
 * disconnects it), from the port bind() gave and with the socket's options. */
static void synsent_rst_then_connect_again(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	int one = 1;
	assert_int_equal(ref_sock_setsockopt(f->st, f->fd, IPPROTO_TCP, TCP_NODELAY, &one,
					     sizeof one, f->now), 0);
	expect_result(in(f, REF_RST | REF_ACK, 0, 1, 0, 0), REF_ACCEPT, REF_R_SYNSENT_RST);
	int err = -1;
	unsigned len = sizeof err;
	assert_int_equal(ref_sock_getsockopt(f->st, f->fd, SOL_SOCKET, SO_ERROR, &err, &len,
					     f->now), 0);
	assert_int_equal(err, ECONNREFUSED);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	/* the error was taken: the call that notices the failure reports ECONNABORTED */
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -ECONNABORTED);
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	f->now = 100 * MS;
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -EINPROGRESS);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags & ~(REF_ECE | REF_CWR), REF_SYN);
	assert_int_equal(o->sport, 8080);
	f->iss = o->seq;
	assert_int_equal(state_of(f, f->fd), REF_SYN_SENT);
	struct ref_segment s = mkseg(f, REF_SYN | REF_ACK, 0, 1, 5000, 0);
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	expect(f, REF_ACK, 1, 1, 0);
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), 0);
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -EISCONN);
	int v = 0;
	len = sizeof v;
	assert_int_equal(ref_sock_getsockopt(f->st, f->fd, IPPROTO_TCP, TCP_NODELAY, &v, &len,
					     f->now), 0);
	assert_true(v);
	/* an established connection that is reset stays done: no new attempt */
	expect_result(in(f, REF_RST, 1, 0, 0, 0), REF_ACCEPT, REF_R_RST_RESET);
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -EISCONN);
	fx_free(f);
}

/* Without bind(), the retry takes a new ephemeral port (Linux releases the one connect()
 * chose); a blocking connect() reports the refusal itself, then may try again. */
static void refused_blocking_connect_again(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, f->now);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, fd, &to, f->now), REF_PENDING);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	uint16_t port1 = o->sport;
	struct ref_segment rst = mkseg(f, REF_RST | REF_ACK, 0, 0, 0, 0);
	rst.dport = port1;
	rst.ack = o->seq + 1;
	expect_result(inject(f, &rst), REF_ACCEPT, REF_R_SYNSENT_RST);
	assert_int_equal(ref_sock_connect(f->st, fd, &to, f->now), -ECONNREFUSED);
	assert_int_equal(ref_sock_connect(f->st, fd, &to, f->now), REF_PENDING);
	o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags & ~(REF_ECE | REF_CWR), REF_SYN);
	assert_int_not_equal(o->sport, port1);
	fx_free(f);
}

static void synsent_synack_establishes(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -EALREADY);
	f->now = 50 * MS;
	struct ref_segment s = mkseg(f, REF_SYN | REF_ACK, 0, 1, 5000, 0);
	s.opt.has = REF_HAS_MSS;
	s.opt.mss = 1000;
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	expect(f, REF_ACK, 1, 1, 0);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), 0);
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -EISCONN);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_mss, 1000);
	assert_int_equal(ti.rtt, 50000);        /* RFC 6298 2.2: SRTT <- R */
	assert_int_equal(ti.snd_cwnd, 4);       /* RFC 5681 3.1: min(4*SMSS, max(2*SMSS, 4380)) */
	fx_free(f);
}

static void synsent_syn_retransmits_then_times_out(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	int64_t t = 0, rto = 1 * SEC;
	for (int i = 0; i < 7; i++) {
		t += rto;
		at(f, t);
		expect(f, REF_SYN, 0, 0, 0);
		assert_int_equal(f->when[f->next - 1], t);
		rto *= 2;
	}
	/* MUST-23: a SYN is retransmitted for at least 3 minutes */
	assert_true(t >= 120 * SEC);
	at(f, 180 * SEC);
	assert_int_equal(state_of(f, f->fd), REF_SYN_SENT);
	at(f, t + rto);
	expect_silence(f);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -ETIMEDOUT);
	fx_free(f);
}

static void simultaneous_open(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	/* a SYN without ACK: SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
	expect_result(in(f, REF_SYN, 0, 0, 65535, 0), REF_ACCEPT, REF_R_OK);
	expect(f, REF_SYN | REF_ACK, 0, 1, 0);
	assert_int_equal(state_of(f, f->fd), REF_SYN_RECEIVED);
	/* the peer's SYN-ACK acknowledges our SYN */
	expect_result(in(f, REF_SYN | REF_ACK, 0, 1, 65535, 0), REF_ACCEPT, REF_R_OK);
	expect_silence(f);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), 0);
	fx_free(f);
}

/* RFC 7323 2.2: the window of a segment with SYN set is never scaled, also on the
 * SYN,ACK that completes a simultaneous open after both SYNs agreed on scaling (found
 * by fuzz_refstack: 1 << 14 was taken as the window, corpora/fuzz/regressions). */
static void simultaneous_open_synack_window_unscaled(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 100, 0);
	s.opt.has |= REF_HAS_WS;
	s.opt.wscale = 7;
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	expect(f, REF_SYN | REF_ACK, 0, 1, 0);
	s = mkseg(f, REF_SYN | REF_ACK, 0, 1, 100, 0);
	s.opt.has |= REF_HAS_WS;
	s.opt.wscale = 7;
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_wnd, 100);
	/* a later segment's window is scaled */
	in(f, REF_ACK, 1, 1, 100, 0);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_wnd, 100 << 7);
	fx_free(f);
}

/* ==== 3.10.7.4 acceptability, RST, SYN, ACK ========================================== */

static void out_of_window_data_gets_ack(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	/* far beyond RCV.NXT+RCV.WND */
	expect_result(in(f, REF_ACK, 1 + 200000, 1, 100, 10), REF_DROP_ACK, REF_R_OUT_OF_WINDOW);
	expect(f, REF_ACK, 1, 1, 0);
	/* old duplicate (entirely before RCV.NXT) */
	in(f, REF_ACK, 1, 1, 100, 10);
	at(f, 1 * SEC);
	next_out(f);
	expect_result(in(f, REF_ACK, 1, 1, 100, 10), REF_DROP_ACK, REF_R_OUT_OF_WINDOW);
	expect(f, REF_ACK, 1, 11, 0);
	fx_free(f);
}

static void zero_length_segment_tests(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	/* case 2: length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND */
	expect_result(in(f, REF_ACK, 100, 1, 100, 0), REF_ACCEPT, REF_R_OK);
	expect_result(in(f, REF_ACK, 0, 1, 100, 0), REF_DROP_ACK, REF_R_OUT_OF_WINDOW);
	fx_free(f);
}

static void rst_exact_resets(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	expect_result(in(f, REF_RST, 1, 0, 0, 0), REF_ACCEPT, REF_R_RST_RESET);
	expect_silence(f);
	char b[4];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 4, 0, f->now), -ECONNRESET);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 4, 0, f->now), 0);
	assert_int_equal(ref_sock_send(f->st, f->fd, b, 4, 0, f->now), -EPIPE);
	fx_free(f);
}

/* RFC 9293 3.10.7.4 CLOSE-WAIT, RST: SEND gets the "reset" response; as Linux's
 * tcp_reset() that is EPIPE once the peer has closed its side, and a read sees the
 * end of file the FIN gave. */
static void rst_in_close_wait_reports_epipe(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_CLOSE_WAIT, NULL);
	expect_result(in(f, REF_RST, 2, 0, 0, 0), REF_ACCEPT, REF_R_RST_RESET);
	expect_silence(f);
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	char b[4] = { 0 };
	assert_int_equal(ref_sock_send(f->st, f->fd, b, 4, 0, f->now), -EPIPE);
	fx_free(f);
}

static void rst_in_window_gets_challenge_ack(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	/* RFC 5961 3.2: in the window but not RCV.NXT */
	expect_result(in(f, REF_RST, 2, 0, 0, 0), REF_DROP_ACK, REF_R_RST_CHALLENGE);
	expect(f, REF_ACK, 1, 1, 0);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	fx_free(f);
}

static void rst_out_of_window_silent(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	expect_result(in(f, REF_RST, 1 + 1000000, 0, 0, 0), REF_DROP, REF_R_RST_OUT_OF_WINDOW);
	expect_silence(f);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	fx_free(f);
}

static void syn_in_established_gets_challenge_ack(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	/* RFC 5961 4.2: any SYN, whatever its sequence number */
	expect_result(in(f, REF_SYN, 500, 0, 100, 0), REF_DROP_ACK, REF_R_SYN_CHALLENGE);
	expect(f, REF_ACK, 1, 1, 0);
	expect_result(in(f, REF_SYN, 1, 0, 100, 0), REF_DROP_ACK, REF_R_SYN_CHALLENGE);
	expect(f, REF_ACK, 1, 1, 0);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	fx_free(f);
}

static void challenge_ack_rate_limited(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, limit2);
	f->now = 10 * SEC;
	expect_result(in(f, REF_RST, 5, 0, 0, 0), REF_DROP_ACK, REF_R_RST_CHALLENGE);
	expect_result(in(f, REF_SYN, 5, 0, 0, 0), REF_DROP_ACK, REF_R_SYN_CHALLENGE);
	/* RFC 5961 7: the third within the second is suppressed */
	expect_result(in(f, REF_RST, 5, 0, 0, 0), REF_DROP, REF_R_CHALLENGE_LIMITED);
	assert_int_equal(f->nout - f->next, 2);
	f->next = f->nout;
	f->now = 11 * SEC;
	expect_result(in(f, REF_RST, 5, 0, 0, 0), REF_DROP_ACK, REF_R_RST_CHALLENGE);
	fx_free(f);
}

static void per_conn_500(struct ref_config *c)
{
	c->invalid_ratelimit_ms = 500;
	c->challenge_ack_limit = 0;
}

/* tcp_invalid_ratelimit (as Linux): per connection, one challenge ACK or ACK of an
 * unacceptable dataless segment per interval; data out of the window always gets one */
static void per_connection_ack_throttle(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, per_conn_500);
	f->now = 10 * SEC;
	expect_result(in(f, REF_RST, 5, 0, 0, 0), REF_DROP_ACK, REF_R_RST_CHALLENGE);
	f->now += 100 * MS;
	expect_result(in(f, REF_SYN, 5, 0, 0, 0), REF_DROP, REF_R_CHALLENGE_LIMITED);
	expect_result(in(f, REF_ACK, 90000, 1, 65535, 0), REF_DROP, REF_R_ACK_RATE_LIMITED);
	expect_result(in(f, REF_ACK, 90000, 1, 65535, 10), REF_DROP_ACK, REF_R_OUT_OF_WINDOW);
	assert_int_equal(f->nout - f->next, 2);
	f->next = f->nout;
	f->now = 10 * SEC + 500 * MS;
	expect_result(in(f, REF_ACK, 90000, 1, 65535, 0), REF_DROP_ACK, REF_R_OUT_OF_WINDOW);
	fx_free(f);
}

static void ack_of_unsent_data_challenged(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	expect_result(in(f, REF_ACK, 1, 50, 100, 10), REF_DROP_ACK, REF_R_ACK_UNSENT);
	expect(f, REF_ACK, 1, 1, 0);
	int inq = -1;
	ref_sock_ioctl(f->st, f->fd, SIOCINQ, &inq);
	assert_int_equal(inq, 0);       /* the segment's text was dropped too */
	fx_free(f);
}

static void ack_too_old_challenged(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	/* RFC 5961 5.2: below SND.UNA - MAX.SND.WND (65535) */
	expect_result(in(f, REF_ACK, 1, (uint32_t)-100000, 100, 0), REF_DROP_ACK, REF_R_ACK_TOO_OLD);
	expect(f, REF_ACK, 1, 1, 0);
	fx_free(f);
}

static void ack_bit_off_dropped(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	expect_result(in(f, REF_PSH, 1, 0, 100, 10), REF_DROP, REF_R_NO_ACK);
	int inq = -1;
	ref_sock_ioctl(f->st, f->fd, SIOCINQ, &inq);
	assert_int_equal(inq, 0);
	fx_free(f);
}

static void paws_rejects_old_timestamp(void **state)
{
	(void)state;
	struct fx *f = fx_new(ts_on);
	listening(f, 4);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 0);
	s.opt.has = REF_HAS_TS | REF_HAS_MSS;
	s.opt.mss = 1000;
	s.opt.tsval = 5000;
	inject(f, &s);
	struct ref_segment *o = next_out(f);
	f->iss = o->seq;
	assert_true(o->opt.has & REF_HAS_TS);
	assert_int_equal(o->opt.tsecr, 5000);
	s = mkseg(f, REF_ACK, 1, 1, 65535, 0);
	s.opt.has = REF_HAS_TS;
	s.opt.tsval = 5001;
	s.opt.tsecr = o->opt.tsval;
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	/* RFC 7323 5.3: TSval 4000 < TS.Recent 5001: ACK and drop */
	s = mkseg(f, REF_ACK, 1, 1, 65535, 10);
	s.opt.has = REF_HAS_TS;
	s.opt.tsval = 4000;
	expect_result(inject(f, &s), REF_DROP_ACK, REF_R_PAWS);
	o = next_out(f);
	assert_int_equal(o->flags, REF_ACK);
	assert_int_equal(o->opt.tsecr, 5001);
	/* RFC 7323 3.2: a segment without TSopt is silently dropped */
	s = mkseg(f, REF_ACK, 1, 1, 65535, 10);
	expect_result(inject(f, &s), REF_DROP, REF_R_TS_MISSING);
	expect_silence(f);
	fx_free(f);
}

/* RFC 6298 3: with timestamps an ACK of a retransmitted segment gives an RTT sample
 * from the echoed TSval (Karn's ambiguity is gone): a 100 ms handshake, an RTO at
 * 300 ms, the ACK 10 ms after the retransmission: RTO = SRTT + max(200 ms, 4*RTTVAR)
 * from the new sample, no longer the backed-off 600 ms */
static void rtt_from_timestamp_of_retransmission(void **state)
{
	(void)state;
	struct fx *f = fx_new(ts_on);
	listening(f, 4);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 0);
	s.opt.has = REF_HAS_TS | REF_HAS_MSS;
	s.opt.mss = 1000;
	s.opt.tsval = 5000;
	inject(f, &s);
	struct ref_segment *o = next_out(f);
	f->iss = o->seq;
	at(f, 100 * MS);
	s = mkseg(f, REF_ACK, 1, 1, 65535, 0);
	s.opt.has = REF_HAS_TS;
	s.opt.tsval = 5100;
	s.opt.tsecr = o->opt.tsval;
	inject(f, &s);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now);
	o = next_out(f);
	assert_int_equal(o->len, 100);
	at(f, 400 * MS);                        /* RTO 300 ms: the retransmission */
	o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->len, 100);
	uint32_t echo = o->opt.tsval;
	at(f, 410 * MS);
	s = mkseg(f, REF_ACK, 1, 101, 65535, 0);
	s.opt.has = REF_HAS_TS;
	s.opt.tsval = 5410;
	s.opt.tsecr = echo;
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	/* SRTT 88.75 ms, RTTVAR 60 ms: 88.75 + 240 */
	assert_int_equal(ti.rto, 328750);
	assert_int_equal(ti.backoff, 0);
	fx_free(f);
}

/* ==== FIN in every state, close ======================================================= */

static void fin_in_established_to_close_wait(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_CLOSE_WAIT, NULL);
	char b[4];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 4, 0, f->now), 0);   /* EOF */
	/* half-close: we may still send */
	assert_int_equal(ref_sock_send(f->st, f->fd, "abcd", 4, 0, f->now), 4);
	expect(f, REF_ACK | REF_PSH, 1, 2, 4);
	fx_free(f);
}

/* RFC 9293 3.10.7.4 eighth step, state by state. */
static void fin_in_every_state(void **state)
{
	(void)state;
	struct fx *f;
	/* LISTEN: a FIN without SYN (and without ACK) is dropped */
	f = tcb_in_state(REF_LISTEN, NULL);
	expect_result(in(f, REF_FIN, 0, 0, 100, 0), REF_DROP, REF_R_LISTEN_NO_SYN);
	expect_silence(f);
	fx_free(f);
	/* SYN-SENT: "If neither of the SYN or RST bits is set, then drop the segment" */
	f = syn_sent(NULL);
	expect_result(in(f, REF_FIN | REF_ACK, 0, 1, 100, 0), REF_DROP, REF_R_SYNSENT_NO_SYN);
	assert_int_equal(state_of(f, f->fd), REF_SYN_SENT);
	fx_free(f);
	/* SYN-RECEIVED: the handshake's ACK carrying FIN: ESTABLISHED, then CLOSE-WAIT */
	f = tcb_in_state(REF_SYN_RECEIVED, NULL);
	in(f, REF_FIN | REF_ACK, 1, 1, 100, 0);
	expect(f, REF_ACK, 1, 2, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_int_equal(state_of(f, f->fd), REF_CLOSE_WAIT);
	fx_free(f);
	/* CLOSE-WAIT, LAST-ACK, CLOSING: a retransmitted FIN is acknowledged, state kept */
	int keep[] = { REF_CLOSE_WAIT, REF_LAST_ACK, REF_CLOSING };
	for (unsigned i = 0; i < 3; i++) {
		f = tcb_in_state(keep[i], NULL);
		uint32_t our = keep[i] == REF_CLOSE_WAIT ? 1 : 2;
		in(f, REF_FIN | REF_ACK, 1, 1, 100, 0);
		expect(f, REF_ACK, our, 2, 0);
		assert_int_equal(state_of(f, f->fd), keep[i]);
		fx_free(f);
	}
	/* FIN-WAIT-1 with the FIN acknowledged in the same segment: TIME-WAIT at once */
	f = tcb_in_state(REF_FIN_WAIT_1, NULL);
	in(f, REF_FIN | REF_ACK, 1, 2, 100, 0);
	expect(f, REF_ACK, 2, 2, 0);
	assert_int_equal(state_of(f, f->fd), REF_TIME_WAIT);
	fx_free(f);
	/* an out-of-order FIN waits for the data before it */
	f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_FIN | REF_ACK, 11, 1, 100, 0);
	expect(f, REF_ACK, 1, 1, 0);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	in(f, REF_ACK, 1, 1, 100, 10);
	expect(f, REF_ACK, 1, 12, 0);
	assert_int_equal(state_of(f, f->fd), REF_CLOSE_WAIT);
	fx_free(f);
}

static void last_ack_closes_on_ack(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_LAST_ACK, NULL);
	assert_int_equal(ref_sock_close(f->st, f->fd, f->now), 0);
	uint64_t live = ref_stack_stats(f->st)->conns_live;
	expect_result(in(f, REF_ACK, 2, 2, 100, 0), REF_ACCEPT, REF_R_OK);
	assert_int_equal(ref_stack_stats(f->st)->conns_live, live - 1);
	fx_free(f);
}

static void fin_wait_1_ack_to_fin_wait_2(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_FIN_WAIT_2, NULL);
	/* half-close: data from the peer still arrives and can be read */
	in(f, REF_ACK, 1, 2, 100, 10);
	char b[20];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 20, 0, f->now), 10);
	fx_free(f);
}

static void simultaneous_close_closing_to_time_wait(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_CLOSING, NULL);
	expect_result(in(f, REF_ACK, 2, 2, 100, 0), REF_ACCEPT, REF_R_OK);
	assert_int_equal(state_of(f, f->fd), REF_TIME_WAIT);
	fx_free(f);
}

static void time_wait_reacks_fin_and_expires(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_TIME_WAIT, NULL);
	at(f, 30 * SEC);
	/* "a retransmission of the remote FIN.  Acknowledge it, and restart the 2 MSL" */
	expect_result(in(f, REF_FIN | REF_ACK, 1, 2, 100, 0), REF_DROP_ACK, REF_R_TIMEWAIT_FIN);
	expect(f, REF_ACK, 2, 2, 0);
	at(f, 30 * SEC + 60 * SEC - 1);
	assert_int_equal(state_of(f, f->fd), REF_TIME_WAIT);
	at(f, 30 * SEC + 60 * SEC);
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	expect_silence(f);
	fx_free(f);
}

static void rfc1337_on(struct ref_config *c) { c->rfc1337 = true; }

/* RFC 9293 3.10.7.4: an RST at RCV.NXT in TIME-WAIT closes the connection; with
 * tcp_rfc1337 = 1 RFC 1337 3 applies: the RST is ignored and TIME-WAIT runs out. */
static void time_wait_rst_closes_unless_rfc1337(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_TIME_WAIT, NULL);
	expect_result(in(f, REF_RST, 2, 0, 0, 0), REF_ACCEPT, REF_R_RST_RESET);
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	expect_silence(f);
	fx_free(f);

	f = tcb_in_state(REF_TIME_WAIT, rfc1337_on);
	expect_result(in(f, REF_RST, 2, 0, 0, 0), REF_DROP, REF_R_TIMEWAIT_RST);
	expect_result(in(f, REF_RST, 5, 0, 0, 0), REF_DROP, REF_R_TIMEWAIT_RST);  /* no challenge */
	expect_silence(f);
	assert_int_equal(state_of(f, f->fd), REF_TIME_WAIT);
	at(f, f->now + 60 * SEC);
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	fx_free(f);
}

static void time_wait_new_syn_reopens(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_TIME_WAIT, NULL);
	ref_sock_close(f->st, f->fd, f->now);
	f->fd = -1;
	expect_result(in(f, REF_SYN, 100000, 0, 65535, 0), REF_ACCEPT, REF_R_TIMEWAIT_REOPEN);
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->flags, REF_SYN | REF_ACK);
	assert_int_equal(o->ack, P + 100001);
	fx_free(f);
}

static void close_with_unread_data_sends_rst(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK | REF_PSH, 1, 1, 100, 10);
	ref_sock_close(f->st, f->fd, f->now);
	/* RFC 9293 3.6 SHLD-2 */
	expect(f, REF_RST | REF_ACK, 1, 11, 0);
	fx_free(f);
}

static void linger_zero_aborts(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct linger lg = { 1, 0 };
	assert_int_equal(ref_sock_setsockopt(f->st, f->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg, 0), 0);
	ref_sock_close(f->st, f->fd, f->now);
	expect(f, REF_RST | REF_ACK, 1, 1, 0);
	expect_silence(f);
	assert_int_equal(ref_stack_stats(f->st)->conns_live, 1);   /* the listener */
	fx_free(f);
}

static void data_after_close_sends_rst(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	ref_sock_close(f->st, f->fd, f->now);
	expect(f, REF_FIN | REF_ACK, 1, 1, 0);
	expect_result(in(f, REF_ACK, 1, 2, 100, 10), REF_DROP_RST, REF_R_DATA_AFTER_CLOSE);
	expect(f, REF_RST, 2, 0, 0);
	fx_free(f);
}

/* ==== data, ACK policy, windows ======================================================== */

static void delayed_ack(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK, 1, 1, 100, 100);
	expect_silence(f);
	at(f, 39 * MS);
	expect_silence(f);
	at(f, 40 * MS);         /* MUST-40: well under 500 ms */
	expect(f, REF_ACK, 1, 101, 0);
	fx_free(f);
}

static void q16(struct ref_config *c) { c->quickack = 16; }

static void quick_acks_then_delayed(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, q16);
	/* the first segments are ACKed at once (Linux's quick-ACK mode) */
	in(f, REF_ACK, 1, 1, 100, 100);
	expect(f, REF_ACK, 1, 101, 0);
	in(f, REF_ACK, 101, 1, 100, 100);
	expect(f, REF_ACK, 1, 201, 0);
	/* once the connection is interactive (we reply at once), ACKs wait again */
	ref_sock_send(f->st, f->fd, NULL, 10, 0, f->now);
	expect(f, REF_ACK | REF_PSH, 1, 201, 10);
	f->now += 10 * MS;
	in(f, REF_ACK, 201, 11, 100, 100);
	expect_silence(f);
	at(f, f->now + 40 * MS);
	expect(f, REF_ACK, 11, 301, 0);
	fx_free(f);
}

static void ack_every_second_full_segment(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK, 1, 1, 100, 1000);
	expect_silence(f);
	in(f, REF_ACK, 1001, 1, 100, 1000);
	expect(f, REF_ACK, 1, 2001, 0);        /* SHLD-19 */
	fx_free(f);
}

/* A FIN held out of order occupies its sequence number in the SACK information:
 * data+FIN extends its block by one, a bare FIN beyond a gap is a block of its own
 * (RFC 2018 3, as Linux); once the gap fills the ACK covers the FIN, no SACK */
static void out_of_order_fin_sacked(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK | REF_FIN, 101, 1, 100, 100);
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->ack, P + 1);
	assert_int_equal(o->opt.nsack, 1);
	assert_int_equal(o->opt.sack[0].left, P + 101);
	assert_int_equal(o->opt.sack[0].right, P + 202);
	in(f, REF_ACK, 1, 1, 100, 100);
	o = next_out(f);
	assert_int_equal(o->ack, P + 202);
	assert_false(o->opt.has & REF_HAS_SACK);
	assert_int_equal(state_of(f, f->fd), REF_CLOSE_WAIT);
	fx_free(f);

	f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK | REF_FIN, 51, 1, 100, 0);
	o = next_out(f);
	assert_int_equal(o->ack, P + 1);
	assert_int_equal(o->opt.nsack, 1);
	assert_int_equal(o->opt.sack[0].left, P + 51);
	assert_int_equal(o->opt.sack[0].right, P + 52);
	fx_free(f);
}

static void out_of_order_sacked_then_filled(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK, 101, 1, 100, 100);
	/* RFC 5681 4.2: immediate duplicate ACK; RFC 2018: SACK block for the data */
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->ack, P + 1);
	assert_true(o->opt.has & REF_HAS_SACK);
	assert_int_equal(o->opt.nsack, 1);
	assert_int_equal(o->opt.sack[0].left, P + 101);
	assert_int_equal(o->opt.sack[0].right, P + 201);
	in(f, REF_ACK, 1, 1, 100, 100);
	o = next_out(f);        /* the gap is filled: immediate ACK of everything */
	assert_int_equal(o->ack, P + 201);
	assert_false(o->opt.has & REF_HAS_SACK);
	char b[300];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 300, 0, f->now), 200);
	fx_free(f);
}

static void sack_blocks_by_recency(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK, 101, 1, 100, 100);
	in(f, REF_ACK, 301, 1, 100, 100);
	in(f, REF_ACK, 501, 1, 100, 100);
	f->next = f->nout - 1;
	/* RFC 2018 4: the newest block first, then the most recently reported ones */
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->opt.nsack, 3);
	assert_int_equal(o->opt.sack[0].left, P + 501);
	assert_int_equal(o->opt.sack[1].left, P + 301);
	assert_int_equal(o->opt.sack[2].left, P + 101);
	in(f, REF_ACK, 201, 1, 100, 100);       /* joins 101 and 301: now the newest */
	o = next_out(f);
	assert_int_equal(o->opt.nsack, 2);
	assert_int_equal(o->opt.sack[0].left, P + 101);
	assert_int_equal(o->opt.sack[0].right, P + 401);
	assert_int_equal(o->opt.sack[1].left, P + 501);
	fx_free(f);
}

static void window_update_rules(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct ref_tcp_info ti;
	in(f, REF_ACK, 1, 1, 3000, 0);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_wnd, 3000);
	in(f, REF_ACK, 1, 1, 500, 100);         /* SND.WL1 = SEG.SEQ, WL2 =< SEG.ACK: update */
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_wnd, 500);
	/* an older segment (SEG.SEQ < SND.WL1) must not change the window */
	in(f, REF_ACK, 1, 1, 9000, 100);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_wnd, 500);
	fx_free(f);
}

static void zero_window_probe_with_persist(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK, 1, 1, 0, 0);             /* the peer closes its window */
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 500, 0, f->now), 500);
	expect_silence(f);
	int64_t d = ref_next_deadline(f->st);
	assert_true(d != INT64_MAX);
	at(f, d);
	expect(f, REF_ACK | REF_PSH, 1, 1, 1);  /* one octet past the window */
	in(f, REF_ACK, 1, 1, 0, 0);             /* not accepted */
	at(f, ref_next_deadline(f->st));
	expect(f, REF_ACK, 1, 1, 1);            /* probed again, from SND.UNA */
	in(f, REF_ACK, 1, 1, 1000, 0);          /* the window opens */
	expect(f, REF_ACK | REF_PSH, 1, 1, 500);
	fx_free(f);
}

/* RFC 9293 3.10.7.4: a passive open gets its first SND.WND from the ACK completing
 * the handshake, so the largest window seen starts there (as Linux's max_window):
 * SYN win 65535 with wscale 7, then win 4 << 7 = 512: 512 octets go at once, not
 * held for the SWS override timeout as if 65535 had ever been offered */
static void passive_max_window_from_handshake_ack(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	syn_received(f, 1000, 7);
	expect_result(in(f, REF_ACK, 1, 1, 4, 0), REF_ACCEPT, REF_R_OK);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_true(f->fd >= 3);
	int one = 1;
	ref_sock_setsockopt(f->st, f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one, f->now);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 2000, 0, f->now), 2000);
	expect(f, REF_ACK, 1, 1, 512);
	expect_silence(f);
	in(f, REF_ACK, 1, 513, 4, 0);
	expect(f, REF_ACK, 513, 1, 512);
	fx_free(f);
}

/* PSH as Linux sets it beyond the end of each write (forced push): a write of 3000
 * into a peer window of 2000 (the largest seen) pushes the segment ending 1000 octets
 * (half that window) past the last push point, then the write's last one */
static void forced_push_half_window(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	syn_received(f, 1000, -1);
	in(f, REF_ACK, 1, 1, 2000, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 3000, 0, f->now), 3000);
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->len, 1000);
	assert_int_equal(o->flags, REF_ACK);
	o = next_out(f);
	assert_int_equal(o->len, 1000);
	assert_int_equal(o->flags, REF_ACK | REF_PSH);
	expect_silence(f);
	in(f, REF_ACK, 1, 2001, 2000, 0);
	o = next_out(f);
	assert_int_equal(o->flags, REF_ACK | REF_PSH);
	assert_int_equal(o->len, 1000);
	fx_free(f);
}

/* Linux's tcp_bound_to_half_wnd() at establishment: a peer whose handshake ACK offers
 * 1000 octets (MSS 1460) gets segments of 500; one offering at most 536 the whole
 * window as segment size */
static void mss_bounded_by_half_the_window(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	syn_received(f, 1460, -1);
	in(f, REF_ACK, 1, 1, 1000, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_mss, 500);
	int one = 1;
	ref_sock_setsockopt(f->st, f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one, f->now);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 1000, 0, f->now), 1000);
	expect(f, REF_ACK, 1, 1, 500);
	expect(f, REF_ACK | REF_PSH, 501, 1, 500);
	fx_free(f);

	f = fx_new(NULL);
	syn_received(f, 1460, -1);
	in(f, REF_ACK, 1, 1, 300, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_mss, 300);
	fx_free(f);
}

static void sws_override_timeout(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK, 1, 1, 300, 0);           /* 300 < MSS and < 65535 / 2 */
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 1000, 0, f->now), 1000);
	expect_silence(f);                       /* sender SWS avoidance holds it */
	int64_t d = ref_next_deadline(f->st);
	/* RFC 9293 3.8.6.2.1: the override timeout is 0.1 to 1 s */
	assert_true(d >= f->now + 100 * MS && d <= f->now + 1 * SEC);
	at(f, d);
	expect(f, REF_ACK, 1, 1, 300);          /* what the window takes */
	assert_true(ref_next_deadline(f->st) != INT64_MAX);     /* retransmission timer */
	fx_free(f);
}

static void nagle_and_nodelay(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now), 100);
	expect(f, REF_ACK | REF_PSH, 1, 1, 100);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now), 100);
	expect_silence(f);                       /* Nagle: small segment held */
	in(f, REF_ACK, 1, 101, 65535, 0);
	expect(f, REF_ACK | REF_PSH, 101, 1, 100);
	int one = 1;
	ref_sock_setsockopt(f->st, f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one, f->now);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now), 100);
	expect(f, REF_ACK | REF_PSH, 201, 1, 100);
	fx_free(f);
}

static void receiver_sws_avoidance(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	listening(f, 4);
	int small = 2000;       /* rcvbuf 4000 after Linux's doubling */
	ref_sock_setsockopt(f->st, f->lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small, 0);
	in(f, REF_SYN, 0, 0, 65535, 0);
	struct ref_segment *o = next_out(f);
	f->iss = o->seq;
	assert_int_equal(o->wnd, 4000);
	in(f, REF_ACK, 1, 1, 65535, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, 0);
	in(f, REF_ACK, 1, 1, 65535, 1000);
	in(f, REF_ACK, 1001, 1, 65535, 1000);
	o = next_out(f);
	assert_int_equal(o->wnd, 2000);
	in(f, REF_ACK, 2001, 1, 65535, 1000);
	in(f, REF_ACK, 3001, 1, 65535, 1000);
	o = next_out(f);
	assert_int_equal(o->wnd, 0);
	/* reading 100 octets must not open a tiny window (MUST-39).  The threshold is
	 * min(Fr * RCV.BUFF, Eff.snd.MSS) = min(2000, 536): the SYN had no MSS option,
	 * so the effective send MSS is the 536 default (MUST-15), not the 1460 offered */
	char b[1000];
	ref_sock_recv(f->st, f->fd, b, 100, 0, f->now);
	expect_silence(f);
	ref_sock_recv(f->st, f->fd, b, 435, 0, f->now);
	expect_silence(f);      /* 535 < 536 */
	ref_sock_recv(f->st, f->fd, b, 1, 0, f->now);
	o = next_out(f);        /* 536: window update, all the free space */
	assert_non_null(o);
	assert_int_equal(o->wnd, 536);
	expect_silence(f);
	fx_free(f);
}

static void mss_default_536(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	syn_received(f, 0, -1);         /* no MSS option: MUST-15, 536 */
	in(f, REF_ACK, 1, 1, 65535, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, 0);
	ref_sock_send(f->st, f->fd, NULL, 1200, 0, f->now);
	expect(f, REF_ACK, 1, 1, 536);
	expect(f, REF_ACK, 537, 1, 536);
	expect(f, REF_ACK | REF_PSH, 1073, 1, 128);
	fx_free(f);
}

/* MUST-16: an MSS of 50 is honoured exactly (segments of 50, not the old floor of 64);
 * below Linux's floor of 48 (tcp_min_snd_mss) the stack sends 48-octet segments. */
static void mss_small_honoured_floor_48(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	syn_received(f, 50, -1);
	in(f, REF_ACK, 1, 1, 65535, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, 0);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_mss, 50);
	ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now);
	expect(f, REF_ACK, 1, 1, 50);
	fx_free(f);

	f = fx_new(NULL);
	syn_received(f, 16, -1);
	in(f, REF_ACK, 1, 1, 65535, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, 0);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_mss, 48);
	fx_free(f);
}

static void window_scaling(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	syn_received(f, 1000, 7);
	struct ref_segment *o = &f->out[0];
	assert_true(o->opt.has & REF_HAS_WS);   /* RFC 7323 2.2: answered in kind */
	assert_int_equal(o->opt.wscale, 10);    /* 2.3: enough for rmem_max (32 MiB) */
	in(f, REF_ACK, 1, 1, 100, 0);           /* 100 << 7 = 12800 */
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, 0);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_wnd, 12800);
	assert_int_equal(ti.snd_wscale, 7);
	/* our window fields are scaled down by our shift */
	in(f, REF_ACK, 1, 1, 100, 1000);
	at(f, 1 * SEC);
	o = next_out(f);
	assert_int_equal(o->wnd, (131072 - 1000) >> 10);
	fx_free(f);
}

static void wscale_above_14_is_14(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	syn_received(f, 1000, 20);
	in(f, REF_ACK, 1, 1, 1, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, 0);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_wscale, 14);    /* RFC 7323 2.3 */
	fx_free(f);
}

/* RFC 7323 2.3: the shift is chosen for the largest window the receiver can offer.  A
 * buffer fixed with SO_RCVBUF never grows past its size, so a 40000-octet buffer needs
 * no scaling at all (rmem_max, which only an autotuned buffer can reach, is irrelevant). */
static void wscale_from_fixed_rcvbuf(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	listening(f, 4);
	int v = 20000;          /* rcvbuf 40000 after Linux's doubling */
	assert_int_equal(ref_sock_setsockopt(f->st, f->lfd, SOL_SOCKET, SO_RCVBUF, &v,
					     sizeof v, 0), 0);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 0);
	s.opt.has |= REF_HAS_WS | REF_HAS_MSS;
	s.opt.wscale = 7;
	s.opt.mss = 1000;
	inject(f, &s);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_true(o->opt.has & REF_HAS_WS);
	assert_int_equal(o->opt.wscale, 0);
	assert_int_equal(o->wnd, 40000);
	fx_free(f);
	/* a buffer large enough to need a shift gets the smallest one that covers it
	 * (the fixture is a single static object: one at a time) */
	struct fx *g = fx_new(NULL);
	g->lfd = ref_sock_socket(g->st, AF_INET, SOCK_STREAM, 0, g->now);
	v = 200000;             /* 400000 octets: 400000 > 65535 << 2, <= 65535 << 3 */
	ref_sock_setsockopt(g->st, g->lfd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v, 0);
	struct ref_sockaddr sa = { .addr = { .family = 0 }, .port = 8080 };
	assert_int_equal(ref_sock_bind(g->st, g->lfd, &sa, g->now), 0);
	assert_int_equal(ref_sock_listen(g->st, g->lfd, 4, g->now), 0);
	s = mkseg(g, REF_SYN, 0, 0, 65535, 0);
	s.opt.has |= REF_HAS_WS;
	s.opt.wscale = 7;
	inject(g, &s);
	o = next_out(g);
	assert_non_null(o);
	assert_int_equal(o->opt.wscale, 3);
	fx_free(g);
}

/* RFC 9293 3.10.7.4: with RCV.WND zero "no segments will be acceptable, but special
 * allowance should be made to accept valid ACKs, URGs, and RSTs"; the FIN is not taken,
 * and "If an incoming segment is not acceptable, an acknowledgment should be sent". */
static void zero_window_fin_not_taken_but_acked(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	listening(f, 4);
	int v = 2000;           /* rcvbuf 4000 */
	ref_sock_setsockopt(f->st, f->lfd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v, 0);
	in(f, REF_SYN, 0, 0, 65535, 0);
	struct ref_segment *o = next_out(f);
	f->iss = o->seq;
	in(f, REF_ACK, 1, 1, 65535, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, 0);
	for (uint32_t q = 1; q < 4001; q += 1000)
		in(f, REF_ACK, q, 1, 65535, 1000);
	at(f, 1 * SEC);
	while ((o = next_out(f)) != NULL && o->wnd != 0)
		;
	assert_non_null(o);
	assert_int_equal(o->ack, P + 4001);
	expect_silence(f);
	/* the FIN right at RCV.NXT with the window closed */
	in(f, REF_FIN | REF_ACK, 4001, 1, 65535, 0);
	expect(f, REF_ACK, 1, 4001, 0);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	/* once the window opens the retransmitted FIN is taken */
	char b[4000];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, sizeof b, 0, f->now), 4000);
	while (next_out(f) != NULL)
		;
	in(f, REF_FIN | REF_ACK, 4001, 1, 65535, 0);
	expect(f, REF_ACK, 1, 4002, 0);
	assert_int_equal(state_of(f, f->fd), REF_CLOSE_WAIT);
	fx_free(f);
}

/* ==== retransmission and congestion control =========================================== */

static void restart_window_after_idle(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	ref_sock_send(f->st, f->fd, NULL, 4000, 0, f->now);
	f->next = f->nout;
	for (uint32_t a = 1001; a <= 4001; a += 1000)
		in(f, REF_ACK, 1, a, 65535, 0);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_cwnd, 8);       /* slow start: 4 + 4 */
	f->now += 5 * SEC;                      /* idle for more than the RTO */
	ref_sock_send(f->st, f->fd, NULL, 10000, 0, f->now);
	/* RFC 5681 4.1: restart from RW = min(IW, cwnd) = 4 segments */
	assert_int_equal(f->nout - f->next, 4);
	fx_free(f);
}

static void no_idle_restart(struct ref_config *c) { c->slow_start_after_idle = false; }

/* RFC 5681 4.1 is a SHOULD; tcp_slow_start_after_idle = 0 keeps cwnd over idle time */
static void no_restart_window_when_turned_off(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, no_idle_restart);
	ref_sock_send(f->st, f->fd, NULL, 4000, 0, f->now);
	f->next = f->nout;
	for (uint32_t a = 1001; a <= 4001; a += 1000)
		in(f, REF_ACK, 1, a, 65535, 0);
	f->now += 5 * SEC;
	ref_sock_send(f->st, f->fd, NULL, 10000, 0, f->now);
	assert_int_equal(f->nout - f->next, 8);         /* the whole cwnd of 8 segments */
	fx_free(f);
}

static void urgent_mark_reported(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct ref_segment s = mkseg(f, REF_ACK | REF_URG, 1, 1, 100, 3);
	s.urp = 3;
	inject(f, &s);
	int mark = -1;
	assert_int_equal(ref_sock_ioctl(f->st, f->fd, SIOCATMARK, &mark), 0);
	assert_int_equal(mark, 0);
	char b[10];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 10, 0, f->now), 2);   /* stops at the mark */
	assert_int_equal(ref_sock_ioctl(f->st, f->fd, SIOCATMARK, &mark), 0);
	assert_int_equal(mark, 1);              /* MUST-33 */
	fx_free(f);
}

/* RFC 6298 2.2/2.3 with the floor on the variance term (as Linux): a 10 ms handshake
 * gives RTO = 10 + max(200, 4 * 5) = 210 ms; a 500 ms one 500 + 4 * 250 = 1500 ms */
/* tcpi_ato as Linux's icsk_ack.ato: 0 before any data arrived, the delayed-ACK
 * time (40 ms) after */
static void tcp_info_ato_after_data(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.ato, 0);
	in(f, REF_ACK | REF_PSH, 1, 1, 100, 10);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.ato, 40000);
	fx_free(f);
}

static void rto_floor_on_variance(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	syn_received(f, 1000, -1);
	at(f, 10 * MS);
	in(f, REF_ACK, 1, 1, 65535, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.rto, 210000);
	fx_free(f);

	f = fx_new(NULL);
	syn_received(f, 1000, -1);
	at(f, 500 * MS);
	in(f, REF_ACK, 1, 1, 65535, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.rto, 1500000);
	fx_free(f);
}

static void rto_backoff_and_karn(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now);
	expect(f, REF_ACK | REF_PSH, 1, 1, 100);
	/* no RTT sample yet (handshake at time 0 gave R = 0 -> RTO = min 200 ms) */
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	int64_t rto = (int64_t)ti.rto * 1000;
	at(f, rto);
	expect(f, REF_ACK | REF_PSH, 1, 1, 100);
	at(f, rto + 2 * rto - 1);
	expect_silence(f);
	at(f, rto + 2 * rto);           /* RFC 6298 5.5: doubled */
	expect(f, REF_ACK | REF_PSH, 1, 1, 100);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.backoff, 2);
	assert_int_equal(ti.total_retrans, 2);
	assert_int_equal(ti.snd_cwnd, 1);       /* RFC 5681 3.1: LW = 1 SMSS */
	in(f, REF_ACK, 1, 101, 65535, 0);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.unacked, 0);
	/* Karn: the ACK of a retransmitted segment is no sample; the backoff stays */
	assert_int_equal(ti.backoff, 2);
	ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now);
	expect(f, REF_ACK | REF_PSH, 101, 1, 100);
	f->now += 100 * MS;
	in(f, REF_ACK, 1, 201, 65535, 0);       /* a valid sample: RTO from the estimate */
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.backoff, 0);
	fx_free(f);
}

static void retransmission_limit_aborts(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, few_retries);
	ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now);
	for (int i = 0; i < 10 && state_of(f, f->fd) != REF_CLOSED; i++)
		at(f, ref_next_deadline(f->st));
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	assert_int_equal(f->nout - f->next, 1 + 3);     /* the original and 3 retransmissions */
	char b[4];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 4, 0, f->now), -ETIMEDOUT);
	fx_free(f);
}

static void user_timeout_aborts(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	int ut = 1500;
	ref_sock_setsockopt(f->st, f->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof ut, 0);
	ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now);
	while (state_of(f, f->fd) != REF_CLOSED && f->now < 10 * SEC)
		at(f, ref_next_deadline(f->st));
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	assert_true(f->now >= 1500 * MS && f->now < 4 * SEC);
	fx_free(f);
}

static void iw10(struct ref_config *c) { c->init_cwnd = 10; }

static void fast_retransmit_and_recovery(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, iw10);
	ref_sock_send(f->st, f->fd, NULL, 5000, 0, f->now);
	for (int i = 0; i < 5; i++)
		expect(f, REF_ACK, 1 + 1000 * i, 1, 1000);
	in(f, REF_ACK, 1, 1001, 65535, 0);
	for (int i = 0; i < 3; i++)
		in(f, REF_ACK, 1, 1001, 65535, 0);
	/* RFC 5681 3.2: the third duplicate ACK retransmits the first unacked segment */
	expect(f, REF_ACK, 1001, 1, 1000);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.ca_state, 3);
	/* ssthresh = max(FlightSize/2, 2*SMSS) = 2000; cwnd = ssthresh + 3*SMSS */
	assert_int_equal(ti.snd_ssthresh, 2);
	assert_int_equal(ti.snd_cwnd, 5);
	/* RFC 6582: a partial ACK retransmits the next hole */
	in(f, REF_ACK, 1, 2001, 65535, 0);
	expect(f, REF_ACK, 2001, 1, 1000);
	/* a full ACK ends recovery */
	in(f, REF_ACK, 1, 5001, 65535, 0);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.ca_state, 0);
	assert_int_equal(ti.snd_cwnd, 2);
	fx_free(f);
}

/* RFC 5682 F-RTO: four segments out, the timeout retransmits the first (step 1) */
static void frto_on(struct ref_config *c) { c->frto = true; }

static struct fx *frto_after_timeout(void (*tune)(struct ref_config *))
{
	struct fx *f = tcb_in_state(REF_ESTABLISHED, tune);
	ref_sock_send(f->st, f->fd, NULL, 10000, 0, f->now);
	for (int i = 0; i < 4; i++)                     /* RFC 5681 3.1 IW: 4 * 1000 */
		expect(f, REF_ACK, 1 + 1000 * i, 1, 1000);
	expect_silence(f);
	at(f, ref_next_deadline(f->st));                /* the RTO */
	expect(f, REF_ACK, 1, 1, 1000);
	expect_silence(f);
	return f;
}

static void frto_spurious_timeout_sends_new_data(void **state)
{
	(void)state;
	struct fx *f = frto_after_timeout(frto_on);
	/* step 2b: the ACK covers the retransmission and not "recover": two new segments */
	in(f, REF_ACK, 1, 1001, 65535, 0);
	expect(f, REF_ACK, 4001, 1, 1000);
	expect(f, REF_ACK, 5001, 1, 1000);
	expect_silence(f);
	/* step 3b: acknowledges never-retransmitted data: spurious, nothing resent */
	in(f, REF_ACK, 1, 3001, 65535, 0);
	assert_int_equal(ref_stack_stats(f->st)->spurious_rtos, 1);
	in(f, REF_ACK, 1, 4001, 65535, 0);
	struct ref_segment *o;
	int n = 0;
	for (; (o = next_out(f)); n++)
		assert_true((uint32_t)(o->seq - f->iss) >= 6001);      /* only new data */
	assert_true(n >= 1);
	fx_free(f);
}

static void frto_duplicate_ack_in_step3_goes_back(void **state)
{
	(void)state;
	struct fx *f = frto_after_timeout(frto_on);
	in(f, REF_ACK, 1, 1001, 65535, 0);
	expect(f, REF_ACK, 4001, 1, 1000);
	expect(f, REF_ACK, 5001, 1, 1000);
	/* step 3a: a duplicate ACK: cwnd <= 3 SMSS, slow-start retransmission */
	in(f, REF_ACK, 1, 1001, 65535, 0);
	expect(f, REF_ACK, 1001, 1, 1000);
	expect(f, REF_ACK, 2001, 1, 1000);
	expect_silence(f);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_true(ti.snd_cwnd <= 3);
	assert_int_equal(ref_stack_stats(f->st)->spurious_rtos, 0);
	fx_free(f);
}

static void frto_duplicate_ack_in_step2_is_conventional(void **state)
{
	(void)state;
	struct fx *f = frto_after_timeout(frto_on);
	/* step 2a: a duplicate ACK first: no new data, conventional recovery */
	in(f, REF_ACK, 1, 1, 65535, 0);
	expect_silence(f);
	in(f, REF_ACK, 1, 1001, 65535, 0);
	expect(f, REF_ACK, 1001, 1, 1000);
	expect(f, REF_ACK, 2001, 1, 1000);
	fx_free(f);
}

static void frto_ack_of_everything_is_conventional(void **state)
{
	(void)state;
	struct fx *f = frto_after_timeout(frto_on);
	/* step 2a: the ACK covers "recover" (4001): nothing to detect, new data as the
	 * congestion window allows, never the two-segment rule */
	in(f, REF_ACK, 1, 4001, 65535, 0);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal((uint32_t)(o->seq - f->iss), 4001);
	assert_int_equal(ref_stack_stats(f->st)->spurious_rtos, 0);
	fx_free(f);
}

static void frto_off_goes_back(void **state)
{
	(void)state;
	struct fx *f = frto_after_timeout(NULL);
	in(f, REF_ACK, 1, 1001, 65535, 0);
	expect(f, REF_ACK, 1001, 1, 1000);              /* RFC 5681: go back, slow start */
	expect(f, REF_ACK, 2001, 1, 1000);
	fx_free(f);
}

static void frto_not_in_a_window_without_room(void **state)
{
	(void)state;
	struct fx *f = frto_after_timeout(frto_on);
	/* step 2b: "the advertised window prohibits new transmissions": conventional */
	in(f, REF_ACK, 1, 1001, 3000, 0);
	expect(f, REF_ACK, 1001, 1, 1000);
	fx_free(f);
}

/* FreeBSD's insecure_rst / insecure_syn: RFC 5961 3.2 and 4.2 off */
static void rfc5961_off(struct ref_config *c) { c->rfc5961_rst = c->rfc5961_syn = false; }

static void rst_in_window_resets_without_rfc5961(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, rfc5961_off);
	expect_result(in(f, REF_RST, 100, 0, 0, 0), REF_ACCEPT, REF_R_RST_RESET);
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	expect_silence(f);
	fx_free(f);
}

static void syn_in_window_resets_without_rfc5961(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, rfc5961_off);
	expect_result(in(f, REF_SYN, 100, 0, 65535, 0), REF_DROP_RST, REF_R_SYN_RESET);
	expect(f, REF_RST | REF_ACK, 1, 1, 0);
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	fx_free(f);
	/* outside the window: the acceptability test's ACK, the connection lives */
	f = tcb_in_state(REF_ESTABLISHED, rfc5961_off);
	in(f, REF_SYN, 200000, 0, 65535, 0);
	expect(f, REF_ACK, 1, 1, 0);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	fx_free(f);
}

static void drop_synfin_on(struct ref_config *c) { c->drop_synfin = true; }

static void synfin_dropped_when_configured(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_LISTEN, drop_synfin_on);
	expect_result(in(f, REF_SYN | REF_FIN, 0, 0, 65535, 0), REF_DROP, REF_R_SYNFIN_DROPPED);
	expect_silence(f);
	fx_free(f);
}

static void keepinit_5s(struct ref_config *c) { c->conn_init_timeout_ms = 5000; }

static void connection_attempt_ends_at_its_limit(void **state)
{
	(void)state;
	struct fx *f = syn_sent(keepinit_5s);
	at(f, ref_next_deadline(f->st));
	expect(f, REF_SYN, 0, 0, 0);                    /* 1 s */
	at(f, ref_next_deadline(f->st));
	expect(f, REF_SYN, 0, 0, 0);                    /* 3 s */
	at(f, ref_next_deadline(f->st));
	assert_int_equal(f->now, 5000 * MS);            /* not 7 s: the limit */
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	fx_free(f);
}

static void slop_200(struct ref_config *c) { c->rto_slop_ms = 200; }

static void rto_slop_after_backoff_only(void **state)
{
	(void)state;
	struct fx *f = syn_sent(slop_200);
	at(f, ref_next_deadline(f->st));
	assert_int_equal(f->now, 1000 * MS);            /* the initial RTO as it is */
	expect(f, REF_SYN, 0, 0, 0);
	at(f, ref_next_deadline(f->st));
	assert_int_equal(f->now, 3200 * MS);            /* 2 * 1 s + 200 ms */
	fx_free(f);
}

static void slow_start_growth(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	ref_sock_send(f->st, f->fd, NULL, 20000, 0, f->now);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_cwnd, 4);       /* RFC 5681 3.1 IW for SMSS 1000 */
	assert_int_equal(f->nout - f->next, 4);
	f->next = f->nout;
	in(f, REF_ACK, 1, 1001, 65535, 0);
	in(f, REF_ACK, 1, 2001, 65535, 0);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_cwnd, 6);       /* RFC 5681 3.1: +SMSS per ACK */
	assert_int_equal(f->nout - f->next, 4); /* two for each ACK */
	fx_free(f);
}

/* ==== urgent data, keep-alive, ICMP, ISN, socket layer ================================ */

static void urgent_data_received_out_of_band(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct ref_segment s = mkseg(f, REF_ACK | REF_URG, 1, 1, 100, 3);
	uint8_t d[3] = { 'a', 'b', '!' };
	s.data = d;
	s.urp = 3;              /* RFC 6093: points past the urgent octet '!' */
	inject(f, &s);
	assert_int_equal(ref_sock_poll(f->st, f->fd, POLLIN | POLLPRI), POLLIN | POLLPRI);
	char c = 0;
	assert_int_equal(ref_sock_recv(f->st, f->fd, &c, 1, MSG_OOB, f->now), 1);
	assert_int_equal(c, '!');
	char b[10];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 10, 0, f->now), 2);
	assert_memory_equal(b, "ab", 2);
	fx_free(f);
}

/* SO_OOBINLINE: the urgent octet stays in the stream, but a read still stops at the
 * mark and the next one starts with the urgent octet (Linux tcp_recvmsg; MUST-33) */
static void urgent_inline_read_stops_at_mark(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	int one = 1;
	assert_int_equal(ref_sock_setsockopt(f->st, f->fd, SOL_SOCKET, SO_OOBINLINE, &one,
					     sizeof one, f->now), 0);
	struct ref_segment s = mkseg(f, REF_ACK | REF_URG, 1, 1, 100, 6);
	uint8_t d[6] = { 'a', 'b', '!', 'c', 'd', 'e' };
	s.data = d;
	s.urp = 3;              /* the urgent octet is '!' */
	inject(f, &s);
	char c = 0;
	assert_int_equal(ref_sock_recv(f->st, f->fd, &c, 1, MSG_OOB, f->now), -EINVAL);
	char b[10];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 10, 0, f->now), 2);
	assert_memory_equal(b, "ab", 2);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 10, 0, f->now), 4);
	assert_memory_equal(b, "!cde", 4);
	fx_free(f);
}

static void urgent_data_sent(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	assert_int_equal(ref_sock_send(f->st, f->fd, "xyz", 3, MSG_OOB, f->now), 3);
	struct ref_segment *o = next_out(f);
	assert_true(o->flags & REF_URG);
	assert_int_equal(o->urp, 3);
	fx_free(f);
}

static void keepalive_probes_then_reset(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	int one = 1, idle = 10, intvl = 5, cnt = 2;
	ref_sock_setsockopt(f->st, f->fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle, 0);
	ref_sock_setsockopt(f->st, f->fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl, 0);
	ref_sock_setsockopt(f->st, f->fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt, 0);
	ref_sock_setsockopt(f->st, f->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one, 0);
	at(f, 10 * SEC - 1);
	expect_silence(f);
	at(f, 10 * SEC);
	expect(f, REF_ACK, 0, 1, 0);            /* <SEQ=SND.UNA-1> */
	at(f, 15 * SEC);
	expect(f, REF_ACK, 0, 1, 0);
	at(f, 20 * SEC);
	expect(f, REF_RST | REF_ACK, 1, 1, 0);
	assert_int_equal(state_of(f, f->fd), REF_CLOSED);
	fx_free(f);
}

static void keepalive_off_by_default(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	at(f, 3 * 3600 * SEC);  /* MUST-24: off unless asked for */
	expect_silence(f);
	assert_int_equal(ref_next_deadline(f->st), INT64_MAX);
	fx_free(f);
}

static struct ref_icmp icmp_for(struct fx *f, enum ref_icmp_kind k)
{
	struct ref_icmp ic = { .kind = k, .src = addr4(1), .dst = addr4(2),
			       .sport = 8080, .dport = 40000, .seq = f->iss };
	return ic;
}

static void icmp_port_unreachable_is_hard(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	struct ref_icmp ic = icmp_for(f, REF_ICMP_PORT_UNREACH);
	ref_icmp_input(f->st, &ic, 0);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, 0), -ECONNREFUSED);
	fx_free(f);
}

/* RFC 1191: "fragmentation needed" with MTU 576 quoting our segment: the data goes
 * again in 536-octet segments, and TCP_INFO reports the path MTU (Linux tcpi_pmtu) */
static void icmp_frag_needed_lowers_pmtu(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.pmtu, 1500);
	ref_sock_send(f->st, f->fd, NULL, 1000, 0, f->now);
	expect(f, REF_ACK | REF_PSH, 1, 1, 1000);
	struct ref_icmp ic = icmp_for(f, REF_ICMP_FRAG_NEEDED);
	ic.seq = f->iss + 1;
	ic.mtu = 576;
	ref_icmp_input(f->st, &ic, f->now);
	expect(f, REF_ACK, 1, 1, 536);
	expect(f, REF_ACK | REF_PSH, 537, 1, 464);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.pmtu, 576);
	assert_int_equal(ti.snd_mss, 536);
	/* a larger MTU later does not raise it (RFC 1191 6.3: increases only by probing) */
	ic.mtu = 1400;
	ref_icmp_input(f->st, &ic, f->now);
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.pmtu, 576);
	fx_free(f);
}

/* TCP_CONGESTION: "reno" is this stack's RFC 5681/6582 congestion control; another
 * algorithm Linux has is not implemented (ENOPROTOOPT), an unknown name is ENOENT */
/* shutdown(SHUT_RD) as Linux: what is queued stays readable, data arriving later is
 * still taken (and ACKed) and readable; end of file once the queue is drained */
static void shut_rd_keeps_data(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK | REF_PSH, 1, 1, 100, 100);
	next_out(f);
	assert_int_equal(ref_sock_shutdown(f->st, f->fd, SHUT_RD, f->now), 0);
	expect_silence(f);
	char b[300];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, sizeof b, 0, f->now), 100);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, sizeof b, 0, f->now), 0);
	in(f, REF_ACK | REF_PSH, 101, 1, 100, 50);
	struct ref_segment *o = next_out(f);
	if (o == NULL) {                /* a delayed ACK */
		at(f, f->now + SEC);
		o = next_out(f);
	}
	assert_non_null(o);
	assert_int_equal(o->ack, P + 151);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, sizeof b, 0, f->now), 50);
	fx_free(f);
}

static void congestion_control_names(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, f->now);
	assert_int_equal(ref_sock_setsockopt(f->st, fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4,
					     f->now), 0);
	assert_int_equal(ref_sock_setsockopt(f->st, fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 5,
					     f->now), 0);
	assert_int_equal(ref_sock_setsockopt(f->st, fd, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5,
					     f->now), -ENOPROTOOPT);
	assert_int_equal(ref_sock_setsockopt(f->st, fd, IPPROTO_TCP, TCP_CONGESTION, "x1", 2,
					     f->now), -ENOENT);
	fx_free(f);
}

static void icmp_soft_errors_do_not_abort(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	struct ref_icmp ic = icmp_for(f, REF_ICMP_HOST_UNREACH);
	ref_icmp_input(f->st, &ic, 0);          /* MUST-56 */
	ic.kind = REF_ICMP_SOURCE_QUENCH;       /* MUST-55 */
	ref_icmp_input(f->st, &ic, 0);
	assert_int_equal(state_of(f, f->fd), REF_SYN_SENT);
	/* when the connection finally times out, the soft error is what is reported */
	while (state_of(f, f->fd) == REF_SYN_SENT)
		at(f, ref_next_deadline(f->st));
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -EHOSTUNREACH);
	fx_free(f);
}

static void isn_keyed_and_clocked(void **state)
{
	(void)state;
	struct fx *a = syn_sent(NULL);
	ref_seq_t i1 = a->iss;
	fx_free(a);
	a = syn_sent(NULL);
	assert_int_equal(a->iss, i1);           /* a fixed key: reproducible */
	fx_free(a);
	a = syn_sent(other_key);
	assert_int_not_equal(a->iss, i1);       /* RFC 6528: keyed */
	fx_free(a);
}

static void isn_advances_with_clock(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	int a = ref_sock_socket(f->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, 0);
	ref_sock_connect(f->st, a, &to, 0);
	ref_seq_t i0 = next_out(f)->seq;
	ref_sock_close(f->st, a, 0);
	struct ref_stack *st2 = ref_stack_new(&f->cfg, capture, f);
	int b = ref_sock_socket(st2, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, 0);
	ref_sock_connect(st2, b, &to, 4000000);  /* 4 ms later: M advances by 1000 */
	ref_seq_t i1 = next_out(f)->seq;
	assert_int_equal((uint32_t)(i1 - i0), 1000);
	ref_stack_free(st2);
	fx_free(f);
}

static void socket_errors(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	char b[4];
	int fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, 0);
	assert_int_equal(fd, 3);
	assert_int_equal(ref_sock_recv(f->st, fd, b, 4, 0, 0), -ENOTCONN);
	assert_int_equal(ref_sock_send(f->st, fd, b, 4, 0, 0), -EPIPE);
	assert_int_equal(ref_sock_accept(f->st, fd, NULL, 0), -EINVAL);
	assert_int_equal(ref_sock_shutdown(f->st, fd, SHUT_WR, 0), -ENOTCONN);
	assert_int_equal(ref_sock_recv(f->st, 42, b, 4, 0, 0), -EBADF);
	assert_int_equal(ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, 0), 4);
	assert_int_equal(ref_sock_fcntl(f->st, fd, F_SETFL, O_RDWR | O_NONBLOCK), 0);
	assert_int_equal(ref_sock_fcntl(f->st, fd, F_GETFL, 0), O_RDWR | O_NONBLOCK);
	assert_int_equal(ref_sock_poll(f->st, fd, POLLIN | POLLOUT), POLLOUT | POLLHUP);
	struct ref_sockaddr sa = { .port = 8080 };
	assert_int_equal(ref_sock_bind(f->st, fd, &sa, 0), 0);
	assert_int_equal(ref_sock_listen(f->st, fd, 1, 0), 0);
	assert_int_equal(ref_sock_accept(f->st, fd, NULL, 0), -EAGAIN);
	int fd2 = 4;
	assert_int_equal(ref_sock_bind(f->st, fd2, &sa, 0), -EADDRINUSE);
	ref_sock_close(f->st, fd, 0);
	assert_int_equal(ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, 0), 3);
	fx_free(f);
}

static void blocking_calls_complete_later(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	char b[100];
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 100, 0, f->now), REF_PENDING);
	in(f, REF_ACK | REF_PSH, 1, 1, 65535, 10);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 100, 0, f->now), 10);
	/* MSG_WAITALL waits for the whole amount */
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 20, MSG_WAITALL, f->now), REF_PENDING);
	in(f, REF_ACK | REF_PSH, 11, 1, 65535, 10);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 20, MSG_WAITALL, f->now), REF_PENDING);
	in(f, REF_ACK | REF_PSH, 21, 1, 65535, 10);
	assert_int_equal(ref_sock_recv(f->st, f->fd, b, 20, MSG_WAITALL, f->now), 20);
	/* a send larger than the buffer completes as ACKs free room */
	int sb = 1000;  /* 2000 after doubling, then min 4608 */
	ref_sock_setsockopt(f->st, f->fd, SOL_SOCKET, SO_SNDBUF, &sb, sizeof sb, 0);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 6000, 0, f->now), REF_PENDING);
	f->next = f->nout;
	in(f, REF_ACK, 31, 4001, 65535, 0);    /* 4 full segments went out */
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 6000, 0, f->now), 6000);
	fx_free(f);
}

static void tcp_info_view(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct ref_tcp_info ti;
	assert_int_equal(ref_sock_tcp_info(f->st, f->fd, &ti, f->now), 0);
	assert_int_equal(ti.state, 1);          /* Linux TCP_ESTABLISHED */
	assert_int_equal(ti.snd_mss, 1000);
	assert_int_equal(ti.advmss, 1460);
	assert_int_equal(ti.unacked, 0);
	assert_true(ti.options & REF_TI_OPT_SACK);
	fx_free(f);
}

/* getsockopt(IPPROTO_TCP, TCP_INFO): Linux's struct tcp_info, min(len, size) bytes */
static void getsockopt_tcp_info_bytes(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	struct tcp_info li;                     /* glibc's prefix of the Linux layout */
	unsigned len = sizeof li;
	memset(&li, 0xee, sizeof li);
	assert_int_equal(ref_sock_getsockopt(f->st, f->fd, IPPROTO_TCP, TCP_INFO, &li, &len,
					     f->now), 0);
	assert_int_equal(len, sizeof li);
	assert_int_equal(li.tcpi_state, TCP_ESTABLISHED);
	assert_int_equal(li.tcpi_snd_mss, 1000);
	assert_int_equal(li.tcpi_advmss, 1460);
	assert_int_equal(li.tcpi_unacked, 0);
	assert_int_equal(li.tcpi_rto, 200000);  /* a 0 s handshake sample: the 200 ms floor */
	assert_true(li.tcpi_options & TCPI_OPT_SACK);
	assert_true(ref_tcp_info_size() >= sizeof li);
	/* a short buffer gets the first bytes only */
	uint8_t b[8];
	len = sizeof b;
	assert_int_equal(ref_sock_getsockopt(f->st, f->fd, IPPROTO_TCP, TCP_INFO, b, &len,
					     f->now), 0);
	assert_int_equal(len, 8);
	assert_int_equal(b[0], TCP_ESTABLISHED);
	/* a listener answers too, in LISTEN */
	len = sizeof li;
	assert_int_equal(ref_sock_getsockopt(f->st, f->lfd, IPPROTO_TCP, TCP_INFO, &li, &len,
					     f->now), 0);
	assert_int_equal(li.tcpi_state, TCP_LISTEN);
	len = sizeof li;
	assert_int_equal(ref_sock_getsockopt(f->st, 99, IPPROTO_TCP, TCP_INFO, &li, &len,
					     f->now), -EBADF);
	fx_free(f);
}

static int set_timeo(struct fx *f, int fd, int name, long sec, long usec)
{
	struct timeval tv = { .tv_sec = sec, .tv_usec = usec };
	return ref_sock_setsockopt(f->st, fd, SOL_SOCKET, name, &tv, sizeof tv, f->now);
}

/* SO_RCVTIMEO: a blocking recv() gives up with EAGAIN when the time is up */
static void rcvtimeo_recv_gives_up(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	assert_int_equal(set_timeo(f, f->fd, SO_RCVTIMEO, 0, 250000), 0);
	struct timeval tv;
	unsigned len = sizeof tv;
	assert_int_equal(ref_sock_getsockopt(f->st, f->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len,
					     f->now), 0);
	assert_int_equal(tv.tv_sec, 0);
	assert_int_equal(tv.tv_usec, 250000);
	int64_t t0 = f->now;
	assert_int_equal(ref_sock_recv(f->st, f->fd, NULL, 100, 0, f->now), REF_PENDING);
	assert_int_equal(ref_next_deadline(f->st), t0 + 250 * MS);
	at(f, t0 + 249 * MS);
	assert_int_equal(ref_sock_recv(f->st, f->fd, NULL, 100, 0, f->now), REF_PENDING);
	at(f, t0 + 250 * MS);
	assert_int_equal(ref_sock_recv(f->st, f->fd, NULL, 100, 0, f->now), -EAGAIN);
	assert_int_equal(ref_next_deadline(f->st), INT64_MAX);
	/* the next call waits afresh; data before the deadline completes it */
	assert_int_equal(ref_sock_recv(f->st, f->fd, NULL, 100, 0, f->now), REF_PENDING);
	at(f, t0 + 300 * MS);
	in(f, REF_ACK | REF_PSH, 1, 1, 65535, 40);
	assert_int_equal(ref_sock_recv(f->st, f->fd, NULL, 100, 0, f->now), 40);
	assert_int_equal(ref_next_deadline(f->st) == t0 + 500 * MS, false);
	expect_silence(f);
	fx_free(f);
}

/* SO_RCVTIMEO with MSG_WAITALL: what arrived is returned when the time is up */
static void rcvtimeo_waitall_partial(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	assert_int_equal(set_timeo(f, f->fd, SO_RCVTIMEO, 1, 0), 0);
	in(f, REF_ACK | REF_PSH, 1, 1, 65535, 30);
	assert_int_equal(ref_sock_recv(f->st, f->fd, NULL, 100, MSG_WAITALL, f->now),
			 REF_PENDING);
	at(f, f->now + SEC);
	assert_int_equal(ref_sock_recv(f->st, f->fd, NULL, 100, MSG_WAITALL, f->now), 30);
	fx_free(f);
}

/* Linux sock_set_timeout(): tv_usec out of range is EDOM, a short optlen EINVAL;
 * a negative tv_sec means no waiting at all, {0, 0} waiting forever */
static void timeo_values(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	assert_int_equal(set_timeo(f, f->fd, SO_RCVTIMEO, 0, 1000000), -EDOM);
	assert_int_equal(set_timeo(f, f->fd, SO_SNDTIMEO, 0, -1), -EDOM);
	int one = 1;
	assert_int_equal(ref_sock_setsockopt(f->st, f->fd, SOL_SOCKET, SO_RCVTIMEO, &one,
					     sizeof one, f->now), -EINVAL);
	assert_int_equal(set_timeo(f, f->fd, SO_RCVTIMEO, -1, 0), 0);
	assert_int_equal(ref_sock_recv(f->st, f->fd, NULL, 100, 0, f->now), -EAGAIN);
	assert_int_equal(set_timeo(f, f->fd, SO_RCVTIMEO, 0, 0), 0);
	assert_int_equal(ref_sock_recv(f->st, f->fd, NULL, 100, 0, f->now), REF_PENDING);
	assert_int_equal(ref_next_deadline(f->st), INT64_MAX);
	fx_free(f);
}

/* SO_RCVTIMEO on a listener bounds accept(): EAGAIN */
static void rcvtimeo_accept(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_LISTEN, NULL);
	assert_int_equal(set_timeo(f, f->lfd, SO_RCVTIMEO, 2, 0), 0);
	assert_int_equal(ref_sock_accept(f->st, f->lfd, NULL, f->now), REF_PENDING);
	at(f, 2 * SEC - 1);
	assert_int_equal(ref_sock_accept(f->st, f->lfd, NULL, f->now), REF_PENDING);
	at(f, 2 * SEC);
	assert_int_equal(ref_sock_accept(f->st, f->lfd, NULL, f->now), -EAGAIN);
	fx_free(f);
}

/* SO_SNDTIMEO bounds a blocking connect(): EINPROGRESS, and the handshake goes on
 * (the SYN is retransmitted at the RTO, RFC 6298 5) */
static void sndtimeo_connect(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	f->fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, f->now);
	assert_int_equal(set_timeo(f, f->fd, SO_SNDTIMEO, 0, 500000), 0);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), REF_PENDING);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags, REF_SYN);
	f->iss = o->seq;
	assert_int_equal(ref_next_deadline(f->st), 500 * MS);
	at(f, 500 * MS);
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -EINPROGRESS);
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), REF_PENDING);
	at(f, SEC);
	expect(f, REF_SYN, 0, 0, 0);
	fx_free(f);
}

/* SO_SNDTIMEO bounds a blocking send() with a full buffer: the octets queued so far */
static void sndtimeo_send_partial(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	int sz = 4096;
	assert_int_equal(ref_sock_setsockopt(f->st, f->fd, SOL_SOCKET, SO_SNDBUF, &sz,
					     sizeof sz, f->now), 0);
	assert_int_equal(set_timeo(f, f->fd, SO_SNDTIMEO, 1, 0), 0);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 20000, 0, f->now), REF_PENDING);
	at(f, SEC);
	/* the RTO (1 s) and the timeout fall together: 8192 octets were queued */
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 20000, 0, f->now), 8192);
	fx_free(f);
}

/* ==== RFC 2883 D-SACK (receiver) and RFC 6675 SACK loss recovery (sender) ========== */

#define expect_sack(o_, i_, l_, r_) do {                                                \
	assert_int_equal((uint32_t)((o_)->opt.sack[i_].left - P), (uint32_t)(l_));      \
	assert_int_equal((uint32_t)((o_)->opt.sack[i_].right - P), (uint32_t)(r_));     \
} while (0)

/* RFC 2883 4: a segment received twice is reported in the first SACK block of the
 * ACK it provokes, once */
static void dsack_for_duplicate_below_rcv_nxt(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK | REF_PSH, 1, 1, 65535, 100);
	at(f, f->now + 40 * MS);
	expect(f, REF_ACK, 1, 101, 0);
	/* the same segment again: not acceptable, ACKed at once (RFC 9293 3.10.7.4) */
	expect_result(in(f, REF_ACK | REF_PSH, 1, 1, 65535, 100), REF_DROP_ACK,
		      REF_R_OUT_OF_WINDOW);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->ack, P + 101);
	assert_true(o->opt.has & REF_HAS_SACK);
	assert_int_equal(o->opt.nsack, 1);
	expect_sack(o, 0, 1, 101);
	/* the next ACK reports nothing more */
	in(f, REF_ACK | REF_PSH, 101, 1, 65535, 100);
	in(f, REF_ACK | REF_PSH, 201, 1, 65535, 100);
	at(f, f->now + 40 * MS);
	o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->ack, P + 301);
	assert_false(o->opt.has & REF_HAS_SACK);
	fx_free(f);
}

/* RFC 2883 4: a duplicate of data held out of order: the D-SACK block first, then the
 * (larger) block holding it */
static void dsack_inside_out_of_order_block(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK, 101, 1, 65535, 300);              /* 101:401 held, 1:101 missing */
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->opt.nsack, 1);
	expect_sack(o, 0, 101, 401);
	in(f, REF_ACK, 201, 1, 65535, 100);              /* 201:301 again */
	o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->ack, P + 1);
	assert_int_equal(o->opt.nsack, 2);
	expect_sack(o, 0, 201, 301);
	expect_sack(o, 1, 101, 401);
	fx_free(f);
}

/* RFC 2883 4.1.1 (partial duplicate): the old part of a segment that also brings new
 * octets is reported */
static void dsack_for_partial_duplicate(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK | REF_PSH, 1, 1, 65535, 100);
	in(f, REF_ACK | REF_PSH, 51, 1, 65535, 150);     /* 51:101 old, 101:201 new */
	at(f, f->now + 40 * MS);                         /* the delayed ACK carries it */
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->ack, P + 201);
	assert_int_equal(o->opt.nsack, 1);
	expect_sack(o, 0, 51, 101);
	fx_free(f);
}

/* A retransmitted data+FIN whose data was all received: the FIN is taken and its ACK
 * goes at once, bare, with no D-SACK for the repeated octets (refstack/input.c
 * fin_in_sequence; Linux acknowledges the FIN the same way). */
static void no_dsack_on_ack_of_fin(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	in(f, REF_ACK | REF_PSH, 1, 1, 65535, 100);
	at(f, f->now + 40 * MS);
	expect(f, REF_ACK, 1, 101, 0);
	in(f, REF_ACK | REF_FIN, 1, 1, 65535, 100);      /* 1:101 again, then the FIN */
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->ack, P + 102);
	assert_false(o->opt.has & REF_HAS_SACK);
	assert_int_equal(state_of(f, f->fd), REF_CLOSE_WAIT);
	fx_free(f);
}

static void no_sack_perm(struct ref_config *c) { c->sack = false; }

/* RFC 2018 2 / RFC 2883: no SACK option at all unless SACK-permitted was exchanged */
static void no_dsack_without_sack_permitted(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, no_sack_perm);
	in(f, REF_ACK | REF_PSH, 1, 1, 65535, 100);
	at(f, f->now + 40 * MS);
	expect(f, REF_ACK, 1, 101, 0);
	in(f, REF_ACK | REF_PSH, 1, 1, 65535, 100);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_false(o->opt.has & REF_HAS_SACK);
	fx_free(f);
}


/* an ACK from the peer, ack relative to ISS, SACK blocks relative to ISS */
static struct ref_result sack_in(struct fx *f, uint32_t ack_rel, int n, ...)
{
	struct ref_segment s = mkseg(f, REF_ACK, 1, ack_rel, 65535, 0);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		s.opt.sack[i].left = f->iss + va_arg(ap, uint32_t);
		s.opt.sack[i].right = f->iss + va_arg(ap, uint32_t);
	}
	va_end(ap);
	if (n) {
		s.opt.has |= REF_HAS_SACK;
		s.opt.nsack = n;
	}
	return inject(f, &s);
}

/* ten segments 1:10001 in flight (IW 10, MSS 1000) */
static struct fx *ten_in_flight(void)
{
	struct fx *f = tcb_in_state(REF_ESTABLISHED, iw10);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 10000, 0, f->now), 10000);
	for (int i = 0; i < 10; i++)
		expect(f, REF_ACK, 1 + 1000 * i, 1, 1000);
	expect_silence(f);
	return f;
}

static uint32_t info_cwnd(struct fx *f, uint32_t *ssthresh, uint32_t *ca_state)
{
	struct ref_tcp_info ti;
	assert_int_equal(ref_sock_tcp_info(f->st, f->fd, &ti, f->now), 0);
	if (ssthresh)
		*ssthresh = ti.snd_ssthresh;
	if (ca_state)
		*ca_state = ti.ca_state;
	return ti.snd_cwnd;
}

/* RFC 6675 5 (2): one ACK SACKing more than (DupThresh - 1) * SMSS above SND.UNA:
 * IsLost(HighACK + 1) starts recovery at once; (4.2) ssthresh = cwnd = FlightSize / 2;
 * (C) new data goes out only while cwnd - pipe >= 1 SMSS; (A) the ACK of
 * RecoveryPoint ends it */
static void sack_islost_starts_recovery(void **state)
{
	(void)state;
	struct fx *f = ten_in_flight();
	sack_in(f, 1, 1, 1001, 4001);
	expect(f, REF_ACK, 1, 1, 1000);                  /* (4.3) the first segment */
	expect_silence(f);                               /* pipe 7000 > cwnd 5000 */
	uint32_t ssth, ca;
	assert_int_equal(info_cwnd(f, &ssth, &ca), 5);
	assert_int_equal(ssth, 5);
	assert_int_equal(ca, 3);                         /* TCP_CA_Recovery */
	sack_in(f, 1, 1, 1001, 6001);                    /* pipe 1000 + 4000 */
	expect_silence(f);
	sack_in(f, 1, 1, 1001, 8001);                    /* pipe 1000 + 2000 */
	expect_silence(f);                               /* nothing lost, nothing new */
	/* (C.1) NextSeg rule (2): new data while cwnd - pipe >= SMSS */
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 3000, 0, f->now), 3000);
	expect(f, REF_ACK, 10001, 1, 1000);
	expect(f, REF_ACK, 11001, 1, 1000);
	expect_silence(f);                               /* pipe 5000 = cwnd */
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.sacked, 7);
	/* (A) a cumulative ACK of RecoveryPoint (10001) ends recovery */
	sack_in(f, 10001, 0);
	assert_int_equal(info_cwnd(f, NULL, &ca), 5);
	assert_int_equal(ca, 0);
	fx_free(f);
}

/* RFC 6675 5 (1): the third duplicate ACK (each SACKing new data) starts recovery;
 * a second hole is retransmitted once IsLost() says so, by NextSeg rule (1) */
static void sack_second_hole_retransmitted_when_lost(void **state)
{
	(void)state;
	struct fx *f = ten_in_flight();
	/* 1:1001 and 4001:5001 are lost */
	sack_in(f, 1, 1, 1001, 2001);
	sack_in(f, 1, 1, 1001, 3001);
	expect_silence(f);
	sack_in(f, 1, 1, 1001, 4001);
	expect(f, REF_ACK, 1, 1, 1000);
	expect_silence(f);
	sack_in(f, 1, 2, 5001, 6001, 1001, 4001);       /* hole 4001 not yet lost */
	sack_in(f, 1, 2, 5001, 7001, 1001, 4001);
	expect_silence(f);
	sack_in(f, 1, 2, 5001, 8001, 1001, 4001);       /* 3000 octets above it: lost */
	expect(f, REF_ACK, 4001, 1, 1000);
	expect_silence(f);
	/* the first retransmission arrives: a partial ACK, nothing more to send */
	sack_in(f, 4001, 1, 5001, 8001);
	expect_silence(f);
	sack_in(f, 10001, 0);
	expect_silence(f);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.total_retrans, 2);
	assert_int_equal(ti.sacked, 0);
	fx_free(f);
}

/* RFC 6675 2: without new SACK information an ACK is not a duplicate; RFC 2883 5: a
 * first block below the cumulative ACK is a D-SACK, counted and not recorded */
static void sack_repeated_or_dsack_not_duplicate(void **state)
{
	(void)state;
	struct fx *f = ten_in_flight();
	sack_in(f, 1, 1, 1001, 2001);
	for (int i = 0; i < 5; i++)
		sack_in(f, 1, 1, 1001, 2001);            /* nothing new: no recovery */
	expect_silence(f);
	sack_in(f, 2001, 1, 1, 1001);                    /* D-SACK: 1:1001 arrived twice */
	expect_silence(f);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.dsack_dups, 1);
	assert_int_equal(ti.sacked, 0);
	assert_int_equal(ti.ca_state, 0);
	fx_free(f);
}

/* RFC 2018 8: after a retransmission timeout the SACKed bits are forgotten and
 * recovery ends (RFC 6675 5.1) */
static void sack_cleared_on_rto(void **state)
{
	(void)state;
	struct fx *f = ten_in_flight();
	sack_in(f, 1, 1, 1001, 4001);
	expect(f, REF_ACK, 1, 1, 1000);
	at(f, f->now + 10 * SEC);
	expect(f, REF_ACK, 1, 1, 1000);                  /* the RTO retransmission */
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.sacked, 0);
	assert_int_equal(ti.snd_cwnd, 1);
	assert_int_equal(ti.ca_state, 4);                /* TCP_CA_Loss */
	fx_free(f);
}

static void lost_retrans(struct fx *f, uint32_t lost, uint32_t retrans)
{
	struct ref_tcp_info ti;
	assert_int_equal(ref_sock_tcp_info(f->st, f->fd, &ti, f->now), 0);
	assert_int_equal(ti.lost, lost);
	assert_int_equal(ti.retrans, retrans);
	uint8_t raw[232];
	unsigned len = sizeof raw;
	assert_int_equal(ref_sock_getsockopt(f->st, f->fd, IPPROTO_TCP, TCP_INFO, raw, &len,
					     f->now), 0);
	struct tcp_info li;
	memcpy(&li, raw, len < sizeof li ? len : sizeof li);
	assert_int_equal(li.tcpi_lost, lost);
	assert_int_equal(li.tcpi_retrans, retrans);
}

/* tcpi_lost and tcpi_retrans (segments, as Linux's lost_out and retrans_out) from the
 * RFC 6675 scoreboard: a hole is lost when IsLost() says so, a retransmission counts
 * until it is acknowledged or SACKed */
static void sack_lost_and_retrans_counted(void **state)
{
	(void)state;
	struct fx *f = ten_in_flight();
	lost_retrans(f, 0, 0);
	/* 1:1001 and 4001:5001 are lost */
	sack_in(f, 1, 1, 1001, 2001);
	lost_retrans(f, 0, 0);                           /* 1000 octets above: not lost */
	sack_in(f, 1, 1, 1001, 3001);
	sack_in(f, 1, 1, 1001, 4001);
	expect(f, REF_ACK, 1, 1, 1000);
	lost_retrans(f, 1, 1);
	sack_in(f, 1, 2, 5001, 6001, 1001, 4001);
	sack_in(f, 1, 2, 5001, 7001, 1001, 4001);
	lost_retrans(f, 1, 1);                           /* hole 4001 not yet lost */
	sack_in(f, 1, 2, 5001, 8001, 1001, 4001);
	expect(f, REF_ACK, 4001, 1, 1000);
	lost_retrans(f, 2, 2);
	sack_in(f, 4001, 1, 5001, 8001);                 /* the first one arrived */
	lost_retrans(f, 1, 1);
	sack_in(f, 10001, 0);
	lost_retrans(f, 0, 0);
	fx_free(f);
}

/* After an RTO everything outstanding is lost (as Linux's tcp_enter_loss); the
 * retransmissions go out one cwnd at a time and count until acknowledged.  NewReno
 * fast recovery: the segment at SND.UNA is the lost one. */
static void rto_and_newreno_lost_and_retrans(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, iw10);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 3000, 0, f->now), 3000);
	f->next = f->nout;
	at(f, ref_next_deadline(f->st));
	expect(f, REF_ACK, 1, 1, 1000);
	expect_silence(f);
	lost_retrans(f, 3, 1);
	in(f, REF_ACK, 1, 1001, 65535, 0);               /* cwnd 2: the other two go */
	expect(f, REF_ACK, 1001, 1, 1000);
	expect(f, REF_ACK, 2001, 1, 1000);
	lost_retrans(f, 2, 2);
	in(f, REF_ACK, 1, 3001, 65535, 0);
	lost_retrans(f, 0, 0);
	/* new data after the loss is not lost */
	ref_sock_send(f->st, f->fd, NULL, 5000, 0, f->now);
	f->next = f->nout;
	lost_retrans(f, 0, 0);
	in(f, REF_ACK, 1, 4001, 65535, 0);
	for (int i = 0; i < 3; i++)
		in(f, REF_ACK, 1, 4001, 65535, 0);
	f->next = f->nout;
	lost_retrans(f, 1, 1);                           /* RFC 6582 fast retransmit */
	fx_free(f);
}

/* ==== RFC 3168 ECN ==================================================================== */

#define TOS_ECN(o_) ((o_)->tos & 3)
#define ECT0 2
#define CE 3

/* an ECN-setup SYN (ECE and CWR) in, the SYN-ACK out */
static struct ref_segment *ecn_syn(struct fx *f, uint8_t ecnflags)
{
	listening(f, 16);
	struct ref_segment s = mkseg(f, REF_SYN | ecnflags, 0, 0, 65535, 0);
	s.opt.has |= REF_HAS_MSS | REF_HAS_SACK_PERM;
	s.opt.mss = 1000;
	inject(f, &s);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	f->iss = o->seq;
	return o;
}

static struct fx *ecn_established(void (*tune)(struct ref_config *))
{
	struct fx *f = fx_new(tune);
	struct ref_segment *o = ecn_syn(f, REF_ECE | REF_CWR);
	assert_int_equal(o->flags, REF_SYN | REF_ACK | REF_ECE);
	in(f, REF_ACK, 1, 1, 65535, 0);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_true(f->fd >= 3);
	expect_silence(f);
	return f;
}

static void ecn_off(struct ref_config *c) { c->ecn = 0; }
static void ecn_on(struct ref_config *c) { c->ecn = 1; }

/* 6.1.1: an ECN-setup SYN is answered by an ECN-setup SYN-ACK (ECE, not CWR), never
 * ECT; tcp_ecn = 0 answers with a plain SYN-ACK; a SYN with ECE alone is no setup SYN */
static void ecn_passive_negotiation(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	struct ref_segment *o = ecn_syn(f, REF_ECE | REF_CWR);
	assert_int_equal(o->flags, REF_SYN | REF_ACK | REF_ECE);
	assert_int_equal(TOS_ECN(o), 0);
	fx_free(f);
	f = fx_new(ecn_off);
	o = ecn_syn(f, REF_ECE | REF_CWR);
	assert_int_equal(o->flags, REF_SYN | REF_ACK);
	fx_free(f);
	f = fx_new(NULL);
	o = ecn_syn(f, REF_ECE);
	assert_int_equal(o->flags, REF_SYN | REF_ACK);
	fx_free(f);
}

/* 6.1.1: tcp_ecn = 1 sends an ECN-setup SYN; a SYN-ACK with ECE and without CWR makes
 * the connection ECN-capable (data is ECT(0)); with tcp_ecn = 2 (default) the SYN is
 * plain; a retransmitted SYN is plain (6.1.1.1) */
static void ecn_active_negotiation(void **state)
{
	(void)state;
	struct fx *f = syn_sent(ecn_on);
	struct ref_segment *syn = &f->out[f->next - 1];
	assert_int_equal(syn->flags, REF_SYN | REF_ECE | REF_CWR);
	assert_int_equal(TOS_ECN(syn), 0);
	in(f, REF_SYN | REF_ACK | REF_ECE, 0, 1, 65535, 0);
	expect(f, REF_ACK, 1, 1, 0);
	assert_int_equal(TOS_ECN(&f->out[f->next - 1]), 0);   /* 6.1.4: pure ACK */
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now), 100);
	expect(f, REF_ACK | REF_PSH, 1, 1, 100);
	assert_int_equal(TOS_ECN(&f->out[f->next - 1]), ECT0);
	fx_free(f);

	f = syn_sent(ecn_on);
	in(f, REF_SYN | REF_ACK | REF_ECE | REF_CWR, 0, 1, 65535, 0);  /* not a setup SYN-ACK */
	expect(f, REF_ACK, 1, 1, 0);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now), 100);
	expect(f, REF_ACK | REF_PSH, 1, 1, 100);
	assert_int_equal(TOS_ECN(&f->out[f->next - 1]), 0);
	fx_free(f);

	f = syn_sent(NULL);
	assert_int_equal(f->out[f->next - 1].flags, REF_SYN);
	fx_free(f);

	f = syn_sent(ecn_on);
	at(f, SEC);
	expect(f, REF_SYN, 0, 0, 0);
	assert_int_equal(f->out[f->next - 1].flags, REF_SYN);
	fx_free(f);
}

/* 6.1.5 retransmissions and 6.1.6 window probes are not ECT; new data is */
static void ecn_retransmission_not_ect(void **state)
{
	(void)state;
	struct fx *f = ecn_established(NULL);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 1000, 0, f->now), 1000);
	expect(f, REF_ACK | REF_PSH, 1, 1, 1000);
	assert_int_equal(TOS_ECN(&f->out[f->next - 1]), ECT0);
	at(f, f->now + 5 * SEC);
	expect(f, REF_ACK | REF_PSH, 1, 1, 1000);
	assert_int_equal(TOS_ECN(&f->out[f->next - 1]), 0);
	fx_free(f);
}

/* 6.1.3: a CE mark is echoed with ECE on every ACK until a segment with CWR arrives */
static void ecn_ce_echoed_until_cwr(void **state)
{
	(void)state;
	struct fx *f = ecn_established(NULL);
	struct ref_segment s = mkseg(f, REF_ACK | REF_PSH, 1, 1, 65535, 100);
	s.tos = CE;
	inject(f, &s);
	expect(f, REF_ACK | REF_ECE, 1, 101, 0);         /* at once */
	assert_int_equal(TOS_ECN(&f->out[f->next - 1]), 0);
	s = mkseg(f, REF_ACK | REF_PSH, 101, 1, 65535, 100);
	s.tos = ECT0;
	inject(f, &s);
	at(f, f->now + 40 * MS);
	expect(f, REF_ACK | REF_ECE, 1, 201, 0);         /* still echoed */
	s = mkseg(f, REF_ACK | REF_PSH | REF_CWR, 201, 1, 65535, 100);
	s.tos = ECT0;
	inject(f, &s);
	at(f, f->now + 40 * MS);
	expect(f, REF_ACK, 1, 301, 0);                   /* CWR ends the echo */
	/* CWR and CE together: the echo goes on */
	s = mkseg(f, REF_ACK | REF_PSH | REF_CWR, 301, 1, 65535, 100);
	s.tos = CE;
	inject(f, &s);
	expect(f, REF_ACK | REF_ECE, 1, 401, 0);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.delivered_ce, 2);
	fx_free(f);
}

/* 6.1.2: ECE halves cwnd and ssthresh once per window of data; CWR goes on the first new
 * data sent after the reduction; no second reduction in the same window */
static void ecn_ece_reduces_once_per_window(void **state)
{
	(void)state;
	struct fx *f = ecn_established(iw10);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 10000, 0, f->now), 10000);
	for (int i = 0; i < 10; i++)
		expect(f, REF_ACK, 1 + 1000 * i, 1, 1000);
	in(f, REF_ACK | REF_ECE, 1, 1001, 65535, 0);
	uint32_t ssth, ca;
	assert_int_equal(info_cwnd(f, &ssth, &ca), 5);
	assert_int_equal(ssth, 5);
	assert_int_equal(ca, 2);                          /* TCP_CA_CWR */
	in(f, REF_ACK | REF_ECE, 1, 2001, 65535, 0);
	in(f, REF_ACK | REF_ECE, 1, 3001, 65535, 0);
	assert_int_equal(info_cwnd(f, NULL, NULL), 5);   /* no increase, no new cut */
	expect_silence(f);                                /* 7 in flight > 5 */
	in(f, REF_ACK | REF_ECE, 1, 6001, 65535, 0);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 1000, 0, f->now), 1000);
	expect(f, REF_ACK | REF_CWR | REF_PSH, 10001, 1, 1000);
	assert_int_equal(TOS_ECN(&f->out[f->next - 1]), ECT0);
	in(f, REF_ACK, 1, 10001, 65535, 0);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 1000, 0, f->now), 1000);
	expect(f, REF_ACK | REF_PSH, 11001, 1, 1000);    /* CWR once */
	/* data sent after the cut acknowledged: a new mark reduces again */
	in(f, REF_ACK | REF_ECE, 1, 11001, 65535, 0);
	assert_int_equal(info_cwnd(f, &ssth, NULL), 2);
	fx_free(f);
}

/* RFC 9293 3.10.4: CLOSE in SYN-RECEIVED sends a FIN (FIN-WAIT-1); when our SYN is
 * still unacknowledged the retransmission starts with the SYN,ACK, never with data */
static void close_in_syn_received_retransmits_syn_ack(void **state)
{
	(void)state;
	struct fx *f = syn_sent(NULL);
	in(f, REF_SYN, 0, 0, 65535, 0);                  /* simultaneous open */
	expect(f, REF_SYN | REF_ACK, 0, 1, 0);
	assert_int_equal(ref_sock_close(f->st, f->fd, f->now), 0);
	expect(f, REF_FIN | REF_ACK, 1, 1, 0);
	at(f, f->now + 5 * SEC);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags & (REF_SYN | REF_ACK), REF_SYN | REF_ACK);
	assert_int_equal((uint32_t)(o->seq - f->iss), 0);
	assert_int_equal(o->len, 0);
	fx_free(f);
}

/* RFC 9293 3.10.7.2: text on a SYN is queued and delivered once ESTABLISHED; the
 * completing ACK may repeat it and carry more: every octet lands at its place */
static void syn_text_then_overlapping_segment(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	listening(f, 16);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 8);
	s.data = (const uint8_t *)"ABCDEFGH";
	inject(f, &s);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	f->iss = o->seq;
	s = mkseg(f, REF_ACK, 1, 1, 65535, 12);
	s.data = (const uint8_t *)"ABCDEFGHIJKL";
	inject(f, &s);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_true(f->fd >= 3);
	char buf[32] = {0};
	assert_int_equal(ref_sock_recv(f->st, f->fd, buf, sizeof buf, MSG_DONTWAIT, f->now), 12);
	assert_string_equal(buf, "ABCDEFGHIJKL");
	fx_free(f);
}

/* ==== RFC 7413 TCP Fast Open ========================================================== */

static void tfo_server(struct ref_config *c) { c->fastopen = REF_TFO_CLIENT | REF_TFO_SERVER; }

/* a SYN with an FO option: fo_len 0 = cookie request */
static struct ref_segment *tfo_syn(struct fx *f, uint16_t port, const uint8_t *cookie,
				   uint8_t clen, uint32_t len, const char *data)
{
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, len);
	s.sport = port;
	if (data)
		s.data = (const uint8_t *)data;
	s.opt.has |= REF_HAS_MSS | REF_HAS_FO;
	s.opt.mss = 1000;
	s.opt.fo_len = clen;
	if (clen)
		memcpy(s.opt.fo_cookie, cookie, clen);
	inject(f, &s);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags, REF_SYN | REF_ACK);
	f->iss = o->seq;
	return o;
}

static void tfo_listener(struct fx *f, int qlen)
{
	listening(f, 16);
	assert_int_equal(ref_sock_setsockopt(f->st, f->lfd, IPPROTO_TCP, TCP_FASTOPEN, &qlen,
					     sizeof qlen, f->now), 0);
}

/* 4.1.2: a cookie request gets a cookie, a MAC of the client's address under the
 * server's key: the same for the same key, different under another key */
static void tfo_cookie_request(void **state)
{
	(void)state;
	struct fx *f = fx_new(tfo_server);
	tfo_listener(f, 1);
	struct ref_segment *o = tfo_syn(f, 40000, NULL, 0, 0, NULL);
	assert_true(o->opt.has & REF_HAS_FO);
	assert_int_equal(o->opt.fo_len, REF_TFO_COOKIE);
	uint8_t c1[REF_TFO_COOKIE];
	memcpy(c1, o->opt.fo_cookie, sizeof c1);
	assert_int_equal(o->ack, P + 1);
	fx_free(f);
	f = fx_new(tfo_server);
	tfo_listener(f, 1);
	o = tfo_syn(f, 40000, NULL, 0, 0, NULL);
	assert_memory_equal(o->opt.fo_cookie, c1, sizeof c1);
	fx_free(f);
	f = fx_new(tfo_server);
	ref_stack_config(f->st)->fastopen_key[0] = 1;
	tfo_listener(f, 1);
	o = tfo_syn(f, 40000, NULL, 0, 0, NULL);
	assert_memory_not_equal(o->opt.fo_cookie, c1, sizeof c1);
	fx_free(f);
}

/* 4.2.2: a valid cookie: the SYN's data is acknowledged and readable, accept() returns
 * the connection in SYN-RECEIVED; 5.1: at most TCP_FASTOPEN such connections pending,
 * the next one falls back to a normal handshake with its data not taken */
static void tfo_valid_cookie_and_queue_limit(void **state)
{
	(void)state;
	struct fx *f = fx_new(tfo_server);
	tfo_listener(f, 1);
	uint8_t c[REF_TFO_COOKIE];
	struct ref_addr peer = addr4(2), local = addr4(1);
	ref_tfo_cookie_for(f->st, &peer, &local, c);
	struct ref_segment *o = tfo_syn(f, 40000, c, sizeof c, 5, "hello");
	assert_int_equal(o->ack, P + 6);
	assert_false(o->opt.has & REF_HAS_FO);           /* no cookie when it was valid */
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_true(f->fd >= 3);
	assert_int_equal(state_of(f, f->fd), REF_SYN_RECEIVED);
	/* Linux's TCPI_OPT_SYN_DATA: the SYN's data was acknowledged */
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_true(ti.options & REF_TI_OPT_SYN_DATA);
	char buf[16] = {0};
	assert_int_equal(ref_sock_recv(f->st, f->fd, buf, sizeof buf, 0, f->now), 5);
	assert_string_equal(buf, "hello");
	/* a second Fast Open SYN while the first is pending: over the limit of 1 */
	o = tfo_syn(f, 40001, c, sizeof c, 5, "world");
	assert_int_equal(o->ack, P + 1);
	assert_true(o->opt.has & REF_HAS_FO);
	fx_free(f);
}

static void tfo_server_nocookie(struct ref_config *c)
{
	c->fastopen = REF_TFO_CLIENT | REF_TFO_SERVER | REF_TFO_SERVER_NOCOOKIE;
}

/* tcp_fastopen & 0x200 (Linux): SYN data is taken without a cookie, also from a SYN
 * that carries no Fast Open option at all; the SYN-ACK then carries none either */
static void tfo_server_nocookie_takes_plain_syn_data(void **state)
{
	(void)state;
	struct fx *f = fx_new(tfo_server_nocookie);
	tfo_listener(f, 1);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 5);
	s.data = (const uint8_t *)"hello";
	s.opt.has = REF_HAS_MSS;
	s.opt.mss = 1000;
	inject(f, &s);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags, REF_SYN | REF_ACK);
	assert_int_equal(o->ack, P + 6);
	assert_false(o->opt.has & REF_HAS_FO);
	fx_free(f);
	/* without 0x200 the data of a plain SYN is not taken */
	f = fx_new(tfo_server);
	tfo_listener(f, 1);
	s = mkseg(f, REF_SYN, 0, 0, 65535, 5);
	inject(f, &s);
	o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->ack, P + 1);
	fx_free(f);
}

/* A Fast Open server sent data after its SYN-ACK, and the SYN-ACK timed out: the
 * SYN,ACK goes again alone (RFC 7413 4.2.2 asks nothing more; Linux sends no data with
 * it), cwnd falls to one SMSS (RFC 5681 3.1); the handshake's ACK restarts the timer at
 * 3 s (RFC 6298 5.7) and the data goes again when it expires. */
static void tfo_synack_timeout_resends_synack_alone(void **state)
{
	(void)state;
	struct fx *f = fx_new(tfo_server);
	tfo_listener(f, 1);
	uint8_t c[REF_TFO_COOKIE];
	struct ref_addr peer = addr4(2), local = addr4(1);
	ref_tfo_cookie_for(f->st, &peer, &local, c);
	tfo_syn(f, 40000, c, sizeof c, 5, "hello");
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_true(f->fd >= 3);
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 100, 0, f->now), 100);
	expect(f, REF_ACK | REF_PSH, 1, 6, 100);
	expect_silence(f);
	at(f, 1 * SEC);
	expect(f, REF_SYN | REF_ACK, 0, 6, 0);
	assert_int_equal(f->when[f->next - 1], 1 * SEC);
	expect_silence(f);                      /* no data after the SYN,ACK */
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, f->fd, &ti, f->now);
	assert_int_equal(ti.snd_cwnd, 1);
	f->now = 1100 * MS;
	expect_result(in(f, REF_ACK, 6, 1, 65535, 0), REF_ACCEPT, REF_R_OK);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	expect_silence(f);                      /* the data waits for its timer */
	assert_int_equal(ref_next_deadline(f->st), 1100 * MS + 3 * SEC);
	at(f, 1100 * MS + 3 * SEC);
	expect(f, REF_ACK | REF_PSH, 1, 6, 100);
	fx_free(f);
}

static void tfo_off(struct ref_config *c) { c->fastopen = 0; }

/* a client socket; sendto(MSG_FASTOPEN) to the peer */
static long tfo_sendto(struct fx *f, int fd, size_t len)
{
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	return ref_sock_sendto(f->st, fd, NULL, len, MSG_FASTOPEN, &to, f->now);
}

/* 4.1: without a cookie the SYN asks for one and carries no data; the SYN-ACK's cookie
 * is cached and the next SYN carries data and the cookie; a retransmitted SYN goes
 * without the data, which follows the handshake; Fast Open off: EOPNOTSUPP */
static void tfo_client_cookie_cache(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, f->now);
	assert_int_equal(tfo_sendto(f, fd, 300), -EINPROGRESS);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags, REF_SYN);
	assert_int_equal(o->len, 0);
	assert_true(o->opt.has & REF_HAS_FO);
	assert_int_equal(o->opt.fo_len, 0);
	f->iss = o->seq;
	struct ref_segment s = mkseg(f, REF_SYN | REF_ACK, 0, 1, 65535, 0);
	s.sport = o->dport;
	s.dport = o->sport;
	s.opt.has |= REF_HAS_MSS | REF_HAS_FO;
	s.opt.mss = 1000;
	s.opt.fo_len = 8;
	memcpy(s.opt.fo_cookie, "\1\2\3\4\5\6\7\10", 8);
	inject(f, &s);
	assert_int_equal(ref_sock_state(f->st, fd), REF_ESTABLISHED);
	struct ref_tcp_info ti;
	ref_sock_tcp_info(f->st, fd, &ti, f->now);
	assert_false(ti.options & REF_TI_OPT_SYN_DATA);     /* a cookie request only */

	int fd2 = ref_sock_socket(f->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, f->now);
	assert_int_equal(tfo_sendto(f, fd2, 300), 300);
	while ((o = next_out(f)) && !(o->flags & REF_SYN))
		;
	assert_non_null(o);
	assert_int_equal(o->flags, REF_SYN);
	assert_int_equal(o->len, 300);
	assert_int_equal(o->opt.fo_len, 8);
	assert_memory_equal(o->opt.fo_cookie, "\1\2\3\4\5\6\7\10", 8);
	f->iss = o->seq;
	at(f, f->now + SEC);                              /* the SYN times out */
	o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags, REF_SYN);
	assert_int_equal(o->len, 0);
	/* a repeated sendto while connecting: EALREADY */
	assert_int_equal(tfo_sendto(f, fd2, 300), -EALREADY);
	fx_free(f);

	f = fx_new(tfo_off);
	fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, f->now);
	assert_int_equal(tfo_sendto(f, fd, 300), -EOPNOTSUPP);
	expect_silence(f);
	fx_free(f);
}

/* Linux: a blocking sendto(MSG_FASTOPEN) without a cookie waits for the connection and
 * then sends as send() does */
static void tfo_client_blocking_without_cookie(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, f->now);
	assert_int_equal(tfo_sendto(f, fd, 300), REF_PENDING);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	f->iss = o->seq;
	assert_int_equal(tfo_sendto(f, fd, 300), REF_PENDING);
	struct ref_segment s = mkseg(f, REF_SYN | REF_ACK, 0, 1, 65535, 0);
	s.sport = o->dport;
	s.dport = o->sport;
	inject(f, &s);
	assert_int_equal(tfo_sendto(f, fd, 300), 300);
	o = next_out(f);                                  /* the handshake's ACK */
	assert_non_null(o);
	o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->len, 300);
	fx_free(f);
}

/* Linux TCP_FASTOPEN_CONNECT: 0 or 1 on a closed socket, EOPNOTSUPP without client
 * Fast Open; with a cached cookie connect() defers the SYN to the first write */
static void tfo_fastopen_connect(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int two = 2, one = 1;
	int fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, f->now);
	assert_int_equal(ref_sock_setsockopt(f->st, fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &two,
					     sizeof two, f->now), -EINVAL);
	uint8_t cookie[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };
	struct ref_addr peer = addr4(2);
	/* learn a cookie the way a SYN-ACK would teach it: through a first connection */
	assert_int_equal(tfo_sendto(f, fd, 10), -EINPROGRESS);
	struct ref_segment *o = next_out(f);
	f->iss = o->seq;
	struct ref_segment s = mkseg(f, REF_SYN | REF_ACK, 0, 1, 65535, 0);
	s.sport = o->dport;
	s.dport = o->sport;
	s.opt.has |= REF_HAS_FO;
	s.opt.fo_len = 8;
	memcpy(s.opt.fo_cookie, cookie, 8);
	inject(f, &s);
	(void)peer;
	f->next = f->nout;
	int fd2 = ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, f->now);
	assert_int_equal(ref_sock_setsockopt(f->st, fd2, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one,
					     sizeof one, f->now), 0);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, fd2, &to, f->now), 0);
	expect_silence(f);
	assert_int_equal(ref_sock_poll(f->st, fd2, POLLOUT), POLLOUT);
	/* deferred, the connection is SYN-SENT as Linux reports it (tcp_v4_connect()
	 * enters SYN-SENT before tcp_fastopen_defer_connect() holds the SYN back) */
	struct ref_tcp_info ti;
	assert_int_equal(ref_sock_tcp_info(f->st, fd2, &ti, f->now), 0);
	assert_int_equal(ti.state, TCP_SYN_SENT);
	uint8_t raw[8];
	unsigned rawlen = sizeof raw;
	assert_int_equal(ref_sock_getsockopt(f->st, fd2, IPPROTO_TCP, TCP_INFO, raw, &rawlen,
					     f->now), 0);
	assert_int_equal(raw[0], TCP_SYN_SENT);         /* tcpi_state */
	/* a blocking socket: the write waits for the handshake, as Linux */
	assert_int_equal(ref_sock_send(f->st, fd2, NULL, 50, 0, f->now), REF_PENDING);
	o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->flags, REF_SYN);
	assert_int_equal(o->len, 50);
	assert_memory_equal(o->opt.fo_cookie, cookie, 8);
	f->iss = o->seq;
	s = mkseg(f, REF_SYN | REF_ACK, 0, 51, 65535, 0);
	s.sport = o->dport;
	s.dport = o->sport;
	inject(f, &s);
	assert_int_equal(ref_sock_send(f->st, fd2, NULL, 50, 0, f->now), 50);
	fx_free(f);
	f = fx_new(tfo_off);
	fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, f->now);
	assert_int_equal(ref_sock_setsockopt(f->st, fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one,
					     sizeof one, f->now), -EOPNOTSUPP);
	fx_free(f);
}

/* RFC 3042 / RFC 5681 3.2: the first and second duplicate ACKs each send one new
 * segment (FlightSize at most cwnd + 2 SMSS), cwnd unchanged; the third starts fast
 * retransmit with ssthresh from FlightSize without those segments */
static void limited_transmit_then_fast_retransmit(void **state)
{
	(void)state;
	struct fx *f = ten_in_flight();
	assert_int_equal(ref_sock_send(f->st, f->fd, NULL, 3000, 0, f->now), 3000);
	expect_silence(f);
	in(f, REF_ACK, 1, 1, 65535, 0);
	expect(f, REF_ACK, 10001, 1, 1000);
	in(f, REF_ACK, 1, 1, 65535, 0);
	expect(f, REF_ACK, 11001, 1, 1000);
	assert_int_equal(info_cwnd(f, NULL, NULL), 10);
	in(f, REF_ACK, 1, 1, 65535, 0);
	expect(f, REF_ACK, 1, 1, 1000);                  /* fast retransmit */
	uint32_t ssth;
	info_cwnd(f, &ssth, NULL);
	assert_int_equal(ssth, 5);                        /* (12000 - 2000) / 2 */
	fx_free(f);
}

/* Linux TCP_DEFER_ACCEPT: seconds kept as SYN-ACK timeouts (5 s -> 3: 1 + 2 + 4 = 7 s
 * read back); the handshake's bare ACK is dropped with its reason, data is taken */
static void defer_accept_holds_bare_ack(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	listening(f, 16);
	int five = 5, v = 0;
	unsigned len = sizeof v;
	assert_int_equal(ref_sock_setsockopt(f->st, f->lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &five,
					     sizeof five, f->now), 0);
	assert_int_equal(ref_sock_getsockopt(f->st, f->lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &v,
					     &len, f->now), 0);
	assert_int_equal(v, 7);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 0);
	inject(f, &s);
	struct ref_segment *o = next_out(f);
	f->iss = o->seq;
	expect_result(in(f, REF_ACK, 1, 1, 65535, 0), REF_DROP, REF_R_DEFER_ACCEPT);
	assert_int_equal(ref_sock_fcntl(f->st, f->lfd, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(ref_sock_accept(f->st, f->lfd, NULL, f->now), -EAGAIN);
	at(f, 1 * SEC);
	at(f, 3 * SEC);
	expect_silence(f);                               /* no SYN-ACK resent yet */
	expect_result(in(f, REF_ACK | REF_PSH, 1, 1, 65535, 10), REF_ACCEPT, REF_R_OK);
	assert_true(ref_sock_accept(f->st, f->lfd, NULL, f->now) >= 3);
	fx_free(f);
}

static void reset_frees_everything(void **state)
{
	(void)state;
	struct fx *f = tcb_in_state(REF_ESTABLISHED, NULL);
	ref_stack_reset(f->st);
	assert_int_equal(ref_stack_stats(f->st)->conns_live, 0);
	assert_int_equal(ref_next_deadline(f->st), INT64_MAX);
	assert_int_equal(ref_sock_socket(f->st, AF_INET, SOCK_STREAM, 0, 0), 3);
	fx_free(f);
}

static void seq_arithmetic_wraps(void **state)
{
	(void)state;
	assert_true(ref_seq_lt(0xfffffff0u, 0x10));
	assert_true(ref_seq_gt(0x10, 0xfffffff0u));
	assert_int_equal(ref_seq_diff(0x10, 0xfffffff0u), 0x20);
	assert_true(ref_seq_leq(5, 5));
	assert_int_equal(ref_seq_len(0xffffffffu, 3), 4);
	assert_int_equal(ref_seq_len(3, 0xffffffffu), 0);
	assert_true(ref_seq_in(0, 0xffffff00u, 0x100));
}

static void state_names(void **state)
{
	(void)state;
	assert_string_equal(ref_state_name(REF_SYN_RECEIVED), "SYN-RECEIVED");
	assert_string_equal(ref_state_name(REF_TIME_WAIT), "TIME-WAIT");
	assert_true(REF_SYNCHRONIZED(REF_FIN_WAIT_2));
	assert_false(REF_SYNCHRONIZED(REF_SYN_RECEIVED));
	assert_string_equal(ref_reason_text(REF_R_BAD_CSUM), "bad checksum");
	assert_string_equal(ref_outcome_name(REF_DROP_ACK), "drop-and-ACK");
}

/* ---- TCP over UDP (refstack/udpencap.c) ---------------------------------------------- */

static void tunnel_9811(struct ref_config *c) { c->udp_tunnel_port = 9811; }

static int set_encaps(struct fx *f, int fd, int v)
{
	return ref_sock_setsockopt(f->st, fd, IPPROTO_TCP, REF_TCP_REMOTE_UDP_ENCAPS_PORT, &v,
				   sizeof v, f->now);
}

static int get_encaps(struct fx *f, int fd)
{
	int v = -1;
	unsigned len = sizeof v;
	assert_int_equal(ref_sock_getsockopt(f->st, fd, IPPROTO_TCP,
					     REF_TCP_REMOTE_UDP_ENCAPS_PORT, &v, &len, f->now), 0);
	return v;
}

/* TCP_REMOTE_UDP_ENCAPS_PORT as FreeBSD (RFC 6951 6.1 for SCTP): a port in host order
 * on a socket without a connection; nothing but 0 while the stack has no tunneling
 * port; EINVAL in LISTEN and SYN-SENT.  The SYN goes to that UDP port with the UDP
 * header off its MSS (RFC 6951 5.6). */
static void encaps_port_option(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);        /* no tunneling port */
	int fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, f->now);
	assert_int_equal(set_encaps(f, fd, 1), -EINVAL);
	assert_int_equal(set_encaps(f, fd, 0), 0);
	assert_int_equal(get_encaps(f, fd), 0);
	fx_free(f);

	f = fx_new(tunnel_9811);
	fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, f->now);
	assert_int_equal(set_encaps(f, fd, -1), -EINVAL);
	assert_int_equal(set_encaps(f, fd, 65536), -EINVAL);
	assert_int_equal(get_encaps(f, fd), 0);
	assert_int_equal(set_encaps(f, fd, 65535), 0);
	assert_int_equal(get_encaps(f, fd), 65535);
	assert_int_equal(set_encaps(f, fd, 1), 0);
	assert_int_equal(get_encaps(f, fd), 1);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, fd, &to, f->now), -EINPROGRESS);
	struct ref_segment *o = next_out(f);
	assert_non_null(o);
	assert_int_equal(o->encap_port, 1);
	assert_int_equal(o->opt.mss, 1500 - 40 - 8);
	assert_int_equal(set_encaps(f, fd, 2), -EINVAL);        /* SYN-SENT */
	assert_int_equal(set_encaps(f, fd, 0), -EINVAL);
	assert_int_equal(get_encaps(f, fd), 1);
	listening(f, 4);
	assert_int_equal(set_encaps(f, f->lfd, 0), -EINVAL);    /* LISTEN */
	fx_free(f);
}

/* A listener's connection takes the SYN's UDP port (RFC 6951 5.4); a segment from
 * another port, or plain, is answered as for no connection (RFC 9293 3.10.7.1), its RST
 * going back the way it came; the connection's own port reaches it. */
static void encaps_other_port_is_no_connection(void **state)
{
	(void)state;
	struct fx *f = fx_new(tunnel_9811);
	listening(f, 4);
	struct ref_segment s = mkseg(f, REF_SYN, 0, 0, 65535, 0);
	s.encap_port = 5000;
	s.opt.has = REF_HAS_MSS;
	s.opt.mss = 1460;
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	struct ref_segment *o = next_out(f);
	assert_int_equal(o->flags, REF_SYN | REF_ACK);
	assert_int_equal(o->encap_port, 5000);
	assert_int_equal(o->opt.mss, 1500 - 40 - 8);
	f->iss = o->seq;
	uint16_t ports[] = { 0, 5001 };
	for (unsigned i = 0; i < 2; i++) {
		s = mkseg(f, REF_ACK, 1, 1, 65535, 0);
		s.encap_port = ports[i];
		expect_result(inject(f, &s), REF_DROP_RST, REF_R_OTHER_ENCAP);
		o = next_out(f);
		assert_int_equal(o->flags, REF_RST);
		assert_int_equal(o->encap_port, ports[i]);
		s.flags = REF_RST;      /* a RST in another encapsulation: discarded */
		expect_result(inject(f, &s), REF_DROP, REF_R_OTHER_ENCAP);
		expect_silence(f);
	}
	s = mkseg(f, REF_ACK, 1, 1, 65535, 0);
	s.encap_port = 5000;
	expect_result(inject(f, &s), REF_ACCEPT, REF_R_OK);
	f->fd = ref_sock_accept(f->st, f->lfd, NULL, f->now);
	assert_int_equal(state_of(f, f->fd), REF_ESTABLISHED);
	assert_int_equal(get_encaps(f, f->fd), 5000);
	/* its segments leave in UDP to 5000, each the UDP header smaller (1452) */
	ref_sock_send(f->st, f->fd, NULL, 2000, 0, f->now);
	o = next_out(f);
	assert_int_equal(o->encap_port, 5000);
	assert_int_equal(o->len, 1452);
	fx_free(f);
}

/* RFC 6951 5.5: an ICMP error that quotes a segment in another encapsulation than the
 * connection's cannot be related to it and is discarded; quoting the connection's UDP
 * port, Port Unreachable is the hard error it is for plain TCP. */
static void encaps_icmp_needs_the_port(void **state)
{
	(void)state;
	struct fx *f = fx_new(tunnel_9811);
	f->fd = ref_sock_socket(f->st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, f->now);
	struct ref_sockaddr sa = { .addr = { .family = 0 }, .port = 8080 };
	assert_int_equal(ref_sock_bind(f->st, f->fd, &sa, f->now), 0);
	assert_int_equal(set_encaps(f, f->fd, 1), 0);
	struct ref_sockaddr to = { .addr = addr4(2), .port = 40000 };
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -EINPROGRESS);
	f->iss = next_out(f)->seq;
	struct ref_icmp ic = icmp_for(f, REF_ICMP_PORT_UNREACH);
	uint16_t wrong[] = { 0, 2 };
	for (unsigned i = 0; i < 2; i++) {
		ic.encap_port = wrong[i];
		ref_icmp_input(f->st, &ic, f->now);
		assert_int_equal(state_of(f, f->fd), REF_SYN_SENT);
	}
	ic.encap_port = 1;
	ref_icmp_input(f->st, &ic, f->now);
	assert_int_equal(ref_sock_connect(f->st, f->fd, &to, f->now), -ECONNREFUSED);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seq_arithmetic_wraps),
		cmocka_unit_test(state_names),
		cmocka_unit_test(closed_syn_gets_rst_ack),
		cmocka_unit_test(closed_ack_gets_rst_seq_ack),
		cmocka_unit_test(closed_rst_is_dropped),
		cmocka_unit_test(rst_in_close_wait_reports_epipe),
		cmocka_unit_test(bad_checksum_dropped),
		cmocka_unit_test(illegal_option_length_dropped),
		cmocka_unit_test(reserved_bits_ignored),
		cmocka_unit_test(listen_ignores_rst),
		cmocka_unit_test(listen_ack_gets_rst),
		cmocka_unit_test(listen_syn_gets_synack_with_mss),
		cmocka_unit_test(syn_text_processed_when_established),
		cmocka_unit_test(syn_fin_processed_when_established),
		cmocka_unit_test(syn_text_fin_processed_when_established),
		cmocka_unit_test(listen_backlog_drops_syn),
		cmocka_unit_test(accept_order_is_completion_order),
		cmocka_unit_test(syn_received_bad_ack_gets_rst),
		cmocka_unit_test(syn_received_rst_returns_to_listen),
		cmocka_unit_test(syn_received_dup_syn_resends_synack),
		cmocka_unit_test(synack_retransmitted_on_timeout),
		cmocka_unit_test(synsent_syn_has_options),
		cmocka_unit_test(synsent_bad_ack_gets_rst),
		cmocka_unit_test(synsent_rst_without_ack_ignored),
		cmocka_unit_test(synsent_rst_refuses),
		cmocka_unit_test(synsent_rst_then_connect_again),
		cmocka_unit_test(refused_blocking_connect_again),
		cmocka_unit_test(synsent_synack_establishes),
		cmocka_unit_test(synsent_syn_retransmits_then_times_out),
		cmocka_unit_test(simultaneous_open),
		cmocka_unit_test(simultaneous_open_synack_window_unscaled),
		cmocka_unit_test(out_of_window_data_gets_ack),
		cmocka_unit_test(zero_length_segment_tests),
		cmocka_unit_test(rst_exact_resets),
		cmocka_unit_test(rst_in_window_gets_challenge_ack),
		cmocka_unit_test(rst_out_of_window_silent),
		cmocka_unit_test(syn_in_established_gets_challenge_ack),
		cmocka_unit_test(challenge_ack_rate_limited),
		cmocka_unit_test(per_connection_ack_throttle),
		cmocka_unit_test(ack_of_unsent_data_challenged),
		cmocka_unit_test(ack_too_old_challenged),
		cmocka_unit_test(ack_bit_off_dropped),
		cmocka_unit_test(paws_rejects_old_timestamp),
		cmocka_unit_test(rtt_from_timestamp_of_retransmission),
		cmocka_unit_test(fin_in_established_to_close_wait),
		cmocka_unit_test(fin_in_every_state),
		cmocka_unit_test(last_ack_closes_on_ack),
		cmocka_unit_test(fin_wait_1_ack_to_fin_wait_2),
		cmocka_unit_test(simultaneous_close_closing_to_time_wait),
		cmocka_unit_test(time_wait_reacks_fin_and_expires),
		cmocka_unit_test(time_wait_new_syn_reopens),
		cmocka_unit_test(time_wait_rst_closes_unless_rfc1337),
		cmocka_unit_test(close_with_unread_data_sends_rst),
		cmocka_unit_test(linger_zero_aborts),
		cmocka_unit_test(data_after_close_sends_rst),
		cmocka_unit_test(delayed_ack),
		cmocka_unit_test(quick_acks_then_delayed),
		cmocka_unit_test(ack_every_second_full_segment),
		cmocka_unit_test(out_of_order_sacked_then_filled),
		cmocka_unit_test(out_of_order_fin_sacked),
		cmocka_unit_test(sack_blocks_by_recency),
		cmocka_unit_test(window_update_rules),
		cmocka_unit_test(zero_window_probe_with_persist),
		cmocka_unit_test(sws_override_timeout),
		cmocka_unit_test(forced_push_half_window),
		cmocka_unit_test(mss_bounded_by_half_the_window),
		cmocka_unit_test(passive_max_window_from_handshake_ack),
		cmocka_unit_test(nagle_and_nodelay),
		cmocka_unit_test(receiver_sws_avoidance),
		cmocka_unit_test(mss_default_536),
		cmocka_unit_test(mss_small_honoured_floor_48),
		cmocka_unit_test(window_scaling),
		cmocka_unit_test(wscale_above_14_is_14),
		cmocka_unit_test(wscale_from_fixed_rcvbuf),
		cmocka_unit_test(zero_window_fin_not_taken_but_acked),
		cmocka_unit_test(restart_window_after_idle),
		cmocka_unit_test(no_restart_window_when_turned_off),
		cmocka_unit_test(urgent_mark_reported),
		cmocka_unit_test(rto_backoff_and_karn),
		cmocka_unit_test(rto_floor_on_variance),
		cmocka_unit_test(tcp_info_ato_after_data),
		cmocka_unit_test(retransmission_limit_aborts),
		cmocka_unit_test(user_timeout_aborts),
		cmocka_unit_test(fast_retransmit_and_recovery),
		cmocka_unit_test(frto_spurious_timeout_sends_new_data),
		cmocka_unit_test(frto_duplicate_ack_in_step3_goes_back),
		cmocka_unit_test(frto_duplicate_ack_in_step2_is_conventional),
		cmocka_unit_test(frto_ack_of_everything_is_conventional),
		cmocka_unit_test(frto_off_goes_back),
		cmocka_unit_test(frto_not_in_a_window_without_room),
		cmocka_unit_test(rst_in_window_resets_without_rfc5961),
		cmocka_unit_test(syn_in_window_resets_without_rfc5961),
		cmocka_unit_test(synfin_dropped_when_configured),
		cmocka_unit_test(rto_slop_after_backoff_only),
		cmocka_unit_test(connection_attempt_ends_at_its_limit),
		cmocka_unit_test(slow_start_growth),
		cmocka_unit_test(urgent_data_received_out_of_band),
		cmocka_unit_test(urgent_data_sent),
		cmocka_unit_test(urgent_inline_read_stops_at_mark),
		cmocka_unit_test(keepalive_probes_then_reset),
		cmocka_unit_test(keepalive_off_by_default),
		cmocka_unit_test(icmp_port_unreachable_is_hard),
		cmocka_unit_test(encaps_port_option),
		cmocka_unit_test(encaps_other_port_is_no_connection),
		cmocka_unit_test(encaps_icmp_needs_the_port),
		cmocka_unit_test(icmp_soft_errors_do_not_abort),
		cmocka_unit_test(congestion_control_names),
		cmocka_unit_test(shut_rd_keeps_data),
		cmocka_unit_test(icmp_frag_needed_lowers_pmtu),
		cmocka_unit_test(isn_keyed_and_clocked),
		cmocka_unit_test(isn_advances_with_clock),
		cmocka_unit_test(socket_errors),
		cmocka_unit_test(blocking_calls_complete_later),
		cmocka_unit_test(tcp_info_view),
		cmocka_unit_test(getsockopt_tcp_info_bytes),
		cmocka_unit_test(rcvtimeo_recv_gives_up),
		cmocka_unit_test(rcvtimeo_waitall_partial),
		cmocka_unit_test(timeo_values),
		cmocka_unit_test(rcvtimeo_accept),
		cmocka_unit_test(sndtimeo_connect),
		cmocka_unit_test(sndtimeo_send_partial),
		cmocka_unit_test(dsack_for_duplicate_below_rcv_nxt),
		cmocka_unit_test(dsack_inside_out_of_order_block),
		cmocka_unit_test(dsack_for_partial_duplicate),
		cmocka_unit_test(no_dsack_on_ack_of_fin),
		cmocka_unit_test(no_dsack_without_sack_permitted),
		cmocka_unit_test(sack_islost_starts_recovery),
		cmocka_unit_test(sack_second_hole_retransmitted_when_lost),
		cmocka_unit_test(sack_repeated_or_dsack_not_duplicate),
		cmocka_unit_test(sack_cleared_on_rto),
		cmocka_unit_test(sack_lost_and_retrans_counted),
		cmocka_unit_test(rto_and_newreno_lost_and_retrans),
		cmocka_unit_test(limited_transmit_then_fast_retransmit),
		cmocka_unit_test(ecn_passive_negotiation),
		cmocka_unit_test(ecn_active_negotiation),
		cmocka_unit_test(ecn_retransmission_not_ect),
		cmocka_unit_test(ecn_ce_echoed_until_cwr),
		cmocka_unit_test(ecn_ece_reduces_once_per_window),
		cmocka_unit_test(close_in_syn_received_retransmits_syn_ack),
		cmocka_unit_test(syn_text_then_overlapping_segment),
		cmocka_unit_test(tfo_cookie_request),
		cmocka_unit_test(tfo_valid_cookie_and_queue_limit),
		cmocka_unit_test(tfo_synack_timeout_resends_synack_alone),
		cmocka_unit_test(tfo_server_nocookie_takes_plain_syn_data),
		cmocka_unit_test(tfo_client_cookie_cache),
		cmocka_unit_test(tfo_client_blocking_without_cookie),
		cmocka_unit_test(tfo_fastopen_connect),
		cmocka_unit_test(defer_accept_holds_bare_ack),
		cmocka_unit_test(reset_frees_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
