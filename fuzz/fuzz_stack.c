/* fuzz_stack: stateful, differential fuzzing of any in-process virtual-time stack.
 *
 * TCPSPEC_FUZZ_TARGET names the stack under test: reference (the default), lwip or
 * plugin:PATH.so.  Each input is a list of records (fuzz/stackdrv.h: fuzz_refstack's,
 * plus malformed segments) played from fresh stacks into it and, in lock step, into
 * the reference stack (the twin).  The oracles of stackdrv.h hold for any stack; a
 * violation aborts with "fuzz_stack: violated: [ORACLE] ... (record N)", which the
 * campaign script groups findings by and `tcpspec repro fuzz_stack` turns into a script.
 *
 * Feedback: libFuzzer extra counters for (the twin's state, segment class, the reply
 * class of the stack under test) and (the twin's state before and after), so that a new
 * way for the stack under test to answer counts as coverage even when its code is not
 * instrumented (a plugin built without -fsanitize=fuzzer-no-link, Debian's liblwip).
 * fuzz_stack_lwip is this target with lwip as the default stack and a twin built
 * without coverage (fuzz/module.mk): for any stack but reference, the twin's edges are
 * only cost, and fuzz_stack_lwip is the faster, better-guided choice (plugins too).
 *
 * TCPSPEC_FUZZ_IGNORE=ORACLE[,ORACLE...] and the signatures listed in the file
 * TCPSPEC_FUZZ_IGNORE_FILE set known findings aside (fuzz_set_aside): an input that
 * breaks one ends there without a crash, and fuzzing goes on.  A finding prints its
 * signature ("fuzz_stack: signature: [ORACLE] message with numbers as N").
 * TCPSPEC_FUZZ_STATS=1 prints at exit the counters reached and the divergences counted
 * (SHOULD or open choices) and reported (MUST).
 * TCPSPEC_FUZZ_STRICT=1 makes every divergence a finding ("[open-choice]"): with
 * TCPSPEC_FUZZ_ONLY=none (every finding set aside) what crashes is a crash the stack
 * under test reaches doing what the twin did up to there, so that the crash's repro
 * script passes on the stack until the crash. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/crashguard.h"
#include "fuzz/stackdrv.h"
#include "refstack/ref.h"

#ifndef TCPSPEC_FUZZ_DEFAULT_TARGET
#define TCPSPEC_FUZZ_DEFAULT_TARGET "reference"     /* fuzz_stack_lwip: "lwip" */
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define COUNTERS __attribute__((used, section("__libfuzzer_extra_counters")))
COUNTERS static uint8_t fb_reply[REF_NSTATES][SD_NCLASS][64];
COUNTERS static uint8_t fb_trans[REF_NSTATES][REF_NSTATES];
COUNTERS static uint8_t fb_call[FUZZ_NCALLS][4][4];
static uint8_t seen_reply[REF_NSTATES][SD_NCLASS][64], seen_trans[REF_NSTATES][REF_NSTATES];
static int stats;
static unsigned long nignored;

static struct sd drv;
static jmp_buf known_crash;     /* the crash guard ends an input before a known crash */

static void before(void *ctx, struct sd *d, const struct fuzz_rec *r)
{
	(void)ctx;
	if (cg_before(d, r))
		longjmp(known_crash, 1);
}

static int ret_class(long v)
{
	return v > 0 ? 0 : v == 0 ? 1 : v == -11 ? 2 : 3;      /* -EAGAIN */
}

static void after(void *ctx, struct sd *d, const struct fuzz_rec *r)
{
	int ps = d->prev_twin_state % REF_NSTATES, ns = d->twin_state % REF_NSTATES;

	(void)ctx;
	cg_after();
	fb_trans[ps][ns]++;
	if (r->kind == FUZZ_REC_SEG) {
		int c = sd_seg_class(d, &d->last_in) % SD_NCLASS;
		fb_reply[ps][c][d->side[SD_TUT].reply & 63]++;
		if (stats)
			seen_reply[ps][c][d->side[SD_TUT].reply & 63] = 1;
	} else if (r->kind == FUZZ_REC_CALL) {
		fb_call[r->call % FUZZ_NCALLS][ret_class(d->side[SD_TUT].ret)]
		       [ret_class(d->side[SD_TWIN].ret)]++;
	}
	if (stats)
		seen_trans[ps][ns] = 1;
}

/* TCPSPEC_FUZZ_TRACE=1: every packet and call on stderr (for reading one input) */
static void tr_in(void *ctx, struct sd *d, const struct sd_in *in)
{
	(void)ctx;
	fprintf(stderr, "%d  < flags %02x seq %u ack %u%s win %u len %u%s res %d doff %d\n",
		d->record + 1, in->flags, in->seq, in->ack_rel, in->ack_abs ? "!" : "", in->win,
		in->len, in->csum_bad ? " csum-bad" : "", in->res, in->doff);
}

static void tr_out(void *ctx, struct sd *d, int side, const struct sd_seg *g)
{
	const struct sd_side *s = &d->side[side];

	(void)ctx;
	fprintf(stderr, "%d  > %-9.9s flags %02x seq %u ack %u win %u len %u\n", d->record + 1,
		s->name, g->flags, s->has_conn ? g->seq - s->iss : g->seq, g->ack, g->win, g->len);
}

static void tr_after(void *ctx, struct sd *d, const struct fuzz_rec *r)
{
	after(ctx, d, r);
	fprintf(stderr, "%d  = kind %d call %d reply %x/%x ret %ld/%ld state %d/%d twin %d reason %d\n",
		d->record + 1, r->kind, r->call, d->side[0].reply, d->side[1].reply, d->side[0].ret,
		d->side[1].ret, d->side[0].state, d->side[1].state, d->twin_state, d->twin_reason);
}

static const struct sd_hooks hooks = { .record = before, .after = after };
static const struct sd_hooks trace_hooks = { .record = before, .in = tr_in, .out = tr_out,
					     .after = tr_after };

static unsigned count(const uint8_t *p, size_t n)
{
	unsigned k = 0;

	while (n--)
		k += *p++ != 0;
	return k;
}

static void print_stats(void)
{
	unsigned long probes, stopped, untried;

	cg_stats(&probes, &stopped, &untried);
	fprintf(stderr, "fuzz_stack: crash guard: %lu record(s) tried in a child, %lu input(s) "
		"ended before a known crash (%lu untried)\n", probes, stopped, untried);
	fprintf(stderr, "fuzz_stack: target %s: (state, segment class, reply) %u/%u, state "
		"transitions %u/%u; divergences counted %llu, reported %llu; findings set "
		"aside %lu\n", drv.tut_spec,
		count(&seen_reply[0][0][0], sizeof seen_reply), (unsigned)sizeof seen_reply,
		count(&seen_trans[0][0], sizeof seen_trans), (unsigned)sizeof seen_trans,
		(unsigned long long)drv.ndiverge_counted, (unsigned long long)drv.ndiverge_must,
		nignored);
}


int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *spec = getenv("TCPSPEC_FUZZ_TARGET");

	(void)argc; (void)argv;
	if (!spec || !*spec)
		spec = TCPSPEC_FUZZ_DEFAULT_TARGET;
	if (!sd_init(&drv, spec, getenv("TCPSPEC_FUZZ_TRACE") ? &trace_hooks : &hooks, NULL))
		exit(3);
	sd_free(&drv);          /* opened (or reset in place) per input */
	stats = getenv("TCPSPEC_FUZZ_STATS") != NULL;
	if (stats)
		atexit(print_stats);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool found;

	if (setjmp(known_crash)) {      /* between two records: the stacks are whole */
		sd_end(&drv);
		return 0;
	}
	found = sd_run(&drv, data, size);
	sd_end(&drv);           /* the reference stack stays open, emptied */
	if (found) {
		char full[512], sig[512];
		snprintf(full, sizeof full, "[%s] %s", drv.finding.oracle, drv.finding.msg);
		fuzz_signature(full, sig, sizeof sig);
		if (fuzz_set_aside(sig)) {
			nignored++;
			return 0;
		}
		fprintf(stderr, "fuzz_stack: violated: %s (record %d)\n"
			"fuzz_stack: signature: %s\n", full, drv.finding.record + 1, sig);
		abort();
	}
	return 0;
}
