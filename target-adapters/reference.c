/* target-adapters/reference.c: the reference target, tcpspec's own TCP (refstack/) on
 * virtual time, in process, without privileges.
 *
 *   inject         IP bytes -> wire_parse -> struct ref_segment / ref_icmp -> refstack
 *   outbound       refstack's segments -> wire_build -> a queue the engine drains
 *   call           the socket layer (ref_sock_*), Linux numbering throughout
 *   advance        refstack timers, each at its own deadline; the next one reported
 *   shell          never run: known sysctl settings map onto the stack's
 *                  configuration, anything else is "unsupported" (the script is skipped)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "refstack/ref.h"
#include "target-adapters/common/pktq.h"
#include "target-adapters/common/shellmap.h"
#include "target-adapters/reference.h"
#include "target-adapters/common/tcpudp.h"
#include "target-adapters/target.h"
#include "wire/wire.h"

/* epoll (Linux semantics) lives in the adapter, over ref_sock_poll(): instances get
 * descriptors far above the stack's own, so the two never meet. */
#define REF_EPOLL_FD0 100000
#define REF_EPOLL_MAX 8
#define REF_EPOLL_MAX_REG 32

struct refpriv {
	/* what open() sets up and reset keeps */
	struct ref_stack *st;
	int version;                    /* 4 or 6 on the wire */
	bool mapped;                    /* AF_INET6 sockets, IPv4 wire */
	char *script_path;              /* set-up files of shell lines are relative to it */
	struct ref_config cfg0;         /* the stack's config as open() made it */
	struct tcpudp encap0;           /* TCP over UDP as open() set it, no connection */
	/* the run's state, from here to buf: zero after open and reset */
	int64_t now;
	struct target_pktq out;         /* what the stack sent, in order */
	bool fail;                      /* an outbound segment could not be built */
	char fail_msg[200];
	uint8_t *domains;               /* socket domain by refstack fd */
	size_t ndomains;
	bool pending;
	struct target_call pc;
	int64_t pend_start;
	int64_t poll_deadline;          /* INT64_MAX when none */
	bool sockets_made;              /* socket() was called */
	struct tcpudp encap;            /* TCP over UDP (FreeBSD's tunneling port) */
	struct ref_epoll {              /* epoll instances: fds REF_EPOLL_FD0 + index */
		bool used;
		int n;
		struct ref_epoll_reg {
			int fd;
			uint32_t events;        /* EPOLL* as asked, with EPOLLET/ONESHOT */
			uint64_t data;
			uint32_t last;          /* edge-triggered: the mask last seen */
			uint32_t wrd, wall;     /* edge-triggered: the socket's wake-up
						 * counters when last looked at */
			bool disabled;          /* EPOLLONESHOT fired */
		} reg[REF_EPOLL_MAX_REG];
	} ep[REF_EPOLL_MAX];
	uint8_t buf[TARGET_MAX_PACKET];
};

static struct refpriv *P(struct target *t) { return t->priv; }

/* ---- addresses --------------------------------------------------------------------- */

static void addr_from_target(const struct target_addr *ta, struct ref_addr *ra)
{
	memset(ra, 0, sizeof *ra);
	if (ta->family == AF_INET6) {
		ra->family = REF_AF_INET6;
		memcpy(ra->a, &ta->u.v6, 16);
	} else if (ta->family == AF_INET) {
		ra->family = REF_AF_INET;
		memcpy(ra->a, &ta->u.v4, 4);
	}
}

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool sockaddr_to_ref(const struct sockaddr_storage *ss, socklen_t len,
			    struct ref_sockaddr *out)
{
	memset(out, 0, sizeof *out);
	if (ss->ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s = (const void *)ss;
		out->port = ntohs(s->sin_port);
		if (s->sin_addr.s_addr != htonl(INADDR_ANY)) {
			out->addr.family = REF_AF_INET;
			memcpy(out->addr.a, &s->sin_addr, 4);
		}
		return true;
	}
	if (ss->ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s = (const void *)ss;
		out->port = ntohs(s->sin6_port);
		if (!memcmp(&s->sin6_addr, v4mapped_prefix, 12)) {
			out->addr.family = REF_AF_INET;
			memcpy(out->addr.a, (const uint8_t *)&s->sin6_addr + 12, 4);
		} else if (!IN6_IS_ADDR_UNSPECIFIED(&s->sin6_addr)) {
			out->addr.family = REF_AF_INET6;
			memcpy(out->addr.a, &s->sin6_addr, 16);
		}
		return true;
	}
	return false;
}

static socklen_t ref_to_sockaddr(int domain, const struct ref_sockaddr *ra,
				 struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (domain == AF_INET6) {
		struct sockaddr_in6 *s = (void *)ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(ra->port);
		if (ra->addr.family == REF_AF_INET) {
			memcpy(&s->sin6_addr, v4mapped_prefix, 12);
			memcpy((uint8_t *)&s->sin6_addr + 12, ra->addr.a, 4);
		} else {
			memcpy(&s->sin6_addr, ra->addr.a, 16);
		}
		return sizeof *s;
	}
	struct sockaddr_in *s = (void *)ss;
	s->sin_family = AF_INET;
	s->sin_port = htons(ra->port);
	memcpy(&s->sin_addr, ra->addr.a, 4);
	return sizeof *s;
}

static void set_domain(struct refpriv *p, int fd, int domain)
{
	if (fd < 0)
		return;
	if ((size_t)fd >= p->ndomains) {
		size_t n = (size_t)fd * 2 + 16;
		uint8_t *d = realloc(p->domains, n);
		if (!d)
			return;
		memset(d + p->ndomains, 0, n - p->ndomains);
		p->domains = d;
		p->ndomains = n;
	}
	p->domains[fd] = domain == AF_INET6 ? 6 : 4;
}

static int domain_of(struct refpriv *p, int fd)
{
	if (fd >= 0 && (size_t)fd < p->ndomains && p->domains[fd] == 6)
		return AF_INET6;
	return AF_INET;
}

/* ---- outbound: ref_segment -> IP packet ----------------------------------------------- */

static void on_output(void *ctx, const struct ref_segment *s, int64_t now)
{
	struct refpriv *p = ctx;
	struct wire_packet w;
	wire_packet_init(&w, s->src.family == REF_AF_INET6 ? 6 : 4);
	memcpy(&w.ip.src, &s->src, sizeof w.ip.src);
	memcpy(&w.ip.dst, &s->dst, sizeof w.ip.dst);
	w.ip.src.family = w.ip.dst.family = s->src.family == REF_AF_INET6 ? WIRE_AF_INET6
								       : WIRE_AF_INET;
	w.ip.proto = WIRE_IPPROTO_TCP;
	w.ip.tos = s->tos;
	w.l4 = WIRE_L4_TCP;
	struct wire_tcp *t = &w.tcp;
	t->sport = s->sport;
	t->dport = s->dport;
	t->seq = s->seq;
	t->ack = s->ack;
	t->flags = s->flags;
	t->win = s->wnd;
	t->urg = s->urp;
	const struct ref_options *o = &s->opt;
	for (unsigned i = 0; i < o->nlayout; i++) {
		switch (o->layout[i]) {
		case REF_OPT_NOP: wire_opt_add_nop(&t->opts); break;
		case REF_OPT_EOL: wire_opt_add_eol(&t->opts); break;
		case REF_OPT_MSS: wire_opt_add_mss(&t->opts, o->mss); break;
		case REF_OPT_WS: wire_opt_add_wscale(&t->opts, o->wscale); break;
		case REF_OPT_SACK_PERM: wire_opt_add_sack_perm(&t->opts); break;
		case REF_OPT_TS: wire_opt_add_ts(&t->opts, o->tsval, o->tsecr); break;
		case REF_OPT_FO:
		case REF_OPT_FO_EXP:
			wire_opt_add_tfo(&t->opts, o->layout[i] == REF_OPT_FO_EXP, o->fo_cookie,
					 o->fo_len);
			break;
		case REF_OPT_SACK: {
			uint32_t lr[2 * REF_MAX_SACK];
			for (unsigned k = 0; k < o->nsack; k++) {
				lr[2 * k] = o->sack[k].left;
				lr[2 * k + 1] = o->sack[k].right;
			}
			wire_opt_add_sack(&t->opts, o->nsack, lr);
			break;
		}
		}
	}
	t->payload = s->data;
	t->payload_len = s->len;
	tcpudp_outbound(&p->encap, &w, s->encap_port);
	size_t len = 0;
	int rc = wire_build(&w, p->buf, sizeof p->buf, &len);
	if (rc != WIRE_OK) {
		p->fail = true;
		snprintf(p->fail_msg, sizeof p->fail_msg,
			 "reference stack produced a segment wire/ cannot build: %s", wire_strerror(rc));
		return;
	}
	if (target_pktq_push(&p->out, now, p->buf, len) != 0 && !p->fail) {
		/* a segment lost here would look like the stack's silence */
		p->fail = true;
		snprintf(p->fail_msg, sizeof p->fail_msg,
			 "out of memory queueing a segment the reference stack sent");
	}
}

/* ---- settings: sysctl names onto the stack's configuration ------------------------- */

static bool parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);  /* 0x603 as tcp_fastopen is written */
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == s || *end)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "min default max"; a field written "-" keeps the value it had (v[i] as given):
 * how FreeBSD's recvspace and maxsockbuf reach one field (shellmap.c) */
static bool parse_triple(const char *s, uint32_t v[3])
{
	for (int i = 0; i < 3; i++) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '-' && (s[1] == ' ' || s[1] == '\t' || !s[1])) {
			s++;
			continue;
		}
		char *end;
		unsigned long x = strtoul(s, &end, 10);
		if (end == s || x > 0xffffffffUL)
			return false;
		v[i] = (uint32_t)x;
		s = end;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

/* 0 applied, -1 unknown name, -2 bad or unsupported value */
static int apply_setting(struct ref_config *c, const char *name, const char *value)
{
	uint32_t v = 0, tr[3];
	char dotted[128];
	if (!strncmp(name, "net/", 4)) {
		snprintf(dotted, sizeof dotted, "%s", name);
		for (char *q = dotted; *q; q++)
			if (*q == '/')
				*q = '.';
		name = dotted;
	}
#define BOOL_SETTING(n, field)                                  \
	if (!strcmp(name, n)) {                                  \
		if (!parse_u32(value, &v))                       \
			return -2;                               \
		c->field = v != 0;                               \
		return 0;                                        \
	}
#define U32_SETTING(n, field)                                   \
	if (!strcmp(name, n)) {                                  \
		if (!parse_u32(value, &v))                       \
			return -2;                               \
		c->field = v;                                    \
		return 0;                                        \
	}
	BOOL_SETTING("net.ipv4.tcp_timestamps", timestamps)
	BOOL_SETTING("net.ipv4.tcp_sack", sack)
	BOOL_SETTING("net.ipv4.tcp_window_scaling", window_scaling)
	BOOL_SETTING("net.ipv4.tcp_dsack", dsack)
	if (!strcmp(name, "net.ipv4.tcp_ecn")) {
		/* 0 off, 1 request and accept, 2 accept only (Linux; 3-5 are AccECN) */
		if (!parse_u32(value, &v) || v > 2)
			return -2;
		c->ecn = (uint8_t)v;
		return 0;
	}
	U32_SETTING("net.ipv4.tcp_syn_retries", syn_retries)
	U32_SETTING("net.ipv4.tcp_synack_retries", synack_retries)
	U32_SETTING("net.ipv4.tcp_retries2", retries2)
	U32_SETTING("net.ipv4.tcp_fin_timeout", fin_timeout_s)
	U32_SETTING("net.ipv4.tcp_keepalive_time", keepalive_time_s)
	U32_SETTING("net.ipv4.tcp_keepalive_intvl", keepalive_intvl_s)
	U32_SETTING("net.ipv4.tcp_keepalive_probes", keepalive_probes)
	U32_SETTING("net.ipv4.tcp_challenge_ack_limit", challenge_ack_limit)
	U32_SETTING("net.ipv4.tcp_invalid_ratelimit", invalid_ratelimit_ms)
	U32_SETTING("net.ipv4.tcp_max_syn_backlog", max_syn_backlog)
	U32_SETTING("net.core.rmem_max", core_rmem_max)
	U32_SETTING("net.core.wmem_max", core_wmem_max)
	BOOL_SETTING("net.ipv4.tcp_rfc1337", rfc1337)
	/* RFC 5682 F-RTO: Linux's 1 (basic) and 2 (SACK-enhanced where SACK is on) both
	 * turn on the basic algorithm, which holds with SACK too (refstack/frto.c) */
	if (!strcmp(name, "net.ipv4.tcp_frto")) {
		if (!parse_u32(value, &v) || v > 2)
			return -2;
		c->frto = v != 0;
		return 0;
	}
	/* FreeBSD's names for mechanisms no Linux sysctl reaches (shellmap.c maps the
	 * others onto the Linux names) */
	if (!strcmp(name, "net.inet.tcp.insecure_rst") || !strcmp(name, "net.inet.tcp.insecure_syn")) {
		if (!parse_u32(value, &v) || v > 1)
			return -2;
		*(name[22] == 'r' ? &c->rfc5961_rst : &c->rfc5961_syn) = v == 0;
		return 0;
	}
	if (!strcmp(name, "net.inet.tcp.delayed_ack")) {
		/* 1: every ACK the rules allow is delayed (no quick ACKs) */
		if (!parse_u32(value, &v) || v != 1)
			return -2;
		c->quickack = 0;
		return 0;
	}
	if (!strcmp(name, "net.inet.tcp.delacktime")) {
		/* RFC 9293 3.8.6.3 (MUST-40): "MUST be less than 0.5 seconds" */
		if (!parse_u32(value, &v) || v == 0 || v >= 500)
			return -2;
		c->delack_ms = v;
		return 0;
	}
	U32_SETTING("net.inet.tcp.rexmit_slop", rto_slop_ms)
	U32_SETTING("net.inet.tcp.keepinit", conn_init_timeout_ms)
	U32_SETTING("net.inet.tcp.ecn.maxretries", ecn_syn_retries)
	BOOL_SETTING("net.inet.tcp.drop_synfin", drop_synfin)
	if (!strcmp(name, "net.inet.tcp.rexmit_min")) {
		if (!parse_u32(value, &v) || v == 0)
			return -2;
		c->rto_min_ms = v;
		return 0;
	}
	BOOL_SETTING("net.ipv4.tcp_slow_start_after_idle", slow_start_after_idle)
	/* The reference stack's own knobs for choices the RFCs leave open, so the suite
	 * can be run against a stack that chooses otherwise (tests/conformance_variant.sh):
	 * the initial window in segments (RFC 5681 3.1 bounds it from above only; 0 is
	 * the bound itself), delayed ACKs off (RFC 9293 3.8.6.3: SHOULD, SHLD-18) or
	 * their timeout (MUST-40: under 0.5 s), and data segments below Eff.snd.MSS */
	if (!strcmp(name, "refstack.init_cwnd")) {
		if (!parse_u32(value, &v) || v > 64)
			return -2;
		c->init_cwnd = v;
		return 0;
	}
	BOOL_SETTING("refstack.delayed_ack", delayed_ack)
	/* the first RTT sample from the SYN exchange or not (RFC 6298 2.1, 2.2) */
	BOOL_SETTING("refstack.handshake_rtt_sample", handshake_rtt_sample)
	/* an RTT sample from the timestamps of an ACK for retransmitted data (RFC 6298 3) */
	BOOL_SETTING("refstack.ts_rtt_retransmit", ts_rtt_retransmit)
	/* data segments of SACK connections smaller than Eff.snd.MSS by this many octets
	 * (RFC 9293 3.7.1 bounds them from above only; gVisor's netstack keeps 36 off) */
	if (!strcmp(name, "refstack.mss_reserve")) {
		if (!parse_u32(value, &v) || v > 1000)
			return -2;
		c->mss_reserve = v;
		return 0;
	}
	/* 1: that reserve on every connection, not only SACK ones (RFC 9293 3.7.1,
	 * MUST-16, bounds segments from above only, whatever the options) */
	BOOL_SETTING("refstack.mss_reserve_all", mss_reserve_all)
	/* 1: keep-alives carry one garbage octet (RFC 9293 3.8.4 MAY-6) */
	BOOL_SETTING("refstack.keepalive_garbage", keepalive_garbage)
	if (!strcmp(name, "refstack.delack_ms")) {
		if (!parse_u32(value, &v) || v == 0 || v >= 500)
			return -2;
		c->delack_ms = v;
		return 0;
	}
#undef BOOL_SETTING
#undef U32_SETTING
	if (!strcmp(name, "net.ipv4.tcp_rmem")) {
		tr[0] = 4096, tr[1] = c->rmem_default, tr[2] = c->rmem_max;
		if (!parse_triple(value, tr))
			return -2;
		c->rmem_default = tr[1];
		c->rmem_max = tr[2];
		return 0;
	}
	if (!strcmp(name, "net.ipv4.tcp_wmem")) {
		tr[0] = 4096, tr[1] = c->wmem_default, tr[2] = c->wmem_max;
		if (!parse_triple(value, tr))
			return -2;
		c->wmem_default = tr[1];
		c->wmem_max = tr[2];
		return 0;
	}
	if (!strcmp(name, "net.ipv4.ip_local_port_range")) {
		uint32_t lo, hi;
		if (sscanf(value, "%u %u", &lo, &hi) != 2 || lo > hi || hi > 65535 || lo == 0)
			return -2;
		c->port_lo = lo;
		c->port_hi = hi;
		return 0;
	}
	/* features the reference stack does not have: accepted only when turned off */
	if (!strcmp(name, "net.ipv4.tcp_fastopen")) {
		/* client 0x1, server 0x2, client without cookie 0x4, server without
		 * cookie 0x200, server without TCP_FASTOPEN 0x400 (Linux's bits) */
		if (!parse_u32(value, &v) || (v & ~0x607u))
			return -2;
		c->fastopen = v;
		return 0;
	}
	if (!strcmp(name, "net.ipv4.tcp_fastopen_key")) {
		/* "xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx": four 32-bit hex words, each
		 * stored little-endian, as Linux fills its SipHash key (a backup key
		 * after a comma is ignored: only the primary makes cookies) */
		unsigned w[4];
		char dash[3];
		if (sscanf(value, "%8x%c%8x%c%8x%c%8x", &w[0], &dash[0], &w[1], &dash[1], &w[2],
			   &dash[2], &w[3]) != 7 || dash[0] != '-' || dash[1] != '-' ||
		    dash[2] != '-')
			return -2;
		for (int i = 0; i < 4; i++)
			for (int k = 0; k < 4; k++)
				c->fastopen_key[4 * i + k] = (uint8_t)(w[i] >> (8 * k));
		return 0;
	}
	/* Linux settings for mechanisms the reference stack does not have, accepted only
	 * at the value that matches its fixed behaviour: no PMTU probing, FACK,
	 * tail loss probe, RACK, linear SYN backoff, autocorking, route metrics cache,
	 * receive-buffer autotuning, window shrinking, SACK compression, rate limit on
	 * out-of-window ACKs, or signed-window workaround; DupThresh 3 (RFC 5681 3.2);
	 * never aborting on a full accept queue (the SYN is dropped); plain SYN after an
	 * ECN-setup SYN timed out (RFC 3168 6.1.1.1) */
	static const struct { const char *name; uint32_t value; } fixed[] = {
		{ "net.ipv4.tcp_mtu_probing", 0 },      { "net.ipv4.tcp_fack", 0 },
		{ "net.ipv4.tcp_early_retrans", 0 },
		{ "net.ipv4.tcp_recovery", 0 },         { "net.ipv4.tcp_syn_linear_timeouts", 0 },
		{ "net.ipv4.tcp_autocorking", 0 },      { "net.ipv4.tcp_no_metrics_save", 1 },
		{ "net.ipv4.tcp_moderate_rcvbuf", 0 },  { "net.ipv4.tcp_shrink_window", 0 },
		{ "net.ipv4.tcp_comp_sack_nr", 0 },
		{ "net.ipv4.tcp_workaround_signed_windows", 0 },
		{ "net.ipv4.tcp_thin_linear_timeouts", 0 },
		{ "net.ipv4.tcp_reordering", 3 },       { "net.ipv4.tcp_abort_on_overflow", 0 },
		{ "net.ipv4.tcp_ecn_fallback", 1 },     { "net.ipv4.tcp_app_win", 31 },
		{ "net.ipv4.tcp_notsent_lowat", 4294967295u },
		{ "net.ipv4.ip_no_pmtu_disc", 0 },     /* PMTU discovery on (RFC 1191) */
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (!strcmp(name, fixed[i].name))
			return parse_u32(value, &v) && v == fixed[i].value ? 0 : -2;
	/* SYN cookies are sent only when a listener's SYN queue overflows (1) or never
	 * (0); the reference never sends them and drops the SYN instead */
	if (!strcmp(name, "net.ipv4.tcp_syncookies"))
		return parse_u32(value, &v) && v <= 1 ? 0 : -2;
	/* the RTO floor in microseconds (Linux 6.x); the stack keeps milliseconds */
	if (!strcmp(name, "net.ipv4.tcp_rto_min_us")) {
		if (!parse_u32(value, &v) || v % 1000 || v == 0)
			return -2;
		c->rto_min_ms = v / 1000;
		return 0;
	}
	/* a bound on TIME-WAIT connections no script comes near (Linux's default is far
	 * larger than any script's connection count; 0 would mean no TIME-WAIT at all) */
	if (!strcmp(name, "net.ipv4.tcp_max_tw_buckets"))
		return parse_u32(value, &v) && v >= 64 ? 0 : -2;
	/* NewReno (RFC 5681, RFC 6582) is the only congestion control */
	if (!strcmp(name, "net.ipv4.tcp_congestion_control"))
		return !strcmp(value, "reno") ? 0 : -2;
	/* settings of TSO, pacing, PMTU probing, Linux's min-RTT filter, routing advice
	 * and socket marks: nothing on the wire of a stack without them depends on them */
	static const char *const no_effect[] = {
		"net.ipv4.tcp_min_tso_segs", "net.ipv4.tcp_tso_win_divisor",
		"net.ipv4.tcp_pacing_ss_ratio", "net.ipv4.tcp_pacing_ca_ratio",
		"net.ipv4.tcp_limit_output_bytes", "net.ipv4.tcp_min_rtt_wlen",
		"net.ipv4.tcp_base_mss", "net.ipv4.tcp_retries1", "net.ipv4.tcp_fwmark_accept",
		"net.ipv4.tcp_low_latency",     /* ignored by Linux itself since 4.14 */
	};
	for (size_t i = 0; i < sizeof no_effect / sizeof no_effect[0]; i++)
		if (!strcmp(name, no_effect[i]))
			return parse_u32(value, &v) ? 0 : -2;
	return -1;
}

/* The stack's configuration and the adapter's own TCP over UDP settings, taken all or
 * nothing. */
struct ref_settings {
	struct ref_config c;
	struct tcpudp encap;
};

static int apply_one(struct ref_settings *s, const char *name, const char *value)
{
	int rc = tcpudp_setting(&s->encap, name, value);
	if (rc == 0) {          /* the stack's half of TCP over UDP (refstack/udpencap.c) */
		s->c.udp_tunnel_port = s->encap.port;
		s->c.udp_tunnel_overhead = s->encap.overhead;
	}
	return rc != -1 ? rc : apply_setting(&s->c, name, value);
}

static int apply_or_diag(struct target *t, struct ref_settings *s, const char *name,
			 const char *value)
{
	int rc = apply_one(s, name, value);
	if (rc == -1)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "the reference target has no setting %s", name);
	if (rc == -2)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "the reference target cannot take %s = %s", name, value);
	return TARGET_OK;
}

static int apply_cb(void *ctx, const char *name, const char *value)
{
	return apply_one(ctx, name, value);
}

/* Shell lines: the sysctl settings they make, mapped onto the stack's configuration
 * (target-adapters/common/shellmap.h); all or nothing. */
static int ref_shell(struct target *t, const char *cmd, int *exit_status)
{
	struct refpriv *p = P(t);
	struct ref_settings s = { .c = *ref_stack_config(p->st), .encap = p->encap };
	struct target_shellmap m = {
		.target_name = "reference", .script_path = p->script_path,
		.fresh = !p->sockets_made, .apply = apply_cb, .ctx = &s,
	};
	int rc = target_shellmap_run(t, &m, cmd, exit_status);
	if (rc == TARGET_OK && *exit_status == 0) {
		*ref_stack_config(p->st) = s.c;
		p->encap = s.encap;
	}
	return rc;
}

/* One setting now (the engine's congestion control hint; a plugin's setting()). */
static int ref_setting(struct target *t, const char *name, const char *value)
{
	struct refpriv *p = P(t);
	struct ref_settings s = { .c = *ref_stack_config(p->st), .encap = p->encap };
	int rc = apply_one(&s, name, value);
	if (rc == 0) {
		*ref_stack_config(p->st) = s.c;
		p->encap = s.encap;
		return TARGET_OK;
	}
	apply_or_diag(t, &s, name, value);
	return t->diag.status = rc == -1 ? TARGET_UNSUPPORTED : TARGET_BADARG;
}

/* ---- open / close ------------------------------------------------------------------ */

static int ref_open(struct target *t, const struct target_config *cfg)
{
	/* buf (64 KB, last) is written by wire_build before it is read: not zeroed, which
	 * saves a memset and, under ASan, page faults per open (fuzz_stack opens per input) */
	struct refpriv *p = malloc(sizeof *p);
	if (!p)
		return target_diagf(&t->diag, TARGET_ERROR, "out of memory");
	memset(p, 0, offsetof(struct refpriv, buf));
	t->priv = p;
	p->poll_deadline = INT64_MAX;
	if (cfg->script_path && !(p->script_path = strdup(cfg->script_path)))
		return target_diagf(&t->diag, TARGET_ERROR, "out of memory");
	struct ref_settings s;
	ref_config_defaults(&s.c);
	tcpudp_init(&s.encap);
	struct ref_config *c = &s.c;
	p->version = cfg->ip_version == TARGET_IPV6_ONLY ? 6 : 4;
	p->mapped = cfg->ip_version == TARGET_IPV4_MAPPED_IPV6;
	if (cfg->mtu > 0)
		c->mtu = cfg->mtu;
	if (cfg->local_ip.family == AF_INET)
		addr_from_target(&cfg->local_ip, &c->local4);
	else if (cfg->local_ip.family == AF_INET6)
		addr_from_target(&cfg->local_ip, &c->local6);
	for (size_t i = 0; i < cfg->n_settings; i++) {
		int rc = apply_or_diag(t, &s, cfg->settings[i].name, cfg->settings[i].value);
		if (rc != TARGET_OK) {
			free(p->script_path);
			free(p);
			t->priv = NULL;
			return rc;
		}
	}
	p->encap = s.encap;
	p->st = ref_stack_new(c, on_output, p);
	if (!p->st) {
		free(p->script_path);
		free(p);
		t->priv = NULL;
		return target_diagf(&t->diag, TARGET_ERROR, "out of memory");
	}
	p->cfg0 = *c;
	p->encap0 = s.encap;
	return TARGET_OK;
}

/* As a close and an open with the same config: the stack emptied in place (its
 * connections, sockets, timers, counters and clock; ref_stack_reset) and this
 * adapter's state back to open()'s, without freeing and allocating either again. */
static int ref_reset(struct target *t)
{
	struct refpriv *p = P(t);
	size_t from = offsetof(struct refpriv, now);

	target_pktq_free(&p->out);
	free(p->domains);
	ref_stack_reset(p->st);
	*ref_stack_config(p->st) = p->cfg0;
	memset((char *)p + from, 0, offsetof(struct refpriv, buf) - from);
	p->poll_deadline = INT64_MAX;
	p->encap = p->encap0;
	return TARGET_OK;
}

static void ref_close(struct target *t)
{
	struct refpriv *p = P(t);
	if (!p)
		return;
	ref_stack_free(p->st);
	target_pktq_free(&p->out);
	free(p->domains);
	free(p->script_path);
	free(p);
	t->priv = NULL;
}

static int64_t ref_now(struct target *t)
{
	return P(t)->now;
}

/* ---- inbound ------------------------------------------------------------------------- */

static void fill_options(const struct wire_tcp *t, int parse_rc, struct ref_options *o)
{
	memset(o, 0, sizeof *o);
	switch (parse_rc) {
	case WIRE_E_OPT_AREA_LONG: case WIRE_E_OPT_NO_LEN: case WIRE_E_OPT_LEN_ZERO:
	case WIRE_E_OPT_LEN_ONE: case WIRE_E_OPT_LEN_PAST: case WIRE_E_OPT_BAD_LEN:
		o->bad_len = true;      /* RFC 9293 MUST-7 */
		break;
	default:
		break;
	}
	for (unsigned i = 0; i < t->opts.n; i++) {
		const struct wire_tcp_opt *w = &t->opts.opt[i];
		if (w->flags & WIRE_OPT_F_RAW) {
			/* a known kind with a length wrong for it is an illegal length;
			 * unknown kinds are ignored (MUST-6) */
			if (w->kind == WIRE_TCPOPT_MSS || w->kind == WIRE_TCPOPT_WSCALE ||
			    w->kind == WIRE_TCPOPT_SACK_PERM || w->kind == WIRE_TCPOPT_SACK ||
			    w->kind == WIRE_TCPOPT_TIMESTAMP)
				o->bad_len = true;
			continue;
		}
		if (o->nlayout < REF_MAX_LAYOUT && w->kind < 256)
			o->layout[o->nlayout++] = (uint8_t)w->kind;
		switch (w->kind) {
		case WIRE_TCPOPT_MSS:
			o->has |= REF_HAS_MSS;
			o->mss = w->v.mss;
			break;
		case WIRE_TCPOPT_WSCALE:
			o->has |= REF_HAS_WS;
			o->wscale = w->v.wscale;
			break;
		case WIRE_TCPOPT_SACK_PERM:
			o->has |= REF_HAS_SACK_PERM;
			break;
		case WIRE_TCPOPT_TIMESTAMP:
			o->has |= REF_HAS_TS;
			o->tsval = w->v.ts.val;
			o->tsecr = w->v.ts.ecr;
			break;
		case WIRE_TCPOPT_FASTOPEN:
		case WIRE_TCPOPT_EXP:
			/* (kind 254 other than fast open came as raw, skipped above) */
			o->has |= REF_HAS_FO;
			o->fo_exp = w->v.tfo.exp;
			o->fo_len = w->v.tfo.len > REF_MAX_COOKIE ? REF_MAX_COOKIE : w->v.tfo.len;
			memcpy(o->fo_cookie, w->v.tfo.cookie, o->fo_len);
			break;
		case WIRE_TCPOPT_SACK:
			o->has |= REF_HAS_SACK;
			o->nsack = w->v.sack.n > REF_MAX_SACK ? REF_MAX_SACK : w->v.sack.n;
			for (unsigned k = 0; k < o->nsack; k++) {
				o->sack[k].left = w->v.sack.block[k].left;
				o->sack[k].right = w->v.sack.block[k].right;
			}
			break;
		default:
			break;
		}
	}
}

static bool icmp_kind(const struct wire_packet *w, enum ref_icmp_kind *k)
{
	const struct wire_icmp *ic = &w->icmp;
	if (w->l4 == WIRE_L4_ICMP) {
		switch (ic->type) {
		case WIRE_ICMP_UNREACH:
			switch (ic->code) {
			case 0: case 6: case 11: *k = REF_ICMP_NET_UNREACH; return true;
			case 1: case 7: case 12: *k = REF_ICMP_HOST_UNREACH; return true;
			case 2: *k = REF_ICMP_PROTO_UNREACH; return true;
			case 3: *k = REF_ICMP_PORT_UNREACH; return true;
			case 4: *k = REF_ICMP_FRAG_NEEDED; return true;
			case 5: *k = REF_ICMP_SRC_ROUTE; return true;
			default: *k = REF_ICMP_ADMIN; return true;
			}
		case WIRE_ICMP_SOURCEQUENCH: *k = REF_ICMP_SOURCE_QUENCH; return true;
		case WIRE_ICMP_TIMXCEED: *k = REF_ICMP_TIME_EXCEEDED; return true;
		case WIRE_ICMP_PARAMPROB: *k = REF_ICMP_PARAM_PROBLEM; return true;
		default: return false;
		}
	}
	switch (ic->type) {
	case WIRE_ICMP6_UNREACH:
		switch (ic->code) {
		case WIRE_ICMP6_UNREACH_NOROUTE: *k = REF_ICMP_NET_UNREACH; return true;
		case WIRE_ICMP6_UNREACH_ADDR: *k = REF_ICMP_HOST_UNREACH; return true;
		case WIRE_ICMP6_UNREACH_PORT: *k = REF_ICMP_PORT_UNREACH; return true;
		default: *k = REF_ICMP_ADMIN; return true;
		}
	case WIRE_ICMP6_PKT_TOO_BIG: *k = REF_ICMP_FRAG_NEEDED; return true;
	case WIRE_ICMP6_TIME_EXCEEDED: *k = REF_ICMP_TIME_EXCEEDED; return true;
	case WIRE_ICMP6_PARAM_PROB:
		/* code 1, "unrecognized Next Header type encountered" (RFC 4443 3.4): the
		 * IPv6 form of IPv4's protocol unreachable (RFC 8200 4), a hard error */
		*k = ic->code == 1 ? REF_ICMP_PROTO_UNREACH : REF_ICMP_PARAM_PROBLEM;
		return true;
	default: return false;
	}
}

static int ref_inject(struct target *t, const uint8_t *ip, size_t len)
{
	struct refpriv *p = P(t);
	struct wire_packet w;
	struct wire_parse_cfg pc = tcpudp_parse_cfg(&p->encap);
	int rc = wire_parse_cfg(ip, len, &pc, &w);
	/* What IP would drop never reaches TCP: broken IP headers, other protocols. */
	if (!(w.have & WIRE_HAVE_IP) || !(w.have & WIRE_HAVE_L4))
		return TARGET_OK;
	if (w.l4 == WIRE_L4_ICMP || w.l4 == WIRE_L4_ICMP6) {
		struct ref_icmp ic;
		memset(&ic, 0, sizeof ic);
		/* a quoted segment of the stack's: plain TCP, or TCP in UDP from the
		 * tunneling port (wire/ decodes the TCP header behind the UDP one) */
		const struct wire_quote *q = &w.icmp.quote;
		if (!w.icmp.is_error || q->tcp_avail < 8 || !icmp_kind(&w, &ic.kind) ||
		    (q->udp_encap ? q->udp_sport != p->encap.port
				  : q->ip.proto != WIRE_IPPROTO_TCP))
			return TARGET_OK;
		ic.encap_port = q->udp_encap ? q->udp_dport : 0;
		memcpy(&ic.src, &w.icmp.quote.ip.src, sizeof ic.src);
		memcpy(&ic.dst, &w.icmp.quote.ip.dst, sizeof ic.dst);
		ic.sport = w.icmp.quote.sport;
		ic.dport = w.icmp.quote.dport;
		ic.seq = w.icmp.quote.seq;
		ic.mtu = w.icmp.mtu;
		ref_icmp_input(p->st, &ic, p->now);
		return TARGET_OK;
	}
	bool csum_ok;
	struct ref_segment s;
	memset(&s, 0, sizeof s);
	if (w.l4 != WIRE_L4_TCP || !(w.have & WIRE_HAVE_PAYLOAD) ||
	    !tcpudp_inbound(&p->encap, &w, &csum_ok, &s.encap_port))
		return TARGET_OK;
	memcpy(&s.src, &w.ip.src, sizeof s.src);
	memcpy(&s.dst, &w.ip.dst, sizeof s.dst);
	s.sport = w.tcp.sport;
	s.dport = w.tcp.dport;
	s.seq = w.tcp.seq;
	s.ack = w.tcp.ack;
	s.flags = (uint8_t)(w.tcp.flags & 0xff);
	s.reserved = (uint8_t)((w.tcp.flags >> 8) & 0xf);
	s.wnd = w.tcp.win;
	s.urp = w.tcp.urg;
	s.csum_ok = csum_ok;
	s.tos = w.ip.tos;               /* its ECN field: RFC 3168 */
	fill_options(&w.tcp, rc, &s.opt);
	s.data = w.tcp.payload;
	s.len = (uint32_t)w.tcp.payload_len;
	ref_input(p->st, &s, p->now);
	return TARGET_OK;
}

static int ref_next_outbound(struct target *t, int64_t deadline_ns, struct target_packet *pk)
{
	struct refpriv *p = P(t);
	(void)deadline_ns;
	if (p->fail) {
		p->fail = false;
		return target_diagf(&t->diag, TARGET_ERROR, "%s", p->fail_msg);
	}
	return target_pktq_pop(&p->out, pk);
}

/* ---- calls ---------------------------------------------------------------------------- */


/* ---- epoll ------------------------------------------------------------------------------ */

static struct ref_epoll *epoll_get(struct refpriv *p, int fd)
{
	if (fd < REF_EPOLL_FD0 || fd >= REF_EPOLL_FD0 + REF_EPOLL_MAX)
		return NULL;
	struct ref_epoll *e = &p->ep[fd - REF_EPOLL_FD0];
	return e->used ? e : NULL;
}

static long epoll_create_call(struct refpriv *p, const struct target_call *c)
{
	if (c->maxevents <= 0)
		return -EINVAL;         /* epoll_create(size): size must be positive */
	for (int i = 0; i < REF_EPOLL_MAX; i++)
		if (!p->ep[i].used) {
			memset(&p->ep[i], 0, sizeof p->ep[i]);
			p->ep[i].used = true;
			return REF_EPOLL_FD0 + i;
		}
	return -EMFILE;
}

static long epoll_ctl_call(struct refpriv *p, const struct target_call *c)
{
	struct ref_epoll *e = epoll_get(p, c->fd);
	if (!e)
		return -EBADF;
	if (c->epoll_target_fd == c->fd)
		return -EINVAL;
	if (epoll_get(p, c->epoll_target_fd))
		return -EINVAL;         /* nested epoll: not here */
	if (ref_sock_state(p->st, c->epoll_target_fd) < 0)
		return -EBADF;
	int k;
	for (k = 0; k < e->n; k++)
		if (e->reg[k].fd == c->epoll_target_fd)
			break;
	switch (c->epoll_op) {
	case EPOLL_CTL_ADD:
		if (k < e->n)
			return -EEXIST;
		if (e->n == REF_EPOLL_MAX_REG)
			return -ENOSPC;
		e->reg[e->n++] = (struct ref_epoll_reg){ .fd = c->epoll_target_fd,
			.events = c->epoll_ev.events, .data = c->epoll_ev.data };
		ref_sock_wakeups(p->st, c->epoll_target_fd, &e->reg[e->n - 1].wrd,
				 &e->reg[e->n - 1].wall);
		return 0;
	case EPOLL_CTL_MOD:
		if (k == e->n)
			return -ENOENT;
		e->reg[k].events = c->epoll_ev.events;
		e->reg[k].data = c->epoll_ev.data;
		e->reg[k].last = 0;
		e->reg[k].disabled = false;     /* re-arms an EPOLLONESHOT */
		ref_sock_wakeups(p->st, e->reg[k].fd, &e->reg[k].wrd, &e->reg[k].wall);
		return 0;
	case EPOLL_CTL_DEL:
		if (k == e->n)
			return -ENOENT;
		e->reg[k] = e->reg[--e->n];
		return 0;
	default:
		return -EINVAL;
	}
}

/* The ready registrations, in registration order: level-triggered ones whenever
 * ready; EPOLLET ones when a kind of event became ready or, as Linux queues an item at
 * each wake-up of the socket, when the socket was woken since last looked at (new data
 * or a new connection for read interest, a state change or error for any), with the
 * whole ready mask; EPOLLONESHOT ones once. */
static long epoll_wait_call(struct refpriv *p, const struct target_call *c,
			    struct target_result *r)
{
	struct ref_epoll *e = epoll_get(p, c->fd);
	if (!e)
		return -EBADF;
	if (c->maxevents <= 0)
		return -EINVAL;
	int n = 0;
	for (int k = 0; k < e->n && n < c->maxevents && n < TARGET_MAX_EVENTS; k++) {
		struct ref_epoll_reg *g = &e->reg[k];
		int ev = ref_sock_poll(p->st, g->fd, (int)(g->events & 0xffff));
		if (ev < 0) {                   /* closed: gone from the set, as Linux */
			e->reg[k--] = e->reg[--e->n];
			continue;
		}
		uint32_t ready = (uint32_t)ev;
		if (g->disabled)
			continue;
		if (g->events & EPOLLET) {
			uint32_t rd = g->wrd, all = g->wall;
			ref_sock_wakeups(p->st, g->fd, &rd, &all);
			bool woken = all != g->wall ||
				     (rd != g->wrd && (g->events & (EPOLLIN | EPOLLRDNORM |
								    EPOLLPRI | EPOLLRDBAND)));
			uint32_t fresh = ready & ~g->last;
			g->wrd = rd;            /* a wake-up is used up when looked at */
			g->wall = all;
			g->last = ready;
			if (!ready || (!fresh && !woken))
				continue;
		} else if (!ready) {
			continue;
		}
		g->last = ready;
		if (g->events & EPOLLONESHOT)
			g->disabled = true;
		r->events[n].events = ready;
		r->events[n].data = g->data;
		n++;
	}
	r->nevents = n;
	return n;
}

/* Make the call once.  Returns the stack's value (>= 0, -errno, REF_PENDING) or
 * TARGET_UNSUPPORTED (as a positive marker via *unsupported). */
static long do_call(struct target *t, const struct target_call *c, struct target_result *r,
		    bool *unsupported)
{
	struct refpriv *p = P(t);
	struct ref_stack *st = p->st;
	int64_t now = p->now;
	struct ref_sockaddr sa;
	*unsupported = false;
	switch (c->kind) {
	case TARGET_CALL_SOCKET: {
		p->sockets_made = true;
		long fd = ref_sock_socket(st, c->domain, c->type, c->protocol, now);
		if (fd == -EPROTONOSUPPORT && (c->type & 0xf) != SOCK_STREAM) {
			*unsupported = true;
			target_diagf(&t->diag, TARGET_UNSUPPORTED,
				     "the reference target only has TCP sockets");
		}
		if (fd >= 0)
			set_domain(p, (int)fd, c->domain);
		return fd;
	}
	case TARGET_CALL_BIND:
		if (!c->has_addr || !sockaddr_to_ref(&c->addr, c->addrlen, &sa))
			return -EINVAL;
		return ref_sock_bind(st, c->fd, &sa, now);
	case TARGET_CALL_LISTEN:
		return ref_sock_listen(st, c->fd, c->backlog, now);
	case TARGET_CALL_ACCEPT: {
		long fd = ref_sock_accept(st, c->fd, &sa, now);
		if (fd >= 0) {
			int dom = domain_of(p, c->fd);
			set_domain(p, (int)fd, dom);
			r->addrlen = ref_to_sockaddr(dom, &sa, &r->addr);
			if (c->flags & SOCK_NONBLOCK)
				ref_sock_fcntl(st, (int)fd, F_SETFL, O_RDWR | O_NONBLOCK);
		}
		return fd;
	}
	case TARGET_CALL_CONNECT:
		if (!c->has_addr || !sockaddr_to_ref(&c->addr, c->addrlen, &sa))
			return -EINVAL;
		return ref_sock_connect(st, c->fd, &sa, now);
	/* the bytes read go to c->rdata (NULL: discarded) */
	case TARGET_CALL_READ:
		r->rdata_filled = c->rdata != NULL;
		return ref_sock_recv(st, c->fd, c->rdata, c->len, 0, now);
	case TARGET_CALL_RECV:
	case TARGET_CALL_RECVFROM:
		r->rdata_filled = c->rdata != NULL;
		return ref_sock_recv(st, c->fd, c->rdata, c->len, c->flags, now);
	case TARGET_CALL_READV:
		r->rdata_filled = c->rdata != NULL;
		return ref_sock_recv(st, c->fd, c->rdata, target_call_iov_total(c), 0, now);
	case TARGET_CALL_RECVMSG:
		r->rdata_filled = c->rdata != NULL;
		return ref_sock_recv(st, c->fd, c->rdata, target_call_iov_total(c), c->flags, now);
	case TARGET_CALL_WRITE:
		return ref_sock_send(st, c->fd, c->data, c->len, 0, now);
	case TARGET_CALL_SEND:
	case TARGET_CALL_SENDTO:
		if (c->flags & MSG_FASTOPEN) {  /* RFC 7413: connect with data on the SYN */
			if (c->has_addr && !sockaddr_to_ref(&c->addr, c->addrlen, &sa))
				return -EINVAL;
			return ref_sock_sendto(st, c->fd, c->data, c->len, c->flags,
					       c->has_addr ? &sa : NULL, now);
		}
		return ref_sock_send(st, c->fd, c->data, c->len, c->flags, now);
	case TARGET_CALL_WRITEV:
		return ref_sock_send(st, c->fd, c->data, target_call_iov_total(c), 0, now);
	case TARGET_CALL_SENDMSG:
		if (c->flags & MSG_FASTOPEN) {
			if (c->has_addr && !sockaddr_to_ref(&c->addr, c->addrlen, &sa))
				return -EINVAL;
			return ref_sock_sendto(st, c->fd, c->data, target_call_iov_total(c), c->flags,
					       c->has_addr ? &sa : NULL, now);
		}
		return ref_sock_send(st, c->fd, c->data, target_call_iov_total(c), c->flags, now);
	case TARGET_CALL_CLOSE:
		if (epoll_get(p, c->fd)) {
			epoll_get(p, c->fd)->used = false;
			return 0;
		}
		return ref_sock_close(st, c->fd, now);
	case TARGET_CALL_EPOLL_CREATE:
		return epoll_create_call(p, c);
	case TARGET_CALL_EPOLL_CTL:
		return epoll_ctl_call(p, c);
	case TARGET_CALL_EPOLL_WAIT: {
		long n = epoll_wait_call(p, c, r);
		if (n || c->timeout_ms == 0)
			return n;
		if (c->timeout_ms > 0 && now >= p->pend_start + (int64_t)c->timeout_ms * 1000000)
			return 0;
		return REF_PENDING;
	}
	case TARGET_CALL_SHUTDOWN:
		return ref_sock_shutdown(st, c->fd, c->how, now);
	case TARGET_CALL_SETSOCKOPT: {
		const void *val = NULL;
		unsigned len = c->optlen;
		int iv;
		struct linger lg;
		switch (c->opt.kind) {
		case TARGET_OPT_INT:
			iv = (int)c->opt.i;
			val = &iv;
			break;
		case TARGET_OPT_LINGER:
			lg.l_onoff = c->opt.linger.onoff;
			lg.l_linger = c->opt.linger.linger;
			val = &lg;
			break;
		case TARGET_OPT_BYTES:
			val = c->opt.bytes;
			break;
		case TARGET_OPT_NONE:
			return -EFAULT;
		}
		long rc = ref_sock_setsockopt(st, c->fd, c->level, c->optname, val, len, now);
		if (rc == -ENOPROTOOPT) {
			*unsupported = true;
			target_diagf(&t->diag, TARGET_UNSUPPORTED,
				     "the reference target does not implement setsockopt level %d "
				     "option %d", c->level, c->optname);
		}
		return rc;
	}
	case TARGET_CALL_GETSOCKOPT: {
		union { int i; struct linger lg; uint8_t b[TARGET_MAX_OPTBYTES]; } v;
		unsigned len = sizeof v;
		bool as_bytes = (c->level == IPPROTO_TCP &&
				 (c->optname == TCP_INFO || c->optname == TCP_FASTOPEN_KEY)) ||
				(c->level == SOL_SOCKET &&
				 (c->optname == SO_RCVTIMEO || c->optname == SO_SNDTIMEO));
		if (as_bytes)   /* the caller's buffer size decides how much is copied */
			len = c->optlen < sizeof v ? c->optlen : sizeof v;
		long rc = ref_sock_getsockopt(st, c->fd, c->level, c->optname, &v, &len, now);
		if (rc == -ENOPROTOOPT) {
			*unsupported = true;
			target_diagf(&t->diag, TARGET_UNSUPPORTED,
				     "the reference target does not implement getsockopt level %d "
				     "option %d", c->level, c->optname);
			return rc;
		}
		if (rc == 0) {
			if (as_bytes) {
				r->opt.kind = TARGET_OPT_BYTES;
				r->opt.nbytes = len;
				memcpy(r->opt.bytes, v.b, len);
			} else if (c->level == SOL_SOCKET && c->optname == SO_LINGER) {
				r->opt.kind = TARGET_OPT_LINGER;
				r->opt.linger.onoff = v.lg.l_onoff;
				r->opt.linger.linger = v.lg.l_linger;
			} else {
				r->opt.kind = TARGET_OPT_INT;
				r->opt.i = v.i;
			}
			r->optlen = len;
		}
		return rc;
	}
	case TARGET_CALL_FCNTL:
		return ref_sock_fcntl(st, c->fd, c->cmd, (long)c->arg);
	case TARGET_CALL_POLL: {
		int ready = 0;
		r->nfds = c->nfds;
		for (int i = 0; i < c->nfds && i < TARGET_MAX_POLLFD; i++) {
			r->pfd[i].fd = c->pfd[i].fd;
			r->pfd[i].events = c->pfd[i].events;
			int ev = ref_sock_poll(st, c->pfd[i].fd, c->pfd[i].events);
			r->pfd[i].revents = ev < 0 ? POLLNVAL : (short)ev;
			if (r->pfd[i].revents)
				ready++;
		}
		if (ready || c->timeout_ms == 0)
			return ready;
		if (c->timeout_ms > 0 && now >= p->pend_start + (int64_t)c->timeout_ms * 1000000)
			return 0;
		return REF_PENDING;
	}
	case TARGET_CALL_IOCTL: {
		int v = 0;
		long rc = ref_sock_ioctl(st, c->fd, (unsigned long)c->cmd, &v);
		if (rc == 0)
			r->ioctl_val = v;
		return rc;
	}
	default:
		*unsupported = true;
		target_diagf(&t->diag, TARGET_UNSUPPORTED,
			     "the reference target does not implement %s()", target_call_name(c->kind));
		return 0;
	}
}

static int finish(struct target *t, long v, struct target_result *r)
{
	return target_result_finish(r, v, P(t)->now);
}

static int ref_call(struct target *t, const struct target_call *c, struct target_result *r)
{
	struct refpriv *p = P(t);
	if (p->pending)
		return target_diagf(&t->diag, TARGET_BADARG, "a call is already in flight");
	memset(r, 0, sizeof *r);
	r->start_ns = p->now;
	p->pend_start = p->now;
	struct target_call probe;       /* a NULL buffer: see target_call_null_prepare */
	c = target_call_null_prepare(c, &probe);
	bool unsupported;
	long v = target_call_null_fix(c, do_call(t, c, r, &unsupported));
	if (unsupported)
		return TARGET_UNSUPPORTED;
	if (v == REF_PENDING) {
		p->pending = true;
		p->pc = *c;
		if ((c->kind == TARGET_CALL_POLL || c->kind == TARGET_CALL_EPOLL_WAIT) &&
		    c->timeout_ms > 0)
			p->poll_deadline = p->now + (int64_t)c->timeout_ms * 1000000;
		return TARGET_PENDING;
	}
	return finish(t, v, r);
}

static int ref_complete(struct target *t, int64_t deadline_ns, struct target_result *r)
{
	struct refpriv *p = P(t);
	(void)deadline_ns;
	if (!p->pending)
		return target_diagf(&t->diag, TARGET_BADARG, "no call in flight");
	int64_t start = p->pend_start;
	memset(r, 0, sizeof *r);
	r->start_ns = start;
	bool unsupported;
	long v = target_call_null_fix(&p->pc, do_call(t, &p->pc, r, &unsupported));
	r->start_ns = start;
	if (v == REF_PENDING)
		return TARGET_PENDING;
	p->pending = false;
	p->poll_deadline = INT64_MAX;
	return finish(t, v, r);
}

static int ref_advance_op(struct target *t, int64_t now_ns, int64_t *next)
{
	struct refpriv *p = P(t);
	if (now_ns > p->now) {
		ref_advance(p->st, now_ns);
		p->now = now_ns;
	}
	int64_t n = ref_next_deadline(p->st);
	if (p->pending && p->poll_deadline < n)
		n = p->poll_deadline;
	*next = n;
	return TARGET_OK;
}

static int ref_tcp_info_op(struct target *t, int fd, struct target_tcp_info *ti)
{
	struct refpriv *p = P(t);
	struct ref_tcp_info i;
	int rc = ref_sock_tcp_info(p->st, fd, &i, p->now);
	if (rc < 0)
		return target_diagf(&t->diag, TARGET_BADARG, "TCP_INFO on fd %d: %s", fd,
				    strerror(-rc));
	memset(ti, 0, sizeof *ti);
#define F(name) do { ti->v[TARGET_TI_##name] = (int64_t)i.name; \
		     ti->valid |= 1ull << TARGET_TI_##name; } while (0)
	F(state); F(ca_state); F(retransmits); F(probes); F(backoff); F(options);
	F(snd_wscale); F(rcv_wscale); F(rto); F(ato); F(snd_mss); F(rcv_mss);
	F(unacked); F(sacked); F(lost); F(retrans); F(last_data_sent); F(last_data_recv);
	F(last_ack_recv); F(pmtu); F(rcv_ssthresh); F(rtt); F(rttvar); F(snd_ssthresh);
	F(snd_cwnd); F(advmss); F(reordering); F(rcv_space); F(total_retrans);
	F(bytes_acked); F(bytes_received); F(bytes_sent); F(bytes_retrans);
	F(segs_out); F(segs_in); F(data_segs_out); F(data_segs_in); F(notsent_bytes);
	F(snd_wnd); F(dsack_dups); F(delivered_ce);
#undef F
	return TARGET_OK;
}

const struct target_ops target_reference_ops = {
	.name = "reference",
	.caps = TARGET_VIRTUAL_TIME | TARGET_TCP_INFO | TARGET_IPV6 | TARGET_IPV4_MAPPED |
		TARGET_BLOCKING | TARGET_SETTINGS | TARGET_TCP_OVER_UDP,
	.open = ref_open,
	.close = ref_close,
	.reset = ref_reset,
	.now = ref_now,
	.inject = ref_inject,
	.next_outbound = ref_next_outbound,
	.call = ref_call,
	.complete = ref_complete,
	.advance = ref_advance_op,
	.tcp_info = ref_tcp_info_op,
	.shell = ref_shell,
	.setting = ref_setting,
};

struct ref_stack *target_reference_stack(struct target *t)
{
	if (t->ops != &target_reference_ops || !t->priv)
		return NULL;
	return P(t)->st;
}
