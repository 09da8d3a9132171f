/* refstack/input.c: segment arrival (RFC 9293 3.10.7 "SEGMENT ARRIVES").
 *
 * ref_input() makes one dispatch on the connection's state:
 *   no TCB / CLOSED  -> closed_input()   (3.10.7.1)
 *   LISTEN           -> listen_input()   (3.10.7.2)
 *   SYN-SENT         -> synsent_input()  (3.10.7.3)
 *   everything else  -> sync_input()     (3.10.7.4, the eight steps)
 * Each returns a named outcome (accept, drop, drop-and-ACK, drop-and-RST) with a
 * reason; ref_input counts both. */
#include <errno.h>
#include <string.h>

#include "refstack/ref_int.h"

#define RESULT(o, r) ((struct ref_result){ REF_##o, REF_R_##r })

void ref_init_cwnd(struct ref_tcb *tp)
{
	/* RFC 5681 3.1: IW = min(4*SMSS, max(2*SMSS, 4380 bytes)), or a configured
	 * number of segments (RFC 6928 allows 10, as Linux uses) */
	uint32_t smss = tp->snd_mss;
	if (tp->st->cfg.init_cwnd) {
		tp->cwnd = tp->st->cfg.init_cwnd * smss;
	} else {
		uint32_t hi = 2 * smss > 4380 ? 2 * smss : 4380;
		tp->cwnd = 4 * smss < hi ? 4 * smss : hi;
	}
	if (tp->cwnd < tp->snd_mss)
		tp->cwnd = tp->snd_mss;
}

/* RFC 6298 5.7: "If the timer expires awaiting the ACK of a SYN segment and the TCP
 * implementation is using an RTO less than 3 seconds, the RTO MUST be re-initialized to
 * 3 seconds when data transmission begins" (no RTT sample was possible, Karn). */
static void rto_after_handshake(struct ref_tcb *tp)
{
	if (tp->nrexmt > 0 && tp->srtt < 0 && tp->rto < 3 * REF_SEC)
		tp->rto = 3 * REF_SEC;
	tp->backoff = 0;
}

/* ---- 3.10.7.1 CLOSED -------------------------------------------------------------- */

static struct ref_result closed_input(struct ref_stack *st, const struct ref_segment *seg)
{
	/* "An incoming segment containing a RST is discarded.  An incoming segment not
	 * containing a RST causes a RST to be sent in response." */
	if (seg->flags & REF_RST)
		return RESULT(DROP, CLOSED_RST);
	ref_send_rst_reply(st, seg);
	return RESULT(DROP_RST, NO_SOCKET);
}

/* ---- 3.10.7.2 LISTEN -------------------------------------------------------------- */

/* "Any other control or text should be queued for processing later" (3.10.7.2 for
 * LISTEN, 3.10.7.3 for a simultaneous open): text on the SYN is held like
 * out-of-order data just after RCV.NXT and taken in when the connection is
 * ESTABLISHED (the SYN-ACK acknowledges only the SYN).  The same sentence covers
 * control: a FIN on the SYN is held like a FIN beyond RCV.NXT (after the text, if all
 * of it was kept) and processed once the ACK makes the connection ESTABLISHED
 * (CLOSE-WAIT).  Linux drops a SYN,FIN. */
static void hold_syn_text(struct ref_tcb *tp, const struct ref_segment *seg)
{
	uint32_t n = seg->len ? ref_rcvq_room(tp, 0, seg->len) : UINT32_MAX;
	if (n != UINT32_MAX) {
		ref_ring_put(&tp->rcvq, 0, seg->data, n);
		tp->ooo[0].left = tp->rcv_nxt;
		tp->ooo[0].right = ref_seq_add(tp->rcv_nxt, n);
		tp->nooo = 1;
	}
	if ((seg->flags & REF_FIN) && (!seg->len || (tp->nooo &&
	    ref_seq_len(tp->ooo[0].left, tp->ooo[0].right) == seg->len))) {
		tp->flags |= TF_FIN_RCVD_OOO;
		tp->fin_seq = ref_seq_add(tp->rcv_nxt, seg->len);
	}
}

static struct ref_result listen_input(struct ref_tcb *l, const struct ref_segment *seg)
{
	struct ref_stack *st = l->st;
	/* First, check for a RST: "An incoming RST segment could not be valid ... it
	 * should be ignored." */
	if (seg->flags & REF_RST)
		return RESULT(DROP, LISTEN_RST);
	/* Second, check for an ACK: "Any acknowledgment is bad if it arrives on a
	 * connection still in the LISTEN state.  An acceptable reset segment should be
	 * formed for any arriving ACK-bearing segment: <SEQ=SEG.ACK><CTL=RST>" */
	if (seg->flags & REF_ACK) {
		ref_send_rst_reply(st, seg);
		return RESULT(DROP_RST, LISTEN_ACK);
	}
	/* Fourth: "Any other control or text-bearing segment (not containing SYN) must
	 * have an ACK and thus would be discarded by the ACK processing." */
	if (!(seg->flags & REF_SYN))
		return RESULT(DROP, LISTEN_NO_SYN);
	/* Third, check for a SYN.  The listen backlog (RFC 9293 leaves its size to the
	 * implementation): as Linux, a SYN is dropped while more than `backlog`
	 * connections wait in the accept queue; the peer will retransmit. */
	if (l->nqueued > l->backlog || l->nsyn >= st->cfg.max_syn_backlog)
		return RESULT(DROP, BACKLOG_FULL);

	struct ref_tcb *tp = ref_tcb_new(st, seg->dst.family);
	if (!tp)
		return RESULT(DROP, BACKLOG_FULL);
	tp->laddr = seg->dst;
	tp->raddr = seg->src;
	tp->lport = seg->dport;
	tp->rport = seg->sport;
	/* the child inherits the listener's socket options */
	tp->flags |= TF_PASSIVE | (l->flags & (TF_NODELAY | TF_KEEPALIVE | TF_LINGER |
					       TF_OOBINLINE | TF_CORK));
	tp->rcvbuf = l->rcvbuf;
	tp->rcvbuf_locked = l->rcvbuf_locked;
	tp->sndbuf = l->sndbuf;
	tp->user_mss = l->user_mss;
	tp->encap_port = seg->encap_port;       /* RFC 6951 5.4 (udpencap.c) */
	tp->defer_accept = l->defer_accept;
	tp->keep_idle_s = l->keep_idle_s;
	tp->keep_intvl_s = l->keep_intvl_s;
	tp->keep_cnt = l->keep_cnt;
	tp->user_timeout_ms = l->user_timeout_ms;
	tp->linger_s = l->linger_s;
	tp->parent = l;
	struct ref_tcb **tail = &l->qnext;
	while (*tail)
		tail = &(*tail)->qnext;
	*tail = tp;             /* FIFO: accept() returns the oldest first */
	l->nsyn++;

	/* "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ" */
	tp->irs = seg->seq;
	tp->rcv_nxt = ref_seq_add(seg->seq, 1);
	tp->rcv_adv = tp->rcv_nxt;
	tp->last_ack_sent = tp->rcv_nxt;
	tp->ts_offset = st->cfg.timestamps ? ref_ts_offset(tp) : 0;
	if ((seg->opt.has & REF_HAS_WS) && st->cfg.window_scaling)
		tp->rcv_wscale = ref_our_wscale(tp);
	ref_opts_syn_received(tp, seg, true);
	ref_ecn_syn_in(tp, seg, true);
	tp->adv_mss = ref_our_mss(tp);
	tp->rcv_mss = tp->adv_mss < 536 ? tp->adv_mss : 536;
	/* "ISS should be selected" (RFC 6528) */
	tp->iss = ref_isn(tp, st->now);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->snd_up = tp->iss;
	tp->snd_buf_seq = ref_seq_add(tp->iss, 1);
	tp->pushed_seq = tp->snd_buf_seq;
	tp->recover = tp->snd_sml = tp->iss;
	tp->rxt_end = tp->loss_end = tp->iss;
	/* RFC 7323 2.2: the window of a SYN is not scaled */
	tp->snd_wnd = tp->max_sndwnd = seg->wnd;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = tp->iss;
	ref_init_cwnd(tp);
	tp->last_recv = st->now;
	hold_syn_text(tp, seg);
	ref_set_state(tp, REF_SYN_RECEIVED);
	ref_tcb_hash_insert(st, tp);
	ref_tfo_syn_in(l, tp, seg);     /* RFC 7413 4.2.2 */
	/* "send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>" */
	ref_output(tp);
	return RESULT(ACCEPT, OK);
}

/* ---- 3.10.7.3 SYN-SENT ------------------------------------------------------------ */

static void text_and_fin(struct ref_tcb *tp, const struct ref_segment *seg, ref_seq_t seq,
			 const uint8_t *data, uint32_t len, bool fin);

static struct ref_result synsent_input(struct ref_tcb *tp, const struct ref_segment *seg)
{
	struct ref_stack *st = tp->st;
	bool ack_ok = false;
	/* First, check the ACK bit: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset
	 * (unless the RST bit is set, if so drop the segment and return)
	 * <SEQ=SEG.ACK><CTL=RST>" */
	if (seg->flags & REF_ACK) {
		if (ref_seq_leq(seg->ack, tp->iss) || ref_seq_gt(seg->ack, tp->snd_max)) {
			if (seg->flags & REF_RST)
				return RESULT(DROP, SYNSENT_BAD_ACK);
			ref_send_rst_reply(st, seg);
			return RESULT(DROP_RST, SYNSENT_BAD_ACK);
		}
		ack_ok = true;          /* SND.UNA < SEG.ACK =< SND.NXT */
	}
	/* Second, check the RST bit: "If the ACK was acceptable, then signal to the user
	 * 'error: connection reset', drop the segment, enter CLOSED state ... Otherwise
	 * (no ACK), drop the segment and return." (RFC 5961 3.2 leaves SYN-SENT as is) */
	if (seg->flags & REF_RST) {
		if (!ack_ok)
			return RESULT(DROP, SYNSENT_RST_NOACK);
		ref_tcb_closed(tp, ECONNREFUSED);
		return RESULT(ACCEPT, SYNSENT_RST);
	}
	/* Fifth: "If neither of the SYN or RST bits is set, then drop the segment" */
	if (!(seg->flags & REF_SYN))
		return RESULT(DROP, SYNSENT_NO_SYN);

	/* Fourth, check the SYN bit: "RCV.NXT is set to SEG.SEQ+1, IRS is set to SEG.SEQ.
	 * SND.UNA should be advanced to equal SEG.ACK (if there is an ACK)" */
	tp->irs = seg->seq;
	tp->rcv_nxt = ref_seq_add(seg->seq, 1);
	tp->rcv_adv = tp->rcv_nxt;
	tp->last_recv = st->now;
	ref_opts_syn_received(tp, seg, false);
	ref_ecn_syn_in(tp, seg, false);
	ref_init_cwnd(tp);
	if (ack_ok) {
		if ((tp->flags & TF_RTT_TIMING) && ref_seq_gt(seg->ack, tp->rtt_seq))
			ref_rtt_sample(tp, st->now - tp->rtt_start);
		tp->flags &= ~TF_RTT_TIMING;
		tp->snd_una = seg->ack;
		if (ref_seq_gt(seg->ack, tp->snd_buf_seq)) {
			/* RFC 7413: data that rode on our SYN is acknowledged */
			uint32_t n = ref_seq_len(tp->snd_buf_seq, seg->ack);
			tp->xflags |= XF_SYN_DATA_ACKED;
			ref_ring_consume(&tp->sndq, n);
			tp->snd_buf_seq = seg->ack;
			tp->bytes_acked += n;
			unsigned k = 0;
			for (unsigned i = 0; i < tp->npush; i++)
				if (ref_seq_gt(tp->pushq[i], seg->ack))
					tp->pushq[k++] = tp->pushq[i];
			tp->npush = k;
		} else if (ref_seq_gt(tp->snd_max, seg->ack)) {
			/* RFC 7413 4.2.2 (client): the SYN's data was not taken; send it again
			 * with the handshake's ACK */
			tp->snd_nxt = seg->ack;
		}
		if (ref_seq_lt(tp->snd_nxt, tp->snd_una))
			tp->snd_nxt = tp->snd_una;
	}
	/* RFC 7413 4.1.3: keep the server's cookie for the next connection */
	if ((seg->opt.has & REF_HAS_FO) && (tp->xflags & XF_FO_SYN) && seg->opt.fo_len >= 4 &&
	    seg->opt.fo_len <= REF_MAX_COOKIE && !(seg->opt.fo_len & 1))
		ref_tfo_cache_put(st, &tp->raddr, seg->opt.fo_cookie, seg->opt.fo_len,
				  tp->peer_mss ? tp->peer_mss : ref_default_mss(tp->family));
	/* RFC 7323 2.2: the window in a SYN is never scaled */
	tp->snd_wnd = tp->max_sndwnd = seg->wnd;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = seg->ack;
	if (ref_seq_gt(tp->snd_una, tp->iss)) {
		/* "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to
		 * ESTABLISHED, form an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and
		 * send it.  ... If there are other controls or text in the segment, then
		 * continue processing at the sixth step" */
		ref_set_state(tp, REF_ESTABLISHED);
		ref_bound_mss_to_window(tp);
		tp->t_rexmt = REF_NEVER;
		rto_after_handshake(tp);
		tp->nrexmt = 0;
		ref_timer_update(tp);
		tp->flags |= TF_ACKNOW;
		if (tp->flags & TF_KEEPALIVE) {
			tp->t_keep = st->now + (int64_t)tp->keep_idle_s * REF_SEC;
			ref_timer_update(tp);
		}
		const uint8_t *data = seg->data;
		text_and_fin(tp, seg, ref_seq_add(seg->seq, 1), data, seg->len,
			     !!(seg->flags & REF_FIN));
		ref_output(tp);
		return RESULT(ACCEPT, OK);
	}
	/* "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment
	 * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it.  Set the variables ... If there
	 * are other controls or text in the segment, queue them for processing after the
	 * ESTABLISHED state has been reached, return." (simultaneous open) */
	hold_syn_text(tp, seg);
	ref_set_state(tp, REF_SYN_RECEIVED);
	tp->snd_nxt = tp->iss;
	tp->t_rexmt = REF_NEVER;
	ref_output(tp);
	return RESULT(ACCEPT, OK);
}

/* ---- 3.10.7.4 the other states ---------------------------------------------------- */

/* The four cases of the acceptability test (3.10.7.4 first step, MUST-? table). */
static bool acceptable(ref_seq_t seq, uint32_t seglen, ref_seq_t rcv_nxt, uint32_t rcv_wnd)
{
	ref_seq_t wend = ref_seq_add(rcv_nxt, rcv_wnd);
	if (seglen == 0 && rcv_wnd == 0)
		return seq == rcv_nxt;
	if (seglen == 0)
		return ref_seq_in(seq, rcv_nxt, wend);
	if (rcv_wnd == 0)
		return false;
	return ref_seq_in(seq, rcv_nxt, wend) ||
	       ref_seq_in(ref_seq_add(seq, seglen - 1), rcv_nxt, wend);
}

static void start_time_wait(struct ref_tcb *tp)
{
	/* "start the time-wait timer, turn off the other timers" (2*MSL) */
	ref_set_state(tp, REF_TIME_WAIT);
	tp->t_rexmt = tp->t_persist = tp->t_keep = tp->t_delack = REF_NEVER;
	tp->t_2msl = tp->st->now + 2LL * tp->st->cfg.msl_ms * REF_MS;
	ref_timer_update(tp);
}

/* The eighth step, for a FIN that is now in sequence. */
static void fin_in_sequence(struct ref_tcb *tp)
{
	/* "advance RCV.NXT over the FIN, and send an acknowledgment for the FIN" */
	tp->rcv_nxt = ref_seq_add(tp->rcv_nxt, 1);
	tp->flags |= TF_RCVD_FIN | TF_ACKNOW;
	tp->flags &= ~TF_FIN_RCVD_OOO;
	tp->nooo = 0;
	/* Nothing can follow the FIN, so the ACK of the FIN reports no SACK information:
	 * a D-SACK noted for the duplicate head of a retransmitted data+FIN segment is
	 * dropped (RFC 2883 makes D-SACK a SHOULD for the receiver; Linux, too, clears its
	 * SACK state when it takes the FIN and acknowledges it bare). */
	tp->xflags &= ~XF_DSACK;
	switch (tp->state) {
	case REF_SYN_RECEIVED:
	case REF_ESTABLISHED:
		ref_set_state(tp, REF_CLOSE_WAIT);      /* "Enter the CLOSE-WAIT state" */
		break;
	case REF_FIN_WAIT_1:
		/* our FIN not yet acknowledged (else we would be in FIN-WAIT-2) */
		ref_set_state(tp, REF_CLOSING);
		break;
	case REF_FIN_WAIT_2:
		start_time_wait(tp);                    /* "Enter the TIME-WAIT state" */
		break;
	default:
		break;  /* CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the ... state" */
	}
}

/* RFC 9293 3.10.7.4 seventh (text) and eighth (FIN) steps on the trimmed segment. */
static void text_and_fin(struct ref_tcb *tp, const struct ref_segment *seg, ref_seq_t seq,
			 const uint8_t *data, uint32_t len, bool fin)
{
	if (len) {
		switch (tp->state) {
		case REF_ESTABLISHED:
		case REF_FIN_WAIT_1:
		case REF_FIN_WAIT_2:
			ref_deliver_data(tp, seg, seq, data, len);
			break;
		default:
			/* CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: "This should not occur since
			 * a FIN has been received from the remote side.  Ignore the text." */
#ifdef REF_PLANTED_BUG_DATA_AFTER_FIN
			/* a bug planted on purpose, for the test that the fuzz campaign finds
			 * it (tests/fuzz_planted.sh builds a plugin with it); never defined in
			 * tcpspec's own builds */
			if (tp->state == REF_CLOSE_WAIT) {
				tp->rcv_nxt = ref_seq_add(seq, len);
				tp->flags |= TF_ACKNOW;
				break;
			}
#endif
			len = 0;
			break;
		}
	}
	if (fin && !(tp->flags & TF_RCVD_FIN)) {
		ref_seq_t fseq = ref_seq_add(seq, len);
		if (fseq == tp->rcv_nxt) {
			fin_in_sequence(tp);
		} else if (ref_seq_gt(fseq, tp->rcv_nxt)) {
			tp->flags |= TF_FIN_RCVD_OOO | TF_ACKNOW;       /* held until the gap fills */
			tp->fin_seq = fseq;
		}
	}
	if ((tp->flags & TF_FIN_RCVD_OOO) && tp->fin_seq == tp->rcv_nxt && tp->nooo == 0)
		fin_in_sequence(tp);
}

static struct ref_result challenge(struct ref_tcb *tp, enum ref_reason why)
{
	if (ref_send_challenge_ack(tp))
		return (struct ref_result){ REF_DROP_ACK, why };
	return RESULT(DROP, CHALLENGE_LIMITED);
}

static struct ref_result rst_arrives(struct ref_tcb *tp, const struct ref_segment *seg)
{
	/* RFC 5961 3.2: "If the RST bit is set and the sequence number exactly matches
	 * the next expected sequence number (RCV.NXT), then TCP MUST reset the connection.
	 * ... If the RST bit is set and the sequence number does not exactly match the
	 * next expected sequence value, yet is within the current receive window, TCP
	 * MUST send an acknowledgment (challenge ACK)" */
	/* RFC 1337 3 (tcp_rfc1337 = 1): "simply ignore RST segments in TIME-WAIT state",
	 * so an old duplicate RST cannot assassinate the TIME-WAIT connection (as Linux
	 * with the same setting; RFC 9293 3.10.7.4 otherwise closes it). */
	if (tp->state == REF_TIME_WAIT && tp->st->cfg.rfc1337)
		return RESULT(DROP, TIMEWAIT_RST);
	/* Without RFC 5961 3.2 (rfc5961_rst off; RFC 9293 3.10.7.4 makes it optional):
	 * "a reset is valid if its sequence number is in the window", and the first
	 * check has let only those through. */
	if (seg->seq != tp->rcv_nxt && tp->st->cfg.rfc5961_rst)
		return challenge(tp, REF_R_RST_CHALLENGE);
	switch (tp->state) {
	case REF_SYN_RECEIVED:
		/* "If this connection was initiated with a passive OPEN, then return this
		 * connection to the LISTEN state ... If active OPEN, connection refused" */
		ref_tcb_closed(tp, (tp->flags & TF_PASSIVE) ? 0 : ECONNREFUSED);
		break;
	case REF_ESTABLISHED:
	case REF_FIN_WAIT_1:
	case REF_FIN_WAIT_2:
	case REF_CLOSE_WAIT:
		/* "any outstanding RECEIVEs and SEND should receive 'reset' responses ...
		 * enter the CLOSED state, delete the TCB".  The "reset" response is
		 * ECONNRESET, except in CLOSE-WAIT where the peer had already closed its
		 * side: there Linux (tcp_reset) reports EPIPE, and so do we. */
		ref_ring_consume(&tp->sndq, tp->sndq.len);
		ref_tcb_closed(tp, tp->state == REF_CLOSE_WAIT ? EPIPE : ECONNRESET);
		break;
	default:
		/* CLOSING, LAST-ACK, TIME-WAIT: "enter the CLOSED state, delete the TCB" */
		ref_tcb_closed(tp, 0);
		break;
	}
	return RESULT(ACCEPT, RST_RESET);
}

/* A SYN that may open a new incarnation of a connection in TIME-WAIT. */
static bool timewait_new_syn(const struct ref_tcb *tp, const struct ref_segment *seg)
{
	uint8_t f = seg->flags;
	/* above RCV.NXT, or with a newer timestamp (RFC 9293 3.10.7.4 note, RFC 6191) */
	if (tp->state == REF_TIME_WAIT && (f & REF_SYN) && !(f & (REF_ACK | REF_RST)) &&
	    (ref_seq_gt(seg->seq, tp->rcv_nxt) ||
	     ((tp->flags & TF_TS_OK) && (seg->opt.has & REF_HAS_TS) &&
	      (int32_t)(seg->opt.tsval - tp->ts_recent) > 0)))
		return true;
	return false;
}

static struct ref_result sync_input(struct ref_tcb *tp, const struct ref_segment *seg)
{
	struct ref_stack *st = tp->st;
	uint32_t seglen = ref_seg_len(seg);
	uint8_t f = seg->flags;

	/* TIME-WAIT: a new SYN above RCV.NXT (or with a newer timestamp) may open a new
	 * incarnation */
	if (timewait_new_syn(tp, seg)) {
		struct ref_tcb *l = ref_listener_lookup(st, &seg->dst, seg->dport);
		if (l) {
			ref_tcb_closed(tp, 0);
			struct ref_result r = listen_input(l, seg);
			if (r.outcome == REF_ACCEPT)
				r.reason = REF_R_TIMEWAIT_REOPEN;
			return r;
		}
	}
	/* TIME-WAIT: "The only thing that can arrive in this state is a retransmission of
	 * the remote FIN.  Acknowledge it, and restart the 2 MSL timeout." */
	if (tp->state == REF_TIME_WAIT && (f & REF_FIN) && !(f & (REF_RST | REF_SYN)) &&
	    ref_seq_add(seg->seq, seglen) == tp->rcv_nxt) {
		tp->t_2msl = st->now + 2LL * st->cfg.msl_ms * REF_MS;
		ref_timer_update(tp);
		ref_send_ack_now(tp);
		return RESULT(DROP_ACK, TIMEWAIT_FIN);
	}
	/* SYN-RECEIVED: the peer's SYN again (our SYN-ACK was lost): send it again */
	if (tp->state == REF_SYN_RECEIVED && (f & REF_SYN) && !(f & (REF_ACK | REF_RST)) &&
	    seg->seq == tp->irs) {
		ref_seq_t save = tp->snd_nxt;
		tp->snd_nxt = tp->iss;
		ref_output(tp);
		if (ref_seq_gt(save, tp->snd_nxt))
			tp->snd_nxt = save;
		return RESULT(DROP_ACK, SYNRCVD_DUP_SYN);
	}
	/* SYN-RECEIVED after a simultaneous open: the peer's SYN-ACK repeats its SYN and
	 * acknowledges ours (RFC 9293 3.5 figure 8, step 4).  It is taken as the ACK it
	 * carries, the SYN being a duplicate of the one already received (as Linux). */
	struct ref_segment trimmed;
	if (tp->state == REF_SYN_RECEIVED && !(tp->flags & TF_PASSIVE) &&
	    (f & REF_SYN) && (f & REF_ACK) && !(f & REF_RST) &&
	    ref_seq_add(seg->seq, 1) == tp->rcv_nxt && seg->ack == tp->snd_max) {
		trimmed = *seg;
		trimmed.seq = tp->rcv_nxt;
		trimmed.flags &= ~REF_SYN;
		trimmed.wnd_on_syn = true;      /* RFC 7323 2.2 */
		seg = &trimmed;
		f = seg->flags;
		seglen = ref_seg_len(seg);
	}
	/* RFC 7323 3.2: "If a non-<RST> segment is received without a TSopt, a TCP SHOULD
	 * silently drop the segment." (Linux accepts it; we keep the SHOULD.) */
	if ((tp->flags & TF_TS_OK) && !(seg->opt.has & REF_HAS_TS) && !(f & REF_RST))
		return RESULT(DROP, TS_MISSING);
	/* RFC 7323 5.3 R1 (PAWS), before the sequence check: "If ... SEG.TSval <
	 * TS.Recent ... then the segment is not acceptable; send an ACK (unless RST)" */
	if (ref_paws_reject(tp, seg)) {
		if (f & REF_RST)
			return RESULT(DROP, PAWS);
		/* dataless segments only: data is never part of an ACK loop */
		if (!seg->len && !(f & REF_SYN) && ref_oow_rate_limited(tp))
			return RESULT(DROP, ACK_RATE_LIMITED);
		ref_send_ack_now(tp);
		return RESULT(DROP_ACK, PAWS);
	}

	/* First, check the sequence number (the four-case table). */
	uint32_t rcv_wnd = ref_seq_len(tp->rcv_nxt, tp->rcv_adv);
	bool ok = acceptable(seg->seq, seglen, tp->rcv_nxt, rcv_wnd);
	/* "If the RCV.WND is zero, no segments will be acceptable, but special allowance
	 * should be made to accept valid ACKs, URGs, and RSTs" */
	bool control_only = false;
	if (!ok && rcv_wnd == 0 && seg->seq == tp->rcv_nxt) {
		ok = true;
		control_only = true;
	}
	if (!ok) {
		/* "If an incoming segment is not acceptable, an acknowledgment should be
		 * sent in reply (unless the RST bit is set, if so drop the segment)" */
		if (f & REF_RST)
			return RESULT(DROP, RST_OUT_OF_WINDOW);
		/* RFC 2883 4: a duplicate below RCV.NXT is reported in a D-SACK block */
		if (seglen && !(f & REF_SYN) && ref_seq_lt(seg->seq, tp->rcv_nxt)) {
			ref_seq_t end = ref_seq_add(seg->seq, seglen);
			ref_dsack_note(tp, seg->seq, ref_seq_min(end, tp->rcv_nxt));
		}
		if (!seg->len && !(f & REF_SYN) && ref_oow_rate_limited(tp))
			return RESULT(DROP, ACK_RATE_LIMITED);
		ref_send_ack_now(tp);
		return RESULT(DROP_ACK, OUT_OF_WINDOW);
	}
	/* Trim to the window: octets before RCV.NXT were already received, octets past
	 * the right edge are not accepted (the FIN goes with them). */
	ref_seq_t seq = seg->seq;
	const uint8_t *data = seg->data;
	uint32_t len = control_only ? 0 : seg->len;
	bool fin = (f & REF_FIN) && !control_only;
	if (control_only && (seg->len || (f & REF_FIN)))
		tp->flags |= TF_ACKNOW; /* the text or FIN was not taken: tell the peer */
	if ((f & REF_SYN) && ref_seq_lt(seq, tp->rcv_nxt))
		seq = ref_seq_add(seq, 1);      /* the SYN takes the first number */
	if (ref_seq_lt(seq, tp->rcv_nxt)) {
		uint32_t d = ref_seq_len(seq, tp->rcv_nxt);
		if (d > len)
			d = len;
		/* RFC 2883 4.1.1: the part received before is a duplicate (D-SACK) */
		if (d && !(f & REF_SYN))
			ref_dsack_note(tp, seq, ref_seq_add(seq, d));
		if (data)
			data += d;
		len -= d;
		seq = ref_seq_add(seq, d);
	}
	ref_seq_t wend = ref_seq_add(tp->rcv_nxt, rcv_wnd);
	if (ref_seq_gt(ref_seq_add(seq, len), wend)) {
		len = ref_seq_len(seq, wend);
		fin = false;            /* the FIN goes with the octets cut off */
		tp->flags |= TF_ACKNOW;
	}
	/* (a FIN right after the window's last octet is kept: it takes no buffer) */

	/* Second, check the RST bit (RFC 5961 3.2) */
	if (f & REF_RST)
		return rst_arrives(tp, seg);

	/* Fourth, check the SYN bit (RFC 5961 4.2): "If the SYN bit is set, irrespective
	 * of the sequence number, TCP MUST send an ACK (also referred to as challenge ACK)
	 * to the remote peer"; RFC 9293: in SYN-RECEIVED of a passive open, "return this
	 * connection to the LISTEN state". */
	if (f & REF_SYN) {
		if (tp->state == REF_SYN_RECEIVED && (tp->flags & TF_PASSIVE)) {
			ref_tcb_closed(tp, 0);
			return RESULT(DROP, SYNRCVD_SYN);
		}
		/* Without RFC 5961 4.2 (rfc5961_syn off), RFC 793's rule: "If the SYN is
		 * in the window it is an error, send a reset, any outstanding RECEIVEs and
		 * SEND should receive 'reset' responses ... enter the CLOSED state"; the
		 * first check has let only in-window SYNs through. */
		if (!tp->st->cfg.rfc5961_syn) {
			ref_send_rst_for(tp);
			ref_ring_consume(&tp->sndq, tp->sndq.len);
			ref_tcb_closed(tp, ECONNRESET);
			return RESULT(DROP_RST, SYN_RESET);
		}
		return challenge(tp, REF_R_SYN_CHALLENGE);
	}

	/* Fifth, check the ACK field: "if the ACK bit is off, drop the segment" */
	if (!(f & REF_ACK))
		return RESULT(DROP, NO_ACK);

	if (tp->state == REF_SYN_RECEIVED) {
		/* "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state ... If the
		 * segment acknowledgment is not acceptable, form a reset segment
		 * <SEQ=SEG.ACK><CTL=RST> and send it." */
		if (!(ref_seq_gt(seg->ack, tp->snd_una) && ref_seq_leq(seg->ack, tp->snd_max))) {
			ref_send_rst_reply(st, seg);
			return RESULT(DROP_RST, SYNRCVD_BAD_ACK);
		}
		/* TCP_DEFER_ACCEPT (Linux tcp_check_req): a bare ACK completing the handshake
		 * is dropped while the SYN-ACK has timed out fewer than defer_accept times;
		 * data (or a later ACK) makes the connection */
		if (tp->defer_accept && (tp->flags & TF_PASSIVE) && !seg->len &&
		    !(f & REF_FIN) && tp->nrexmt < tp->defer_accept) {
			tp->xflags |= XF_DEFER_ACKED;
			return RESULT(DROP, DEFER_ACCEPT);
		}
		struct ref_tcb *l = (tp->flags & TF_QUEUED) ? NULL : tp->parent;
		if (l && l->nqueued > l->backlog)
			return RESULT(DROP, ACCEPT_QUEUE_FULL);     /* as Linux: stay half-open */
		ref_set_state(tp, REF_ESTABLISHED);
		rto_after_handshake(tp);
		/* "set SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK" */
		tp->snd_wnd = ref_seg_wnd(tp, seg);
		/* For a passive open this is the first SND.WND RFC 9293 defines (the SYN's
		 * window only let a SYN-RECEIVED Fast Open server send), so the largest
		 * window seen, Max(SND.WND) of sender SWS avoidance (3.8.6.2.1) and
		 * MAX.SND.WND of RFC 5961 5.2, starts here, as Linux's max_window does
		 * (tcp_create_openreq_child takes the handshake ACK's window).  Counting
		 * the unscaled SYN window would hold back sends into a smaller scaled
		 * window (win 4 << 7) that no peer ever offered as its maximum. */
		if ((tp->flags & TF_PASSIVE) || tp->snd_wnd > tp->max_sndwnd)
			tp->max_sndwnd = tp->snd_wnd;
		/* (not after a simultaneous open: there the largest window seen is the
		 * unscaled window of a SYN, no guide to the scaled windows that follow) */
		if (tp->flags & TF_PASSIVE)
			ref_bound_mss_to_window(tp);
		tp->snd_wl1 = seg->seq;
		tp->snd_wl2 = seg->ack;
		if (l)
			ref_child_queue(tp);
		/* text that came on the SYN is processed now */
		if (tp->nooo && tp->ooo[0].left == tp->rcv_nxt)
			ref_deliver_data(tp, seg, tp->rcv_nxt, NULL, 0);
		if (tp->flags & TF_KEEPALIVE) {
			tp->t_keep = st->now + (int64_t)tp->keep_idle_s * REF_SEC;
			ref_timer_update(tp);
		}
	}

	/* RFC 5961 5.2: "(SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT" else challenge ACK;
	 * RFC 9293: "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then
	 * send an ACK, drop the segment, and return." */
	if (ref_seq_gt(seg->ack, tp->snd_max))
		return challenge(tp, REF_R_ACK_UNSENT);
	if (ref_seq_lt(seg->ack, ref_seq_sub(tp->snd_una, tp->max_sndwnd)))
		return challenge(tp, REF_R_ACK_TOO_OLD);

	/* RFC 3168 6.1.3: CE marks echoed, CWR ends the echo */
	ref_ecn_input(tp, seg);
	/* RFC 7323 4.3: update TS.Recent from a segment covering Last.ACK.sent */
	ref_ts_update_recent(tp, seg);
	tp->last_recv = st->now;
	if (tp->t_keep != REF_NEVER) {
		tp->t_keep = st->now + (int64_t)tp->keep_idle_s * REF_SEC;
		tp->probes = 0;
		ref_timer_update(tp);
	}

	/* ESTABLISHED and friends: "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <-
	 * SEG.ACK ... If the ACK is a duplicate (SEG.ACK =< SND.UNA), it can be ignored"
	 * (duplicates still count for fast retransmit, RFC 5681) */
	ref_ack_received(tp, seg);

	bool fin_acked = (tp->flags & TF_FIN_WANTED) &&
		ref_seq_gt(tp->snd_max, ref_snd_data_end(tp)) && tp->snd_una == tp->snd_max;
	switch (tp->state) {
	case REF_FIN_WAIT_1:
		/* "if the FIN segment is now acknowledged, then enter FIN-WAIT-2" */
		if (fin_acked) {
			ref_set_state(tp, REF_FIN_WAIT_2);
			if (tp->fd < 0) {               /* orphaned: do not wait forever */
				tp->t_2msl = st->now + (int64_t)st->cfg.fin_timeout_s * REF_SEC;
				ref_timer_update(tp);
			}
		}
		break;
	case REF_CLOSING:
		/* "if the ACK acknowledges our FIN, then enter the TIME-WAIT state" */
		if (fin_acked)
			start_time_wait(tp);
		break;
	case REF_LAST_ACK:
		/* "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state" */
		if (fin_acked) {
			ref_tcb_closed(tp, 0);
			return RESULT(ACCEPT, OK);
		}
		break;
	default:
		break;
	}

	/* Sixth, check the URG bit: "If the URG bit is set, RCV.UP <- max(RCV.UP,SEG.UP),
	 * and signal the user" (ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2).  RFC 6093: the
	 * pointer is the octet after the urgent data. */
	if ((f & REF_URG) && seg->urp &&
	    (tp->state == REF_ESTABLISHED || tp->state == REF_FIN_WAIT_1 ||
	     tp->state == REF_FIN_WAIT_2)) {
		ref_seq_t up = ref_seq_add(seg->seq, seg->urp);
		if (!(tp->flags & TF_URG_VALID) || ref_seq_gt(up, tp->rcv_up)) {
			tp->rcv_up = up;
			tp->flags |= TF_URG_VALID;
			tp->flags &= ~(TF_HAVE_OOB | TF_OOB_READ);
			/* the urgent byte may already be in the queue */
			ref_seq_t ubyte = ref_seq_sub(up, 1);
			ref_seq_t rd = ref_seq_sub(tp->rcv_nxt, tp->rcvq.len);
			if (ref_seq_in(ubyte, rd, tp->rcv_nxt)) {
				ref_ring_get(&tp->rcvq, ref_seq_len(rd, ubyte), &tp->oob_byte, 1);
				tp->flags |= TF_HAVE_OOB;
			}
		}
	}

	/* Seventh and eighth: the text, then the FIN.  Data for a connection the user has
	 * closed cannot be delivered: RFC 9293 3.6 (SHLD-2) "if new data is received
	 * after CLOSE is called, its TCP implementation SHOULD send a RST". */
	if (len && tp->fd < 0 && !tp->parent &&
	    (tp->state == REF_FIN_WAIT_1 || tp->state == REF_FIN_WAIT_2)) {
		/* the RST answers the segment (<SEQ=SEG.ACK><CTL=RST>), as Linux does */
		ref_send_rst_reply(st, seg);
		ref_tcb_closed(tp, 0);
		return RESULT(DROP_RST, DATA_AFTER_CLOSE);
	}
	/* Text held from the SYN was taken in when the ACK made the connection
	 * ESTABLISHED: RCV.NXT may have moved past the start of this segment since it was
	 * trimmed, so trim again (the repeated octets are a duplicate, RFC 2883) */
	if (len && ref_seq_lt(seq, tp->rcv_nxt)) {
		uint32_t d = ref_seq_len(seq, tp->rcv_nxt);
		if (d > len)
			d = len;
		ref_dsack_note(tp, seq, ref_seq_add(seq, d));
		if (data)
			data += d;
		len -= d;
		seq = ref_seq_add(seq, d);
	}
	text_and_fin(tp, seg, seq, data, len, fin);
	ref_output(tp);
	return RESULT(ACCEPT, OK);
}

static void ooo_remove(struct ref_tcb *tp, unsigned i)
{
	memmove(&tp->ooo[i], &tp->ooo[i + 1], (tp->nooo - i - 1) * sizeof tp->ooo[0]);
	tp->nooo--;
}

/* Queue in-window text (3.10.7.4 seventh step).  In-order octets extend RCV.NXT (and
 * swallow held out-of-order ranges they reach); out-of-order octets are held in
 * place and reported in SACK blocks (RFC 2018). */
void ref_deliver_data(struct ref_tcb *tp, const struct ref_segment *seg, ref_seq_t seq,
		      const uint8_t *data, uint32_t len)
{
	struct ref_stack *st = tp->st;
	uint32_t off = tp->rcvq.len + ref_seq_len(tp->rcv_nxt, seq);
	if (off >= ref_rcvq_limit(tp))
		return;
	/* reserved as far as the octets reach (buf.c) */
	len = ref_rcvq_room(tp, off, len);
	if (len == UINT32_MAX)
		return;
	if (seg->len > tp->rcv_mss && seg->len <= 65535)
		tp->rcv_mss = seg->len;
	tp->data_segs_in++;
	tp->last_data_recv = st->now;

	if (seq == tp->rcv_nxt) {
		bool had_ooo = tp->nooo > 0;
		/* RFC 2883 4: octets already held out of order arrived again; the
		 * lowest such range is the first duplicate this segment carries */
		int low = -1;
		ref_seq_t end = ref_seq_add(seq, len);
		for (unsigned i = 0; i < tp->nooo; i++)
			if (ref_seq_lt(tp->ooo[i].left, end) &&
			    (low < 0 || ref_seq_lt(tp->ooo[i].left, tp->ooo[low].left)))
				low = (int)i;
		if (low >= 0)
			ref_dsack_note(tp, tp->ooo[low].left, ref_seq_min(end, tp->ooo[low].right));
		ref_ring_put(&tp->rcvq, tp->rcvq.len, data, len);
		tp->rcvq.len += len;
		tp->rcv_nxt = ref_seq_add(tp->rcv_nxt, len);
		tp->bytes_received += len;
		/* pull in held ranges that are now contiguous */
		for (bool merged = true; merged;) {
			merged = false;
			for (unsigned i = 0; i < tp->nooo; i++) {
				if (ref_seq_leq(tp->ooo[i].left, tp->rcv_nxt)) {
					if (ref_seq_gt(tp->ooo[i].right, tp->rcv_nxt)) {
						uint32_t n = ref_seq_len(tp->rcv_nxt, tp->ooo[i].right);
						tp->rcvq.len += n;
						tp->bytes_received += n;
						tp->rcv_nxt = tp->ooo[i].right;
					}
					ooo_remove(tp, i);
					merged = true;
					break;
				}
			}
		}
		if (len || had_ooo)
			tp->wake_rd++;          /* new readable data: sk_data_ready */
		/* the urgent byte, once it is in the queue, is taken out of band */
		if ((tp->flags & TF_URG_VALID) && !(tp->flags & (TF_HAVE_OOB | TF_OOB_READ))) {
			ref_seq_t ubyte = ref_seq_sub(tp->rcv_up, 1);
			ref_seq_t rd = ref_seq_sub(tp->rcv_nxt, tp->rcvq.len);
			if (ref_seq_in(ubyte, rd, tp->rcv_nxt)) {
				ref_ring_get(&tp->rcvq, ref_seq_len(rd, ubyte), &tp->oob_byte, 1);
				tp->flags |= TF_HAVE_OOB;
			}
		}
		/* ACK policy.  RFC 5681 4.2: ACK at once when a segment fills a gap.
		 * RFC 9293 3.8.6.3 (SHLD-19, MUST-40): delay at most 0.5 s (delack_ms), and
		 * ACK at least every second full-sized segment. */
		tp->rcv_unacked += len;
		/* Quick ACKs (Linux's quick-ACK mode, allowed since delaying is only a
		 * SHOULD): the first data arms up to `quickack` immediate ACKs, bounded by
		 * RCV.WND / (2 * MSS) as Linux does. */
		if (!(tp->flags & TF_DATA_SEEN)) {
			tp->flags |= TF_DATA_SEEN;
			uint32_t mss = tp->adv_mss < 536 ? tp->adv_mss : 536;
			uint32_t q = ref_seq_len(tp->rcv_nxt, tp->rcv_adv) / (2 * (mss ? mss : 536));
			if (q == 0)
				q = 2;
			if (q > st->cfg.quickack)
				q = st->cfg.quickack;
			tp->quick = q > 255 ? 255 : (uint8_t)q;
		}
		if (!st->cfg.delayed_ack || had_ooo || tp->rcv_unacked >= 2u * tp->rcv_mss ||
		    (tp->quick && !(tp->flags & TF_PINGPONG))) {
			tp->flags |= TF_ACKNOW;
		} else if (tp->t_delack == REF_NEVER) {
			tp->t_delack = st->now + (int64_t)st->cfg.delack_ms * REF_MS;
			ref_timer_update(tp);
		}
		return;
	}

	/* Out of order: keep the octets, remember the range, and send an immediate
	 * duplicate ACK (RFC 5681 4.2 SHOULD, RFC 9293 3.10.7.4) */
	ref_ring_put(&tp->rcvq, off, data, len);
	tp->flags |= TF_ACKNOW;
	struct ref_sack_block nb = { seq, ref_seq_add(seq, len) };
	/* RFC 2883 4: octets held already arrived again: a D-SACK block for the first
	 * (lowest) of them */
	int low = -1;
	for (unsigned i = 0; i < tp->nooo; i++) {
		struct ref_sack_block *b = &tp->ooo[i];
		if (ref_seq_lt(b->left, nb.right) && ref_seq_lt(nb.left, b->right) &&
		    (low < 0 || ref_seq_lt(b->left, tp->ooo[low].left)))
			low = (int)i;
	}
	if (low >= 0)
		ref_dsack_note(tp, ref_seq_max(nb.left, tp->ooo[low].left),
			       ref_seq_min(nb.right, tp->ooo[low].right));
	/* merge with every overlapping or adjacent range */
	for (unsigned i = 0; i < tp->nooo;) {
		struct ref_sack_block *b = &tp->ooo[i];
		if (ref_seq_leq(b->left, nb.right) && ref_seq_leq(nb.left, b->right)) {
			nb.left = ref_seq_min(nb.left, b->left);
			nb.right = ref_seq_max(nb.right, b->right);
			ooo_remove(tp, i);
			continue;
		}
		i++;
	}
	/* The ranges are kept most recent first, the order SACK blocks are reported in
	 * (RFC 2018 4).  When all slots are taken the oldest range is forgotten: its
	 * octets were never acknowledged, the peer sends them again. */
	if (tp->nooo == REF_MAX_OOO) {
		st->stats.reason[REF_R_OOO_FULL]++;
		tp->nooo--;
	}
	memmove(&tp->ooo[1], &tp->ooo[0], tp->nooo * sizeof tp->ooo[0]);
	tp->ooo[0] = nb;
	tp->nooo++;
}

/* ---- the entry point ---------------------------------------------------------------- */

static struct ref_result dispatch(struct ref_stack *st, const struct ref_segment *seg)
{
	/* RFC 9293 3.1 (MUST-2, MUST-3): the checksum is verified; a segment that fails
	 * is discarded before anything else looks at it. */
	if (!seg->csum_ok)
		return RESULT(DROP, BAD_CSUM);
	/* MUST-7: "prepared to handle an illegal option length (e.g., zero)".  We drop
	 * the segment: its options cannot be trusted, and a reset on an unauthenticated
	 * segment would hand an attacker a way to kill connections (RFC 5961 spirit). */
	if (seg->opt.bad_len)
		return RESULT(DROP, BAD_OPTLEN);

	struct ref_tcb *tp = ref_tcb_lookup(st, seg);
	if (!tp)
		tp = ref_listener_lookup(st, &seg->dst, seg->dport);
	if (!tp || tp->state == REF_CLOSED)
		return closed_input(st, seg);
	/* TCP over UDP: a segment in another encapsulation than its connection's is
	 * processed as for no connection (RFC 9293 3.10.7.1; udpencap.c says why), but
	 * for a SYN that TIME-WAIT takes for a new incarnation (a listener's) */
	if (ref_encap_other(tp, seg) &&
	    !(timewait_new_syn(tp, seg) && ref_listener_lookup(st, &seg->dst, seg->dport))) {
		struct ref_result r = closed_input(st, seg);
		r.reason = REF_R_OTHER_ENCAP;
		return r;
	}
	tp->segs_in++;
	struct ref_result r;
	switch (tp->state) {
	case REF_LISTEN:
		r = listen_input(tp, seg);
		break;
	case REF_SYN_SENT:
		r = synsent_input(tp, seg);
		break;
	default:
		r = sync_input(tp, seg);
		break;
	}
	ref_tcb_release_if_dead(tp);
	return r;
}

struct ref_result ref_input(struct ref_stack *st, const struct ref_segment *seg, int64_t now)
{
	if (now > st->now)
		st->now = now;
	st->stats.segs_in++;
	/* drop_synfin (off; FreeBSD's net.inet.tcp.drop_synfin = 1): a segment with both
	 * SYN and FIN is discarded before any state sees it, as a packet filter would.
	 * RFC 9293 3.10.7 gives the pair no meaning of its own (a SYN is processed before
	 * a FIN, and in LISTEN "any other control or text-bearing segment" with the SYN
	 * is only queued); a segment nothing answers is what the sender's
	 * retransmission covers. */
	struct ref_result r = (st->cfg.drop_synfin &&
			       (seg->flags & (REF_SYN | REF_FIN)) == (REF_SYN | REF_FIN))
				      ? RESULT(DROP, SYNFIN_DROPPED)
				      : dispatch(st, seg);
	st->stats.outcome[r.outcome]++;
	st->stats.reason[r.reason]++;
	st->last = r;
	return r;
}

void ref_icmp_input(struct ref_stack *st, const struct ref_icmp *ic, int64_t now)
{
	if (now > st->now)
		st->now = now;
	/* MUST-55: Source Quench is silently discarded */
	if (ic->kind == REF_ICMP_SOURCE_QUENCH)
		return;
	/* MUST-54: act on the error for the connection that elicited it */
	struct ref_segment key;
	memset(&key, 0, sizeof key);
	key.src = ic->dst;
	key.dst = ic->src;
	key.sport = ic->dport;
	key.dport = ic->sport;
	struct ref_tcb *tp = ref_tcb_lookup(st, &key);
	if (!tp || tp->state == REF_LISTEN || tp->state == REF_CLOSED)
		return;
	/* RFC 6951 5.5: an error about a segment in another encapsulation than the
	 * connection's cannot be related to it and "MUST be discarded silently".  (Its
	 * mapping of Port Unreachable onto Protocol Unreachable changes nothing here:
	 * both are hard errors below.) */
	if (ic->encap_port != tp->encap_port)
		return;
	/* RFC 5927 4.1: "TCP SHOULD check that the TCP sequence number contained in the
	 * payload of the ICMP error message is within the range SND.UNA =< SEG.SEQ <
	 * SND.NXT" (SND.NXT as the highest sent; Linux also takes SEG.SEQ = SND.NXT) */
	if (!ref_seq_in(ic->seq, tp->snd_una, tp->snd_max))
		return;
	switch (ic->kind) {
	case REF_ICMP_PROTO_UNREACH:
	case REF_ICMP_PORT_UNREACH:
		/* hard errors: the connection SHOULD be aborted (SHLD-26) */
		ref_tcb_closed(tp, ECONNREFUSED);
		break;
	case REF_ICMP_FRAG_NEEDED:
		/* PMTU discovery (RFC 1191 / 8201): shrink the segment size */
		if (ic->mtu >= 68) {
			uint32_t hdr = (tp->family == REF_AF_INET6 ? 60 : 40) +
				       ref_encap_overhead(tp);
			uint32_t mss = ic->mtu > hdr ? ic->mtu - hdr : 0;
			if (tp->flags & TF_TS_OK)
				mss = mss > 12 ? mss - 12 : 0;
			/* the path MTU as TCP_INFO reports it (Linux tcpi_pmtu) */
			if (ic->mtu < (tp->pmtu ? tp->pmtu : tp->st->cfg.mtu))
				tp->pmtu = (uint16_t)ic->mtu;
			if (mss >= 64 && mss < tp->snd_mss) {
				tp->snd_mss = mss;
				tp->snd_nxt = tp->snd_una;      /* resend with the new size */
				ref_output(tp);
			}
		}
		break;
	case REF_ICMP_NET_UNREACH:
		tp->soft_error = ENETUNREACH;           /* MUST-56: soft, do not abort */
		break;
	case REF_ICMP_HOST_UNREACH:
	case REF_ICMP_SRC_ROUTE:
	case REF_ICMP_ADMIN:
	case REF_ICMP_TIME_EXCEEDED:
	case REF_ICMP_PARAM_PROBLEM:
		tp->soft_error = EHOSTUNREACH;          /* MUST-56, SHLD-25: keep for the user */
		break;
	case REF_ICMP_SOURCE_QUENCH:
		break;
	}
	ref_tcb_release_if_dead(tp);
}
