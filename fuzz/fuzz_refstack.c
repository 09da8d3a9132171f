/* fuzz_refstack: records (fuzz/records.h: segments relative to the connection's current
 * numbers, application calls, time steps) played into one reference stack with a fixed
 * clock and ISN key, reset for every input.
 *
 * Feedback: libFuzzer extra counters for (old state, new state), (state, segment class)
 * and (state, segment outcome reason), so that reaching a new TCP state or a new way of
 * treating a segment counts as new coverage.
 * Oracles, checked after every record (a violation aborts with the rule it broke):
 *  - every TCB: SND.UNA <= SND.NXT <= SND.MAX, ISS <= SND.UNA; window scale <= 14 both
 *    ways (RFC 7323 2.3) and SND.WND <= 2^30; a FIN accepted stays at RCV.NXT - 1 and no
 *    data is accepted after it (RCV.NXT and the bytes received no longer move);
 *  - no data is sent beyond the largest ACK plus the largest window the peer's accepted
 *    segments carried, but for one byte of a zero-window probe (RFC 9293 3.8.6);
 *  - the bytes the application reads are exactly the peer's bytes in order, and the
 *    bytes the stack sends are exactly the ones the application wrote, at their place;
 *  - a segment with a bad checksum changes nothing and is dropped (MUST-2/3);
 *  - RFC 5961 in synchronized states: a RST resets only when its sequence number is
 *    exactly RCV.NXT (3.2); a SYN never resets and never moves the state (4.2); an ACK of
 *    data never sent, or older than SND.UNA - MAX.SND.WND, is not accepted (5.2).
 * TCPSPEC_FUZZ_STATS=1 prints the number of counters of each kind reached at exit (the
 * campaign script reports them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/records.h"
#include "refstack/ref_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCLASS 36       /* 9 flag classes x 4 sequence positions */
#define COUNTERS __attribute__((used, section("__libfuzzer_extra_counters")))
COUNTERS static uint8_t fb_trans[REF_NSTATES][REF_NSTATES];
COUNTERS static uint8_t fb_class[REF_NSTATES][NCLASS];
COUNTERS static uint8_t fb_reason[REF_NSTATES][REF_NREASONS];
static uint8_t seen_trans[REF_NSTATES][REF_NSTATES], seen_class[REF_NSTATES][NCLASS];
static uint8_t seen_reason[REF_NSTATES][REF_NREASONS];
static int stats;

static struct fuzz_drv drv;
static struct {                 /* the peer connection before the current segment */
	const struct ref_tcb *tp;
	int state;
	ref_seq_t rcv_nxt, snd_una, snd_max;
	uint32_t max_sndwnd, rcv_wnd;
	uint64_t bytes_received;
	unsigned nout, nrst;
} pre;
static unsigned nout, nrst;     /* segments and RSTs the stack sent so far */
static struct {                 /* the largest ACK and window the peer connection got */
	const struct ref_tcb *tp;
	ref_seq_t iss, ack, pack;       /* p...: of the segment being processed */
	uint32_t wnd, pwnd;
	bool valid, pending_valid;
} win;
static uint8_t sent[1 << 16];   /* what the application wrote on the connection */
static uint32_t nsent;
static const struct ref_tcb *sent_tp;   /* the connection they were written on */
static ref_seq_t sent_iss;
static const struct ref_tcb *fin_tp;    /* the connection whose FIN was accepted */
static ref_seq_t fin_rcv_nxt;
static uint64_t fin_bytes;

/* A violation aborts, unless the campaign set it aside (fuzz_set_aside): then the
 * input goes on as if the rule held. */
static void fail(const char *rule)
{
	char sig[300];

	snprintf(sig, sizeof sig, "[fuzz_refstack] %s", rule);
	if (fuzz_set_aside(sig))
		return;
	fprintf(stderr, "fuzz_refstack: violated: %s (record %u)\nfuzz_refstack: signature: %s\n",
		rule, drv.nrec, sig);
	abort();
}

static int seg_class(const struct ref_segment *s)
{
	static const int8_t by_flags[16] = {
		/* index: FIN, SYN, RST as bits 0-2, ACK as bit 3.  Classes: 0 no flag,
		 * 1 ACK, 2 ACK with data, 3 SYN, 4 SYN-ACK, 5 RST, 6 RST-ACK, 7 FIN, 8 other */
		0, 7, 3, 8, 5, 8, 8, 8,   1, 7, 4, 8, 6, 8, 8, 8,
	};
	int fl = (s->flags & 7) | ((s->flags & REF_ACK) ? 8 : 0), c = by_flags[fl], pos = 0;

	if (c == 1 && s->len)
		c = 2;
	if (pre.tp && REF_SYNCHRONIZED(pre.state)) {
		int32_t off = ref_seq_diff(s->seq, pre.rcv_nxt);
		pos = off == 0 ? 1 : (off > 0 && (uint32_t)off < pre.rcv_wnd) ? 2 : 3;
	}
	return c * 4 + pos;
}

static void seg_pre(void *ctx, struct fuzz_drv *d, const struct ref_segment *seg)
{
	const struct ref_tcb *tp = fuzz_drv_conn(d);

	(void)ctx;
	/* the right edge of the window this segment offers (a SYN's is never scaled): the
	 * stack may use it while answering; it counts afterwards if the segment was
	 * accepted */
	if (tp && (win.tp != tp || win.iss != tp->iss)) {
		win.tp = tp;
		win.iss = tp->iss;
		win.valid = false;
	}
	win.pending_valid = tp && seg->csum_ok && (seg->flags & REF_ACK) &&
			    tp->state >= REF_SYN_SENT;
	if (win.pending_valid) {
		win.pack = seg->ack;
		win.pwnd = (uint32_t)seg->wnd << ((seg->flags & REF_SYN) ? 0 : tp->snd_wscale);
	}
	pre.tp = tp;
	pre.state = tp ? tp->state : REF_CLOSED;
	if (tp) {
		pre.rcv_nxt = tp->rcv_nxt;
		pre.snd_una = tp->snd_una;
		pre.snd_max = tp->snd_max;
		pre.max_sndwnd = tp->max_sndwnd;
		pre.rcv_wnd = ref_seq_len(tp->rcv_nxt, tp->rcv_adv);
		pre.bytes_received = tp->bytes_received;
	}
	pre.nout = nout;
	pre.nrst = nrst;
}

static void seg_in(void *ctx, struct fuzz_drv *d, const struct ref_segment *s,
		   struct ref_result res)
{
	const struct ref_tcb *tp = fuzz_drv_conn(d);
	int state = tp ? tp->state : REF_CLOSED, c = seg_class(s);
	bool same = tp == pre.tp && state == pre.state;

	(void)ctx;
	if (win.pending_valid && res.outcome == REF_ACCEPT && tp == win.tp) {
		if (!win.valid || ref_seq_gt(win.pack, win.ack))
			win.ack = win.pack;
		if (!win.valid || win.pwnd > win.wnd)
			win.wnd = win.pwnd;
		win.valid = true;
	}
	win.pending_valid = false;
	fb_class[pre.state][c]++;
	fb_reason[pre.state][res.reason % REF_NREASONS]++;
	if (stats)
		seen_class[pre.state][c] = seen_reason[pre.state][res.reason % REF_NREASONS] = 1;
	if (!s->csum_ok) {
		if (res.outcome != REF_DROP || !same || nout != pre.nout ||
		    (tp && tp->bytes_received != pre.bytes_received))
			fail("a segment with a bad checksum must be dropped silently (MUST-2/3)");
		return;
	}
	if (!pre.tp || !REF_SYNCHRONIZED(pre.state) || s->opt.bad_len)
		return;
	if (s->flags & REF_RST) {
		if (s->seq == pre.rcv_nxt) {
			/* TIME-WAIT is left out: RFC 1337 lets a stack ignore it there */
			if (state != REF_CLOSED && pre.state != REF_TIME_WAIT)
				fail("a RST at exactly RCV.NXT must reset the connection (RFC 5961 3.2)");
		} else if (!same) {
			fail("a RST not at RCV.NXT must not change the state (RFC 5961 3.2)");
		}
		return;
	}
	if (s->flags & REF_SYN) {
		if (pre.state != REF_TIME_WAIT && (!same || nrst != pre.nrst))
			fail("a SYN in a synchronized state must not reset or change the state "
			     "(RFC 5961 4.2)");
		return;
	}
	if ((s->flags & REF_ACK) && res.outcome == REF_ACCEPT &&
	    (ref_seq_gt(s->ack, pre.snd_max) ||
	     ref_seq_lt(s->ack, ref_seq_sub(pre.snd_una, pre.max_sndwnd))))
		fail("an ACK of unsent data or older than SND.UNA - MAX.SND.WND must not be "
		     "accepted (RFC 5961 5.2)");
}

static void seg_out(void *ctx, struct fuzz_drv *d, const struct ref_segment *s)
{
	const struct ref_tcb *tp = fuzz_drv_conn(d);

	(void)ctx;
	nout++;
	nrst += !!(s->flags & REF_RST);
	if (!s->len || !tp || s->sport != d->lport || (s->flags & REF_RST))
		return;
	/* the stack sends the bytes the application wrote, at their place */
	if (tp == sent_tp && tp->iss == sent_iss && nsent + d->nsending <= sizeof sent) {
		/* written so far, and what a send in progress is handing over */
		uint32_t off = (uint32_t)ref_seq_diff(s->seq, ref_seq_add(tp->iss, 1));
		if (ref_seq_lt(s->seq, ref_seq_add(tp->iss, 1)) ||
		    (uint64_t)off + s->len > nsent + d->nsending)
			fail("data sent that the application did not write");
		if (d->nsending)
			memcpy(sent + nsent, d->sending, d->nsending);
		if (memcmp(s->data, sent + off, s->len))
			fail("data sent differs from what the application wrote there");
	}
	/* RFC 9293 3.8.6: no data beyond SND.UNA + SND.WND; one byte past it is a
	 * zero-window probe (3.8.6.1).  SND.UNA is at most the largest ACK and SND.WND at
	 * most the largest window of the accepted segments (or of the one being answered),
	 * so their sum bounds what the stack may send however it updated the window. */
	if (tp == win.tp && tp->iss == win.iss && (win.valid || win.pending_valid)) {
		ref_seq_t ack = win.valid ? win.ack : win.pack;
		uint32_t wnd = win.valid ? win.wnd : win.pwnd;
		if (win.valid && win.pending_valid) {
			if (ref_seq_gt(win.pack, ack))
				ack = win.pack;
			if (win.pwnd > wnd)
				wnd = win.pwnd;
		}
		if (ref_seq_gt(ref_seq_add(s->seq, s->len), ref_seq_add(ack, wnd + 1)))
			fail("data sent beyond SND.UNA + SND.WND (RFC 9293 3.8.6)");
	}
}

/* what the application wrote, kept for the check above (one connection at a time,
 * followed after close too: its data may still be retransmitted) */
static void call(void *ctx, struct fuzz_drv *d, const struct fuzz_call *c)
{
	int fd = c->kind == FUZZ_C_ACCEPT ? (int)c->ret : c->fd;

	(void)ctx;
	if ((c->kind == FUZZ_C_ACCEPT && c->ret >= 0) ||
	    (c->kind == FUZZ_C_CONNECT && (c->ret >= 0 || c->ret == -EINPROGRESS))) {
		sent_tp = fd < d->st->nfds ? d->st->fds[fd] : NULL;
		sent_iss = sent_tp ? sent_tp->iss : 0;
		nsent = 0;
	} else if (c->kind == FUZZ_C_SEND && c->ret > 0 && sent_tp &&
		   fd < d->st->nfds && d->st->fds[fd] == sent_tp) {
		if (nsent + (uint32_t)c->ret <= sizeof sent)
			memcpy(sent + nsent, d->payload, (size_t)c->ret);
		nsent += (uint32_t)c->ret;
	}
}

static const struct ref_tcb *tcb_of_fd(struct ref_stack *st, int fd)
{
	return fd >= 0 && fd < st->nfds ? st->fds[fd] : NULL;
}

static void data(void *ctx, struct fuzz_drv *d, int fd, const uint8_t *p, size_t n)
{
	const struct ref_tcb *tp = tcb_of_fd(d->st, fd);

	(void)ctx;
	if (!tp || fd >= FUZZ_MAX_FD || d->urg_seen)
		return;
	if (!fuzz_stream_equal(p, ref_seq_add(tp->irs, (uint32_t)(1 + d->nread[fd])), n))
		fail("the application read bytes the peer did not send at that place");
	if (d->nread[fd] + n > tp->bytes_received)
		fail("the application read more bytes than were received");
}

static void check_tcb(const struct ref_tcb *tp)
{
	if (tp->state >= REF_NSTATES)
		fail("state out of range");
	if (tp->state <= REF_LISTEN)
		return;
	if (!ref_seq_leq(tp->snd_una, tp->snd_nxt) || !ref_seq_leq(tp->snd_nxt, tp->snd_max))
		fail("SND.UNA <= SND.NXT <= SND.MAX");
	if (!ref_seq_leq(tp->iss, tp->snd_una))
		fail("ISS <= SND.UNA");
	if (tp->snd_wscale > 14 || tp->rcv_wscale > 14)
		fail("window scale above 14 (RFC 7323 2.3)");
	if (tp->snd_wnd > (65535u << 14))
		fail("SND.WND above 2^30 (RFC 7323 2.3)");
}

static void after(void *ctx, struct fuzz_drv *d, const struct fuzz_rec *r)
{
	const struct ref_tcb *tp = fuzz_drv_conn(d);
	int state = tp ? tp->state : REF_CLOSED;

	(void)ctx; (void)r;
	fb_trans[d->prev_state][state]++;
	if (stats)
		seen_trans[d->prev_state][state] = 1;
	for (const struct ref_tcb *t = d->st->all; t; t = t->anext)
		check_tcb(t);
	if (tp && tp == fin_tp) {
		if (tp->rcv_nxt != fin_rcv_nxt || tp->bytes_received != fin_bytes)
			fail("data or sequence space accepted after the peer's FIN");
	} else if (tp && (tp->flags & TF_RCVD_FIN)) {
		fin_tp = tp;
		fin_rcv_nxt = tp->rcv_nxt;
		fin_bytes = tp->bytes_received;
	} else if (!tp) {
		fin_tp = NULL;
	}
}

static const struct fuzz_hooks hooks = {
	.seg_pre = seg_pre, .seg_in = seg_in, .seg_out = seg_out, .data = data, .after = after,
	.call = call,
};

static unsigned count(const uint8_t *p, size_t n)
{
	unsigned k = 0;

	while (n--)
		k += *p++ != 0;
	return k;
}

static void print_stats(void)
{
	fprintf(stderr, "fuzz_refstack: state transitions %u/%u, (state, segment class) %u/%u, "
		"(state, reason) %u/%u\n",
		count(&seen_trans[0][0], sizeof seen_trans), (unsigned)sizeof seen_trans,
		count(&seen_class[0][0], sizeof seen_class), (unsigned)sizeof seen_class,
		count(&seen_reason[0][0], sizeof seen_reason), (unsigned)sizeof seen_reason);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	if (!fuzz_drv_init(&drv, &hooks, NULL))
		abort();
	stats = getenv("TCPSPEC_FUZZ_STATS") != NULL;
	if (stats)
		atexit(print_stats);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nout = nrst = 0;
	fin_tp = NULL;
	win.tp = NULL;
	win.valid = win.pending_valid = false;
	sent_tp = NULL;
	nsent = 0;
	fuzz_drv_run(&drv, data, size);
	fuzz_drv_finish(&drv);
	return 0;
}
