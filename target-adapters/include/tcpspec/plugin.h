/* tcpspec/plugin.h: everything a TCP stack needs to be tested by tcpspec as
 * `tcpspec run --target plugin:PATH.so`, in one header (system headers only).  The
 * contract in prose, with a worked timeline of a blocking call on virtual time, is
 * tcpspec-plugin(7); build with
 *
 *     cc -shared -fPIC -o libmystack.so mystack.c \
 *        $(pkg-config --cflags --libs tcpspec-plugin)
 *
 * A plugin exports one function,
 *
 *     const struct tcpspec_plugin_v2 *tcpspec_plugin_v2(uint32_t host_abi);
 *
 * returning its ops table (static storage), or NULL when it cannot serve host_abi.
 * Plugins written for version 1 export tcpspec_plugin_v1() and keep working.
 *
 * Conventions, for every op:
 *  - Time is int64_t nanoseconds on the stack's clock (now()).  A virtual-time stack
 *    (TARGET_VIRTUAL_TIME) starts at 0 -- a legal time like any other, also in a packet
 *    or a timestamp -- and its clock moves only in advance(); a real-time one uses
 *    CLOCK_MONOTONIC.  Packets and call completions are stamped on the same clock.
 *  - Packets are whole IP datagrams (IPv4 or IPv6 header first, no link header).
 *  - Constants inside calls (AF_*, SOCK_*, MSG_*, SOL_*, SO_*, TCP_*, F_*, O_*, POLL*,
 *    EPOLL*, SIOC*, errno values) use Linux numbering, whatever the stack; a non-Linux
 *    stack translates them (TCPSPEC_LINUX_* below).
 *  - File descriptors in calls and results are the stack's own numbers.  tcpspec maps
 *    the script's numbers onto them (socket() = 3 in a script names whatever fd the
 *    stack returned).  The helper library's fd table hands out Linux-like ones.
 *  - Every op returns a target_status (TARGET_OK = 0).  A failing op writes a sentence a
 *    person can act on into the struct target_diag given to open().  A plugin never
 *    calls exit() and never writes to the standard output (tcpspec's report).
 *
 * The functions declared here (target_diagf(), the name tables, the packet queue, the
 * fd table, the errno names) are in libtcpspec-plugin.a, which pkg-config links in.
 */
#ifndef TCPSPEC_PLUGIN_H
#define TCPSPEC_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes: one list, names and messages generated from it ---------------- */

#define TARGET_STATUSES(X)                                                          \
	X(OK,          "ok")                                                        \
	X(PENDING,     "call still in progress")                                    \
	X(TIMEOUT,     "nothing happened before the deadline")                      \
	X(UNAVAILABLE, "target not available here")                                 \
	X(UNSUPPORTED, "not supported by this target")                              \
	X(BADARG,      "invalid argument")                                          \
	X(ERROR,       "target failure")

enum target_status {
#define TARGET_STATUS_ENUM_(name, text) TARGET_##name,
	TARGET_STATUSES(TARGET_STATUS_ENUM_)
#undef TARGET_STATUS_ENUM_
	TARGET_STATUS_COUNT
};

const char *target_status_name(int status);  /* "TIMEOUT" */
const char *target_status_text(int status);  /* "nothing happened before the deadline" */

/* ---- capabilities ------------------------------------------------------------------ */

enum target_caps {
	TARGET_VIRTUAL_TIME  = 1u << 0, /* clock moves only in advance(); never sleeps */
	TARGET_NEEDS_ROOT    = 1u << 1, /* needs CAP_NET_ADMIN (namespaces, TUN) */
	TARGET_RUNS_SHELL    = 1u << 2, /* shell() runs /bin/sh in the target's netns */
	TARGET_TCP_INFO      = 1u << 3, /* tcp_info() works (code blocks need it) */
	TARGET_IPV6          = 1u << 4, /* IPv6 addresses and sockets */
	TARGET_IPV4_MAPPED   = 1u << 5, /* AF_INET6 sockets talking IPv4 (::ffff:a.b.c.d) */
	TARGET_OWN_PROCESS   = 1u << 6, /* open() changes the calling process (unshare, fds):
					 * call it only in a process made for one script */
	TARGET_BLOCKING      = 1u << 7, /* calls may return TARGET_PENDING */
	TARGET_SETTINGS      = 1u << 8, /* honours target_config.settings (sysctl names) */
	TARGET_CMSG          = 1u << 9, /* recvmsg returns ancillary data (controllen) */
	TARGET_TCP_MD5       = 1u << 10, /* signs and checks TCP MD5 options (RFC 2385) */
	TARGET_TCP_OVER_UDP  = 1u << 11, /* carries TCP in UDP on FreeBSD's tunneling port
					  * (net.inet.tcp.udp_tunneling_port) and takes
					  * TCP_REMOTE_UDP_ENCAPS_PORT (IPPROTO_TCP, 71) */
};

/* ---- diagnostics ------------------------------------------------------------------- */

struct target_diag {
	int status;          /* the target_status that went with the message */
	char msg[512];       /* one or more sentences, no trailing newline */
};

/* Fill a diag (printf-style) and return status, for `return target_diagf(...)`. */
int target_diagf(struct target_diag *d, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- configuration ----------------------------------------------------------------- */

enum target_ip_version {
	TARGET_IPV4_ONLY = 4,       /* AF_INET sockets, IPv4 on the wire */
	TARGET_IPV6_ONLY = 6,       /* AF_INET6 sockets, IPv6 on the wire */
	TARGET_IPV4_MAPPED_IPV6 = 46, /* AF_INET6 sockets, IPv4 on the wire */
};

/* An IP address of either family. */
struct target_addr {
	int family;                 /* AF_INET or AF_INET6; 0 = unset (use default) */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* A sysctl-like setting, named as on Linux ("net.ipv4.tcp_timestamps" = "0"). */
struct target_setting {
	const char *name;
	const char *value;
};

struct target_config {
	enum target_ip_version ip_version;
	/* Wire addresses (family follows ip_version: IPv4 for ipv4 and ipv4-mapped).
	 * local is the stack under test, remote is the peer the script plays. */
	struct target_addr local_ip, remote_ip, gateway_ip;
	int prefix_len;             /* of local_ip's subnet (24 / 64 by default) */
	uint16_t local_port;        /* default port for bind(..., ...) (8080) */
	uint16_t remote_port;       /* the script peer's port (default 40000) */
	int mtu;                    /* link MTU of the target's interface (1500) */
	int mss;                    /* --mss: inbound data segments are handed to the stack
				     * as offloaded (GRO) segments of this size; 0 = plain */
	const struct target_setting *settings;  /* applied at open, in order */
	size_t n_settings;
	const char *plugin_path;    /* plugin:PATH.so */
	const char *script_path;    /* for messages only; may be NULL */
	const char *tmpdir;         /* a private directory the target may use; may be NULL */
	int verbose;
};

/* Defaults: ipv4: local 192.0.2.2, remote 192.0.2.1, gateway 192.0.2.254, /24;
 * ipv6: local 2001:db8::2, remote 2001:db8::1, gateway 2001:db8::fffe, /64;
 * (the remote peer is 192.0.2.1 as in the scripts written for packetdrill);
 * ipv4-mapped-ipv6: the IPv4 addresses on the wire.  Ports 8080 / 40000, MTU 1500.
 * Fills only the fields still zero, so set explicit values first. */
void target_config_defaults(struct target_config *cfg);

/* The socket-level address for an IP of the config: for ipv4-mapped-ipv6 the IPv4
 * address is returned as ::ffff:a.b.c.d in a sockaddr_in6.  Returns the length. */
socklen_t target_sockaddr(const struct target_config *cfg, const struct target_addr *ip,
			  uint16_t port, struct sockaddr_storage *out);

/* "ipv4" / "ipv6" / "ipv4-mapped-ipv6" <-> enum; -1 when unknown. */
int target_ip_version_parse(const char *s);
const char *target_ip_version_name(enum target_ip_version v);

/* ---- packets ----------------------------------------------------------------------- */

#define TARGET_MAX_PACKET 65536

struct target_packet {
	int64_t time_ns;            /* when the stack emitted it (target clock) */
	size_t len;
	uint8_t data[TARGET_MAX_PACKET];
};

/* ---- socket calls: the normalized form ------------------------------------------- */

#define TARGET_CALLS(X)                                                   \
	X(SOCKET, "socket")     X(BIND, "bind")         X(LISTEN, "listen")    \
	X(ACCEPT, "accept")     X(CONNECT, "connect")   X(READ, "read")        \
	X(WRITE, "write")       X(SEND, "send")         X(RECV, "recv")        \
	X(SENDTO, "sendto")     X(RECVFROM, "recvfrom") X(SENDMSG, "sendmsg")  \
	X(RECVMSG, "recvmsg")   X(READV, "readv")       X(WRITEV, "writev")    \
	X(CLOSE, "close")       X(SHUTDOWN, "shutdown")                        \
	X(SETSOCKOPT, "setsockopt") X(GETSOCKOPT, "getsockopt")                \
	X(FCNTL, "fcntl")       X(POLL, "poll")         X(IOCTL, "ioctl")      \
	X(EPOLL_CREATE, "epoll_create") X(EPOLL_CTL, "epoll_ctl")              \
	X(EPOLL_WAIT, "epoll_wait") X(PIPE, "pipe")     X(SENDFILE, "sendfile") \
	X(SPLICE, "splice")     X(OPEN, "open")

enum target_call_kind {
#define TARGET_CALL_ENUM_(name, text) TARGET_CALL_##name,
	TARGET_CALLS(TARGET_CALL_ENUM_)
#undef TARGET_CALL_ENUM_
	TARGET_CALL_COUNT
};

const char *target_call_name(enum target_call_kind k);     /* "setsockopt" */
int target_call_lookup(const char *name);                   /* -1 when unknown */

#define TARGET_MAX_IOV     16       /* iovec entries in target_call.iov_len[] */
#define TARGET_MAX_IOV_ALL 1024     /* with target_call.iov_lens (Linux's UIO_MAXIOV) */
#define TARGET_MAX_POLLFD  16
#define TARGET_MAX_EVENTS  16
#define TARGET_MAX_OPTBYTES 256
#define TARGET_MAX_CONTROL 256

/* A socket option value, decoded. */
enum target_optval_kind {
	TARGET_OPT_NONE = 0,        /* `...` or NULL: pass no value / do not compare */
	TARGET_OPT_INT,             /* [1], 1 */
	TARGET_OPT_LINGER,          /* {onoff=1, linger=0} */
	TARGET_OPT_BYTES,           /* strings and raw structs (TCP_CONGESTION, TCP_INFO) */
};

struct target_optval {
	enum target_optval_kind kind;
	int64_t i;                          /* TARGET_OPT_INT */
	struct { int onoff, linger; } linger;   /* TARGET_OPT_LINGER */
	size_t nbytes;                      /* TARGET_OPT_BYTES */
	uint8_t bytes[TARGET_MAX_OPTBYTES];
};

struct target_pollfd {
	int fd;
	short events;
	short revents;              /* result */
};

struct target_epoll_event {
	uint32_t events;
	uint64_t data;
};

/* One call.  Only the fields of its kind are meaningful; the engine zeroes the rest.
 * Addresses are already concrete: the engine turns `...` into the config's local
 * (bind) or remote (connect, sendto) address in the socket family in use. */
struct target_call {
	enum target_call_kind kind;
	int fd;                     /* the socket (or epoll / pipe) fd operated on */

	int domain, type, protocol; /* socket; OPEN: flags in type, mode in protocol */
	int backlog;                /* listen */
	int how;                    /* shutdown: SHUT_RD/WR/RDWR */
	int flags;                  /* MSG_* for send/recv families; accept4 flags */

	bool has_addr;              /* bind, connect, sendto, sendmsg msg_name */
	socklen_t addrlen;
	struct sockaddr_storage addr;

	size_t len;                 /* read/write/send/recv/sendto/recvfrom/sendfile count */
	int iovcnt;                 /* readv/writev/sendmsg/recvmsg */
	size_t iov_len[TARGET_MAX_IOV];
	const uint8_t *data;        /* bytes to write; NULL = zeros */

	int level, optname;         /* setsockopt/getsockopt (SOL_TCP == IPPROTO_TCP) */
	struct target_optval opt;   /* setsockopt value (getsockopt: ignored) */
	socklen_t optlen;           /* setsockopt optlen; getsockopt buffer size */

	int cmd;                    /* fcntl cmd, ioctl request (SIOCINQ, SIOCOUTQ...) */
	int64_t arg;                /* fcntl arg */

	int nfds;                   /* poll */
	struct target_pollfd pfd[TARGET_MAX_POLLFD];
	int timeout_ms;             /* poll, epoll_wait */

	int epoll_op;               /* epoll_ctl: EPOLL_CTL_ADD/MOD/DEL */
	int epoll_target_fd;        /* epoll_ctl: the fd added */
	struct target_epoll_event epoll_ev;  /* epoll_ctl event */
	int maxevents;              /* epoll_wait; epoll_create size */

	int in_fd;                  /* sendfile/splice source (fd is the destination) */

	/* Real-time targets: how long to wait for completion before returning
	 * TARGET_PENDING (the call keeps running; complete() collects it).  Virtual-
	 * time targets ignore it and return PENDING whenever the call would block. */
	int64_t block_ns;
	/* The script expects the call to return at once (no `a...b` window).  A target may
	 * then make it directly and interrupt it after block_ns, returning TARGET_TIMEOUT
	 * (nothing left in flight) instead of TARGET_PENDING. */
	bool nonblocking_expected;
	/* The script passed NULL as the buffer (null_buf: read, write, send, recv, sendto,
	 * recvfrom) or as the base of iovec i (bit i of null_iov: readv, writev, sendmsg,
	 * recvmsg).  Linux fails with EFAULT when it copies to or from that buffer, so only
	 * when there is something to copy: a length of 0 returns 0, a read with nothing
	 * to read blocks (or EAGAIN), end of file returns 0, and the errors a write finds
	 * before copying (EPIPE, ENOTCONN) come first; the data stays queued.  The linux
	 * target passes a real NULL and the kernel answers.  An in-process target answers
	 * at its call boundary with target_call_null_prepare()/target_call_null_fix()
	 * below, since the fault is in the user/kernel copy, not in TCP.  Both fields sit
	 * in what was padding in ABI version 1, so the layout and size of this struct are
	 * unchanged and plugins built before still load; tcpspec answers for them (a
	 * plugin never sees these set). */
	bool null_buf;
	uint16_t null_iov;

	/* Added after the first release (plugins built before never read them): */
	const char *path;           /* OPEN: the file name */
	bool has_offset;            /* SENDFILE: an offset was given ([N]), else NULL */
	int64_t offset;
	size_t controllen;          /* RECVMSG: room for ancillary data (TARGET_CMSG) */
	/* Read family (read, recv, recvfrom, readv, recvmsg): where the bytes read go,
	 * room for len (or the iovecs' total) bytes, the iovecs laid end to end; NULL:
	 * the target may discard them.  A target that stores them there says so in
	 * target_result.rdata_filled; the engine then checks them against the stream
	 * the script's peer sent.  The write family's bytes are in data, likewise end to
	 * end for writev and sendmsg. */
	uint8_t *rdata;
	/* Added with iovecs longer than TARGET_MAX_IOV (readv, writev, sendmsg, recvmsg; up
	 * to TARGET_MAX_IOV_ALL entries): all iovcnt lengths, iov_len[] then holding the
	 * first TARGET_MAX_IOV of them.  NULL when iovcnt <= TARGET_MAX_IOV, where iov_len[]
	 * is the whole iovec as before.  Read the lengths with target_call_iov_len().  Only
	 * a plugin whose target_call has this field (its call_size covers it) is given a
	 * longer iovec; for one built before, tcpspec refuses the call as unsupported,
	 * naming the limit, and never cuts the iovec short.  A NULL base (null_iov) can be
	 * given for the first TARGET_MAX_IOV entries only. */
	const size_t *iov_lens;
};

/* The length of iovec entry i (0 <= i < c->iovcnt), and all of them added up. */
static inline size_t target_call_iov_len(const struct target_call *c, int i)
{
	return c->iov_lens ? c->iov_lens[i] : c->iov_len[i];
}

static inline size_t target_call_iov_total(const struct target_call *c)
{
	size_t n = 0;
	for (int i = 0; i < c->iovcnt; i++)
		n += target_call_iov_len(c, i);
	return n;
}

/* What a call did.  The engine compares ret/err and the outputs with the script. */
struct target_result {
	int64_t ret;                /* the return value (-1 on error) */
	int err;                    /* errno (Linux numbering) when ret == -1, else 0 */
	/* when the call was made (call()) and when it returned, on the stack's clock; the
	 * stack fills both (target_result_finish() sets end_ns only) and end_ns is what
	 * tcpspec checks against the script */
	int64_t start_ns, end_ns;

	struct target_optval opt;   /* getsockopt output */
	socklen_t optlen;           /* getsockopt output length */
	int nfds;                   /* poll: revents filled in pfd[] */
	struct target_pollfd pfd[TARGET_MAX_POLLFD];
	int nevents;                /* epoll_wait output */
	struct target_epoll_event events[TARGET_MAX_EVENTS];
	int64_t ioctl_val;          /* ioctl out value (SIOCINQ, SIOCOUTQ, FIONREAD) */
	int msg_flags;              /* recvmsg */
	socklen_t addrlen;          /* accept, recvfrom: the peer */
	struct sockaddr_storage addr;
	int pipefd[2];              /* pipe */
	/* Added after the first release.  RECVMSG on a TARGET_CMSG target: the ancillary
	 * data as Linux lays it out (struct cmsghdr, CMSG_ALIGN'ed), controllen bytes. */
	size_t controllen;
	uint8_t control[TARGET_MAX_CONTROL];
	/* The read family: the ret bytes read are in call.rdata (see there). */
	bool rdata_filled;
};

/* NULL buffers, for targets that do not hand the call to a kernel.  prepare returns
 * the call to make instead of c: c itself when it copies nothing through NULL, else a
 * probe in *probe that finds what Linux finds before its copy faults -- a read family
 * call becomes recv(fd, len, flags | MSG_PEEK) (it blocks, fails or returns 0 as the
 * real one would, and consumes nothing), a write family call becomes a write of 0
 * bytes (sendto for sendto/sendmsg, keeping address and flags).  The probe keeps
 * null_buf set, so keep it for a call left pending.  fix then turns the probe's
 * result (a value or -errno, the kernel's convention) into the call's: -EFAULT where
 * a copy would have happened (a read that found data, a write that got through).
 * An iovec with a NULL base and bytes counts as a NULL buffer for the whole call (the
 * kernel copies across iovecs in one go, so the bytes before it are not a partial
 * result).  Known difference: a write into a full send buffer blocks on Linux before
 * the copy; the probe does not. */
const struct target_call *target_call_null_prepare(const struct target_call *c,
						   struct target_call *probe);
long target_call_null_fix(const struct target_call *made, long v);

/* ---- TCP_INFO view ----------------------------------------------------------------- */

/* Names as code blocks use them (tcpi_NAME).  Times in microseconds as on Linux. */
#define TARGET_TCP_INFO_FIELDS(X)                                               \
	X(state) X(ca_state) X(retransmits) X(probes) X(backoff) X(options)     \
	X(snd_wscale) X(rcv_wscale) X(rto) X(ato) X(snd_mss) X(rcv_mss)         \
	X(unacked) X(sacked) X(lost) X(retrans) X(fackets)                      \
	X(last_data_sent) X(last_ack_sent) X(last_data_recv) X(last_ack_recv)   \
	X(pmtu) X(rcv_ssthresh) X(rtt) X(rttvar) X(snd_ssthresh) X(snd_cwnd)    \
	X(advmss) X(reordering) X(rcv_rtt) X(rcv_space) X(total_retrans)        \
	X(pacing_rate) X(max_pacing_rate) X(bytes_acked) X(bytes_received)      \
	X(segs_out) X(segs_in) X(notsent_bytes) X(min_rtt) X(data_segs_in)      \
	X(data_segs_out) X(delivery_rate) X(busy_time) X(rwnd_limited)          \
	X(sndbuf_limited) X(delivered) X(delivered_ce) X(bytes_sent)            \
	X(bytes_retrans) X(dsack_dups) X(reord_seen) X(rcv_ooopack) X(snd_wnd)

enum target_tcp_info_field {
#define TARGET_TI_ENUM_(name) TARGET_TI_##name,
	TARGET_TCP_INFO_FIELDS(TARGET_TI_ENUM_)
#undef TARGET_TI_ENUM_
	TARGET_TI_COUNT
};

struct target_tcp_info {
	uint64_t valid;             /* bit (1 << TARGET_TI_x) set when the field is known */
	int64_t v[TARGET_TI_COUNT]; /* indexed by enum target_tcp_info_field */
};

const char *target_tcp_info_name(enum target_tcp_info_field f);  /* "snd_cwnd" */


/* For stacks whose calls return a value or -errno (the kernel's convention): complete
 * r at time now_ns.  Sets ret, err and end_ns; start_ns is the caller's to set (the
 * time call() was made: informational, tcpspec checks end_ns only).  Returns TARGET_OK. */
static inline int target_result_finish(struct target_result *r, long v, int64_t now_ns)
{
	r->end_ns = now_ns;
	r->ret = v < 0 ? -1 : v;
	r->err = v < 0 ? (int)-v : 0;
	return TARGET_OK;
}

/* ---- the plugin ABI ---------------------------------------------------------------- */

#define TCPSPEC_PLUGIN_ABI_VERSION 2u       /* what this header describes */
#define TCPSPEC_PLUGIN_ENTRY "tcpspec_plugin_v2"
#define TCPSPEC_PLUGIN_ENTRY_V1 "tcpspec_plugin_v1"

/* Version 2: version 1's table (same fields, same order) with fields appended.  The host
 * reads only the fields inside `size`, and refuses a plugin whose structures above have
 * another size than its own (a stale build), with the reason. */
struct tcpspec_plugin_v2 {
	uint32_t abi_version;       /* 2 (TCPSPEC_PLUGIN_ABI_VERSION) */
	uint32_t size;              /* sizeof(struct tcpspec_plugin_v2) */
	/* sizeof the structures above, as the plugin was compiled */
	uint32_t config_size, call_size, result_size, packet_size, tcp_info_size, diag_size;

	/* The stack's short name: the column of `tcpspec report`, "target" in JSON, and
	 * NAME.expect for its expectations.  1 to 32 of [A-Za-z0-9._+-]. */
	const char *name;
	unsigned caps;              /* enum target_caps */

	/* Required.  open returns a handle, or NULL after filling diag (its status
	 * TARGET_UNAVAILABLE or TARGET_UNSUPPORTED).  diag stays valid until close, and
	 * every later failure is written there too.  cfg stays valid until close. */
	void *(*open)(const struct target_config *cfg, struct target_diag *diag);
	void (*close)(void *h);
	int64_t (*now)(void *h);
	int (*inject)(void *h, const uint8_t *ip, size_t len);
	/* TARGET_OK with p filled, TARGET_TIMEOUT when nothing is queued (virtual time:
	 * never wait; real time: wait until deadline_ns at most) */
	int (*next_outbound)(void *h, int64_t deadline_ns, struct target_packet *p);
	/* TARGET_OK (r filled), TARGET_PENDING (blocked: complete() collects it),
	 * TARGET_UNSUPPORTED (the script is skipped, with diag's sentence), else an error */
	int (*call)(void *h, const struct target_call *c, struct target_result *r);

	/* Optional (NULL: TARGET_UNSUPPORTED).  complete is required with
	 * TARGET_BLOCKING, advance with TARGET_VIRTUAL_TIME. */
	int (*complete)(void *h, int64_t deadline_ns, struct target_result *r);
	/* run every timer due at or before now_ns (one due exactly at now_ns fires), set
	 * the clock to now_ns, and give the next instant anything can happen without
	 * input -- the stack's next timer or the pending call's timeout -- or INT64_MAX */
	int (*advance)(void *h, int64_t now_ns, int64_t *next_timer_ns);
	int (*tcp_info)(void *h, int fd, struct target_tcp_info *ti);
	/* a script's shell line, run or mapped by the plugin itself; without it, a version
	 * 2 plugin with setting() gets the settings tcpspec maps the line onto */
	int (*shell)(void *h, const char *cmd, int *exit_status);

	/* ---- version 2 ---- */
	const char *version;        /* the stack's version ("2.1.3"), for reports; may be NULL */
	/* One Linux-named setting ("net.ipv4.tcp_sack", "0"): from cfg->settings right
	 * after open, and from every sysctl line or /proc/sys write of a script (its set-up
	 * files too), mapped by tcpspec.  TARGET_OK when taken (or already so),
	 * TARGET_UNSUPPORTED when the stack has no such setting, TARGET_BADARG when it
	 * cannot take this value; either skips the script with diag's sentence, if set. */
	int (*setting)(void *h, const char *name, const char *value);
};

/* Version 1: the same table up to `shell`, exported as tcpspec_plugin_v1(); `name`
 * is for messages only (reports call every version 1 plugin "plugin") and settings
 * cannot be taken.  Kept so that plugins built for it still build and load. */
struct tcpspec_plugin_v1 {
	uint32_t abi_version;       /* 1 */
	uint32_t size;              /* sizeof(struct tcpspec_plugin_v1) */
	uint32_t config_size, call_size, result_size, packet_size, tcp_info_size, diag_size;
	const char *name;
	unsigned caps;
	void *(*open)(const struct target_config *cfg, struct target_diag *diag);
	void (*close)(void *h);
	int64_t (*now)(void *h);
	int (*inject)(void *h, const uint8_t *ip, size_t len);
	int (*next_outbound)(void *h, int64_t deadline_ns, struct target_packet *p);
	int (*call)(void *h, const struct target_call *c, struct target_result *r);
	int (*complete)(void *h, int64_t deadline_ns, struct target_result *r);
	int (*advance)(void *h, int64_t now_ns, int64_t *next_timer_ns);
	int (*tcp_info)(void *h, int fd, struct target_tcp_info *ti);
	int (*shell)(void *h, const char *cmd, int *exit_status);
};

/* The header fields, for a plugin's static table:
 *   static const struct tcpspec_plugin_v2 ops = { TCPSPEC_PLUGIN_V2_HEADER, .name = ... }; */
#define TCPSPEC_PLUGIN_SIZES_                                           \
	.config_size = sizeof(struct target_config),                    \
	.call_size = sizeof(struct target_call),                        \
	.result_size = sizeof(struct target_result),                    \
	.packet_size = sizeof(struct target_packet),                    \
	.tcp_info_size = sizeof(struct target_tcp_info),                \
	.diag_size = sizeof(struct target_diag)
#define TCPSPEC_PLUGIN_V2_HEADER                                        \
	.abi_version = 2, .size = sizeof(struct tcpspec_plugin_v2), TCPSPEC_PLUGIN_SIZES_
#define TCPSPEC_PLUGIN_V1_HEADER                                        \
	.abi_version = 1, .size = sizeof(struct tcpspec_plugin_v1), TCPSPEC_PLUGIN_SIZES_

typedef const struct tcpspec_plugin_v2 *(*tcpspec_plugin_entry_fn)(uint32_t host_abi);
typedef const struct tcpspec_plugin_v1 *(*tcpspec_plugin_v1_entry_fn)(uint32_t host_abi);

/* Make the entry point visible from a library built with -fvisibility=hidden. */
#define TCPSPEC_PLUGIN_EXPORT __attribute__((visibility("default")))

/* ---- helper library (libtcpspec-plugin.a) ------------------------------------------ */

/* The outbound packet queue: what the stack sent, in order, with the (virtual) time it
 * was sent, until tcpspec takes it (next_outbound). */
struct target_pktq {
	struct target_pktq_ent {
		int64_t t;
		size_t len;
		uint8_t *data;
	} *q;
	size_t head, len, cap;     /* a ring of cap entries, len of them from head */
};

/* Append a copy of len bytes sent at t_ns; 0, or -1 when out of memory (nothing kept). */
int target_pktq_push(struct target_pktq *q, int64_t t_ns, const uint8_t *data, size_t len);
/* Take the oldest packet into *pk (cut to its buffer): TARGET_OK, or TARGET_TIMEOUT when
 * the queue is empty. */
int target_pktq_pop(struct target_pktq *q, struct target_packet *pk);
/* Free every queued packet and the ring; the queue is empty and usable afterwards. */
void target_pktq_free(struct target_pktq *q);

/* A file descriptor table: fds handed out as Linux does (the lowest free one, from 3),
 * each naming an object of the stack's.  Zero-initialise; tcpspec_fd_free at close. */
struct tcpspec_fdtab {
	void **obj;                 /* by fd; NULL = free */
	int n;
};

/* The fd given to obj (not NULL), or -ENOMEM. */
int tcpspec_fd_alloc(struct tcpspec_fdtab *t, void *obj);
/* The object of fd, or NULL (not open: the call fails with EBADF). */
void *tcpspec_fd_get(const struct tcpspec_fdtab *t, int fd);
/* Free fd; returns its object (NULL when it was not open). */
void *tcpspec_fd_release(struct tcpspec_fdtab *t, int fd);
void tcpspec_fd_free(struct tcpspec_fdtab *t);

/* Linux's numbering of what calls and results carry, for stacks whose own headers
 * number them otherwise (or define them not at all).  TCPSPEC_LINUX_EAGAIN is 11,
 * TCPSPEC_LINUX_AF_INET6 is 10, and so on. */
#define TCPSPEC_LINUX_ERRNOS(X)                                                    \
	X(EPERM, 1) X(ENOENT, 2) X(EINTR, 4) X(EIO, 5) X(EBADF, 9) X(EAGAIN, 11)       \
	X(ENOMEM, 12) X(EACCES, 13) X(EFAULT, 14) X(EBUSY, 16) X(EEXIST, 17)           \
	X(EINVAL, 22) X(ENFILE, 23) X(EMFILE, 24) X(ENOSPC, 28) X(EPIPE, 32)           \
	X(ENOSYS, 38) X(ENOTSOCK, 88) X(EDESTADDRREQ, 89) X(EMSGSIZE, 90)               \
	X(EPROTOTYPE, 91) X(ENOPROTOOPT, 92) X(EPROTONOSUPPORT, 93) X(EOPNOTSUPP, 95)  \
	X(EAFNOSUPPORT, 97) X(EADDRINUSE, 98) X(EADDRNOTAVAIL, 99) X(ENETDOWN, 100)   \
	X(ENETUNREACH, 101) X(ENETRESET, 102) X(ECONNABORTED, 103)                    \
	X(ECONNRESET, 104) X(ENOBUFS, 105) X(EISCONN, 106) X(ENOTCONN, 107)            \
	X(ESHUTDOWN, 108) X(ETIMEDOUT, 110) X(ECONNREFUSED, 111) X(EHOSTDOWN, 112)     \
	X(EHOSTUNREACH, 113) X(EALREADY, 114) X(EINPROGRESS, 115)

#define TCPSPEC_LINUX_CONSTANTS(X)                                                 \
	X(AF_INET, 2) X(AF_INET6, 10) X(SOCK_STREAM, 1) X(SOCK_DGRAM, 2)               \
	X(SOCK_NONBLOCK, 04000) X(SOCK_CLOEXEC, 02000000) X(IPPROTO_TCP, 6)            \
	X(IPPROTO_IPV6, 41) X(SOL_SOCKET, 1) X(SOL_TCP, 6)                              \
	X(SO_REUSEADDR, 2) X(SO_ERROR, 4) X(SO_SNDBUF, 7) X(SO_RCVBUF, 8)              \
	X(SO_KEEPALIVE, 9) X(SO_OOBINLINE, 10) X(SO_LINGER, 13) X(SO_RCVLOWAT, 18)    \
	X(SO_RCVTIMEO, 20) X(SO_SNDTIMEO, 21) X(IPV6_V6ONLY, 26)                        \
	X(TCP_NODELAY, 1) X(TCP_MAXSEG, 2) X(TCP_CORK, 3) X(TCP_KEEPIDLE, 4)           \
	X(TCP_KEEPINTVL, 5) X(TCP_KEEPCNT, 6) X(TCP_SYNCNT, 7) X(TCP_LINGER2, 8)       \
	X(TCP_DEFER_ACCEPT, 9) X(TCP_INFO, 11) X(TCP_QUICKACK, 12)                      \
	X(TCP_CONGESTION, 13) X(TCP_USER_TIMEOUT, 18) X(TCP_FASTOPEN, 23)               \
	X(MSG_OOB, 1) X(MSG_PEEK, 2) X(MSG_DONTWAIT, 0x40) X(MSG_WAITALL, 0x100)        \
	X(MSG_NOSIGNAL, 0x4000) X(MSG_MORE, 0x8000)                                      \
	X(SHUT_RD, 0) X(SHUT_WR, 1) X(SHUT_RDWR, 2)                                      \
	X(F_GETFL, 3) X(F_SETFL, 4) X(O_NONBLOCK, 04000)                                \
	X(POLLIN, 0x1) X(POLLPRI, 0x2) X(POLLOUT, 0x4) X(POLLERR, 0x8) X(POLLHUP, 0x10) \
	X(POLLNVAL, 0x20) X(POLLRDNORM, 0x40) X(POLLWRNORM, 0x100) X(POLLRDHUP, 0x2000) \
	X(SIOCOUTQ, 0x5411) X(SIOCINQ, 0x541B) X(FIONREAD, 0x541B)                      \
	X(TCP_ESTABLISHED, 1) X(TCP_SYN_SENT, 2) X(TCP_SYN_RECV, 3)                     \
	X(TCP_FIN_WAIT1, 4) X(TCP_FIN_WAIT2, 5) X(TCP_TIME_WAIT, 6) X(TCP_CLOSE, 7)     \
	X(TCP_CLOSE_WAIT, 8) X(TCP_LAST_ACK, 9) X(TCP_LISTEN, 10) X(TCP_CLOSING, 11)

enum {
#define TCPSPEC_LINUX_ENUM_(name, value) TCPSPEC_LINUX_##name = value,
	TCPSPEC_LINUX_ERRNOS(TCPSPEC_LINUX_ENUM_)
	TCPSPEC_LINUX_CONSTANTS(TCPSPEC_LINUX_ENUM_)
#undef TCPSPEC_LINUX_ENUM_
};

/* "ECONNRESET" for 104 (NULL when not in the list) and back (-1 when unknown): for a
 * stack whose errno.h numbers otherwise, translate by name,
 *     r->err = tcpspec_linux_errno(my_errno_name(e));
 * and for messages. */
const char *tcpspec_errno_name(int linux_errno);
int tcpspec_linux_errno(const char *name);

#ifdef __cplusplus
}
#endif

#endif
