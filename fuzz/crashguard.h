/* fuzz/crashguard.h: known crashes of the stack under test set aside while fuzzing.
 *
 * A crash of the stack itself (an lwIP assertion, a sanitizer report, a plugin that
 * aborts) ends the process: in libFuzzer's fork mode every one restarts a job, and a
 * shallow one takes most of the campaign's time.  An oracle's finding can be set aside
 * (fuzz_set_aside) because the driver sees it coming; a crash cannot, so the guard
 * tries the record first in a child process.
 *
 * TCPSPEC_FUZZ_CRASH_FILE names a file of known crashes, one a line:
 *     CONTEXT<TAB>TEXT[<TAB>TEXT...]
 * CONTEXT is a record's context as cg_context writes it (the record's kind, a call's
 * kind or a segment's flags, the twin's state; TCPSPEC_FUZZ_CONTEXT=1 prints each record's before it is played, so
 * the last one printed before a crash is the crashing record's); each TEXT must appear
 * in what the crash printed (the assertion line, the sanitizer's error and frames).
 * CONTEXT may also be a pattern, "seg mask=0xMM value=0xVV": any segment whose flags
 * ANDed with MM are VV, whatever the state (the campaign writes one when a crash was
 * met at several segments' contexts: the flag bits they all share).  A context or
 * pattern that, after 50 tries in a process, found its crash in fewer than a tenth
 * stops matching (the crash then ends the process again).
 * A context or pattern whose records crashed in at least 95% of 50 tries or more is
 * taken as sure: 15 of 16 of its records end the input without a child (the 16th is
 * still tried, keeping the rate).  Those records are not played: a harmless one among
 * them (at most about one in twenty) hides what would have followed it.
 * Before a record whose context is listed, the driver forks: the child plays that one
 * record and exits.  When the child dies printing every TEXT of a listed line, the
 * input ends there without a crash (the crash is known); otherwise (the record is
 * harmless, or the crash is another one) the process plays the record itself, as
 * without the guard, so that a new crash is still a crash.  This relies on the stack
 * under test being deterministic (virtual time): a stack whose threads survive no
 * fork (Go's runtime) makes the child time out, and the guard turns itself off. */
#ifndef TCPSPEC_FUZZ_CRASHGUARD_H
#define TCPSPEC_FUZZ_CRASHGUARD_H

#include <stdbool.h>
#include <stddef.h>

#include "fuzz/stackdrv.h"

/* The context of record r about to be played by d, in out */
void cg_context(const struct sd *d, const struct fuzz_rec *r, char *out, size_t n);
/* Before record r: true when r reaches a known crash (the input must end here).  In
 * the child that tries the record it returns false and cg_after ends the child. */
bool cg_before(const struct sd *d, const struct fuzz_rec *r);
/* After a record: in the child, exits */
void cg_after(void);
/* what the guard did so far (for TCPSPEC_FUZZ_STATS) */
void cg_stats(unsigned long *probes, unsigned long *stopped, unsigned long *untried);

#endif
