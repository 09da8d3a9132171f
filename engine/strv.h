/* A growable vector of owned strings, for the commands that gather script paths
 * (tcpspec run, tcpspec report).  Not public. */
#ifndef TCPSPEC_ENGINE_STRV_H
#define TCPSPEC_ENGINE_STRV_H

#include <stddef.h>

struct engine_strv {
	char **v;
	size_t n, cap;
};

/* Append a copy of s: 0, or -1 when out of memory (the vector is left as it was). */
int engine_strv_add(struct engine_strv *s, const char *x);
/* Sort by strcmp (byte order, so the run order does not depend on the locale). */
void engine_strv_sort(struct engine_strv *s);
/* Free the strings and the array; the vector is empty and reusable afterwards. */
void engine_strv_free(struct engine_strv *s);

/* Append path to s if it is a file; if it is a directory, append every *.pkt below it
 * (hidden entries skipped, at most 32 levels deep), each directory in byte order.
 * A broken symbolic link below it is an error; a directory or script reached a
 * second time through links (a loop) is taken once, with a note on stderr.
 * Errors are printed as "WHO: PATH: reason"; returns 0, or -1 on any error. */
int engine_collect_scripts(struct engine_strv *s, const char *path, const char *who);

#endif
