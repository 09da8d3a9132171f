/* fuzz/records.c: decoding fuzz_refstack records and playing them into a reference
 * stack (format in records.h).  The driver reads the connection's numbers from the TCB
 * (refstack's private header) because the records are relative to them. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "fuzz/records.h"
#include "refstack/ref_int.h"

#ifndef SIOCINQ
#define SIOCINQ FIONREAD
#endif

static const struct ref_addr peer_addr = { REF_AF_INET, { 192, 0, 2, 2 } };
static const struct ref_addr local_addr = { REF_AF_INET, { 192, 0, 2, 1 } };

size_t fuzz_rec_decode(const uint8_t *p, size_t n, struct fuzz_rec *r)
{
	if (n == 0)
		return 0;
	memset(r, 0, sizeof *r);
	r->op = p[0];
	switch (p[0] & 3) {
	case 0:
	case 1:
		if (n < FUZZ_SEG_SIZE)
			return 0;
		r->kind = FUZZ_REC_SEG;
		r->flags = p[1];
		r->dseq = (int16_t)(uint16_t)(p[2] << 8 | p[3]);
		r->dack = (int16_t)(uint16_t)(p[4] << 8 | p[5]);
		r->win = (uint16_t)(p[6] << 8 | p[7]);
		r->len = p[8];
		r->opts = p[9];
		return FUZZ_SEG_SIZE;
	case 2:
		if (n < FUZZ_CALL_SIZE)
			return 0;
		r->kind = FUZZ_REC_CALL;
		r->call = p[1] % FUZZ_NCALLS;
		r->arg = p[2];
		return FUZZ_CALL_SIZE;
	default:
		if (n < FUZZ_TIME_SIZE)
			return 0;
		r->kind = FUZZ_REC_TIME;
		r->time = (uint16_t)(p[1] << 8 | p[2]);
		return FUZZ_TIME_SIZE;
	}
}

size_t fuzz_rec_encode(const struct fuzz_rec *r, uint8_t *out)
{
	switch (r->kind) {
	case FUZZ_REC_SEG:
		out[0] = (uint8_t)(r->op & ~3u);
		out[1] = r->flags;
		out[2] = (uint8_t)((uint16_t)r->dseq >> 8);
		out[3] = (uint8_t)r->dseq;
		out[4] = (uint8_t)((uint16_t)r->dack >> 8);
		out[5] = (uint8_t)r->dack;
		out[6] = (uint8_t)(r->win >> 8);
		out[7] = (uint8_t)r->win;
		out[8] = r->len;
		out[9] = r->opts;
		return FUZZ_SEG_SIZE;
	case FUZZ_REC_CALL:
		out[0] = 2;
		out[1] = r->call;
		out[2] = r->arg;
		return FUZZ_CALL_SIZE;
	case FUZZ_REC_TIME:
	default:
		out[0] = 3;
		out[1] = (uint8_t)(r->time >> 8);
		out[2] = (uint8_t)r->time;
		return FUZZ_TIME_SIZE;
	}
}

uint32_t fuzz_seg_len(uint8_t code)
{
	return code < 128 ? code : 128u + (code - 128u) * 16u;
}

uint8_t fuzz_seg_len_code(uint32_t len)
{
	if (len < 128)
		return (uint8_t)len;
	len = (len - 128 + 8) / 16;
	return (uint8_t)(128 + (len > 127 ? 127 : len));
}

uint64_t fuzz_time_ms(uint16_t v)
{
	return (uint64_t)(v & 0xfff) << ((v >> 12) & 0xf);
}

uint16_t fuzz_time_code(uint64_t ms)
{
	unsigned shift = 0;

	while (ms > 0xfff && shift < 15) {
		ms = (ms + 1) >> 1;
		shift++;
	}
	if (ms > 0xfff)
		ms = 0xfff;
	return (uint16_t)(shift << 12 | ms);
}

/* ---- the peer's byte stream ---------------------------------------------------------- */

uint8_t fuzz_stream[FUZZ_STREAM_LEN];

static void stream_init(void)
{
	uint32_t x = 2463534242u;       /* xorshift32 */

	for (uint32_t i = 0; i < FUZZ_STREAM_LEN; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		fuzz_stream[i] = (uint8_t)(x >> 24);
	}
}

void fuzz_stream_copy(uint8_t *dst, uint32_t seq, size_t n)
{
	while (n) {
		uint32_t off = seq % FUZZ_STREAM_LEN;
		size_t k = FUZZ_STREAM_LEN - off < n ? FUZZ_STREAM_LEN - off : n;
		memcpy(dst, fuzz_stream + off, k);
		dst += k;
		seq += (uint32_t)k;
		n -= k;
	}
}

bool fuzz_stream_equal(const uint8_t *p, uint32_t seq, size_t n)
{
	while (n) {
		uint32_t off = seq % FUZZ_STREAM_LEN;
		size_t k = FUZZ_STREAM_LEN - off < n ? FUZZ_STREAM_LEN - off : n;
		if (memcmp(p, fuzz_stream + off, k))
			return false;
		p += k;
		seq += (uint32_t)k;
		n -= k;
	}
	return true;
}

/* ---- the driver --------------------------------------------------------------------- */

static void on_output(void *ctx, const struct ref_segment *seg, int64_t now)
{
	struct fuzz_drv *d = ctx;

	d->out_now = now;
	/* a call may hash a TCB under a new tuple before its segment (connect): every
	 * segment of a call looks the connection up again; else conn() sees a TCB made or
	 * freed, or another port, by the stack's counters (a lookup hashes the tuple: it
	 * was a twentieth of fuzz_refstack's time, mostly for the segments of timers) */
	if (d->in_call)
		d->conn_valid = false;
	/* the peer talks to the port of the stack's first segment, then to the port of each
	 * connection the stack opens (as tcpspec run does, so that repro scripts replay) */
	if (seg->dport == FUZZ_PEER_PORT &&
	    (!d->lport_known || (seg->flags & (REF_SYN | REF_ACK)) == REF_SYN)) {
		d->lport = seg->sport;
		d->lport_known = true;
	}
	if (seg->opt.has & REF_HAS_TS)
		d->last_tsval = seg->opt.tsval;
	if (d->hooks->seg_out)
		d->hooks->seg_out(d->ctx, d, seg);
}

bool fuzz_drv_init(struct fuzz_drv *d, const struct fuzz_hooks *hooks, void *ctx)
{
	static const struct fuzz_hooks none;
	struct ref_config cfg;

	memset(d, 0, sizeof *d);
	if (!fuzz_stream[0] && !fuzz_stream[1])
		stream_init();
	d->hooks = hooks ? hooks : &none;
	d->ctx = ctx;
	ref_config_defaults(&cfg);              /* ISN key all zero: reproducible */
	/* A 64 KB receive buffer instead of 128 KB: ASan serves it from its size classes
	 * instead of an mmap per connection (three times the executions per second), and a
	 * full window is easier to reach.  repro scripts carry the same setting. */
	cfg.rmem_default = FUZZ_RMEM_DEFAULT;
	d->st = ref_stack_new(&cfg, on_output, d);
	return d->st != NULL;
}

void fuzz_drv_free(struct fuzz_drv *d)
{
	ref_stack_free(d->st);
	d->st = NULL;
}

static void report(struct fuzz_drv *d, int kind, int fd, long arg, long ret, int out)
{
	struct fuzz_call c = { kind, fd, arg, ret, out };

	d->conn_valid = false;          /* every call may have changed the connection */
	if (d->hooks->call)
		d->hooks->call(d->ctx, d, &c);
}

static int set_nonblock(struct fuzz_drv *d, int fd)
{
	int rc = ref_sock_fcntl(d->st, fd, F_SETFL, O_RDWR | O_NONBLOCK);

	report(d, FUZZ_C_NONBLOCK, fd, 0, rc, 0);
	return rc;
}

void fuzz_drv_reset(struct fuzz_drv *d)
{
	struct ref_sockaddr sa = { .port = FUZZ_LISTEN_PORT };
	int fd, rc;

	ref_stack_reset(d->st);
	d->conn_valid = false;
	d->now = 0;
	d->lfd = d->cfd = -1;
	d->lport = FUZZ_LISTEN_PORT;
	d->lport_known = false;
	d->peer_ts = 1000;
	d->last_tsval = 0;
	d->urg_seen = false;
	d->prev_state = REF_CLOSED;
	d->nrec = 0;
	memset(d->nread, 0, sizeof d->nread);

	fd = ref_sock_socket(d->st, AF_INET, SOCK_STREAM, IPPROTO_TCP, d->now);
	report(d, FUZZ_C_SOCKET, fd, 0, fd, 0);
	if (fd < 0)
		return;
	d->lfd = fd;
	set_nonblock(d, fd);
	rc = ref_sock_bind(d->st, fd, &sa, d->now);
	report(d, FUZZ_C_BIND, fd, FUZZ_LISTEN_PORT, rc, 0);
	rc = ref_sock_listen(d->st, fd, 4, d->now);
	report(d, FUZZ_C_LISTEN, fd, 4, rc, 0);
}

/* The lookup is cached until the stack is entered again (the hash lookup is the
 * driver's main cost otherwise). */
static struct ref_tcb *conn(struct fuzz_drv *d)
{
	struct ref_segment probe;

	const struct ref_stats *sts = ref_stack_stats(d->st);

	/* (a TCB that went CLOSED left the hash: the lookup would not find it) */
	if (d->conn_valid && d->conn_lport == d->lport && d->conn_opened == sts->conns_opened &&
	    d->conn_live == sts->conns_live &&
	    !(d->conn && ((struct ref_tcb *)d->conn)->state == REF_CLOSED))
		return d->conn;
	memset(&probe, 0, sizeof probe);
	probe.src = peer_addr;
	probe.dst = local_addr;
	probe.sport = FUZZ_PEER_PORT;
	probe.dport = d->lport;
	d->conn = ref_tcb_lookup(d->st, &probe);
	d->conn_valid = true;
	d->conn_lport = d->lport;
	d->conn_opened = sts->conns_opened;
	d->conn_live = sts->conns_live;
	return d->conn;
}

const void *fuzz_drv_conn(struct fuzz_drv *d)
{
	return conn(d);
}

int fuzz_drv_state(struct fuzz_drv *d)
{
	struct ref_tcb *tp = conn(d);

	return tp ? tp->state : REF_CLOSED;
}

uint32_t fuzz_drv_seq_base(struct fuzz_drv *d)
{
	struct ref_tcb *tp = conn(d);

	/* SYN-SENT has no RCV.NXT yet: the peer picks its ISN relative to its own. */
	if (!tp || tp->state == REF_SYN_SENT || tp->state == REF_CLOSED)
		return FUZZ_PEER_ISN;
	return tp->rcv_nxt;
}

uint32_t fuzz_drv_ack_base(struct fuzz_drv *d, uint8_t op)
{
	struct ref_tcb *tp = conn(d);

	if (!tp || tp->state == REF_CLOSED)
		return 0;
	return (op & FUZZ_OP_ACK_UNA) ? tp->snd_una : tp->snd_nxt;
}

static void play_segment(struct fuzz_drv *d, const struct fuzz_rec *r)
{
	struct ref_segment seg;
	struct ref_result res;
	struct ref_tcb *tp = conn(d);
	bool odd = r->opts & FUZZ_O_ODD;

	memset(&seg, 0, sizeof seg);
	seg.src = peer_addr;
	seg.dst = local_addr;
	seg.sport = FUZZ_PEER_PORT;
	seg.dport = d->lport;
	seg.seq = ref_seq_add(fuzz_drv_seq_base(d), (uint32_t)(int32_t)r->dseq);
	seg.ack = ref_seq_add(fuzz_drv_ack_base(d, r->op), (uint32_t)(int32_t)r->dack);
	seg.flags = r->flags;
	seg.wnd = r->win;
	seg.urp = (r->flags & REF_URG) ? 1 : 0;
	seg.csum_ok = !(r->opts & FUZZ_O_BADCSUM);
	seg.len = fuzz_seg_len(r->len);
	fuzz_stream_copy(d->payload, ref_seq_add(seg.seq, !!(r->flags & REF_SYN)), seg.len);
	seg.data = d->payload;
	if (r->opts & FUZZ_O_MSS) {
		seg.opt.has |= REF_HAS_MSS;
		seg.opt.mss = odd ? 536 : 1460;
	}
	if (r->opts & FUZZ_O_WS) {
		seg.opt.has |= REF_HAS_WS;
		seg.opt.wscale = odd ? 15 : 7;
	}
	if (r->opts & FUZZ_O_SACKOK)
		seg.opt.has |= REF_HAS_SACK_PERM;
	if (r->opts & FUZZ_O_TS) {
		d->peer_ts += 1000;
		seg.opt.has |= REF_HAS_TS;
		seg.opt.tsval = odd ? d->peer_ts - 0x40000000u : d->peer_ts;
		seg.opt.tsecr = (r->flags & REF_ACK) ? d->last_tsval : 0;
	}
	if ((r->opts & FUZZ_O_SACK) && tp) {
		ref_seq_t left = ref_seq_add(tp->snd_una, 1), right = tp->snd_max;
		if (!ref_seq_gt(right, left))
			right = ref_seq_add(left, 100);
		seg.opt.has |= REF_HAS_SACK;
		seg.opt.nsack = 1;
		seg.opt.sack[0].left = odd ? right : left;
		seg.opt.sack[0].right = odd ? left : right;
	}
	seg.opt.bad_len = r->opts & FUZZ_O_BADLEN;
	if (r->flags & REF_URG)
		d->urg_seen = true;
	if (d->hooks->seg_pre)
		d->hooks->seg_pre(d->ctx, d, &seg);
	res = ref_input(d->st, &seg, d->now);
	d->conn_valid = false;
	if (d->hooks->seg_in)
		d->hooks->seg_in(d->ctx, d, &seg, res);
}

static void play_call(struct fuzz_drv *d, const struct fuzz_rec *r)
{
	struct ref_stack *st = d->st;
	long n, ret;
	int fd = d->cfd, out = 0;
	unsigned olen;

	switch (r->call) {
	case FUZZ_C_ACCEPT:
		if (d->lfd < 0)
			return;
		ret = ref_sock_accept(st, d->lfd, NULL, d->now);
		if (ret == REF_PENDING)
			ret = -EAGAIN;
		report(d, FUZZ_C_ACCEPT, d->lfd, 0, ret, 0);
		if (ret >= 0) {
			d->cfd = (int)ret;
			if (ret < FUZZ_MAX_FD)
				d->nread[ret] = 0;
		}
		return;
	case FUZZ_C_CONNECT: {
		struct ref_sockaddr sa = { peer_addr, FUZZ_PEER_PORT };
		fd = ref_sock_socket(st, AF_INET, SOCK_STREAM, IPPROTO_TCP, d->now);
		report(d, FUZZ_C_SOCKET, fd, 0, fd, 0);
		if (fd < 0)
			return;
		set_nonblock(d, fd);
		d->cfd = fd;
		if (fd < FUZZ_MAX_FD)
			d->nread[fd] = 0;
		ret = ref_sock_connect(st, fd, &sa, d->now);
		report(d, FUZZ_C_CONNECT, fd, 0, ret == REF_PENDING ? -EINPROGRESS : ret, 0);
		return;
	}
	case FUZZ_C_CLOSE_LISTENER:
		if (d->lfd < 0)
			return;
		ret = ref_sock_close(st, d->lfd, d->now);
		report(d, FUZZ_C_CLOSE_LISTENER, d->lfd, 0, ret, 0);
		d->lfd = -1;
		return;
	default:
		break;
	}
	if (fd < 0)
		return;
	switch (r->call) {
	case FUZZ_C_SEND:
		n = (r->arg + 1) * 16L;
		memset(d->payload, 'a' + r->arg % 26, (size_t)n);
		d->sending = d->payload;
		d->nsending = (size_t)n;
		ret = ref_sock_send(st, fd, d->payload, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
				    d->now);
		d->sending = NULL;
		d->nsending = 0;
		if (ret == REF_PENDING)
			ret = -EAGAIN;
		report(d, FUZZ_C_SEND, fd, n, ret, 0);
		break;
	case FUZZ_C_RECV:
		n = (r->arg + 1) * 16L;
		ret = ref_sock_recv(st, fd, d->rbuf, (size_t)n, MSG_DONTWAIT, d->now);
		if (ret == REF_PENDING)
			ret = -EAGAIN;
		report(d, FUZZ_C_RECV, fd, n, ret, 0);
		if (ret > 0) {
			if (d->hooks->data)
				d->hooks->data(d->ctx, d, fd, d->rbuf, (size_t)ret);
			if (fd < FUZZ_MAX_FD)
				d->nread[fd] += (uint64_t)ret;
		}
		break;
	case FUZZ_C_CLOSE:
		ret = ref_sock_close(st, fd, d->now);
		report(d, FUZZ_C_CLOSE, fd, 0, ret, 0);
		d->cfd = -1;
		break;
	case FUZZ_C_SHUTDOWN:
		n = r->arg % 3;         /* SHUT_RD, SHUT_WR, SHUT_RDWR */
		ret = ref_sock_shutdown(st, fd, (int)n, d->now);
		report(d, FUZZ_C_SHUTDOWN, fd, n, ret, 0);
		break;
	case FUZZ_C_LINGER0: {
		struct linger l = { 1, 0 };
		ret = ref_sock_setsockopt(st, fd, SOL_SOCKET, SO_LINGER, &l, sizeof l, d->now);
		report(d, FUZZ_C_LINGER0, fd, 0, ret, 0);
		break;
	}
	case FUZZ_C_NODELAY: {
		int v = r->arg & 1;
		ret = ref_sock_setsockopt(st, fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v, d->now);
		report(d, FUZZ_C_NODELAY, fd, v, ret, 0);
		break;
	}
	case FUZZ_C_INQ:
		ret = ref_sock_ioctl(st, fd, SIOCINQ, &out);
		report(d, FUZZ_C_INQ, fd, 0, ret, out);
		break;
	case FUZZ_C_SO_ERROR:
		olen = sizeof out;
		ret = ref_sock_getsockopt(st, fd, SOL_SOCKET, SO_ERROR, &out, &olen, d->now);
		report(d, FUZZ_C_SO_ERROR, fd, 0, ret, out);
		break;
	case FUZZ_C_POLL:
		ret = ref_sock_poll(st, fd, POLLIN | POLLOUT);
		report(d, FUZZ_C_POLL, fd, POLLIN | POLLOUT, ret, ret > 0 ? (int)ret : 0);
		break;
	default:
		break;
	}
}

void fuzz_drv_step(struct fuzz_drv *d, const struct fuzz_rec *r)
{
	int64_t from;

	d->nrec++;
	d->prev_state = fuzz_drv_state(d);
	switch (r->kind) {
	case FUZZ_REC_SEG:
		play_segment(d, r);
		break;
	case FUZZ_REC_CALL:
		d->in_call = true;
		play_call(d, r);
		d->in_call = false;
		break;
	case FUZZ_REC_TIME:
		from = d->now;
		d->now += (int64_t)fuzz_time_ms(r->time) * 1000000;
		if (d->hooks->time)
			d->hooks->time(d->ctx, d, from, d->now);
		ref_advance(d->st, d->now);
		d->conn_valid = false;
		break;
	}
	if (d->hooks->after)
		d->hooks->after(d->ctx, d, r);
}

void fuzz_drv_finish(struct fuzz_drv *d)
{
	ref_stack_reset(d->st);
	d->conn_valid = false;
}

void fuzz_drv_run(struct fuzz_drv *d, const uint8_t *data, size_t size)
{
	struct fuzz_rec r;
	size_t k;

	fuzz_drv_reset(d);
	while ((k = fuzz_rec_decode(data, size, &r)) != 0) {
		fuzz_drv_step(d, &r);
		data += k;
		size -= k;
	}
}

/* ---- findings set aside ------------------------------------------------------------- */

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

void fuzz_signature(const char *msg, char *out, size_t cap)
{
	size_t n = 0;
	const char *p = msg;

	/* the oracle's name, "[rfc5961-ack]", stays as it is */
	if (*p == '[')
		while (*p && n + 1 < cap && (out[n++] = *p++) != ']')
			;
	for (; *p && n + 1 < cap; p++) {
		/* numbers that name rules stay: RFC 9293, 3.10.7.4, MUST-2 */
		bool rule = (p - msg >= 4 && (!strncmp(p - 4, "RFC ", 4) ||
					     !strncmp(p - 4, "UST-", 4) ||
					     !strncmp(p - 4, "HLD-", 4))) ||
			    (p > msg && p[-1] == '.' && digit(p[-2])) ||
			    (digit(*p) && p[1] == '.' && digit(p[2]));
		if (digit(*p) && rule) {
			while (digit(*p) && n + 1 < cap)
				out[n++] = *p++;
			p--;
		} else if (digit(*p)) {
			out[n++] = 'N';
			while (digit(p[1]))
				p++;
		} else {
			out[n++] = *p;
		}
	}
	out[n < cap ? n : cap - 1] = 0;
}

static bool aside_match(const char *entry, size_t n, const char *sig)
{
	const char *end;

	if (!n)
		return false;
	if (strlen(sig) == n && !strncmp(sig, entry, n))
		return true;
	/* "[oracle] ..." against "oracle" or "[oracle]" */
	if (sig[0] == '[' && (end = strchr(sig, ']')) != NULL) {
		size_t k = (size_t)(end - sig - 1);
		if ((n == k && !strncmp(entry, sig + 1, k)) ||
		    (n == k + 2 && !strncmp(entry, sig, k + 2)))
			return true;
	}
	return false;
}

bool fuzz_set_aside(const char *sig)
{
	static char *file;
	static size_t nfile;
	static bool loaded;
	const char *env = getenv("TCPSPEC_FUZZ_IGNORE"), *only = getenv("TCPSPEC_FUZZ_ONLY");

	if (only && *only)
		return strcmp(only, sig) != 0;
	for (const char *p = env; p && *p;) {
		size_t k = strcspn(p, ",");
		if (aside_match(p, k, sig))
			return true;
		p += k + (p[k] == ',');
	}
	if (!loaded) {
		const char *path = getenv("TCPSPEC_FUZZ_IGNORE_FILE");
		FILE *f = path ? fopen(path, "r") : NULL;
		loaded = true;
		if (f) {
			char buf[4096];
			size_t k;
			while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
				char *nf = realloc(file, nfile + k + 1);
				if (!nf)
					break;
				file = nf;
				memcpy(file + nfile, buf, k);
				nfile += k;
				file[nfile] = 0;
			}
			fclose(f);
		}
	}
	for (const char *p = file; p && *p;) {
		size_t k = strcspn(p, "\n");
		if (aside_match(p, k, sig))
			return true;
		p += k + (p[k] == '\n');
	}
	return false;
}
