/* refstack/seq.h: sequence number arithmetic modulo 2^32 (RFC 9293 3.4).
 *
 * A ref_seq_t is a point on the circle, a uint32_t is a length.  Compare and move
 * points only through these helpers, so that `seq + len` or `a < b` on sequence numbers
 * stands out on the page as a bug.  The comparisons are valid for distances below
 * 2^31, as RFC 9293 assumes (windows are at most 2^30, RFC 7323 2.3). */
#ifndef TCPSPEC_REFSTACK_SEQ_H
#define TCPSPEC_REFSTACK_SEQ_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t ref_seq_t;

/* a - b as a signed distance */
static inline int32_t ref_seq_diff(ref_seq_t a, ref_seq_t b)
{
	return (int32_t)(a - b);
}
static inline bool ref_seq_lt(ref_seq_t a, ref_seq_t b)  { return ref_seq_diff(a, b) < 0; }
static inline bool ref_seq_leq(ref_seq_t a, ref_seq_t b) { return ref_seq_diff(a, b) <= 0; }
static inline bool ref_seq_gt(ref_seq_t a, ref_seq_t b)  { return ref_seq_diff(a, b) > 0; }
static inline bool ref_seq_geq(ref_seq_t a, ref_seq_t b) { return ref_seq_diff(a, b) >= 0; }
static inline ref_seq_t ref_seq_add(ref_seq_t a, uint32_t len) { return a + len; }
static inline ref_seq_t ref_seq_sub(ref_seq_t a, uint32_t len) { return a - len; }
static inline ref_seq_t ref_seq_max(ref_seq_t a, ref_seq_t b) { return ref_seq_lt(a, b) ? b : a; }
static inline ref_seq_t ref_seq_min(ref_seq_t a, ref_seq_t b) { return ref_seq_lt(a, b) ? a : b; }
/* lo <= s < hi */
static inline bool ref_seq_in(ref_seq_t s, ref_seq_t lo, ref_seq_t hi)
{
	return ref_seq_leq(lo, s) && ref_seq_lt(s, hi);
}
/* the (non-negative) number of octets from a up to b; 0 when b is before a */
static inline uint32_t ref_seq_len(ref_seq_t a, ref_seq_t b)
{
	return ref_seq_lt(a, b) ? (uint32_t)(b - a) : 0;
}

#endif
