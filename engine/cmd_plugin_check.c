/* tcpspec plugin-check PATH.so: exercises a plugin's side of the ABI (tcpspec/plugin.h)
 * directly, without scripts, and says for each check "ok" or what to fix and which
 * section of tcpspec-plugin(7) to read.  Each check runs in a process of its own (a
 * plugin may keep global state, and may crash: that is a failed check, not a crashed
 * tcpspec), against a fresh load of the plugin.
 *
 * The checks act as the engine does: on virtual time they call complete() with the
 * current time as the deadline after every inject() and advance(), and advance to the
 * next_timer_ns the plugin reported. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/cli.h"
#include "target-adapters/plugin_host.h"
#include "wire/wire.h"

#define PC_OK 0
#define PC_FAIL 1
#define PC_SKIP 2
#define PC_CHECK_S 20           /* a check still running after this is stuck */
#define SEC 1000000000LL

struct pc {
	struct target_plugin_lib lib;
	const struct tcpspec_plugin_v2 *pl;
	void *h;
	struct target_config cfg;
	struct target_diag diag;
	uint32_t peer_seq;              /* the script peer's next sequence number */
	uint32_t stack_seq;             /* the stack's next sequence number */
	char msg[1024];
};

static int fail(struct pc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pc *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
	return PC_FAIL;
}

static int skip(struct pc *p, const char *why)
{
	snprintf(p->msg, sizeof p->msg, "%s", why);
	return PC_SKIP;
}

static bool virt(const struct pc *p)
{
	return (p->pl->caps & TARGET_VIRTUAL_TIME) != 0;
}

static bool blocking(const struct pc *p)
{
	return (p->pl->caps & TARGET_BLOCKING) != 0;
}

/* ---- a session with the plugin, as the engine drives it ----------------------------- */

static int pc_open(struct pc *p, enum target_ip_version v)
{
	memset(&p->cfg, 0, sizeof p->cfg);
	p->cfg.ip_version = v;
	p->cfg.plugin_path = NULL;
	target_config_defaults(&p->cfg);
	memset(&p->diag, 0, sizeof p->diag);
	p->h = p->pl->open(&p->cfg, &p->diag);
	if (!p->h)
		return fail(p, "open() for %s returned NULL: %s", target_ip_version_name(v),
			    p->diag.msg[0] ? p->diag.msg : "(no message in diag)");
	return PC_OK;
}

static void pc_close(struct pc *p)
{
	if (p->h)
		p->pl->close(p->h);
	p->h = NULL;
}

static int64_t now(struct pc *p)
{
	return p->pl->now(p->h);
}

static int call(struct pc *p, struct target_call *c, struct target_result *r)
{
	memset(r, 0, sizeof *r);
	r->start_ns = r->end_ns = -1;   /* to see what the plugin fills */
	c->block_ns = 0;
	return p->pl->call(p->h, c, r);
}

static int complete(struct pc *p, struct target_result *r)
{
	memset(r, 0, sizeof *r);
	r->start_ns = r->end_ns = -1;
	return p->pl->complete(p->h, now(p), r);
}

static int domain(const struct pc *p)
{
	return p->cfg.ip_version == TARGET_IPV4_ONLY ? AF_INET : AF_INET6;
}

static void wire_of(const struct target_addr *a, struct wire_addr *w)
{
	memset(w, 0, sizeof *w);
	w->family = a->family == AF_INET6 ? WIRE_AF_INET6 : WIRE_AF_INET;
	memcpy(w->a, a->family == AF_INET6 ? (const void *)&a->u.v6 : (const void *)&a->u.v4,
	       a->family == AF_INET6 ? 16 : 4);
}

/* The script peer's segment to the stack's local_port. */
static int inject(struct pc *p, uint16_t flags, const char *data, size_t len)
{
	struct wire_packet w;
	wire_packet_init(&w, p->cfg.local_ip.family == AF_INET6 ? 6 : 4);
	wire_of(&p->cfg.remote_ip, &w.ip.src);
	wire_of(&p->cfg.local_ip, &w.ip.dst);
	w.tcp.sport = p->cfg.remote_port;
	w.tcp.dport = p->cfg.local_port;
	w.tcp.seq = p->peer_seq;
	w.tcp.ack = (flags & WIRE_TH_ACK) ? p->stack_seq : 0;
	w.tcp.flags = flags;
	w.tcp.win = 65535;
	if (flags & WIRE_TH_SYN)
		wire_opt_add_mss(&w.tcp.opts, 1460);
	w.tcp.payload = (const uint8_t *)data;
	w.tcp.payload_len = len;
	uint8_t buf[2048];
	size_t n;
	if (wire_build(&w, buf, sizeof buf, &n) != 0)
		return fail(p, "tcpspec could not build a segment (internal error)");
	p->peer_seq += (uint32_t)len + ((flags & WIRE_TH_SYN) ? 1 : 0);
	int rc = p->pl->inject(p->h, buf, n);
	if (rc != TARGET_OK)
		return fail(p, "inject() of a valid %zu-byte segment returned %s: %s", n,
			    target_status_name(rc), p->diag.msg);
	return PC_OK;
}

/* The next TCP segment the stack sent, parsed into *w (its bytes in *pk). */
static int outbound(struct pc *p, struct target_packet *pk, struct wire_packet *w,
		    const char *what)
{
	for (;;) {
		int rc = p->pl->next_outbound(p->h, now(p), pk);
		if (rc == TARGET_TIMEOUT)
			return fail(p, "the stack sent no %s (next_outbound() returned TIMEOUT)",
				    what);
		if (rc != TARGET_OK)
			return fail(p, "next_outbound() returned %s: %s", target_status_name(rc),
				    p->diag.msg);
		if (pk->len > sizeof pk->data)
			return fail(p, "next_outbound() set len %zu, more than the buffer",
				    pk->len);
		if (wire_parse(pk->data, pk->len, w) != 0 && !(w->have & WIRE_HAVE_L4))
			return fail(p, "next_outbound() gave %zu bytes that are not an IP "
				    "datagram (no link header: IPv4 or IPv6 header first)", pk->len);
		if (w->l4 == WIRE_L4_TCP)
			return PC_OK;
	}
}

static void sockaddr_of(struct pc *p, const struct target_addr *a, uint16_t port,
			struct target_call *c)
{
	c->has_addr = true;
	c->addrlen = target_sockaddr(&p->cfg, a, port, &c->addr);
}

static int socket_fd(struct pc *p, int type_flags, int *fd)
{
	struct target_call c = { .kind = TARGET_CALL_SOCKET, .domain = domain(p),
				 .type = SOCK_STREAM | type_flags, .protocol = IPPROTO_TCP,
				 .nonblocking_expected = true };
	struct target_result r;
	int rc = call(p, &c, &r);
	if (rc != TARGET_OK || r.ret < 0)
		return fail(p, "socket(%s, SOCK_STREAM, IPPROTO_TCP) gave %s, ret %lld errno %d",
			    domain(p) == AF_INET ? "AF_INET" : "AF_INET6", target_status_name(rc),
			    (long long)r.ret, r.err);
	*fd = (int)r.ret;
	return PC_OK;
}

static int simple(struct pc *p, struct target_call *c, const char *what)
{
	struct target_result r;
	c->nonblocking_expected = true;
	int rc = call(p, c, &r);
	if (rc != TARGET_OK || r.ret < 0)
		return fail(p, "%s gave %s, ret %lld errno %d: %s", what, target_status_name(rc),
			    (long long)r.ret, r.err, p->diag.msg);
	return PC_OK;
}

/* A listener on local_port: *lfd. */
static int listener(struct pc *p, int type_flags, int *lfd)
{
	int v = socket_fd(p, type_flags, lfd);
	if (v != PC_OK)
		return v;
	struct target_call b = { .kind = TARGET_CALL_BIND, .fd = *lfd };
	sockaddr_of(p, &p->cfg.local_ip, p->cfg.local_port, &b);
	if (p->cfg.ip_version != TARGET_IPV4_ONLY) {
		/* the wildcard of the family, as scripts bind with ... */
		b.addrlen = target_sockaddr(&p->cfg, &p->cfg.local_ip, p->cfg.local_port,
					    &b.addr);
	}
	if ((v = simple(p, &b, "bind() to the local address")) != PC_OK)
		return v;
	struct target_call l = { .kind = TARGET_CALL_LISTEN, .fd = *lfd, .backlog = 1 };
	return simple(p, &l, "listen(fd, 1)");
}

/* The passive handshake: SYN in, SYN,ACK out, ACK in. */
static int handshake_in(struct pc *p)
{
	p->peer_seq = 1000;
	int v = inject(p, WIRE_TH_SYN, NULL, 0);
	if (v != PC_OK)
		return v;
	struct target_packet pk;
	struct wire_packet w;
	if ((v = outbound(p, &pk, &w, "SYN,ACK after a SYN to a listener")) != PC_OK)
		return v;
	if ((w.tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK | WIRE_TH_RST)) != (WIRE_TH_SYN | WIRE_TH_ACK))
		return fail(p, "a SYN to the listener got flags %#x back, not SYN,ACK",
			    w.tcp.flags);
	if (w.tcp.ack != p->peer_seq)
		return fail(p, "the SYN,ACK acknowledges %u, not the SYN's sequence + 1 (%u)",
			    w.tcp.ack, p->peer_seq);
	p->stack_seq = w.tcp.seq + 1;
	return inject(p, WIRE_TH_ACK, NULL, 0);
}

/* An established connection accepted from local_port: *fd. */
static int accepted(struct pc *p, int *fd)
{
	int lfd, v = listener(p, SOCK_NONBLOCK, &lfd);
	if (v != PC_OK || (v = handshake_in(p)) != PC_OK)
		return v;
	struct target_call a = { .kind = TARGET_CALL_ACCEPT, .fd = lfd };
	struct target_result r;
	a.nonblocking_expected = true;
	int rc = call(p, &a, &r);
	if (rc != TARGET_OK || r.ret < 0)
		return fail(p, "accept() on a non-blocking listener after the handshake gave "
			    "%s, ret %lld errno %d: %s", target_status_name(rc),
			    (long long)r.ret, r.err, p->diag.msg);
	*fd = (int)r.ret;
	return PC_OK;
}

/* ---- the checks ---------------------------------------------------------------------- */

static int check_abi(struct pc *p)
{
	/* target_plugin_load checked the version, the sizes, the required ops, the name */
	if (p->lib.entry(99))
		return fail(p, "%s(99) returned a table: the entry point must return NULL for "
			    "an ABI version it does not speak, or a later tcpspec would read "
			    "its table with another layout",
			    p->lib.abi == 2 ? TCPSPEC_PLUGIN_ENTRY : TCPSPEC_PLUGIN_ENTRY_V1);
	if (p->lib.abi == 1)
		snprintf(p->msg, sizeof p->msg, "ABI version 1, \"%s\" (reports call it "
			 "\"plugin\" and it takes no settings: version 2 adds name, version "
			 "and setting())", p->pl->name ? p->pl->name : "");
	else
		snprintf(p->msg, sizeof p->msg, "ABI version 2, %s%s%s", p->pl->name,
			 p->pl->version ? " " : "", p->pl->version ? p->pl->version : "");
	return PC_OK;
}

static int check_open_close(struct pc *p)
{
	for (int i = 0; i < 100; i++) {
		char why[sizeof p->msg];
		int fd, v = pc_open(p, TARGET_IPV4_ONLY);
		if (v == PC_OK && (v = socket_fd(p, 0, &fd)) != PC_OK)
			pc_close(p);
		if (v != PC_OK) {
			snprintf(why, sizeof why, "%s", p->msg);
			return fail(p, "open number %d of 100 (each closed before the next): %s",
				    i + 1, why);
		}
		pc_close(p);
	}
	return PC_OK;
}

static int check_clock(struct pc *p)
{
	int v = pc_open(p, TARGET_IPV4_ONLY);
	if (v != PC_OK)
		return v;
	if (!virt(p)) {
		int64_t last = now(p);
		for (int i = 0; i < 1000; i++) {
			int64_t t = now(p);
			if (t < last)
				return fail(p, "now() went back from %lld to %lld ns (real time: "
					    "use CLOCK_MONOTONIC)", (long long)last, (long long)t);
			last = t;
		}
		return PC_OK;
	}
	if (now(p) != 0)
		return fail(p, "now() is %lld ns right after open(): a virtual clock starts "
			    "at 0", (long long)now(p));
	int64_t steps[] = { 1000000, 500000, SEC, SEC, 3 * SEC };
	int64_t clock = 0, next;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		int rc = p->pl->advance(p->h, steps[i], &next);
		if (rc != TARGET_OK)
			return fail(p, "advance(%lld) returned %s: %s", (long long)steps[i],
				    target_status_name(rc), p->diag.msg);
		if (steps[i] > clock)
			clock = steps[i];
		if (now(p) != clock)
			return fail(p, "after advance(%lld) now() is %lld ns, not %lld: advance "
				    "sets the clock to now_ns, and an earlier now_ns leaves it "
				    "where it is (time never goes backwards)", (long long)steps[i],
				    (long long)now(p), (long long)clock);
		if (next < clock)
			return fail(p, "advance(%lld) reported next_timer_ns %lld, in the past "
				    "(INT64_MAX when there is no timer)", (long long)steps[i],
				    (long long)next);
	}
	return PC_OK;
}

/* Active open on virtual time: the SYN at time 0, PENDING, the SYN,ACK completes it. */
static int check_connect(struct pc *p)
{
	int v = pc_open(p, TARGET_IPV4_ONLY);
	if (v != PC_OK)
		return v;
	if (!virt(p))
		return skip(p, "not a virtual-time plugin (connect is exercised by scripts)");
	int fd;
	if ((v = socket_fd(p, blocking(p) ? 0 : SOCK_NONBLOCK, &fd)) != PC_OK)
		return v;
	struct target_call c = { .kind = TARGET_CALL_CONNECT, .fd = fd };
	sockaddr_of(p, &p->cfg.remote_ip, p->cfg.remote_port, &c);
	struct target_result r;
	int rc = call(p, &c, &r);
	if (blocking(p) && rc != TARGET_PENDING)
		return fail(p, "a blocking connect() on virtual time returned %s (ret %lld errno "
			    "%d), not TARGET_PENDING: nothing answered the SYN yet",
			    target_status_name(rc), (long long)r.ret, r.err);
	if (!blocking(p) && (rc != TARGET_OK || r.ret != -1 || r.err != 115))
		return fail(p, "a non-blocking connect() returned %s, ret %lld errno %d, not "
			    "-1 EINPROGRESS (115)", target_status_name(rc), (long long)r.ret,
			    r.err);
	struct target_packet pk;
	struct wire_packet w;
	if ((v = outbound(p, &pk, &w, "SYN after connect()")) != PC_OK)
		return v;
	if ((w.tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK | WIRE_TH_RST | WIRE_TH_FIN)) != WIRE_TH_SYN)
		return fail(p, "connect() sent flags %#x, not a SYN", w.tcp.flags);
	if (w.tcp.dport != p->cfg.remote_port)
		return fail(p, "the SYN goes to port %u, not the one connect() named (%u)",
			    w.tcp.dport, p->cfg.remote_port);
	if (pk.time_ns != 0)
		return fail(p, "the SYN sent at virtual time 0 is stamped %lld ns: time 0 is a "
			    "time like any other, stamp packets with now()", (long long)pk.time_ns);
	int64_t next;
	p->pl->advance(p->h, 10000000, &next);          /* 10 ms: the SYN,ACK's arrival */
	p->peer_seq = 5000;
	p->stack_seq = w.tcp.seq + 1;
	p->cfg.local_port = w.tcp.sport;                /* segments go to its port */
	if ((v = inject(p, WIRE_TH_SYN | WIRE_TH_ACK, NULL, 0)) != PC_OK)
		return v;
	if (blocking(p)) {
		rc = complete(p, &r);
		if (rc != TARGET_OK)
			return fail(p, "complete() after the SYN,ACK returned %s, not TARGET_OK: "
				    "the connection is established", target_status_name(rc));
		if (r.ret != 0 || r.err != 0)
			return fail(p, "the completed connect() returned %lld errno %d, not 0",
				    (long long)r.ret, r.err);
		if (r.end_ns != now(p))
			return fail(p, "the completed connect() has end_ns %lld, not the time it "
				    "returned (%lld)", (long long)r.end_ns, (long long)now(p));
	}
	if ((v = outbound(p, &pk, &w, "ACK of the SYN,ACK")) != PC_OK)
		return v;
	if (!(w.tcp.flags & WIRE_TH_ACK) || w.tcp.ack != p->peer_seq)
		return fail(p, "the segment after the SYN,ACK has flags %#x ack %u, not the ACK "
			    "of %u", w.tcp.flags, w.tcp.ack, p->peer_seq);
	if (pk.time_ns != 10000000)
		return fail(p, "the ACK sent at 10 ms is stamped %lld ns", (long long)pk.time_ns);
	return PC_OK;
}

/* Timers as the engine runs them: advance to each reported next_timer_ns. */
static int check_timers(struct pc *p)
{
	int v = pc_open(p, TARGET_IPV4_ONLY);
	if (v != PC_OK)
		return v;
	if (!virt(p))
		return skip(p, "not a virtual-time plugin");
	int fd;
	if ((v = socket_fd(p, SOCK_NONBLOCK, &fd)) != PC_OK)
		return v;
	struct target_call c = { .kind = TARGET_CALL_CONNECT, .fd = fd };
	sockaddr_of(p, &p->cfg.remote_ip, p->cfg.remote_port, &c);
	struct target_result r;
	call(p, &c, &r);
	struct target_packet pk;
	struct wire_packet w;
	if ((v = outbound(p, &pk, &w, "SYN after connect()")) != PC_OK)
		return v;
	int64_t t = 0, next;
	for (int i = 0; i < 10000; i++) {
		int rc = p->pl->advance(p->h, t, &next);
		if (rc != TARGET_OK)
			return fail(p, "advance(%lld) returned %s", (long long)t,
				    target_status_name(rc));
		if (p->pl->next_outbound(p->h, t, &pk) == TARGET_OK) {
			if (pk.time_ns != t)
				return fail(p, "a segment sent during advance(%lld) is stamped %lld: "
					    "a timer due at now_ns runs at now_ns", (long long)t,
					    (long long)pk.time_ns);
			return PC_OK;   /* the SYN's retransmission, at a reported instant */
		}
		if (next == INT64_MAX)
			return fail(p, "with a SYN unanswered, advance(%lld) reported no timer "
				    "(next_timer_ns INT64_MAX): the retransmission timer must be "
				    "reported, or the SYN is never retransmitted", (long long)t);
		if (next <= t)
			return fail(p, "advance(%lld) reported next_timer_ns %lld: a timer due at "
				    "or before now_ns fires in this advance(), so the next one is "
				    "later (the engine would advance to the same time forever)",
				    (long long)t, (long long)next);
		if (next > 120 * SEC)
			break;
		t = next;
	}
	return fail(p, "advancing to each reported next_timer_ns for 120 s of virtual time "
		    "never retransmitted the unanswered SYN");
}

/* Passive open on virtual time, as the man page's timeline: accept() PENDING until the
 * handshake completes, complete() with deadline = now never moves the clock. */
static int accept_on(struct pc *p, enum target_ip_version ipv)
{
	int v = pc_open(p, ipv);
	if (v != PC_OK)
		return v;
	int lfd;
	if ((v = listener(p, blocking(p) ? 0 : SOCK_NONBLOCK, &lfd)) != PC_OK)
		return v;
	int64_t next;
	p->pl->advance(p->h, SEC, &next);
	struct target_call a = { .kind = TARGET_CALL_ACCEPT, .fd = lfd };
	struct target_result r;
	int rc = call(p, &a, &r);
	if (!blocking(p)) {
		if (rc != TARGET_OK || r.ret != -1 || r.err != 11)
			return fail(p, "accept() on a non-blocking listener with nobody waiting "
				    "gave %s, ret %lld errno %d, not -1 EAGAIN (11)",
				    target_status_name(rc), (long long)r.ret, r.err);
	} else {
		if (rc != TARGET_PENDING)
			return fail(p, "a blocking accept() with no connection returned %s (ret "
				    "%lld errno %d), not TARGET_PENDING", target_status_name(rc),
				    (long long)r.ret, r.err);
		for (int i = 0; i < 3; i++) {
			rc = complete(p, &r);
			if (rc != TARGET_PENDING)
				return fail(p, "complete(now) with no connection yet returned %s, "
					    "not TARGET_PENDING", target_status_name(rc));
			if (now(p) != SEC)
				return fail(p, "complete() moved the clock to %lld: on virtual "
					    "time only advance() does", (long long)now(p));
		}
		p->pl->advance(p->h, 2 * SEC, &next);
		if (complete(p, &r) != TARGET_PENDING)
			return fail(p, "accept() completed after advance() alone, with no SYN");
	}
	if ((v = handshake_in(p)) != PC_OK)
		return v;
	if (blocking(p)) {
		rc = complete(p, &r);
	} else {
		a.nonblocking_expected = true;
		rc = call(p, &a, &r);
	}
	if (rc != TARGET_OK)
		return fail(p, "accept() after the handshake: %s, not TARGET_OK",
			    target_status_name(rc));
	if (r.ret < 0 || r.ret == lfd || r.err != 0)
		return fail(p, "accept() returned %lld errno %d: a new fd, errno 0",
			    (long long)r.ret, r.err);
	if (r.end_ns != now(p))
		return fail(p, "the completed accept() has end_ns %lld, not the time it "
			    "returned (%lld)", (long long)r.end_ns, (long long)now(p));
	if (blocking(p) && r.start_ns != SEC)
		return fail(p, "the accept() made at %lld ns has start_ns %lld: the plugin "
			    "fills start_ns with the time call() was made (0 is a time too)",
			    (long long)SEC, (long long)r.start_ns);
	struct target_addr peer = p->cfg.remote_ip;
	struct sockaddr_storage want;
	socklen_t wl = target_sockaddr(&p->cfg, &peer, p->cfg.remote_port, &want);
	if (r.addrlen && (r.addrlen != wl || memcmp(&r.addr, &want, wl)))
		return fail(p, "accept() gave a peer address of family %d, length %u: not the "
			    "peer's %s address and port", r.addr.ss_family, (unsigned)r.addrlen,
			    target_ip_version_name(ipv));
	return PC_OK;
}

static int check_accept(struct pc *p)
{
	if (!virt(p))
		return skip(p, "not a virtual-time plugin (accept is exercised by scripts)");
	return accept_on(p, TARGET_IPV4_ONLY);
}

/* A blocking read: PENDING, completed by data, start_ns the time of the call. */
static int check_pending(struct pc *p)
{
	if (!virt(p))
		return skip(p, "not a virtual-time plugin");
	if (!blocking(p))
		return skip(p, "the caps lack TARGET_BLOCKING: no call is ever pending");
	int v = pc_open(p, TARGET_IPV4_ONLY), fd;
	if (v != PC_OK || (v = accepted(p, &fd)) != PC_OK)
		return v;
	int64_t next;
	p->pl->advance(p->h, SEC, &next);
	struct target_call c = { .kind = TARGET_CALL_READ, .fd = fd, .len = 100 };
	struct target_result r;
	int rc = call(p, &c, &r);
	if (rc != TARGET_PENDING)
		return fail(p, "a blocking read() with nothing to read returned %s (ret %lld "
			    "errno %d), not TARGET_PENDING", target_status_name(rc),
			    (long long)r.ret, r.err);
	p->pl->advance(p->h, 2 * SEC, &next);
	if ((rc = complete(p, &r)) != TARGET_PENDING)
		return fail(p, "complete() with still nothing to read returned %s, not "
			    "TARGET_PENDING", target_status_name(rc));
	if ((v = inject(p, WIRE_TH_ACK | WIRE_TH_PSH, "0123456789", 10)) != PC_OK)
		return v;
	rc = complete(p, &r);
	if (rc != TARGET_OK)
		return fail(p, "complete() after 10 bytes arrived returned %s, not TARGET_OK",
			    target_status_name(rc));
	if (r.ret != 10 || r.err)
		return fail(p, "the read() returned %lld errno %d, not the 10 bytes that came",
			    (long long)r.ret, r.err);
	if (r.start_ns != SEC)
		return fail(p, "the read() made at 1 s has start_ns %lld: the plugin fills "
			    "start_ns with the time of call() (target_result_finish() sets "
			    "only end_ns)", (long long)r.start_ns);
	if (r.end_ns != 2 * SEC)
		return fail(p, "the read() completed at 2 s has end_ns %lld", (long long)r.end_ns);
	return PC_OK;
}

static int check_errno(struct pc *p)
{
	int v = pc_open(p, TARGET_IPV4_ONLY);
	if (v != PC_OK)
		return v;
	struct target_call c = { .kind = TARGET_CALL_CLOSE, .fd = 999,
				 .nonblocking_expected = true };
	struct target_result r;
	int rc = call(p, &c, &r);
	if (rc != TARGET_OK || r.ret != -1 || r.err != 9)
		return fail(p, "close(999), an fd never opened, gave %s, ret %lld errno %d, "
			    "not -1 EBADF (9)", target_status_name(rc), (long long)r.ret, r.err);
	int lfd;
	if ((v = listener(p, SOCK_NONBLOCK, &lfd)) != PC_OK)
		return v;
	struct target_call a = { .kind = TARGET_CALL_ACCEPT, .fd = lfd,
				 .nonblocking_expected = true };
	rc = call(p, &a, &r);
	if (rc != TARGET_OK || r.ret != -1 || r.err != 11)
		return fail(p, "accept() on a non-blocking listener with nobody waiting gave "
			    "%s, ret %lld errno %d (%s), not -1 EAGAIN (11): errno values are "
			    "Linux's", target_status_name(rc), (long long)r.ret, r.err,
			    tcpspec_errno_name(r.err) ? tcpspec_errno_name(r.err) : "not a "
			    "Linux errno");
	struct target_call s = { .kind = TARGET_CALL_SOCKET, .domain = AF_INET,
				 .type = SOCK_STREAM, .protocol = IPPROTO_TCP,
				 .nonblocking_expected = true };
	rc = call(p, &s, &r);
	if (rc == TARGET_OK && r.ret >= 0 && r.err != 0)
		return fail(p, "socket() returned fd %lld with errno %d: errno is 0 on success",
			    (long long)r.ret, r.err);
	return PC_OK;
}

static int check_tcp_info(struct pc *p)
{
	if (!(p->pl->caps & TARGET_TCP_INFO))
		return skip(p, "the caps lack TARGET_TCP_INFO");
	if (!p->pl->tcp_info)
		return fail(p, "the caps claim TARGET_TCP_INFO but tcp_info is NULL");
	int v = pc_open(p, TARGET_IPV4_ONLY), fd;
	if (v != PC_OK || (v = accepted(p, &fd)) != PC_OK)
		return v;
	struct target_tcp_info ti;
	memset(&ti, 0xa5, sizeof ti);
	int rc = p->pl->tcp_info(p->h, fd, &ti);
	if (rc != TARGET_OK)
		return fail(p, "tcp_info() on an established connection returned %s: %s",
			    target_status_name(rc), p->diag.msg);
	if (TARGET_TI_COUNT < 64 && (ti.valid >> TARGET_TI_COUNT))
		return fail(p, "tcp_info() set valid bits %#llx beyond the %d fields there are",
			    (unsigned long long)(ti.valid >> TARGET_TI_COUNT), TARGET_TI_COUNT);
	if (!ti.valid)
		return fail(p, "tcp_info() marked no field valid: set bit (1 << TARGET_TI_x) "
			    "of each field the stack knows");
#define HAS(f) (ti.valid & (1ull << TARGET_TI_##f))
	if (HAS(state) && ti.v[TARGET_TI_state] != 1)
		return fail(p, "tcpi_state of an established connection is %lld, not Linux's "
			    "TCP_ESTABLISHED (1)", (long long)ti.v[TARGET_TI_state]);
	for (int f = 0; f < TARGET_TI_COUNT; f++)
		if ((ti.valid & (1ull << f)) && ti.v[f] < 0)
			return fail(p, "tcpi_%s is %lld: no TCP_INFO field is negative",
				    target_tcp_info_name(f), (long long)ti.v[f]);
	if (HAS(snd_mss) && (ti.v[TARGET_TI_snd_mss] < 64 || ti.v[TARGET_TI_snd_mss] > 65535))
		return fail(p, "tcpi_snd_mss is %lld, not a segment size in bytes",
			    (long long)ti.v[TARGET_TI_snd_mss]);
	if (HAS(rto) && ti.v[TARGET_TI_rto] < 1000)
		return fail(p, "tcpi_rto is %lld: Linux reports it in microseconds",
			    (long long)ti.v[TARGET_TI_rto]);
#undef HAS
	rc = p->pl->tcp_info(p->h, 999, &ti);
	if (rc == TARGET_OK)
		return fail(p, "tcp_info() on fd 999, never opened, returned TARGET_OK");
	return PC_OK;
}

static int check_settings(struct pc *p)
{
	bool has = TARGET_PLUGIN_HAS(&p->lib, setting) && p->pl->setting;
	if (p->lib.abi == 1)
		return skip(p, "ABI version 1 has no setting(): scripts with sysctl lines are "
			    "skipped unless shell() maps them");
	if ((p->pl->caps & TARGET_SETTINGS) && !has && !p->pl->shell)
		return fail(p, "the caps claim TARGET_SETTINGS but there is neither setting() "
			    "nor shell()");
	if (!has)
		return skip(p, "no setting(): scripts with sysctl lines are skipped");
	int v = pc_open(p, TARGET_IPV4_ONLY);
	if (v != PC_OK)
		return v;
	int rc = p->pl->setting(p->h, "net.ipv4.tcpspec_no_such_setting", "1");
	if (rc != TARGET_UNSUPPORTED)
		return fail(p, "setting(\"net.ipv4.tcpspec_no_such_setting\", \"1\") returned %s, "
			    "not TARGET_UNSUPPORTED: a setting the stack does not have must not "
			    "be taken (the script would pass on settings never applied)",
			    target_status_name(rc));
	rc = p->pl->setting(p->h, "net.ipv4.tcp_sack", "not-a-number");
	if (rc == TARGET_OK)
		return fail(p, "setting(\"net.ipv4.tcp_sack\", \"not-a-number\") returned "
			    "TARGET_OK: an impossible value is TARGET_BADARG");
	if (rc != TARGET_UNSUPPORTED && rc != TARGET_BADARG)
		return fail(p, "setting() returned %s: TARGET_OK, TARGET_UNSUPPORTED or "
			    "TARGET_BADARG", target_status_name(rc));
	if (!(p->pl->caps & TARGET_SETTINGS))
		return fail(p, "setting() is there but the caps lack TARGET_SETTINGS");
	return PC_OK;
}

static int check_caps(struct pc *p)
{
	unsigned known = TARGET_VIRTUAL_TIME | TARGET_NEEDS_ROOT | TARGET_RUNS_SHELL |
			 TARGET_TCP_INFO | TARGET_IPV6 | TARGET_IPV4_MAPPED | TARGET_OWN_PROCESS |
			 TARGET_BLOCKING | TARGET_SETTINGS | TARGET_CMSG;
	unsigned c = p->pl->caps;
	if (c & ~known)
		return fail(p, "caps has bits %#x that are no TARGET_* capability", c & ~known);
	if ((c & TARGET_BLOCKING) && !p->pl->complete)
		return fail(p, "the caps claim TARGET_BLOCKING but complete is NULL");
	if ((c & TARGET_RUNS_SHELL) && !p->pl->shell)
		return fail(p, "the caps claim TARGET_RUNS_SHELL but shell is NULL");
	if ((c & TARGET_TCP_INFO) && !p->pl->tcp_info)
		return fail(p, "the caps claim TARGET_TCP_INFO but tcp_info is NULL");
	if (!virt(p))
		return PC_OK;
	static const struct { unsigned cap; enum target_ip_version v; const char *name; } ip[] = {
		{ TARGET_IPV6, TARGET_IPV6_ONLY, "TARGET_IPV6" },
		{ TARGET_IPV4_MAPPED, TARGET_IPV4_MAPPED_IPV6, "TARGET_IPV4_MAPPED" },
	};
	for (size_t i = 0; i < 2; i++) {
		if (!(c & ip[i].cap))
			continue;
		int v = accept_on(p, ip[i].v);
		pc_close(p);
		char why[sizeof p->msg];
		snprintf(why, sizeof why, "%s", p->msg);
		if (v != PC_OK)
			return fail(p, "the caps claim %s, but a passive open on %s fails: %s",
				    ip[i].name, target_ip_version_name(ip[i].v), why);
	}
	return PC_OK;
}

static const struct pc_check {
	const char *name;
	int (*fn)(struct pc *);
	const char *section;            /* of tcpspec-plugin(7) */
} checks[] = {
	{ "abi",        check_abi,        "ENTRY POINT AND TABLE" },
	{ "open-close", check_open_close, "OPERATIONS" },
	{ "clock",      check_clock,      "VIRTUAL TIME" },
	{ "timers",     check_timers,     "VIRTUAL TIME" },
	{ "connect",    check_connect,    "BLOCKING CALLS" },
	{ "accept",     check_accept,     "BLOCKING CALLS" },
	{ "pending",    check_pending,    "BLOCKING CALLS" },
	{ "errno",      check_errno,      "CALLS AND RESULTS" },
	{ "tcp_info",   check_tcp_info,   "TCP_INFO" },
	{ "settings",   check_settings,   "SETTINGS" },
	{ "caps",       check_caps,       "CAPABILITIES" },
};

/* ---- running them ---------------------------------------------------------------------- */

struct pc_result {
	int verdict;
	char msg[1024];
};

static void run_child(const char *path, const struct pc_check *k, int wfd)
{
	struct pc p;
	struct pc_result res = { .verdict = PC_FAIL };
	memset(&p, 0, sizeof p);
	alarm(PC_CHECK_S);
	struct target_diag d = {0};
	if (target_plugin_load(path, &p.lib, &d) != TARGET_OK) {
		snprintf(res.msg, sizeof res.msg, "%s", d.msg);
	} else {
		p.pl = p.lib.pl;
		res.verdict = k->fn(&p);
		snprintf(res.msg, sizeof res.msg, "%s", p.msg);
		pc_close(&p);
	}
	ssize_t w = write(wfd, &res, sizeof res);
	_exit(w == (ssize_t)sizeof res ? 0 : 1);
}

static void run_check(const char *path, const struct pc_check *k, struct pc_result *res)
{
	int fds[2];
	memset(res, 0, sizeof *res);
	res->verdict = PC_FAIL;
	fflush(NULL);
	if (pipe(fds) != 0) {
		snprintf(res->msg, sizeof res->msg, "pipe: %s", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(res->msg, sizeof res->msg, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(2, 1);     /* a plugin writing to stdout must not mix into the report */
		run_child(path, k, fds[1]);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t n;
	while (got < sizeof *res &&
	       ((n = read(fds[0], (char *)res + got, sizeof *res - got)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	close(fds[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (got == sizeof *res)
		return;
	res->verdict = PC_FAIL;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		snprintf(res->msg, sizeof res->msg, "still running after %d s: a call blocked "
			 "(on virtual time a call that would block returns TARGET_PENDING)",
			 PC_CHECK_S);
	else if (WIFSIGNALED(st))
		snprintf(res->msg, sizeof res->msg, "the plugin crashed (signal %d)", WTERMSIG(st));
	else
		snprintf(res->msg, sizeof res->msg, "the check's process exited (status %d) "
			 "without a result: a plugin never calls exit()", WEXITSTATUS(st));
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tcpspec plugin-check [--only CHECK[,CHECK...]] PATH.so\n"
		"\n"
		"Exercises a plugin's side of the ABI (tcpspec-plugin(7)) without scripts and\n"
		"prints, for each check, ok or what to fix and the section of tcpspec-plugin(7)\n"
		"to read.  Checks:");
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		fprintf(f, " %s", checks[i].name);
	fprintf(f, ".\n\nexit codes: 0 every check passed (or does not apply), 1 a check "
		   "failed, 2 usage\n");
}

int cmd_plugin_check(int argc, char **argv)
{
	const char *path = NULL, *only = NULL;
	for (int i = 1; i < argc; i++) {
		int t;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return CLI_OK;
		} else if ((t = cli_take(argc, argv, &i, "--only", &only)) != 0) {
			if (t < 0) {
				fprintf(stderr, "tcpspec plugin-check: --only needs a value\n");
				return CLI_USAGE;
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "tcpspec plugin-check: unknown option %s\n", argv[i]);
			usage(stderr);
			return CLI_USAGE;
		} else if (!path) {
			path = argv[i];
		} else {
			fprintf(stderr, "tcpspec plugin-check: one plugin at a time\n");
			return CLI_USAGE;
		}
	}
	if (!path) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (only) {
		char *o = strdup(only);
		for (char *sv = NULL, *n = strtok_r(o, ",", &sv); n; n = strtok_r(NULL, ",", &sv)) {
			size_t i;
			for (i = 0; i < sizeof checks / sizeof checks[0]; i++)
				if (!strcmp(n, checks[i].name))
					break;
			if (i == sizeof checks / sizeof checks[0]) {
				fprintf(stderr, "tcpspec plugin-check: no check named '%s'\n", n);
				free(o);
				return CLI_USAGE;
			}
		}
		free(o);
	}
	printf("tcpspec plugin-check %s\n", path);
	size_t nok = 0, nfail = 0, nskip = 0;
	bool loaded = true;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		const struct pc_check *k = &checks[i];
		if (only) {
			size_t n = strlen(k->name);
			const char *s = only;
			bool want = false;
			while (s && *s) {
				if (!strncmp(s, k->name, n) && (s[n] == ',' || !s[n]))
					want = true;
				s = strchr(s, ',');
				s = s ? s + 1 : NULL;
			}
			if (!want)
				continue;
		}
		struct pc_result res;
		if (!loaded) {
			res.verdict = PC_SKIP;
			snprintf(res.msg, sizeof res.msg, "not run: the plugin does not load (abi)");
		} else {
			run_check(path, k, &res);
		}
		if (!strcmp(k->name, "abi") && res.verdict == PC_FAIL)
			loaded = false;
		const char *v = res.verdict == PC_OK ? "ok" : res.verdict == PC_SKIP ? "SKIP"
										   : "FAIL";
		printf("%-5s %-10s", v, k->name);
		if (res.verdict == PC_FAIL)
			printf(" %s (tcpspec-plugin(7), %s)", res.msg, k->section);
		else if (res.msg[0])
			printf(" %s", res.msg);
		putchar('\n');
		if (res.verdict == PC_OK)
			nok++;
		else if (res.verdict == PC_FAIL)
			nfail++;
		else
			nskip++;
	}
	printf("%zu ok, %zu failed, %zu skipped\n", nok, nfail, nskip);
	return nfail ? CLI_FAIL : CLI_OK;
}
