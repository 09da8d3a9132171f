/* target-adapters/reference.h: what the reference target offers beyond target.h, for
 * the layers above that compare another stack with it (fuzz/stackdrv.c reads the
 * reference stack's verdict on each segment and its connection states). */
#ifndef TCPSPEC_TARGET_REFERENCE_H
#define TCPSPEC_TARGET_REFERENCE_H

#include "refstack/ref.h"
#include "target-adapters/target.h"

/* The stack behind an open reference target; NULL for any other target. */
struct ref_stack *target_reference_stack(struct target *t);

#endif
