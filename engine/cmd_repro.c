/* tcpspec repro: turn a fuzzer input into a .pkt script.
 *
 *   tcpspec repro fuzz_refstack INPUT [-o OUT.pkt]
 *
 * The input is played into the reference stack by the same driver the fuzz target uses
 * (fuzz/records.h), and everything that happens is written down as a script: the
 * listener's set-up calls, every segment the peer sent (`<`), every segment the stack
 * sent (`>`), every application call with its result, each at its virtual time.  Replayed
 * with `tcpspec run` the script drives the reference target through the same behaviour
 * (and any other target through the same inputs).  Numbers follow tcpspec-run(1): an
 * inbound SYN's sequence number as it is, other inbound sequence numbers absolute (N!),
 * inbound acknowledgements and SACK blocks relative to the stack's latest SYN, outbound
 * sequence numbers relative to it, outbound acknowledgements absolute (N!) and outbound
 * SACK blocks relative to the peer's latest SYN.  The peer's
 * payload is the engine's (zeros): the stack does not look at it. */
#define _GNU_SOURCE 1  /* POLLRDHUP */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include "engine/cli.h"
#include "engine/repro.h"
#include "fuzz/records.h"
#include "wire/wire.h"

struct printer {
	FILE *out;
	FILE *file;             /* the script */
	char *held;             /* segments sent during a call, printed after it */
	size_t nheld;
	uint32_t local_isn, remote_isn;     /* as the engine rebases them */
	const char *finding;    /* --finding: the oracle's message */
	unsigned finding_rec;   /* and the record it names, 0 when none */
	const struct rule *rule;        /* what the oracle demands, as a script can check it */
	bool in_finding;        /* the finding's record is being played */
	bool muted;             /* past it: nothing more is written */
	int fd;                 /* the connection's socket before that record, -1: none */
	int pre_state;          /* and its state, bytes received and acknowledged */
	uint64_t pre_received, pre_acked;
	uint32_t pre_rcv_nxt;
	unsigned nseg_in, nseg_out, ncalls;
};

/* The rules of fuzz_refstack's oracles that a script can state: after the record that
 * broke one, the connection's TCP_INFO must show what the rule says (the state it had
 * before, or CLOSE; the bytes received or acknowledged before), and RCV.NXT is where it
 * was (R_RCV_NXT: the peer sends a segment far below the window, which RFC 9293
 * 3.10.7.4 says any stack answers with <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>).  The stack's answers to
 * that record are left out: they are what the oracle says is wrong. */
enum rule_check { R_SAME_STATE = 1, R_SAME_RECEIVED = 2, R_SAME_ACKED = 4, R_CLOSED = 8,
		  R_RCV_NXT = 16 };
struct rule {
	const char *oracle;     /* the start of fuzz_refstack's message */
	unsigned check;
	const char *says;
};
static const struct rule rules[] = {
	{ "data or sequence space accepted after the peer's FIN", R_SAME_RECEIVED | R_RCV_NXT,
	  "no octet after the peer's FIN is received (RFC 9293 3.10.7.4, eighth step)" },
	{ "a segment with a bad checksum must be dropped", R_SAME_STATE | R_SAME_RECEIVED |
	  R_SAME_ACKED | R_RCV_NXT, "the segment changes nothing (RFC 9293 3.1, MUST-2/MUST-3)" },
	{ "a RST at exactly RCV.NXT must reset", R_CLOSED,
	  "the connection is reset (RFC 5961 3.2)" },
	{ "a RST not at RCV.NXT must not change the state", R_SAME_STATE,
	  "the state does not change (RFC 5961 3.2)" },
	{ "a SYN in a synchronized state must not reset", R_SAME_STATE,
	  "the state does not change (RFC 5961 4.2)" },
	{ "an ACK of unsent data", R_SAME_ACKED,
	  "nothing more is acknowledged (RFC 5961 5.2)" },
};

static const char *tcpi_state_name(int tcpi)   /* Linux's numbers, as TCP_INFO gives */
{
	static const char *const names[] = {
		"0", "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_FIN_WAIT1",
		"TCP_FIN_WAIT2", "TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT", "TCP_LAST_ACK",
		"TCP_LISTEN", "TCP_CLOSING",
	};
	return tcpi > 0 && tcpi < (int)(sizeof names / sizeof names[0]) ? names[tcpi] : "TCP_CLOSE";
}

static const char *errno_name(long e)
{
	static const struct { int e; const char *name, *text; } t[] = {
		{ EAGAIN, "EAGAIN", "Resource temporarily unavailable" },
		{ EBADF, "EBADF", "Bad file descriptor" },
		{ EINPROGRESS, "EINPROGRESS", "Operation now in progress" },
		{ EALREADY, "EALREADY", "Operation already in progress" },
		{ EISCONN, "EISCONN", "Transport endpoint is already connected" },
		{ ENOTCONN, "ENOTCONN", "Transport endpoint is not connected" },
		{ ECONNRESET, "ECONNRESET", "Connection reset by peer" },
		{ ECONNREFUSED, "ECONNREFUSED", "Connection refused" },
		{ ECONNABORTED, "ECONNABORTED", "Software caused connection abort" },
		{ ETIMEDOUT, "ETIMEDOUT", "Connection timed out" },
		{ EPIPE, "EPIPE", "Broken pipe" },
		{ EINVAL, "EINVAL", "Invalid argument" },
		{ EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported" },
		{ EADDRINUSE, "EADDRINUSE", "Address already in use" },
		{ EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address" },
		{ ENOBUFS, "ENOBUFS", "No buffer space available" },
		{ ENOMEM, "ENOMEM", "Cannot allocate memory" },
		{ EMSGSIZE, "EMSGSIZE", "Message too long" },
		{ EHOSTUNREACH, "EHOSTUNREACH", "No route to host" },
		{ ENETUNREACH, "ENETUNREACH", "Network is unreachable" },
		{ EPROTO, "EPROTO", "Protocol error" },
		{ ENOPROTOOPT, "ENOPROTOOPT", "Protocol not available" },
		{ EMFILE, "EMFILE", "Too many open files" },
		{ ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket" },
	};
	static char buf[96];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].e == -e) {
			snprintf(buf, sizeof buf, "%s (%s)", t[i].name, t[i].text);
			return buf;
		}
	snprintf(buf, sizeof buf, "%ld", -e);
	return buf;
}

static void when(struct printer *p, int64_t ns)
{
	fprintf(p->out, "%lld.%06lld ", (long long)(ns / 1000000000),
		(long long)(ns % 1000000000 / 1000));
}

static void result(struct printer *p, long ret)
{
	if (ret < 0)
		fprintf(p->out, " = -1 %s\n", errno_name(ret));
	else
		fprintf(p->out, " = %ld\n", ret);
}

static void options(struct printer *p, const struct ref_segment *s, bool outbound)
{
	static const uint8_t order[] = { REF_OPT_MSS, REF_OPT_SACK_PERM, REF_OPT_TS,
					 REF_OPT_NOP, REF_OPT_WS, REF_OPT_SACK };
	const struct ref_options *o = &s->opt;
	const uint8_t *kinds = order;
	size_t n = sizeof order;
	const char *sep = " <";
	uint32_t sack_base = outbound ? p->remote_isn : p->local_isn;

	if (!o->has && !o->bad_len)
		return;
	if (outbound && o->nlayout) {
		kinds = o->layout;
		n = o->nlayout;
	}
	for (size_t i = 0; i < n; i++) {
		switch (kinds[i]) {
		case REF_OPT_NOP:
			if (outbound || (o->has & REF_HAS_WS))
				fprintf(p->out, "%snop", sep);
			else
				continue;
			break;
		case REF_OPT_EOL:
			fprintf(p->out, "%seol", sep);
			break;
		case REF_OPT_MSS:
			if (!(o->has & REF_HAS_MSS))
				continue;
			fprintf(p->out, "%smss %u", sep, o->mss);
			break;
		case REF_OPT_WS:
			if (!(o->has & REF_HAS_WS))
				continue;
			fprintf(p->out, "%swscale %u", sep, o->wscale);
			break;
		case REF_OPT_SACK_PERM:
			if (!(o->has & REF_HAS_SACK_PERM))
				continue;
			fprintf(p->out, "%ssackOK", sep);
			break;
		case REF_OPT_TS:
			if (!(o->has & REF_HAS_TS))
				continue;
			fprintf(p->out, "%sTS val %u ecr %u", sep, o->tsval, o->tsecr);
			break;
		case REF_OPT_SACK:
			if (!(o->has & REF_HAS_SACK) || !o->nsack)
				continue;
			fprintf(p->out, "%ssack", sep);
			for (unsigned k = 0; k < o->nsack && k < REF_MAX_SACK; k++)
				fprintf(p->out, " %u:%u", o->sack[k].left - sack_base,
					o->sack[k].right - sack_base);
			break;
		default:
			continue;
		}
		sep = ",";
	}
	if (!outbound && o->bad_len) {
		fprintf(p->out, "%sraw 2 3 hex 05", sep);   /* MSS with length 3: MUST-7 */
		sep = ",";
	}
	if (strcmp(sep, " <"))
		fputc('>', p->out);
}

static void segment(struct printer *p, const struct ref_segment *s, bool outbound, int64_t t)
{
	char flags[16];

	wire_print_flags(flags, sizeof flags, s->flags);
	when(p, t);
	if (outbound) {
		if (s->flags & REF_SYN)
			p->local_isn = s->seq;
		fprintf(p->out, "> %s %u:%u(%u)", flags, s->seq - p->local_isn,
			s->seq - p->local_isn + s->len, s->len);
		if (s->flags & REF_ACK)
			fprintf(p->out, " ack %u!", s->ack);
	} else {
		/* a SYN's number is taken as written; the others are written absolute (N!)
		 * so that they do not depend on which SYN the runner counts from */
		if (s->flags & REF_SYN) {
			p->remote_isn = s->seq;
			fprintf(p->out, "< %s %u:%u(%u)", flags, s->seq, s->seq + s->len, s->len);
		} else {
			fprintf(p->out, "< %s %u!:%u!(%u)", flags, s->seq, s->seq + s->len, s->len);
		}
		if ((s->flags & REF_ACK) || s->ack)
			fprintf(p->out, " ack %u", s->ack - p->local_isn);
	}
	fprintf(p->out, " win %u", s->wnd);
	if (s->flags & REF_URG)
		fprintf(p->out, " urg %u", s->urp);
	options(p, s, outbound);
	if (!outbound && !s->csum_ok)
		fprintf(p->out, " {csum bad}");
	fputc('\n', p->out);
}

/* before ref_input, so that the stack's answers come after it */
static void on_seg_pre(void *ctx, struct fuzz_drv *d, const struct ref_segment *s)
{
	struct printer *p = ctx;

	if (p->muted)
		return;
	p->nseg_in++;
	segment(p, s, false, d->now);
}

static void on_seg_out(void *ctx, struct fuzz_drv *d, const struct ref_segment *s)
{
	struct printer *p = ctx;

	if (p->muted || (p->in_finding && p->rule))
		return;
	p->nseg_out++;
	if (d->in_call && p->out == p->file) {
		p->out = open_memstream(&p->held, &p->nheld);
		if (!p->out)
			p->out = p->file;
	}
	segment(p, s, true, d->out_now);
}

/* after a call's line: the segments it made the stack send */
static void release_held(struct printer *p)
{
	if (p->out == p->file)
		return;
	fclose(p->out);
	p->out = p->file;
	fwrite(p->held, 1, p->nheld, p->file);
	free(p->held);
	p->held = NULL;
	p->nheld = 0;
}

static void on_call(void *ctx, struct fuzz_drv *d, const struct fuzz_call *c)
{
	static const char *const how[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };
	struct printer *p = ctx;
	FILE *held = p->out != p->file ? p->out : NULL, *o = p->file;

	if (p->muted)
		return;
	p->ncalls++;
	p->out = p->file;
	when(p, d->now);
	switch (c->kind) {
	case FUZZ_C_SOCKET:
		fprintf(o, "socket(..., SOCK_STREAM, IPPROTO_TCP)");
		break;
	case FUZZ_C_NONBLOCK:
		fprintf(o, "fcntl(%d, F_SETFL, O_RDWR|O_NONBLOCK)", c->fd);
		break;
	case FUZZ_C_BIND:
		fprintf(o, "bind(%d, ..., ...)", c->fd);
		break;
	case FUZZ_C_LISTEN:
		fprintf(o, "listen(%d, %ld)", c->fd, c->arg);
		break;
	case FUZZ_C_ACCEPT:
		fprintf(o, "accept(%d, ..., ...)", c->fd);
		break;
	case FUZZ_C_CONNECT:
		fprintf(o, "connect(%d, ..., ...)", c->fd);
		break;
	case FUZZ_C_SEND:
		fprintf(o, "send(%d, ..., %ld, MSG_DONTWAIT|MSG_NOSIGNAL)", c->fd, c->arg);
		break;
	case FUZZ_C_RECV:
		fprintf(o, "recv(%d, ..., %ld, MSG_DONTWAIT)", c->fd, c->arg);
		break;
	case FUZZ_C_CLOSE:
	case FUZZ_C_CLOSE_LISTENER:
		fprintf(o, "close(%d)", c->fd);
		break;
	case FUZZ_C_SHUTDOWN:
		fprintf(o, "shutdown(%d, %s)", c->fd, how[c->arg % 3]);
		break;
	case FUZZ_C_LINGER0:
		fprintf(o, "setsockopt(%d, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8)", c->fd);
		break;
	case FUZZ_C_NODELAY:
		fprintf(o, "setsockopt(%d, IPPROTO_TCP, TCP_NODELAY, [%ld], 4)", c->fd, c->arg);
		break;
	case FUZZ_C_INQ:
		if (c->ret < 0)
			fprintf(o, "ioctl(%d, SIOCINQ, ...)", c->fd);
		else
			fprintf(o, "ioctl(%d, SIOCINQ, [%d])", c->fd, c->out);
		break;
	case FUZZ_C_SO_ERROR:
		if (c->ret < 0)
			fprintf(o, "getsockopt(%d, SOL_SOCKET, SO_ERROR, ..., ...)", c->fd);
		else
			fprintf(o, "getsockopt(%d, SOL_SOCKET, SO_ERROR, [%d], [4])", c->fd, c->out);
		break;
	case FUZZ_C_POLL: {
		static const struct { int bit; const char *name; } names[] = {
			{ POLLIN, "POLLIN" }, { POLLPRI, "POLLPRI" }, { POLLOUT, "POLLOUT" },
			{ POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" }, { POLLRDHUP, "POLLRDHUP" },
		};
		int rev = c->ret > 0 ? (int)c->ret : c->ret < 0 ? POLLNVAL : 0, any = 0;
		fprintf(o, "poll([{fd=%d, events=POLLIN|POLLOUT, revents=", c->fd);
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (rev & names[i].bit)
				fprintf(o, "%s%s", any++ ? "|" : "", names[i].name);
		if (c->ret < 0)
			fprintf(o, "%sPOLLNVAL", any++ ? "|" : "");
		if (!any)
			fputc('0', o);
		fprintf(o, "}], 1, 0) = %d\n", rev ? 1 : 0);
		p->out = held ? held : p->file;
		release_held(p);
		return;
	}
	default:
		fprintf(o, "// unknown call %d", c->kind);
		break;
	}
	if (c->kind == FUZZ_C_CONNECT && c->ret == -EINPROGRESS)
		fprintf(o, " = -1 EINPROGRESS (Operation now in progress)\n");
	else
		result(p, c->ret);
	p->out = held ? held : p->file;
	release_held(p);
}

/* before the record that broke the oracle (the after hook of the one before it) */
static void finding_mark(struct printer *p, struct fuzz_drv *d)
{
	struct ref_tcp_info ti;
	bool known = d && d->cfd >= 0 && ref_sock_tcp_info(d->st, d->cfd, &ti, d->now) == 0;

	p->in_finding = true;
	p->rule = NULL;
	for (size_t i = 0; known && i < sizeof rules / sizeof rules[0]; i++)
		if (!strncmp(p->finding, rules[i].oracle, strlen(rules[i].oracle)))
			p->rule = &rules[i];
	if (!p->rule) {
		fprintf(p->file, "\n// record %u broke fuzz_refstack's oracle: %s\n"
			"// What follows is what this build's reference stack did; the oracle "
			"says it\n// is wrong from here, and a script cannot check its rule (for "
			"a script that\n// states the rule, fuzz the changed stack as a plugin "
			"with fuzz_stack, whose\n// twin is the reference stack).\n",
			p->finding_rec, p->finding);
		return;
	}
	p->fd = d->cfd;
	p->pre_state = ti.state;
	p->pre_received = ti.bytes_received;
	p->pre_acked = ti.bytes_acked;
	p->pre_rcv_nxt = fuzz_drv_seq_base(d);
	fprintf(p->file, "\n// record %u broke fuzz_refstack's oracle [fuzz_refstack]: %s\n"
		"// The rule, stated after the record: %s.  What the stack sent in answer is\n"
		"// left out (the oracle says it is wrong): the script fails while the bug is\n"
		"// there and passes once it is fixed.\n", p->finding_rec, p->finding,
		p->rule->says);
}

/* after the record that broke the oracle: the rule, as TCP_INFO shows it */
static void state_rule(struct printer *p, struct fuzz_drv *d)
{
	unsigned c = p->rule->check;

	release_held(p);
	when(p, d->now);
	fprintf(p->file, "getsockopt(%d, SOL_TCP, TCP_INFO, {", p->fd);
	if (c & (R_SAME_STATE | R_CLOSED))
		fprintf(p->file, "tcpi_state=%s, ", c & R_CLOSED ? "TCP_CLOSE" :
			tcpi_state_name(p->pre_state));
	if (c & R_SAME_RECEIVED)
		fprintf(p->file, "tcpi_bytes_received=%llu, ",
			(unsigned long long)p->pre_received);
	if (c & R_SAME_ACKED)
		fprintf(p->file, "tcpi_bytes_acked=%llu, ", (unsigned long long)p->pre_acked);
	fprintf(p->file, "...}, [...]) = 0\n");
	p->ncalls++;
	if (c & R_RCV_NXT) {
		uint32_t far = p->pre_rcv_nxt - 30000, snd = fuzz_drv_ack_base(d, 0);
		when(p, d->now);
		fprintf(p->file, "< . %u!:%u!(0) ack %u win 65535\n", far, far, snd - p->local_isn);
		when(p, d->now);
		fprintf(p->file, "> . %u:%u(0) ack %u!\n", snd - p->local_isn, snd - p->local_isn,
			p->pre_rcv_nxt);
		p->nseg_in++;
		p->nseg_out++;
	}
	p->muted = true;
}

static void on_after(void *ctx, struct fuzz_drv *d, const struct fuzz_rec *r)
{
	struct printer *p = ctx;

	(void)r;
	if (p->muted)
		return;
	if (p->finding_rec && d->nrec + 1 == p->finding_rec)
		finding_mark(p, d);
	else if (p->in_finding && d->nrec == p->finding_rec && p->rule)
		state_rule(p, d);
	else if (p->in_finding)
		p->in_finding = false;
}

static int usage(void)
{
	fprintf(stderr, "usage: tcpspec repro fuzz_refstack INPUT [-o OUT.pkt] [--timeout SECS]\n"
		"       (--finding 'RULE (record N)': name what broke fuzz_refstack's oracle)\n"
		"       tcpspec repro fuzz_stack INPUT [--target lwip|reference|plugin:PATH.so]"
		" [-o OUT.pkt]\n"
		"       tcpspec repro fuzz_script|fuzz_wire_segment|fuzz_wire_options INPUT "
		"[-o OUT]\n"
		"Writes a .pkt script reproducing a fuzz input, or for the parser and codec "
		"targets\na test case (the script; a one-packet pcap for tcpspec decode); see "
		"tcpspec-repro(1).\n"
		"--timeout SECS (default 20): the stack under test's time to play the input "
		"(longer\nis a hang finding), and the limit of every other step: past it tcpspec "
		"repro\ngives up with status 1 and removes OUT.\n");
	return CLI_USAGE;
}

/* --timeout: a step that does not end (the reference stack or the parser looping on
 * the input a fuzzer found) ends the command, without leaving a half-written file */
static const char *alarm_output;
static unsigned alarm_secs;

static void on_alarm(int sig)
{
	static const char msg[] = "tcpspec repro: gave up: a step took longer than --timeout "
				  "(the input loops in tcpspec itself?)\n";
	(void)sig;
	if (alarm_output)
		unlink(alarm_output);
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(CLI_FAIL);
	_exit(CLI_FAIL);
}

static void arm_alarm(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(alarm_secs);
}

int cmd_repro(int argc, char **argv)
{
	static const struct fuzz_hooks hooks = {
		.seg_pre = on_seg_pre, .seg_out = on_seg_out, .call = on_call, .after = on_after,
	};
	const char *target = NULL, *input = NULL, *output = NULL, *spec = "reference";
	unsigned timeout = 20;
	struct printer p = { .fd = -1 };
	struct fuzz_drv d;
	uint8_t *data;
	size_t size = 0, cap = 1 << 16;
	FILE *in;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage();
			return CLI_OK;
		}
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			output = argv[++i];
		else if (!strcmp(argv[i], "--finding") && i + 1 < argc)
			p.finding = argv[++i];
		else if (!strcmp(argv[i], "--target") && i + 1 < argc)
			spec = argv[++i];
		else if (!strncmp(argv[i], "--target=", 9))
			spec = argv[i] + 9;
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);
			if (*end || !*argv[i] || v == 0 || v > 86400) {
				fprintf(stderr, "tcpspec repro: --timeout %s: want whole seconds, "
					"1 to 86400\n", argv[i]);
				return CLI_USAGE;
			}
			timeout = (unsigned)v;
		} else if (!target)
			target = argv[i];
		else if (!input)
			input = argv[i];
		else
			return usage();
	}
	if (!target || !input)
		return usage();
	if (strcmp(target, "fuzz_refstack") && strcmp(target, "fuzz_stack") &&
	    strcmp(target, "fuzz_script") && strcmp(target, "fuzz_wire_segment") &&
	    strcmp(target, "fuzz_wire_options")) {
		fprintf(stderr, "tcpspec repro: %s: not a fuzz target tcpspec knows\n", target);
		return CLI_UNSUPPORTED;
	}
	in = fopen(input, "rb");
	if (!in) {
		fprintf(stderr, "tcpspec repro: %s: %s\n", input, strerror(errno));
		return CLI_USAGE;
	}
	data = malloc(cap);
	while (data) {
		size_t k = fread(data + size, 1, cap - size, in);
		size += k;
		if (k == 0)
			break;
		if (size == cap) {
			uint8_t *nd = realloc(data, cap *= 2);
			if (!nd)
				free(data);
			data = nd;
		}
	}
	fclose(in);
	if (!data) {
		fprintf(stderr, "tcpspec repro: out of memory\n");
		return CLI_FAIL;
	}
	p.out = p.file = output ? fopen(output, "w") : stdout;
	if (!p.out) {
		fprintf(stderr, "tcpspec repro: %s: %s\n", output, strerror(errno));
		free(data);
		return CLI_USAGE;
	}
	alarm_output = output;
	alarm_secs = timeout;
	if (strcmp(target, "fuzz_refstack")) {
		int rc;
		if (!strcmp(target, "fuzz_stack")) {
			/* the first pass keeps its own time (a hang there is a finding); the
			 * alarm covers the reference stack's replay after it */
			rc = repro_fuzz_stack(input, data, size, spec, p.out, timeout, arm_alarm);
		} else {
			arm_alarm();
			rc = repro_other(target, data, size, p.out);
		}
		alarm(0);
		free(data);
		if (output && fclose(p.out)) {
			fprintf(stderr, "tcpspec repro: %s: %s\n", output, strerror(errno));
			return CLI_FAIL;
		}
		return rc;
	}
	if (!fuzz_drv_init(&d, &hooks, &p)) {
		fprintf(stderr, "tcpspec repro: out of memory\n");
		free(data);
		return CLI_FAIL;
	}
	arm_alarm();
	const struct ref_config *cfg = ref_stack_config(d.st);
	fprintf(p.out, "// tcpspec repro fuzz_refstack %s (%zu bytes)\n"
		"// The reference stack's behaviour on this fuzz input; replay with tcpspec run.\n"
		"--tolerance_usecs=1000\n--local_ip=192.0.2.1\n--remote_ip=192.0.2.2\n"
		"`sysctl -q net.ipv4.tcp_rmem=\"4096 %u %u\"`\n\n", input, size,
		cfg->rmem_default, cfg->rmem_max);
	if (p.finding) {
		const char *r = strstr(p.finding, "(record ");
		p.finding_rec = r ? (unsigned)strtoul(r + 8, NULL, 10) : 0;
		fprintf(p.out, "// Finding: %s\n", p.finding);
		if (p.finding_rec == 1)
			finding_mark(&p, NULL);
	}
	fuzz_drv_run(&d, data, size);
	fuzz_drv_free(&d);
	alarm(0);
	free(data);
	fprintf(p.out, "// %u segments in, %u out, %u calls\n", p.nseg_in, p.nseg_out, p.ncalls);
	if (output && fclose(p.out)) {
		fprintf(stderr, "tcpspec repro: %s: %s\n", output, strerror(errno));
		return CLI_FAIL;
	}
	return CLI_OK;
}
