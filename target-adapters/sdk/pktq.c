/* target-adapters/sdk/pktq.c: the outbound packet queue of tcpspec/plugin.h, for the
 * in-process targets and, in libtcpspec-plugin.a, plugins. */
#include <tcpspec/plugin.h>

#include <stdlib.h>
#include <string.h>

int target_pktq_push(struct target_pktq *q, int64_t t_ns, const uint8_t *data, size_t len)
{
	if (q->len == q->cap) {
		/* a stack rarely has more than a few packets waiting to be read: a small
		 * start (the queue goes with every open, for fuzz_stack every input) */
		size_t ncap = q->cap ? q->cap * 2 : 8;
		struct target_pktq_ent *n = malloc(ncap * sizeof *n);
		if (!n)
			return -1;
		for (size_t i = 0; i < q->len; i++)
			n[i] = q->q[(q->head + i) % q->cap];
		free(q->q);
		q->q = n;
		q->cap = ncap;
		q->head = 0;
	}
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return -1;
	memcpy(copy, data, len);
	q->q[(q->head + q->len) % q->cap] = (struct target_pktq_ent){ t_ns, len, copy };
	q->len++;
	return 0;
}

int target_pktq_pop(struct target_pktq *q, struct target_packet *pk)
{
	if (!q->len)
		return TARGET_TIMEOUT;
	struct target_pktq_ent *e = &q->q[q->head];
	pk->time_ns = e->t;
	pk->len = e->len <= sizeof pk->data ? e->len : sizeof pk->data;
	memcpy(pk->data, e->data, pk->len);
	free(e->data);
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return TARGET_OK;
}

void target_pktq_free(struct target_pktq *q)
{
	for (size_t i = 0; i < q->len; i++)
		free(q->q[(q->head + i) % q->cap].data);
	free(q->q);
	*q = (struct target_pktq){ 0 };
}
