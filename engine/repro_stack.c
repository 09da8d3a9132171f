/* tcpspec repro for fuzz_stack, fuzz_script and the wire targets (cmd_repro.c parses
 * the command line and handles fuzz_refstack).
 *
 * fuzz_stack: the input is played by the fuzz target's own driver (fuzz/stackdrv.h)
 * into the stack under test and the reference twin, and the script states what the
 * twin did -- the rule -- up to the record that broke an oracle: the listener's set-up,
 * every packet of the peer (`<`, malformed ones with the {csum bad, res N, doff N}
 * group and raw options), every segment the twin sent (`>`; window and options left
 * unchecked unless the finding is about options, the flags, sequence range and
 * acknowledgement checked), every call
 * with the twin's result.  The finding's record comes after a comment naming the
 * oracle and the message; a last packet from the peer (an old duplicate ACK) makes any
 * stack answer, so that an answer the rule forbids is compared with the twin's next
 * one.  The script passes on reference and fails on the stack that broke the rule, at
 * the finding's record or before it where the two already differed in a way the
 * script cannot leave open (a delayed ACK's timing).
 *
 * fuzz_script: the input is a script; it is written as it is (a parse test case).
 * fuzz_wire_segment / fuzz_wire_options: the packet (the options inside a TCP header)
 * is written as a one-packet capture (pcap, raw IP) for `tcpspec decode`. */
#define _GNU_SOURCE 1
#include <signal.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/cli.h"
#include "engine/repro.h"
#include "fuzz/stackdrv.h"
#include "wire/wire.h"

/* what the stack under test did otherwise than the twin in a record, where the driver
 * reported nothing (a choice the RFCs leave open, or its consequence) */
enum { SP_OTHER_SEGS = 1, SP_OTHER_RESULT = 2,
       SP_OTHER_RCV = 4 /* after it the two acknowledge different RCV.NXT */ };

struct sp {
	FILE *f;
	const uint8_t *other;   /* per record: SP_OTHER_* (NULL: none) */
	int nother;
	bool crash_open;        /* the finding is a crash or a hang after such a record */
	const struct fuzz_call *tut_call;       /* per record: a call only the stack under
						   test made (kind -1: none) */
	bool force_any;         /* sp_call: the result is not stated */
	bool finding_result_open;       /* the finding's record is a call whose result
					   differed where the finding is about what the
					   stack sent: its result is not stated */
	int ack_open_after;     /* the record after which the stacks' RCV.NXT differ on no
				   rule (the twin queued a SYN's text...): the twin's
				   acknowledgements are not written from the next one on,
				   unless the finding is about them; INT_MAX: never */
	int finding_record;     /* -1: print everything */
	const struct sd_finding *finding;
	int kind;               /* of the record being played */
	int64_t from;           /* the clock before it */
	uint32_t remote_isn;
	unsigned nin, nout, ncalls;
	struct { uint16_t port; uint32_t isn; } isn[16];    /* the twin's ISN per port */
	int nisn;
};

static unsigned other_in(const struct sp *p, int record)
{
	return p->other && record >= 0 && record < p->nother ? p->other[record] : 0;
}

/* The segments of the finding's record are written when they state the rule: a crash's
 * or a hang's record after the stacks already went different ways is not. */
static unsigned other_now(const struct sp *p, const struct sd *d)
{
	if (d->record == p->finding_record)
		return p->crash_open ? SP_OTHER_SEGS : 0;
	return other_in(p, d->record);
}

/* Outbound sequence numbers are relative to the ISN of the connection (its port). */
static uint32_t isn_of(struct sp *p, const struct sd_seg *g)
{
	int i;

	for (i = 0; i < p->nisn && p->isn[i].port != g->sport; i++)
		;
	if ((g->flags & 0x02) && i == p->nisn && p->nisn < 16)
		p->nisn++;
	if (i == p->nisn)
		return 0;
	if (g->flags & 0x02) {
		p->isn[i].port = g->sport;
		p->isn[i].isn = g->seq;
	}
	return p->isn[i].isn;
}

static void when(FILE *f, int64_t ns)
{
	fprintf(f, "%lld.%06lld ", (long long)(ns / 1000000000),
		(long long)(ns % 1000000000 / 1000));
}

/* a time step: "FROM...TO " */
static void span(FILE *f, int64_t from, int64_t to)
{
	fprintf(f, "%lld.%06lld...%lld.%06lld ", (long long)(from / 1000000000),
		(long long)(from % 1000000000 / 1000), (long long)(to / 1000000000),
		(long long)(to % 1000000000 / 1000));
}

static void sp_record(void *ctx, struct sd *d, const struct fuzz_rec *r)
{
	struct sp *p = ctx;
	static const char *const kinds[] = { "segment", "call", "time" };

	p->kind = r->kind;
	p->from = d->now;
	if (p->finding_record == -2)
		return;         /* the probe */
	if (d->record == p->finding_record && p->finding)
		fprintf(p->f, "\n// record %d (%s) broke the oracle [%s]: %s\n"
			"// The lines below state what the reference stack does.\n",
			d->record + 1, kinds[r->kind % 3], p->finding->oracle, p->finding->msg);
}

static void sp_in(void *ctx, struct sd *d, const struct sd_in *in)
{
	struct sp *p = ctx;
	char flags[16];
	const char *sep = " <";
	bool syn = in->flags & 0x02;

	p->nin++;
	wire_print_flags(flags, sizeof flags, in->flags);
	when(p->f, d->now);
	if (syn) {
		p->remote_isn = in->seq;
		fprintf(p->f, "< %s %u:%u(%u)", flags, in->seq, in->seq + in->len, in->len);
	} else {
		fprintf(p->f, "< %s %u!:%u!(%u)", flags, in->seq, in->seq + in->len, in->len);
	}
	if ((in->flags & 0x10) || in->ack_rel)
		fprintf(p->f, " ack %u", in->ack_rel);
	fprintf(p->f, " win %u", in->win);
	if (in->urp)
		fprintf(p->f, " urg %u", in->urp);
	for (int i = 0; i < in->nopt; i++) {
		const struct sd_opt *o = &in->opt[i];
		fputs(sep, p->f);
		sep = ",";
		switch (o->kind) {
		case SD_O_NOP: fputs("nop", p->f); break;
		case SD_O_MSS: fprintf(p->f, "mss %u", o->a); break;
		case SD_O_WS: fprintf(p->f, "wscale %u", o->a); break;
		case SD_O_SACKOK: fputs("sackOK", p->f); break;
		case SD_O_TS:
			fprintf(p->f, "TS val %u ecr %s", o->a, o->ecr_live ? "..." : "0");
			break;
		case SD_O_SACK: fprintf(p->f, "sack %u:%u", o->a, o->b); break;
		case SD_O_RAW:
			fprintf(p->f, "raw %u %u", o->raw[0], o->raw[1]);
			if (o->nraw > 2) {
				fputs(" hex ", p->f);
				for (int k = 2; k < o->nraw; k++)
					fprintf(p->f, "%02x", o->raw[k]);
			}
			break;
		}
	}
	if (in->nopt)
		fputc('>', p->f);
	if (in->csum_bad || in->res >= 0 || in->doff >= 0) {
		const char *s2 = " {";
		if (in->csum_bad) {
			fprintf(p->f, "%scsum bad", s2);
			s2 = ", ";
		}
		if (in->res >= 0) {
			fprintf(p->f, "%sres 0x%x", s2, in->res);
			s2 = ", ";
		}
		if (in->doff >= 0)
			fprintf(p->f, "%sdoff %d", s2, in->doff);
		fputc('}', p->f);
	}
	fputc('\n', p->f);
}

static void sp_out(void *ctx, struct sd *d, int side, const struct sd_seg *g)
{
	struct sp *p = ctx;
	char flags[16];
	uint32_t base;

	if (side != SD_TWIN)
		return;
	base = isn_of(p, g);
	p->nout++;
	wire_print_flags(flags, sizeof flags, g->flags);
	if (p->finding_record != -2 && (other_now(p, d) & SP_OTHER_SEGS))
		fputs("//   the reference stack: ", p->f);
	/* a timer's segment: anywhere in the time step (the stacks' timers differ) */
	if (p->kind == FUZZ_REC_TIME)
		span(p->f, p->from, d->now);
	else
		when(p->f, g->t);
	fprintf(p->f, "> %s %u:%u(%u)", flags, g->seq - base, g->seq - base + g->len, g->len);
	/* (the probe's segments come after every record: d->record is one past the last) */
	if ((g->flags & 0x10) && d->record <= p->ack_open_after)
		fprintf(p->f, " ack %u!", g->ack);
	/* options unchecked (a stack may send one the twin does not, a window scale on
	 * every segment), unless the finding is about options: then a twin's segment
	 * without any states that none is there */
	if (g->nkinds || !(p->finding && strstr(p->finding->msg, "option")))
		fputs(" <...>", p->f);
	fputc('\n', p->f);
}

static const char *errname(long e)
{
	static char buf[96];
	static const struct { int e; const char *n; } t[] = {
		{ EAGAIN, "EAGAIN" }, { EBADF, "EBADF" }, { EINPROGRESS, "EINPROGRESS" },
		{ EALREADY, "EALREADY" }, { EISCONN, "EISCONN" }, { ENOTCONN, "ENOTCONN" },
		{ ECONNRESET, "ECONNRESET" }, { ECONNREFUSED, "ECONNREFUSED" },
		{ ECONNABORTED, "ECONNABORTED" }, { ETIMEDOUT, "ETIMEDOUT" }, { EPIPE, "EPIPE" },
		{ EINVAL, "EINVAL" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { EADDRINUSE, "EADDRINUSE" },
		{ ENOBUFS, "ENOBUFS" }, { ENOMEM, "ENOMEM" }, { ENOTSOCK, "ENOTSOCK" },
		{ EIO, "EIO" },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].e == -e) {
			snprintf(buf, sizeof buf, "-1 %s (%s)", t[i].n, strerror(t[i].e));
			return buf;
		}
	snprintf(buf, sizeof buf, "-1 %ld", -e);
	return buf;
}

static void sp_call(void *ctx, struct sd *d, const struct fuzz_call *c)
{
	static const char *const how[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };
	struct sp *p = ctx;
	FILE *o = p->f;
	char res[128];

	p->ncalls++;
	/* a result the stack under test chose otherwise, on no rule, is not stated */
	bool any = p->force_any ||
		   (p->finding_record != -2 && (other_now(p, d) & SP_OTHER_RESULT)) ||
		   (p->finding_result_open && d->record == p->finding_record);
	char outv[32];
	if (c->ret < 0)
		snprintf(res, sizeof res, "%s", errname(c->ret));
	else
		snprintf(res, sizeof res, "%ld", c->ret);
	if (any) {
		bool has_out = c->kind == FUZZ_C_POLL || c->kind == FUZZ_C_SO_ERROR ||
			       c->kind == FUZZ_C_INQ;
		snprintf(outv, sizeof outv, ", out %d", c->out);
		fprintf(o, "// the reference stack: = %s%s\n", res, has_out ? outv : "");
		strcpy(res, "...");
	}
	when(o, d->now);
	switch (c->kind) {
	case FUZZ_C_SOCKET:
		fprintf(o, "socket(..., SOCK_STREAM, IPPROTO_TCP) = %s\n", res);
		return;
	case FUZZ_C_NONBLOCK:
		fprintf(o, "fcntl(%d, F_SETFL, O_RDWR|O_NONBLOCK) = %s\n", c->fd, res);
		return;
	case FUZZ_C_BIND: fprintf(o, "bind(%d, ..., ...) = %s\n", c->fd, res); return;
	case FUZZ_C_LISTEN: fprintf(o, "listen(%d, %ld) = %s\n", c->fd, c->arg, res); return;
	case FUZZ_C_ACCEPT: fprintf(o, "accept(%d, ..., ...) = %s\n", c->fd, res); return;
	case FUZZ_C_CONNECT: fprintf(o, "connect(%d, ..., ...) = %s\n", c->fd, res); return;
	case FUZZ_C_SEND:
		fprintf(o, "send(%d, ..., %ld, MSG_DONTWAIT|MSG_NOSIGNAL) = %s\n", c->fd, c->arg,
			res);
		return;
	case FUZZ_C_RECV:
		fprintf(o, "recv(%d, ..., %ld, MSG_DONTWAIT) = %s\n", c->fd, c->arg, res);
		return;
	case FUZZ_C_CLOSE:
	case FUZZ_C_CLOSE_LISTENER:
		fprintf(o, "close(%d) = %s\n", c->fd, res);
		return;
	case FUZZ_C_SHUTDOWN:
		fprintf(o, "shutdown(%d, %s) = %s\n", c->fd, how[c->arg % 3], res);
		return;
	case FUZZ_C_LINGER0:
		fprintf(o, "setsockopt(%d, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = %s\n",
			c->fd, res);
		return;
	case FUZZ_C_NODELAY:
		fprintf(o, "setsockopt(%d, IPPROTO_TCP, TCP_NODELAY, [%ld], 4) = %s\n", c->fd,
			c->arg, res);
		return;
	case FUZZ_C_INQ:
		if (c->ret < 0 || any)
			fprintf(o, "ioctl(%d, SIOCINQ, ...) = %s\n", c->fd, res);
		else
			fprintf(o, "ioctl(%d, SIOCINQ, [%d]) = %s\n", c->fd, c->out, res);
		return;
	case FUZZ_C_SO_ERROR:
		if (c->ret < 0 || any)
			fprintf(o, "getsockopt(%d, SOL_SOCKET, SO_ERROR, ..., ...) = %s\n", c->fd, res);
		else
			fprintf(o, "getsockopt(%d, SOL_SOCKET, SO_ERROR, [%d], [4]) = %s\n", c->fd,
				c->out, res);
		return;
	case FUZZ_C_POLL: {
		static const struct { int bit; const char *name; } names[] = {
			{ POLLIN, "POLLIN" }, { POLLPRI, "POLLPRI" }, { POLLOUT, "POLLOUT" },
			{ POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" }, { POLLRDHUP, "POLLRDHUP" },
			{ POLLNVAL, "POLLNVAL" },
		};
		int n = 0;
		fprintf(o, "poll([{fd=%d, events=POLLIN|POLLOUT, revents=", c->fd);
		for (size_t i = 0; i < sizeof names / sizeof names[0] && !any; i++)
			if (c->out & names[i].bit)
				fprintf(o, "%s%s", n++ ? "|" : "", names[i].name);
		if (any)
			fputs("...", o);
		else if (!n)
			fputc('0', o);
		fprintf(o, "}], 1, 0) = %s\n", res);
		return;
	}
	default:
		fprintf(o, "// call %d = %s\n", c->kind, res);
	}
}

/* After a record whose segments the stack under test chose otherwise: whatever it sent
 * up to the record's end is taken unchecked ('> ...'). */
static void sp_after(void *ctx, struct sd *d, const struct fuzz_rec *r)
{
	struct sp *p = ctx;

	/* a call the twin could not make (it has no such socket: the stack under test
	 * accepted a connection the twin did not, on an open choice) is made all the
	 * same, its result not stated: the reference stack's is EBADF */
	if (p->finding_record != -2 && r->kind == FUZZ_REC_CALL && p->tut_call &&
	    d->record >= 0 && d->record < p->nother && p->tut_call[d->record].kind >= 0) {
		struct fuzz_call c = p->tut_call[d->record];
		c.ret = -EBADF;
		p->force_any = true;
		sp_call(ctx, d, &c);
		p->force_any = false;
	}
	if (p->finding_record == -2 || !(other_now(p, d) & SP_OTHER_SEGS))
		return;
	if (p->kind == FUZZ_REC_TIME)
		span(p->f, p->from, d->now);
	else
		when(p->f, d->now);
	fputs("> ...\n", p->f);
}

static const struct sd_hooks sp_hooks = {
	.record = sp_record, .in = sp_in, .out = sp_out, .call = sp_call, .after = sp_after,
};

/* The first pass runs in a child: a stack under test that aborts (an lwIP assertion)
 * or crashes takes only the child with it.  The child reports the finding, and the
 * record it was playing, through a pipe. */
struct first_pass {
	bool found, crashed, doff_lies;
	int record;
	uint8_t *other;         /* per record: SP_OTHER_* */
	int nother;
	struct fuzz_call *tut_call;     /* per record: a call only the stack under test made */
	struct sd_finding f;
	char sig[64];
};

static void fp_record(void *ctx, struct sd *d, const struct fuzz_rec *r)
{
	int fd = *(int *)ctx;
	int rec = d->record;

	(void)r;
	if (write(fd, "r", 1) != 1 || write(fd, &rec, sizeof rec) != sizeof rec)
		_exit(3);
}

static void fp_in(void *ctx, struct sd *d, const struct sd_in *in)
{
	(void)d;
	if (in->doff >= 0 && write(*(int *)ctx, "o", 1) != 1)
		_exit(3);
}

/* The script's tolerance: a segment of the stack under test later or earlier than the
 * twin's by more is sent otherwise (its own timers, or real time in the stack). */
#define SP_TOLERANCE_NS 1000000

/* Whether the stack under test sent other segments than the twin in this record, in
 * what a script checks (flags but PSH, sequence numbers relative to each one's ISN,
 * acknowledgement, length; the time outside a time step's window), or returned
 * another result. */
static unsigned record_other(const struct sd *d, const struct fuzz_rec *r)
{
	const struct sd_side *a = &d->side[SD_TWIN], *b = &d->side[SD_TUT];
	unsigned o = a->ret != b->ret ? SP_OTHER_RESULT : 0;
	int n = a->nout < SD_MAXOUT ? a->nout : SD_MAXOUT;

	if (a->acked && b->acked && a->rcv_nxt != b->rcv_nxt)
		o |= SP_OTHER_RCV;

	if (a->nout != b->nout)
		return o | SP_OTHER_SEGS;
	for (int i = 0; i < n; i++) {
		const struct sd_seg *x = &a->out[i], *y = &b->out[i];
		int64_t dt = x->t - y->t;
		if (((x->flags ^ y->flags) & ~0x08) || x->seq - a->iss != y->seq - b->iss ||
		    x->ack != y->ack || x->len != y->len ||
		    (r->kind != FUZZ_REC_TIME && (dt > SP_TOLERANCE_NS || dt < -SP_TOLERANCE_NS)))
			return o | SP_OTHER_SEGS;
	}
	return o;
}

static void fp_after(void *ctx, struct sd *d, const struct fuzz_rec *r)
{
	int fd = *(int *)ctx;
	int rec = d->record;
	uint8_t o = (uint8_t)record_other(d, r);

	if (o && (write(fd, "d", 1) != 1 || write(fd, &rec, sizeof rec) != sizeof rec ||
		  write(fd, &o, 1) != 1))
		_exit(3);
	if (r->kind == FUZZ_REC_CALL && !d->side[SD_TWIN].call_made &&
	    d->side[SD_TUT].call_made &&
	    (write(fd, "c", 1) != 1 || write(fd, &rec, sizeof rec) != sizeof rec ||
	     write(fd, &d->side[SD_TUT].call, sizeof d->side[SD_TUT].call) !=
	     sizeof d->side[SD_TUT].call))
		_exit(3);
}

static const struct sd_hooks fp_hooks = { .record = fp_record, .in = fp_in,
					  .after = fp_after };

/* Reads what the first pass's child says until it ends or the time limit: false when
 * the child is still running at the limit (it hangs). */
static bool fp_read(int fd, struct first_pass *fp, unsigned secs)
{
	struct timespec now, end;
	char c;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += secs;
	for (;;) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long ms = (end.tv_sec - now.tv_sec) * 1000LL +
			       (end.tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			return false;
		int n = poll(&pf, 1, ms > 60000 ? 60000 : (int)ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			continue;
		if (read(fd, &c, 1) != 1)
			return true;    /* the child ended (or closed the pipe) */
		if (c == 'r' && read(fd, &fp->record, sizeof fp->record) != sizeof fp->record)
			return true;
		if (c == 'o')
			fp->doff_lies = true;
		int rec;
		uint8_t o;
		if (c == 'd' && read(fd, &rec, sizeof rec) == sizeof rec &&
		    read(fd, &o, 1) == 1 && rec >= 0 && rec < fp->nother)
			fp->other[rec] = o;
		if (c == 'f' && read(fd, &fp->f, sizeof fp->f) == sizeof fp->f)
			fp->found = true;
		struct fuzz_call call;
		if (c == 'c' && read(fd, &rec, sizeof rec) == sizeof rec &&
		    read(fd, &call, sizeof call) == sizeof call && rec >= 0 && rec < fp->nother)
			fp->tut_call[rec] = call;
	}
}

static bool first_pass(const uint8_t *data, size_t size, const char *spec,
		       struct first_pass *fp, unsigned secs)
{
	static struct sd d;
	int pfd[2], st;
	pid_t pid;

	memset(fp, 0, sizeof *fp);
	fp->record = -1;
	/* a record takes a byte at least */
	fp->nother = size + 1 < INT_MAX ? (int)size + 1 : INT_MAX;
	fp->other = calloc((size_t)fp->nother, 1);
	fp->tut_call = calloc((size_t)fp->nother, sizeof *fp->tut_call);
	if (!fp->other || !fp->tut_call || pipe(pfd))
		return false;
	for (int i = 0; i < fp->nother; i++)
		fp->tut_call[i].kind = -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		close(pfd[0]);
		if (!sd_init(&d, spec, &fp_hooks, &pfd[1]))
			_exit(3);
		if (sd_run(&d, data, size) &&
		    (write(pfd[1], "f", 1) != 1 ||
		     write(pfd[1], &d.finding, sizeof d.finding) != sizeof d.finding))
			_exit(3);
		sd_free(&d);
		_exit(0);
	}
	close(pfd[1]);
	/* a call that never returns (the stack blocks the thread, or a real-time stack
	 * waits on its own threads) is a hang: the parent keeps the time, so a stack that
	 * catches or blocks signals cannot stop it, and ends the child */
	bool hung = !fp_read(pfd[0], fp, secs);
	if (hung)
		kill(pid, SIGKILL);
	close(pfd[0]);
	if (waitpid(pid, &st, 0) < 0)
		return false;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		return false;
	if (hung && !fp->found) {
		fp->crashed = fp->found = true;
		fp->f.oracle = "hang";
		fp->f.record = fp->record;
		snprintf(fp->f.msg, sizeof fp->f.msg, "%s: the stack under test did not return "
			 "within %u s (a hang) while it played this record", spec, secs);
	}
	if (WIFSIGNALED(st) && !fp->found) {
		fp->crashed = fp->found = true;
		fp->f.oracle = "crash";
		fp->f.record = fp->record;
		int sig = WTERMSIG(st);
		snprintf(fp->f.msg, sizeof fp->f.msg, "%s: the stack under test died (signal "
			 "%d%s) while it played this record", spec, sig,
			 sig == SIGABRT ? ", SIGABRT: the stack called abort(), e.g. a failed "
					  "assertion or a Go runtime fatal error"
					: "");
	}
	return true;
}

int repro_fuzz_stack(const char *input, const uint8_t *data, size_t size, const char *spec,
		     FILE *f, unsigned secs, void (*then)(void))
{
	static struct sd d;
	struct first_pass fp;
	struct sp p = { .f = f, .finding_record = -1, .ack_open_after = INT_MAX };

	if (!first_pass(data, size, spec, &fp, secs)) {
		free(fp.other);
		free(fp.tut_call);
		return CLI_UNAVAILABLE;
	}
	int nother = 0;
	for (int i = 0; i < fp.nother && (!fp.found || i < fp.f.record); i++)
		nother += (fp.other[i] & (SP_OTHER_SEGS | SP_OTHER_RESULT)) != 0;
	/* the stacks acknowledged different sequence numbers before the finding's record
	 * and the driver reported nothing (the twin queued the text of the peer's SYN,
	 * RFC 9293 3.10.7.2, which many stacks do not): from the next record on the
	 * twin's acknowledgements are consequences, not the rule, unless the finding is
	 * about what the stack acknowledged */
	bool about_acks = fp.found && (!strcmp(fp.f.oracle, "ack-unsent") ||
				       !strcmp(fp.f.oracle, "fin") ||
				       !strcmp(fp.f.oracle, "rfc5961-ack") ||
				       strstr(fp.f.msg, ": acknowledged "));
	for (int i = 0; i < fp.nother && (!fp.found || i < fp.f.record) && !about_acks; i++)
		if (fp.other[i] & SP_OTHER_RCV) {
			p.ack_open_after = i;
			break;
		}
	/* a finding about what the stack sent, at a call whose result differed (the
	 * earlier open choices left the stacks in other states): the segments are the
	 * finding, the result only the state, so the script leaves it open and fails on
	 * the segments at the duplicate ACK's answer */
	bool about_sent = fp.found && (!strcmp(fp.f.oracle, "window") ||
				       !strcmp(fp.f.oracle, "written"));
	p.finding_result_open = about_sent && fp.f.record >= 0 && fp.f.record < fp.nother &&
				(fp.other[fp.f.record] & SP_OTHER_RESULT);
	p.other = fp.other;
	p.nother = fp.nother;
	p.tut_call = fp.tut_call;
	p.crash_open = fp.crashed && nother;
	if (then)
		then();
	/* fp.f.oracle points at a string literal: the child's address is the parent's */
	/* the script: the twin's behaviour, played with the reference stack on both sides
	 * (only the twin's side is written), up to the finding's record */
	if (!sd_init(&d, "reference", &sp_hooks, &p)) {
		free(fp.other);
		free(fp.tut_call);
		return CLI_UNAVAILABLE;
	}
	p.finding_record = fp.found ? fp.f.record : -1;
	p.finding = fp.found ? &fp.f : NULL;
	d.max_records = fp.found ? fp.f.record + 1 : -1;
	fprintf(f, "// tcpspec repro fuzz_stack %s --target %s (%zu bytes)\n", input, spec, size);
	if (fp.found)
		fprintf(f, "// Finding: [%s] %s (record %d)\n"
			"// What the reference stack does with this input, up to that record: the\n"
			"// script passes on reference and fails on %s where it breaks the rule.\n",
			fp.f.oracle, fp.f.msg, fp.f.record + 1, spec);
	if (nother)
		fprintf(f, "// In %d record%s before it %s sent other segments or returned another\n"
			"// result than the reference stack, on no rule (a choice the RFCs leave open,\n"
			"// or what followed from one): there the script takes whatever the stack sends\n"
			"// ('> ...', the reference stack's segments in comments) and any result.\n",
			nother, nother == 1 ? "" : "s", spec);
	if (p.ack_open_after != INT_MAX)
		fprintf(f, "// After record %d %s acknowledged other sequence numbers than the\n"
			"// reference stack, on no rule (it queued other text, e.g. a SYN's): the\n"
			"// script leaves the acknowledgement of the segments after it unchecked.\n",
			p.ack_open_after + 1, spec);
	if (!fp.found)
		fprintf(f, "// No oracle broken on %s: the reference stack's behaviour on the "
			"whole input.\n", spec);
	fprintf(f, "--tolerance_usecs=1000\n--relax=psh\n");
	if (fp.doff_lies)
		fprintf(f, "// a data offset lies below: options read as data are not the stream's\n"
			"--no_content_check\n");
	fputc('\n', f);
	sd_run(&d, data, size);
	fprintf(f, "\n// the connection's error and poll state, and the peer's old duplicate ACK:\n"
		"// a state or an answer the rule forbids above meets these\n");
	p.finding_record = -2;
	/* a finding about what the stack acknowledged or sent: the duplicate ACK's answer
	 * first */
	sd_probe(&d, about_acks || about_sent);
	sd_free(&d);
	fprintf(f, "// %u segments in, %u out, %u calls\n", p.nin, p.nout, p.ncalls);
	free(fp.other);
	free(fp.tut_call);
	return CLI_OK;
}

/* ---- the other targets ---------------------------------------------------------------- */

static void put32le(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	fwrite(b, 1, 4, f);
}

static void pcap_one(FILE *f, const uint8_t *p, size_t n)
{
	put32le(f, 0xa1b2c3d4);
	put32le(f, 0x00040002);         /* version 2.4 */
	put32le(f, 0);
	put32le(f, 0);
	put32le(f, 65535);
	put32le(f, 101);                /* LINKTYPE_RAW: IP first */
	put32le(f, 0);
	put32le(f, 0);
	put32le(f, (uint32_t)n);
	put32le(f, (uint32_t)n);
	fwrite(p, 1, n, f);
}

int repro_other(const char *target, const uint8_t *data, size_t size, FILE *f)
{
	if (!strcmp(target, "fuzz_script")) {
		fwrite(data, 1, size, f);
		return CLI_OK;
	}
	if (!strcmp(target, "fuzz_wire_segment")) {
		pcap_one(f, data, size > 65535 ? 65535 : size);
		return CLI_OK;
	}
	if (!strcmp(target, "fuzz_wire_options")) {
		/* IPv4 and TCP headers around the option bytes, 40 at most */
		uint8_t pkt[80] = { 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6, 0, 0,
				    192, 0, 2, 1, 192, 0, 2, 2 };
		size_t no = size > 40 ? 40 : size, hl = (no + 3) / 4 * 4, tot = 40 + hl;
		pkt[2] = (uint8_t)(tot >> 8);
		pkt[3] = (uint8_t)tot;
		pkt[20] = 0x9c; pkt[21] = 0x40; pkt[22] = 0x1f; pkt[23] = 0x90;
		pkt[32] = (uint8_t)((20 + hl) / 4 << 4);
		pkt[33] = 0x02;
		pkt[34] = 0xff; pkt[35] = 0xff;
		memcpy(pkt + 40, data, no);
		pcap_one(f, pkt, tot);
		return CLI_OK;
	}
	return CLI_UNSUPPORTED;
}
