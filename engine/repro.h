/* engine/repro.h: the script and test-case writers of `tcpspec repro` (repro_stack.c). */
#ifndef TCPSPEC_ENGINE_REPRO_H
#define TCPSPEC_ENGINE_REPRO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A fuzz_stack input against the stack spec: the twin's behaviour as a script.  The
 * stack under test gets secs seconds to play the input (longer is a hang finding); then
 * (if not NULL) is called before the rest, the reference stack's replay. */
int repro_fuzz_stack(const char *input, const uint8_t *data, size_t size, const char *spec,
		     FILE *f, unsigned secs, void (*then)(void));
/* fuzz_script: the script itself; the wire targets: a one-packet pcap.  CLI_UNSUPPORTED
 * for another target. */
int repro_other(const char *target, const uint8_t *data, size_t size, FILE *f);

#endif
