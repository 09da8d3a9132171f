/* refstack/timers.c: the five timers of a connection and the stack's timer heap.
 *
 * Every timer is an absolute deadline in the TCB (REF_NEVER when off); the heap keeps
 * connections ordered by their earliest deadline, so ref_advance() touches only the
 * connections that have something due.  Each timer runs at its own deadline, so a
 * long advance produces the same segments, at the same times, as many short ones. */
#include <errno.h>
#include <stdlib.h>

#include "refstack/ref_int.h"

/* ---- the heap (min-heap on tcb->deadline) -------------------------------------------- */

static void heap_swap(struct ref_stack *st, uint32_t i, uint32_t j)
{
	struct ref_tcb *a = st->heap[i], *b = st->heap[j];
	st->heap[i] = b; b->heap_idx = i;
	st->heap[j] = a; a->heap_idx = j;
}

static void heap_up(struct ref_stack *st, uint32_t i)
{
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (st->heap[p]->deadline <= st->heap[i]->deadline)
			break;
		heap_swap(st, i, p);
		i = p;
	}
}

static void heap_down(struct ref_stack *st, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < st->nheap && st->heap[l]->deadline < st->heap[m]->deadline)
			m = l;
		if (r < st->nheap && st->heap[r]->deadline < st->heap[m]->deadline)
			m = r;
		if (m == i)
			break;
		heap_swap(st, i, m);
		i = m;
	}
}

void ref_heap_remove(struct ref_stack *st, struct ref_tcb *tp)
{
	uint32_t i = tp->heap_idx;
	if (i == UINT32_MAX)
		return;
	tp->heap_idx = UINT32_MAX;
	st->nheap--;
	if (i == st->nheap)
		return;
	st->heap[i] = st->heap[st->nheap];
	st->heap[i]->heap_idx = i;
	heap_up(st, i);
	heap_down(st, st->heap[i]->heap_idx);
}

void ref_timer_update(struct ref_tcb *tp)
{
	struct ref_stack *st = tp->st;
	int64_t d = tp->t_rexmt;
	if (tp->t_persist < d) d = tp->t_persist;
	if (tp->t_delack < d) d = tp->t_delack;
	if (tp->t_keep < d) d = tp->t_keep;
	if (tp->t_2msl < d) d = tp->t_2msl;
	if (tp->t_linger < d) d = tp->t_linger;
	if (tp->t_block < d) d = tp->t_block;
	tp->deadline = d;
	if (d == REF_NEVER) {
		ref_heap_remove(st, tp);
		return;
	}
	if (tp->heap_idx == UINT32_MAX) {
		if (st->nheap == st->capheap) {
			uint32_t cap = st->capheap ? st->capheap * 2 : 64;
			struct ref_tcb **h = realloc(st->heap, cap * sizeof *h);
			if (!h)
				return;         /* out of memory: the timer is lost */
			st->heap = h;
			st->capheap = cap;
		}
		tp->heap_idx = st->nheap;
		st->heap[st->nheap++] = tp;
	}
	heap_up(st, tp->heap_idx);
	heap_down(st, tp->heap_idx);
}

void ref_timers_cancel(struct ref_tcb *tp)
{
	tp->t_rexmt = tp->t_persist = tp->t_delack = tp->t_keep = tp->t_2msl = REF_NEVER;
	tp->t_linger = REF_NEVER;
	ref_timer_update(tp);
}

int64_t ref_next_deadline(const struct ref_stack *st)
{
	return st->nheap ? st->heap[0]->deadline : REF_NEVER;
}

/* ---- retransmission timer (RFC 6298 5) ----------------------------------------------- */

int64_t ref_rto_backed_off(const struct ref_tcb *tp)
{
	const struct ref_config *c = &tp->st->cfg;
	int64_t rto = tp->rto;
	for (int i = 0; i < tp->backoff && rto < (int64_t)c->rto_max_ms * REF_MS; i++)
		rto *= 2;                                       /* RFC 6298 5.5 */
	/* rto_slop_ms (0; FreeBSD's rexmit_slop): a margin on every RTO computed from a
	 * sample or backed off, never on the initial 1 s; a longer RTO is what RFC
	 * 6298 2.4 and 5.5 leave to the implementation */
	if (c->rto_slop_ms && (tp->backoff || tp->srtt >= 0))
		rto += (int64_t)c->rto_slop_ms * REF_MS;
	if (rto > (int64_t)c->rto_max_ms * REF_MS)       /* RFC 6298 2.5: a cap >= 60 s */
		rto = (int64_t)c->rto_max_ms * REF_MS;
	return rto;
}

void ref_timer_rexmt_start(struct ref_tcb *tp)
{
	tp->t_rexmt = tp->st->now + ref_rto_backed_off(tp);
	/* RFC 5482 / RFC 9293 3.8.3: the user timeout ends the wait even between
	 * retransmissions (as Linux clamps the RTO to it) */
	if (tp->user_timeout_ms && REF_SYNCHRONIZED(tp->state)) {
		int64_t end = tp->rexmt_since + (int64_t)tp->user_timeout_ms * REF_MS;
		if (end < tp->t_rexmt)
			tp->t_rexmt = end > tp->st->now ? end : tp->st->now + 1;
	}
	/* the connection-establishment limit (conn_init_timeout_ms), the same way */
	if (tp->st->cfg.conn_init_timeout_ms && !REF_SYNCHRONIZED(tp->state)) {
		int64_t end = tp->rexmt_since + (int64_t)tp->st->cfg.conn_init_timeout_ms * REF_MS;
		if (end < tp->t_rexmt)
			tp->t_rexmt = end > tp->st->now ? end : tp->st->now + 1;
	}
	tp->t_persist = REF_NEVER;
	ref_timer_update(tp);
}

static void abort_timeout(struct ref_tcb *tp, bool send_rst)
{
	if (send_rst)
		ref_send_rst_for(tp);
	/* RFC 1122 4.2.3.5 / RFC 9293 MUST-20..: report the soft error seen, if any */
	ref_tcb_closed(tp, tp->soft_error ? tp->soft_error : ETIMEDOUT);
}

static void rexmt_expired(struct ref_tcb *tp, int64_t now)
{
	const struct ref_config *c = &tp->st->cfg;
	tp->t_rexmt = REF_NEVER;
	tp->nrexmt++;
	/* Limits: SYN (R2 for SYN, RFC 9293 3.8.3 MUST-20/21), then data (R2), and the user
	 * timeout (RFC 9293 3.8.3, RFC 5482). */
	uint32_t limit = tp->state == REF_SYN_SENT ? tp->syn_retries
		: tp->state == REF_SYN_RECEIVED ? c->synack_retries : c->retries2;
	bool user_to = tp->user_timeout_ms &&
		now - tp->rexmt_since >= (int64_t)tp->user_timeout_ms * REF_MS;
	/* conn_init_timeout_ms (0: none; FreeBSD's keepinit): a connection not
	 * synchronized by then is given up, as RFC 9293 3.8.3's R2 for a SYN would be;
	 * below 3 minutes that is shorter than MUST-23 asks, as a low syn_retries is */
	if (tp->st->cfg.conn_init_timeout_ms && !REF_SYNCHRONIZED(tp->state) &&
	    now - tp->rexmt_since >= (int64_t)tp->st->cfg.conn_init_timeout_ms * REF_MS)
		user_to = true;
	/* TCP_DEFER_ACCEPT (Linux syn_ack_recalc): once the bare ACK came, the half-open
	 * connection lives until the deferral is over, and the SYN-ACK is not resent
	 * until its last timeout, which gives the peer a last chance */
	bool deferred = tp->state == REF_SYN_RECEIVED && (tp->xflags & XF_DEFER_ACKED);
	/* RFC 9293 3.8.6.1: "If the receiving TCP peer keeps acknowledging ... with a zero
	 * window, the sending TCP implementation MUST NOT close the connection" (MUST-36,
	 * "MUST allow the receive window to stay zero indefinitely"): retransmissions into
	 * a closed window that the peer answered within this timeout are probes, and do
	 * not count towards R2 (the user timeout still applies, as Linux's probe0 check) */
	bool held_shut = REF_SYNCHRONIZED(tp->state) && tp->snd_wnd == 0 && tp->last_ack_recv &&
			 tp->last_ack_recv >= now - ref_rto_backed_off(tp);
	if ((tp->nrexmt > limit && !held_shut && (!deferred || tp->nrexmt > tp->defer_accept)) ||
	    user_to) {
		abort_timeout(tp, false);
		return;
	}
	if (deferred && tp->nrexmt < tp->defer_accept) {
		if (tp->backoff < 16)
			tp->backoff++;
		ref_timer_rexmt_start(tp);
		return;
	}
	if (tp->backoff < 16)
		tp->backoff++;                                  /* RFC 6298 5.5 */
	/* RFC 5681 3.1 (4): ssthresh = max(FlightSize / 2, 2*SMSS), once per loss event;
	 * cwnd = LW = 1 SMSS.  RFC 6582 4: recover = highest sequence number sent. */
	if (tp->state >= REF_ESTABLISHED) {
		if (tp->nrexmt == 1) {                  /* RFC 5681 (4), once per loss */
			uint32_t half = ref_flight(tp) / 2;     /* RFC 5681 (4) */
			tp->ssthresh = half > 2u * tp->snd_mss ? half : 2u * tp->snd_mss;
		}
		tp->cwnd = tp->snd_mss;                 /* RFC 5681 3.1: LW = 1 SMSS */
		tp->ca_acked = 0;
	}
	/* A Fast Open server's SYN-ACK timed out (RFC 7413 4.2.2: the server may have sent
	 * data after it).  The RFC asks nothing of the retransmission beyond RFC 9293's
	 * SYN,ACK; Linux (tcp_fastopen_synack_timer) sends the SYN,ACK alone and enters
	 * loss: one SMSS (RFC 5681 3.1 LW), and the data goes again when its own timer,
	 * restarted by the handshake's ACK, expires.  As Linux. */
	if (tp->state == REF_SYN_RECEIVED && (tp->xflags & XF_TFO)) {
		if (tp->nrexmt == 1) {
			uint32_t half = ref_flight(tp) / 2;
			tp->ssthresh = half > 2u * tp->snd_mss ? half : 2u * tp->snd_mss;
		}
		tp->cwnd = tp->snd_mss;
		tp->ca_acked = 0;
		tp->flags &= ~TF_RTT_TIMING;
		tp->st->stats.retransmits++;
		tp->total_retrans++;
		ref_send_synack_again(tp);
		ref_timer_rexmt_start(tp);
		return;
	}
	bool was_recovering = (tp->flags & TF_IN_RECOVERY) != 0;
	tp->flags &= ~(TF_IN_RECOVERY | TF_RTT_TIMING);    /* Karn: no sample from a retransmission */
	/* RFC 2018 8: "After a retransmit timeout the data sender SHOULD turn off all of
	 * the SACKed bits" (the receiver may have reneged); RFC 6675 5.1: recovery ends */
	ref_sack_clear(tp);
	tp->recover = tp->snd_max;
	if (tp->state >= REF_ESTABLISHED)
		tp->loss_end = tp->snd_max;     /* all outstanding is lost (tcpi_lost) */
	tp->dupacks = 0;
	tp->snd_nxt = tp->snd_una;                          /* go back to the first unacked octet */
	tp->st->stats.retransmits++;
	tp->total_retrans++;
	tp->xflags |= XF_RTO_RESEND;    /* even into a closed window (RFC 6298 5.4) */
	ref_output(tp);
	tp->xflags &= ~XF_RTO_RESEND;
	/* RFC 5682: F-RTO watches the next two ACKs (step 1 is this retransmission) */
	ref_frto_timeout(tp, tp->nrexmt == 1 && !was_recovering);
	if (tp->t_rexmt == REF_NEVER && tp->state != REF_CLOSED)
		ref_timer_rexmt_start(tp);
}

/* ---- persist timer (RFC 9293 3.8.6.1): probe a zero window ---------------------------- */

static void persist_expired(struct ref_tcb *tp, int64_t now)
{
	tp->t_persist = REF_NEVER;
	if (tp->snd_wnd == 0) {
		if (tp->probes < 255)
			tp->probes++;
		if (tp->backoff < 16)
			tp->backoff++;  /* SHLD-30: exponential backoff between probes */
	}
	/* else: the SWS override timeout: send what the small window takes */
	/* The window stays closed as long as the peer keeps answering: MUST-36 says never
	 * to give up on a zero window while the peer is reachable. */
	tp->flags |= TF_FORCE_PROBE;
	tp->snd_nxt = tp->snd_una;      /* the probe is the first octet not acknowledged */
	ref_output(tp);
	tp->flags &= ~TF_FORCE_PROBE;
	if (tp->snd_wnd > 0 && tp->t_rexmt == REF_NEVER && ref_seq_lt(tp->snd_una, tp->snd_max)) {
		tp->rexmt_since = now;  /* data sent inside the window: the usual timer */
		ref_timer_rexmt_start(tp);
	}
	if (tp->t_rexmt == REF_NEVER && tp->t_persist == REF_NEVER && tp->snd_wnd == 0 &&
	    ref_seq_lt(tp->snd_nxt, ref_snd_data_end(tp)))
		tp->t_persist = now + ref_rto_backed_off(tp);
}

/* ---- keep-alive (RFC 9293 3.8.4, RFC 1122 4.2.3.6) ------------------------------------ */

static void keep_expired(struct ref_tcb *tp, int64_t now)
{
	tp->t_keep = REF_NEVER;
	if (!(tp->flags & TF_KEEPALIVE) || !REF_SYNCHRONIZED(tp->state) ||
	    tp->state == REF_TIME_WAIT)
		return;
	int64_t idle = now - tp->last_recv;
	int64_t idle_limit = (int64_t)tp->keep_idle_s * REF_SEC;
	if (idle < idle_limit) {
		tp->t_keep = tp->last_recv + idle_limit;
		tp->probes = 0;
		return;
	}
	if (tp->probes >= tp->keep_cnt) {
		abort_timeout(tp, true);        /* as Linux: the peer is told with a RST */
		return;
	}
	/* <SEQ=SND.UNA-1><ACK=RCV.NXT>, no data (MUST-27 allows it, SHLD-? as BSD) */
	tp->probes++;
	ref_send_keepalive(tp);
	tp->t_keep = now + (int64_t)tp->keep_intvl_s * REF_SEC;
}

/* ---- 2*MSL in TIME-WAIT, and the orphaned FIN-WAIT-2 timeout -------------------------- */

static void twomsl_expired(struct ref_tcb *tp, int64_t now)
{
	tp->t_2msl = REF_NEVER;
	/* RFC 9293 3.10.8: "If the time-wait timeout expires on a connection, delete
	 * the TCB, enter the CLOSED state, and return."  An orphaned FIN-WAIT-2 connection
	 * is given up the same way (RFC 9293 3.10.8 leaves it to the implementation). */
	if (tp->state == REF_TIME_WAIT || tp->state == REF_FIN_WAIT_2)
		ref_tcb_closed(tp, 0);
}

void ref_timer_run(struct ref_tcb *tp, int64_t now)
{
	if (tp->t_2msl <= now) {
		twomsl_expired(tp, now);
		if (tp->state == REF_CLOSED)
			return;
	}
	if (tp->t_rexmt <= now) {
		rexmt_expired(tp, now);
		if (tp->state == REF_CLOSED)
			return;
	}
	if (tp->t_persist <= now)
		persist_expired(tp, now);
	if (tp->t_keep <= now) {
		keep_expired(tp, now);
		if (tp->state == REF_CLOSED)
			return;
	}
	if (tp->t_linger <= now)
		tp->t_linger = REF_NEVER;       /* the blocked close() completes when repeated */
	if (tp->t_block <= now) {
		tp->t_block = REF_NEVER;        /* the blocked call times out when repeated */
		tp->blk = REF_BLK_EXPIRED;
	}
	if (tp->t_delack <= now) {
		tp->t_delack = REF_NEVER;
		tp->flags &= ~TF_PINGPONG;              /* as Linux: leave interactive mode */
		ref_send_ack_now(tp);                   /* RFC 9293 3.8.6.3 */
	}
	ref_timer_update(tp);
}

void ref_advance(struct ref_stack *st, int64_t now)
{
	while (st->nheap && st->heap[0]->deadline <= now) {
		struct ref_tcb *tp = st->heap[0];
		st->now = tp->deadline;
		ref_timer_run(tp, st->now);
		if (tp->state == REF_CLOSED)
			ref_heap_remove(st, tp);
		ref_tcb_release_if_dead(tp);
	}
	if (now > st->now)
		st->now = now;
}
