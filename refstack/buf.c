/* refstack/buf.c: byte rings for the send and receive queues.  A ring grows on demand
 * (doubling) so that idle connections hold no buffer memory. */
#include <stdlib.h>
#include <string.h>

#include "refstack/ref_int.h"

int ref_ring_reserve(struct ref_ring *r, uint32_t need)
{
	if (need <= r->cap)
		return 0;
	uint32_t cap = r->cap ? r->cap : 2048;
	while (cap < need)
		cap *= 2;
	uint8_t *nb = malloc(cap);
	if (!nb)
		return -1;
	if (r->buf) {
		/* linearize the old contents (everything up to the old capacity) */
		uint32_t first = r->cap - r->head;
		memcpy(nb, r->buf + r->head, first);
		memcpy(nb + first, r->buf, r->head);
		free(r->buf);
	}
	r->buf = nb;
	r->cap = cap;
	r->head = 0;
	return 0;
}

void ref_ring_put(struct ref_ring *r, uint32_t off, const uint8_t *src, uint32_t n)
{
	if (!n || !r->cap)
		return;
	uint32_t pos = (r->head + off) % r->cap;
	uint32_t first = r->cap - pos < n ? r->cap - pos : n;
	if (src) {
		memcpy(r->buf + pos, src, first);
		memcpy(r->buf, src + first, n - first);
	} else {
		memset(r->buf + pos, 0, first);
		memset(r->buf, 0, n - first);
	}
}

void ref_ring_get(const struct ref_ring *r, uint32_t off, uint8_t *dst, uint32_t n)
{
	if (!n || !r->cap)
		return;
	uint32_t pos = (r->head + off) % r->cap;
	uint32_t first = r->cap - pos < n ? r->cap - pos : n;
	memcpy(dst, r->buf + pos, first);
	memcpy(dst + first, r->buf, n - first);
}

void ref_ring_consume(struct ref_ring *r, uint32_t n)
{
	if (n > r->len)
		n = r->len;
	if (r->cap)
		r->head = (r->head + n) % r->cap;
	r->len -= n;
}

void ref_ring_free(struct ref_ring *r)
{
	free(r->buf);
	memset(r, 0, sizeof *r);
}
