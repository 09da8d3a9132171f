/* target.h: the one contract between the engine and a TCP stack under test.
 *
 * A target is an ops table (struct target_ops) plus a handle (struct target).  The
 * engine talks to every stack -- the kernel through TUN, the reference stack, lwIP, a
 * plugin -- only through the thin inline wrappers at the end of this file.  Adapters
 * never see script syntax: the engine decodes the script once into the typed forms
 * below (struct target_call, struct target_config) and compares the results itself.
 *
 * Conventions, for every target:
 *  - Time is int64_t nanoseconds on the target's clock (ops->now).  Virtual-time targets
 *    start at 0 and move only in ops->advance; real-time targets use CLOCK_MONOTONIC.
 *    Packets and call completions are stamped on the same clock.
 *  - Packets are whole IP datagrams (IPv4 or IPv6 header first, no link header).
 *  - Constants inside calls (AF_*, SOCK_*, MSG_*, SOL_*, SO_*, TCP_*, F_*, O_*, POLL*,
 *    EPOLL*, SIOC*, errno values) use Linux numbering, whatever the target; a
 *    non-Linux stack translates them.
 *  - File descriptors in calls and results are target fds.  The engine maps the
 *    script's numbers onto them (socket() = 3 in a script names whatever fd the target
 *    returned), so a target may number its sockets as it likes.
 *  - Every op returns a target_status (TARGET_OK = 0).  A failing op fills the
 *    diagnostic given at open (struct target_diag, t->diag) with a sentence a person
 *    can act on.  Nothing here calls exit().
 *  - Optional ops may be NULL; the wrappers then return TARGET_UNSUPPORTED.
 *
 * Adding a target: write target-adapters/NAME.c (or NAME/...) defining
 *   const struct target_ops target_NAME_ops;
 * target-adapters/module.mk picks the file up and registry.c lists it (the build
 * defines TARGET_HAVE_NAME when the file exists).
 */
#ifndef TCPSPEC_TARGET_H
#define TCPSPEC_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

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

#define TARGET_MAX_IOV     16
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
	 * unchanged and plugins built before still load; plugin.c answers for them (a
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
};

/* What a call did.  The engine compares ret/err and the outputs with the script. */
struct target_result {
	int64_t ret;                /* the return value (-1 on error) */
	int err;                    /* errno (Linux numbering) when ret == -1, else 0 */
	int64_t start_ns, end_ns;   /* when the call started and returned */

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

/* ---- the ops table and the handle ------------------------------------------------- */

struct target;

struct target_ops {
	const char *name;           /* "linux", "reference", "lwip", "plugin" */
	unsigned caps;              /* enum target_caps */

	/* Bring the stack up with cfg (kept by pointer: it must outlive the target).
	 * TARGET_UNAVAILABLE with a message naming what is missing (root, /dev/net/tun,
	 * a library), TARGET_UNSUPPORTED for a config it cannot honour. */
	int (*open)(struct target *t, const struct target_config *cfg);
	void (*close)(struct target *t);

	int64_t (*now)(struct target *t);

	/* Deliver one IP packet to the stack. */
	int (*inject)(struct target *t, const uint8_t *ip, size_t len);

	/* The next packet the stack sent.  Real time: wait until deadline_ns at most.
	 * Virtual time: only what is already queued (the engine advances time itself).
	 * TARGET_TIMEOUT when there is none. */
	int (*next_outbound)(struct target *t, int64_t deadline_ns, struct target_packet *p);

	/* Make a call.  TARGET_OK with res filled, or TARGET_PENDING: the call is in
	 * flight (at most one at a time) and complete() collects it. */
	int (*call)(struct target *t, const struct target_call *c, struct target_result *res);
	/* Collect the pending call: TARGET_OK when it returned (res filled), TARGET_PENDING
	 * when still running at deadline_ns (real time waits until then at most). */
	int (*complete)(struct target *t, int64_t deadline_ns, struct target_result *res);

	/* Virtual time: run timers up to now_ns; *next_timer_ns gets the next deadline
	 * (INT64_MAX when none).  NULL for real-time targets. */
	int (*advance)(struct target *t, int64_t now_ns, int64_t *next_timer_ns);

	int (*tcp_info)(struct target *t, int fd, struct target_tcp_info *ti);

	/* Run a shell line inside the target's network namespace; *exit_status gets the
	 * exit status (128 + signal when killed).  Targets without a namespace either map
	 * known lines (sysctl settings) or return TARGET_UNSUPPORTED with the line. */
	int (*shell)(struct target *t, const char *cmd, int *exit_status);

	/* Apply a sysctl-like setting now ("net.ipv4.tcp_congestion_control" = "cubic"):
	 * the engine calls it for settings a script's shell lines asked for, so a target
	 * can honour what its namespace refused (a child network namespace may not pick
	 * a congestion control outside the host's allowed list).  Optional. */
	int (*setting)(struct target *t, const char *name, const char *value);

	/* Whether open() can work here, checked cheaply without changing the calling
	 * process: TARGET_OK, or TARGET_UNAVAILABLE with d saying what is missing.
	 * Optional: without it the engine opens and closes the target in a throwaway
	 * process (TARGET_OWN_PROCESS) or in place. */
	int (*probe)(struct target_diag *d);

	/* Added after the first release.  What follows the name in the spec the ops were
	 * looked up by: target_lookup("plugin:PATH.so") returns its own copy of the plugin
	 * ops with arg = "PATH.so" (one copy per path), so two plugins can be run side by
	 * side; NULL for the other targets.  The engine passes it on as
	 * target_config.plugin_path. */
	const char *arg;
};

struct target {
	const struct target_ops *ops;
	const struct target_config *cfg;
	void *priv;                 /* the adapter's state */
	struct target_diag diag;    /* the last failure */
};

/* Find an adapter by name: "linux", "reference", "lwip", "plugin:PATH.so" (ops->arg is
 * then "PATH.so").  NULL with d filled (status TARGET_UNAVAILABLE) when unknown or not
 * built in. */
const struct target_ops *target_lookup(const char *spec, struct target_diag *d);
/* Names of the adapters built in, NULL-terminated. */
const char *const *target_names(void);

/* Open: sets t->ops/cfg and calls ops->open.  On failure *d gets t->diag. */
int target_open(struct target *t, const struct target_ops *ops,
		const struct target_config *cfg, struct target_diag *d);

/* ---- thin wrappers ----------------------------------------------------------------- */

static inline bool target_has(const struct target *t, unsigned cap)
{
	return (t->ops->caps & cap) != 0;
}

static inline void target_close(struct target *t)
{
	if (t->ops && t->ops->close)
		t->ops->close(t);
	t->ops = NULL;
}

static inline int64_t target_now(struct target *t)
{
	return t->ops->now(t);
}

static inline int target_inject(struct target *t, const uint8_t *ip, size_t len)
{
	return t->ops->inject ? t->ops->inject(t, ip, len) : TARGET_UNSUPPORTED;
}

static inline int target_next_outbound(struct target *t, int64_t deadline_ns,
				       struct target_packet *p)
{
	return t->ops->next_outbound ? t->ops->next_outbound(t, deadline_ns, p)
				     : TARGET_UNSUPPORTED;
}

static inline int target_call(struct target *t, const struct target_call *c,
			      struct target_result *res)
{
	return t->ops->call ? t->ops->call(t, c, res) : TARGET_UNSUPPORTED;
}

static inline int target_complete(struct target *t, int64_t deadline_ns,
				  struct target_result *res)
{
	return t->ops->complete ? t->ops->complete(t, deadline_ns, res) : TARGET_UNSUPPORTED;
}

static inline int target_advance(struct target *t, int64_t now_ns, int64_t *next_timer_ns)
{
	if (!t->ops->advance) {
		*next_timer_ns = INT64_MAX;
		return TARGET_UNSUPPORTED;
	}
	return t->ops->advance(t, now_ns, next_timer_ns);
}

static inline int target_tcp_info(struct target *t, int fd, struct target_tcp_info *ti)
{
	return t->ops->tcp_info ? t->ops->tcp_info(t, fd, ti) : TARGET_UNSUPPORTED;
}

static inline int target_shell(struct target *t, const char *cmd, int *exit_status)
{
	return t->ops->shell ? t->ops->shell(t, cmd, exit_status) : TARGET_UNSUPPORTED;
}

static inline int target_setting(struct target *t, const char *name, const char *value)
{
	return t->ops->setting ? t->ops->setting(t, name, value) : TARGET_UNSUPPORTED;
}

/* For in-process adapters whose calls return a value or -errno (the kernel's
 * convention): complete r at time now_ns.  Returns TARGET_OK. */
static inline int target_result_finish(struct target_result *r, long v, int64_t now_ns)
{
	r->end_ns = now_ns;
	r->ret = v < 0 ? -1 : v;
	r->err = v < 0 ? (int)-v : 0;
	return TARGET_OK;
}

/* Plugins: PATH.so exports this symbol, a function returning its ops table for the
 * ABI version asked (NULL when it does not speak it). */
#define TARGET_PLUGIN_ABI 1
#define TARGET_PLUGIN_SYMBOL "tcpspec_target_ops"
typedef const struct target_ops *(*target_plugin_fn)(unsigned abi);

#endif
