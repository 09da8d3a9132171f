/* "Did you mean ...?": the closest name of a list to a misspelt one, by edit distance.
 * Shared by every layer that reports an unknown name (option names here, system calls,
 * symbols and targets in the engine), so they all suggest the same way. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dsl/dsl.h"

/* Optimal string alignment distance (Levenshtein plus adjacent transposition, "raed" ->
 * "read" is one edit), letters compared without case and with '-' equal to '_'; stops
 * counting past limit (returns limit + 1). */
static int fold(int c)
{
	return c == '-' ? '_' : tolower(c);
}

int dsl_edit_distance(const char *a, const char *b, int limit)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 63 || m > 63)
		return limit + 1;
	if ((int)(n > m ? n - m : m - n) > limit)
		return limit + 1;
	int d[64][64];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		int best = limit + 1;
		for (size_t j = 1; j <= m; j++) {
			int cost = fold((unsigned char)a[i - 1]) != fold((unsigned char)b[j - 1]);
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && fold((unsigned char)a[i - 1]) == fold((unsigned char)b[j - 2]) &&
			    fold((unsigned char)a[i - 2]) == fold((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return d[n][m] <= limit ? d[n][m] : limit + 1;
}

/* A name is close enough to suggest when at most a third of it (at least one letter,
 * at most three) differs: "raed" -> "read", "SOCK_STRAEM" -> "SOCK_STREAM", "linx" ->
 * "linux", but "frob" suggests nothing. */
static int limit_for(const char *name)
{
	size_t n = strlen(name);
	int l = (int)(n / 3);
	return l < 1 ? 1 : l > 3 ? 3 : l;
}

void dsl_suggest_init(struct dsl_suggest *s, const char *name)
{
	s->name = name;
	s->best = NULL;
	s->dist = limit_for(name) + 1;
}

void dsl_suggest_offer(struct dsl_suggest *s, const char *candidate)
{
	if (!candidate || !strcmp(candidate, s->name))
		return;
	int d = dsl_edit_distance(s->name, candidate, s->dist - 1);
	if (d < s->dist) {
		s->dist = d;
		s->best = candidate;
	}
}

const char *dsl_suggest_hint(const struct dsl_suggest *s, char *buf, size_t cap)
{
	if (!s->best || !cap)
		return cap ? (buf[0] = 0, buf) : "";
	snprintf(buf, cap, "; did you mean %s?", s->best);
	return buf;
}
