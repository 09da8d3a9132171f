/* refstack/options.c: TCP options (RFC 9293 3.1 and 3.7.1, RFC 7323, RFC 2018).
 *
 * Negotiation happens on the SYN exchange only; afterwards the flags TF_TS_OK,
 * TF_SACK_OK and TF_WS_OK say what is in use.  Unknown options never reach this file
 * (the adapter skips them: MUST-6); illegal lengths are handled in input.c (MUST-7). */
#include "refstack/ref_int.h"

/* RFC 9293 3.7.1 (MUST-15): without an MSS option assume 536 (IPv4) or 1220 (IPv6,
 * RFC 8200 minimum MTU 1280 - 60). */
uint16_t ref_default_mss(int family)
{
	return family == REF_AF_INET6 ? 1220 : 536;
}

/* The MSS we announce: the link MTU less the fixed IP and TCP headers (RFC 9293
 * 3.7.1, MUST-14: MSS option sent in every SYN, here always) and, for a connection in
 * UDP, the encapsulation (RFC 6951 5.6), clamped by TCP_MAXSEG. */
uint16_t ref_our_mss(const struct ref_tcb *tp)
{
	uint32_t hdr = (tp->family == REF_AF_INET6 ? 60 : 40) + ref_encap_overhead(tp);
	uint32_t mss = tp->st->cfg.mtu > hdr ? tp->st->cfg.mtu - hdr : 536;
	if (tp->user_mss && tp->user_mss < mss)
		mss = tp->user_mss;
	return mss > 65535 ? 65535 : (uint16_t)mss;
}

/* Eff.snd.MSS = min(SendMSS+20, MMS_S) - TCPhdrsize - IPoptionsize (RFC 9293 3.7.1),
 * the timestamp option taking 12 octets of every segment when in use. */
void ref_update_snd_mss(struct ref_tcb *tp)
{
	uint32_t mss = tp->peer_mss ? tp->peer_mss : ref_default_mss(tp->family);
	uint32_t ours = ref_our_mss(tp);
	if (ours < mss)
		mss = ours;
	/* A floor against absurd announcements (MSS 0 or 1 would mean endless tiny
	 * segments).  RFC 9293 sets none (MUST-16 makes any SendMSS binding); the floor is
	 * Linux's, 48 octets (net.ipv4.tcp_min_snd_mss), applied as __tcp_mtu_to_mss()
	 * does, before the timestamp option is taken off, so an MSS of 48 or more is
	 * honoured exactly (it was 64 here, larger than the peer allows for 48..63). */
	if (mss < 48)
		mss = 48;
	if (tp->flags & TF_TS_OK)
		mss -= 12;
	/* mss_reserve (0 by default; see ref.h for why a stack may) keeps that many
	 * octets off every data segment of a connection that may carry SACK blocks, as
	 * gVisor's netstack keeps room for the largest option area it might send (36
	 * octets: four blocks), leaving at least 16 octets of data: a setting for running
	 * the conformance suite against such a stack, not a rule of the stack's.  With
	 * mss_reserve_all it applies to every connection, SACK or not, as a stack with
	 * small buffers, or one keeping option room whatever was negotiated, may (ref.h
	 * cites the rule; this line is no rule of the stack's, so the mutation tool's
	 * lines of rules leave it out: the default suite runs without a reserve) */
	if (tp->st->cfg.mss_reserve && ((tp->flags & TF_SACK_OK) || tp->st->cfg.mss_reserve_all))
		mss = mss > tp->st->cfg.mss_reserve + 16 ? mss - tp->st->cfg.mss_reserve : 16;
	tp->snd_mss = mss;
}

/* Segments no larger than half the largest window the peer offered when the
 * connection was established (the whole window when that is at most 536 octets), as
 * Linux's tcp_sync_mss() / tcp_bound_to_half_wnd() fix its MSS then.  RFC 9293 3.7.1
 * makes Eff.snd.MSS an upper bound only; with a peer window smaller than two MSS a
 * peer written against Linux expects these smaller segments (RFC 1122 4.2.3.4: the
 * sender SWS algorithm works on the largest window seen). */
void ref_bound_mss_to_window(struct ref_tcb *tp)
{
	uint32_t w = tp->max_sndwnd;
	uint32_t cutoff = w > 536 ? w / 2 : w;
	if (cutoff && tp->snd_mss > cutoff) {
		uint32_t floor = 68 - ((tp->flags & TF_TS_OK) ? 32 : 20);
		tp->snd_mss = (uint16_t)(cutoff > floor ? cutoff : floor);
	}
}

uint32_t ref_ts_now(const struct ref_tcb *tp)
{
	/* RFC 7323 5.4: a 1 ms clock, offset per connection (7.1) */
	return (uint32_t)(tp->st->now / REF_MS) + tp->ts_offset;
}

/* The peer's SYN (passive open) or SYN-ACK (active open) arrived: record what it
 * offers; an option counts only if we offered it too (our SYN-ACK answers in kind). */
void ref_opts_syn_received(struct ref_tcb *tp, const struct ref_segment *seg,
			   bool we_offered_all)
{
	const struct ref_config *c = &tp->st->cfg;
	const struct ref_options *o = &seg->opt;
	uint32_t offered = tp->flags;   /* for an active open: what our SYN carried */

	tp->peer_mss = (o->has & REF_HAS_MSS) ? o->mss : 0;
	if (tp->peer_mss == 0 && (o->has & REF_HAS_MSS))
		tp->peer_mss = ref_default_mss(tp->family);

	/* RFC 7323 2.2: scaling only if both SYNs carry the option.  2.3: a shift above 14
	 * is used as 14. */
	bool ws_ok = c->window_scaling && (o->has & REF_HAS_WS) &&
		     (we_offered_all || (offered & TF_WS_OK));
	if (ws_ok) {
		tp->flags |= TF_WS_OK;
		tp->snd_wscale = o->wscale > 14 ? 14 : o->wscale;
	} else {
		tp->flags &= ~TF_WS_OK;
		tp->snd_wscale = tp->rcv_wscale = 0;
	}
	/* RFC 7323 3.2: timestamps only if both SYNs carry TSopt. */
	bool ts_ok = c->timestamps && (o->has & REF_HAS_TS) &&
		     (we_offered_all || (offered & TF_TS_OK));
	if (ts_ok) {
		tp->flags |= TF_TS_OK;
		tp->ts_recent = o->tsval;
		tp->ts_recent_age = tp->st->now;
	} else {
		tp->flags &= ~TF_TS_OK;
	}
	/* RFC 2018 2: SACK only if both sides sent SACK-permitted. */
	if (c->sack && (o->has & REF_HAS_SACK_PERM) &&
	    (we_offered_all || (offered & TF_SACK_OK)))
		tp->flags |= TF_SACK_OK;
	else
		tp->flags &= ~TF_SACK_OK;
	ref_update_snd_mss(tp);
}

static void lay(struct ref_options *o, uint8_t kind)
{
	if (o->nlayout < REF_MAX_LAYOUT)
		o->layout[o->nlayout++] = kind;
}

/* Options for a segment we send.  SYN and SYN-ACK: MSS always (MUST-14), then
 * SACK-permitted, timestamps, window scale, in Linux's order and padding so that the
 * bytes match what scripts written against Linux expect:
 *   <mss, sackOK, TS, nop, wscale>  or  <mss, nop, nop, sackOK, nop, wscale>
 * Other segments: <nop, nop, TS> when timestamps are on (MUST be in every non-RST
 * segment, RFC 7323 3.2), then <nop, nop, sack ...> (RFC 2018 4). */
void ref_opts_build(struct ref_tcb *tp, struct ref_segment *out, bool syn)
{
	const struct ref_config *c = &tp->st->cfg;
	struct ref_options *o = &out->opt;
	bool synack = syn && (out->flags & REF_ACK);
	if (syn) {
		bool ts = synack ? !!(tp->flags & TF_TS_OK) : c->timestamps;
		bool sack = synack ? !!(tp->flags & TF_SACK_OK) : c->sack;
		bool ws = synack ? !!(tp->flags & TF_WS_OK) : c->window_scaling;
		o->has |= REF_HAS_MSS;
		o->mss = tp->adv_mss;
		lay(o, REF_OPT_MSS);
		if (sack) {
			o->has |= REF_HAS_SACK_PERM;
			if (!ts) {
				lay(o, REF_OPT_NOP);
				lay(o, REF_OPT_NOP);
			}
			lay(o, REF_OPT_SACK_PERM);
		}
		if (ts) {
			o->has |= REF_HAS_TS;
			o->tsval = ref_ts_now(tp);
			o->tsecr = synack ? tp->ts_recent : 0;
			if (!sack) {
				lay(o, REF_OPT_NOP);
				lay(o, REF_OPT_NOP);
			}
			lay(o, REF_OPT_TS);
		}
		if (ws) {
			o->has |= REF_HAS_WS;
			o->wscale = tp->rcv_wscale;
			lay(o, REF_OPT_NOP);
			lay(o, REF_OPT_WS);
		}
		ref_tfo_opt_build(tp, out);     /* RFC 7413 2 */
		return;
	}
	if (tp->flags & TF_TS_OK) {
		o->has |= REF_HAS_TS;
		o->tsval = ref_ts_now(tp);
		o->tsecr = tp->ts_recent;
		lay(o, REF_OPT_NOP);
		lay(o, REF_OPT_NOP);
		lay(o, REF_OPT_TS);
	}
	/* RFC 2018 4: SACK blocks for the data held out of order, the block holding the
	 * most recently received segment first, then the others by recency (the list
	 * is kept in that order); at most 3 with timestamps (40 octets). */
	bool dsack = (tp->xflags & XF_DSACK) != 0;
	bool ofin = (tp->flags & TF_FIN_RCVD_OOO) != 0;
	if ((tp->flags & TF_SACK_OK) && (tp->nooo || dsack || ofin) && !(out->flags & REF_RST)) {
		unsigned max = (tp->flags & TF_TS_OK) ? 3 : 4;
		unsigned n = 0;
		int holder = -1;
		if (dsack) {
			/* RFC 2883 4: the D-SACK block first (once: "each duplicate
			 * contiguous sequence of data received is reported in at most one
			 * D-SACK block"), then the block holding it, if it is held out of
			 * order, then the others as RFC 2018 says */
			o->sack[n++] = tp->dsack;
			tp->xflags &= ~XF_DSACK;
			for (unsigned i = 0; i < tp->nooo; i++)
				if (ref_seq_leq(tp->ooo[i].left, tp->dsack.left) &&
				    ref_seq_leq(tp->dsack.right, tp->ooo[i].right))
					holder = (int)i;
			if (holder >= 0)
				o->sack[n++] = tp->ooo[holder];
		}
		/* A FIN held out of order occupies its sequence number: the block it ends
		 * reaches past it, or it is a block of its own (the received sequence
		 * space, RFC 2018 3; as Linux, whose out-of-order queue holds the FIN) */
		bool fin_done = !ofin;
		if (ofin && tp->nooo == 0 && n < max) {
			o->sack[n++] = (struct ref_sack_block){ tp->fin_seq,
								 ref_seq_add(tp->fin_seq, 1) };
			fin_done = true;
		}
		for (unsigned i = 0; i < tp->nooo && n < max; i++)
			if ((int)i != holder)
				o->sack[n++] = tp->ooo[i];
		for (unsigned i = 0; i < n && !fin_done; i++)
			if (i > 0 || !dsack) {
				if (o->sack[i].right == tp->fin_seq) {
					o->sack[i].right = ref_seq_add(tp->fin_seq, 1);
					fin_done = true;
				}
			}
		if (!fin_done && n < max)
			o->sack[n++] = (struct ref_sack_block){ tp->fin_seq,
								 ref_seq_add(tp->fin_seq, 1) };
		o->nsack = n;
		o->has |= REF_HAS_SACK;
		lay(o, REF_OPT_NOP);
		lay(o, REF_OPT_NOP);
		lay(o, REF_OPT_SACK);
	}
}

/* RFC 7323 5.3 R1: PAWS.  A non-RST segment whose TSval is older than TS.Recent is a
 * duplicate from an earlier incarnation of the sequence space: drop it (and ACK it,
 * input.c).  TS.Recent older than 24 days is invalid (5.5) and never rejects. */
bool ref_paws_reject(struct ref_tcb *tp, const struct ref_segment *seg)
{
	if (!(tp->flags & TF_TS_OK) || !(seg->opt.has & REF_HAS_TS) || (seg->flags & REF_RST))
		return false;
	if ((int32_t)(seg->opt.tsval - tp->ts_recent) >= 0)
		return false;
	if (tp->st->now - tp->ts_recent_age > 24LL * 86400 * REF_SEC) {
		tp->ts_recent = seg->opt.tsval;         /* 5.5: invalidate, take the new one */
		return false;
	}
	return true;
}

/* RFC 7323 4.3 (3): TS.Recent <- SEG.TSval if SEG.SEQ =< Last.ACK.sent (the segment
 * covers the left edge of the window), and it is not older. */
void ref_ts_update_recent(struct ref_tcb *tp, const struct ref_segment *seg)
{
	if (!(tp->flags & TF_TS_OK) || !(seg->opt.has & REF_HAS_TS))
		return;
	if (ref_seq_leq(seg->seq, tp->last_ack_sent) &&
	    (int32_t)(seg->opt.tsval - tp->ts_recent) >= 0) {
		tp->ts_recent = seg->opt.tsval;
		tp->ts_recent_age = tp->st->now;
	}
}

uint8_t ref_our_wscale(const struct ref_tcb *tp)
{
	/* RFC 7323 2.3: the smallest shift that lets the buffer be advertised.  A buffer
	 * the user fixed with SO_RCVBUF never grows, so it alone is the largest window
	 * (Linux clamps the window to it the same way); otherwise the buffer may grow up
	 * to rmem_max (tcp_rmem[2]). */
	uint32_t space = tp->rcvbuf;
	if (!tp->rcvbuf_locked && tp->st->cfg.rmem_max > space)
		space = tp->st->cfg.rmem_max;
	uint8_t ws = 0;
	while (ws < 14 && (65535u << ws) < space)
		ws++;
	return ws;
}


/* RFC 7323 2.2: "The window field in a segment where the SYN bit is set (i.e., a <SYN>
 * or <SYN,ACK>) MUST NOT be scaled."  This also holds for the SYN,ACK that completes a
 * simultaneous open in SYN-RECEIVED, after scaling was agreed. */
uint32_t ref_seg_wnd(const struct ref_tcb *tp, const struct ref_segment *seg)
{
	if ((seg->flags & REF_SYN) || seg->wnd_on_syn)
		return seg->wnd;
	return (uint32_t)seg->wnd << tp->snd_wscale;
}
