/* lwip_sockets.c: a socket layer over lwIP's raw API (see lwip_plugin.h): fds, lwIP's
 * callbacks, addresses, the calls, end of file and errno in Linux's terms, and
 * blocking calls as TARGET_PENDING. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip_plugin.h"

#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"

/* ---- sockets: bookkeeping ----------------------------------------------------------- */

static struct lsock *sock_new(struct lwplug *w, int domain)
{
	struct lsock *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	if (w->nall == w->allcap) {
		size_t n = w->allcap ? w->allcap * 2 : 16;
		struct lsock **a = realloc(w->all, n * sizeof *a);
		if (!a) {
			free(s);
			return NULL;
		}
		w->all = a;
		w->allcap = n;
	}
	w->all[w->nall++] = s;
	s->fd = -1;
	s->domain = domain;
	s->owner = w;
	s->kind = LS_CONN;
	return s;
}

/* fds from the SDK's table: the lowest free one from 3, as Linux hands them out */
static int fd_alloc(struct lwplug *w, struct lsock *s)
{
	int fd = tcpspec_fd_alloc(&w->fds, s);
	if (fd >= 0)
		s->fd = fd;
	return fd;
}

struct lsock *lwp_sock_of(struct lwplug *w, int fd)
{
	return tcpspec_fd_get(&w->fds, fd);
}

/* Forget our callbacks on a pcb we let go of (lwIP may keep it for FIN-WAIT, TIME-WAIT). */
void lwp_pcb_detach(struct tcp_pcb *pcb, bool listening)
{
	tcp_arg(pcb, NULL);
	if (listening) {
		tcp_accept(pcb, NULL);
		return;
	}
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

static bool rbuf_append(struct lsock *s, struct pbuf *p)
{
	size_t need = s->rlen + p->tot_len;
	if (need > s->rcap) {
		size_t n = s->rcap ? s->rcap : 4096;
		while (n < need)
			n *= 2;
		uint8_t *b = realloc(s->rbuf, n);
		if (!b)
			return false;
		s->rbuf = b;
		s->rcap = n;
	}
	pbuf_copy_partial(p, s->rbuf + s->rlen, p->tot_len, 0);
	s->rlen = need;
	return true;
}

/* ---- lwIP callbacks ------------------------------------------------------------------ */

static err_t cb_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct lsock *s = arg;
	if (!s || s->kind != LS_CONN) {
		if (p)
			pbuf_free(p);
		return ERR_OK;
	}
	if (!p) {
		s->fin_rcvd = true;
		return ERR_OK;
	}
	if (err != ERR_OK || !rbuf_append(s, p))
		return ERR_MEM;         /* lwIP keeps the data and offers it again */
	/* The window opens again only when the application reads (tcp_recved in read). */
	pbuf_free(p);
	(void)pcb;
	return ERR_OK;
}

static void cb_err(void *arg, err_t err)
{
	struct lsock *s = arg;
	if (!s || s->kind != LS_CONN)
		return;
	/* the pcb is already freed */
	s->pcb = NULL;
	s->dead = true;
	if (s->connecting && !s->connected) {
		s->err = err == ERR_RST ? ECONNREFUSED : ETIMEDOUT;
		s->conn_failed = true;
	} else if (err == ERR_RST) {
		/* Linux tcp_reset(): EPIPE in CLOSE-WAIT, ECONNRESET elsewhere */
		s->err = s->fin_rcvd && !s->shut_wr ? EPIPE : ECONNRESET;
	} else {
		s->err = err == ERR_ABRT ? ETIMEDOUT : EPIPE;
	}
	s->connecting = false;
}

static err_t cb_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct lsock *s = arg;
	(void)pcb;
	if (s && s->kind == LS_CONN && err == ERR_OK) {
		s->connected = true;
		s->connecting = false;
	}
	return ERR_OK;
}

static void conn_callbacks(struct lsock *s)
{
	tcp_arg(s->pcb, s);
	tcp_recv(s->pcb, cb_recv);
	tcp_err(s->pcb, cb_err);
}

static err_t cb_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct lsock *l = arg;
	if (err != ERR_OK || !newpcb)
		return ERR_VAL;
	if (!l || l->kind != LS_LISTEN) {
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	struct lwplug *w = l->owner;
	struct lsock *s = sock_new(w, l->domain);
	if (!s) {
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	if (l->aqlen == l->aqcap) {
		size_t n = l->aqcap ? l->aqcap * 2 : 8;
		struct lsock **a = realloc(l->aq, n * sizeof *a);
		if (!a) {
			s->kind = LS_FREE;
			tcp_abort(newpcb);
			return ERR_ABRT;
		}
		l->aq = a;
		l->aqcap = n;
	}
	s->pcb = newpcb;
	s->connected = true;
	s->connect_reported = true;
	s->listener = l;
	if (l->nodelay) {
		s->nodelay = true;
		tcp_nagle_disable(newpcb);
	}
	conn_callbacks(s);
	l->aq[l->aqlen++] = s;
	return ERR_OK;
}

/* ---- addresses --------------------------------------------------------------------- */

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool sa_to_ip(const struct sockaddr_storage *ss, socklen_t len, ip_addr_t *ip,
		     uint16_t *port)
{
	if (ss->ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *a = (const void *)ss;
		ip_addr_set_zero_ip4(ip);
		ip_2_ip4(ip)->addr = a->sin_addr.s_addr;
		*port = ntohs(a->sin_port);
		return true;
	}
	if (ss->ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *a = (const void *)ss;
		*port = ntohs(a->sin6_port);
		if (!memcmp(&a->sin6_addr, v4mapped, 12)) {
			ip_addr_set_zero_ip4(ip);
			memcpy(&ip_2_ip4(ip)->addr, a->sin6_addr.s6_addr + 12, 4);
			return true;
		}
		if (IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr)) {
			/* a dual-stack wildcard, as Linux's AF_INET6 sockets are */
			ip_addr_copy(*ip, *IP_ANY_TYPE);
			return true;
		}
		ip_addr_set_zero_ip6(ip);
		memcpy(ip_2_ip6(ip)->addr, &a->sin6_addr, 16);
		ip6_addr_clear_zone(ip_2_ip6(ip));
		return true;
	}
	return false;
}

static socklen_t ip_to_sa(int domain, const ip_addr_t *ip, uint16_t port,
			  struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (domain == AF_INET6) {
		struct sockaddr_in6 *a = (void *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (IP_IS_V4(ip)) {
			memcpy(&a->sin6_addr, v4mapped, 12);
			memcpy(a->sin6_addr.s6_addr + 12, &ip_2_ip4(ip)->addr, 4);
		} else {
			memcpy(&a->sin6_addr, ip_2_ip6(ip)->addr, 16);
		}
		return sizeof *a;
	}
	struct sockaddr_in *a = (void *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr.s_addr = IP_IS_V4(ip) ? ip_2_ip4(ip)->addr : 0;
	return sizeof *a;
}

long lwp_err(err_t e)
{
	switch (e) {
	case ERR_OK: return 0;
	case ERR_MEM: case ERR_BUF: return -ENOMEM;
	case ERR_TIMEOUT: return -ETIMEDOUT;
	case ERR_RTE: return -EHOSTUNREACH;
	case ERR_INPROGRESS: return -EINPROGRESS;
	case ERR_VAL: case ERR_ARG: return -EINVAL;
	case ERR_WOULDBLOCK: return -EAGAIN;
	case ERR_USE: return -EADDRINUSE;
	case ERR_ALREADY: return -EALREADY;
	case ERR_ISCONN: return -EISCONN;
	case ERR_CONN: return -ENOTCONN;
	case ERR_IF: return -ENETUNREACH;
	case ERR_ABRT: return -ECONNABORTED;
	case ERR_RST: return -ECONNRESET;
	case ERR_CLSD: return -ENOTCONN;
	default: return -EIO;
	}
}


int lwp_unsupported(struct lwplug *t, bool *unsup, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->diag->msg, sizeof t->diag->msg, fmt, ap);
	va_end(ap);
	t->diag->status = TARGET_UNSUPPORTED;
	*unsup = true;
	return TARGET_UNSUPPORTED;
}

/* A pending error is reported once, as Linux's sock_error() does. */
long lwp_take_err(struct lsock *s)
{
	int e = s->err;
	s->err = 0;
	return -e;
}

static long do_socket(struct lwplug *w, const struct target_call *c, struct lwplug *t,
		      bool *unsup)
{
	if (c->domain != AF_INET && c->domain != AF_INET6)
		return -EAFNOSUPPORT;
	if ((c->type & 0xf) != SOCK_STREAM || (c->protocol && c->protocol != IPPROTO_TCP)) {
		lwp_unsupported(t, unsup, "lwip drives TCP sockets only (type %d, "
			    "protocol %d)", c->type, c->protocol);
		return 0;
	}
	struct lsock *s = sock_new(w, c->domain);
	if (!s)
		return -ENOMEM;
	s->pcb = tcp_new_ip_type(c->domain == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
	if (!s->pcb) {
		s->kind = LS_FREE;
		return -ENOMEM;
	}
	conn_callbacks(s);
	s->nonblock = (c->type & SOCK_NONBLOCK) != 0;
	return fd_alloc(w, s);
}

static long do_bind(struct lsock *s, const struct target_call *c)
{
	ip_addr_t ip;
	uint16_t port;
	if (!c->has_addr || !sa_to_ip(&c->addr, c->addrlen, &ip, &port))
		return -EINVAL;
	if (s->kind != LS_CONN || !s->pcb || s->bound || s->pcb->state != CLOSED)
		return -EINVAL;
	if (s->domain == AF_INET && !IP_IS_V4(&ip))
		return -EAFNOSUPPORT;
	err_t e = tcp_bind(s->pcb, &ip, port);
	if (e == ERR_OK)
		s->bound = true;
	return lwp_err(e);
}

static long do_listen(struct lsock *s, const struct target_call *c)
{
	if (s->kind == LS_LISTEN)
		return 0;
	if (!s->pcb || s->pcb->state != CLOSED || s->connecting)
		return -EINVAL;
	if (!s->bound) {
		/* Linux binds to an ephemeral port first; lwIP would listen on port 0 */
		err_t e = tcp_bind(s->pcb, IP_IS_V4_VAL(s->pcb->local_ip) ? IP4_ADDR_ANY :
				   IP_ANY_TYPE, 0);
		if (e != ERR_OK)
			return lwp_err(e);
		s->bound = true;
	}
	err_t e = ERR_OK;
	int bl = c->backlog < 0 ? 0 : c->backlog > 255 ? 255 : c->backlog;
	struct tcp_pcb *l = tcp_listen_with_backlog_and_err(s->pcb, (u8_t)bl, &e);
	if (!l)
		return lwp_err(e);
	/* the old pcb is freed by lwIP; the listener is a smaller one */
	s->pcb = l;
	s->kind = LS_LISTEN;
	tcp_arg(l, s);
	tcp_accept(l, cb_accept);
	return 0;
}

static long do_accept(struct lwplug *w, struct lsock *l, const struct target_call *c,
		      struct target_result *r)
{
	if (l->kind != LS_LISTEN)
		return -EINVAL;
	if (!l->aqlen)
		return l->nonblock ? -EAGAIN : LW_PENDING;
	struct lsock *s = l->aq[0];
	memmove(l->aq, l->aq + 1, (l->aqlen - 1) * sizeof *l->aq);
	l->aqlen--;
	s->listener = NULL;
	int fd = fd_alloc(w, s);
	if (fd < 0)
		return fd;
	if (c->flags & SOCK_NONBLOCK)
		s->nonblock = true;
	if (s->pcb)
		r->addrlen = ip_to_sa(l->domain, &s->pcb->remote_ip, s->pcb->remote_port,
				      &r->addr);
	return fd;
}

/* A failed attempt is reported once, by connect: the pending error, or ECONNABORTED
 * once SO_ERROR took it (Linux __inet_stream_connect, sock_error). */
static long connect_failed(struct lsock *s)
{
	long e = s->err ? lwp_take_err(s) : -ECONNABORTED;
	s->conn_failed = false;
	s->need_new_pcb = true;
	return e;
}

static long do_connect(struct lsock *s, const struct target_call *c, bool retry)
{
	if (retry) {
		/* a blocking connect in flight */
		if (s->connected) {
			s->connect_reported = true;
			return 0;
		}
		if (s->dead || s->err)
			return connect_failed(s);
		return LW_PENDING;
	}
	if (s->kind == LS_LISTEN)
		return -EINVAL;
	if (s->connected) {
		if (!s->connect_reported) {
			s->connect_reported = true;
			return 0;
		}
		return -EISCONN;
	}
	if (s->connecting)
		return -EALREADY;
	if (s->conn_failed)
		return connect_failed(s);
	if (s->err)
		return lwp_take_err(s);
	if (s->need_new_pcb) {
		/* Linux lets a socket whose attempt failed connect again */
		s->pcb = tcp_new_ip_type(s->domain == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
		if (!s->pcb)
			return -ENOMEM;
		conn_callbacks(s);
		if (s->nodelay)
			tcp_nagle_disable(s->pcb);
		s->need_new_pcb = false;
		s->dead = false;
		s->bound = false;
	}
	if (!s->pcb)
		return s->dead ? -EISCONN : -EBADF;
	ip_addr_t ip;
	uint16_t port;
	if (!c->has_addr || !sa_to_ip(&c->addr, c->addrlen, &ip, &port))
		return -EINVAL;
	if (s->domain == AF_INET && !IP_IS_V4(&ip))
		return -EAFNOSUPPORT;
	err_t e = tcp_connect(s->pcb, &ip, port, cb_connected);
	if (e != ERR_OK)
		return lwp_err(e);
	s->connecting = true;
	return s->nonblock ? -EINPROGRESS : LW_PENDING;
}

/* The bytes read go to out (NULL: discarded). */
static long do_read(struct lsock *s, uint8_t *out, size_t len, int flags, bool *unsup,
		    struct lwplug *t)
{
	if (flags & ~(MSG_PEEK | MSG_DONTWAIT | MSG_WAITALL | MSG_NOSIGNAL)) {
		lwp_unsupported(t, unsup, "lwip does not implement recv flags %#x", flags);
		return 0;
	}
	if (s->kind == LS_LISTEN)
		return -ENOTCONN;
	bool nb = s->nonblock || (flags & MSG_DONTWAIT);
	if (len == 0)
		return 0;
	/* enough to return: all that was asked (MSG_WAITALL, blocking), else one octet */
	size_t want = (flags & MSG_WAITALL) && !nb ? len : 1;
	bool eof = s->fin_rcvd || s->shut_rd || s->dead;
	if (s->rlen < want && !eof) {
		if (!s->connected && !s->connecting)
			return -ENOTCONN;
		return nb ? -EAGAIN : LW_PENDING;
	}
	size_t n = s->rlen < len ? s->rlen : len;
	if (n == 0) {
		if (s->err)
			return lwp_take_err(s);
		return 0;               /* end of stream */
	}
	if (out)
		memcpy(out, s->rbuf, n);
	if (!(flags & MSG_PEEK)) {
		memmove(s->rbuf, s->rbuf + n, s->rlen - n);
		s->rlen -= n;
		if (s->pcb) {
			size_t k = n;
			while (k) {
				u16_t step = k > 0xffff ? 0xffff : (u16_t)k;
				tcp_recved(s->pcb, step);
				k -= step;
			}
		}
	}
	return (long)n;
}

static long do_write(struct lwplug *w, struct lsock *s, const uint8_t *data, size_t len,
		     int flags, bool retry, bool *unsup, struct lwplug *t)
{
	if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE)) {
		lwp_unsupported(t, unsup, "lwip does not implement send flags %#x", flags);
		return 0;
	}
	if (!retry)
		w->pend_done = 0;
	bool nb = s->nonblock || (flags & MSG_DONTWAIT);
	if (s->err)
		return w->pend_done ? (long)w->pend_done : lwp_take_err(s);
	if (s->shut_wr || s->dead)
		return w->pend_done ? (long)w->pend_done : -EPIPE;
	if (s->kind == LS_LISTEN || (!s->connected && !s->connecting) || !s->pcb)
		return -ENOTCONN;
	if (!s->connected)
		return nb ? -EAGAIN : LW_PENDING;
	static const uint8_t zeros[4096];
	size_t done = w->pend_done;
	while (done < len) {
		size_t room = tcp_sndbuf(s->pcb);
		if (tcp_sndqueuelen(s->pcb) >= TCP_SND_QUEUELEN)
			room = 0;
		if (!room)
			break;
		size_t n = len - done;
		if (n > room)
			n = room;
		if (!data && n > sizeof zeros)
			n = sizeof zeros;
		u8_t fl = TCP_WRITE_FLAG_COPY;
		if ((flags & MSG_MORE) || done + n < len)
			fl |= TCP_WRITE_FLAG_MORE;
		err_t e = tcp_write(s->pcb, data ? data + done : zeros, (u16_t)n, fl);
		if (e == ERR_MEM)
			break;
		if (e != ERR_OK)
			return done ? (long)done : lwp_err(e);
		done += n;
	}
	if (done > w->pend_done)
		tcp_output(s->pcb);
	w->pend_done = done;
	if (done == len)
		return (long)done;
	if (nb)
		return done ? (long)done : -EAGAIN;
	return LW_PENDING;
}

static long do_close(struct lwplug *w, struct lsock *s)
{
	tcpspec_fd_release(&w->fds, s->fd);
	s->fd = -1;
	struct tcp_pcb *pcb = s->pcb;
	s->pcb = NULL;
	if (s->kind == LS_LISTEN) {
		/* connections nobody accepted are reset, as Linux does */
		for (size_t i = 0; i < s->aqlen; i++) {
			struct lsock *c = s->aq[i];
			if (c->pcb) {
				lwp_pcb_detach(c->pcb, false);
				tcp_abort(c->pcb);
				c->pcb = NULL;
			}
			c->kind = LS_FREE;
		}
		s->aqlen = 0;
		if (pcb) {
			lwp_pcb_detach(pcb, true);
			tcp_close(pcb);
		}
		s->kind = LS_FREE;
		return 0;
	}
	s->kind = LS_FREE;
	if (!pcb)
		return 0;
	lwp_pcb_detach(pcb, false);
	if (s->linger_on && s->linger_s == 0) {
		tcp_abort(pcb);         /* SO_LINGER {1, 0}: RST */
		return 0;
	}
	/* Unread data: tcp_close() itself sends RST then (rcv_wnd short of TCP_WND,
	 * since the window only reopens as the application reads), as RFC 9293 3.10.4
	 * and Linux do. */
	if (pcb->state == CLOSED || pcb->state == LISTEN) {
		tcp_close(pcb);
		return 0;
	}
	if (tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);         /* out of memory for the FIN */
	return 0;
}

static long do_shutdown(struct lsock *s, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	if (s->kind == LS_LISTEN) {
		/* Linux: a listener shut down stops listening; lwIP cannot */
		return -ENOTCONN;
	}
	if (!s->connected || !s->pcb)
		return s->dead ? 0 : -ENOTCONN;
	int rx = how != SHUT_WR, tx = how != SHUT_RD;
	if (rx)
		s->shut_rd = true;
	if (tx && s->shut_wr)
		tx = 0;
	if (tx)
		s->shut_wr = true;
	if (!tx)
		return 0;               /* SHUT_RD: lwIP's shut_rx would reset on new data */
	err_t e = tcp_shutdown(s->pcb, 0, 1);
	return lwp_err(e);
}

static long do_call(struct lwplug *t, const struct target_call *c, struct target_result *r,
		    bool retry, bool *unsup)
{
	struct lwplug *w = t;
	*unsup = false;
	if (c->kind == TARGET_CALL_SOCKET)
		return do_socket(w, c, t, unsup);
	if (c->kind == TARGET_CALL_POLL)
		return lwp_poll(w, c, r);
	switch (c->kind) {
	case TARGET_CALL_BIND: case TARGET_CALL_LISTEN: case TARGET_CALL_ACCEPT:
	case TARGET_CALL_CONNECT: case TARGET_CALL_READ: case TARGET_CALL_RECV:
	case TARGET_CALL_RECVFROM: case TARGET_CALL_READV: case TARGET_CALL_RECVMSG:
	case TARGET_CALL_WRITE: case TARGET_CALL_SEND: case TARGET_CALL_SENDTO:
	case TARGET_CALL_WRITEV: case TARGET_CALL_SENDMSG: case TARGET_CALL_CLOSE:
	case TARGET_CALL_SHUTDOWN: case TARGET_CALL_SETSOCKOPT: case TARGET_CALL_GETSOCKOPT:
	case TARGET_CALL_FCNTL: case TARGET_CALL_IOCTL:
		break;
	default:
		lwp_unsupported(t, unsup, "lwip does not implement %s()",
			    target_call_name(c->kind));
		return 0;
	}
	struct lsock *s = lwp_sock_of(w, c->fd);
	if (!s)
		return -EBADF;
	switch (c->kind) {
	case TARGET_CALL_BIND: return do_bind(s, c);
	case TARGET_CALL_LISTEN: return do_listen(s, c);
	case TARGET_CALL_ACCEPT: return do_accept(w, s, c, r);
	case TARGET_CALL_CONNECT: return do_connect(s, c, retry);
	/* the bytes read go where tcpspec says (call.rdata), so it checks them */
	case TARGET_CALL_READ:
		r->rdata_filled = c->rdata != NULL;
		return do_read(s, c->rdata, c->len, 0, unsup, t);
	case TARGET_CALL_RECV: case TARGET_CALL_RECVFROM:
		r->rdata_filled = c->rdata != NULL;
		return do_read(s, c->rdata, c->len, c->flags, unsup, t);
	case TARGET_CALL_READV:
		r->rdata_filled = c->rdata != NULL;
		return do_read(s, c->rdata, target_call_iov_total(c), 0, unsup, t);
	case TARGET_CALL_RECVMSG:
		r->rdata_filled = c->rdata != NULL;
		return do_read(s, c->rdata, target_call_iov_total(c), c->flags, unsup, t);
	case TARGET_CALL_WRITE: return do_write(w, s, c->data, c->len, 0, retry, unsup, t);
	case TARGET_CALL_SEND: case TARGET_CALL_SENDTO:
		if (c->kind == TARGET_CALL_SENDTO && c->has_addr && !s->connected)
			return lwp_unsupported(t, unsup, "lwip has no sendto with an "
					   "address (fast open)"), 0;
		return do_write(w, s, c->data, c->len, c->flags, retry, unsup, t);
	case TARGET_CALL_WRITEV:
		return do_write(w, s, c->data, target_call_iov_total(c), 0, retry, unsup, t);
	case TARGET_CALL_SENDMSG:
		return do_write(w, s, c->data, target_call_iov_total(c), c->flags, retry, unsup, t);
	case TARGET_CALL_CLOSE: return do_close(w, s);
	case TARGET_CALL_SHUTDOWN: return do_shutdown(s, c->how);
	case TARGET_CALL_SETSOCKOPT: return lwp_setsockopt(s, c, unsup, t);
	case TARGET_CALL_GETSOCKOPT: return lwp_getsockopt(s, c, r, unsup, t);
	case TARGET_CALL_FCNTL: return lwp_fcntl(s, c);
	case TARGET_CALL_IOCTL: return lwp_ioctl(s, c, r, unsup, t);
	default: return -EINVAL;
	}
}

static int finish(long v, struct target_result *r)
{
	return target_result_finish(r, v, lwp_vnow_ns);
}

/* call(): made at once when it can be, else TARGET_PENDING with the call kept for
 * complete().  On virtual time a blocking call never waits here: it is PENDING until
 * an inject() or an advance() changes what it waits for. */
int lwp_call(void *h, const struct target_call *c, struct target_result *r)
{
	struct lwplug *t = h, *w = h;
	if (w->pending)
		return target_diagf(t->diag, TARGET_BADARG, "a call is already in flight");
	memset(r, 0, sizeof *r);
	r->start_ns = lwp_vnow_ns;
	w->pend_start = lwp_vnow_ns;
	bool unsup;
	long v = do_call(t, c, r, false, &unsup);
	/* work looped back to the stack itself (a connection to its own address) is done
	 * within the call, as a kernel's loopback is: the call may complete because of it */
	while (!unsup && v == LW_PENDING && lwp_deferred_count()) {
		lwp_run_deferred();
		memset(r, 0, sizeof *r);
		r->start_ns = lwp_vnow_ns;
		v = do_call(t, c, r, true, &unsup);
	}
	lwp_run_deferred();
	if (unsup)
		return TARGET_UNSUPPORTED;
	if (v == LW_PENDING) {
		w->pending = true;
		w->pc = *c;
		if (c->kind == TARGET_CALL_POLL && c->timeout_ms > 0)
			w->poll_deadline = lwp_vnow_ns + (int64_t)c->timeout_ms * 1000000;
		return TARGET_PENDING;
	}
	return finish(v, r);
}

/* complete(): tcpspec asks after every inject() and advance(); deadline_ns is the
 * current virtual time then, so there is nothing to wait for: try the call again. */
int lwp_complete(void *h, int64_t deadline_ns, struct target_result *r)
{
	struct lwplug *t = h, *w = h;
	(void)deadline_ns;
	if (!w->pending)
		return target_diagf(t->diag, TARGET_BADARG, "no call in flight");
	memset(r, 0, sizeof *r);
	bool unsup;
	long v = do_call(t, &w->pc, r, true, &unsup);
	lwp_run_deferred();
	r->start_ns = w->pend_start;
	if (unsup) {
		w->pending = false;
		return TARGET_UNSUPPORTED;
	}
	if (v == LW_PENDING)
		return TARGET_PENDING;
	w->pending = false;
	w->poll_deadline = INT64_MAX;
	return finish(v, r);
}
