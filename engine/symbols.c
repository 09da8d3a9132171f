/* Symbolic constants a script may name in a call, with their Linux values, and the
 * errno names.  Read from the system headers, so the numbers are Linux's own. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include "engine/engine_int.h"

#ifndef SOL_TCP
#define SOL_TCP 6
#endif
#ifndef IPV6_FLOWINFO
#define IPV6_FLOWINFO 11
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif
#ifndef TCP_CM_INQ
#define TCP_CM_INQ 36
#endif
#ifndef TCP_INQ
#define TCP_INQ 36
#endif
#ifndef TCP_FASTOPEN_KEY
#define TCP_FASTOPEN_KEY 33
#endif
#ifndef TCP_FASTOPEN_NO_COOKIE
#define TCP_FASTOPEN_NO_COOKIE 34
#endif
#ifndef SO_TIMESTAMPING
#define SO_TIMESTAMPING 37
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
/* FreeBSD's (Linux has none): the reference target takes this number
 * (REF_TCP_REMOTE_UDP_ENCAPS_PORT); syscall.c skips a script naming it elsewhere */
#define TCP_REMOTE_UDP_ENCAPS_PORT 71
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif

#define SYMBOLS(S)                                                                  \
	S(AF_INET) S(AF_INET6) S(AF_UNSPEC) S(PF_INET) S(PF_INET6)                  \
	S(SOCK_STREAM) S(SOCK_DGRAM) S(SOCK_RAW) S(SOCK_NONBLOCK) S(SOCK_CLOEXEC)   \
	S(IPPROTO_IP) S(IPPROTO_TCP) S(IPPROTO_UDP) S(IPPROTO_IPV6) S(IPPROTO_ICMP) \
	S(SOL_SOCKET) S(SOL_TCP) S(SOL_IP) S(SOL_IPV6)                              \
	S(SO_DEBUG) S(SO_REUSEADDR) S(SO_REUSEPORT) S(SO_TYPE) S(SO_ERROR)          \
	S(SO_DONTROUTE) S(SO_BROADCAST) S(SO_SNDBUF) S(SO_RCVBUF) S(SO_SNDBUFFORCE) \
	S(SO_RCVBUFFORCE) S(SO_KEEPALIVE) S(SO_OOBINLINE) S(SO_LINGER)              \
	S(SO_RCVLOWAT) S(SO_SNDLOWAT) S(SO_RCVTIMEO) S(SO_SNDTIMEO) S(SO_MARK)      \
	S(SO_PRIORITY) S(SO_ZEROCOPY) S(SO_ACCEPTCONN) S(SO_PROTOCOL) S(SO_DOMAIN)  \
	S(SO_MAX_PACING_RATE) S(SO_BINDTODEVICE) S(SO_TIMESTAMP)                    \
	S(TCP_NODELAY) S(TCP_MAXSEG) S(TCP_CORK) S(TCP_KEEPIDLE) S(TCP_KEEPINTVL)   \
	S(TCP_KEEPCNT) S(TCP_SYNCNT) S(TCP_LINGER2) S(TCP_DEFER_ACCEPT)             \
	S(TCP_WINDOW_CLAMP) S(TCP_INFO) S(TCP_QUICKACK) S(TCP_CONGESTION)           \
	S(TCP_MD5SIG) S(TCP_THIN_LINEAR_TIMEOUTS) S(TCP_THIN_DUPACK)                \
	S(TCP_USER_TIMEOUT) S(TCP_REPAIR) S(TCP_FASTOPEN) S(TCP_TIMESTAMP)          \
	S(TCP_NOTSENT_LOWAT) S(TCP_SAVE_SYN) S(TCP_SAVED_SYN)                       \
	S(TCP_FASTOPEN_CONNECT) S(TCP_INQ) S(TCP_ULP) S(TCP_CM_INQ)                 \
	S(TCP_FASTOPEN_KEY) S(TCP_FASTOPEN_NO_COOKIE) S(SO_TIMESTAMPING)            \
	S(TCP_REMOTE_UDP_ENCAPS_PORT)                                               \
	S(SCM_TIMESTAMPING) S(SCM_TSTAMP_SND) S(SCM_TSTAMP_SCHED) S(SCM_TSTAMP_ACK) \
	S(SOF_TIMESTAMPING_TX_HARDWARE) S(SOF_TIMESTAMPING_TX_SOFTWARE)             \
	S(SOF_TIMESTAMPING_RX_HARDWARE) S(SOF_TIMESTAMPING_RX_SOFTWARE)             \
	S(SOF_TIMESTAMPING_SOFTWARE) S(SOF_TIMESTAMPING_SYS_HARDWARE)               \
	S(SOF_TIMESTAMPING_RAW_HARDWARE) S(SOF_TIMESTAMPING_OPT_ID)                 \
	S(SOF_TIMESTAMPING_TX_SCHED) S(SOF_TIMESTAMPING_TX_ACK)                     \
	S(SOF_TIMESTAMPING_OPT_CMSG) S(SOF_TIMESTAMPING_OPT_TSONLY)                 \
	S(SOF_TIMESTAMPING_OPT_STATS) S(SOF_TIMESTAMPING_OPT_PKTINFO)               \
	S(SOF_TIMESTAMPING_OPT_TX_SWHW)                                             \
	S(SO_EE_ORIGIN_NONE) S(SO_EE_ORIGIN_LOCAL) S(SO_EE_ORIGIN_ICMP)             \
	S(SO_EE_ORIGIN_ICMP6) S(SO_EE_ORIGIN_TXSTATUS) S(SO_EE_ORIGIN_ZEROCOPY)     \
	S(SO_EE_ORIGIN_TIMESTAMPING) S(SO_EE_CODE_ZEROCOPY_COPIED)                  \
	S(IP_RECVTOS) S(IPV6_RECVTCLASS)                                            \
	S(IP_TOS) S(IP_TTL) S(IP_MTU_DISCOVER) S(IP_MTU) S(IP_RECVERR)              \
	S(IP_PMTUDISC_DONT) S(IP_PMTUDISC_DO) S(IP_PMTUDISC_PROBE) S(IP_FREEBIND)   \
	S(IP_TRANSPARENT) S(IPV6_TCLASS) S(IPV6_V6ONLY) S(IPV6_MTU)                 \
	S(IPV6_MTU_DISCOVER) S(IPV6_UNICAST_HOPS) S(IPV6_RECVERR)  \
	S(IPV6_FLOWINFO)                               \
	S(F_GETFL) S(F_SETFL) S(F_GETFD) S(F_SETFD) S(FD_CLOEXEC)                   \
	S(O_RDONLY) S(O_WRONLY) S(O_RDWR) S(O_NONBLOCK) S(O_CLOEXEC) S(O_NDELAY)    \
	S(O_CREAT) S(O_TRUNC) S(O_APPEND)                                           \
	S(SPLICE_F_MOVE) S(SPLICE_F_NONBLOCK) S(SPLICE_F_MORE) S(SPLICE_F_GIFT)     \
	S(MSG_OOB) S(MSG_PEEK) S(MSG_DONTROUTE) S(MSG_CTRUNC) S(MSG_TRUNC)          \
	S(MSG_DONTWAIT) S(MSG_EOR) S(MSG_WAITALL) S(MSG_NOSIGNAL) S(MSG_MORE)       \
	S(MSG_ERRQUEUE) S(MSG_FASTOPEN) S(MSG_ZEROCOPY) S(MSG_CONFIRM)              \
	S(SHUT_RD) S(SHUT_WR) S(SHUT_RDWR)                                          \
	S(POLLIN) S(POLLPRI) S(POLLOUT) S(POLLERR) S(POLLHUP) S(POLLNVAL)           \
	S(POLLRDNORM) S(POLLRDBAND) S(POLLWRNORM) S(POLLWRBAND) S(POLLMSG)          \
	S(POLLRDHUP)                                                                \
	S(EPOLLIN) S(EPOLLPRI) S(EPOLLOUT) S(EPOLLERR) S(EPOLLHUP) S(EPOLLRDNORM)   \
	S(EPOLLRDBAND) S(EPOLLWRNORM) S(EPOLLWRBAND) S(EPOLLMSG) S(EPOLLRDHUP)      \
	S(EPOLLET) S(EPOLLONESHOT) S(EPOLLEXCLUSIVE)                                \
	S(EPOLL_CTL_ADD) S(EPOLL_CTL_MOD) S(EPOLL_CTL_DEL) S(EPOLL_CLOEXEC)         \
	S(SIOCINQ) S(SIOCOUTQ) S(SIOCOUTQNSD) S(SIOCATMARK) S(FIONREAD) S(FIONBIO)  \
	S(TCP_CA_Open) S(TCP_CA_Disorder) S(TCP_CA_CWR) S(TCP_CA_Recovery)          \
	S(TCP_CA_Loss) S(TCPI_OPT_TIMESTAMPS) S(TCPI_OPT_SACK) S(TCPI_OPT_WSCALE)   \
	S(TCPI_OPT_ECN) S(TCPI_OPT_ECN_SEEN) S(TCPI_OPT_SYN_DATA)

static const struct sym {
	const char *name;
	int64_t value;
} symbols[] = {
#define S(n) { #n, (int64_t)(n) },
	SYMBOLS(S)
#undef S
	/* TCP states, as tcpi_state and code blocks name them */
	{ "TCP_ESTABLISHED", 1 }, { "TCP_SYN_SENT", 2 }, { "TCP_SYN_RECV", 3 },
	{ "TCP_FIN_WAIT1", 4 }, { "TCP_FIN_WAIT2", 5 }, { "TCP_TIME_WAIT", 6 },
	{ "TCP_CLOSE", 7 }, { "TCP_CLOSE_WAIT", 8 }, { "TCP_LAST_ACK", 9 },
	{ "TCP_LISTEN", 10 }, { "TCP_CLOSING", 11 }, { "TCP_NEW_SYN_RECV", 12 },
	{ "NULL", 0 },
	/* the BSD names of ICMP types and codes packetdrill's Linux symbols also take
	 * (sock_extended_err's ee_type/ee_code): RFC 792, RFC 4443 */
	{ "ICMP_UNREACH", 3 }, { "ICMP_UNREACH_NEEDFRAG", 4 }, { "ICMP6_PACKET_TOO_BIG", 2 },
};

bool engine_symbol(const char *name, int64_t *value)
{
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
		if (!strcmp(symbols[i].name, name)) {
			*value = symbols[i].value;
			return true;
		}
	int e = engine_errno_lookup(name);     /* [ECONNREFUSED] as an SO_ERROR value */
	if (e >= 0) {
		*value = e;
		return true;
	}
	return false;
}

#define ERRNOS(E)                                                                   \
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC)    \
	E(EBADF) E(ECHILD) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY)         \
	E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE)       \
	E(EMFILE) E(ENOTTY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK)         \
	E(EPIPE) E(EDOM) E(ERANGE) E(EDEADLK) E(ENAMETOOLONG) E(ENOSYS)             \
	E(ENOTEMPTY) E(ELOOP) E(ENOMSG) E(ENODATA) E(ETIME) E(EPROTO) E(EOVERFLOW)  \
	E(ENOTSOCK) E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT)        \
	E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(EOPNOTSUPP) E(EPFNOSUPPORT)         \
	E(EAFNOSUPPORT) E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETDOWN) E(ENETUNREACH)   \
	E(ENETRESET) E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS) E(EISCONN)            \
	E(ENOTCONN) E(ESHUTDOWN) E(ETIMEDOUT) E(ECONNREFUSED) E(EHOSTDOWN)          \
	E(EHOSTUNREACH) E(EALREADY) E(EINPROGRESS) E(ENOTSUP)

static const struct sym errnos[] = {
#define E(n) { #n, n },
	ERRNOS(E)
#undef E
	{ "EWOULDBLOCK", EWOULDBLOCK },
};

int engine_errno_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		if (!strcmp(errnos[i].name, name))
			return (int)errnos[i].value;
	return -1;
}

const char *engine_errno_name(int e)
{
	for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		if (errnos[i].value == e)
			return errnos[i].name;
	return NULL;
}

/* ---- names a script may use (the parser's check, dsl_names) ------------------------- */

/* System calls of Linux (and of packetdrill's forks) that scripts in public suites make
 * and tcpspec does not run: known names, so a script with one is unsupported (skipped,
 * exit 4) at run time, never an "unknown system call" error. */
static const char *const calls_unsupported[] = {
	"accept4", "socketpair", "getsockname", "getpeername", "dup", "dup2", "dup3",
	"sendmmsg", "recvmmsg", "epoll_create1", "epoll_pwait", "select", "pselect",
	"ppoll", "mmap", "munmap", "madvise", "sleep", "usleep", "nanosleep",
	"psp_tx_assoc", "psp_rx_assoc",
	"sctp_bindx", "sctp_connectx", "sctp_peeloff", "sctp_getpaddrs", "sctp_freepaddrs",
	"sctp_getladdrs", "sctp_freeladdrs", "sctp_sendmsg", "sctp_recvmsg", "sctp_send",
	"sctp_sendx", "sctp_sendv", "sctp_recvv", "sctp_opt_info",
};

/* Functions an argument may apply (htons(8080), inet_addr("192.0.2.1")). */
static const char *const functions[] = {
	"htons", "ntohs", "htonl", "ntohl", "inet_addr", "inet6_addr", "inet_pton",
};

/* Symbolic constants of Linux that public scripts name and that tcpspec gives no value
 * (yet): known, so the call is unsupported at run time, not a typo. */
static const char *const symbols_unsupported[] = {
	"SO_TIMESTAMPING", "SO_TIMESTAMPNS", "SO_TXTIME", "SO_PEEK_OFF", "SO_INCOMING_CPU",
	"SO_BUSY_POLL", "SO_RCVMARK", "SO_EE_ORIGIN_TIMESTAMPING", "SO_EE_ORIGIN_ZEROCOPY",
	"SO_EE_CODE_ZEROCOPY_COPIED", "SCM_TIMESTAMPING", "SCM_TSTAMP_SND", "SCM_TSTAMP_SCHED",
	"SCM_TSTAMP_ACK", "SOF_TIMESTAMPING_TX_SCHED", "SOF_TIMESTAMPING_TX_SOFTWARE",
	"SOF_TIMESTAMPING_TX_ACK", "SOF_TIMESTAMPING_SOFTWARE", "SOF_TIMESTAMPING_OPT_ID",
	"SOF_TIMESTAMPING_OPT_TSONLY", "SOF_TIMESTAMPING_OPT_STATS", "SOF_TIMESTAMPING_OPT_CMSG",
	"SOF_TIMESTAMPING_RX_SOFTWARE", "SOF_TIMESTAMPING_TX_RECORD_MASK",
	"TCP_ZEROCOPY_RECEIVE", "TCP_REPAIR_QUEUE", "TCP_QUEUE_SEQ", "TCP_REPAIR_OPTIONS",
	"TCP_REPAIR_WINDOW", "TCP_TX_DELAY", "TCP_MD5SIG_EXT", "TCP_FASTOPEN_KEY",
	"TCP_FASTOPEN_NO_COOKIE", "TCP_CC_INFO", "TCP_NLA_BUSY", "TCP_NLA_RWND_LIMITED",
	"TCP_NLA_SNDBUF_LIMITED", "TCP_NLA_DATA_SEGS_OUT", "TCP_NLA_TOTAL_RETRANS",
	"TCP_NLA_PACING_RATE", "TCP_NLA_DELIVERY_RATE", "TCP_NLA_SND_CWND",
	"TCP_NLA_REORDERING", "TCP_NLA_MIN_RTT", "TCP_NLA_RECUR_RETRANS",
	"TCP_NLA_DELIVERY_RATE_APP_LMT", "TCP_NLA_SNDQ_SIZE", "TCP_NLA_CA_STATE",
	"TCP_NLA_SND_SSTHRESH", "TCP_NLA_DELIVERED", "TCP_NLA_DELIVERED_CE",
	"TCP_NLA_BYTES_SENT", "TCP_NLA_BYTES_RETRANS", "TCP_NLA_DSACK_DUPS",
	"TCP_NLA_REORD_SEEN", "TCP_NLA_SRTT", "TCP_NLA_TIMEOUT_REHASH",
	"TCP_NLA_BYTES_NOTSENT", "TCP_NLA_EDT", "TCP_NLA_TTL", "TCP_NLA_REHASH",
	"SCM_TIMESTAMPNS", "SOL_UDP", "UDP_SEGMENT", "UDP_GRO", "IPPROTO_SCTP",
	"IPPROTO_MPTCP", "SOCK_SEQPACKET", "AF_UNIX", "AF_LOCAL", "PF_UNIX", "AF_PACKET", "MSG_NOTIFICATION", "IP_PKTINFO", "IPV6_RECVPKTINFO", "IPV6_PKTINFO", "IP_RECVTTL",
	"IPV6_RECVHOPLIMIT", "IPV6_HOPLIMIT", "EPOLLWAKEUP", "O_DIRECT", "MAP_SHARED", "MAP_PRIVATE",
	"PROT_READ", "PROT_WRITE", "MADV_DONTNEED",
	/* FreeBSD's (its packetdrill port) */
	"TCP_KEEPINIT", "TCP_NOOPT", "TCP_NOPUSH", "TCP_FUNCTION_BLK",
	"IPTOS_DSCP_CS1", "IPTOS_DSCP_CS7", "IPTOS_LOWDELAY",
	"IPTOS_THROUGHPUT", "TCP_RACK_PACE_MAX_SEG", "TCP_RACK_PACE_ALWAYS",
	"TCP_RACK_PACE_RATE_SS", "IPV6_USE_MIN_MTU",
	/* names packetdrill's own test runner defines per IP version (-D) */
	"CMSG_LEVEL_IP", "CMSG_TYPE_RECVERR",
};

static bool in(const char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

bool engine_symbol_runner_defined(const char *name)
{
	static const char *const runner[] = { "CMSG_LEVEL_IP", "CMSG_TYPE_RECVERR" };
	return in(runner, sizeof runner / sizeof runner[0], name);
}

#define IN(v, name) in(v, sizeof v / sizeof v[0], name)
#define OFFER(sg, v) for (size_t i_ = 0; i_ < sizeof v / sizeof v[0]; i_++) \
		dsl_suggest_offer(sg, v[i_])

bool engine_name_known(void *arg, enum dsl_name_kind kind, const char *name, char *hint,
		       size_t cap)
{
	const struct engine_opts *defs = arg;
	struct dsl_suggest sg;
	dsl_suggest_init(&sg, name);
	switch (kind) {
	case DSL_NAME_CALL:
		if (target_call_lookup(name) >= 0 || IN(calls_unsupported, name))
			return true;
		for (int k = 0; k < TARGET_CALL_COUNT; k++)
			dsl_suggest_offer(&sg, target_call_name(k));
		break;
	case DSL_NAME_FUNCTION:
		if (IN(functions, name))
			return true;
		OFFER(&sg, functions);
		break;
	case DSL_NAME_ERRNO:
		if (engine_errno_lookup(name) >= 0)
			return true;
		for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
			dsl_suggest_offer(&sg, errnos[i].name);
		break;
	case DSL_NAME_SYMBOL: {
		int64_t v;
		if (engine_symbol(name, &v) || IN(symbols_unsupported, name))
			return true;
		for (int i = 0; defs && i < defs->n_defines; i++)
			if (!strcmp(defs->defines[i][0], name))
				return true;
		/* a name in the TCP_INFO structure (tcpi_state) is a code block's, and
		 * a struct field written without its value names the field */
		if (engine_ostruct_kind_of(name) != ENGINE_OSTRUCT_NONE)
			return true;
		for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
			dsl_suggest_offer(&sg, symbols[i].name);
		for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
			dsl_suggest_offer(&sg, errnos[i].name);
		OFFER(&sg, symbols_unsupported);
		break;
	}
	}
	dsl_suggest_hint(&sg, hint, cap);
	return false;
}

/* An option line's value, as the run will read it (engine_opt_set), into scratch
 * options: parse and fmt refuse what run refuses. */
static int option_ok(void *arg, const char *name, const char *value, char *msg, size_t cap)
{
	(void)arg;
	struct engine_opts o;
	memset(&o, 0, sizeof o);
	return engine_opt_set(&o, name, value, msg, cap);
}

enum dsl_status engine_parse_script(const char *path, const struct engine_opts *cmdline,
				    bool evaluate_ifdefs, struct dsl_file **out,
				    struct dsl_diags *diags)
{
	struct dsl_names nm = {
		.known = engine_name_known,
		.arg = (void *)cmdline,
		.require_event = !(cmdline && cmdline->allow_empty),
		.option_ok = option_ok,
	};
	/* #ifdef blocks against the command line's definitions (-D NAME[=VALUE]) */
	const char *defined[ENGINE_MAX_DEFINES];
	size_t n_defined = 0;
	for (int i = 0; cmdline && i < cmdline->n_defines; i++)
		defined[n_defined++] = cmdline->defines[i][0];
	return dsl_parse_file_names(path, evaluate_ifdefs ? defined : NULL, n_defined, &nm, out,
				    diags);
}
