/* refstack/sack.c: the sender's SACK scoreboard and the RFC 6675 routines over it
 * (Update, IsLost, SetPipe, NextSeg), and D-SACK (RFC 2883) on both sides.
 *
 * The scoreboard holds the SACKed ranges above SND.UNA, ascending and disjoint.  Every
 * octet of one hole (the unSACKed range below a SACKed one) has the same SACKed octets
 * above it, so IsLost() is decided per hole, not per octet. */
#include <string.h>

#include "refstack/ref_int.h"

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

void ref_sack_clear(struct ref_tcb *tp)
{
	tp->nsb = 0;
	tp->xflags &= ~XF_SACK_RECOVERY;
}

uint32_t ref_sack_sacked(const struct ref_tcb *tp)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < tp->nsb; i++)
		n += ref_seq_len(tp->sb[i].left, tp->sb[i].right);
	return n;
}

void ref_sack_trim(struct ref_tcb *tp)
{
	unsigned k = 0;
	for (unsigned i = 0; i < tp->nsb; i++) {
		struct ref_sack_block b = tp->sb[i];
		if (ref_seq_leq(b.right, tp->snd_una))
			continue;
		if (ref_seq_lt(b.left, tp->snd_una))
			b.left = tp->snd_una;
		tp->sb[k++] = b;
	}
	tp->nsb = k;
}

/* Add [l, r) to the scoreboard; true when it covers octets not SACKed before. */
static bool sb_add(struct ref_tcb *tp, ref_seq_t l, ref_seq_t r)
{
	for (unsigned i = 0; i < tp->nsb; i++)
		if (ref_seq_leq(tp->sb[i].left, l) && ref_seq_leq(r, tp->sb[i].right))
			return false;           /* nothing new */
	struct ref_sack_block all[REF_MAX_SB + 1];
	unsigned n = 0, i = 0;
	/* insert in order, then merge overlapping and adjacent ranges */
	while (i < tp->nsb && ref_seq_lt(tp->sb[i].left, l))
		all[n++] = tp->sb[i++];
	all[n].left = l;
	all[n++].right = r;
	while (i < tp->nsb)
		all[n++] = tp->sb[i++];
	unsigned k = 0;
	for (i = 0; i < n; i++) {
		if (k && ref_seq_leq(all[i].left, all[k - 1].right)) {
			if (ref_seq_gt(all[i].right, all[k - 1].right))
				all[k - 1].right = all[i].right;
			continue;
		}
		all[k++] = all[i];
	}
	if (k > REF_MAX_SB)
		k = REF_MAX_SB;         /* full: the highest range is forgotten */
	memcpy(tp->sb, all, k * sizeof all[0]);
	tp->nsb = k;
	return true;
}

/* RFC 6675 4 Update(), with RFC 2883 5: a first block below the cumulative ACK, or
 * inside the second block, reports a duplicate (D-SACK), not new data. */
bool ref_sack_update(struct ref_tcb *tp, const struct ref_segment *seg)
{
	unsigned n = seg->opt.nsack > REF_MAX_SACK ? REF_MAX_SACK : seg->opt.nsack;
	ref_seq_t low = ref_seq_gt(seg->ack, tp->snd_una) ? seg->ack : tp->snd_una;
	bool fresh = false;
	for (unsigned i = 0; i < n; i++) {
		ref_seq_t l = seg->opt.sack[i].left, r = seg->opt.sack[i].right;
		if (i == 0 && (ref_seq_leq(r, seg->ack) ||
			       (n > 1 && ref_seq_leq(seg->opt.sack[1].left, l) &&
				ref_seq_leq(r, seg->opt.sack[1].right)))) {
			tp->dsack_dups++;
			continue;
		}
		/* only octets sent and not yet cumulatively acknowledged */
		if (!ref_seq_lt(l, r) || ref_seq_gt(r, tp->snd_max))
			continue;
		if (ref_seq_lt(l, low))
			l = low;
		if (!ref_seq_lt(l, r))
			continue;
		fresh |= sb_add(tp, l, r);
	}
	return fresh;
}

/* IsLost() for the hole below scoreboard range i: DupThresh discontiguous SACKed
 * ranges above it, or more than (DupThresh - 1) * SMSS octets SACKed above it. */
static bool hole_lost(const struct ref_tcb *tp, unsigned i)
{
	if (tp->nsb - i >= REF_DUPTHRESH)
		return true;
	uint32_t above = 0;
	for (unsigned j = i; j < tp->nsb; j++)
		above += ref_seq_len(tp->sb[j].left, tp->sb[j].right);
	return above > (REF_DUPTHRESH - 1) * (uint32_t)tp->snd_mss;
}

bool ref_sack_is_lost(const struct ref_tcb *tp, ref_seq_t seq)
{
	for (unsigned i = 0; i < tp->nsb; i++) {
		if (ref_seq_lt(seq, tp->sb[i].left))
			return hole_lost(tp, i);
		if (ref_seq_lt(seq, tp->sb[i].right))
			return false;           /* SACKed itself */
	}
	return false;                   /* nothing SACKed above it */
}

/* SetPipe(): for each octet between HighACK and HighData that is not SACKed, one if
 * it is not lost, one more if it was retransmitted (below HighRxt). */
uint32_t ref_sack_pipe(const struct ref_tcb *tp)
{
	uint32_t pipe = 0;
	ref_seq_t a = tp->snd_una;
	for (unsigned i = 0; i <= tp->nsb; i++) {
		ref_seq_t b = i < tp->nsb ? tp->sb[i].left : tp->snd_max;
		if (ref_seq_lt(a, b)) {
			uint32_t n = ref_seq_len(a, b);
			if (i == tp->nsb || !hole_lost(tp, i))
				pipe += n;
			if (ref_seq_gt(tp->high_rxt, a))
				pipe += min32(n, ref_seq_len(a, tp->high_rxt));
		}
		if (i < tp->nsb && ref_seq_gt(tp->sb[i].right, a))
			a = tp->sb[i].right;
	}
	return pipe;
}

/* NextSeg() (RFC 6675 4): rule (1) the lowest unSACKed octet above HighRxt that is
 * lost, below the highest SACKed octet; rule (3) the same without the loss test.  At
 * most SMSS octets, never into SACKed data. */
bool ref_sack_next_hole(const struct ref_tcb *tp, bool lost, ref_seq_t *seq, uint32_t *len)
{
	ref_seq_t a = tp->snd_una;
	for (unsigned i = 0; i < tp->nsb; i++) {
		ref_seq_t b = tp->sb[i].left;
		ref_seq_t s = ref_seq_gt(tp->high_rxt, a) ? tp->high_rxt : a;
		if (ref_seq_lt(s, b) && (!lost || hole_lost(tp, i))) {
			*seq = s;
			*len = min32(ref_seq_len(s, b), tp->snd_mss);
			return true;
		}
		a = tp->sb[i].right;
	}
	return false;
}

uint32_t ref_sack_count_segs(const struct ref_tcb *tp, ref_seq_t from, ref_seq_t to,
			     bool lost_only)
{
	uint32_t segs = 0, mss = tp->snd_mss ? tp->snd_mss : 536;
	ref_seq_t a = tp->snd_una;
	for (unsigned i = 0; i <= tp->nsb; i++) {
		ref_seq_t b = i < tp->nsb ? tp->sb[i].left : tp->snd_max;
		ref_seq_t l = ref_seq_gt(from, a) ? from : a;
		ref_seq_t r = ref_seq_lt(to, b) ? to : b;
		if (ref_seq_lt(l, r) && (!lost_only || (i < tp->nsb && hole_lost(tp, i))))
			segs += (ref_seq_len(l, r) + mss - 1) / mss;
		if (i < tp->nsb && ref_seq_gt(tp->sb[i].right, a))
			a = tp->sb[i].right;
	}
	return segs;
}

/* RFC 2883 4: the first SACK block of the next ACK reports the duplicate. */
void ref_dsack_note(struct ref_tcb *tp, ref_seq_t left, ref_seq_t right)
{
	if (!(tp->flags & TF_SACK_OK) || !tp->st->cfg.dsack || !ref_seq_lt(left, right))
		return;
	/* RFC 2883 4 (1): the block reports "a duplicate contiguous sequence of data
	 * received ... in the most recent packet"; a packet that repeats several (a
	 * retransmission over data held below and above RCV.NXT) reports the first one
	 * it met, the lowest, as Linux and FreeBSD do */
	if ((tp->xflags & XF_DSACK) && tp->dsack_seg == tp->st->stats.segs_in)
		return;
	tp->dsack_seg = tp->st->stats.segs_in;
	/* and it is of use only on the ACK of that packet: a delayed ACK would carry it
	 * after the next packet, where (1) no longer holds, so the ACK goes at once */
	tp->flags |= TF_ACKNOW;
	tp->dsack.left = left;
	tp->dsack.right = right;
	tp->xflags |= XF_DSACK;
}
