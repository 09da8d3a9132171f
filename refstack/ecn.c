/* refstack/ecn.c: Explicit Congestion Notification (RFC 3168 6.1).
 *
 * Negotiation on the SYN (ECE and CWR) and SYN-ACK (ECE alone), as
 * net.ipv4.tcp_ecn says (config ecn: 0 never, 1 ask and accept, 2 accept only, Linux's
 * default); on an ECN-capable connection new data carries ECT(0), the receiver echoes a
 * CE mark with ECE on every ACK until a segment with CWR arrives, and the sender halves
 * cwnd once per window of data on ECE and sets CWR on its next new data. */
#include "refstack/ref_int.h"

#define ECN_MASK 3
#define ECN_ECT0 2
#define ECN_CE   3

/* A SYN arrived in LISTEN (passive) or a SYN-ACK in SYN-SENT (active). */
void ref_ecn_syn_in(struct ref_tcb *tp, const struct ref_segment *seg, bool passive)
{
	uint8_t f = seg->flags & (REF_ECE | REF_CWR);
	if (passive) {
		/* 6.1.1: an ECN-setup SYN has ECE and CWR; the answer is an ECN-setup
		 * SYN-ACK (ECE set, CWR clear) when this end is willing */
		if (tp->st->cfg.ecn && f == (REF_ECE | REF_CWR))
			tp->xflags |= XF_ECN_OK;
		else
			tp->xflags &= ~XF_ECN_OK;
		return;
	}
	/* 6.1.1: "If the SYN-ACK has ECE set and CWR clear" the connection is ECN-capable;
	 * any other SYN-ACK (and a simultaneous open's SYN) means it is not */
	if (!(seg->flags & REF_ACK) || f != REF_ECE)
		tp->xflags &= ~XF_ECN_OK;
}

/* 6.1.3 (receiver): on an acceptable segment of an ECN-capable connection.  A CWR stops
 * the echo, unless this segment is itself CE-marked. */
void ref_ecn_input(struct ref_tcb *tp, const struct ref_segment *seg)
{
	if (!(tp->xflags & XF_ECN_OK))
		return;
	if (seg->flags & REF_CWR)
		tp->xflags &= ~XF_ECN_ECE;
	if ((seg->tos & ECN_MASK) == ECN_CE) {
		tp->delivered_ce++;
		if (!(tp->xflags & XF_ECN_ECE))
			tp->flags |= TF_ACKNOW;  /* as Linux: the first echo is not delayed */
		tp->xflags |= XF_ECN_ECE;
	}
}

/* 6.1.2 (sender): an ACK with ECE.  "The TCP source halves the congestion window cwnd
 * and reduces the slow start threshold ssthresh", at most once per window of data (not
 * again before the data outstanding at the reduction is acknowledged, nor during loss
 * recovery, which already reduced the window), and "SHOULD NOT increase the congestion
 * window in response to the receipt of an ECN-Echo ACK packet" (ref_ack_received). */
void ref_ecn_ack(struct ref_tcb *tp, const struct ref_segment *seg)
{
	if (!(tp->xflags & XF_ECN_OK) || (seg->flags & REF_SYN))
		return;
	/* the window is over once data sent after the reduction (which carried CWR) is
	 * acknowledged: an ACK of exactly ecn_recover may still echo the old mark */
	if ((tp->xflags & XF_ECN_REDUCED) && ref_seq_gt(tp->snd_una, tp->ecn_recover))
		tp->xflags &= ~XF_ECN_REDUCED;
	if (!(seg->flags & REF_ECE) || (tp->xflags & XF_ECN_REDUCED) ||
	    (tp->flags & TF_IN_RECOVERY) || tp->nrexmt)
		return;
	uint32_t mss = tp->snd_mss;
	uint32_t half = tp->cwnd / 2;
	tp->ssthresh = half > 2 * mss ? half : 2 * mss;
	tp->cwnd = half > mss ? half : mss;
	tp->ca_acked = 0;
	tp->ecn_recover = tp->snd_max;
	tp->xflags |= XF_ECN_REDUCED | XF_ECN_CWR;
}

/* Flags and codepoint of an outgoing segment: 6.1.1 the ECN-setup SYN and SYN-ACK,
 * "A host MUST NOT set ECT on SYN or SYN-ACK packets"; 6.1.4 pure ACKs and 6.1.5
 * retransmissions and 6.1.6 window probes are not ECT; CWR on the first new data
 * after a reduction; ECE on every ACK while a CE mark waits for CWR. */
void ref_ecn_output(struct ref_tcb *tp, struct ref_segment *s, bool new_data)
{
	if (!(tp->xflags & XF_ECN_OK) || (s->flags & REF_RST))
		return;
	if (s->flags & REF_SYN) {
		if (!(s->flags & REF_ACK))
			s->flags |= REF_ECE | REF_CWR;
		else
			s->flags |= REF_ECE;
		return;
	}
	if (new_data && s->len && !(tp->flags & TF_FORCE_PROBE)) {
		s->tos = (uint8_t)((s->tos & ~ECN_MASK) | ECN_ECT0);
		if (tp->xflags & XF_ECN_CWR) {
			s->flags |= REF_CWR;
			tp->xflags &= ~XF_ECN_CWR;
		}
	}
	if ((tp->xflags & XF_ECN_ECE) && (s->flags & REF_ACK))
		s->flags |= REF_ECE;
}
