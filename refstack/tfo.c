/* refstack/tfo.c: TCP Fast Open (RFC 7413).
 *
 * Server: a listener with TCP_FASTOPEN (and net.ipv4.tcp_fastopen & 2) answers a SYN
 * carrying a Fast Open option: an empty option (a cookie request) or a wrong cookie
 * gets the right cookie in the SYN-ACK and the SYN's data is not taken (4.2.2); a
 * valid cookie makes the connection a Fast Open one: the SYN's data is acknowledged by
 * the SYN-ACK, readable at once, and accept() returns the connection before the
 * handshake completes (4.2.2).  The cookie is a MAC of the client's IP address under
 * the stack's key (4.1.2), so runs with the same key give the same bytes; it is made
 * as Linux makes it (SipHash-2-4 of the SYN's source and destination addresses, the
 * 64-bit result little-endian), so with the same key (net.ipv4.tcp_fastopen_key) both
 * stacks give the same cookie.
 *
 * Client: cookies learnt from SYN-ACKs are cached by server address (4.1.3); the
 * socket layer's MSG_FASTOPEN puts data on the SYN when a cookie is known. */
#include <errno.h>
#include <string.h>

#include "refstack/ref_int.h"

void ref_tfo_cookie(const struct ref_stack *st, const uint8_t key[16],
		    const struct ref_addr *peer, const struct ref_addr *local,
		    uint8_t out[REF_TFO_COOKIE])
{
	uint8_t msg[32];
	size_t n = peer->family == REF_AF_INET6 ? 16 : 4;
	memcpy(msg, peer->a, n);
	memcpy(msg + n, local->a, n);
	uint64_t h = ref_siphash24(key ? key : st->cfg.fastopen_key, msg, 2 * n);
	for (int i = 0; i < REF_TFO_COOKIE; i++)
		out[i] = (uint8_t)(h >> (8 * i));
}

void ref_tfo_cookie_for(const struct ref_stack *st, const struct ref_addr *peer,
			const struct ref_addr *local, uint8_t out[REF_TFO_COOKIE])
{
	ref_tfo_cookie(st, NULL, peer, local, out);
}

/* TCP_FASTOPEN_KEY (Linux): the listener's own cookie secret, 16 bytes, or 32 for a
 * primary and a backup key; cookies are made with the primary and accepted under
 * either, so a server can change its secret (RFC 7413 4.1.2: "the server can change
 * the secret key regularly") without refusing cookies it gave out just before.  Any
 * other length is EINVAL, as Linux. */
int ref_tfo_set_key(struct ref_tcb *tp, const void *val, unsigned len)
{
	if (!val || (len != 16 && len != 32))
		return -EINVAL;
	memcpy(tp->fo_key, val, len);
	tp->fo_nkeys = (uint8_t)(len / 16);
	return 0;
}

/* getsockopt(TCP_FASTOPEN_KEY): the keys in use, the socket's or else the stack's (as
 * Linux, which falls back to the namespace's), cut to the caller's length. */
int ref_tfo_get_key(const struct ref_tcb *tp, void *val, unsigned *len)
{
	uint8_t k[32];
	unsigned n = tp->fo_nkeys ? 16u * tp->fo_nkeys : 16u;
	memcpy(k, tp->fo_nkeys ? tp->fo_key[0] : tp->st->cfg.fastopen_key, 16);
	if (tp->fo_nkeys == 2)
		memcpy(k + 16, tp->fo_key[1], 16);
	if (!len || (int)*len < 0)
		return -EINVAL;
	if (*len > n)
		*len = n;
	if (val)
		memcpy(val, k, *len);
	return 0;
}

/* A SYN's cookie checked against the listener's keys: 0 not valid, 1 under the
 * primary key, 2 under the backup. */
static int cookie_ok(const struct ref_tcb *l, const struct ref_segment *seg)
{
	if (seg->opt.fo_len != REF_TFO_COOKIE)
		return 0;
	for (unsigned i = 0; i < (l->fo_nkeys ? l->fo_nkeys : 1u); i++) {
		uint8_t good[REF_TFO_COOKIE];
		ref_tfo_cookie(l->st, l->fo_nkeys ? l->fo_key[i] : NULL, &seg->src, &seg->dst,
			       good);
		if (!memcmp(seg->opt.fo_cookie, good, REF_TFO_COOKIE))
			return (int)i + 1;
	}
	return 0;
}

/* Fast Open connections of this listener still in SYN-RECEIVED, accepted or not:
 * RFC 7413 5.1 bounds them by the listener's TCP_FASTOPEN queue length. */
static unsigned pending_tfo(const struct ref_tcb *l)
{
	unsigned n = 0;
	for (const struct ref_tcb *c = l->st->all; c; c = c->anext)
		if ((c->xflags & XF_TFO) && c->state == REF_SYN_RECEIVED &&
		    c->lport == l->lport && (ref_addr_any(&l->laddr) ||
					     ref_addr_eq(&c->laddr, &l->laddr)))
			n++;
	return n;
}

void ref_tfo_syn_in(struct ref_tcb *l, struct ref_tcb *tp, const struct ref_segment *seg)
{
	struct ref_stack *st = l->st;
	uint32_t mode = st->cfg.fastopen;
	if (!(mode & REF_TFO_SERVER) || (!l->fastopen_qlen && !(mode & REF_TFO_SERVER_NOOPT)))
		return;                 /* no Fast Open here: an ordinary handshake */
	/* a SYN without the option: Fast Open only for its data when no cookie is
	 * needed (tcp_fastopen & 0x200, as Linux's tcp_try_fastopen) */
	if (!(seg->opt.has & REF_HAS_FO) && !((mode & REF_TFO_SERVER_NOCOOKIE) && seg->len))
		return;
	if (seg->opt.fo_exp)
		tp->xflags |= XF_FO_EXP;
	/* the connection makes its SYN-ACK's cookie with the listener's key */
	tp->fo_nkeys = l->fo_nkeys;
	memcpy(tp->fo_key, l->fo_key, sizeof tp->fo_key);
	int which = cookie_ok(l, seg);
	bool valid = which != 0;
	if (!valid && (mode & REF_TFO_SERVER_NOCOOKIE) && seg->len)
		valid = true;
	unsigned qlen = l->fastopen_qlen ? l->fastopen_qlen : 1;
	if (!valid || pending_tfo(l) >= qlen) {
		/* 4.2.2: no valid cookie (or too many pending, 5.1): the data is not
		 * acknowledged, the SYN-ACK gives the client its cookie */
		tp->nooo = 0;
		if (!valid || seg->opt.fo_len)
			tp->xflags |= XF_FO_COOKIE;
		return;
	}
	/* a Fast Open connection: the text of the SYN is accepted now, and the
	 * connection waits in the accept queue while the handshake completes */
	tp->xflags |= XF_TFO;
	/* taken under the backup key: the SYN-ACK gives the client the cookie of the
	 * current key (4.1.2, the key changed; Linux does the same) */
	if (which == 2)
		tp->xflags |= XF_FO_COOKIE;
	if (tp->nooo && tp->ooo[0].left == tp->rcv_nxt) {
		uint32_t n = ref_seq_len(tp->ooo[0].left, tp->ooo[0].right);
		if (n)
			tp->xflags |= XF_SYN_DATA_ACKED;
		tp->rcvq.len += n;
		tp->rcv_nxt = tp->ooo[0].right;
		tp->rcv_adv = tp->rcv_nxt;
		tp->bytes_received += n;
		tp->data_segs_in++;
		tp->last_data_recv = st->now;
		tp->nooo = 0;
	}
	ref_child_queue(tp);
}

void ref_tfo_cache_put(struct ref_stack *st, const struct ref_addr *a, const uint8_t *c,
		       uint8_t len, uint16_t mss)
{
	if (len > REF_MAX_COOKIE)
		return;
	struct ref_fo_cache *e = (struct ref_fo_cache *)ref_tfo_cache_get(st, a);
	if (!e) {
		unsigned n = sizeof st->fo_cache / sizeof st->fo_cache[0];
		if (st->nfo_cache < n) {
			e = &st->fo_cache[st->nfo_cache++];
		} else {
			e = &st->fo_cache[st->fo_next];     /* the oldest goes */
			st->fo_next = (uint8_t)((st->fo_next + 1) % n);
		}
		e->addr = *a;
	}
	e->len = len;
	e->mss = mss;
	memcpy(e->cookie, c, len);
}

uint32_t ref_tfo_syn_room(const struct ref_tcb *tp)
{
	uint32_t mss = ref_our_mss(tp);
	const struct ref_fo_cache *e = ref_tfo_cache_get(tp->st, &tp->raddr);
	if (e && e->mss && e->mss < mss)
		mss = e->mss;
	return mss > 40 ? mss - 40 : 0;
}

const struct ref_fo_cache *ref_tfo_cache_get(const struct ref_stack *st,
					     const struct ref_addr *a)
{
	for (unsigned i = 0; i < st->nfo_cache; i++)
		if (ref_addr_eq(&st->fo_cache[i].addr, a))
			return &st->fo_cache[i];
	return NULL;
}

/* The FO option of a SYN or SYN-ACK, last, padded with NOPs to 4 octets (as Linux). */
void ref_tfo_opt_build(struct ref_tcb *tp, struct ref_segment *out)
{
	struct ref_options *o = &out->opt;
	bool synack = (out->flags & REF_ACK) != 0;
	if (synack ? !(tp->xflags & XF_FO_COOKIE) : !(tp->xflags & XF_FO_SYN))
		return;
	o->has |= REF_HAS_FO;
	o->fo_exp = (tp->xflags & XF_FO_EXP) != 0;
	o->fo_len = 0;
	if (synack) {
		ref_tfo_cookie(tp->st, tp->fo_nkeys ? tp->fo_key[0] : NULL, &tp->raddr,
			       &tp->laddr, o->fo_cookie);
		o->fo_len = REF_TFO_COOKIE;
	} else {
		const struct ref_fo_cache *e = ref_tfo_cache_get(tp->st, &tp->raddr);
		if (e) {
			o->fo_len = e->len;
			memcpy(o->fo_cookie, e->cookie, e->len);
		}
	}
	if (o->nlayout < REF_MAX_LAYOUT)
		o->layout[o->nlayout++] = o->fo_exp ? REF_OPT_FO_EXP : REF_OPT_FO;
	unsigned olen = o->fo_exp ? 4u + o->fo_len : 2u + o->fo_len;
	for (unsigned pad = (4 - olen % 4) % 4; pad && o->nlayout < REF_MAX_LAYOUT; pad--)
		o->layout[o->nlayout++] = REF_OPT_NOP;
}
