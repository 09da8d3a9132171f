/* refstack/ref.h: the reference TCP, public interface.
 *
 * A pure TCP to RFC 9293 and its companions (RFC 5961, 7323, 2018, 6298, 5681, 6582,
 * 6093, 6528, 1122).  Every entry point takes the time `now` (int64_t nanoseconds, any
 * origin, never decreasing); nothing inside reads a clock, does I/O, or keeps globals.
 * Many stacks live side by side; ref_stack_reset() empties one in microseconds.
 *
 *   inputs:  ref_input(seg, now)        a decoded segment from the peer
 *            ref_icmp_input(err, now)   an ICMP error about one of our segments
 *            ref_advance(now)           run timers due at or before now
 *            ref_sock_*(..., now)       application calls (the socket layer)
 *   outputs: segments through the output callback (struct ref_segment), call results
 *            (>= 0, a negative Linux errno, or REF_PENDING for a blocking call that
 *            must be made again, identically, after time moves or a segment arrives).
 *
 * The stack never sees bytes: adapters decode with wire/ and fill struct ref_segment
 * (host order, options decoded, payload pointer, checksum verdict).
 */
#ifndef TCPSPEC_REFSTACK_REF_H
#define TCPSPEC_REFSTACK_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refstack/seq.h"

/* ---- states: ordered so that order means something (OpenBSD tcp_fsm.h style) ----- */

enum ref_state {
	REF_CLOSED = 0,
	REF_LISTEN,
	REF_SYN_SENT,
	REF_SYN_RECEIVED,
	REF_ESTABLISHED,        /* from here on: synchronized (RFC 9293 3.10.7.4) */
	REF_CLOSE_WAIT,         /* peer's FIN received, ours not sent */
	REF_FIN_WAIT_1,         /* from here on: our FIN has been sent */
	REF_CLOSING,
	REF_LAST_ACK,
	REF_FIN_WAIT_2,         /* from here on: our FIN has been acknowledged */
	REF_TIME_WAIT,
	REF_NSTATES
};

#define REF_HAVE_RCVD_SYN(s)   ((s) >= REF_SYN_RECEIVED)
#define REF_SYNCHRONIZED(s)    ((s) >= REF_ESTABLISHED)
#define REF_CAN_SEND(s)        ((s) == REF_ESTABLISHED || (s) == REF_CLOSE_WAIT)
#define REF_FIN_SENT(s)        ((s) >= REF_FIN_WAIT_1)
#define REF_FIN_ACKED(s)       ((s) >= REF_FIN_WAIT_2)

extern const char *const ref_state_names[REF_NSTATES];   /* "ESTABLISHED" */
const char *ref_state_name(int state);
int ref_state_linux(int state);  /* Linux TCP_* number, as tcpi_state reports it */

/* ---- segments ---------------------------------------------------------------------- */

#define REF_FIN 0x01
#define REF_SYN 0x02
#define REF_RST 0x04
#define REF_PSH 0x08
#define REF_ACK 0x10
#define REF_URG 0x20
#define REF_ECE 0x40
#define REF_CWR 0x80

/* Option kinds as on the wire (IANA). */
enum {
	REF_OPT_EOL = 0, REF_OPT_NOP = 1, REF_OPT_MSS = 2, REF_OPT_WS = 3,
	REF_OPT_SACK_PERM = 4, REF_OPT_SACK = 5, REF_OPT_TS = 8,
	REF_OPT_FO = 34,        /* TCP Fast Open cookie (RFC 7413) */
	REF_OPT_FO_EXP = 254,   /* the same in the experimental kind (magic 0xF989) */
};

/* has-bits of struct ref_options */
#define REF_HAS_MSS       0x01
#define REF_HAS_WS        0x02
#define REF_HAS_SACK_PERM 0x04
#define REF_HAS_TS        0x08
#define REF_HAS_SACK      0x10
#define REF_HAS_FO        0x20  /* fo_len 0: a cookie request */
#define REF_MAX_COOKIE    16
#define REF_TFO_COOKIE    8     /* the length of the cookies this stack makes */

#define REF_MAX_SACK 4
#define REF_MAX_LAYOUT 16

struct ref_sack_block {
	ref_seq_t left, right;
};

struct ref_options {
	uint8_t has;            /* REF_HAS_* */
	bool bad_len;           /* input: an option with an illegal length (RFC 9293 MUST-7) */
	uint16_t mss;
	uint8_t wscale;
	uint8_t nsack;
	uint32_t tsval, tsecr;
	struct ref_sack_block sack[REF_MAX_SACK];
	uint8_t fo_len;         /* Fast Open cookie length (0 = request) */
	bool fo_exp;            /* input: in the experimental option kind */
	uint8_t fo_cookie[REF_MAX_COOKIE];
	/* output: the option kinds in emission order (NOPs included), so that the bytes
	 * on the wire are fixed by the stack; input: may be left empty. */
	uint8_t nlayout;
	uint8_t layout[REF_MAX_LAYOUT];
};

enum { REF_AF_INET = 4, REF_AF_INET6 = 6 };

struct ref_addr {
	uint8_t family;         /* REF_AF_INET or REF_AF_INET6 */
	uint8_t a[16];          /* network order; IPv4 uses a[0..3], the rest zero */
};

/* One TCP segment, decoded.  Sequence numbers, ports and window host order; the
 * window as on the wire (not yet scaled). */
struct ref_segment {
	struct ref_addr src, dst;
	uint16_t sport, dport;
	ref_seq_t seq, ack;
	uint8_t flags;          /* REF_FIN ... REF_CWR */
	uint8_t reserved;       /* the reserved header bits, as found (ignored, RFC 9293 3.1) */
	uint16_t wnd;
	uint16_t urp;
	bool csum_ok;           /* input: checksum verified by the adapter (MUST-2/3) */
	struct ref_options opt;
	const uint8_t *data;    /* payload; output: valid during the callback only */
	uint32_t len;
	uint8_t tos;            /* IP TOS / traffic class; its ECN field (tos & 3) is
				 * read on input and set on output (RFC 3168) */
	bool wnd_on_syn;        /* internal: the window came on a SYN whose bit the input
				 * path trimmed; still never scaled (RFC 7323 2.2) */
	uint16_t encap_port;    /* TCP over UDP: input, the UDP source port the segment
				 * came from; output, the UDP port it goes to; 0 = plain */
};

/* SEG.LEN: payload plus one for each of SYN and FIN (RFC 9293 3.4). */
static inline uint32_t ref_seg_len(const struct ref_segment *s)
{
	return s->len + !!(s->flags & REF_SYN) + !!(s->flags & REF_FIN);
}

/* An ICMP error, decoded: the kind and the TCP header it quotes (our segment). */
enum ref_icmp_kind {
	REF_ICMP_NET_UNREACH,   /* v4 code 0, v6 no route: soft (MUST-56) */
	REF_ICMP_HOST_UNREACH,  /* v4 code 1, v6 address unreachable: soft (MUST-56) */
	REF_ICMP_PROTO_UNREACH, /* v4 code 2: hard (SHLD-26) */
	REF_ICMP_PORT_UNREACH,  /* v4 code 3, v6 port unreachable: hard (SHLD-26) */
	REF_ICMP_FRAG_NEEDED,   /* v4 code 4, v6 packet too big: PMTU (RFC 1191 / 8201) */
	REF_ICMP_SRC_ROUTE,     /* v4 code 5: soft (MUST-56) */
	REF_ICMP_ADMIN,         /* v4 codes 9/10/13, v6 admin prohibited: soft */
	REF_ICMP_SOURCE_QUENCH, /* MUST be ignored (MUST-55) */
	REF_ICMP_TIME_EXCEEDED, /* soft, as unreachable 0/1/5 */
	REF_ICMP_PARAM_PROBLEM, /* soft, as unreachable 0/1/5 */
};

struct ref_icmp {
	enum ref_icmp_kind kind;
	uint32_t mtu;           /* REF_ICMP_FRAG_NEEDED */
	/* the quoted segment: src/sport are ours, dst/dport the peer's */
	struct ref_addr src, dst;
	uint16_t sport, dport;
	ref_seq_t seq;
	uint16_t encap_port;    /* the quoted segment went in UDP to this port; 0 = plain */
};

/* ---- segment outcomes: named, counted, with a reason tests can read -------------- */

enum ref_outcome {
	REF_ACCEPT,             /* the segment was processed */
	REF_DROP,               /* silently discarded */
	REF_DROP_ACK,           /* discarded, an ACK sent (incl. RFC 5961 challenge ACKs) */
	REF_DROP_RST,           /* discarded, a RST sent */
	REF_NOUTCOMES
};

/* X(NAME, "reason") */
#define REF_REASONS(X)                                                              \
	X(OK,                "processed")                                           \
	X(BAD_CSUM,          "bad checksum")                                        \
	X(BAD_OPTLEN,        "illegal option length")                               \
	X(NO_SOCKET,         "no connection and no listener")                      \
	X(CLOSED_RST,        "RST for a closed port")                              \
	X(LISTEN_RST,        "RST in LISTEN")                                      \
	X(LISTEN_ACK,        "ACK in LISTEN")                                      \
	X(LISTEN_NO_SYN,     "no SYN in LISTEN")                                   \
	X(BACKLOG_FULL,      "listen backlog full")                                \
	X(SYNSENT_BAD_ACK,   "unacceptable ACK in SYN-SENT")                       \
	X(SYNSENT_RST_NOACK, "RST without acceptable ACK in SYN-SENT")             \
	X(SYNSENT_RST,       "connection refused")                                 \
	X(SYNSENT_NO_SYN,    "neither SYN nor RST in SYN-SENT")                    \
	X(PAWS,              "PAWS: timestamp older than TS.Recent")              \
	X(TS_MISSING,        "no timestamp option although negotiated")            \
	X(OUT_OF_WINDOW,     "sequence number outside the receive window")         \
	X(RST_OUT_OF_WINDOW, "RST outside the receive window")                     \
	X(RST_CHALLENGE,     "RST in window but not at RCV.NXT: challenge ACK")    \
	X(CHALLENGE_LIMITED, "challenge ACK suppressed by the rate limit")         \
	X(RST_RESET,         "connection reset")                                   \
	X(SYN_CHALLENGE,     "SYN in a synchronized state: challenge ACK")         \
	X(SYN_RESET,         "SYN in the window without RFC 5961 4.2: reset")      \
	X(SYNFIN_DROPPED,    "SYN with FIN dropped (drop_synfin)")                 \
	X(SYNRCVD_DUP_SYN,   "retransmitted SYN in SYN-RECEIVED")                  \
	X(SYNRCVD_SYN,       "new SYN in SYN-RECEIVED: back to LISTEN")            \
	X(TIMEWAIT_REOPEN,   "new SYN accepted from TIME-WAIT")                    \
	X(OTHER_ENCAP,       "not in its connection's UDP encapsulation")          \
	X(NO_ACK,            "ACK bit off")                                        \
	X(ACK_TOO_OLD,       "ACK older than SND.UNA - MAX.SND.WND")               \
	X(ACK_UNSENT,        "ACK of data not yet sent")                           \
	X(SYNRCVD_BAD_ACK,   "unacceptable ACK in SYN-RECEIVED")                   \
	X(ACCEPT_QUEUE_FULL, "accept queue full")                                  \
	X(DATA_AFTER_CLOSE,  "data after close")                                   \
	X(OOO_FULL,          "out-of-order queue full")                            \
	X(TIMEWAIT_FIN,      "retransmitted FIN in TIME-WAIT")                    \
	X(DEFER_ACCEPT,      "bare ACK held back by TCP_DEFER_ACCEPT")             \
	X(TIMEWAIT_RST,      "RST in TIME-WAIT ignored (RFC 1337)")               \
	X(ACK_RATE_LIMITED,  "ACK of an unacceptable segment held back (rate limit)")

enum ref_reason {
#define REF_REASON_ENUM_(name, text) REF_R_##name,
	REF_REASONS(REF_REASON_ENUM_)
#undef REF_REASON_ENUM_
	REF_NREASONS
};

const char *ref_reason_text(enum ref_reason r);   /* "bad checksum" */
const char *ref_reason_name(enum ref_reason r);   /* "BAD_CSUM" */
const char *ref_outcome_name(enum ref_outcome o); /* "drop-and-ACK" */

struct ref_result {
	enum ref_outcome outcome;
	enum ref_reason reason;
};

struct ref_stats {
	uint64_t outcome[REF_NOUTCOMES];
	uint64_t reason[REF_NREASONS];
	uint64_t segs_in, segs_out, retransmits, challenge_acks, rsts_sent;
	uint64_t spurious_rtos;         /* RFC 5682 F-RTO: timeouts found spurious */
	uint64_t conns_opened, conns_freed, conns_live;
};

/* ---- configuration (sysctl-like; every field has a default) --------------------- */

struct ref_config {
	bool timestamps;        /* net.ipv4.tcp_timestamps (1) */
	bool sack;              /* net.ipv4.tcp_sack (1) */
	bool window_scaling;    /* net.ipv4.tcp_window_scaling (1) */
	bool dsack;             /* net.ipv4.tcp_dsack (1): D-SACK blocks (RFC 2883) */
	uint8_t ecn;            /* net.ipv4.tcp_ecn (2): 0 no ECN; 1 ask for it on
				 * connect() and accept it; 2 accept it only (RFC 3168) */
	uint32_t fastopen;      /* net.ipv4.tcp_fastopen (1): REF_TFO_* bits (RFC 7413) */
	uint8_t fastopen_key[16];          /* cookie secret (SipHash key, as
					    * net.ipv4.tcp_fastopen_key); all zero default */
	uint32_t rmem_default, rmem_max;   /* tcp_rmem[1], tcp_rmem[2] (131072, 33554432) */
	uint32_t wmem_default, wmem_max;   /* tcp_wmem[1], tcp_wmem[2] (16384, 4194304) */
	uint32_t core_rmem_max, core_wmem_max;  /* net.core.rmem_max / wmem_max: the most
						 * SO_RCVBUF / SO_SNDBUF take (212992) */
	uint32_t mtu;           /* link MTU (1500) */
	uint32_t msl_ms;        /* MSL; TIME-WAIT lasts 2*MSL (30000: 60 s as Linux) */
	uint32_t rto_initial_ms, rto_min_ms, rto_max_ms;   /* 1000, 200, 120000 */
	uint32_t rto_slop_ms;   /* added to a sampled or backed-off RTO (0) */
	bool frto;              /* net.ipv4.tcp_frto (0): RFC 5682 F-RTO after a timeout */
	uint32_t ecn_syn_retries;  /* ECN-setup SYN retransmissions before a plain SYN (0) */
	uint32_t conn_init_timeout_ms;  /* give up an unsynchronized connection after
					 * this long (0: only syn_retries ends it) */
	uint32_t syn_retries, synack_retries, retries2;    /* 7, 7, 15 */
	uint32_t delack_ms;     /* delayed ACK timeout (40; RFC 9293 requires <= 500) */
	bool delayed_ack;       /* (1) 0: every ACK at once (RFC 9293 3.8.6.3 SHLD-18 off) */
	uint32_t quickack;      /* segments ACKed at once after the first data (16, as
				 * Linux's quick-ACK mode; 0 = always delay) */
	uint32_t init_cwnd;     /* segments; 0 (default) = RFC 5681 3.1: min(4*SMSS,
				 * max(2*SMSS, 4380)) bytes; 10 = RFC 6928 as Linux */
	bool handshake_rtt_sample;  /* (1) time the SYN or SYN,ACK: RFC 6298 2.2 lets the
				     * first RTT sample come from it, or not (0: the first
				     * comes from data; until then RTO stays 1 s, 2.1) */
	bool ts_rtt_retransmit; /* (1) an RTT sample from the echoed TSval of an ACK for
				 * retransmitted data: RFC 6298 3 allows it ("when the TCP
				 * timestamp option is employed"), not requires it (0: Karn
				 * without exception) */
	uint32_t mss_reserve;   /* octets kept off Eff.snd.MSS for every data segment of
				 * a SACK connection (0): RFC 9293 3.7.1 (MUST-16) bounds
				 * segments from above only, so a stack may send smaller
				 * ones throughout */
	bool mss_reserve_all;   /* (0) 1: mss_reserve on every connection, SACK or not,
				 * as a stack with small buffers or one reserving option
				 * room regardless of what was negotiated does: RFC 9293
				 * 3.7.1 (MUST-16) bounds segments by Eff.snd.MSS from
				 * above only, whatever the options */
	bool keepalive_garbage; /* (0) 1: a keep-alive carries one garbage octet, as
				 * RFC 9293 3.8.4 (MAY-6) allows and Windows does */
	uint32_t challenge_ack_limit;      /* per second, stack-wide (1000); 0 = unlimited */
	uint32_t invalid_ratelimit_ms;     /* net.ipv4.tcp_invalid_ratelimit (0 = off; Linux
					    * 500): per connection, at most one challenge ACK
					    * or ACK of an unacceptable dataless segment per
					    * this many ms */
	uint32_t keepalive_time_s, keepalive_intvl_s, keepalive_probes; /* 7200, 75, 9 */
	uint32_t fin_timeout_s; /* orphaned FIN-WAIT-2 (60) */
	bool rfc1337;           /* net.ipv4.tcp_rfc1337 (0): ignore RSTs in TIME-WAIT */
	/* RFC 5961's mitigations, optional in RFC 9293 3.10.7.4 (1, 1): a RST off
	 * RCV.NXT and any SYN in a synchronized state get a challenge ACK; 0: an
	 * in-window RST resets (3.2 off), an in-window SYN resets (4.2 off), as
	 * FreeBSD's net.inet.tcp.insecure_rst / insecure_syn = 1 */
	bool rfc5961_rst, rfc5961_syn;
	bool drop_synfin;       /* (0) discard every segment with SYN and FIN */
	bool slow_start_after_idle;        /* net.ipv4.tcp_slow_start_after_idle (1):
					    * RFC 5681 4.1 restart window after idle */
	uint32_t max_syn_backlog;          /* half-open connections per listener (256) */
	uint8_t isn_key[16];    /* RFC 6528 secret; all zero = reproducible runs */
	uint16_t port_lo, port_hi;         /* ephemeral ports (32768, 60999) */
	/* TCP over UDP, as FreeBSD's net.inet.tcp.udp_tunneling_port / _overhead (0, 8):
	 * the local UDP port the adapter's tunnel uses (0: none, and
	 * TCP_REMOTE_UDP_ENCAPS_PORT takes only 0), and what encapsulation takes off the
	 * path MTU of a connection carried in UDP */
	uint16_t udp_tunnel_port, udp_tunnel_overhead;
	struct ref_addr local4, local6;    /* source addresses for connect() */
};

/* net.ipv4.tcp_fastopen bits, as Linux */
#define REF_TFO_CLIENT          0x1     /* MSG_FASTOPEN sends data on the SYN */
#define REF_TFO_SERVER          0x2     /* listeners with TCP_FASTOPEN take SYN data */
#define REF_TFO_CLIENT_NOCOOKIE 0x4     /* client: data without a cookie */
#define REF_TFO_SERVER_NOCOOKIE 0x200   /* server: data without a valid cookie */
#define REF_TFO_SERVER_NOOPT    0x400   /* server: no TCP_FASTOPEN needed */

void ref_config_defaults(struct ref_config *cfg);

/* ---- the stack ------------------------------------------------------------------ */

struct ref_stack;

/* Called for every segment the stack sends, at virtual time now. */
typedef void (*ref_output_fn)(void *ctx, const struct ref_segment *seg, int64_t now);

struct ref_stack *ref_stack_new(const struct ref_config *cfg, ref_output_fn out, void *ctx);
void ref_stack_free(struct ref_stack *st);
/* Forget every connection and socket and zero the counters (config kept). */
void ref_stack_reset(struct ref_stack *st);
/* Change settings between runs (applies to connections made afterwards). */
struct ref_config *ref_stack_config(struct ref_stack *st);
const struct ref_stats *ref_stack_stats(const struct ref_stack *st);
/* The reason and outcome of the last segment given to ref_input. */
struct ref_result ref_last_result(const struct ref_stack *st);

struct ref_result ref_input(struct ref_stack *st, const struct ref_segment *seg, int64_t now);
void ref_icmp_input(struct ref_stack *st, const struct ref_icmp *err, int64_t now);
/* Run every timer due at or before now, each at its own deadline. */
void ref_advance(struct ref_stack *st, int64_t now);
/* The earliest pending timer, INT64_MAX if none. */
int64_t ref_next_deadline(const struct ref_stack *st);

/* Bytes of connection state, buffers excluded (the benchmark's figure). */
size_t ref_conn_size(void);

/* ---- the socket layer: Linux semantics and errno values ------------------------- *
 * Returns >= 0 on success, -errno (Linux numbering) on failure, REF_PENDING when a
 * blocking call cannot complete yet: make the same call again after ref_input or
 * ref_advance; partial progress (connect, write) is kept inside the stack.
 * Constants: AF_*, SOCK_*, SOL_*, SO_*, TCP_*, MSG_*, SHUT_*, F_*, O_NONBLOCK, POLL*,
 * SIOCINQ/SIOCOUTQ as on Linux. */

#define REF_PENDING (-100000)

/* FreeBSD's TCP_REMOTE_UDP_ENCAPS_PORT (level IPPROTO_TCP, its number there; Linux has
 * none): the peer's UDP port for a connection carried in UDP, an int in host order,
 * 0 = plain TCP.  Set only before the connection exists (refstack/udpencap.c). */
#define REF_TCP_REMOTE_UDP_ENCAPS_PORT 71

struct ref_sockaddr {
	struct ref_addr addr;   /* family 0 = any address of the socket's family */
	uint16_t port;
};

int ref_sock_socket(struct ref_stack *st, int domain, int type, int protocol, int64_t now);
int ref_sock_bind(struct ref_stack *st, int fd, const struct ref_sockaddr *sa, int64_t now);
int ref_sock_listen(struct ref_stack *st, int fd, int backlog, int64_t now);
int ref_sock_accept(struct ref_stack *st, int fd, struct ref_sockaddr *peer, int64_t now);
int ref_sock_connect(struct ref_stack *st, int fd, const struct ref_sockaddr *sa,
		     int64_t now);
/* data NULL = zeros.  flags: MSG_DONTWAIT, MSG_OOB, MSG_MORE, MSG_NOSIGNAL. */
long ref_sock_send(struct ref_stack *st, int fd, const void *data, size_t len, int flags,
		   int64_t now);
/* sendto(): MSG_FASTOPEN on a socket not connected yet connects to sa with the data on
 * the SYN (RFC 7413); without it, send(). */
long ref_sock_sendto(struct ref_stack *st, int fd, const void *data, size_t len, int flags,
		     const struct ref_sockaddr *sa, int64_t now);
/* buf NULL = discard.  flags: MSG_DONTWAIT, MSG_PEEK, MSG_OOB, MSG_WAITALL. */
long ref_sock_recv(struct ref_stack *st, int fd, void *buf, size_t len, int flags,
		   int64_t now);
int ref_sock_close(struct ref_stack *st, int fd, int64_t now);
int ref_sock_shutdown(struct ref_stack *st, int fd, int how, int64_t now);
/* Integer-valued options take an int; SO_LINGER a struct linger; SO_RCVTIMEO and
 * SO_SNDTIMEO a struct timeval; getsockopt(TCP_INFO) fills a struct tcp_info (Linux). */
int ref_sock_setsockopt(struct ref_stack *st, int fd, int level, int name,
			const void *val, unsigned len, int64_t now);
int ref_sock_getsockopt(struct ref_stack *st, int fd, int level, int name,
			void *val, unsigned *len, int64_t now);
int ref_sock_fcntl(struct ref_stack *st, int fd, int cmd, long arg);
/* The events ready now (POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP, POLLPRI);
 * -EBADF for a closed fd (poll reports POLLNVAL). */
int ref_sock_poll(struct ref_stack *st, int fd, int events);
int ref_sock_ioctl(struct ref_stack *st, int fd, unsigned long req, int *out);
int ref_sock_getpeername(struct ref_stack *st, int fd, struct ref_sockaddr *sa);
int ref_sock_state(struct ref_stack *st, int fd);  /* enum ref_state or -EBADF */
/* Counters that move at each wake-up Linux gives the socket's waiters, for epoll's
 * edge-triggered mode: *rd when data became readable or a connection joined a listener's
 * accept queue (sk_data_ready: POLLIN waiters), *all at each state change or error
 * (sk_state_change, sk_error_report: every waiter).  0 or -EBADF. */
int ref_sock_wakeups(struct ref_stack *st, int fd, uint32_t *rd, uint32_t *all);

/* The Fast Open cookie this stack, at address local, gives a client at address peer
 * (RFC 7413 4.1.2). */
void ref_tfo_cookie_for(const struct ref_stack *st, const struct ref_addr *peer,
			const struct ref_addr *local, uint8_t out[REF_TFO_COOKIE]);

/* TCP_INFO, Linux's field names and units (microseconds, segments). */
struct ref_tcp_info {
	uint8_t state, ca_state, retransmits, probes, backoff, options;
	uint8_t snd_wscale, rcv_wscale;
	uint32_t rto, ato, snd_mss, rcv_mss;
	uint32_t unacked, sacked;
	uint32_t lost, retrans; /* segments deemed lost; retransmitted, not yet acked */
	uint32_t last_data_sent, last_data_recv, last_ack_recv;
	uint32_t pmtu, rcv_ssthresh, rtt, rttvar, snd_ssthresh, snd_cwnd, advmss;
	uint32_t reordering, rcv_space, total_retrans;
	uint64_t bytes_acked, bytes_received, bytes_sent, bytes_retrans;
	uint32_t segs_out, segs_in, data_segs_out, data_segs_in, notsent_bytes, min_rtt;
	uint32_t snd_wnd, rcv_wnd;
	uint32_t dsack_dups;    /* D-SACK blocks received (RFC 2883) */
	uint32_t delivered_ce;  /* data segments that arrived marked CE (RFC 3168) */
};

/* tcpi_options bits (Linux) */
#define REF_TI_OPT_TIMESTAMPS 1
#define REF_TI_OPT_SACK       2
#define REF_TI_OPT_WSCALE     4
#define REF_TI_OPT_ECN        8       /* ECN negotiated (RFC 3168 6.1.1) */
#define REF_TI_OPT_SYN_DATA   32      /* Fast Open data on the SYN acknowledged */

int ref_sock_tcp_info(struct ref_stack *st, int fd, struct ref_tcp_info *ti, int64_t now);
/* The view as the bytes of Linux's struct tcp_info: min(*len, its size) bytes copied,
 * *len set to that; what getsockopt(IPPROTO_TCP, TCP_INFO) returns. */
int ref_tcp_info_bytes(const struct ref_tcp_info *ti, void *buf, unsigned *len);
unsigned ref_tcp_info_size(void);     /* sizeof(struct tcp_info) of <linux/tcp.h> */

#endif
