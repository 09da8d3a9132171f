/* RFC 5682 F-RTO: telling a spurious retransmission timeout from a real loss by what
 * the two ACKs after the timeout's retransmission acknowledge, and sending new data
 * instead of the rest of the window when the timeout was spurious.
 *
 * The basic algorithm of section 2 is used, with or without SACK (section 3's
 * SACK-enhanced variant is not implemented; section 2's rules need no SACK and hold on
 * a SACK connection too).  The response to a spurious timeout (section 2.1, "the TCP
 * sender ... continues transmitting new data") keeps the congestion state the timeout
 * gave: cwnd and ssthresh are not restored (RFC 4015's undo is a separate choice). */
#include "refstack/ref_int.h"

void ref_frto_timeout(struct ref_tcb *tp, bool first)
{
	/* Only the first timeout of an episode starts F-RTO, and never while fast
	 * recovery runs (2.1: "when the retransmission timer expires" in the
	 * conventional state; a timeout in F-RTO's own steps ends it, 2.1 step 2a's
	 * "revert to the conventional RTO recovery") */
	tp->frto = 0;
	if (!tp->st->cfg.frto || !first || tp->state < REF_ESTABLISHED)
		return;
	/* 2.1 step 1: "retransmit the first unacknowledged segment ... store the highest
	 * sequence number transmitted so far in variable 'recover'" */
	tp->frto = 1;
	tp->frto_recover = tp->snd_max;
	tp->frto_rexmit_end = tp->snd_nxt;      /* after the retransmission went out */
}

void ref_frto_ack(struct ref_tcb *tp, bool advanced, bool dup)
{
	ref_seq_t ack = tp->snd_una;            /* already moved by this ACK */
	if (tp->frto == 1) {
		/* 2.1 step 2a: "If the acknowledgment is a duplicate ACK, OR the
		 * Acknowledgment field covers 'recover' but not more than 'recover', OR the
		 * acknowledgment does not acknowledge all of the data that was
		 * retransmitted in step 1, revert to the conventional RTO recovery" */
		if (dup || (advanced && (ref_seq_geq(ack, tp->frto_recover) ||
					 ref_seq_lt(ack, tp->frto_rexmit_end)))) {
			tp->frto = 0;
			return;
		}
		if (!advanced)
			return;         /* a window update only: still waiting */
		/* 2.1 step 2b: "transmit up to two new (previously unsent) segments and
		 * enter step 3 ... If the TCP sender does not have any new data to send,
		 * or the advertised window prohibits new transmissions, ... continue with
		 * slow start retransmissions" */
		ref_seq_t back = tp->snd_nxt;
		if (ref_send_new_segments(tp, 2) == 0) {
			tp->frto = 0;
			tp->snd_nxt = back;
			return;
		}
		tp->frto = 2;
		return;
	}
	if (tp->frto == 2) {
		if (dup) {
			/* 2.1 step 3a: "set the congestion window to no more than 3 * MSS,
			 * and continue with the slow start algorithm retransmitting
			 * unacknowledged segments" */
			tp->frto = 0;
			if (tp->cwnd > 3u * tp->snd_mss)
				tp->cwnd = 3u * tp->snd_mss;
			tp->snd_nxt = tp->snd_una;
			return;
		}
		if (advanced) {
			/* 2.1 step 3b: the ACK acknowledges data not retransmitted after
			 * the timeout: "declare the timeout spurious ... and set the value of
			 * the 'recover' variable to SND.UNA"; the rest of the window was
			 * not lost, so SND.NXT stays past the new data and nothing of it is
			 * sent again */
			tp->frto = 0;
			tp->recover = tp->snd_una;
			tp->loss_end = tp->snd_una;     /* nothing is counted lost any more */
			tp->st->stats.spurious_rtos++;
		}
	}
}
