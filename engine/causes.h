/* Failures grouped by their first difference (engine/causes.c), for tcpspec report.
 * Not public. */
#ifndef TCPSPEC_ENGINE_CAUSES_H
#define TCPSPEC_ENGINE_CAUSES_H

#include <stddef.h>

#define ENGINE_CAUSE_EXAMPLES 3

struct engine_cause {
	char text[240];                 /* "packet: unexpected option wscale on a non-SYN segment" */
	size_t n;                       /* scripts */
	size_t ex[ENGINE_CAUSE_EXAMPLES];       /* the first ones' indices */
};

/* The cause of one failure: the first difference its message names, normalised so
 * that scripts that fail the same way read the same. */
void engine_failure_cause(char *buf, size_t cap, const char *msg);

/* The distinct causes of msg[0..n) (NULL entries left out), most scripts first;
 * free() the array.  NULL when out of memory. */
struct engine_cause *engine_failure_causes(const char *const *msg, size_t n, size_t *nout);

#endif
