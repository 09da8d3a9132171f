/* lwip_options.c: socket options, fcntl, ioctl, poll and TCP_INFO for the lwIP plugin (see
 * lwip_plugin.h), in Linux's terms. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lwip_plugin.h"

#include "lwip/priv/tcp_priv.h"

/* Linux's TCP option numbers and struct tcp_info, after lwIP's headers: netinet/tcp.h
 * would redefine lwIP's TCP_MSS, linux/tcp.h does not. */
#include <linux/tcp.h>

#ifndef SIOCOUTQ
#define SIOCOUTQ TCPSPEC_LINUX_SIOCOUTQ
#endif
#ifndef SIOCINQ
#define SIOCINQ TCPSPEC_LINUX_SIOCINQ
#endif
#ifndef POLLRDHUP
#define POLLRDHUP TCPSPEC_LINUX_POLLRDHUP
#endif

static int opt_int(const struct target_call *c, int *v)
{
	if (c->opt.kind != TARGET_OPT_INT)
		return -EINVAL;
	*v = (int)c->opt.i;
	return 0;
}

/* The integer-valued options do_setsockopt() implements. */
static bool lw_int_option(const struct target_call *c)
{
	if (c->level == SOL_SOCKET)
		return c->optname == SO_REUSEADDR || c->optname == SO_KEEPALIVE;
	if (c->level == IPPROTO_TCP)
		return c->optname == TCP_NODELAY || c->optname == TCP_KEEPIDLE ||
		       c->optname == TCP_KEEPINTVL || c->optname == TCP_KEEPCNT;
	return false;
}

#define LW_CA_NAME_MAX 16       /* Linux's TCP_CA_NAME_MAX (net/tcp.h, not in the uapi) */

/* TCP_CONGESTION: lwIP has one congestion control, RFC 5681's slow start and congestion
 * avoidance, the algorithm Linux calls "reno" (its loss recovery differs from Linux's:
 * the expectations say where).  Another algorithm Linux has is unsupported (the script
 * is skipped); a name Linux does not know is ENOENT, as tcp_set_congestion_control(). */
static long set_congestion(const struct target_call *c, bool *unsup, struct lwplug *t)
{
	static const char *const others[] = {
		"cubic", "bbr", "bic", "cdg", "dctcp", "highspeed", "htcp", "hybla",
		"illinois", "lp", "nv", "scalable", "vegas", "veno", "westwood", "yeah",
	};
	char name[LW_CA_NAME_MAX];
	if (c->opt.kind != TARGET_OPT_BYTES || c->opt.nbytes == 0)
		return -EINVAL;
	size_t n = c->opt.nbytes < sizeof name - 1 ? c->opt.nbytes : sizeof name - 1;
	memcpy(name, c->opt.bytes, n);
	name[n] = 0;
	if (!strcmp(name, "reno"))
		return 0;
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (!strcmp(name, others[i]))
			return lwp_unsupported(t, unsup, "lwip has only lwIP's congestion "
					   "control (Linux's \"reno\"), not \"%s\"", name), 0;
	return -ENOENT;
}

long lwp_setsockopt(struct lsock *s, const struct target_call *c, bool *unsup,
			  struct lwplug *t)
{
	int v = 0;
	struct tcp_pcb *pcb = s->pcb;
	if (c->opt.kind == TARGET_OPT_NONE)
		return -EFAULT;
	if (c->level == IPPROTO_TCP && c->optname == TCP_CONGESTION)
		return set_congestion(c, unsup, t);
	if (c->level == SOL_SOCKET && c->optname == SO_LINGER) {
		if (c->opt.kind != TARGET_OPT_LINGER)
			return -EINVAL;
		if (c->opt.linger.onoff && c->opt.linger.linger > 0)
			return lwp_unsupported(t, unsup, "lwip has no SO_LINGER with a "
					   "timeout (a close that blocks %d s)",
					   c->opt.linger.linger), 0;
		s->linger_on = c->opt.linger.onoff != 0;
		s->linger_s = c->opt.linger.linger;
		return 0;
	}
	if (opt_int(c, &v)) {
		/* A structured value (e.g. the struct timeval of SO_RCVTIMEO) for an option
		 * this target does not implement is unsupported, not EINVAL. */
		if (!lw_int_option(c))
			return lwp_unsupported(t, unsup, "lwip does not implement %s "
					   "level %d option %d", "setsockopt", c->level,
					   c->optname), 0;
		return -EINVAL;
	}
	if (c->level == SOL_SOCKET) {
		u8_t flag = c->optname == SO_REUSEADDR ? SOF_REUSEADDR :
			    c->optname == SO_KEEPALIVE ? SOF_KEEPALIVE : 0;
		if (flag) {
			if (!pcb)
				return s->dead ? -EINVAL : -EBADF;
			if (v)
				ip_set_option(pcb, flag);
			else
				ip_reset_option(pcb, flag);
			return 0;
		}
	} else if (c->level == IPPROTO_TCP) {
		switch (c->optname) {
		case TCP_NODELAY:
			s->nodelay = v != 0;    /* accepted connections inherit it */
			if (!pcb || s->kind == LS_LISTEN)
				return 0;
			if (v)
				tcp_nagle_disable(pcb);
			else
				tcp_nagle_enable(pcb);
			if (v && s->kind == LS_CONN && s->connected)
				tcp_output(pcb);
			return 0;
		case TCP_KEEPIDLE:
		case TCP_KEEPINTVL:
			if (v < 1 || v > 32767)
				return -EINVAL;
			if (!pcb || s->kind == LS_LISTEN)
				break;  /* a listener's values are not inherited by lwIP */
			if (c->optname == TCP_KEEPIDLE)
				pcb->keep_idle = (u32_t)v * 1000;
			else
				pcb->keep_intvl = (u32_t)v * 1000;
			return 0;
		case TCP_KEEPCNT:
			if (v < 1 || v > 127)
				return -EINVAL;
			if (!pcb || s->kind == LS_LISTEN)
				break;
			pcb->keep_cnt = (u32_t)v;
			return 0;
		}
	}
	lwp_unsupported(t, unsup, "lwip does not implement %s level %d option %d",
		    "setsockopt", c->level, c->optname);
	return 0;
}

/* ---- TCP_INFO: what lwIP's pcb knows, in Linux's units ------------------------------- */

static int linux_state(enum tcp_state s)
{
	switch (s) {
	case ESTABLISHED: return 1;
	case SYN_SENT: return 2;
	case SYN_RCVD: return 3;
	case FIN_WAIT_1: return 4;
	case FIN_WAIT_2: return 5;
	case TIME_WAIT: return 6;
	case CLOSED: return 7;
	case CLOSE_WAIT: return 8;
	case LAST_ACK: return 9;
	case LISTEN: return 10;
	case CLOSING: return 11;
	}
	return 7;
}

/* Linux's congestion-avoidance state (TCP_CA_Open 0, Disorder 1, Recovery 3, Loss 4)
 * from what lwIP records: TF_RTO from a retransmission timeout until everything then in
 * flight is acknowledged (rto_end), as Linux's Loss until high_seq; TF_INFR in fast
 * recovery; duplicate ACKs counted short of fast retransmit (Linux counts them as
 * sacked_out without SACK: Disorder).  lwIP has no ECN nor local congestion, so never
 * CWR (2). */
static int ca_state(const struct tcp_pcb *p)
{
	if (p->flags & TF_RTO)
		return 4;
	if (p->flags & TF_INFR)
		return 3;
	return p->dupacks ? 1 : 0;
}

/* The fields lwIP tracks; the others stay invalid: the engine leaves them unbound, so a
 * code block reading one fails naming it instead of seeing a made-up zero. */
void lwp_info_view(const struct lsock *s, struct target_tcp_info *ti)
{
	memset(ti, 0, sizeof *ti);
#define SET(f, val) do { ti->v[TARGET_TI_##f] = (int64_t)(val); \
			 ti->valid |= 1ull << TARGET_TI_##f; } while (0)
	const struct tcp_pcb *p = s->pcb;
	if (!p || s->kind == LS_LISTEN) {
		SET(state, s->kind == LS_LISTEN ? 10 : 7);
		return;
	}
	unsigned unacked = 0;
	for (const struct tcp_seg *g = p->unacked; g; g = g->next)
		unacked++;
	SET(state, linux_state(p->state));
	SET(ca_state, ca_state(p));
	SET(retransmits, p->nrtx);
	SET(backoff, p->nrtx);
	SET(snd_mss, p->mss);
	SET(rto, (int64_t)p->rto * TCP_SLOW_INTERVAL * 1000);
	SET(unacked, unacked);
	SET(snd_cwnd, p->mss ? p->cwnd / p->mss : 0);
	SET(snd_ssthresh, p->mss ? p->ssthresh / p->mss : 0);
	SET(snd_wnd, p->snd_wnd);
	SET(notsent_bytes, (u32_t)(p->snd_lbb - p->snd_nxt));
	/* Without a negotiated window scale neither window is shifted: both counts are 0,
	 * as Linux reports them (and as lwIP's SND/RCV_WND_SCALE then apply). */
	if (p->flags & TF_WND_SCALE) {
		SET(snd_wscale, p->snd_scale);
		SET(rcv_wscale, p->rcv_scale);
		SET(options, TCPI_OPT_WSCALE);
	} else {
		SET(snd_wscale, 0);
		SET(rcv_wscale, 0);
		SET(options, 0);
	}
#undef SET
}

/* getsockopt(TCP_INFO): Linux's struct tcp_info, min(buffer, struct) bytes copied and
 * the length set to that, as do_tcp_getsockopt() does.  Fields lwIP does not track are
 * zero there, as a kernel that lacks them leaves them. */
static long tcp_info_bytes(const struct lsock *s, const struct target_call *c,
			   struct target_result *r)
{
	struct target_tcp_info ti;
	struct tcp_info li;
	lwp_info_view(s, &ti);
	memset(&li, 0, sizeof li);
	li.tcpi_state = (uint8_t)ti.v[TARGET_TI_state];
	li.tcpi_ca_state = (uint8_t)ti.v[TARGET_TI_ca_state];
	li.tcpi_retransmits = (uint8_t)ti.v[TARGET_TI_retransmits];
	li.tcpi_backoff = (uint8_t)ti.v[TARGET_TI_backoff];
	li.tcpi_options = (uint8_t)ti.v[TARGET_TI_options];
	li.tcpi_snd_wscale = (uint8_t)ti.v[TARGET_TI_snd_wscale] & 0xf;
	li.tcpi_rcv_wscale = (uint8_t)ti.v[TARGET_TI_rcv_wscale] & 0xf;
	li.tcpi_rto = (uint32_t)ti.v[TARGET_TI_rto];
	li.tcpi_snd_mss = (uint32_t)ti.v[TARGET_TI_snd_mss];
	li.tcpi_unacked = (uint32_t)ti.v[TARGET_TI_unacked];
	li.tcpi_snd_ssthresh = (uint32_t)ti.v[TARGET_TI_snd_ssthresh];
	li.tcpi_snd_cwnd = (uint32_t)ti.v[TARGET_TI_snd_cwnd];
	li.tcpi_notsent_bytes = (uint32_t)ti.v[TARGET_TI_notsent_bytes];
	li.tcpi_snd_wnd = (uint32_t)ti.v[TARGET_TI_snd_wnd];
	size_t n = c->optlen < sizeof li ? c->optlen : sizeof li;
	if (n > sizeof r->opt.bytes)
		n = sizeof r->opt.bytes;
	r->opt.kind = TARGET_OPT_BYTES;
	r->opt.nbytes = n;
	memcpy(r->opt.bytes, &li, n);
	r->optlen = (socklen_t)n;
	return 0;
}

long lwp_getsockopt(struct lsock *s, const struct target_call *c,
			  struct target_result *r, bool *unsup, struct lwplug *t)
{
	struct tcp_pcb *pcb = s->pcb;
	long v;
	if (c->level == SOL_SOCKET && c->optname == SO_LINGER) {
		r->opt.kind = TARGET_OPT_LINGER;
		r->opt.linger.onoff = s->linger_on;
		r->opt.linger.linger = s->linger_s;
		r->optlen = sizeof(struct linger);
		return 0;
	}
	if (c->level == SOL_SOCKET && c->optname == SO_ERROR) {
		v = -lwp_take_err(s);
	} else if (c->level == SOL_SOCKET && c->optname == SO_TYPE) {
		v = SOCK_STREAM;
	} else if (c->level == SOL_SOCKET &&
		   (c->optname == SO_REUSEADDR || c->optname == SO_KEEPALIVE)) {
		if (!pcb)
			return -EINVAL;
		v = ip_get_option(pcb, c->optname == SO_REUSEADDR ? SOF_REUSEADDR
								  : SOF_KEEPALIVE) != 0;
	} else if (c->level == IPPROTO_TCP && c->optname == TCP_NODELAY) {
		v = s->nodelay;
	} else if (c->level == IPPROTO_TCP && s->kind == LS_CONN && pcb &&
		   (c->optname == TCP_KEEPIDLE || c->optname == TCP_KEEPINTVL ||
		    c->optname == TCP_KEEPCNT)) {
		v = c->optname == TCP_KEEPIDLE ? (long)(pcb->keep_idle / 1000) :
		    c->optname == TCP_KEEPINTVL ? (long)(pcb->keep_intvl / 1000) :
		    (long)pcb->keep_cnt;
	} else if (c->level == IPPROTO_TCP && c->optname == TCP_INFO) {
		return tcp_info_bytes(s, c, r);
	} else if (c->level == IPPROTO_TCP && c->optname == TCP_CONGESTION) {
		/* the name, NUL-padded, min(optlen, LW_CA_NAME_MAX) bytes as Linux */
		size_t n = c->optlen < LW_CA_NAME_MAX ? c->optlen : LW_CA_NAME_MAX;
		if (n > sizeof r->opt.bytes)
			n = sizeof r->opt.bytes;
		r->opt.kind = TARGET_OPT_BYTES;
		memset(r->opt.bytes, 0, n);
		memcpy(r->opt.bytes, "reno", n < 4 ? n : 4);
		r->opt.nbytes = n;
		r->optlen = (unsigned)n;
		return 0;
	} else if (c->level == IPPROTO_TCP && c->optname == TCP_MAXSEG && s->kind == LS_CONN &&
		   pcb && pcb->state >= ESTABLISHED) {
		v = pcb->mss;           /* the effective send MSS, as Linux reports it */
	} else {
		lwp_unsupported(t, unsup, "lwip does not implement %s level %d "
			    "option %d", "getsockopt", c->level, c->optname);
		return 0;
	}
	r->opt.kind = TARGET_OPT_INT;
	r->opt.i = v;
	r->optlen = sizeof(int);
	return 0;
}

long lwp_fcntl(struct lsock *s, const struct target_call *c)
{
	switch (c->cmd) {
	case F_GETFL:
		return O_RDWR | (s->nonblock ? O_NONBLOCK : 0);
	case F_SETFL:
		s->nonblock = (c->arg & O_NONBLOCK) != 0;
		return 0;
	case F_GETFD:
	case F_SETFD:
		return 0;
	default:
		return -EINVAL;
	}
}

static short poll_events(struct lsock *s)
{
	short ev = 0;
	if (s->kind == LS_LISTEN)
		return s->aqlen ? POLLIN : 0;
	if (s->rlen || s->fin_rcvd || s->shut_rd)
		ev |= POLLIN;
	if (s->fin_rcvd || s->shut_rd)
		ev |= POLLRDHUP;
	if (s->err)
		ev |= POLLERR;
	if (s->dead) {
		ev |= POLLIN | POLLHUP | POLLRDHUP | POLLOUT;
		return ev;
	}
	if (s->connected && s->pcb && !s->shut_wr && tcp_sndbuf(s->pcb) > 0 &&
	    tcp_sndqueuelen(s->pcb) < TCP_SND_QUEUELEN)
		ev |= POLLOUT;
	if (s->shut_wr)
		ev |= POLLOUT;  /* Linux: writable, the write then fails with EPIPE */
	if (s->fin_rcvd && s->shut_wr)
		ev |= POLLHUP;
	if (!s->connected && !s->connecting && s->kind == LS_CONN)
		ev |= POLLOUT | POLLHUP;        /* Linux: an unconnected TCP socket */
	return ev;
}

long lwp_poll(struct lwplug *w, const struct target_call *c, struct target_result *r)
{
	int ready = 0;
	r->nfds = c->nfds;
	for (int i = 0; i < c->nfds && i < TARGET_MAX_POLLFD; i++) {
		r->pfd[i].fd = c->pfd[i].fd;
		r->pfd[i].events = c->pfd[i].events;
		struct lsock *s = lwp_sock_of(w, c->pfd[i].fd);
		short ev = s ? poll_events(s) : POLLNVAL;
		r->pfd[i].revents = ev & (c->pfd[i].events | POLLERR | POLLHUP | POLLNVAL);
		if (r->pfd[i].revents)
			ready++;
	}
	if (ready || c->timeout_ms == 0)
		return ready;
	if (c->timeout_ms > 0 &&
	    lwp_vnow_ns >= w->pend_start + (int64_t)c->timeout_ms * 1000000)
		return 0;
	return LW_PENDING;
}

long lwp_ioctl(struct lsock *s, const struct target_call *c, struct target_result *r,
		     bool *unsup, struct lwplug *t)
{
	if (c->cmd == SIOCINQ) {
		if (s->kind == LS_LISTEN)
			return -EINVAL;
		r->ioctl_val = (int64_t)s->rlen;
		return 0;
	}
	if (c->cmd == SIOCOUTQ) {
		if (s->kind == LS_LISTEN)
			return -EINVAL;
		r->ioctl_val = s->pcb ? (int64_t)(u32_t)(s->pcb->snd_lbb - s->pcb->lastack) : 0;
		return 0;
	}
	lwp_unsupported(t, unsup, "lwip does not implement ioctl request %#x",
		    c->cmd);
	return 0;
}
