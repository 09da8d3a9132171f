/* engine/plugin_checks.c: the checks of `tcpspec plugin-check` (plugin_check.h), each
 * a rule of tcpspec-plugin(7) exercised the way the engine drives a plugin. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "engine/plugin_check.h"

/* ---- the checks ---------------------------------------------------------------------- */

static int check_abi(struct pc *p)
{
	/* target_plugin_load checked the version, the sizes, the required ops, the name */
	if (p->lib.entry(99))
		return pc_fail(p, "%s(99) returned a table: the entry point must return NULL for "
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
		if (v == PC_OK && (v = pc_socket(p, 0, &fd)) != PC_OK)
			pc_close(p);
		if (v != PC_OK) {
			snprintf(why, sizeof why, "%s", p->msg);
			return pc_fail(p, "open number %d of 100 (each closed before the next): %s",
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
	if (!pc_virtual(p)) {
		int64_t last = pc_now(p);
		for (int i = 0; i < 1000; i++) {
			int64_t t = pc_now(p);
			if (t < last)
				return pc_fail(p, "now() went back from %lld to %lld ns (real time: "
					       "use CLOCK_MONOTONIC)", (long long)last, (long long)t);
			last = t;
		}
		return PC_OK;
	}
	if (pc_now(p) != 0)
		return pc_fail(p, "now() is %lld ns right after open(): a virtual clock starts "
			       "at 0", (long long)pc_now(p));
	int64_t steps[] = { 1000000, 500000, SEC, SEC, 3 * SEC };
	int64_t clock = 0, next;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		int rc = p->pl->advance(p->h, steps[i], &next);
		if (rc != TARGET_OK)
			return pc_fail(p, "advance(%lld) returned %s: %s", (long long)steps[i],
				       target_status_name(rc), p->diag.msg);
		if (steps[i] > clock)
			clock = steps[i];
		if (pc_now(p) != clock)
			return pc_fail(p, "after advance(%lld) now() is %lld ns, not %lld: advance "
				       "sets the clock to now_ns, and an earlier now_ns leaves it "
				       "where it is (time never goes backwards)", (long long)steps[i],
				       (long long)pc_now(p), (long long)clock);
		if (next < clock)
			return pc_fail(p, "advance(%lld) reported next_timer_ns %lld, in the past "
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
	if (!pc_virtual(p))
		return pc_skip(p, "not a virtual-time plugin (connect is exercised by scripts)");
	int fd, rc;
	struct target_result r;
	if ((v = pc_connect(p, pc_blocking(p) ? 0 : SOCK_NONBLOCK, &fd, &rc, &r)) != PC_OK)
		return v;
	if (pc_blocking(p) && rc != TARGET_PENDING)
		return pc_fail(p, "a blocking connect() on virtual time returned %s (ret %lld errno "
			       "%d), not TARGET_PENDING: nothing answered the SYN yet",
			       target_status_name(rc), (long long)r.ret, r.err);
	if (!pc_blocking(p) && (rc != TARGET_OK || r.ret != -1 || r.err != 115))
		return pc_fail(p, "a non-blocking connect() returned %s, ret %lld errno %d, not "
			       "-1 EINPROGRESS (115)", target_status_name(rc), (long long)r.ret,
			       r.err);
	struct target_packet pk;
	struct wire_packet w;
	if ((v = pc_outbound(p, &pk, &w, "SYN after connect()")) != PC_OK)
		return v;
	if ((w.tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK | WIRE_TH_RST | WIRE_TH_FIN)) != WIRE_TH_SYN)
		return pc_fail(p, "connect() sent flags %#x, not a SYN", w.tcp.flags);
	if (w.tcp.dport != p->cfg.remote_port)
		return pc_fail(p, "the SYN goes to port %u, not the one connect() named (%u)",
			       w.tcp.dport, p->cfg.remote_port);
	if (pk.time_ns != 0)
		return pc_fail(p, "the SYN sent at virtual time 0 is stamped %lld ns: time 0 is a "
			       "time like any other, stamp packets with now()", (long long)pk.time_ns);
	int64_t next;
	p->pl->advance(p->h, 10000000, &next);          /* 10 ms: the SYN,ACK's arrival */
	p->peer_seq = 5000;
	p->stack_seq = w.tcp.seq + 1;
	p->cfg.local_port = w.tcp.sport;                /* segments go to its port */
	if ((v = pc_inject(p, WIRE_TH_SYN | WIRE_TH_ACK, NULL, 0)) != PC_OK)
		return v;
	if (pc_blocking(p)) {
		rc = pc_complete(p, &r);
		if (rc != TARGET_OK)
			return pc_fail(p, "complete() after the SYN,ACK returned %s, not TARGET_OK: "
				       "the connection is established", target_status_name(rc));
		if (r.ret != 0 || r.err != 0)
			return pc_fail(p, "the completed connect() returned %lld errno %d, not 0",
				       (long long)r.ret, r.err);
		if (r.end_ns != pc_now(p))
			return pc_fail(p, "the completed connect() has end_ns %lld, not the time it "
				       "returned (%lld)", (long long)r.end_ns, (long long)pc_now(p));
	}
	if ((v = pc_outbound(p, &pk, &w, "ACK of the SYN,ACK")) != PC_OK)
		return v;
	if (!(w.tcp.flags & WIRE_TH_ACK) || w.tcp.ack != p->peer_seq)
		return pc_fail(p, "the segment after the SYN,ACK has flags %#x ack %u, not the ACK "
			       "of %u", w.tcp.flags, w.tcp.ack, p->peer_seq);
	if (pk.time_ns != 10000000)
		return pc_fail(p, "the ACK sent at 10 ms is stamped %lld ns", (long long)pk.time_ns);
	return PC_OK;
}

/* Timers as the engine runs them: advance to each reported next_timer_ns. */
static int check_timers(struct pc *p)
{
	int v = pc_open(p, TARGET_IPV4_ONLY);
	if (v != PC_OK)
		return v;
	if (!pc_virtual(p))
		return pc_skip(p, "not a virtual-time plugin");
	int fd, rc;
	struct target_result r;
	if ((v = pc_connect(p, SOCK_NONBLOCK, &fd, &rc, &r)) != PC_OK)
		return v;
	struct target_packet pk;
	struct wire_packet w;
	if ((v = pc_outbound(p, &pk, &w, "SYN after connect()")) != PC_OK)
		return v;
	int64_t t = 0, next;
	for (int i = 0; i < 10000; i++) {
		int rc = p->pl->advance(p->h, t, &next);
		if (rc != TARGET_OK)
			return pc_fail(p, "advance(%lld) returned %s", (long long)t,
				       target_status_name(rc));
		if (p->pl->next_outbound(p->h, t, &pk) == TARGET_OK) {
			if (pk.time_ns != t)
				return pc_fail(p, "a segment sent during advance(%lld) is stamped %lld: "
					       "a timer due at now_ns runs at now_ns", (long long)t,
					       (long long)pk.time_ns);
			return PC_OK;   /* the SYN's retransmission, at a reported instant */
		}
		if (next == INT64_MAX)
			return pc_fail(p, "with a SYN unanswered, advance(%lld) reported no timer "
				       "(next_timer_ns INT64_MAX): the retransmission timer must be "
				       "reported, or the SYN is never retransmitted", (long long)t);
		if (next <= t)
			return pc_fail(p, "advance(%lld) reported next_timer_ns %lld: a timer due at "
				       "or before now_ns fires in this advance(), so the next one is "
				       "later (the engine would advance to the same time forever)",
				       (long long)t, (long long)next);
		if (next > 120 * SEC)
			break;
		t = next;
	}
	return pc_fail(p, "advancing to each reported next_timer_ns for 120 s of virtual time "
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
	if ((v = pc_listener(p, pc_blocking(p) ? 0 : SOCK_NONBLOCK, &lfd)) != PC_OK)
		return v;
	int64_t next;
	p->pl->advance(p->h, SEC, &next);
	struct target_call a = { .kind = TARGET_CALL_ACCEPT, .fd = lfd };
	struct target_result r;
	int rc = pc_call(p, &a, &r);
	if (!pc_blocking(p)) {
		if (rc != TARGET_OK || r.ret != -1 || r.err != 11)
			return pc_fail(p, "accept() on a non-blocking listener with nobody waiting "
				       "gave %s, ret %lld errno %d, not -1 EAGAIN (11)",
				       target_status_name(rc), (long long)r.ret, r.err);
	} else {
		if (rc != TARGET_PENDING)
			return pc_fail(p, "a blocking accept() with no connection returned %s (ret "
				       "%lld errno %d), not TARGET_PENDING", target_status_name(rc),
				       (long long)r.ret, r.err);
		for (int i = 0; i < 3; i++) {
			rc = pc_complete(p, &r);
			if (rc != TARGET_PENDING)
				return pc_fail(p, "complete(now) with no connection yet returned %s, "
					       "not TARGET_PENDING", target_status_name(rc));
			if (pc_now(p) != SEC)
				return pc_fail(p, "complete() moved the clock to %lld: on virtual "
					       "time only advance() does", (long long)pc_now(p));
		}
		p->pl->advance(p->h, 2 * SEC, &next);
		if (pc_complete(p, &r) != TARGET_PENDING)
			return pc_fail(p, "accept() completed after advance() alone, with no SYN");
	}
	if ((v = pc_handshake_in(p)) != PC_OK)
		return v;
	if (pc_blocking(p)) {
		rc = pc_complete(p, &r);
	} else {
		a.nonblocking_expected = true;
		rc = pc_call(p, &a, &r);
	}
	if (rc != TARGET_OK)
		return pc_fail(p, "accept() after the handshake: %s, not TARGET_OK",
			       target_status_name(rc));
	if (r.ret < 0 || r.ret == lfd || r.err != 0)
		return pc_fail(p, "accept() returned %lld errno %d: a new fd, errno 0",
			       (long long)r.ret, r.err);
	if (r.end_ns != pc_now(p))
		return pc_fail(p, "the completed accept() has end_ns %lld, not the time it "
			       "returned (%lld)", (long long)r.end_ns, (long long)pc_now(p));
	if (pc_blocking(p) && r.start_ns != SEC)
		return pc_fail(p, "the accept() made at %lld ns has start_ns %lld: the plugin "
			       "fills start_ns with the time call() was made (0 is a time too)",
			       (long long)SEC, (long long)r.start_ns);
	struct target_addr peer = p->cfg.remote_ip;
	struct sockaddr_storage want;
	socklen_t wl = target_sockaddr(&p->cfg, &peer, p->cfg.remote_port, &want);
	if (r.addrlen && (r.addrlen != wl || memcmp(&r.addr, &want, wl)))
		return pc_fail(p, "accept() gave a peer address of family %d, length %u: not the "
			       "peer's %s address and port", r.addr.ss_family, (unsigned)r.addrlen,
			       target_ip_version_name(ipv));
	return PC_OK;
}

static int check_accept(struct pc *p)
{
	if (!pc_virtual(p))
		return pc_skip(p, "not a virtual-time plugin (accept is exercised by scripts)");
	return accept_on(p, TARGET_IPV4_ONLY);
}

/* A blocking read: PENDING, completed by data, start_ns the time of the call. */
static int check_pending(struct pc *p)
{
	if (!pc_virtual(p))
		return pc_skip(p, "not a virtual-time plugin");
	if (!pc_blocking(p))
		return pc_skip(p, "the caps lack TARGET_BLOCKING: no call is ever pending");
	int v = pc_open(p, TARGET_IPV4_ONLY), fd;
	if (v != PC_OK || (v = pc_accepted(p, &fd)) != PC_OK)
		return v;
	int64_t next;
	p->pl->advance(p->h, SEC, &next);
	struct target_call c = { .kind = TARGET_CALL_READ, .fd = fd, .len = 100 };
	struct target_result r;
	int rc = pc_call(p, &c, &r);
	if (rc != TARGET_PENDING)
		return pc_fail(p, "a blocking read() with nothing to read returned %s (ret %lld "
			       "errno %d), not TARGET_PENDING", target_status_name(rc),
			       (long long)r.ret, r.err);
	p->pl->advance(p->h, 2 * SEC, &next);
	if ((rc = pc_complete(p, &r)) != TARGET_PENDING)
		return pc_fail(p, "complete() with still nothing to read returned %s, not "
			       "TARGET_PENDING", target_status_name(rc));
	if ((v = pc_inject(p, WIRE_TH_ACK | WIRE_TH_PSH, "0123456789", 10)) != PC_OK)
		return v;
	rc = pc_complete(p, &r);
	if (rc != TARGET_OK)
		return pc_fail(p, "complete() after 10 bytes arrived returned %s, not TARGET_OK",
			       target_status_name(rc));
	if (r.ret != 10 || r.err)
		return pc_fail(p, "the read() returned %lld errno %d, not the 10 bytes that came",
			       (long long)r.ret, r.err);
	if (r.start_ns != SEC)
		return pc_fail(p, "the read() made at 1 s has start_ns %lld: the plugin fills "
			       "start_ns with the time of call() (target_result_finish() sets "
			       "only end_ns)", (long long)r.start_ns);
	if (r.end_ns != 2 * SEC)
		return pc_fail(p, "the read() completed at 2 s has end_ns %lld", (long long)r.end_ns);
	return PC_OK;
}

/* A blocking poll() with a timeout: advance() reports the timeout as the next instant,
 * and the poll returns 0 then. */
static int check_poll_timeout(struct pc *p)
{
	if (!pc_virtual(p))
		return pc_skip(p, "not a virtual-time plugin");
	if (!pc_blocking(p))
		return pc_skip(p, "the caps lack TARGET_BLOCKING: no call is ever pending");
	int v = pc_open(p, TARGET_IPV4_ONLY), fd;
	if (v != PC_OK || (v = pc_accepted(p, &fd)) != PC_OK)
		return v;
	int64_t next, t = SEC, due = SEC + 500000000;
	p->pl->advance(p->h, t, &next);
	struct target_call c = { .kind = TARGET_CALL_POLL, .nfds = 1, .timeout_ms = 500 };
	c.pfd[0].fd = fd;
	c.pfd[0].events = POLLIN;
	struct target_result r;
	int rc = pc_call(p, &c, &r);
	if (rc != TARGET_PENDING)
		return pc_fail(p, "poll(POLLIN, 500 ms) with nothing to read returned %s (ret "
			       "%lld), not TARGET_PENDING", target_status_name(rc), (long long)r.ret);
	for (int i = 0; i < 1000; i++) {
		p->pl->advance(p->h, t, &next);
		if ((rc = pc_complete(p, &r)) != TARGET_PENDING)
			break;
		if (next > due)
			return pc_fail(p, "with a poll() pending until %lld ns, advance(%lld) reported "
				       "next_timer_ns %lld: the pending call's timeout is an instant "
				       "advance() reports", (long long)due, (long long)t,
				       (long long)next);
		if (next <= t)
			return pc_fail(p, "advance(%lld) reported next_timer_ns %lld with the "
				       "poll() still pending", (long long)t, (long long)next);
		t = next;
	}
	if (rc != TARGET_OK)
		return pc_fail(p, "the poll() ended with %s, not TARGET_OK with 0",
			       target_status_name(rc));
	if (r.ret != 0 || r.end_ns != due)
		return pc_fail(p, "the poll() with a 500 ms timeout made at 1 s returned %lld at "
			       "%lld ns, not 0 at %lld", (long long)r.ret, (long long)r.end_ns,
			       (long long)due);
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
	int rc = pc_call(p, &c, &r);
	if (rc != TARGET_OK || r.ret != -1 || r.err != 9)
		return pc_fail(p, "close(999), an fd never opened, gave %s, ret %lld errno %d, "
			       "not -1 EBADF (9)", target_status_name(rc), (long long)r.ret, r.err);
	int lfd;
	if ((v = pc_listener(p, SOCK_NONBLOCK, &lfd)) != PC_OK)
		return v;
	struct target_call a = { .kind = TARGET_CALL_ACCEPT, .fd = lfd,
				 .nonblocking_expected = true };
	rc = pc_call(p, &a, &r);
	if (rc != TARGET_OK || r.ret != -1 || r.err != 11)
		return pc_fail(p, "accept() on a non-blocking listener with nobody waiting gave "
			       "%s, ret %lld errno %d (%s), not -1 EAGAIN (11): errno values are "
			       "Linux's", target_status_name(rc), (long long)r.ret, r.err,
			       tcpspec_errno_name(r.err) ? tcpspec_errno_name(r.err) : "not a "
			       "Linux errno");
	struct target_call s = { .kind = TARGET_CALL_SOCKET, .domain = AF_INET,
				 .type = SOCK_STREAM, .protocol = IPPROTO_TCP,
				 .nonblocking_expected = true };
	rc = pc_call(p, &s, &r);
	if (rc == TARGET_OK && r.ret >= 0 && r.err != 0)
		return pc_fail(p, "socket() returned fd %lld with errno %d: errno is 0 on success",
			       (long long)r.ret, r.err);
	return PC_OK;
}

static int check_tcp_info(struct pc *p)
{
	if (!(p->pl->caps & TARGET_TCP_INFO))
		return pc_skip(p, "the caps lack TARGET_TCP_INFO");
	if (!p->pl->tcp_info)
		return pc_fail(p, "the caps claim TARGET_TCP_INFO but tcp_info is NULL");
	int v = pc_open(p, TARGET_IPV4_ONLY), fd;
	if (v != PC_OK || (v = pc_accepted(p, &fd)) != PC_OK)
		return v;
	struct target_tcp_info ti;
	memset(&ti, 0xa5, sizeof ti);
	int rc = p->pl->tcp_info(p->h, fd, &ti);
	if (rc != TARGET_OK)
		return pc_fail(p, "tcp_info() on an established connection returned %s: %s",
			       target_status_name(rc), p->diag.msg);
	if (TARGET_TI_COUNT < 64 && (ti.valid >> TARGET_TI_COUNT))
		return pc_fail(p, "tcp_info() set valid bits %#llx beyond the %d fields there are",
			       (unsigned long long)(ti.valid >> TARGET_TI_COUNT), TARGET_TI_COUNT);
	if (!ti.valid)
		return pc_fail(p, "tcp_info() marked no field valid: set bit (1 << TARGET_TI_x) "
			       "of each field the stack knows");
#define HAS(f) (ti.valid & (1ull << TARGET_TI_##f))
	if (HAS(state) && ti.v[TARGET_TI_state] != 1)
		return pc_fail(p, "tcpi_state of an established connection is %lld, not Linux's "
			       "TCP_ESTABLISHED (1)", (long long)ti.v[TARGET_TI_state]);
	for (int f = 0; f < TARGET_TI_COUNT; f++)
		if ((ti.valid & (1ull << f)) && ti.v[f] < 0)
			return pc_fail(p, "tcpi_%s is %lld: no TCP_INFO field is negative",
				       target_tcp_info_name(f), (long long)ti.v[f]);
	if (HAS(snd_mss) && (ti.v[TARGET_TI_snd_mss] < 64 || ti.v[TARGET_TI_snd_mss] > 65535))
		return pc_fail(p, "tcpi_snd_mss is %lld, not a segment size in bytes",
			       (long long)ti.v[TARGET_TI_snd_mss]);
	if (HAS(rto) && ti.v[TARGET_TI_rto] < 1000)
		return pc_fail(p, "tcpi_rto is %lld: Linux reports it in microseconds",
			       (long long)ti.v[TARGET_TI_rto]);
#undef HAS
	rc = p->pl->tcp_info(p->h, 999, &ti);
	if (rc == TARGET_OK)
		return pc_fail(p, "tcp_info() on fd 999, never opened, returned TARGET_OK");
	return PC_OK;
}

static int check_settings(struct pc *p)
{
	bool has = TARGET_PLUGIN_HAS(&p->lib, setting) && p->pl->setting;
	if (p->lib.abi == 1)
		return pc_skip(p, "ABI version 1 has no setting(): scripts with sysctl lines are "
			       "skipped unless shell() maps them");
	if ((p->pl->caps & TARGET_SETTINGS) && !has && !p->pl->shell)
		return pc_fail(p, "the caps claim TARGET_SETTINGS but there is neither setting() "
			       "nor shell()");
	if (!has)
		return pc_skip(p, "no setting(): scripts with sysctl lines are skipped");
	int v = pc_open(p, TARGET_IPV4_ONLY);
	if (v != PC_OK)
		return v;
	int rc = p->pl->setting(p->h, "net.ipv4.tcpspec_no_such_setting", "1");
	if (rc != TARGET_UNSUPPORTED)
		return pc_fail(p, "setting(\"net.ipv4.tcpspec_no_such_setting\", \"1\") returned %s, "
			       "not TARGET_UNSUPPORTED: a setting the stack does not have must not "
			       "be taken (the script would pass on settings never applied)",
			       target_status_name(rc));
	rc = p->pl->setting(p->h, "net.ipv4.tcp_sack", "not-a-number");
	if (rc == TARGET_OK)
		return pc_fail(p, "setting(\"net.ipv4.tcp_sack\", \"not-a-number\") returned "
			       "TARGET_OK: an impossible value is TARGET_BADARG");
	if (rc != TARGET_UNSUPPORTED && rc != TARGET_BADARG)
		return pc_fail(p, "setting() returned %s: TARGET_OK, TARGET_UNSUPPORTED or "
			       "TARGET_BADARG", target_status_name(rc));
	if (!(p->pl->caps & TARGET_SETTINGS))
		return pc_fail(p, "setting() is there but the caps lack TARGET_SETTINGS");
	return PC_OK;
}

static int check_caps(struct pc *p)
{
	unsigned known = TARGET_VIRTUAL_TIME | TARGET_NEEDS_ROOT | TARGET_RUNS_SHELL |
			 TARGET_TCP_INFO | TARGET_IPV6 | TARGET_IPV4_MAPPED | TARGET_OWN_PROCESS |
			 TARGET_BLOCKING | TARGET_SETTINGS | TARGET_CMSG | TARGET_TCP_MD5;
	unsigned c = p->pl->caps;
	if (c & ~known)
		return pc_fail(p, "caps has bits %#x that are no TARGET_* capability", c & ~known);
	if ((c & TARGET_BLOCKING) && !p->pl->complete)
		return pc_fail(p, "the caps claim TARGET_BLOCKING but complete is NULL");
	if ((c & TARGET_RUNS_SHELL) && !p->pl->shell)
		return pc_fail(p, "the caps claim TARGET_RUNS_SHELL but shell is NULL");
	if ((c & TARGET_TCP_INFO) && !p->pl->tcp_info)
		return pc_fail(p, "the caps claim TARGET_TCP_INFO but tcp_info is NULL");
	if (!pc_virtual(p))
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
			return pc_fail(p, "the caps claim %s, but a passive open on %s fails: %s",
				       ip[i].name, target_ip_version_name(ip[i].v), why);
	}
	return PC_OK;
}

const struct pc_check pc_checks[] = {
	{ "abi",        check_abi,        "ENTRY POINT AND TABLE" },
	{ "open-close", check_open_close, "OPERATIONS" },
	{ "clock",      check_clock,      "VIRTUAL TIME" },
	{ "timers",     check_timers,     "VIRTUAL TIME" },
	{ "connect",    check_connect,    "BLOCKING CALLS" },
	{ "accept",     check_accept,     "BLOCKING CALLS" },
	{ "pending",    check_pending,    "BLOCKING CALLS" },
	{ "poll-timeout", check_poll_timeout, "VIRTUAL TIME" },
	{ "errno",      check_errno,      "CALLS AND RESULTS" },
	{ "tcp_info",   check_tcp_info,   "TCP_INFO" },
	{ "settings",   check_settings,   "SETTINGS" },
	{ "caps",       check_caps,       "CAPABILITIES" },
	/* no function: the plugin's standard output during the checks above, which
	 * cmd_plugin_check.c catches (it must stay empty: it carries tcpspec's report) */
	{ "stdout",     NULL,             "OPERATIONS" },
};
const size_t pc_nchecks = sizeof pc_checks / sizeof pc_checks[0];
