/* refstack/socket.c: the socket layer, with Linux's call semantics and errno values.
 *
 * A socket is its TCB (struct ref_tcb) plus a descriptor in the stack's fd table.
 * Blocking calls return REF_PENDING when they would block; the caller repeats the
 * identical call after time moves or a segment arrives.  Progress that must survive
 * between repeats (connect in flight, octets of a send already queued) is kept in the
 * TCB (TF_CONNECTING, wr_done). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/sockios.h>

#include "refstack/ref_int.h"

/* ---- descriptors -------------------------------------------------------------------- */

static int fd_alloc(struct ref_stack *st, struct ref_tcb *tp)
{
	int fd;
	for (fd = REF_FIRST_FD; fd < st->nfds; fd++)
		if (!st->fds[fd])
			break;
	if (fd >= st->nfds) {
		int n = st->nfds ? st->nfds * 2 : 64;
		struct ref_tcb **nf = realloc(st->fds, n * sizeof *nf);
		if (!nf)
			return -ENOMEM;
		memset(nf + st->nfds, 0, (n - st->nfds) * sizeof *nf);
		st->fds = nf;
		st->nfds = n;
	}
	st->fds[fd] = tp;
	tp->fd = fd;
	return fd;
}

static struct ref_tcb *fd_get(struct ref_stack *st, int fd)
{
	if (fd < 0 || fd >= st->nfds)
		return NULL;
	return st->fds[fd];
}

#define GET(tp, st, fd) \
	struct ref_tcb *tp = fd_get(st, fd); \
	if (!tp) \
		return -EBADF

static void set_now(struct ref_stack *st, int64_t now)
{
	if (now > st->now)
		st->now = now;
}

/* A blocking call that cannot complete yet.  Without a timeout (0) it waits; with
 * SO_RCVTIMEO/SO_SNDTIMEO (timeo > 0) the first such call arms t_block, and the
 * repeat after it expired gives up: false; timeo < 0 gives up at once.  Linux
 * sock_rcvtimeo()/sock_sndtimeo(). */
static bool keep_waiting(struct ref_tcb *tp, int64_t timeo)
{
	if (timeo == 0)
		return true;
	if (timeo < 0)
		return false;
	if (tp->blk == REF_BLK_NONE) {
		tp->blk = REF_BLK_WAIT;
		tp->t_block = tp->st->now + timeo;
		ref_timer_update(tp);
		return true;
	}
	if (tp->blk == REF_BLK_EXPIRED || tp->st->now >= tp->t_block) {
		tp->blk = REF_BLK_NONE;
		tp->t_block = REF_NEVER;
		ref_timer_update(tp);
		return false;
	}
	return true;
}

/* The call returned (not REF_PENDING): forget its timeout. */
static long call_done(struct ref_stack *st, int fd, long rc)
{
	struct ref_tcb *tp = rc == REF_PENDING ? NULL : fd_get(st, fd);
	if (tp && tp->blk != REF_BLK_NONE) {
		tp->blk = REF_BLK_NONE;
		if (tp->t_block != REF_NEVER) {
			tp->t_block = REF_NEVER;
			ref_timer_update(tp);
		}
	}
	return rc;
}

static int take_error(struct ref_tcb *tp)
{
	int e = tp->so_error;
	tp->so_error = 0;
	return e;
}

uint32_t ref_rcvq_readable(const struct ref_tcb *tp)
{
	return tp->rcvq.len;
}

static bool rcv_shutdown(const struct ref_tcb *tp)
{
	return (tp->flags & (TF_RCVD_FIN | TF_SHUT_RD | TF_DONE)) != 0;
}

static bool snd_shutdown(const struct ref_tcb *tp)
{
	return (tp->flags & (TF_FIN_WANTED | TF_DONE)) != 0;
}

/* ---- socket, bind, listen ----------------------------------------------------------- */

int ref_sock_socket(struct ref_stack *st, int domain, int type, int protocol, int64_t now)
{
	set_now(st, now);
	if (domain != AF_INET && domain != AF_INET6)
		return -EAFNOSUPPORT;
	if ((type & 0xf) != SOCK_STREAM)
		return -EPROTONOSUPPORT;        /* the reference stack is TCP only */
	if (protocol != 0 && protocol != IPPROTO_TCP)
		return -EPROTONOSUPPORT;
	struct ref_tcb *tp = ref_tcb_new(st, domain == AF_INET6 ? REF_AF_INET6 : REF_AF_INET);
	if (!tp)
		return -ENOMEM;
	if (type & SOCK_NONBLOCK)
		tp->flags |= TF_NONBLOCK;
	tp->laddr.family = tp->family;
	int fd = fd_alloc(st, tp);
	if (fd < 0)
		ref_tcb_free(tp);
	return fd;
}

static bool port_in_use(struct ref_stack *st, struct ref_tcb *self, const struct ref_addr *a,
			uint16_t port)
{
	for (struct ref_tcb *tp = st->all; tp; tp = tp->anext) {
		if (tp == self || tp->lport != port || !(tp->flags & TF_BOUND))
			continue;
		if (!ref_addr_any(a) && !ref_addr_any(&tp->laddr) && !ref_addr_eq(a, &tp->laddr))
			continue;
		/* SO_REUSEADDR on both lets a port be bound again unless one is listening */
		if ((self->flags & TF_REUSEADDR) && (tp->flags & TF_REUSEADDR) &&
		    tp->state != REF_LISTEN)
			continue;
		if (tp->fd < 0 && tp->state == REF_TIME_WAIT && (self->flags & TF_REUSEADDR))
			continue;
		return true;
	}
	return false;
}

static uint16_t ephemeral_port(struct ref_stack *st, struct ref_tcb *tp)
{
	uint32_t span = (uint32_t)st->cfg.port_hi - st->cfg.port_lo + 1;
	for (uint32_t i = 0; i < span; i++) {
		uint16_t p = st->next_port;
		st->next_port = p >= st->cfg.port_hi ? st->cfg.port_lo : p + 1;
		if (!port_in_use(st, tp, &tp->laddr, p))
			return p;
	}
	return 0;
}

int ref_sock_bind(struct ref_stack *st, int fd, const struct ref_sockaddr *sa, int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	if ((tp->flags & TF_BOUND) || tp->state != REF_CLOSED)
		return -EINVAL;
	if (sa->addr.family && sa->addr.family != tp->family &&
	    !(tp->family == REF_AF_INET6 && sa->addr.family == REF_AF_INET))
		return -EAFNOSUPPORT;
	struct ref_addr a = sa->addr;
	if (!a.family)
		a.family = tp->family;
	uint16_t port = sa->port;
	tp->laddr = a;
	if (port && port_in_use(st, tp, &a, port))
		return -EADDRINUSE;
	if (!port && !(port = ephemeral_port(st, tp)))
		return -EADDRINUSE;
	tp->lport = port;
	tp->flags |= TF_BOUND;
	if (sa->port)
		tp->xflags |= XF_PORT_LOCK;
	if (!ref_addr_any(&sa->addr))
		tp->xflags |= XF_ADDR_LOCK;
	return 0;
}

int ref_sock_listen(struct ref_stack *st, int fd, int backlog, int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	if (backlog < 0 || backlog > 4096)
		backlog = 4096;                 /* net.core.somaxconn */
	if (tp->state == REF_LISTEN) {
		tp->backlog = backlog;
		return 0;
	}
	if (tp->state != REF_CLOSED || (tp->flags & (TF_DONE | TF_CONNECTING)))
		return -EINVAL;
	if (!(tp->flags & TF_BOUND)) {
		uint16_t p = ephemeral_port(st, tp);    /* Linux binds a port implicitly */
		if (!p)
			return -EADDRINUSE;
		tp->lport = p;
		tp->flags |= TF_BOUND;
	}
	tp->backlog = backlog;
	tp->state = REF_LISTEN;
	ref_tcb_hash_insert(st, tp);
	return 0;
}

static int accept_once(struct ref_stack *st, int fd, struct ref_sockaddr *peer, int64_t now)
{
	GET(l, st, fd);
	set_now(st, now);
	if (l->state != REF_LISTEN)
		return -EINVAL;
	struct ref_tcb *c;
	for (c = l->qnext; c; c = c->qnext)
		if (c->flags & TF_QUEUED)
			break;
	if (!c)
		/* SO_RCVTIMEO bounds a blocking accept(): EAGAIN when it expires (Linux) */
		return (l->flags & TF_NONBLOCK) || !keep_waiting(l, l->rcvtimeo) ? -EAGAIN
										  : REF_PENDING;
	int nfd = fd_alloc(st, c);
	if (nfd < 0)
		return nfd;
	ref_child_unlink(c);
	if (peer) {
		peer->addr = c->raddr;
		peer->port = c->rport;
	}
	return nfd;
}

int ref_sock_accept(struct ref_stack *st, int fd, struct ref_sockaddr *peer, int64_t now)
{
	return (int)call_done(st, fd, accept_once(st, fd, peer, now));
}

/* ---- connect ------------------------------------------------------------------------ */

/* A connect() that failed (refused, timed out, an ICMP hard error) leaves the socket
 * unconnected, so that connect() may be called on it again.  RFC 9293 and POSIX leave
 * this open (POSIX: "the state of the socket is unspecified"); Linux's
 * inet_stream_connect() reports the error and calls tcp_disconnect(), and the next
 * connect() starts a new attempt.  As there: a fresh TCB behind the same descriptor,
 * the socket options kept, the address and port kept only when bind() gave them.
 * A connection that was established and then reset stays done (EISCONN), as on Linux. */
static void disconnect(struct ref_stack *st, struct ref_tcb *old)
{
	struct ref_tcb *tp = ref_tcb_new(st, old->family);
	if (!tp)
		return;                 /* out of memory: the socket stays done */
	const uint32_t keep = TF_NODELAY | TF_CORK | TF_KEEPALIVE | TF_NONBLOCK |
			      TF_REUSEADDR | TF_OOBINLINE | TF_LINGER | TF_SNDBUF_SET;
	tp->flags = old->flags & keep;
	tp->xflags = old->xflags & (XF_FO_CONNECT | XF_PORT_LOCK | XF_ADDR_LOCK);
	tp->laddr.family = tp->family;
	if (old->xflags & XF_ADDR_LOCK)
		tp->laddr = old->laddr;
	if (old->xflags & XF_PORT_LOCK) {
		tp->lport = old->lport;
		tp->flags |= TF_BOUND;
	}
	tp->user_mss = old->user_mss;
	tp->encap_port = old->encap_port;
	tp->defer_accept = old->defer_accept;
	tp->fastopen_qlen = old->fastopen_qlen;
	tp->sndbuf = old->sndbuf;
	tp->rcvbuf = old->rcvbuf;
	tp->rcvbuf_locked = old->rcvbuf_locked;
	tp->user_timeout_ms = old->user_timeout_ms;
	tp->keep_idle_s = old->keep_idle_s;
	tp->keep_intvl_s = old->keep_intvl_s;
	tp->keep_cnt = old->keep_cnt;
	tp->syn_retries = old->syn_retries;
	tp->linger_s = old->linger_s;
	tp->rcvtimeo = old->rcvtimeo;
	tp->sndtimeo = old->sndtimeo;
	int fd = old->fd;
	old->fd = -1;
	ref_tcb_free(old);
	st->fds[fd] = tp;
	tp->fd = fd;
}

/* syn_data/syn_len: octets for the SYN (RFC 7413 Fast Open), queued before it goes */
static int connect_once(struct ref_stack *st, int fd, const struct ref_sockaddr *sa,
			int64_t now, const void *syn_data, uint32_t syn_len)
{
	GET(tp, st, fd);
	set_now(st, now);
	if (tp->flags & TF_CONNECTING) {
		if (tp->state == REF_SYN_SENT || tp->state == REF_SYN_RECEIVED) {
			if (tp->flags & TF_NONBLOCK)
				return -EALREADY;
			/* SO_SNDTIMEO bounds a blocking connect(): EINPROGRESS when it
			 * expires, the handshake goes on (Linux inet_wait_for_connect) */
			return keep_waiting(tp, tp->sndtimeo) ? REF_PENDING : -EINPROGRESS;
		}
		tp->flags &= ~TF_CONNECTING;
		if (tp->state == REF_CLOSED) {
			int e = take_error(tp);
			disconnect(st, tp);
			return e ? -e : -ECONNABORTED;
		}
		return 0;               /* connected since the last call */
	}
	if (tp->state == REF_LISTEN || tp->state != REF_CLOSED || (tp->flags & TF_DONE))
		return -EISCONN;
	if (!sa->addr.family)
		return -EAFNOSUPPORT;
	if (sa->addr.family != tp->family &&
	    !(tp->family == REF_AF_INET6 && sa->addr.family == REF_AF_INET))
		return -EAFNOSUPPORT;
	tp->family = sa->addr.family;
	if (!(tp->flags & TF_BOUND) || ref_addr_any(&tp->laddr) ||
	    tp->laddr.family != tp->family)
		tp->laddr = tp->family == REF_AF_INET6 ? st->cfg.local6 : st->cfg.local4;
	tp->raddr = sa->addr;
	tp->rport = sa->port;
	if (!tp->lport) {
		if (!(tp->lport = ephemeral_port(st, tp)))
			return -EADDRNOTAVAIL;
		tp->flags |= TF_BOUND;
	}
	struct ref_segment key = { .src = tp->raddr, .dst = tp->laddr,
				   .sport = tp->rport, .dport = tp->lport };
	if (ref_tcb_lookup(st, &key))
		return -EADDRNOTAVAIL;

	/* RFC 9293 3.10.1 OPEN (active): "A SYN segment of the form <SEQ=ISS><CTL=SYN> is
	 * sent.  Set SND.UNA to ISS, SND.NXT to ISS+1, enter SYN-SENT state" */
	const struct ref_config *c = &st->cfg;
	if (c->window_scaling) {
		tp->flags |= TF_WS_OK;          /* offered; confirmed by the SYN-ACK */
		tp->rcv_wscale = ref_our_wscale(tp);
	}
	if (c->timestamps)
		tp->flags |= TF_TS_OK;
	if (c->sack)
		tp->flags |= TF_SACK_OK;
	if (c->ecn == 1)
		tp->xflags |= XF_ECN_OK;        /* an ECN-setup SYN (RFC 3168 6.1.1) */
	tp->ts_offset = c->timestamps ? ref_ts_offset(tp) : 0;
	tp->adv_mss = ref_our_mss(tp);
	tp->rcv_mss = tp->adv_mss < 536 ? tp->adv_mss : 536;
	tp->snd_mss = ref_default_mss(tp->family);
	tp->iss = ref_isn(tp, st->now);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->snd_up = tp->recover = tp->iss;
	tp->rxt_end = tp->loss_end = tp->iss;
	tp->snd_sml = tp->iss;
	tp->snd_buf_seq = ref_seq_add(tp->iss, 1);
	tp->pushed_seq = tp->snd_buf_seq;
	ref_set_state(tp, REF_SYN_SENT);
	ref_tcb_hash_insert(st, tp);
	tp->flags |= TF_CONNECTING;
	if (syn_len && ref_ring_reserve(&tp->sndq, syn_len) == 0) {
		ref_ring_put(&tp->sndq, 0, syn_data, syn_len);
		tp->sndq.len = syn_len;
	}
	ref_output(tp);
	if (tp->flags & TF_NONBLOCK)
		return -EINPROGRESS;
	return keep_waiting(tp, tp->sndtimeo) ? REF_PENDING : -EINPROGRESS;
}

int ref_sock_connect(struct ref_stack *st, int fd, const struct ref_sockaddr *sa, int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	if ((tp->xflags & XF_FO_CONNECT) && tp->state == REF_CLOSED && !(tp->flags & TF_DONE) &&
	    !(tp->flags & TF_CONNECTING)) {
		if (tp->xflags & XF_FO_DEFER)
			return -EALREADY;       /* Linux: a second connect() while deferred */
		/* TCP_FASTOPEN_CONNECT (Linux): with a cookie for the server, connect()
		 * succeeds at once and the SYN waits for the first write's data (RFC 7413
		 * 4.1); without one, an ordinary connect whose SYN asks for a cookie */
		const struct ref_fo_cache *e = sa ? ref_tfo_cache_get(st, &sa->addr) : NULL;
		if (e && e->len) {
			tp->xflags |= XF_FO_DEFER;
			tp->raddr = sa->addr;
			tp->rport = sa->port;
			return 0;
		}
		tp->xflags |= XF_TFO | XF_FO_SYN;
	}
	return (int)call_done(st, fd, connect_once(st, fd, sa, now, NULL, 0));
}

static void push_mark(struct ref_tcb *tp);
static void push_at(struct ref_tcb *tp, ref_seq_t end);
static long send_once(struct ref_stack *st, int fd, const void *data, size_t len, int flags,
		      int64_t now);

/* sendto(MSG_FASTOPEN) on a socket not yet connected (RFC 7413 4.1, Linux semantics):
 * connect, with the data on the SYN when a cookie for the server is cached (or
 * tcp_fastopen & 4), returning the octets the SYN carries; else the SYN asks for a
 * cookie and carries nothing: EINPROGRESS on a non-blocking socket, a blocking one
 * waits for the connection and sends as send() would. */
static long fastopen_once(struct ref_stack *st, int fd, const void *data, size_t len,
			  int flags, const struct ref_sockaddr *sa, int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	if (!(st->cfg.fastopen & REF_TFO_CLIENT))
		return -EOPNOTSUPP;
	struct ref_sockaddr deferred;
	if (tp->xflags & XF_FO_DEFER) {         /* TCP_FASTOPEN_CONNECT: the kept peer */
		tp->xflags &= ~XF_FO_DEFER;
		deferred.addr = tp->raddr;
		deferred.port = tp->rport;
		sa = &deferred;
	}
	if (tp->xflags & XF_FO_WAIT) {          /* a blocking call, repeated */
		if (tp->state == REF_SYN_SENT || tp->state == REF_SYN_RECEIVED) {
			if (keep_waiting(tp, tp->sndtimeo))
				return REF_PENDING;
			tp->xflags &= ~XF_FO_WAIT;
			uint32_t n = tp->wr_done;
			tp->wr_done = 0;
			return n ? (long)n : -EINPROGRESS;
		}
		/* connected: the rest goes as send() sends it (wr_done: what the SYN
		 * carried), and the call returns the whole count */
		tp->xflags &= ~XF_FO_WAIT;
		tp->flags &= ~TF_CONNECTING;
		return send_once(st, fd, data, len, flags & ~MSG_FASTOPEN, now);
	}
	if (tp->state == REF_LISTEN)
		return -EOPNOTSUPP;
	if ((tp->flags & TF_CONNECTING) || tp->state == REF_SYN_SENT ||
	    tp->state == REF_SYN_RECEIVED)
		return -EALREADY;
	if (tp->state != REF_CLOSED || (tp->flags & TF_DONE))
		return -EISCONN;
	if (!sa)
		return -EDESTADDRREQ;
	const struct ref_fo_cache *e = ref_tfo_cache_get(st, &sa->addr);
	bool cookie = e && e->len;
	uint32_t n = 0;
	if (cookie || (st->cfg.fastopen & REF_TFO_CLIENT_NOCOOKIE)) {
		tp->raddr = sa->addr;
		uint32_t room = ref_tfo_syn_room(tp);
		n = len < room ? (uint32_t)len : room;
	}
	tp->xflags |= XF_TFO | XF_FO_SYN;
	if (!cookie && (st->cfg.fastopen & REF_TFO_CLIENT_NOCOOKIE))
		tp->xflags &= ~XF_FO_SYN;       /* data without any option */
	int rc = connect_once(st, fd, sa, now, data, n);
	if (rc != -EINPROGRESS && rc != REF_PENDING)
		return rc;
	if (n)
		push_mark(tp);
	if (rc == -EINPROGRESS || (flags & MSG_DONTWAIT)) {
		/* non-blocking: the octets on the SYN, or EINPROGRESS (Linux) */
		tp->flags &= ~TF_CONNECTING;    /* the write reports the connection */
		return n ? (long)n : -EINPROGRESS;
	}
	/* blocking: Linux waits for the handshake, then sends the rest */
	tp->xflags |= XF_FO_WAIT;
	tp->wr_done = n;
	return REF_PENDING;
}

long ref_sock_sendto(struct ref_stack *st, int fd, const void *data, size_t len, int flags,
		     const struct ref_sockaddr *sa, int64_t now)
{
	if (!(flags & MSG_FASTOPEN))
		return ref_sock_send(st, fd, data, len, flags, now);
	return call_done(st, fd, fastopen_once(st, fd, data, len, flags, sa, now));
}

/* ---- send and receive ----------------------------------------------------------------- */

/* Remember where this write ended: its last segment carries PSH, also when it is
 * retransmitted (as Linux marks the last buffer of each write). */
static void push_mark(struct ref_tcb *tp)
{
	ref_seq_t end = ref_snd_data_end(tp);
	tp->pushed_seq = end;           /* Linux tcp_mark_push: pushed_seq = write_seq */
	if (tp->npush && tp->pushq[tp->npush - 1] == end)
		return;
	push_at(tp, end);
}

static void push_at(struct ref_tcb *tp, ref_seq_t end)
{
	if (tp->npush == tp->cappush) {
		uint16_t cap = tp->cappush ? tp->cappush * 2 : 8;
		if (cap > 4096 || cap < tp->cappush)
			return;         /* that many writes in flight: PSH only at the end */
		ref_seq_t *q = realloc(tp->pushq, cap * sizeof *q);
		if (!q)
			return;
		tp->pushq = q;
		tp->cappush = cap;
	}
	tp->pushq[tp->npush++] = end;
}

/* PSH beyond the end of each write, as Linux sets it (tcp_sendmsg, forced_push()):
 * while a write fills its send buffers of one MSS each, counted from the first octet
 * not yet sent, a buffer that is full, is not the write's last, and ends more than
 * half the largest window seen past the last push point is pushed.  RFC 9293 3.9.1
 * leaves when to set PSH to the sender beyond the end of a SEND with PUSH; peers
 * written against Linux expect these marks (a write of 3000 octets into a window of
 * 2000 carries PSH on the segment that fills the window). */
static void forced_push(struct ref_tcb *tp, ref_seq_t old_end)
{
	uint32_t mss = tp->snd_mss;
	uint32_t half = tp->max_sndwnd >> 1;
	ref_seq_t end = ref_snd_data_end(tp);
	if (!mss || !REF_CAN_SEND(tp->state))
		return;
	ref_seq_t b = ref_seq_gt(tp->snd_max, tp->snd_buf_seq) ? tp->snd_max : tp->snd_buf_seq;
	if (ref_seq_gt(old_end, b))             /* the first buffer ending after old_end */
		b = ref_seq_add(b, (ref_seq_len(b, old_end) / mss) * mss);
	for (b = ref_seq_add(b, mss); ref_seq_lt(b, end); b = ref_seq_add(b, mss)) {
		if (!ref_seq_gt(b, ref_seq_add(tp->pushed_seq, half)))
			continue;
		tp->pushed_seq = b;
		if (tp->npush && !ref_seq_lt(tp->pushq[tp->npush - 1], b))
			continue;
		push_at(tp, b);
	}
}

static long send_once(struct ref_stack *st, int fd, const void *data, size_t len, int flags,
		      int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	bool nb = (tp->flags & TF_NONBLOCK) || (flags & MSG_DONTWAIT);
	if (tp->state == REF_LISTEN)
		return -ENOTCONN;
	if (tp->so_error) {
		tp->wr_done = 0;
		return -take_error(tp);
	}
	bool tfo_synrcvd = tp->state == REF_SYN_RECEIVED && (tp->xflags & XF_TFO);
	if ((tp->state == REF_SYN_SENT || tp->state == REF_SYN_RECEIVED) && !tfo_synrcvd)
		/* wait for the connection, SO_SNDTIMEO at most (RFC 7413 4.2.2: a Fast
		 * Open server may send before the handshake completes) */
		return nb || !keep_waiting(tp, tp->sndtimeo) ? -EAGAIN : REF_PENDING;
	if ((!REF_CAN_SEND(tp->state) && !tfo_synrcvd) || (tp->flags & TF_FIN_WANTED)) {
		tp->wr_done = 0;
		/* RFC 9293 3.10.2: "error: connection closing"; Linux: EPIPE (or ENOTCONN
		 * for a socket that never connected and is not connecting... also EPIPE) */
		return -EPIPE;
	}
	if (len > INT32_MAX)
		len = INT32_MAX;
	uint32_t done = tp->wr_done;
	uint32_t want = (uint32_t)len - (done < len ? done : (uint32_t)len);
	uint32_t space = tp->sndbuf > tp->sndq.len ? tp->sndbuf - tp->sndq.len : 0;
	uint32_t n = want < space ? want : space;
	if (n) {
		if (ref_ring_reserve(&tp->sndq, tp->sndq.len + n) < 0)
			return -ENOMEM;
		ref_seq_t old_end = ref_snd_data_end(tp);
		ref_ring_put(&tp->sndq, tp->sndq.len, data ? (const uint8_t *)data + done : NULL, n);
		tp->sndq.len += n;
		done += n;
		forced_push(tp, old_end);
		if (flags & MSG_OOB)
			/* RFC 9293 3.8.5, RFC 6093: SND.UP = the octet after the last urgent one */
			tp->snd_up = ref_snd_data_end(tp);
		uint32_t save = tp->flags;
		if (flags & MSG_MORE)
			tp->flags |= TF_CORK;
		ref_output(tp);
		tp->flags = (tp->flags & ~TF_CORK) | (save & TF_CORK);
	}
	if (done < len && !nb) {
		tp->wr_done = done;
		if (keep_waiting(tp, tp->sndtimeo))
			return REF_PENDING;
		/* SO_SNDTIMEO expired: what was queued so far, or EAGAIN (Linux
		 * sk_stream_wait_memory) */
	}
	if (done && !(flags & MSG_MORE))
		push_mark(tp);
	tp->wr_done = 0;
	if (done == 0 && len > 0)
		return -EAGAIN;
	return done;
}

long ref_sock_send(struct ref_stack *st, int fd, const void *data, size_t len, int flags,
		   int64_t now)
{
	struct ref_tcb *tp = fd_get(st, fd);
	if (tp && (tp->xflags & (XF_FO_DEFER | XF_FO_WAIT)))    /* TCP_FASTOPEN_CONNECT's
								 * first write */
		return call_done(st, fd, fastopen_once(st, fd, data, len, flags, NULL, now));
	return call_done(st, fd, send_once(st, fd, data, len, flags, now));
}

/* After the user took data: open the window if it grew enough (Linux's rule: the
 * current window is at most half the buffer and the new one at least twice it), which
 * also respects receiver SWS avoidance (ref_rcv_window). */
static void window_update(struct ref_tcb *tp)
{
	if (!REF_SYNCHRONIZED(tp->state) || (tp->flags & TF_RCVD_FIN))
		return;
	uint32_t cur = ref_seq_len(tp->rcv_nxt, tp->rcv_adv);
	uint32_t w = ref_rcv_window(tp);
	if (w > cur && 2 * (uint64_t)cur <= tp->rcvbuf && w >= 2 * (uint64_t)cur) {
		tp->flags |= TF_ACKNOW;
		ref_output(tp);
	}
}

static long recv_once(struct ref_stack *st, int fd, void *buf, size_t len, int flags,
		      int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	bool nb = (tp->flags & TF_NONBLOCK) || (flags & MSG_DONTWAIT);
	if (flags & MSG_OOB) {
		/* RFC 6093 / Linux: the last octet of urgent data, out of band */
		if (tp->flags & TF_OOBINLINE)
			return -EINVAL;
		if (tp->flags & TF_HAVE_OOB) {
			if (len && buf)
				*(uint8_t *)buf = tp->oob_byte;
			if (!(flags & MSG_PEEK)) {
				tp->flags &= ~TF_HAVE_OOB;
				tp->flags |= TF_OOB_READ;
			}
			return len ? 1 : 0;
		}
		if ((tp->flags & TF_URG_VALID) && !(tp->flags & TF_OOB_READ) &&
		    tp->state != REF_CLOSED)
			return -EAGAIN;
		return -EINVAL;
	}
	if (tp->state == REF_LISTEN)
		return -ENOTCONN;
	/* after shutdown(SHUT_RD) what is queued, and what still arrives, stays
	 * readable; end of file only once it is drained (Linux: RCV_SHUTDOWN only ends
	 * the wait for more) */
	uint32_t avail = ref_rcvq_readable(tp);
	if (avail == 0) {
		if (tp->so_error)
			return -take_error(tp);
		if (rcv_shutdown(tp))
			return 0;
		if (tp->state == REF_CLOSED)
			return -ENOTCONN;
		if (len == 0)
			return 0;
		/* SO_RCVTIMEO: EAGAIN when it expires with nothing read (Linux) */
		return nb || !keep_waiting(tp, tp->rcvtimeo) ? -EAGAIN : REF_PENDING;
	}
	/* MSG_WAITALL on a blocking socket: wait for all of it (or as much as the buffer
	 * can hold), unless the stream ends first */
	if ((flags & MSG_WAITALL) && !nb && avail < len && avail < tp->rcvbuf &&
	    !rcv_shutdown(tp) && !tp->so_error && tp->state != REF_CLOSED &&
	    keep_waiting(tp, tp->rcvtimeo))
		return REF_PENDING;     /* (SO_RCVTIMEO expired: return what is there) */
	ref_seq_t rd = ref_seq_sub(tp->rcv_nxt, tp->rcvq.len);
	uint32_t n = len < avail ? (uint32_t)len : avail;
	/* The urgent mark: stop reading there; the urgent octet itself is skipped (it
	 * is read with MSG_OOB) unless SO_OOBINLINE (RFC 6093 3, Linux semantics).
	 * With SO_OOBINLINE a read still stops at the mark, and the next one starts
	 * with the urgent octet (Linux tcp_recvmsg: "used = urg_offset"; RFC 9293
	 * MUST-33 asks that the application can tell where urgent data ends). */
	bool inl = tp->flags & TF_OOBINLINE;
	if (tp->flags & TF_URG_VALID) {
		ref_seq_t ubyte = ref_seq_sub(tp->rcv_up, 1);
		if (inl) {
			if (ubyte != rd && ref_seq_in(ubyte, rd, ref_seq_add(rd, n)))
				n = ref_seq_len(rd, ubyte);
		} else if (ubyte == rd && (tp->flags & (TF_HAVE_OOB | TF_OOB_READ)) && avail > 0) {
			ref_ring_consume(&tp->rcvq, 1);     /* the byte went out of band */
			tp->flags &= ~TF_URG_VALID;
			avail--;
			rd = ref_seq_add(rd, 1);
			n = len < avail ? (uint32_t)len : avail;
			if (n == 0)
				return nb ? -EAGAIN : REF_PENDING;
		} else if (ref_seq_in(ubyte, rd, ref_seq_add(rd, n))) {
			n = ref_seq_len(rd, ubyte);
		}
	}
	if (buf)
		ref_ring_get(&tp->rcvq, 0, buf, n);
	if (!(flags & MSG_PEEK)) {
		ref_ring_consume(&tp->rcvq, n);
		window_update(tp);
	}
	return n;
}

long ref_sock_recv(struct ref_stack *st, int fd, void *buf, size_t len, int flags,
		   int64_t now)
{
	return call_done(st, fd, recv_once(st, fd, buf, len, flags, now));
}

/* ---- close and shutdown --------------------------------------------------------------- */

static void send_fin(struct ref_tcb *tp)
{
	/* RFC 9293 3.10.4 CLOSE: "Queue this until all preceding SENDs have been
	 * segmentized, then form a FIN segment and send it." */
	tp->flags |= TF_FIN_WANTED;
	if (tp->state == REF_ESTABLISHED || tp->state == REF_SYN_RECEIVED)
		ref_set_state(tp, REF_FIN_WAIT_1);
	else if (tp->state == REF_CLOSE_WAIT)
		ref_set_state(tp, REF_LAST_ACK);
	ref_output(tp);
}

static void abort_conn(struct ref_tcb *tp)
{
	/* RFC 9293 3.10.5 ABORT: "send a reset segment <SEQ=SND.NXT><CTL=RST>" */
	if (tp->state >= REF_SYN_RECEIVED && tp->state != REF_TIME_WAIT)
		ref_send_rst_for(tp);
	ref_tcb_closed(tp, 0);
}

static void detach_fd(struct ref_stack *st, struct ref_tcb *tp, int fd)
{
	st->fds[fd] = NULL;
	tp->fd = -1;
	if (tp->state == REF_FIN_WAIT_2 && tp->t_2msl == REF_NEVER) {
		tp->t_2msl = st->now + (int64_t)st->cfg.fin_timeout_s * REF_SEC;
		ref_timer_update(tp);
	}
}

int ref_sock_close(struct ref_stack *st, int fd, int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	/* SO_LINGER with a timeout on a blocking socket: close() waits until the FIN is
	 * acknowledged or the time is up (RFC 9293 3.10.4 leaves it to the API) */
	if (tp->flags & TF_LINGERING) {
		if (tp->state != REF_CLOSED && !REF_FIN_ACKED(tp->state) && tp->t_linger != REF_NEVER)
			return REF_PENDING;
		tp->flags &= ~TF_LINGERING;
		tp->t_linger = REF_NEVER;
		ref_timer_update(tp);
		detach_fd(st, tp, fd);
		ref_tcb_release_if_dead(tp);
		return 0;
	}
	if ((tp->flags & TF_LINGER) && tp->linger_s > 0 && !(tp->flags & TF_NONBLOCK) &&
	    tp->state >= REF_SYN_RECEIVED && tp->rcvq.len == 0 && !REF_FIN_ACKED(tp->state)) {
		if (!(tp->flags & TF_FIN_WANTED))
			send_fin(tp);
		tp->flags |= TF_LINGERING;
		tp->t_linger = st->now + (int64_t)tp->linger_s * REF_SEC;
		ref_timer_update(tp);
		return REF_PENDING;
	}
	st->fds[fd] = NULL;
	tp->fd = -1;
	switch (tp->state) {
	case REF_LISTEN:
		/* connections not yet accepted are reset (Linux) */
		while (tp->qnext) {
			struct ref_tcb *c = tp->qnext;
			ref_child_unlink(c);
			if (REF_SYNCHRONIZED(c->state))
				ref_send_rst_for(c);
			ref_tcb_closed(c, 0);
			ref_tcb_release_if_dead(c);
		}
		ref_tcb_closed(tp, 0);
		break;
	case REF_CLOSED:
	case REF_SYN_SENT:
		/* "delete the TCB" (RFC 9293 3.10.4, SYN-SENT) */
		ref_tcb_closed(tp, 0);
		break;
	default:
		if (tp->rcvq.len > 0 || ((tp->flags & TF_LINGER) && tp->linger_s == 0)) {
			/* RFC 9293 3.6 (SHLD-2): CLOSE with received data still pending sends a
			 * RST; SO_LINGER with a zero timeout is an ABORT (3.10.5) */
			abort_conn(tp);
			break;
		}
		if (!(tp->flags & TF_FIN_WANTED))
			send_fin(tp);
		if (tp->state == REF_FIN_WAIT_2 && tp->t_2msl == REF_NEVER) {
			tp->t_2msl = st->now + (int64_t)st->cfg.fin_timeout_s * REF_SEC;
			ref_timer_update(tp);
		}
		break;
	}
	ref_tcb_release_if_dead(tp);
	return 0;
}

int ref_sock_shutdown(struct ref_stack *st, int fd, int how, int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	if (tp->state == REF_CLOSED || tp->state == REF_SYN_SENT)
		return -ENOTCONN;
	if (tp->state == REF_LISTEN) {
		if (how != SHUT_WR) {   /* Linux: SHUT_RD stops listening */
			while (tp->qnext) {
				struct ref_tcb *c = tp->qnext;
				ref_child_unlink(c);
				if (REF_SYNCHRONIZED(c->state))
					ref_send_rst_for(c);
				ref_tcb_closed(c, 0);
				ref_tcb_release_if_dead(c);
			}
			ref_tcb_hash_remove(st, tp);
			tp->state = REF_CLOSED;
		}
		return 0;
	}
	if (how != SHUT_WR)
		tp->flags |= TF_SHUT_RD;        /* (the queue is kept, as Linux's inet_shutdown) */
	if (how != SHUT_RD && REF_CAN_SEND(tp->state) && !(tp->flags & TF_FIN_WANTED))
		send_fin(tp);                   /* half-close (RFC 9293 3.6) */
	return 0;
}

/* ---- options ---------------------------------------------------------------------------- */

static int get_int(const void *val, unsigned len, int *out)
{
	if (!val || len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

/* TCP_CONGESTION: the stack's congestion control is RFC 5681 with RFC 6582 NewReno,
 * which Linux calls "reno"; scripts written for Linux select it to get the standard
 * behaviour.  Other algorithms Linux has are not implemented here (-ENOPROTOOPT:
 * the target reports the script unsupported); a name Linux does not know is ENOENT,
 * as Linux's tcp_set_congestion_control() says. */
static int set_congestion(const void *val, unsigned len)
{
	static const char *const linux_cc[] = {
		"cubic", "bbr", "bic", "cdg", "dctcp", "highspeed", "htcp", "hybla",
		"illinois", "lp", "nv", "scalable", "vegas", "veno", "westwood", "yeah",
	};
	char name[16];
	if (!val || len == 0)
		return -EINVAL;
	unsigned n = len < sizeof name - 1 ? len : (unsigned)sizeof name - 1;
	memcpy(name, val, n);
	name[n] = 0;
	if (!strcmp(name, "reno"))
		return 0;
	for (size_t i = 0; i < sizeof linux_cc / sizeof linux_cc[0]; i++)
		if (!strcmp(name, linux_cc[i]))
			return -ENOPROTOOPT;
	return -ENOENT;
}

int ref_sock_setsockopt(struct ref_stack *st, int fd, int level, int name,
			const void *val, unsigned len, int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	int v = 0;
	if (level == SOL_SOCKET) {
		if (name == SO_LINGER) {
			struct linger lg;
			if (!val || len < sizeof lg)
				return -EINVAL;
			memcpy(&lg, val, sizeof lg);
			if (lg.l_onoff)
				tp->flags |= TF_LINGER;
			else
				tp->flags &= ~TF_LINGER;
			tp->linger_s = lg.l_linger < 0 ? 0 : lg.l_linger > 65535 ? 65535 : lg.l_linger;
			return 0;
		}
		if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
			/* Linux sock_set_timeout(): a struct timeval; tv_usec outside
			 * [0, 1e6) is EDOM; {0, 0} waits forever; a negative tv_sec means
			 * no waiting at all (stored as -1 here, read back as {0, 0}) */
			struct timeval tv;
			if (!val || len < sizeof tv)
				return -EINVAL;
			memcpy(&tv, val, sizeof tv);
			if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
				return -EDOM;
			int64_t ns = tv.tv_sec < 0 ? -1
				     : (int64_t)tv.tv_sec * REF_SEC + (int64_t)tv.tv_usec * 1000;
			if (name == SO_RCVTIMEO)
				tp->rcvtimeo = ns;
			else
				tp->sndtimeo = ns;
			return 0;
		}
		if (get_int(val, len, &v) < 0)
			return -EINVAL;
		switch (name) {
		case SO_REUSEADDR:
			tp->flags = v ? tp->flags | TF_REUSEADDR : tp->flags & ~TF_REUSEADDR;
			return 0;
		case SO_KEEPALIVE:
			tp->flags = v ? tp->flags | TF_KEEPALIVE : tp->flags & ~TF_KEEPALIVE;
			if (v && REF_SYNCHRONIZED(tp->state))
				tp->t_keep = st->now + (int64_t)tp->keep_idle_s * REF_SEC;
			else if (!v)
				tp->t_keep = REF_NEVER;
			ref_timer_update(tp);
			return 0;
		case SO_OOBINLINE:
			tp->flags = v ? tp->flags | TF_OOBINLINE : tp->flags & ~TF_OOBINLINE;
			return 0;
		case SO_RCVBUF: {
			/* Linux: doubled for bookkeeping overhead, clamped by rmem_max */
			uint32_t b = v < 0 ? 0 : (uint32_t)v;
			if (b > st->cfg.core_rmem_max)
				b = st->cfg.core_rmem_max;
			b = b > UINT32_MAX / 2 ? UINT32_MAX : b * 2;
			tp->rcvbuf = b < 2304 ? 2304 : b;
			tp->rcvbuf_locked = true;
			return 0;
		}
		case SO_SNDBUF: {
			uint32_t b = v < 0 ? 0 : (uint32_t)v;
			if (b > st->cfg.core_wmem_max)
				b = st->cfg.core_wmem_max;
			b = b > UINT32_MAX / 2 ? UINT32_MAX : b * 2;
			tp->sndbuf = b < 4608 ? 4608 : b;
			tp->flags |= TF_SNDBUF_SET;
			return 0;
		}
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	if (name == TCP_CONGESTION)
		return set_congestion(val, len);
	if (name == TCP_FASTOPEN_KEY)
		return ref_tfo_set_key(tp, val, len);
	if (get_int(val, len, &v) < 0)
		return -EINVAL;
	switch (name) {
	case REF_TCP_REMOTE_UDP_ENCAPS_PORT:
		return ref_encap_setsockopt(tp, v);
	case TCP_NODELAY:
		tp->flags = v ? tp->flags | TF_NODELAY : tp->flags & ~TF_NODELAY;
		if (v && REF_SYNCHRONIZED(tp->state))
			ref_output(tp);         /* pending small segments go now */
		return 0;
	case TCP_CORK:
		tp->flags = v ? tp->flags | TF_CORK : tp->flags & ~TF_CORK;
		if (!v && REF_SYNCHRONIZED(tp->state)) {
			uint32_t save = tp->flags;
			tp->flags |= TF_NODELAY;        /* uncorking pushes what is held */
			ref_output(tp);
			tp->flags = (tp->flags & ~TF_NODELAY) | (save & TF_NODELAY);
		}
		return 0;
	case TCP_MAXSEG:
		if (v < 88 || v > 32767)        /* Linux's bounds */
			return -EINVAL;
		tp->user_mss = v;
		return 0;
	case TCP_KEEPIDLE:
		if (v < 1 || v > 32767)
			return -EINVAL;
		tp->keep_idle_s = v;
		if (tp->t_keep != REF_NEVER) {
			tp->t_keep = tp->last_recv + (int64_t)v * REF_SEC;
			if (tp->t_keep < st->now)
				tp->t_keep = st->now;
			ref_timer_update(tp);
		}
		return 0;
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		tp->keep_intvl_s = v;
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		tp->keep_cnt = v;
		return 0;
	case TCP_SYNCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		tp->syn_retries = v;
		return 0;
	case TCP_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		tp->user_timeout_ms = v;
		return 0;
	case TCP_DEFER_ACCEPT: {
		/* Linux: seconds, kept as the number of SYN-ACK timeouts (1 s doubling,
		 * at most 120 s each) that first cover them */
		uint8_t n = 0;
		if (v > 0) {
			int64_t period = 1, timeout = 1;
			for (n = 1; v > period && n < 255; n++) {
				timeout = timeout * 2 > 120 ? 120 : timeout * 2;
				period += timeout;
			}
		}
		tp->defer_accept = n;
		return 0;
	}
	case TCP_FASTOPEN_CONNECT:
		/* Linux: 0 or 1, on a closed socket, with client Fast Open enabled */
		if (v < 0 || v > 1)
			return -EINVAL;
		if (!(st->cfg.fastopen & REF_TFO_CLIENT))
			return -EOPNOTSUPP;
		if (tp->state != REF_CLOSED)
			return -EINVAL;
		tp->xflags = v ? tp->xflags | XF_FO_CONNECT : tp->xflags & ~XF_FO_CONNECT;
		return 0;
	case TCP_FASTOPEN:
		/* RFC 7413 5.1: the listener's limit on pending Fast Open connections;
		 * Linux takes it in CLOSED and LISTEN only */
		if (tp->state != REF_CLOSED && tp->state != REF_LISTEN)
			return -EINVAL;
		if (v < 0)
			return -EINVAL;
		tp->fastopen_qlen = v > 65535 ? 65535 : (uint16_t)v;
		return 0;
	case TCP_QUICKACK:
		if (v && (tp->t_delack != REF_NEVER || tp->rcv_unacked))
			ref_send_ack_now(tp);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int put_int(void *val, unsigned *len, int v)
{
	if (!val || !len || *len < sizeof(int))
		return -EINVAL;
	memcpy(val, &v, sizeof v);
	*len = sizeof v;
	return 0;
}

int ref_sock_getsockopt(struct ref_stack *st, int fd, int level, int name,
			void *val, unsigned *len, int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ERROR:
			return put_int(val, len, take_error(tp));
		case SO_REUSEADDR:
			return put_int(val, len, !!(tp->flags & TF_REUSEADDR));
		case SO_KEEPALIVE:
			return put_int(val, len, !!(tp->flags & TF_KEEPALIVE));
		case SO_OOBINLINE:
			return put_int(val, len, !!(tp->flags & TF_OOBINLINE));
		case SO_TYPE:
			return put_int(val, len, SOCK_STREAM);
		case SO_RCVBUF:
			return put_int(val, len, (int)tp->rcvbuf);
		case SO_SNDBUF:
			return put_int(val, len, (tp->flags & TF_SNDBUF_SET) ? (int)tp->sndbuf
					: (int)st->cfg.wmem_default);
		case SO_RCVTIMEO:
		case SO_SNDTIMEO: {
			int64_t ns = name == SO_RCVTIMEO ? tp->rcvtimeo : tp->sndtimeo;
			if (ns < 0)
				ns = 0;
			struct timeval tv = { .tv_sec = ns / REF_SEC,
					      .tv_usec = (ns % REF_SEC) / 1000 };
			if (!val || !len || *len < sizeof tv)
				return -EINVAL;
			memcpy(val, &tv, sizeof tv);
			*len = sizeof tv;
			return 0;
		}
		case SO_LINGER: {
			struct linger lg = { !!(tp->flags & TF_LINGER), tp->linger_s };
			if (!val || !len || *len < sizeof lg)
				return -EINVAL;
			memcpy(val, &lg, sizeof lg);
			*len = sizeof lg;
			return 0;
		}
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	switch (name) {
	case REF_TCP_REMOTE_UDP_ENCAPS_PORT:
		return put_int(val, len, tp->encap_port);
	case TCP_NODELAY:
		return put_int(val, len, !!(tp->flags & TF_NODELAY));
	case TCP_CORK:
		return put_int(val, len, !!(tp->flags & TF_CORK));
	case TCP_MAXSEG:
		/* Linux: the current MSS once connected, else the user's or 536 */
		if (REF_SYNCHRONIZED(tp->state))
			return put_int(val, len, tp->snd_mss);
		return put_int(val, len, tp->user_mss ? tp->user_mss : 536);
	case TCP_KEEPIDLE:
		return put_int(val, len, tp->keep_idle_s);
	case TCP_KEEPINTVL:
		return put_int(val, len, tp->keep_intvl_s);
	case TCP_KEEPCNT:
		return put_int(val, len, tp->keep_cnt);
	case TCP_SYNCNT:
		return put_int(val, len, tp->syn_retries);
	case TCP_USER_TIMEOUT:
		return put_int(val, len, tp->user_timeout_ms);
	case TCP_FASTOPEN:
		return put_int(val, len, tp->fastopen_qlen);
	case TCP_FASTOPEN_CONNECT:
		return put_int(val, len, !!(tp->xflags & XF_FO_CONNECT));
	case TCP_FASTOPEN_KEY:
		return ref_tfo_get_key(tp, val, len);
	case TCP_DEFER_ACCEPT: {
		/* Linux: the seconds the timeouts cover (retrans_to_secs) */
		int64_t period = 0, timeout = 1;
		for (unsigned i = 0; i < tp->defer_accept; i++) {
			period += timeout;
			timeout = timeout * 2 > 120 ? 120 : timeout * 2;
		}
		return put_int(val, len, (int)period);
	}
	case TCP_INFO: {
		/* Linux: min(len, sizeof(struct tcp_info)) bytes, any socket state */
		struct ref_tcp_info ti;
		if (!len || (int)*len < 0)
			return -EINVAL;
		ref_sock_tcp_info(st, fd, &ti, now);
		return ref_tcp_info_bytes(&ti, val, len);
	}
	default:
		return -ENOPROTOOPT;
	}
}

int ref_sock_fcntl(struct ref_stack *st, int fd, int cmd, long arg)
{
	GET(tp, st, fd);
	switch (cmd) {
	case F_GETFL:
		return O_RDWR | ((tp->flags & TF_NONBLOCK) ? O_NONBLOCK : 0);
	case F_SETFL:
		tp->flags = (arg & O_NONBLOCK) ? tp->flags | TF_NONBLOCK : tp->flags & ~TF_NONBLOCK;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Linux tcp_poll() semantics. */
int ref_sock_poll(struct ref_stack *st, int fd, int events)
{
	GET(tp, st, fd);
	int mask = 0;
	if (tp->state == REF_LISTEN) {
		for (struct ref_tcb *c = tp->qnext; c; c = c->qnext)
			if (c->flags & TF_QUEUED)
				return (POLLIN | POLLRDNORM) & events;
		return 0;
	}
	if (tp->xflags & XF_FO_DEFER)          /* Linux: writable, the SYN waits for data */
		return (POLLOUT | POLLWRNORM) & events;
	bool rd_shut = rcv_shutdown(tp), wr_shut = snd_shutdown(tp);
	if (tp->so_error)
		mask |= POLLERR;
	if ((rd_shut && wr_shut) || tp->state == REF_CLOSED)
		mask |= POLLHUP;
	if (rd_shut)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (tp->state != REF_SYN_SENT &&
	    (tp->state != REF_SYN_RECEIVED || (tp->xflags & XF_TFO))) {
		if (ref_rcvq_readable(tp) > 0)
			mask |= POLLIN | POLLRDNORM;
		if (!wr_shut) {
			uint32_t space = tp->sndbuf > tp->sndq.len ? tp->sndbuf - tp->sndq.len : 0;
			if (space >= tp->sndq.len / 2 && space > 0)
				mask |= POLLOUT | POLLWRNORM;
		} else {
			mask |= POLLOUT | POLLWRNORM;
		}
		if (tp->flags & TF_HAVE_OOB)
			mask |= POLLPRI;
	}
	return mask & (events | POLLERR | POLLHUP);
}

int ref_sock_ioctl(struct ref_stack *st, int fd, unsigned long req, int *out)
{
	GET(tp, st, fd);
	switch (req) {
	case SIOCINQ:
		if (tp->state == REF_LISTEN)
			return -EINVAL;
		*out = (int)ref_rcvq_readable(tp);
		return 0;
	case SIOCOUTQ:
		if (tp->state == REF_LISTEN)
			return -EINVAL;
		*out = (int)tp->sndq.len;
		return 0;
	case SIOCATMARK: {
		/* MUST-33: whether the next octet to read is the urgent mark */
		ref_seq_t rd = ref_seq_sub(tp->rcv_nxt, tp->rcvq.len);
		*out = (tp->flags & TF_URG_VALID) && rd == ref_seq_sub(tp->rcv_up, 1);
		return 0;
	}
	case SIOCOUTQNSD:
		if (tp->state == REF_LISTEN)
			return -EINVAL;
		*out = (int)ref_seq_len(tp->snd_nxt, ref_snd_data_end(tp));
		return 0;
	default:
		return -ENOTTY;
	}
}

int ref_sock_getpeername(struct ref_stack *st, int fd, struct ref_sockaddr *sa)
{
	GET(tp, st, fd);
	if (!REF_HAVE_RCVD_SYN(tp->state) && tp->state != REF_SYN_SENT)
		return -ENOTCONN;
	sa->addr = tp->raddr;
	sa->port = tp->rport;
	return 0;
}

int ref_sock_state(struct ref_stack *st, int fd)
{
	GET(tp, st, fd);
	return tp->state;
}

int ref_sock_wakeups(struct ref_stack *st, int fd, uint32_t *rd, uint32_t *all)
{
	GET(tp, st, fd);
	*rd = tp->wake_rd;
	*all = tp->wake_all;
	return 0;
}

int ref_sock_tcp_info(struct ref_stack *st, int fd, struct ref_tcp_info *ti, int64_t now)
{
	GET(tp, st, fd);
	set_now(st, now);
	memset(ti, 0, sizeof *ti);
	uint32_t mss = tp->snd_mss ? tp->snd_mss : ref_default_mss(tp->family);
	/* A TCP_FASTOPEN_CONNECT connect() held back until the first write is SYN-SENT
	 * on Linux (tcp_v4_connect() sets the state before deferring the SYN) */
	ti->state = ref_state_linux((tp->xflags & XF_FO_DEFER) ? REF_SYN_SENT : tp->state);
	ti->ca_state = (tp->flags & TF_IN_RECOVERY) ? 3 : tp->nrexmt ? 4
		       : (tp->xflags & XF_ECN_REDUCED) ? 2 : 0;   /* Recovery, Loss, CWR */
	ti->retransmits = tp->nrexmt;
	ti->probes = tp->probes;
	ti->backoff = tp->backoff;
	ti->options = ((tp->flags & TF_TS_OK) ? REF_TI_OPT_TIMESTAMPS : 0) |
		      ((tp->flags & TF_SACK_OK) ? REF_TI_OPT_SACK : 0) |
		      ((tp->flags & TF_WS_OK) ? REF_TI_OPT_WSCALE : 0) |
		      ((tp->xflags & XF_ECN_OK) ? REF_TI_OPT_ECN : 0) |
		      ((tp->xflags & XF_SYN_DATA_ACKED) ? REF_TI_OPT_SYN_DATA : 0);
	/* negotiated once the peer's SYN is in (a Fast Open child is accepted in
	 * SYN-RECEIVED, its options known, as Linux reports them) */
	if (!REF_HAVE_RCVD_SYN(tp->state))
		ti->options = 0;
	ti->snd_wscale = tp->snd_wscale;
	ti->rcv_wscale = tp->rcv_wscale;
	ti->rto = (uint32_t)(ref_rto_backed_off(tp) / 1000);
	/* Linux icsk_ack.ato: 0 until the first data arrives, then the delayed-ACK time */
	ti->ato = (tp->flags & TF_DATA_SEEN) ? tp->st->cfg.delack_ms * 1000 : 0;
	ti->snd_mss = mss;
	ti->rcv_mss = tp->rcv_mss;
	ti->unacked = mss ? (ref_flight(tp) + mss - 1) / mss : 0;
	ti->sacked = mss ? (ref_sack_sacked(tp) + mss - 1) / mss : 0;
	/* tcpi_lost and tcpi_retrans in segments, as Linux's lost_out and retrans_out:
	 * after an RTO everything outstanding then and not SACKed since is lost (Linux
	 * tcp_enter_loss); else the holes RFC 6675 IsLost() declares lost, or in NewReno
	 * fast recovery (RFC 6582) the segment at SND.UNA; retransmitted: the unSACKed
	 * octets below the highest retransmitted one */
	if (ref_seq_lt(tp->snd_una, tp->loss_end) && ref_seq_leq(tp->loss_end, tp->snd_max))
		ti->lost = ref_sack_count_segs(tp, tp->snd_una, tp->loss_end, false);
	else if (tp->nsb)
		ti->lost = ref_sack_count_segs(tp, tp->snd_una, tp->snd_max, true);
	else if ((tp->flags & TF_IN_RECOVERY) && ref_seq_lt(tp->snd_una, tp->snd_max))
		ti->lost = 1;
	if (ref_seq_lt(tp->snd_una, tp->rxt_end) && ref_seq_leq(tp->rxt_end, tp->snd_max))
		ti->retrans = ref_sack_count_segs(tp, tp->snd_una, tp->rxt_end, false);
	ti->dsack_dups = tp->dsack_dups;
	ti->delivered_ce = tp->delivered_ce;
	ti->last_data_sent = tp->last_data_sent ? (uint32_t)((st->now - tp->last_data_sent) / REF_MS) : 0;
	ti->last_data_recv = tp->last_data_recv ? (uint32_t)((st->now - tp->last_data_recv) / REF_MS) : 0;
	ti->last_ack_recv = tp->last_ack_recv ? (uint32_t)((st->now - tp->last_ack_recv) / REF_MS) : 0;
	ti->pmtu = tp->pmtu ? tp->pmtu : st->cfg.mtu;
	ti->rcv_ssthresh = tp->rcvbuf;
	ti->rtt = tp->srtt >= 0 ? (uint32_t)(tp->srtt / 1000) : 0;
	ti->rttvar = tp->srtt >= 0 ? (uint32_t)(tp->rttvar / 1000) : 250000;
	ti->snd_ssthresh = tp->ssthresh == UINT32_MAX ? 0x7fffffff : tp->ssthresh / mss;
	ti->snd_cwnd = tp->cwnd / mss;
	ti->advmss = tp->adv_mss;
	ti->reordering = 3;
	ti->rcv_space = tp->rcvbuf;
	ti->total_retrans = tp->total_retrans;
	ti->bytes_acked = tp->bytes_acked;
	ti->bytes_received = tp->bytes_received;
	ti->bytes_sent = tp->bytes_sent;
	ti->bytes_retrans = tp->bytes_retrans;
	ti->segs_out = tp->segs_out;
	ti->segs_in = tp->segs_in;
	ti->data_segs_out = tp->data_segs_out;
	ti->data_segs_in = tp->data_segs_in;
	ti->notsent_bytes = ref_seq_len(tp->snd_nxt, ref_snd_data_end(tp));
	ti->snd_wnd = tp->snd_wnd;
	ti->rcv_wnd = ref_seq_len(tp->rcv_nxt, tp->rcv_adv);
	return 0;
}
