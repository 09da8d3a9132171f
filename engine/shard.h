/* Sharding a run across machines (tcpspec run --shard K/N) and the progress line a
 * long run shows on a terminal.  Not public. */
#ifndef TCPSPEC_ENGINE_SHARD_H
#define TCPSPEC_ENGINE_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/strv.h"

/* "K/N" with 1 <= K <= N <= 10000: 0, or -1 when s is not that. */
int engine_shard_parse(const char *s, unsigned *k, unsigned *n);

/* Which of N shares (0-based) a script belongs to: a hash of its path relative to
 * root, the file or directory named on the command line (a file given by itself
 * counts by its base name).  Scripts added or removed elsewhere never move a script
 * from one share to another, and the same tree checked out anywhere splits the same. */
unsigned engine_shard_of(const char *root, const char *path, unsigned n);

/* Of the entries [from, to) of s keep only those of share k (1-based) of n, relative
 * to root, in order; the others are freed and the entries after `to` move up.  Returns
 * the new end of the range. */
size_t engine_shard_filter(struct engine_strv *s, size_t from, size_t to, const char *root,
			   unsigned k, unsigned n);

/* The progress line: "[ 123/435] 2 failed  0:12 elapsed, about 0:31 left" redrawn in
 * place on f (a terminal), at most ten times a second.  Lines printed to the same
 * terminal go through engine_progress_clear() first. */
struct engine_progress {
	FILE *f;                    /* NULL: off */
	size_t total, done, failed;
	int64_t start_ms, drawn_ms;
	bool shown;
};

/* On when f is a terminal (and TERM is not "dumb"); off otherwise. */
void engine_progress_init(struct engine_progress *p, FILE *f, size_t total);
void engine_progress_update(struct engine_progress *p, size_t done, size_t failed);
void engine_progress_clear(struct engine_progress *p);
/* The text of the line for the given figures, for tests (no terminal needed). */
void engine_progress_format(char *buf, size_t cap, size_t done, size_t total, size_t failed,
			    int64_t elapsed_ms);

#endif
