/* The outbound packet queue of an in-process target: what the stack sent, in order,
 * with the (virtual) time it was sent, until the engine takes it (next_outbound). */
#ifndef TARGET_PKTQ_H
#define TARGET_PKTQ_H

#include <stddef.h>
#include <stdint.h>

#include "target-adapters/target.h"

struct target_pktq {
	struct target_pktq_ent {
		int64_t t;
		size_t len;
		uint8_t *data;
	} *q;
	size_t head, len, cap;     /* a ring of cap entries, len of them from head */
};

/* Append a copy of len bytes sent at t_ns; 0, or -1 when out of memory (nothing kept). */
int target_pktq_push(struct target_pktq *q, int64_t t_ns, const uint8_t *data, size_t len);
/* Take the oldest packet into *pk (cut to its buffer): TARGET_OK, or TARGET_TIMEOUT when
 * the queue is empty. */
int target_pktq_pop(struct target_pktq *q, struct target_packet *pk);
/* Free every queued packet and the ring; the queue is empty and usable afterwards. */
void target_pktq_free(struct target_pktq *q);

#endif
