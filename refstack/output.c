/* refstack/output.c: everything that sends.  Segment construction, the receive window
 * we advertise (receiver SWS avoidance), the send decision (Nagle, sender SWS
 * avoidance, congestion and peer windows), ACK processing with RTT estimation and
 * congestion control (RFC 6298, RFC 5681, RFC 6582), RSTs and challenge ACKs. */
#include <string.h>

#include "refstack/ref_int.h"

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static uint32_t max32(uint32_t a, uint32_t b) { return a > b ? a : b; }

ref_seq_t ref_snd_data_end(const struct ref_tcb *tp)
{
	return ref_seq_add(tp->snd_buf_seq, tp->sndq.len);
}

uint32_t ref_flight(const struct ref_tcb *tp)
{
	return ref_seq_len(tp->snd_una, tp->snd_max);
}

/* The window to advertise (RFC 9293 3.8.6.2.2).  Never shrink the window already
 * offered (SHLD-14); move the right edge only by at least min(RCV.BUFF/2, Eff.snd.MSS)
 * at a time (receiver SWS avoidance, MUST-39: "keep RCV.NXT+RCV.WND fixed until the
 * reduction satisfies RCV.BUFF - RCV.USER - RCV.WND >= min(Fr * RCV.BUFF,
 * Eff.snd.MSS)", Fr = 1/2, Eff.snd.MSS "the effective send MSS for the connection
 * (see Section 3.7.1)": the peer's MSS option bounded by ours, less TCP options; the
 * segment size the peer sends when both ends announce the same MSS).  Before the
 * peer's SYN is known the MSS we offer stands in. */
uint32_t ref_rcv_window(struct ref_tcb *tp)
{
	uint32_t cap = tp->rcvbuf;
	uint32_t space = cap > tp->rcvq.len ? cap - tp->rcvq.len : 0;
	uint32_t maxw = 65535u << tp->rcv_wscale;
	if (space > maxw)
		space = maxw;
	uint32_t cur = ref_seq_len(tp->rcv_nxt, tp->rcv_adv);
	if (space <= cur)
		return cur;
	uint32_t eff = tp->snd_mss ? tp->snd_mss : tp->adv_mss ? tp->adv_mss : 536;
	uint32_t thresh = min32(cap / 2, eff);
	if (space - cur < thresh)
		return cur;
	return space;
}

/* Fill and emit one segment.  len octets of queued data from seq; with garbage and no
 * data, one garbage octet (a keep-alive's, RFC 9293 3.8.4 MAY-6). */
static void emit_seg(struct ref_tcb *tp, ref_seq_t seq, uint8_t flags, uint32_t len,
		     bool garbage)
{
	struct ref_stack *st = tp->st;
	struct ref_segment s;
	memset(&s, 0, sizeof s);
	s.src = tp->laddr;
	s.dst = tp->raddr;
	s.sport = tp->lport;
	s.dport = tp->rport;
	s.encap_port = tp->encap_port;
	s.seq = seq;
	s.flags = flags;
	s.csum_ok = true;
	if (flags & REF_ACK)
		s.ack = tp->rcv_nxt;
	if (!(flags & REF_RST)) {
		uint32_t w = ref_rcv_window(tp);
		if (flags & REF_SYN) {
			/* RFC 7323 2.2: the window in a SYN is never scaled */
			s.wnd = w > 65535 ? 65535 : (uint16_t)w;
			ref_seq_t edge = ref_seq_add(tp->rcv_nxt, s.wnd);
			if (ref_seq_gt(edge, tp->rcv_adv))
				tp->rcv_adv = edge;
		} else {
			uint32_t field = w >> tp->rcv_wscale;
			if (ref_seq_lt(ref_seq_add(tp->rcv_nxt, field << tp->rcv_wscale), tp->rcv_adv))
				field++;        /* rounding must not shrink the window */
			if (field > 65535)
				field = 65535;
			s.wnd = (uint16_t)field;
			ref_seq_t edge = ref_seq_add(tp->rcv_nxt, field << tp->rcv_wscale);
			if (ref_seq_gt(edge, tp->rcv_adv))
				tp->rcv_adv = edge;
		}
		ref_opts_build(tp, &s, flags & REF_SYN);
	} else if (tp->flags & TF_TS_OK) {
		ref_opts_build(tp, &s, false);  /* RFC 7323 3.2: TSopt SHOULD be in a RST */
	}
	if (len) {
		/* (a Fast Open SYN's data starts after the SYN's number, RFC 7413) */
		ref_seq_t dseq = (flags & REF_SYN) ? ref_seq_add(seq, 1) : seq;
		uint32_t off = ref_seq_len(tp->snd_buf_seq, dseq);
		ref_ring_get(&tp->sndq, off, st->scratch, len);
		s.data = st->scratch;
		s.len = len;
		ref_seq_t end = ref_seq_add(dseq, len);
		if (end == ref_snd_data_end(tp) && !(flags & REF_SYN))
			s.flags |= REF_PSH;
		for (unsigned i = 0; i < tp->npush; i++)
			if (tp->pushq[i] == end && !(flags & REF_SYN))
				s.flags |= REF_PSH;
		if ((tp->flags & TF_DATA_SEEN) && st->now - tp->last_data_recv <
		    (int64_t)st->cfg.delack_ms * REF_MS)
			tp->flags |= TF_PINGPONG;
		tp->data_segs_out++;
		tp->bytes_sent += len;
		if (ref_seq_lt(seq, tp->snd_max)) {
			tp->bytes_retrans += len;
			if (ref_seq_gt(end, tp->rxt_end))
				tp->rxt_end = end;      /* tcpi_retrans */
		}
		tp->last_data_sent = st->now;
		if (len < tp->snd_mss)
			tp->snd_sml = ref_seq_add(seq, len);
	} else if (garbage) {
		st->scratch[0] = 0;
		s.data = st->scratch;
		s.len = 1;
	}
	/* RFC 9293 3.8.5, RFC 6093: the urgent pointer is the sequence number of the
	 * octet following the urgent data, sent as an offset from SEG.SEQ. */
	if (!(flags & (REF_RST | REF_SYN)) && ref_seq_gt(tp->snd_up, seq) &&
	    ref_seq_gt(tp->snd_up, tp->snd_una) && ref_seq_diff(tp->snd_up, seq) <= 65535) {
		s.flags |= REF_URG;
		s.urp = (uint16_t)ref_seq_diff(tp->snd_up, seq);
	}
	if (flags & REF_ACK) {
		if (tp->quick && tp->rcv_unacked)
			tp->quick--;
		tp->last_ack_sent = tp->rcv_nxt;
		tp->rcv_unacked = 0;
		tp->flags &= ~TF_ACKNOW;
		if (tp->t_delack != REF_NEVER) {
			tp->t_delack = REF_NEVER;
			ref_timer_update(tp);
		}
	}
	/* RFC 3168 6.1.1.1 (MAY): after ecn_syn_retries ECN-setup SYNs timed out (0, as
	 * Linux: the first retransmission already), the SYN goes without ECE and CWR */
	if ((flags & REF_SYN) && !(flags & REF_ACK) && tp->nrexmt > tp->st->cfg.ecn_syn_retries)
		tp->xflags &= ~XF_ECN_OK;
	ref_ecn_output(tp, &s, !ref_seq_lt(seq, tp->snd_max));
	if (flags & REF_RST)
		st->stats.rsts_sent++;
	tp->segs_out++;
	st->stats.segs_out++;
	if (st->out)
		st->out(st->out_ctx, &s, st->now);
}

static void emit(struct ref_tcb *tp, ref_seq_t seq, uint8_t flags, uint32_t len)
{
	emit_seg(tp, seq, flags, len, false);
}

/* One pass of the send decision.  Returns true if a segment went out. */
static bool output_one(struct ref_tcb *tp)
{
	uint8_t state = tp->state;
	if (state == REF_CLOSED || state == REF_LISTEN)
		return false;
	if (state == REF_SYN_SENT || state == REF_SYN_RECEIVED) {
		if (tp->snd_nxt == tp->iss) {
			/* RFC 9293 3.10.7.2 / 3.10.4: <SEQ=ISS><CTL=SYN> or <SYN,ACK> */
			uint8_t f = REF_SYN | (state == REF_SYN_RECEIVED ? REF_ACK : 0);
			/* RFC 7413 4.1: a Fast Open SYN carries the queued data, the first
			 * time only (a retransmitted SYN goes without it, as Linux) */
			uint32_t n = 0;
			if (state == REF_SYN_SENT && (tp->xflags & XF_TFO) && !tp->nrexmt)
				n = min32(tp->sndq.len, ref_tfo_syn_room(tp));
			emit(tp, tp->iss, f, n);
			tp->snd_nxt = ref_seq_add(tp->iss, 1 + n);
			goto after;
		}
		if (!(state == REF_SYN_RECEIVED && (tp->xflags & XF_TFO))) {
			if ((tp->flags & TF_ACKNOW) && state == REF_SYN_RECEIVED) {
				emit(tp, tp->snd_nxt, REF_ACK, 0);
				return true;
			}
			return false;
		}
		/* RFC 7413 4.2.2: a Fast Open server sends data before the handshake
		 * completes: on to the data path */
	}
	if (tp->snd_nxt == tp->iss && tp->snd_una == tp->iss) {
		/* CLOSE in SYN-RECEIVED sent a FIN before our SYN was acknowledged (RFC 9293
		 * 3.10.4): going back to SND.UNA resends the SYN,ACK first */
		emit(tp, tp->iss, REF_SYN | REF_ACK, 0);
		goto sent_seq;
	}

	ref_seq_t seq = tp->snd_nxt;
	ref_seq_t data_end = ref_snd_data_end(tp);
	uint32_t avail = ref_seq_len(seq, data_end);
	uint32_t inflight = ref_seq_len(tp->snd_una, seq);
	/* RFC 5681 4.1: after an idle period longer than the RTO, restart from
	 * RW = min(IW, cwnd) (a SHOULD: tcp_slow_start_after_idle = 0 keeps cwnd) */
	if (tp->st->cfg.slow_start_after_idle && avail && inflight == 0 &&
	    tp->snd_una == tp->snd_max && tp->bytes_sent &&
	    tp->st->now - tp->last_data_sent > tp->rto) {
		uint32_t cw = tp->cwnd;
		ref_init_cwnd(tp);
		if (cw < tp->cwnd)
			tp->cwnd = cw;
	}
	uint32_t wnd = min32(tp->snd_wnd, tp->cwnd);
	uint32_t usable = wnd > inflight ? wnd - inflight : 0;
	if (tp->xflags & XF_SACK_RECOVERY) {
		/* RFC 6675 5 (C): new data (NextSeg rule 2) only while cwnd - pipe >= 1
		 * SMSS; the peer's window still bounds it */
		uint32_t pipe = ref_sack_pipe(tp);
		uint32_t cwu = tp->cwnd >= pipe + tp->snd_mss ? tp->cwnd - pipe : 0;
		uint32_t rwu = tp->snd_wnd > inflight ? tp->snd_wnd - inflight : 0;
		usable = min32(cwu, rwu);
	}
	bool force = (tp->flags & TF_FORCE_PROBE) && avail > 0;
	if (force && usable == 0)
		usable = 1;             /* a zero-window probe: one octet (RFC 9293 3.8.6.1) */
	/* The retransmission timer expired with the window closed after the data went out:
	 * RFC 6298 5.4 "Retransmit the earliest segment that has not been acknowledged",
	 * and RFC 9293 3.8.6.1 "must regularly ... retransmit to the receiving TCP peer even
	 * if the send window is zero" (MUST-35).  The segment was inside the window the peer
	 * offered when it first went, so it goes again whole (as Linux), never silence. */
	if ((tp->xflags & XF_RTO_RESEND) && seq == tp->snd_una && ref_seq_lt(seq, tp->snd_max)) {
		uint32_t old = min32(ref_seq_len(seq, tp->snd_max), avail);
		if (usable < old) {
			usable = old;
			force = true;
		}
	}
	if (!REF_CAN_SEND(state) && !REF_FIN_SENT(state) &&
	    !(state == REF_SYN_RECEIVED && (tp->xflags & XF_TFO)))
		avail = 0;
	if (state == REF_TIME_WAIT || state == REF_FIN_WAIT_2)
		avail = 0;
	uint32_t len = min32(min32(avail, usable), tp->snd_mss);
	bool fin_wanted = (tp->flags & TF_FIN_WANTED) &&
		(state == REF_FIN_WAIT_1 || state == REF_CLOSING || state == REF_LAST_ACK);
	bool fin = fin_wanted && ref_seq_add(seq, len) == data_end;
	bool retrans = ref_seq_lt(seq, tp->snd_max);
	bool nodelay = (tp->flags & TF_NODELAY) || fin_wanted;
	bool send = false;

	if (len) {
		if (len == tp->snd_mss)
			send = true;                    /* a full segment */
		else if (retrans || force)
			send = true;
		/* RFC 9293 3.7.4 Nagle (SHLD-7), in Minshall's form as Linux: hold a short
		 * segment while an earlier short segment is unacknowledged, unless
		 * TCP_NODELAY; TCP_CORK holds it always. */
		else if (len == avail && !(tp->flags & TF_CORK) &&
			 (nodelay || inflight == 0 || !ref_seq_gt(tp->snd_sml, tp->snd_una)))
			send = true;
		/* RFC 9293 3.8.6.2.1 sender SWS avoidance: at least Fs*Max(SND.WND), Fs=1/2 */
		else if (tp->max_sndwnd && len >= tp->max_sndwnd / 2 && (nodelay || inflight == 0) &&
			 !(tp->flags & TF_CORK))
			send = true;
	}
	if (fin && (len == avail))
		send = true;
	if (tp->flags & TF_ACKNOW)
		send = true;
	if (!send) {
		/* data waits and nothing is in flight: the persist timer makes sure a closed
		 * (or too small) window is probed (RFC 9293 3.8.6.1) */
		if (avail && inflight == 0 && tp->t_rexmt == REF_NEVER && tp->t_persist == REF_NEVER &&
		    !(tp->flags & TF_CORK) && usable < avail) {
			int64_t d = ref_rto_backed_off(tp);
			/* a small but open window: the SWS override timeout, 0.1 to 1 s
			 * (RFC 9293 3.8.6.2.1) */
			if (tp->snd_wnd > 0)
				d = d < REF_SEC / 10 ? REF_SEC / 10 : d > REF_SEC ? REF_SEC : d;
			tp->t_persist = tp->st->now + d;
			ref_timer_update(tp);
		}
		return false;
	}
	uint8_t flags = REF_ACK | (fin ? REF_FIN : 0);
	emit(tp, seq, flags, len);
	if (!len && !fin)
		return true;            /* a pure ACK occupies no sequence space */
	{
		ref_seq_t end = ref_seq_add(seq, len + (fin ? 1 : 0));
		if (ref_seq_gt(end, tp->snd_nxt))
			tp->snd_nxt = end;
	}
	goto after;
sent_seq:
	tp->snd_nxt = ref_seq_add(tp->iss, 1);
after:
	if (ref_seq_gt(tp->snd_nxt, tp->snd_max)) {
		/* new data: time one segment per RTT (RFC 6298 3, Karn: never a retransmission).
		 * The SYN or SYN,ACK (SND.MAX still ISS) only when handshake_rtt_sample is
		 * on: RFC 6298 2.1 keeps RTO at 1 s "until a round-trip time (RTT)
		 * measurement has been made", and 2.2 takes "the first RTT measurement R"
		 * from any segment; whether the handshake gives it is the stack's choice. */
		if (!(tp->flags & TF_RTT_TIMING) && tp->nrexmt == 0 &&
		    (tp->st->cfg.handshake_rtt_sample || tp->snd_max != tp->iss)) {
			tp->flags |= TF_RTT_TIMING;
			tp->rtt_seq = ref_seq_sub(tp->snd_nxt, 1);
			tp->rtt_start = tp->st->now;
		}
		tp->snd_max = tp->snd_nxt;
	}
	/* RFC 6298 5.1: start the timer when a segment with data/SYN/FIN goes out */
	if (tp->t_rexmt == REF_NEVER && !(tp->flags & TF_FORCE_PROBE)) {
		if (tp->snd_una == tp->snd_max || ref_seq_lt(tp->snd_una, tp->snd_max)) {
			if (tp->nrexmt == 0)
				tp->rexmt_since = tp->st->now;
			ref_timer_rexmt_start(tp);
		}
	}
	return true;
}

/* The SYN,ACK again, alone (a Fast Open server's SYN-ACK timeout): what was sent after
 * it stays in flight, SND.NXT unchanged. */
void ref_send_synack_again(struct ref_tcb *tp)
{
	emit(tp, tp->iss, REF_SYN | REF_ACK, 0);
}

/* Send [seq, seq + len) again (data, and the FIN when it is the last octet sent). */
void ref_retransmit_range(struct ref_tcb *tp, ref_seq_t seq, uint32_t len)
{
	ref_seq_t data_end = ref_snd_data_end(tp);
	uint32_t dlen = ref_seq_lt(seq, data_end) ? min32(len, ref_seq_len(seq, data_end)) : 0;
	bool fin = dlen < len && ref_seq_add(seq, dlen) == data_end &&
		   ref_seq_gt(tp->snd_max, data_end);
	if (!dlen && !fin)
		return;
	emit(tp, seq, REF_ACK | (fin ? REF_FIN : 0), dlen);
	tp->total_retrans++;
	tp->st->stats.retransmits++;
}

/* RFC 6675 5 step (4): fast retransmit and enter loss recovery. */
void ref_sack_enter_recovery(struct ref_tcb *tp)
{
	/* (4.1) RecoveryPoint = HighData; (4.2) ssthresh = cwnd = FlightSize / 2, at least
	 * 2 * SMSS (RFC 5681 3.2 equation 4) */
	tp->recover = tp->snd_max;
	/* (Limited Transmit's segments are not counted in FlightSize here, RFC 5681) */
	uint32_t fl = ref_flight(tp);
	uint32_t half = (fl > tp->lt_bytes ? fl - tp->lt_bytes : 0) / 2;
	tp->ssthresh = max32(half, 2u * tp->snd_mss);
	tp->cwnd = tp->ssthresh;
	tp->ca_acked = 0;
	tp->flags |= TF_IN_RECOVERY;
	tp->flags &= ~TF_RTT_TIMING;
	tp->xflags |= XF_SACK_RECOVERY;
	/* (4.3) retransmit the segment at HighACK + 1; HighRxt is its last octet */
	ref_seq_t end = tp->nsb ? tp->sb[0].left : tp->snd_max;
	uint32_t n = min32(ref_seq_len(tp->snd_una, end), tp->snd_mss);
	tp->high_rxt = ref_seq_add(tp->snd_una, n);
	ref_retransmit_range(tp, tp->snd_una, n);
	/* (4.4) SetPipe and (4.5) step (C) follow in ref_output */
}

/* RFC 6675 5 step (C): while cwnd - pipe >= 1 SMSS, send what NextSeg() gives:
 * (1) a lost hole, (2) new data, (3) a hole below SACKed data. */
static void sack_output(struct ref_tcb *tp)
{
	for (int guard = 0; guard < 10000; guard++) {
		if (tp->cwnd < ref_sack_pipe(tp) + tp->snd_mss)
			return;
		ref_seq_t seq;
		uint32_t len;
		if (ref_sack_next_hole(tp, true, &seq, &len)) {
			ref_retransmit_range(tp, seq, len);
			tp->high_rxt = ref_seq_add(seq, len);   /* (C.2) */
			continue;
		}
		ref_seq_t before = tp->snd_max;
		if (tp->snd_nxt == tp->snd_max && output_one(tp) && tp->snd_max != before)
			continue;                               /* (C.3): new data */
		if (ref_sack_next_hole(tp, false, &seq, &len)) {
			ref_retransmit_range(tp, seq, len);
			tp->high_rxt = ref_seq_add(seq, len);
			continue;
		}
		return;
	}
}

void ref_output(struct ref_tcb *tp)
{
	if ((tp->xflags & XF_SACK_RECOVERY) && REF_SYNCHRONIZED(tp->state))
		sack_output(tp);
	for (int guard = 0; guard < 100000; guard++) {
		if (!output_one(tp))
			break;
		if (tp->flags & TF_FORCE_PROBE)
			break;          /* one probe per persist expiry */
	}
}

void ref_send_ack_now(struct ref_tcb *tp)
{
	if (tp->state == REF_CLOSED || tp->state == REF_LISTEN || tp->state == REF_SYN_SENT)
		return;
	tp->flags |= TF_ACKNOW;
	if (tp->state == REF_SYN_RECEIVED || tp->state == REF_TIME_WAIT ||
	    (tp->flags & TF_FORCE_PROBE)) {
		emit(tp, tp->snd_nxt, REF_ACK, 0);
		return;
	}
	/* an ACK may carry pending data; ref_output sends at least the ACK */
	if (!output_one(tp))
		emit(tp, tp->snd_nxt, REF_ACK, 0);
	ref_output(tp);
}

void ref_send_keepalive(struct ref_tcb *tp)
{
	/* RFC 9293 3.8.4 / RFC 1122 4.2.3.6: <SEQ=SND.UNA-1><ACK=RCV.NXT>, no data
	 * (SHLD-12), or one garbage octet when so configured (MAY-6) */
	emit_seg(tp, ref_seq_sub(tp->snd_una, 1), REF_ACK, 0, tp->st->cfg.keepalive_garbage);
}

void ref_send_rst_for(struct ref_tcb *tp)
{
	/* RFC 9293 3.10.5 (ABORT): <SEQ=SND.NXT><CTL=RST>, with ACK as Linux sends it */
	if (tp->state == REF_SYN_SENT || tp->state == REF_CLOSED || tp->state == REF_LISTEN)
		return;
	emit(tp, tp->snd_max, REF_RST | REF_ACK, 0);
}

void ref_send_rst_reply(struct ref_stack *st, const struct ref_segment *seg)
{
	/* RFC 9293 3.10.7.1: "An incoming segment containing a RST is discarded."
	 * ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; ACK on: <SEQ=SEG.ACK><CTL=RST> */
	if (seg->flags & REF_RST)
		return;
	struct ref_segment s;
	memset(&s, 0, sizeof s);
	s.src = seg->dst;
	s.dst = seg->src;
	s.sport = seg->dport;
	s.dport = seg->sport;
	s.encap_port = seg->encap_port;         /* back the way it came */
	s.csum_ok = true;
	if (seg->flags & REF_ACK) {
		s.seq = seg->ack;
		s.flags = REF_RST;
	} else {
		s.seq = 0;
		s.ack = ref_seq_add(seg->seq, ref_seg_len(seg));
		s.flags = REF_RST | REF_ACK;
	}
	st->stats.rsts_sent++;
	st->stats.segs_out++;
	if (st->out)
		st->out(st->out_ctx, &s, st->now);
}

bool ref_oow_rate_limited(struct ref_tcb *tp)
{
	struct ref_stack *st = tp->st;
	int64_t gap = (int64_t)st->cfg.invalid_ratelimit_ms * REF_MS;
	if (!gap)
		return false;
	if (tp->last_oow_ack != INT64_MIN && st->now - tp->last_oow_ack >= 0 &&
	    st->now - tp->last_oow_ack < gap)
		return true;
	tp->last_oow_ack = st->now;
	return false;
}

bool ref_send_challenge_ack(struct ref_tcb *tp)
{
	struct ref_stack *st = tp->st;
	/* RFC 5961 7 leaves the throttle to the implementation: per connection first
	 * (tcp_invalid_ratelimit, as Linux), then the stack-wide count */
	if (ref_oow_rate_limited(tp))
		return false;
	/* RFC 5961 7: at most challenge_ack_limit challenge ACKs per second, stack-wide */
	if (st->cfg.challenge_ack_limit) {
		if (st->now - st->challenge_window >= REF_SEC || st->now < st->challenge_window) {
			st->challenge_window = st->now;
			st->challenge_count = 0;
		}
		if (st->challenge_count >= st->cfg.challenge_ack_limit)
			return false;
		st->challenge_count++;
	}
	st->stats.challenge_acks++;
	/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	emit(tp, tp->snd_max, REF_ACK, 0);
	return true;
}

/* ---- ACK processing (RFC 9293 3.10.7.4 fifth step, for an acceptable SEG.ACK) --------- */

void ref_rtt_sample(struct ref_tcb *tp, int64_t r)
{
	const struct ref_config *c = &tp->st->cfg;
	if (r < 0)
		r = 0;
	if (tp->srtt < 0) {                     /* RFC 6298 2.2 */
		tp->srtt = r;
		tp->rttvar = r / 2;
	} else {                                /* RFC 6298 2.3, alpha 1/8, beta 1/4 */
		int64_t d = tp->srtt > r ? tp->srtt - r : r - tp->srtt;
		tp->rttvar = (3 * tp->rttvar + d) / 4;
		tp->srtt = (7 * tp->srtt + r) / 8;
	}
	tp->backoff = 0;        /* a valid sample: the RTO "collapses" to the estimate */
	/* 2.3: RTO <- SRTT + max (G, K*RTTVAR).  The floor is put on the variance term,
	 * as Linux does (its rttvar never drops below tcp_rto_min): RTO is at least SRTT
	 * plus rto_min (200 ms), so a 10 ms path gets 210 ms as on Linux, and 2.4's
	 * lower bound (here rto_min, Linux's, below the 1 s SHOULD) holds a fortiori. */
	int64_t k = 4 * tp->rttvar;
	int64_t g = (int64_t)c->rto_min_ms * REF_MS;
	if (g < REF_MS)
		g = REF_MS;                     /* G: at least the 1 ms clock granularity */
	if (k < g)
		k = g;
	int64_t rto = tp->srtt + k;
	if (rto > (int64_t)c->rto_max_ms * REF_MS)
		rto = (int64_t)c->rto_max_ms * REF_MS;   /* 2.5 */
	tp->rto = rto;
}

/* RFC 3042 / RFC 5681 3.2: on the first and second duplicate ACK, one segment of new
 * data "provided that the receiver's advertised window allows, the total FlightSize
 * would remain less than or equal to cwnd plus 2*SMSS, and that new data is available";
 * cwnd itself is not changed. */
static void limited_transmit(struct ref_tcb *tp)
{
	if (tp->snd_nxt != tp->snd_max || !REF_CAN_SEND(tp->state))
		return;
	uint32_t flight = ref_flight(tp);
	uint32_t avail = ref_seq_len(tp->snd_nxt, ref_snd_data_end(tp));
	uint32_t n = min32(avail, tp->snd_mss);
	if (!n || flight + n > tp->cwnd + 2u * tp->snd_mss || flight + n > tp->snd_wnd)
		return;
	uint32_t save = tp->cwnd;
	tp->cwnd = flight + n;                  /* room for exactly this segment */
	ref_seq_t before = tp->snd_max;
	output_one(tp);
	tp->cwnd = save;
	tp->lt_bytes += ref_seq_len(before, tp->snd_max);
}

unsigned ref_send_new_segments(struct ref_tcb *tp, unsigned n)
{
	unsigned sent = 0;
	ref_seq_t save = tp->snd_nxt;
	tp->snd_nxt = tp->snd_max;
	while (sent < n && REF_CAN_SEND(tp->state)) {
		uint32_t flight = ref_flight(tp);
		uint32_t avail = ref_seq_len(tp->snd_nxt, ref_snd_data_end(tp));
		uint32_t len = min32(avail, tp->snd_mss);
		if (!len || flight + len > tp->snd_wnd)
			break;
		uint32_t save_cwnd = tp->cwnd, f = tp->flags;
		tp->cwnd = flight + len;                /* room for exactly this segment */
		tp->flags |= TF_NODELAY;                /* 2.1 step 2b: Nagle MAY be overridden */
		ref_seq_t before = tp->snd_max;
		output_one(tp);
		tp->flags = (tp->flags & ~TF_NODELAY) | (f & TF_NODELAY);
		tp->cwnd = save_cwnd;
		if (tp->snd_max == before)
			break;
		sent++;
	}
	if (!sent)
		tp->snd_nxt = save;
	return sent;
}

/* Retransmit the first unacknowledged segment (fast retransmit, partial ACK). */
static void retransmit_head(struct ref_tcb *tp)
{
	ref_seq_t save = tp->snd_nxt;
	uint32_t save_cwnd = tp->cwnd;
	tp->snd_nxt = tp->snd_una;
	tp->cwnd = tp->snd_mss;                 /* exactly one segment */
	uint32_t f = tp->flags;
	tp->flags |= TF_NODELAY;
	output_one(tp);
	tp->flags = (tp->flags & ~TF_NODELAY) | (f & TF_NODELAY);
	tp->cwnd = save_cwnd;
	if (ref_seq_gt(save, tp->snd_nxt))
		tp->snd_nxt = save;
	tp->total_retrans++;
	tp->st->stats.retransmits++;
}

void ref_ack_received(struct ref_tcb *tp, const struct ref_segment *seg)
{
	struct ref_stack *st = tp->st;
	ref_seq_t ack = seg->ack;
	uint32_t wnd = ref_seg_wnd(tp, seg);
	bool advanced = ref_seq_gt(ack, tp->snd_una);
	tp->last_ack_recv = st->now;

	/* RFC 5681 2: a duplicate ACK acknowledges SND.UNA with outstanding data, carries
	 * no data, no SYN/FIN, and does not change the window. */
	bool dup = !advanced && ack == tp->snd_una && seg->len == 0 &&
		   !(seg->flags & (REF_SYN | REF_FIN)) && wnd == tp->snd_wnd &&
		   ref_seq_gt(tp->snd_max, tp->snd_una);

	/* RFC 6675 5: "Upon the receipt of any ACK containing SACK information, the
	 * scoreboard MUST be updated via the Update () routine."  An ACK that SACKs new
	 * octets is a duplicate ACK there (RFC 6675 2), whatever else it does. */
	bool has_sack = (tp->flags & TF_SACK_OK) && (seg->opt.has & REF_HAS_SACK);
	bool sack_new = has_sack && ref_sack_update(tp, seg);
	if (has_sack)
		dup = sack_new;

	if (advanced) {
		uint32_t acked = ref_seq_len(tp->snd_una, ack);
		/* RFC 6298 3 / Karn: sample only segments never retransmitted */
		if ((tp->flags & TF_RTT_TIMING) && ref_seq_gt(ack, tp->rtt_seq)) {
			ref_rtt_sample(tp, st->now - tp->rtt_start);
			tp->flags &= ~TF_RTT_TIMING;
		} else if (tp->nrexmt && st->cfg.ts_rtt_retransmit && (tp->flags & TF_TS_OK) &&
			   (seg->opt.has & REF_HAS_TS) && seg->opt.tsecr &&
			   (st->cfg.handshake_rtt_sample || tp->snd_una != tp->iss)) {
			/* RFC 6298 3: "The only case when TCP can safely take RTT samples
			 * from retransmitted segments is when the TCP timestamp option is
			 * employed": the echoed TSval dates the instance acknowledged
			 * (RFC 7323 4.1, as Linux's tcp_rtt_tsopt_us).  "Can", not must:
			 * ts_rtt_retransmit off keeps Karn's rule here too.  Nor from the
			 * SYN exchange when handshake_rtt_sample is off (2.2). */
			uint32_t ms = ref_ts_now(tp) - seg->opt.tsecr;
			if (ms < 0x7fffffffu)
				ref_rtt_sample(tp, (int64_t)ms * REF_MS);
		}
		ref_seq_t upto = ref_seq_min(ack, ref_snd_data_end(tp));
		if (ref_seq_gt(upto, tp->snd_buf_seq)) {
			uint32_t n = ref_seq_len(tp->snd_buf_seq, upto);
			ref_ring_consume(&tp->sndq, n);
			tp->snd_buf_seq = upto;
			unsigned k = 0;
			for (unsigned i = 0; i < tp->npush; i++)
				if (ref_seq_gt(tp->pushq[i], upto))
					tp->pushq[k++] = tp->pushq[i];
			tp->npush = k;
			tp->bytes_acked += n;
		}
		tp->snd_una = ack;
		if (ref_seq_lt(tp->snd_nxt, tp->snd_una))
			tp->snd_nxt = tp->snd_una;
		/* (kept from falling behind, so that they never wrap past SND.UNA) */
		if (ref_seq_lt(tp->rxt_end, tp->snd_una))
			tp->rxt_end = tp->snd_una;
		if (ref_seq_lt(tp->loss_end, tp->snd_una))
			tp->loss_end = tp->snd_una;
		if (ref_seq_lt(tp->snd_up, tp->snd_una))
			tp->snd_up = tp->snd_una;
		/* Karn (RFC 6298 5 note): the backed-off RTO stays until a valid sample
		 * (ref_rtt_sample) gives a new one */
		tp->nrexmt = 0;
		tp->probes = 0;
		tp->lt_bytes = 0;
		ref_sack_trim(tp);
		if (tp->flags & TF_IN_RECOVERY) {
			if (ref_seq_geq(ack, tp->recover) && (tp->xflags & XF_SACK_RECOVERY)) {
				/* RFC 6675 5 (A): a cumulative ACK past RecoveryPoint ends
				 * recovery; cwnd stays at ssthresh (4.2) */
				tp->flags &= ~TF_IN_RECOVERY;
				tp->xflags &= ~XF_SACK_RECOVERY;
				tp->dupacks = 0;
			} else if (tp->xflags & XF_SACK_RECOVERY) {
				/* RFC 6675 5 (B): the scoreboard is updated; (C) runs in
				 * ref_output */
			} else if (ref_seq_geq(ack, tp->recover)) {
				/* RFC 6582 3.2 (3): full ACK, leave fast recovery */
				uint32_t fl = ref_flight(tp);
				tp->cwnd = min32(tp->ssthresh, max32(fl, tp->snd_mss) + tp->snd_mss);
				tp->flags &= ~TF_IN_RECOVERY;
				tp->dupacks = 0;
			} else {
				/* RFC 6582 3.2 (4): partial ACK: retransmit the next hole, deflate
				 * cwnd by the data acked, add back one SMSS if >= SMSS was acked */
				retransmit_head(tp);
				tp->cwnd = tp->cwnd > acked ? tp->cwnd - acked : 0;
				if (acked >= tp->snd_mss)
					tp->cwnd += tp->snd_mss;
				if (tp->cwnd < tp->snd_mss)
					tp->cwnd = tp->snd_mss;
			}
		} else if ((tp->xflags & XF_ECN_OK) && (seg->flags & REF_ECE)) {
			/* RFC 3168 6.1.2: no cwnd increase on an ECN-Echo ACK */
			tp->dupacks = 0;
		} else {
			tp->dupacks = 0;
			if (tp->cwnd < tp->ssthresh) {
				tp->cwnd += min32(acked, tp->snd_mss);  /* RFC 5681 3.1 (2) */
			} else {
				tp->ca_acked += acked;                  /* RFC 5681 3.1 (3) */
				if (tp->ca_acked >= tp->cwnd) {
					tp->ca_acked -= tp->cwnd;
					tp->cwnd += tp->snd_mss;
				}
			}
		}
		/* RFC 6298 5.2 / 5.3 */
		if (tp->snd_una == tp->snd_max) {
			tp->t_rexmt = REF_NEVER;
			ref_timer_update(tp);
		} else {
			tp->rexmt_since = st->now;
			ref_timer_rexmt_start(tp);
		}
	}
	bool frto_step3_dup = tp->frto == 2 && dup;     /* RFC 5682 2.1 step 3a, below */
	if (frto_step3_dup) {
		/* F-RTO's: no duplicate-ACK counting, no Limited Transmit */
	} else if (dup && (tp->flags & TF_SACK_OK) && tp->nsb && !(tp->flags & TF_IN_RECOVERY)) {
		/* RFC 6675 5: DupAcks++; (1) DupAcks >= DupThresh, or (2) IsLost(HighACK + 1):
		 * step (4), fast retransmit and loss recovery */
		if (tp->dupacks < 255)
			tp->dupacks++;
		if ((tp->dupacks >= REF_DUPTHRESH || ref_sack_is_lost(tp, tp->snd_una)) &&
		    ref_seq_geq(tp->snd_una, tp->recover))
			ref_sack_enter_recovery(tp);    /* (not before RecoveryPoint after
							 * an RTO is acknowledged, 5.1) */
		else if (tp->dupacks < REF_DUPTHRESH)
			limited_transmit(tp);           /* (3) */
	} else if (dup && !advanced) {
		if (tp->dupacks < 255)
			tp->dupacks++;
		if (tp->xflags & XF_SACK_RECOVERY) {
			/* RFC 6675: no inflation, pipe counts what left the network */
		} else if (tp->flags & TF_IN_RECOVERY) {
			tp->cwnd += tp->snd_mss;        /* RFC 5681 3.2 (4) */
		} else if (tp->dupacks < 3) {
			limited_transmit(tp);
		} else if (tp->dupacks == 3 && ref_seq_gt(ack, tp->recover)) {
			/* RFC 5681 3.2 (2)-(3), RFC 6582 3.2 (2): enter fast recovery;
			 * Limited Transmit's segments are not counted in FlightSize */
			uint32_t fl = ref_flight(tp);
			uint32_t half = (fl > tp->lt_bytes ? fl - tp->lt_bytes : 0) / 2;
			tp->ssthresh = max32(half, 2u * tp->snd_mss);
			tp->recover = tp->snd_max;
			retransmit_head(tp);
			tp->cwnd = tp->ssthresh + 3u * tp->snd_mss;
			tp->flags |= TF_IN_RECOVERY;
			tp->flags &= ~TF_RTT_TIMING;
		}
	} else if (!advanced && !dup && !has_sack) {
		tp->dupacks = 0;
	}

	ref_ecn_ack(tp, seg);   /* RFC 3168 6.1.2 */

	/* RFC 9293 3.10.7.4: "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be
	 * updated.  If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)),
	 * set SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK." */
	if (ref_seq_leq(tp->snd_una, ack) &&
	    (ref_seq_lt(tp->snd_wl1, seg->seq) ||
	     (tp->snd_wl1 == seg->seq && ref_seq_leq(tp->snd_wl2, ack)))) {
		tp->snd_wnd = wnd;
		tp->snd_wl1 = seg->seq;
		tp->snd_wl2 = ack;
		if (wnd > tp->max_sndwnd)
			tp->max_sndwnd = wnd;
		if (wnd > 0 && tp->t_persist != REF_NEVER) {
			/* the window opened: probe octets past SND.UNA are sent again as
			 * ordinary data */
			tp->snd_nxt = tp->snd_una;
			tp->t_persist = REF_NEVER;
			tp->probes = 0;
			tp->backoff = 0;
			ref_timer_update(tp);
		}
	}
	if (tp->frto)
		ref_frto_ack(tp, advanced, dup);        /* RFC 5682 2.1 steps 2 and 3 */
}
