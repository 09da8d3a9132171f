/* The bytes of the two streams, not only their lengths.
 *
 * Every payload the engine makes up has known content: the octet at stream offset o
 * (o = sequence number - ISN - 1, so a retransmission carries the same octets at the
 * same offsets) is engine_stream_byte(dir, o), one function per direction.  Inbound
 * segments (the script's peer) are filled from ENGINE_STREAM_IN at their offset in the
 * connection; every write-family call gets ENGINE_STREAM_OUT from the socket's write
 * offset (the bytes accepted on it so far).  Then
 *  - every read-family call must return the next octets of the socket's inbound
 *    stream (the read offset of the socket, advanced by what was read), and
 *  - every outbound segment's payload must be the octets at its offset in the
 *    socket's outbound stream.
 * Urgent data: the octet an inbound urgent pointer marks may leave the stream (read
 * with MSG_OOB); a read may skip it, and recv(MSG_OOB) must return one of the marked
 * octets.  sendfile()/splice() put bytes the engine did not write into the stream:
 * their offsets are not checked.  After a connect() to the stack's own address (a
 * connection to itself), a read may also return the application's outbound octets.
 * The script option --no_content_check turns all of this off (the lengths are still
 * checked). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "engine/engine_int.h"

/* Larger reads and writes than this are made without engine buffers (zeros, unread). */
#define STREAM_MAX_CALL (64u << 20)

uint8_t engine_stream_byte(int dir, uint32_t off)
{
	uint32_t h = off * 0x9e3779b1u + (dir == ENGINE_STREAM_OUT ? 0x7f4a7c15u : 0x165667b1u);
	h ^= h >> 15;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return (uint8_t)h;
}

static void fill(uint8_t *b, size_t n, int dir, uint32_t off)
{
	for (size_t i = 0; i < n; i++)
		b[i] = engine_stream_byte(dir, off + (uint32_t)i);
}

static bool grow(uint8_t **buf, size_t *cap, size_t n)
{
	if (n <= *cap)
		return true;
	size_t c = *cap ? *cap : 4096;
	while (c < n)
		c *= 2;
	uint8_t *b = realloc(*buf, c);
	if (!b)
		return false;
	*buf = b;
	*cap = c;
	return true;
}

static bool checking(const struct engine_ctx *x)
{
	return !x->opts.no_content_check;
}

/* ---- sockets ------------------------------------------------------------------------- */

static struct engine_stream_fd *fd_find(struct engine_ctx *x, int fd)
{
	for (int i = 0; i < x->st.n_fds; i++)
		if (x->st.fds[i].fd == fd)
			return &x->st.fds[i];
	return NULL;
}

static void fd_forget(struct engine_ctx *x, int fd)
{
	struct engine_stream_fd *f = fd_find(x, fd);
	if (f)
		*f = x->st.fds[--x->st.n_fds];
}

static void fd_new(struct engine_ctx *x, int fd)
{
	fd_forget(x, fd);
	if (x->st.n_fds < ENGINE_MAX_FDS)
		x->st.fds[x->st.n_fds++] = (struct engine_stream_fd){ .fd = fd };
}

static bool is_read(enum target_call_kind k)
{
	return k == TARGET_CALL_READ || k == TARGET_CALL_RECV || k == TARGET_CALL_RECVFROM ||
	       k == TARGET_CALL_READV || k == TARGET_CALL_RECVMSG;
}

static bool is_write(enum target_call_kind k)
{
	return k == TARGET_CALL_WRITE || k == TARGET_CALL_SEND || k == TARGET_CALL_SENDTO ||
	       k == TARGET_CALL_WRITEV || k == TARGET_CALL_SENDMSG;
}

static size_t call_len(const struct target_call *c)
{
	if (c->kind == TARGET_CALL_READV || c->kind == TARGET_CALL_RECVMSG ||
	    c->kind == TARGET_CALL_WRITEV || c->kind == TARGET_CALL_SENDMSG) {
		return target_call_iov_total(c);
	}
	return c->len;
}

/* The address bytes of a sockaddr (IPv4, or IPv6 with IPv4-mapped ones as IPv4). */
static size_t addr_bytes(const struct sockaddr_storage *ss, const uint8_t **p)
{
	if (ss->ss_family == AF_INET) {
		*p = (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
		return 4;
	}
	if (ss->ss_family == AF_INET6) {
		const uint8_t *a = (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		*p = memcmp(a, mapped, 12) ? a : a + 12;
		return memcmp(a, mapped, 12) ? 16 : 4;
	}
	return 0;
}

/* connect() to the stack's own address: both ends are the application's sockets,
 * so what one reads is what the other wrote (the outbound stream). */
static bool to_self(const struct engine_ctx *x, const struct target_call *c)
{
	struct sockaddr_storage own;
	target_sockaddr(&x->tc, &x->tc.local_ip, 0, &own);
	const uint8_t *a, *b;
	size_t na = addr_bytes(&c->addr, &a), nb = addr_bytes(&own, &b);
	if (na == 4 && a[0] == 127)
		return true;
	return na && na == nb && !memcmp(a, b, na);
}

void engine_stream_prepare(struct engine_ctx *x, struct target_call *c)
{
	if (c->kind == TARGET_CALL_CONNECT && c->has_addr && to_self(x, c))
		x->st.self_connect = true;
	if (c->null_buf || c->null_iov)
		return;
	bool rd = is_read(c->kind), wr = is_write(c->kind);
	if (!rd && !wr)
		return;
	size_t n = call_len(c);
	if (n > STREAM_MAX_CALL || !grow(&x->st.buf, &x->st.cap, n ? n : 1))
		return;
	if (rd) {
		c->rdata = x->st.buf;
		return;
	}
	struct engine_stream_fd *f = fd_find(x, c->fd);
	/* a UDP socket's datagram starts its octets at offset 0 (udp.c) */
	fill(x->st.buf, n, ENGINE_STREAM_OUT, f && !engine_udp_is(x, c->fd) ? f->wr : 0);
	c->data = x->st.buf;
}

static void add_unknown(struct engine_ctx *x, int dir, uint32_t lo, uint32_t hi)
{
	if (x->st.n_unknown >= ENGINE_STREAM_MAX_UNKNOWN) {
		x->st.unknown_full[dir] = true;
		return;
	}
	x->st.unknown[x->st.n_unknown].dir = dir;
	x->st.unknown[x->st.n_unknown].lo = lo;
	x->st.unknown[x->st.n_unknown++].hi = hi;
}

static bool unknown(const struct engine_ctx *x, int dir, uint32_t off)
{
	if (x->st.unknown_full[dir])
		return true;
	for (int i = 0; i < x->st.n_unknown; i++)
		if (x->st.unknown[i].dir == dir && (int32_t)(off - x->st.unknown[i].lo) >= 0 &&
		    (int32_t)(off - x->st.unknown[i].hi) < 0)
			return true;
	return false;
}

static bool is_urgent(const struct engine_ctx *x, uint32_t off)
{
	for (int i = 0; i < x->st.n_urg; i++)
		if (x->st.urg[i] == off)
			return true;
	return false;
}

static void hexbytes(char *out, size_t cap, const uint8_t *b, size_t n)
{
	size_t k = 0;
	out[0] = 0;
	for (size_t i = 0; i < n && k + 4 < cap; i++)
		k += snprintf(out + k, cap - k, "%s%02x", i ? " " : "", b[i]);
}

static int read_mismatch(struct engine_ctx *x, const struct engine_call *ec, uint32_t off,
			 const uint8_t *got, size_t i, size_t n)
{
	uint8_t want[8];
	size_t k = n - i < sizeof want ? n - i : sizeof want;
	fill(want, k, ENGINE_STREAM_IN, off);
	char w[40], g[40];
	hexbytes(w, sizeof w, want, k);
	hexbytes(g, sizeof g, got + i, k);
	return engine_fail(x, ec->ev, 's',
			   "error handling syscall: %s: content: byte %zu of %zu read is not the "
			   "peer's byte at stream offset %u: expected 0x%02x but got 0x%02x "
			   "(from there: expected %s, got %s)", ec->ev->call.name, i, n, off,
			   want[0], got[i], w, g);
}

int engine_stream_done(struct engine_ctx *x, const struct engine_call *ec,
		       const struct target_result *r)
{
	const struct target_call *c = &ec->c;
	if (r->ret >= 0 && (c->kind == TARGET_CALL_SOCKET || c->kind == TARGET_CALL_ACCEPT)) {
		fd_new(x, (int)r->ret);
		return ENGINE_PASS;
	}
	if (c->kind == TARGET_CALL_CLOSE && r->ret == 0) {
		fd_forget(x, c->fd);
		return ENGINE_PASS;
	}
	struct engine_stream_fd *f = fd_find(x, c->fd);
	if (!f || r->ret <= 0)
		return ENGINE_PASS;
	size_t n = (size_t)r->ret;
	if (c->kind == TARGET_CALL_SENDFILE || c->kind == TARGET_CALL_SPLICE) {
		/* bytes the engine did not write: their offsets go unchecked */
		add_unknown(x, ENGINE_STREAM_OUT, f->wr, f->wr + (uint32_t)n);
		f->wr += (uint32_t)n;
		return ENGINE_PASS;
	}
	if (is_write(c->kind)) {
		if (!c->data)                /* too large to fill: zeros went out */
			add_unknown(x, ENGINE_STREAM_OUT, f->wr, f->wr + (uint32_t)n);
		f->wr += (uint32_t)n;
		return ENGINE_PASS;
	}
	if (!is_read(c->kind) || !c->rdata || !r->rdata_filled || !checking(x))
		return ENGINE_PASS;
	const uint8_t *got = c->rdata;
	if (engine_udp_is(x, c->fd)) {
		/* one datagram, its octets from offset 0 (cut short by a small buffer) */
		size_t have = n < call_len(c) ? n : call_len(c);
		for (size_t i = 0; i < have; i++)
			if (got[i] != engine_stream_byte(ENGINE_STREAM_IN, (uint32_t)i))
				return engine_fail(x, ec->ev, 's',
						   "error handling syscall: %s: content: byte %zu of "
						   "the datagram read is not the peer's: expected 0x%02x "
						   "but got 0x%02x", ec->ev->call.name, i,
						   engine_stream_byte(ENGINE_STREAM_IN, (uint32_t)i),
						   got[i]);
		return ENGINE_PASS;
	}
	if (c->flags & MSG_OOB) {
		/* the octet an urgent pointer marked */
		for (int i = 0; i < x->st.n_urg; i++)
			if (engine_stream_byte(ENGINE_STREAM_IN, x->st.urg[i]) == got[0])
				return ENGINE_PASS;
		return engine_fail(x, ec->ev, 's',
				   "error handling syscall: %s: content: the urgent octet read "
				   "(0x%02x) is none the peer marked with an urgent pointer",
				   ec->ev->call.name, got[0]);
	}
	uint32_t off = f->rd;
	if (x->st.self_connect) {
		/* a connection to itself: the octets the application wrote on the other
		 * end, from the same offset */
		size_t i = 0;
		while (i < n && got[i] == engine_stream_byte(ENGINE_STREAM_OUT, off + (uint32_t)i))
			i++;
		if (i == n) {
			if (!(c->flags & MSG_PEEK))
				f->rd = off + (uint32_t)n;
			return ENGINE_PASS;
		}
	}
	for (size_t i = 0; i < n; i++, off++) {
		/* the urgent octet may have gone out of band: skip it */
		if (got[i] != engine_stream_byte(ENGINE_STREAM_IN, off) && is_urgent(x, off) &&
		    got[i] == engine_stream_byte(ENGINE_STREAM_IN, off + 1))
			off++;
		if (got[i] != engine_stream_byte(ENGINE_STREAM_IN, off) &&
		    !unknown(x, ENGINE_STREAM_IN, off))
			return read_mismatch(x, ec, off, got, i, n);
	}
	if (!(c->flags & MSG_PEEK))
		f->rd = off;
	return ENGINE_PASS;
}

/* The octets a write-family call would leave queued for sending on its socket: what
 * was written before and the script has not acknowledged, plus this call's own. */
uint64_t engine_stream_queued(struct engine_ctx *x, const struct target_call *c)
{
	const struct engine_stream_fd *f = is_write(c->kind) ? fd_find(x, c->fd) : NULL;
	if (!f)
		return 0;
	uint32_t acked = x->c.have_peer_acked ? x->c.peer_acked : 0;
	uint32_t unacked = (int32_t)(f->wr - acked) > 0 ? f->wr - acked : 0;
	return (uint64_t)unacked + call_len(c);
}

/* ---- segments ------------------------------------------------------------------------ */

void engine_stream_inbound(struct engine_ctx *x, struct wire_packet *w)
{
	struct wire_tcp *t = &w->tcp;
	if ((t->flags & WIRE_TH_ACK) && x->c.have_local_isn) {
		uint32_t a = t->ack - x->c.local_isn - 1;
		if (!x->c.have_peer_acked || (int32_t)(a - x->c.peer_acked) > 0)
			x->c.peer_acked = a;
		x->c.have_peer_acked = true;
	}
	if (!t->payload_len)
		return;
	uint32_t off = t->seq + ((t->flags & WIRE_TH_SYN) ? 1 : 0) - x->c.remote_isn - 1;
	if ((t->flags & WIRE_TH_URG) && t->urg && x->st.n_urg + 2 <= ENGINE_STREAM_MAX_URG) {
		/* the octet before the pointer (BSD, every stack) or at it (RFC 1122) */
		x->st.urg[x->st.n_urg++] = off + t->urg - 1;
		x->st.urg[x->st.n_urg++] = off + t->urg;
	}
	if (w->ovr.tcp_doff)            /* the stack sees other data than the payload */
		add_unknown(x, ENGINE_STREAM_IN, off, off + t->payload_len + 64);
	if (!grow(&x->st.ibuf, &x->st.icap, t->payload_len))
		return;                  /* zeros, as before */
	fill(x->st.ibuf, t->payload_len, ENGINE_STREAM_IN, off);
	t->payload = x->st.ibuf;
}


bool engine_stream_outbound(struct engine_ctx *x, const struct wire_tcp *t, char *why,
			    size_t cap)
{
	if (!checking(x) || !t->payload_len || !t->payload)
		return true;
	uint32_t isn;
	if (t->flags & WIRE_TH_SYN)
		isn = t->seq;
	else if (x->c.have_local_isn)
		isn = x->c.local_isn;
	else
		return true;
	uint32_t off = t->seq + ((t->flags & WIRE_TH_SYN) ? 1 : 0) - isn - 1;
	/* RFC 9293 3.8.4: a keep-alive may carry one garbage octet, below what the peer
	 * acknowledged; it is no part of the stream */
	if (t->payload_len == 1 && x->c.have_peer_acked &&
	    (int32_t)(off - x->c.peer_acked) < 0)
		return true;
	for (size_t i = 0; i < t->payload_len; i++) {
		uint32_t o = off + (uint32_t)i;
		if ((int32_t)o < 0 || unknown(x, ENGINE_STREAM_OUT, o))
			continue;
		uint8_t want = engine_stream_byte(ENGINE_STREAM_OUT, o);
		if (t->payload[i] != want) {
			snprintf(why, cap, "payload: byte %zu of %zu is not the application's "
				 "byte at stream offset %u: expected 0x%02x but got 0x%02x", i,
				 t->payload_len, o, want, t->payload[i]);
			return false;
		}
	}
	return true;
}

void engine_stream_mutated(struct engine_ctx *x, const struct wire_packet *w)
{
	const struct wire_tcp *t = &w->tcp;
	uint32_t off = t->seq + ((t->flags & WIRE_TH_SYN) ? 1 : 0) - x->c.remote_isn - 1;
	add_unknown(x, ENGINE_STREAM_IN, off, off + (uint32_t)t->payload_len + 1500);
}

void engine_stream_udp_inbound(struct engine_ctx *x, struct wire_udp *u)
{
	if (!u->payload_len || !grow(&x->st.ibuf, &x->st.icap, u->payload_len))
		return;
	fill(x->st.ibuf, u->payload_len, ENGINE_STREAM_IN, 0);
	u->payload = x->st.ibuf;
}

bool engine_stream_udp_outbound(struct engine_ctx *x, const struct wire_udp *u, char *why,
				size_t cap)
{
	if (!checking(x) || !u->payload)
		return true;
	for (size_t i = 0; i < u->payload_len; i++) {
		uint8_t want = engine_stream_byte(ENGINE_STREAM_OUT, (uint32_t)i);
		if (u->payload[i] != want) {
			snprintf(why, cap, "payload: byte %zu of the %zu-byte datagram is not the "
				 "application's: expected 0x%02x but got 0x%02x", i,
				 u->payload_len, want, u->payload[i]);
			return false;
		}
	}
	return true;
}

uint8_t *engine_stream_agg(struct engine_ctx *x, size_t n)
{
	return grow(&x->st.agg, &x->st.acap, n ? n : 1) ? x->st.agg : NULL;
}

void engine_stream_free(struct engine_ctx *x)
{
	free(x->st.buf);
	free(x->st.ibuf);
	free(x->st.agg);
	memset(&x->st, 0, sizeof x->st);
}
