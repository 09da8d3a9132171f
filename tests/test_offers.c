/* engine/offers.c: an option a stack offers in some scripts' handshake and leaves out
 * in others (where it was as free to offer it) is a gap, and the "not applicable"
 * verdicts in it are suspect; a stack that never offers it, a SYN,ACK to a SYN that
 * did not ask, and a script with a shell line are no evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine/engine_int.h"
#include "engine/offers.h"

#define SACK ENGINE_SYNOPT_SACK_PERM
#define WS ENGINE_SYNOPT_WSCALE
#define MSS ENGINE_SYNOPT_MSS

/* a finished job whose stack sent a SYN (k 0) or a SYN,ACK (k 1) with these options */
static struct engine_job job(const char *path, int k, unsigned sent, unsigned asked,
			     const char *na)
{
	struct engine_job j;
	memset(&j, 0, sizeof j);
	j.path = path;
	j.state = ENGINE_JOB_DONE;
	j.res.verdict = na ? ENGINE_SKIP : ENGINE_PASS;
	if (na)
		snprintf(j.res.message, sizeof j.res.message,
			 "%s:9: not applicable: the stack did not offer %s", path, na);
	j.res.offer[k].seen = true;
	j.res.offer[k].sent = sent;
	j.res.offer[k].asked = asked;
	return j;
}

static void dropped_on_some_passive_opens(void **state)
{
	(void)state;
	struct engine_job j[5] = {
		job("a.pkt", 1, MSS | SACK | WS, MSS | SACK | WS, NULL),
		job("b.pkt", 1, MSS, MSS | SACK | WS, "SACK"),     /* dropped: suspect */
		job("c.pkt", 1, MSS, MSS | SACK | WS, NULL),
		job("d.pkt", 1, MSS, MSS, NULL),                   /* not asked: no evidence */
		job("e.pkt", 0, MSS | SACK, 0, NULL),
	};
	struct engine_offer_gap g[ENGINE_OFFER_MAX_GAPS];
	size_t ng = engine_offer_gaps(j, 5, g, ENGINE_OFFER_MAX_GAPS);
	/* SACK and window scaling left out of SYN,ACKs, window scaling out of e's SYN */
	assert_int_equal(ng, 3);
	assert_string_equal(g[0].feature, "SACK");   /* the one with a hidden verdict */
	assert_int_equal(g[0].segment, 1);
	assert_int_equal(g[0].offered, 2);     /* a's SYN,ACK and e's SYN */
	assert_int_equal(g[0].segments, 3);
	assert_int_equal(g[0].withheld, 2);    /* b and c; d did not ask */
	assert_int_equal(g[0].not_applicable, 1);
	assert_string_equal(j[g[0].first_withheld].path, "b.pkt");
	assert_ptr_equal(engine_offer_suspect(&j[1], g, ng), &g[0]);
	assert_null(engine_offer_suspect(&j[2], g, ng));
	char text[512];
	engine_offer_gap_text(text, sizeof text, &g[0], j);
	assert_non_null(strstr(text, "SACK offered in 2 scripts (in its SYN and SYN,ACK, e.g. "
				     "a.pkt) but left out of its SYN,ACK in 2 where the script's "
				     "SYN offered it (1 of them \"not applicable\", e.g. b.pkt)"));
}

static void consistent_stacks_have_no_gap(void **state)
{
	(void)state;
	/* never offers SACK: not applicable is its choice */
	struct engine_job never[2] = {
		job("a.pkt", 1, MSS | WS, MSS | SACK | WS, "SACK"),
		job("b.pkt", 0, MSS | WS, 0, "SACK"),
	};
	struct engine_offer_gap g[ENGINE_OFFER_MAX_GAPS];
	assert_int_equal(engine_offer_gaps(never, 2, g, ENGINE_OFFER_MAX_GAPS), 0);
	/* a shell line (a setting turned SACK off) is no evidence */
	struct engine_job set[2] = {
		job("a.pkt", 1, MSS | SACK, MSS | SACK, NULL),
		job("b.pkt", 1, MSS, MSS | SACK, "SACK"),
	};
	set[1].res.shell = true;
	assert_int_equal(engine_offer_gaps(set, 2, g, ENGINE_OFFER_MAX_GAPS), 0);
	assert_null(engine_offer_suspect(&set[1], g, 0));
	/* a run that did not finish is left out */
	set[1].res.shell = false;
	set[1].state = ENGINE_JOB_INTERRUPTED;
	assert_int_equal(engine_offer_gaps(set, 2, g, ENGINE_OFFER_MAX_GAPS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dropped_on_some_passive_opens),
		cmocka_unit_test(consistent_stacks_have_no_gap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
