/* refstack/buf.c: byte rings for the send and receive queues.  A ring grows on demand
 * (doubling) so that idle connections hold no buffer memory. */
#include <stdlib.h>
#include <string.h>

#include "refstack/ref_int.h"

uint32_t ref_ring_cap_for(uint32_t cap, uint32_t need)
{
	if (need <= cap)
		return cap;
	uint32_t c = cap ? cap : 2048;
	while (c < need)
		c *= 2;
	return c;
}

int ref_ring_reserve(struct ref_ring *r, uint32_t need)
{
	if (need <= r->cap)
		return 0;
	uint32_t cap = ref_ring_cap_for(r->cap, need);
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

/* The receive queue holds octets from its head up to its limit, rcvbuf rounded up as a
 * ring reserving all of it would be (the largest so far), but is allocated only as far
 * as octets reach: a connection that receives little holds little (a reservation of the
 * whole buffer up front was 64-128 KB for every connection that got any data, and under
 * ASan fresh memory each time). */
uint32_t ref_rcvq_limit(struct ref_tcb *tp)
{
	tp->rcvq_bound = ref_ring_cap_for(tp->rcvq_bound, tp->rcvbuf);
	return tp->rcvq_bound;
}

/* Room for len octets at offset off (below the limit) from the receive queue's head: how
 * many fit, reserved; UINT32_MAX when out of memory. */
uint32_t ref_rcvq_room(struct ref_tcb *tp, uint32_t off, uint32_t len)
{
	uint32_t lim = ref_rcvq_limit(tp);

	if (len > lim - off)
		len = lim - off;
	return ref_ring_reserve(&tp->rcvq, off + len) < 0 ? UINT32_MAX : len;
}
