/* Options a stack offers on some connections and withholds on others, found across
 * the scripts of one report (engine/offers.c).  Not public. */
#ifndef TCPSPEC_ENGINE_OFFERS_H
#define TCPSPEC_ENGINE_OFFERS_H

#include <stdio.h>

#include "engine/engine.h"

#define ENGINE_OFFER_MAX_GAPS 24

/* One option the stack offered in some scripts' handshake segment (its SYN, or its
 * SYN,ACK) and left out of one kind of handshake segment in others', where it was as
 * free to offer it (its SYN; its SYN,ACK to a script SYN that offered it), no shell
 * line in either. */
struct engine_offer_gap {
	const char *feature;        /* "SACK", "window scaling", "timestamps" */
	unsigned bit;               /* its ENGINE_SYNOPT_* bit */
	int segment;                /* where it was left out: 0 the stack's SYN, 1 its SYN,ACK */
	unsigned segments;          /* where it was offered: bit 0 SYN, bit 1 SYN,ACK */
	size_t offered, withheld;   /* scripts of each kind */
	size_t not_applicable;      /* withheld ones reported "not applicable" */
	size_t first_offered, first_withheld;   /* job indexes, a withheld NA first */
};

/* The gaps among jobs[0..n) (at most cap), most "not applicable" verdicts first. */
size_t engine_offer_gaps(const struct engine_job *jobs, size_t n, struct engine_offer_gap *g,
			 size_t cap);

/* The gap that makes job j's "not applicable: the stack did not offer X" suspect, or
 * NULL when it is none's. */
const struct engine_offer_gap *engine_offer_suspect(const struct engine_job *j,
						    const struct engine_offer_gap *g, size_t ng);

/* "SACK offered in 12 scripts (in its SYN, e.g. A) but left out of its SYN,ACK in 3
 * where the script's SYN offered it (3 of them "not applicable", e.g. B)", into buf. */
void engine_offer_gap_text(char *buf, size_t cap, const struct engine_offer_gap *g,
			   const struct engine_job *jobs);

#endif
