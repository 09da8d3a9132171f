/* refstack/stack.c: one stack instance: configuration, TCB allocation, the demux
 * table, and the life cycle of a TCB.  No globals: everything hangs off ref_stack. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "refstack/ref_int.h"

void ref_config_defaults(struct ref_config *c)
{
	memset(c, 0, sizeof *c);
	c->timestamps = c->sack = c->window_scaling = true;
	c->dsack = true;                /* Linux tcp_dsack = 1 */
	c->ecn = 2;                     /* Linux tcp_ecn = 2: ECN when the peer asks */
	c->fastopen = REF_TFO_CLIENT;   /* Linux tcp_fastopen = 1 */
	c->rmem_default = 131072;
	c->rmem_max = 33554432;        /* Linux 6.x tcp_rmem[2]: window scale 10 */
	c->wmem_default = 16384;
	c->wmem_max = 4194304;
	c->core_rmem_max = c->core_wmem_max = 212992;   /* Linux's defaults */
	c->mtu = 1500;
	c->msl_ms = 30000;              /* TIME-WAIT = 2*MSL = 60 s, as Linux */
	c->rto_initial_ms = 1000;       /* RFC 6298 2.1 */
	c->rto_min_ms = 200;            /* Linux; RFC 6298 2.4 says 1 s (SHOULD) */
	c->rto_max_ms = 120000;         /* RFC 6298 2.5: at least 60 s */
	/* RFC 9293 3.8.3 (MUST-23): a SYN is retransmitted for at least 3 minutes:
	 * 7 retransmissions give up after 255 s (Linux: 6, 127 s) */
	c->syn_retries = 7;
	c->synack_retries = 7;
	c->retries2 = 15;
	c->delack_ms = 40;              /* RFC 9293 3.8.6.3: < 0.5 s (MUST-40) */
	c->delayed_ack = true;          /* RFC 9293 3.8.6.3 (SHLD-18) */
	c->handshake_rtt_sample = true; /* RFC 6298 2.2: the SYN exchange may give the first */
	c->ts_rtt_retransmit = true;    /* RFC 6298 3: timestamps may date a retransmission */
	c->quickack = 16;               /* Linux TCP_MAX_QUICKACKS */
	c->init_cwnd = 0;               /* RFC 5681 3.1 formula (10 = RFC 6928, Linux) */
	c->challenge_ack_limit = 1000;  /* RFC 5961 7 */
	c->rfc5961_rst = c->rfc5961_syn = true;   /* RFC 5961 3.2 and 4.2 */
	c->keepalive_time_s = 7200;     /* RFC 9293 3.8.4: >= 2 hours (MUST-26) */
	c->keepalive_intvl_s = 75;
	c->keepalive_probes = 9;
	c->fin_timeout_s = 60;
	c->slow_start_after_idle = true;   /* RFC 5681 4.1 (SHOULD), Linux's default */
	c->max_syn_backlog = 256;
	c->udp_tunnel_overhead = 8;     /* FreeBSD's: the UDP header */
	c->port_lo = 32768;
	c->port_hi = 60999;
	c->local4.family = REF_AF_INET;
	c->local4.a[0] = 192; c->local4.a[1] = 0; c->local4.a[2] = 2; c->local4.a[3] = 1;
	c->local6.family = REF_AF_INET6;
	c->local6.a[0] = 0x20; c->local6.a[1] = 0x01; c->local6.a[2] = 0x0d;
	c->local6.a[3] = 0xb8; c->local6.a[15] = 1;
}

struct ref_stack *ref_stack_new(const struct ref_config *cfg, ref_output_fn out, void *ctx)
{
	/* scratch (64 KB) is written before it is read: zeroing it would cost a memset and,
	 * under ASan (whose quarantine hands out fresh memory), page faults per stack */
	struct ref_stack *st = malloc(sizeof *st);
	if (!st)
		return NULL;
	memset(st, 0, offsetof(struct ref_stack, scratch));
	if (cfg)
		st->cfg = *cfg;
	else
		ref_config_defaults(&st->cfg);
	st->out = out;
	st->out_ctx = ctx;
	st->hash_mask = 255;
	st->hash = calloc(st->hash_mask + 1, sizeof *st->hash);
	if (!st->hash) {
		free(st);
		return NULL;
	}
	st->next_port = st->cfg.port_lo;
	return st;
}

void ref_stack_reset(struct ref_stack *st)
{
	while (st->all)
		ref_tcb_free(st->all);
	free(st->fds);
	st->fds = NULL;
	st->nfds = 0;
	st->nheap = 0;
	memset(st->hash, 0, (st->hash_mask + 1) * sizeof *st->hash);
	st->hash_count = 0;
	st->listeners = NULL;
	st->next_port = st->cfg.port_lo;
	st->challenge_window = 0;
	st->challenge_count = 0;
	st->nfo_cache = st->fo_next = 0;        /* Fast Open cookies learnt */
	st->now = 0;
	memset(&st->stats, 0, sizeof st->stats);
	memset(&st->last, 0, sizeof st->last);
}

void ref_stack_free(struct ref_stack *st)
{
	if (!st)
		return;
	ref_stack_reset(st);
	free(st->hash);
	free(st->heap);
	free(st);
}

struct ref_config *ref_stack_config(struct ref_stack *st) { return &st->cfg; }
const struct ref_stats *ref_stack_stats(const struct ref_stack *st) { return &st->stats; }
struct ref_result ref_last_result(const struct ref_stack *st) { return st->last; }
size_t ref_conn_size(void) { return sizeof(struct ref_tcb); }

bool ref_addr_eq(const struct ref_addr *a, const struct ref_addr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, 16);
}

bool ref_addr_any(const struct ref_addr *a)
{
	static const uint8_t zero[16];
	return a->family == 0 || !memcmp(a->a, zero, 16);
}

struct ref_tcb *ref_tcb_new(struct ref_stack *st, int family)
{
	struct ref_tcb *tp = calloc(1, sizeof *tp);
	if (!tp)
		return NULL;
	tp->st = st;
	tp->fd = -1;
	tp->family = family;
	tp->heap_idx = UINT32_MAX;
	tp->t_rexmt = tp->t_persist = tp->t_delack = tp->t_keep = tp->t_2msl = REF_NEVER;
	tp->t_linger = tp->t_block = REF_NEVER;
	tp->last_oow_ack = INT64_MIN;
	tp->deadline = REF_NEVER;
	tp->srtt = -1;
	tp->rto = (int64_t)st->cfg.rto_initial_ms * REF_MS;
	tp->rcvbuf = st->cfg.rmem_default;
	tp->sndbuf = st->cfg.wmem_max;  /* send buffer grows on demand, as Linux autotunes */
	tp->keep_idle_s = st->cfg.keepalive_time_s;
	tp->keep_intvl_s = st->cfg.keepalive_intvl_s;
	tp->keep_cnt = st->cfg.keepalive_probes;
	tp->syn_retries = st->cfg.syn_retries;
	tp->ssthresh = UINT32_MAX;      /* RFC 5681 3.1: arbitrarily high */
	tp->anext = st->all;
	if (st->all)
		st->all->aprev = tp;
	st->all = tp;
	st->stats.conns_opened++;
	st->stats.conns_live++;
	return tp;
}

static uint32_t tuple_bucket(const struct ref_stack *st, const struct ref_addr *l,
			     uint16_t lport, const struct ref_addr *r, uint16_t rport)
{
	uint32_t h = 2166136261u;       /* FNV-1a's steps over the tuple, a word at a time */
	/* unrolled: every segment hashes; under fuzzing instrumentation a loop would trace
	 * its comparisons of i each time, for no coverage worth having; and words, not
	 * octets: under ASan each load is a shadow check */
#pragma GCC unroll 4
	for (int i = 0; i < 16; i += 4) {
		uint32_t x, y;
		memcpy(&x, l->a + i, 4);
		memcpy(&y, r->a + i, 4);
		h = (h ^ (x + 31u * y)) * 16777619u;
	}
	h = (h ^ lport) * 16777619u;
	h = (h ^ rport) * 16777619u;
	/* a product's low bits see only its factors' low bits: mix the high ones down
	 * (the last octet of an IPv4 address is the top of its word) */
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h & st->hash_mask;
}

static void hash_grow(struct ref_stack *st)
{
	uint32_t nmask = st->hash_mask * 2 + 1;
	struct ref_tcb **nh = calloc(nmask + 1, sizeof *nh);
	if (!nh)
		return;         /* keep the old table: longer chains, still correct */
	uint32_t omask = st->hash_mask;
	struct ref_tcb **oh = st->hash;
	st->hash = nh;
	st->hash_mask = nmask;
	for (uint32_t i = 0; i <= omask; i++) {
		struct ref_tcb *tp = oh[i], *next;
		for (; tp; tp = next) {
			next = tp->hnext;
			uint32_t b = tuple_bucket(st, &tp->laddr, tp->lport, &tp->raddr, tp->rport);
			tp->hnext = nh[b];
			nh[b] = tp;
		}
	}
	free(oh);
}

void ref_tcb_hash_insert(struct ref_stack *st, struct ref_tcb *tp)
{
	if (tp->state == REF_LISTEN) {
		tp->hnext = st->listeners;
		st->listeners = tp;
		return;
	}
	if (st->hash_count > st->hash_mask)
		hash_grow(st);
	uint32_t b = tuple_bucket(st, &tp->laddr, tp->lport, &tp->raddr, tp->rport);
	tp->hnext = st->hash[b];
	st->hash[b] = tp;
	st->hash_count++;
}

static bool unlink_from(struct ref_tcb **head, struct ref_tcb *tp)
{
	for (struct ref_tcb **pp = head; *pp; pp = &(*pp)->hnext)
		if (*pp == tp) {
			*pp = tp->hnext;
			tp->hnext = NULL;
			return true;
		}
	return false;
}

void ref_tcb_hash_remove(struct ref_stack *st, struct ref_tcb *tp)
{
	if (unlink_from(&st->listeners, tp))
		return;
	uint32_t b = tuple_bucket(st, &tp->laddr, tp->lport, &tp->raddr, tp->rport);
	if (unlink_from(&st->hash[b], tp))
		st->hash_count--;
}

struct ref_tcb *ref_tcb_lookup(struct ref_stack *st, const struct ref_segment *seg)
{
	uint32_t b = tuple_bucket(st, &seg->dst, seg->dport, &seg->src, seg->sport);
	for (struct ref_tcb *tp = st->hash[b]; tp; tp = tp->hnext)
		if (tp->lport == seg->dport && tp->rport == seg->sport &&
		    ref_addr_eq(&tp->laddr, &seg->dst) && ref_addr_eq(&tp->raddr, &seg->src))
			return tp;
	return NULL;
}

struct ref_tcb *ref_listener_lookup(struct ref_stack *st, const struct ref_addr *a,
				    uint16_t port)
{
	struct ref_tcb *wild = NULL;
	for (struct ref_tcb *tp = st->listeners; tp; tp = tp->hnext) {
		if (tp->lport != port)
			continue;
		if (ref_addr_eq(&tp->laddr, a))
			return tp;
		/* a wildcard bind; an AF_INET6 socket also takes IPv4 (v4-mapped) */
		if (ref_addr_any(&tp->laddr) &&
		    (tp->family == a->family || tp->family == REF_AF_INET6))
			wild = tp;
	}
	return wild;
}

void ref_set_state(struct ref_tcb *tp, int state)
{
	if (tp->state != state)
		tp->wake_all++;         /* sk_state_change: every waiter wakes */
	tp->state = state;
	if (state == REF_ESTABLISHED)
		tp->flags |= TF_ESTAB_SEEN;
}

void ref_child_unlink(struct ref_tcb *tp)
{
	struct ref_tcb *l = tp->parent;
	if (!l)
		return;
	for (struct ref_tcb **pp = &l->qnext; *pp; pp = &(*pp)->qnext)
		if (*pp == tp) {
			*pp = tp->qnext;
			break;
		}
	if (tp->flags & TF_QUEUED)
		l->nqueued--;
	else
		l->nsyn--;
	tp->flags &= ~TF_QUEUED;
	tp->parent = NULL;
	tp->qnext = NULL;
}

void ref_child_queue(struct ref_tcb *tp)
{
	struct ref_tcb *l = tp->parent;
	if (!l || (tp->flags & TF_QUEUED))
		return;
	/* the list holds SYN-RECEIVED children in SYN order and queued ones; moving tp
	 * to the tail keeps the queued ones in the order their handshakes completed, as
	 * Linux's accept queue (inet_csk_reqsk_queue_add at the third ACK) */
	struct ref_tcb **pp = &l->qnext;
	while (*pp && *pp != tp)
		pp = &(*pp)->qnext;
	if (*pp)
		*pp = tp->qnext;
	tp->qnext = NULL;
	pp = &l->qnext;
	while (*pp)
		pp = &(*pp)->qnext;
	*pp = tp;
	l->nsyn--;
	l->nqueued++;
	l->wake_rd++;                   /* a connection to accept: sk_data_ready */
	tp->flags |= TF_QUEUED;
}

void ref_tcb_closed(struct ref_tcb *tp, int err)
{
	if (tp->state != REF_CLOSED && tp->state != REF_LISTEN)
		ref_tcb_hash_remove(tp->st, tp);
	else if (tp->state == REF_LISTEN)
		ref_tcb_hash_remove(tp->st, tp);
	if (tp->state != REF_CLOSED && tp->state != REF_LISTEN)
		tp->flags |= TF_DONE;
	if (tp->state != REF_CLOSED || err)
		tp->wake_all++;
	tp->state = REF_CLOSED;
	if (err)
		tp->so_error = err;
	ref_timers_cancel(tp);
	/* a passive child that never reached the accept queue simply goes away
	 * (RFC 9293 3.10.7.4: "return this connection to the LISTEN state") */
	if (tp->parent && !(tp->flags & TF_QUEUED))
		ref_child_unlink(tp);
}

void ref_tcb_free(struct ref_tcb *tp)
{
	struct ref_stack *st = tp->st;
	if (tp->state != REF_CLOSED)
		ref_tcb_hash_remove(st, tp);
	ref_heap_remove(st, tp);
	ref_child_unlink(tp);
	/* children of a listener lose their parent */
	while (tp->qnext && tp->state == REF_LISTEN) {
		struct ref_tcb *c = tp->qnext;
		ref_child_unlink(c);
	}
	if (tp->fd >= 0 && tp->fd < st->nfds && st->fds[tp->fd] == tp)
		st->fds[tp->fd] = NULL;
	if (tp->aprev)
		tp->aprev->anext = tp->anext;
	else
		st->all = tp->anext;
	if (tp->anext)
		tp->anext->aprev = tp->aprev;
	ref_ring_free(&tp->sndq);
	free(tp->pushq);
	ref_ring_free(&tp->rcvq);
	st->stats.conns_freed++;
	st->stats.conns_live--;
	free(tp);
}

void ref_tcb_release_if_dead(struct ref_tcb *tp)
{
	if (tp && tp->state == REF_CLOSED && tp->fd < 0 && !tp->parent)
		ref_tcb_free(tp);
}
