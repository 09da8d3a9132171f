/* target-adapters/lwip.c: the lwip target, lwIP 2.1 from Debian's liblwip-dev driven in
 * process through its raw API, on virtual time, without privileges.
 *
 *   inject         IP bytes -> a pbuf -> ip_input() on a netif of our own
 *   outbound       the netif's output/output_ip6 hooks copy each datagram to a queue
 *   call           a small socket emulation over tcp_new/tcp_bind/tcp_listen/... :
 *                  fds, blocking calls that stay PENDING until lwIP's callbacks
 *                  complete them, Linux errno values
 *   advance        lwIP's own timeout list (sys_check_timeouts) with sys_now()
 *                  interposed: this file defines sys_now(), which the executable
 *                  exports to liblwip.so (the library calls it through its PLT), so
 *                  lwIP's timers, tcp_ticks and RTO all run on the script's clock
 *
 *   tcp_info       the pcb's fields in Linux's units, for code blocks and for
 *                  getsockopt(TCP_INFO) as Linux's struct tcp_info
 *
 * What the Debian build fixes (lwipopts.h, lwIP 2.1.3): NO_SYS=0 with
 * LWIP_TCPIP_CORE_LOCKING=1, but we never start the tcpip thread: lwip_init() alone,
 * every call from this one thread, and sys_check_core_locking() only checks once a
 * tcpip thread exists.  The little work lwIP posts to that thread
 * (tcpip_try_callback: loopback to the stack's own address) is interposed like
 * sys_now() and run here after each entry point.  TCP_MSS 1460, TCP_WND 0xFFFF, LWIP_WND_SCALE with
 * TCP_RCV_SCALE 1, TCP_SND_BUF 0xFFFF; no timestamps (LWIP_TCP_TIMESTAMPS 0), no SACK
 * (LWIP_TCP_SACK_OUT 0), TCP_LISTEN_BACKLOG 0 (listen backlogs are ignored), keepalive
 * and SO_REUSE compiled in; timers on a 250 ms grid (tcp_fasttmr) and 500 ms ticks
 * (tcp_slowtmr).  Socket buffer sizes, TCP_MAXSEG, TCP_CORK and the rest of the
 * options Linux has are compile-time constants or absent: they are reported as
 * unsupported, so the script is skipped, never passed.
 *
 * Isolation: lwIP keeps its state in globals (pcb lists, tcp_ticks, the ISN counter,
 * the timeout list) that no API resets.  The engine runs every script in a process
 * of its own (engine/jobs.c forks one per job), and this target says so with
 * TARGET_OWN_PROCESS.  lwip_init() runs once per process; close() aborts every pcb and
 * removes the netif, so a second open in the same process (unit tests) works, with
 * the ISN and local ports continuing from the previous run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "target-adapters/common/pktq.h"
#include "target-adapters/common/shellmap.h"
#include "target-adapters/target.h"

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"

/* Linux's TCP option numbers and struct tcp_info, after lwIP's headers: netinet/tcp.h
 * would redefine lwIP's TCP_MSS, linux/tcp.h does not. */
#include <linux/tcp.h>

#ifndef SIOCOUTQ
#define SIOCOUTQ 0x5411
#endif
#ifndef SIOCINQ
#define SIOCINQ 0x541B
#endif
#ifndef POLLRDHUP
#define POLLRDHUP 0x2000
#endif

/* ---- virtual time: lwIP reads the clock only through sys_now() ---------------------- */

static int64_t lwip_vnow_ns;

/* Interposes the unix port's sys_now() (CLOCK_MONOTONIC): the name is lwIP's, not ours,
 * which is the point. */
u32_t sys_now(void)
{
	return (u32_t)(lwip_vnow_ns / 1000000);
}

/* ---- deferred callbacks: the tcpip thread's job, done in our own thread ------------ */

/* With NO_SYS 0, lwIP hands some work to the tcpip thread through tcpip_try_callback():
 * netif_loop_output() (a segment to the stack's own address, LWIP_NETIF_LOOPBACK with
 * LWIP_NETIF_LOOPBACK_MULTITHREADING) and pbuf_free_ooseq_pending().  There is no such
 * thread here (its mailbox does not exist: the library would assert and abort), so
 * this definition, again reached through liblwip.so's PLT, queues the call and
 * lw_run_deferred() makes it once the current lwIP entry point has returned. */
struct lw_deferred {
	tcpip_callback_fn fn;
	void *ctx;
};

static struct lw_deferred lw_defq[64];
static size_t lw_defq_len;

err_t tcpip_try_callback(tcpip_callback_fn fn, void *ctx)
{
	if (lw_defq_len == sizeof lw_defq / sizeof lw_defq[0])
		return ERR_MEM;         /* as a full mailbox: lwIP retries or drops */
	lw_defq[lw_defq_len++] = (struct lw_deferred){ fn, ctx };
	return ERR_OK;
}

static void lw_run_deferred(void)
{
	for (size_t i = 0; i < lw_defq_len; i++)     /* a call may queue more */
		lw_defq[i].fn(lw_defq[i].ctx);
	lw_defq_len = 0;
}

/* ---- sockets -------------------------------------------------------------------------- */

enum lsock_kind { LS_FREE, LS_CONN, LS_LISTEN };

struct lsock {
	enum lsock_kind kind;
	int fd;                         /* -1 while waiting in a listener's queue */
	int domain;                     /* AF_INET or AF_INET6 */
	struct tcp_pcb *pcb;            /* NULL once lwIP freed it (error) or we let go */
	struct lwpriv *owner;
	bool nonblock;
	bool bound;
	bool connecting, connected, connect_reported;
	bool conn_failed;               /* the connection attempt ended in an error */
	bool need_new_pcb;              /* that was reported: the next connect starts over */
	bool fin_rcvd;                  /* recv callback with p == NULL */
	bool shut_wr, shut_rd;
	bool dead;                      /* lwIP freed the pcb (reset, abort, timeout) */
	int err;                        /* pending error for SO_ERROR / the next call */
	bool nodelay;                   /* TCP_NODELAY: kept here because a listening pcb
					 * (struct tcp_pcb_listen) has no flags field */
	bool linger_on;
	int linger_s;
	uint8_t *rbuf;                  /* received, not yet read */
	size_t rlen, rcap;
	/* listener: established connections not accepted yet */
	struct lsock **aq;
	size_t aqlen, aqcap;
	struct lsock *listener;         /* the listener of a connection not yet accepted */
};


struct lwpriv {
	struct netif nif;
	bool nif_added;
	struct lsock **fds;             /* by fd */
	size_t nfds;
	struct lsock **all;             /* every socket, accepted or not, for cleanup */
	size_t nall, allcap;
	struct target_pktq out;         /* what lwIP sent, in order */
	bool pending;
	struct target_call pc;
	int64_t pend_start;
	size_t pend_done;               /* bytes a blocking write already queued */
	int64_t poll_deadline;
	const struct target_config *cfg;
};

static struct lwpriv *lw_current;   /* lwIP's netif callbacks carry no context of ours */
static bool lw_initialised;

static struct lwpriv *P(struct target *t) { return t->priv; }

/* ---- outbound --------------------------------------------------------------------- */

/* Keep TCP and ICMP; neighbour discovery and MLD reports (which the netif never asks
 * for: no ETHARP, no MLD6 flag) would be noise the script cannot describe. */
static bool keep_outbound(const uint8_t *d, size_t len)
{
	if (len < 20)
		return false;
	if ((d[0] >> 4) == 4)
		return d[9] == IP_PROTO_TCP || d[9] == IP_PROTO_ICMP;
	if ((d[0] >> 4) != 6 || len < 40)
		return false;
	if (d[6] == IP6_NEXTH_TCP)
		return true;
	if (d[6] == IP6_NEXTH_ICMP6 && len >= 41)
		return d[40] < 128;     /* errors only, not ND (133-137) or MLD (130-132) */
	return false;
}

static err_t queue_out(struct netif *nif, struct pbuf *p)
{
	struct lwpriv *w = nif->state;
	size_t len = p->tot_len;
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return ERR_MEM;
	pbuf_copy_partial(p, copy, p->tot_len, 0);
	int rc = keep_outbound(copy, len) ? target_pktq_push(&w->out, lwip_vnow_ns, copy, len) : 0;
	free(copy);
	return rc == 0 ? ERR_OK : ERR_MEM;
}

static err_t out4(struct netif *nif, struct pbuf *p, const ip4_addr_t *dst)
{
	(void)dst;
	return queue_out(nif, p);
}

static err_t out6(struct netif *nif, struct pbuf *p, const ip6_addr_t *dst)
{
	(void)dst;
	return queue_out(nif, p);
}

static err_t nif_init(struct netif *nif)
{
	nif->name[0] = 't';
	nif->name[1] = 's';
	nif->output = out4;
	nif->output_ip6 = out6;
	nif->flags = NETIF_FLAG_BROADCAST;
	return ERR_OK;
}

/* ---- sockets: bookkeeping ----------------------------------------------------------- */

static struct lsock *sock_new(struct lwpriv *w, int domain)
{
	struct lsock *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	if (w->nall == w->allcap) {
		size_t n = w->allcap ? w->allcap * 2 : 16;
		struct lsock **a = realloc(w->all, n * sizeof *a);
		if (!a) {
			free(s);
			return NULL;
		}
		w->all = a;
		w->allcap = n;
	}
	w->all[w->nall++] = s;
	s->fd = -1;
	s->domain = domain;
	s->owner = w;
	s->kind = LS_CONN;
	return s;
}

static int fd_alloc(struct lwpriv *w, struct lsock *s)
{
	size_t fd = 3;
	while (fd < w->nfds && w->fds[fd])
		fd++;
	if (fd >= w->nfds) {
		size_t n = w->nfds ? w->nfds * 2 : 16;
		while (n <= fd)
			n *= 2;
		struct lsock **a = realloc(w->fds, n * sizeof *a);
		if (!a)
			return -ENOMEM;
		memset(a + w->nfds, 0, (n - w->nfds) * sizeof *a);
		w->fds = a;
		w->nfds = n;
	}
	w->fds[fd] = s;
	s->fd = (int)fd;
	return (int)fd;
}

static struct lsock *sock_of(struct lwpriv *w, int fd)
{
	if (fd < 0 || (size_t)fd >= w->nfds)
		return NULL;
	return w->fds[fd];
}

/* Forget our callbacks on a pcb we let go of (lwIP may keep it for FIN-WAIT, TIME-WAIT). */
static void pcb_detach(struct tcp_pcb *pcb, bool listening)
{
	tcp_arg(pcb, NULL);
	if (listening) {
		tcp_accept(pcb, NULL);
		return;
	}
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

static bool rbuf_append(struct lsock *s, struct pbuf *p)
{
	size_t need = s->rlen + p->tot_len;
	if (need > s->rcap) {
		size_t n = s->rcap ? s->rcap : 4096;
		while (n < need)
			n *= 2;
		uint8_t *b = realloc(s->rbuf, n);
		if (!b)
			return false;
		s->rbuf = b;
		s->rcap = n;
	}
	pbuf_copy_partial(p, s->rbuf + s->rlen, p->tot_len, 0);
	s->rlen = need;
	return true;
}

/* ---- lwIP callbacks ------------------------------------------------------------------ */

static err_t cb_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct lsock *s = arg;
	if (!s || s->kind != LS_CONN) {
		if (p)
			pbuf_free(p);
		return ERR_OK;
	}
	if (!p) {
		s->fin_rcvd = true;
		return ERR_OK;
	}
	if (err != ERR_OK || !rbuf_append(s, p))
		return ERR_MEM;         /* lwIP keeps the data and offers it again */
	/* The window opens again only when the application reads (tcp_recved in read). */
	pbuf_free(p);
	(void)pcb;
	return ERR_OK;
}

static void cb_err(void *arg, err_t err)
{
	struct lsock *s = arg;
	if (!s || s->kind != LS_CONN)
		return;
	/* the pcb is already freed */
	s->pcb = NULL;
	s->dead = true;
	if (s->connecting && !s->connected) {
		s->err = err == ERR_RST ? ECONNREFUSED : ETIMEDOUT;
		s->conn_failed = true;
	} else if (err == ERR_RST) {
		/* Linux tcp_reset(): EPIPE in CLOSE-WAIT, ECONNRESET elsewhere */
		s->err = s->fin_rcvd && !s->shut_wr ? EPIPE : ECONNRESET;
	} else {
		s->err = err == ERR_ABRT ? ETIMEDOUT : EPIPE;
	}
	s->connecting = false;
}

static err_t cb_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct lsock *s = arg;
	(void)pcb;
	if (s && s->kind == LS_CONN && err == ERR_OK) {
		s->connected = true;
		s->connecting = false;
	}
	return ERR_OK;
}

static void conn_callbacks(struct lsock *s)
{
	tcp_arg(s->pcb, s);
	tcp_recv(s->pcb, cb_recv);
	tcp_err(s->pcb, cb_err);
}

static err_t cb_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct lsock *l = arg;
	if (err != ERR_OK || !newpcb)
		return ERR_VAL;
	if (!l || l->kind != LS_LISTEN) {
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	struct lwpriv *w = l->owner;
	struct lsock *s = sock_new(w, l->domain);
	if (!s) {
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	if (l->aqlen == l->aqcap) {
		size_t n = l->aqcap ? l->aqcap * 2 : 8;
		struct lsock **a = realloc(l->aq, n * sizeof *a);
		if (!a) {
			s->kind = LS_FREE;
			tcp_abort(newpcb);
			return ERR_ABRT;
		}
		l->aq = a;
		l->aqcap = n;
	}
	s->pcb = newpcb;
	s->connected = true;
	s->connect_reported = true;
	s->listener = l;
	if (l->nodelay) {
		s->nodelay = true;
		tcp_nagle_disable(newpcb);
	}
	conn_callbacks(s);
	l->aq[l->aqlen++] = s;
	return ERR_OK;
}

/* ---- addresses --------------------------------------------------------------------- */

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool sa_to_ip(const struct sockaddr_storage *ss, socklen_t len, ip_addr_t *ip,
		     uint16_t *port)
{
	if (ss->ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *a = (const void *)ss;
		ip_addr_set_zero_ip4(ip);
		ip_2_ip4(ip)->addr = a->sin_addr.s_addr;
		*port = ntohs(a->sin_port);
		return true;
	}
	if (ss->ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *a = (const void *)ss;
		*port = ntohs(a->sin6_port);
		if (!memcmp(&a->sin6_addr, v4mapped, 12)) {
			ip_addr_set_zero_ip4(ip);
			memcpy(&ip_2_ip4(ip)->addr, a->sin6_addr.s6_addr + 12, 4);
			return true;
		}
		if (IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr)) {
			/* a dual-stack wildcard, as Linux's AF_INET6 sockets are */
			ip_addr_copy(*ip, *IP_ANY_TYPE);
			return true;
		}
		ip_addr_set_zero_ip6(ip);
		memcpy(ip_2_ip6(ip)->addr, &a->sin6_addr, 16);
		ip6_addr_clear_zone(ip_2_ip6(ip));
		return true;
	}
	return false;
}

static socklen_t ip_to_sa(int domain, const ip_addr_t *ip, uint16_t port,
			  struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (domain == AF_INET6) {
		struct sockaddr_in6 *a = (void *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (IP_IS_V4(ip)) {
			memcpy(&a->sin6_addr, v4mapped, 12);
			memcpy(a->sin6_addr.s6_addr + 12, &ip_2_ip4(ip)->addr, 4);
		} else {
			memcpy(&a->sin6_addr, ip_2_ip6(ip)->addr, 16);
		}
		return sizeof *a;
	}
	struct sockaddr_in *a = (void *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr.s_addr = IP_IS_V4(ip) ? ip_2_ip4(ip)->addr : 0;
	return sizeof *a;
}

static long lwerr(err_t e)
{
	switch (e) {
	case ERR_OK: return 0;
	case ERR_MEM: case ERR_BUF: return -ENOMEM;
	case ERR_TIMEOUT: return -ETIMEDOUT;
	case ERR_RTE: return -EHOSTUNREACH;
	case ERR_INPROGRESS: return -EINPROGRESS;
	case ERR_VAL: case ERR_ARG: return -EINVAL;
	case ERR_WOULDBLOCK: return -EAGAIN;
	case ERR_USE: return -EADDRINUSE;
	case ERR_ALREADY: return -EALREADY;
	case ERR_ISCONN: return -EISCONN;
	case ERR_CONN: return -ENOTCONN;
	case ERR_IF: return -ENETUNREACH;
	case ERR_ABRT: return -ECONNABORTED;
	case ERR_RST: return -ECONNRESET;
	case ERR_CLSD: return -ENOTCONN;
	default: return -EIO;
	}
}

/* ---- settings: lwIP's features are compile-time constants --------------------------- */

/* 0 when the value is what this lwIP build does anyway, -1 unknown name, -2 other value */
static int check_setting(const char *name, const char *value)
{
	char dotted[128];
	if (!strncmp(name, "net/", 4)) {
		snprintf(dotted, sizeof dotted, "%s", name);
		for (char *q = dotted; *q; q++)
			if (*q == '/')
				*q = '.';
		name = dotted;
	}
	char *end;
	long v = strtol(value, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == value || *end)
		return -2;
	static const struct { const char *name; long value; } fixed[] = {
		{ "net.ipv4.tcp_timestamps", 0 },       /* LWIP_TCP_TIMESTAMPS 0 */
		{ "net.ipv4.tcp_sack", 0 },             /* LWIP_TCP_SACK_OUT 0 */
		{ "net.ipv4.tcp_dsack", 0 },
		{ "net.ipv4.tcp_fack", 0 },
		{ "net.ipv4.tcp_window_scaling", 1 },   /* LWIP_WND_SCALE 1 */
		{ "net.ipv4.tcp_ecn", 0 },
		{ "net.ipv4.tcp_fastopen", 0 },
		{ "net.ipv4.tcp_mtu_probing", 0 },
		{ "net.ipv4.tcp_early_retrans", 0 },
		{ "net.ipv4.tcp_autocorking", 0 },
		{ "net.ipv4.tcp_syncookies", 0 },
		{ "net.ipv4.tcp_frto", 0 },
		{ "net.ipv4.tcp_abort_on_overflow", 0 },
		{ "net.ipv4.tcp_no_metrics_save", 1 },  /* no route metrics cache */
		{ "net.ipv4.tcp_syn_linear_timeouts", 0 },
		{ "net.ipv4.tcp_rfc1337", 1 },          /* tcp_timewait_input drops RSTs */
		{ "net.ipv4.tcp_slow_start_after_idle", 0 }, /* no cwnd restart */
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (!strcmp(name, fixed[i].name))
			return v == fixed[i].value ? 0 : -2;
	return -1;
}

static int check_cb(void *ctx, const char *name, const char *value)
{
	(void)ctx;
	return check_setting(name, value);
}

/* Shell lines: the sysctl settings they make, each one lwIP as built has fixed
 * (target-adapters/common/shellmap.h); nothing is run. */
static int lw_shell(struct target *t, const char *cmd, int *exit_status)
{
	struct lwpriv *w = P(t);
	struct target_shellmap m = {
		.target_name = "lwip", .script_path = w->cfg->script_path,
		.fresh = w->nall == 0, .apply = check_cb,
		.fixed_why = "Debian builds lwIP with the feature fixed at compile time",
	};
	return target_shellmap_run(t, &m, cmd, exit_status);
}

/* ---- open / close ------------------------------------------------------------------- */

static int lw_open(struct target *t, const struct target_config *cfg)
{
	if (lw_current)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "lwIP is already open in this process (one lwip target at "
				    "a time: lwIP's state is global)");
	struct lwpriv *w = calloc(1, sizeof *w);
	if (!w)
		return target_diagf(&t->diag, TARGET_ERROR, "out of memory");
	t->priv = w;
	w->cfg = cfg;
	w->poll_deadline = INT64_MAX;
	for (size_t i = 0; i < cfg->n_settings; i++) {
		int rc = check_setting(cfg->settings[i].name, cfg->settings[i].value);
		if (rc != 0)
			rc = target_diagf(&t->diag, TARGET_UNSUPPORTED,
					  "the lwip target %s %s = %s", rc == -1 ?
					  "has no setting" : "cannot take", cfg->settings[i].name,
					  cfg->settings[i].value);
		if (rc != TARGET_OK) {
			free(w);
			t->priv = NULL;
			return rc;
		}
	}
	lwip_vnow_ns = 0;
	if (!lw_initialised) {
		lwip_init();
		lw_initialised = true;
	} else {
		sys_restart_timeouts();  /* rebase the timeout list onto the new clock */
	}
	lw_current = w;

	ip4_addr_t ip4, mask4, gw4;
	ip4_addr_set_zero(&ip4);
	ip4_addr_set_zero(&mask4);
	ip4_addr_set_zero(&gw4);
	if (cfg->local_ip.family == AF_INET) {
		ip4.addr = cfg->local_ip.u.v4.s_addr;
		int pl = cfg->prefix_len > 0 && cfg->prefix_len <= 32 ? cfg->prefix_len : 24;
		mask4.addr = htonl(pl == 32 ? 0xffffffffu : ~(0xffffffffu >> pl));
		if (cfg->gateway_ip.family == AF_INET)
			gw4.addr = cfg->gateway_ip.u.v4.s_addr;
	}
	if (!netif_add(&w->nif, &ip4, &mask4, &gw4, w, nif_init, ip_input)) {
		lw_current = NULL;
		free(w);
		t->priv = NULL;
		return target_diagf(&t->diag, TARGET_ERROR, "lwIP: netif_add failed");
	}
	w->nif_added = true;
	w->nif.mtu = (u16_t)(cfg->mtu > 0 && cfg->mtu < 65536 ? cfg->mtu : 1500);
#if LWIP_ND6_ALLOW_RA_UPDATES
	w->nif.mtu6 = w->nif.mtu;
#endif
	if (cfg->local_ip.family == AF_INET6) {
		ip6_addr_t a;
		memcpy(a.addr, &cfg->local_ip.u.v6, 16);
		ip6_addr_clear_zone(&a);
		netif_ip6_addr_set(&w->nif, 0, &a);
		netif_ip6_addr_set_state(&w->nif, 0, IP6_ADDR_PREFERRED);
	}
	netif_set_default(&w->nif);
	netif_set_up(&w->nif);
	netif_set_link_up(&w->nif);
#if LWIP_IPV6_SEND_ROUTER_SOLICIT
	w->nif.rs_count = 0;
#endif
	return TARGET_OK;
}

static void abort_pcb_list(struct tcp_pcb *list)
{
	while (list) {
		struct tcp_pcb *next = list->next;
		pcb_detach(list, false);
		tcp_abort(list);
		list = next;
	}
}

static void lw_close(struct target *t)
{
	struct lwpriv *w = P(t);
	if (!w)
		return;
	/* every socket first, so no callback reaches freed memory */
	for (size_t i = 0; i < w->nall; i++) {
		struct lsock *s = w->all[i];
		if (s->pcb) {
			if (s->kind == LS_LISTEN) {
				pcb_detach(s->pcb, true);
				tcp_close(s->pcb);
			} else {
				pcb_detach(s->pcb, false);
				tcp_abort(s->pcb);
			}
		}
		free(s->rbuf);
		free(s->aq);
		free(s);
	}
	/* then whatever lwIP still holds (FIN-WAIT, TIME-WAIT, listeners we closed) */
	abort_pcb_list(tcp_active_pcbs);
	abort_pcb_list(tcp_tw_pcbs);
	while (tcp_listen_pcbs.listen_pcbs) {
		struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs;
		tcp_arg((struct tcp_pcb *)l, NULL);
		tcp_close((struct tcp_pcb *)l);
	}
	while (tcp_bound_pcbs) {
		struct tcp_pcb *b = tcp_bound_pcbs;
		pcb_detach(b, false);
		tcp_abort(b);
	}
	if (w->nif_added)
		netif_remove(&w->nif);
	target_pktq_free(&w->out);
	free(w->all);
	free(w->fds);
	free(w);
	lw_current = NULL;
	t->priv = NULL;
}

static int64_t lw_now(struct target *t)
{
	(void)t;
	return lwip_vnow_ns;
}

/* ---- packets ------------------------------------------------------------------------ */

static int lw_inject(struct target *t, const uint8_t *ip, size_t len)
{
	struct lwpriv *w = P(t);
	if (len == 0 || len > 0xffff)
		return TARGET_OK;       /* IP would drop it */
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	if (!p)
		return target_diagf(&t->diag, TARGET_ERROR, "lwIP: pbuf_alloc failed");
	pbuf_take(p, ip, (u16_t)len);
	if (w->nif.input(p, &w->nif) != ERR_OK)
		pbuf_free(p);
	lw_run_deferred();
	return TARGET_OK;
}

static int lw_next_outbound(struct target *t, int64_t deadline_ns, struct target_packet *pk)
{
	struct lwpriv *w = P(t);
	(void)deadline_ns;
	return target_pktq_pop(&w->out, pk);
}

/* ---- calls ------------------------------------------------------------------------- */

#define LW_PENDING 1000000L     /* not an errno, not a count */

static size_t iov_total(const struct target_call *c)
{
	size_t n = 0;
	for (int i = 0; i < c->iovcnt && i < TARGET_MAX_IOV; i++)
		n += c->iov_len[i];
	return n;
}

static int unsupported(struct target *t, bool *unsup, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int unsupported(struct target *t, bool *unsup, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->diag.msg, sizeof t->diag.msg, fmt, ap);
	va_end(ap);
	t->diag.status = TARGET_UNSUPPORTED;
	*unsup = true;
	return TARGET_UNSUPPORTED;
}

/* A pending error is reported once, as Linux's sock_error() does. */
static long take_err(struct lsock *s)
{
	int e = s->err;
	s->err = 0;
	return -e;
}

static long do_socket(struct lwpriv *w, const struct target_call *c, struct target *t,
		      bool *unsup)
{
	if (c->domain != AF_INET && c->domain != AF_INET6)
		return -EAFNOSUPPORT;
	if ((c->type & 0xf) != SOCK_STREAM || (c->protocol && c->protocol != IPPROTO_TCP)) {
		unsupported(t, unsup, "the lwip target drives TCP sockets only (type %d, "
			    "protocol %d)", c->type, c->protocol);
		return 0;
	}
	struct lsock *s = sock_new(w, c->domain);
	if (!s)
		return -ENOMEM;
	s->pcb = tcp_new_ip_type(c->domain == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
	if (!s->pcb) {
		s->kind = LS_FREE;
		return -ENOMEM;
	}
	conn_callbacks(s);
	s->nonblock = (c->type & SOCK_NONBLOCK) != 0;
	return fd_alloc(w, s);
}

static long do_bind(struct lsock *s, const struct target_call *c)
{
	ip_addr_t ip;
	uint16_t port;
	if (!c->has_addr || !sa_to_ip(&c->addr, c->addrlen, &ip, &port))
		return -EINVAL;
	if (s->kind != LS_CONN || !s->pcb || s->bound || s->pcb->state != CLOSED)
		return -EINVAL;
	if (s->domain == AF_INET && !IP_IS_V4(&ip))
		return -EAFNOSUPPORT;
	err_t e = tcp_bind(s->pcb, &ip, port);
	if (e == ERR_OK)
		s->bound = true;
	return lwerr(e);
}

static long do_listen(struct lsock *s, const struct target_call *c)
{
	if (s->kind == LS_LISTEN)
		return 0;
	if (!s->pcb || s->pcb->state != CLOSED || s->connecting)
		return -EINVAL;
	if (!s->bound) {
		/* Linux binds to an ephemeral port first; lwIP would listen on port 0 */
		err_t e = tcp_bind(s->pcb, IP_IS_V4_VAL(s->pcb->local_ip) ? IP4_ADDR_ANY :
				   IP_ANY_TYPE, 0);
		if (e != ERR_OK)
			return lwerr(e);
		s->bound = true;
	}
	err_t e = ERR_OK;
	int bl = c->backlog < 0 ? 0 : c->backlog > 255 ? 255 : c->backlog;
	struct tcp_pcb *l = tcp_listen_with_backlog_and_err(s->pcb, (u8_t)bl, &e);
	if (!l)
		return lwerr(e);
	/* the old pcb is freed by lwIP; the listener is a smaller one */
	s->pcb = l;
	s->kind = LS_LISTEN;
	tcp_arg(l, s);
	tcp_accept(l, cb_accept);
	return 0;
}

static long do_accept(struct lwpriv *w, struct lsock *l, const struct target_call *c,
		      struct target_result *r)
{
	if (l->kind != LS_LISTEN)
		return -EINVAL;
	if (!l->aqlen)
		return l->nonblock ? -EAGAIN : LW_PENDING;
	struct lsock *s = l->aq[0];
	memmove(l->aq, l->aq + 1, (l->aqlen - 1) * sizeof *l->aq);
	l->aqlen--;
	s->listener = NULL;
	int fd = fd_alloc(w, s);
	if (fd < 0)
		return fd;
	if (c->flags & SOCK_NONBLOCK)
		s->nonblock = true;
	if (s->pcb)
		r->addrlen = ip_to_sa(l->domain, &s->pcb->remote_ip, s->pcb->remote_port,
				      &r->addr);
	return fd;
}

/* A failed attempt is reported once, by connect: the pending error, or ECONNABORTED
 * once SO_ERROR took it (Linux __inet_stream_connect, sock_error). */
static long connect_failed(struct lsock *s)
{
	long e = s->err ? take_err(s) : -ECONNABORTED;
	s->conn_failed = false;
	s->need_new_pcb = true;
	return e;
}

static long do_connect(struct lsock *s, const struct target_call *c, bool retry)
{
	if (retry) {
		/* a blocking connect in flight */
		if (s->connected) {
			s->connect_reported = true;
			return 0;
		}
		if (s->dead || s->err)
			return connect_failed(s);
		return LW_PENDING;
	}
	if (s->kind == LS_LISTEN)
		return -EINVAL;
	if (s->connected) {
		if (!s->connect_reported) {
			s->connect_reported = true;
			return 0;
		}
		return -EISCONN;
	}
	if (s->connecting)
		return -EALREADY;
	if (s->conn_failed)
		return connect_failed(s);
	if (s->err)
		return take_err(s);
	if (s->need_new_pcb) {
		/* Linux lets a socket whose attempt failed connect again */
		s->pcb = tcp_new_ip_type(s->domain == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
		if (!s->pcb)
			return -ENOMEM;
		conn_callbacks(s);
		if (s->nodelay)
			tcp_nagle_disable(s->pcb);
		s->need_new_pcb = false;
		s->dead = false;
		s->bound = false;
	}
	if (!s->pcb)
		return s->dead ? -EISCONN : -EBADF;
	ip_addr_t ip;
	uint16_t port;
	if (!c->has_addr || !sa_to_ip(&c->addr, c->addrlen, &ip, &port))
		return -EINVAL;
	if (s->domain == AF_INET && !IP_IS_V4(&ip))
		return -EAFNOSUPPORT;
	err_t e = tcp_connect(s->pcb, &ip, port, cb_connected);
	if (e != ERR_OK)
		return lwerr(e);
	s->connecting = true;
	return s->nonblock ? -EINPROGRESS : LW_PENDING;
}

/* The bytes read go to out (NULL: discarded). */
static long do_read(struct lsock *s, uint8_t *out, size_t len, int flags, bool *unsup,
		    struct target *t)
{
	if (flags & ~(MSG_PEEK | MSG_DONTWAIT | MSG_WAITALL | MSG_NOSIGNAL)) {
		unsupported(t, unsup, "the lwip target does not implement recv flags %#x", flags);
		return 0;
	}
	if (s->kind == LS_LISTEN)
		return -ENOTCONN;
	bool nb = s->nonblock || (flags & MSG_DONTWAIT);
	if (len == 0)
		return 0;
	/* enough to return: all that was asked (MSG_WAITALL, blocking), else one octet */
	size_t want = (flags & MSG_WAITALL) && !nb ? len : 1;
	bool eof = s->fin_rcvd || s->shut_rd || s->dead;
	if (s->rlen < want && !eof) {
		if (!s->connected && !s->connecting)
			return -ENOTCONN;
		return nb ? -EAGAIN : LW_PENDING;
	}
	size_t n = s->rlen < len ? s->rlen : len;
	if (n == 0) {
		if (s->err)
			return take_err(s);
		return 0;               /* end of stream */
	}
	if (out)
		memcpy(out, s->rbuf, n);
	if (!(flags & MSG_PEEK)) {
		memmove(s->rbuf, s->rbuf + n, s->rlen - n);
		s->rlen -= n;
		if (s->pcb) {
			size_t k = n;
			while (k) {
				u16_t step = k > 0xffff ? 0xffff : (u16_t)k;
				tcp_recved(s->pcb, step);
				k -= step;
			}
		}
	}
	return (long)n;
}

static long do_write(struct lwpriv *w, struct lsock *s, const uint8_t *data, size_t len,
		     int flags, bool retry, bool *unsup, struct target *t)
{
	if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE)) {
		unsupported(t, unsup, "the lwip target does not implement send flags %#x", flags);
		return 0;
	}
	if (!retry)
		w->pend_done = 0;
	bool nb = s->nonblock || (flags & MSG_DONTWAIT);
	if (s->err)
		return w->pend_done ? (long)w->pend_done : take_err(s);
	if (s->shut_wr || s->dead)
		return w->pend_done ? (long)w->pend_done : -EPIPE;
	if (s->kind == LS_LISTEN || (!s->connected && !s->connecting) || !s->pcb)
		return -ENOTCONN;
	if (!s->connected)
		return nb ? -EAGAIN : LW_PENDING;
	static const uint8_t zeros[4096];
	size_t done = w->pend_done;
	while (done < len) {
		size_t room = tcp_sndbuf(s->pcb);
		if (tcp_sndqueuelen(s->pcb) >= TCP_SND_QUEUELEN)
			room = 0;
		if (!room)
			break;
		size_t n = len - done;
		if (n > room)
			n = room;
		if (!data && n > sizeof zeros)
			n = sizeof zeros;
		u8_t fl = TCP_WRITE_FLAG_COPY;
		if ((flags & MSG_MORE) || done + n < len)
			fl |= TCP_WRITE_FLAG_MORE;
		err_t e = tcp_write(s->pcb, data ? data + done : zeros, (u16_t)n, fl);
		if (e == ERR_MEM)
			break;
		if (e != ERR_OK)
			return done ? (long)done : lwerr(e);
		done += n;
	}
	if (done > w->pend_done)
		tcp_output(s->pcb);
	w->pend_done = done;
	if (done == len)
		return (long)done;
	if (nb)
		return done ? (long)done : -EAGAIN;
	return LW_PENDING;
}

static long do_close(struct lwpriv *w, struct lsock *s)
{
	w->fds[s->fd] = NULL;
	s->fd = -1;
	struct tcp_pcb *pcb = s->pcb;
	s->pcb = NULL;
	if (s->kind == LS_LISTEN) {
		/* connections nobody accepted are reset, as Linux does */
		for (size_t i = 0; i < s->aqlen; i++) {
			struct lsock *c = s->aq[i];
			if (c->pcb) {
				pcb_detach(c->pcb, false);
				tcp_abort(c->pcb);
				c->pcb = NULL;
			}
			c->kind = LS_FREE;
		}
		s->aqlen = 0;
		if (pcb) {
			pcb_detach(pcb, true);
			tcp_close(pcb);
		}
		s->kind = LS_FREE;
		return 0;
	}
	s->kind = LS_FREE;
	if (!pcb)
		return 0;
	pcb_detach(pcb, false);
	if (s->linger_on && s->linger_s == 0) {
		tcp_abort(pcb);         /* SO_LINGER {1, 0}: RST */
		return 0;
	}
	/* Unread data: tcp_close() itself sends RST then (rcv_wnd short of TCP_WND,
	 * since the window only reopens as the application reads), as RFC 9293 3.10.4
	 * and Linux do. */
	if (pcb->state == CLOSED || pcb->state == LISTEN) {
		tcp_close(pcb);
		return 0;
	}
	if (tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);         /* out of memory for the FIN */
	return 0;
}

static long do_shutdown(struct lsock *s, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	if (s->kind == LS_LISTEN) {
		/* Linux: a listener shut down stops listening; lwIP cannot */
		return -ENOTCONN;
	}
	if (!s->connected || !s->pcb)
		return s->dead ? 0 : -ENOTCONN;
	int rx = how != SHUT_WR, tx = how != SHUT_RD;
	if (rx)
		s->shut_rd = true;
	if (tx && s->shut_wr)
		tx = 0;
	if (tx)
		s->shut_wr = true;
	if (!tx)
		return 0;               /* SHUT_RD: lwIP's shut_rx would reset on new data */
	err_t e = tcp_shutdown(s->pcb, 0, 1);
	return lwerr(e);
}

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
static long set_congestion(const struct target_call *c, bool *unsup, struct target *t)
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
			return unsupported(t, unsup, "the lwip target has only lwIP's congestion "
					   "control (Linux's \"reno\"), not \"%s\"", name), 0;
	return -ENOENT;
}

static long do_setsockopt(struct lsock *s, const struct target_call *c, bool *unsup,
			  struct target *t)
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
			return unsupported(t, unsup, "the lwip target has no SO_LINGER with a "
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
			return unsupported(t, unsup, "the lwip target does not implement %s "
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
	unsupported(t, unsup, "the lwip target does not implement %s level %d option %d",
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
static void info_view(const struct lsock *s, struct target_tcp_info *ti)
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
	info_view(s, &ti);
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

static long do_getsockopt(struct lsock *s, const struct target_call *c,
			  struct target_result *r, bool *unsup, struct target *t)
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
		v = -take_err(s);
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
		unsupported(t, unsup, "the lwip target does not implement %s level %d "
			    "option %d", "getsockopt", c->level, c->optname);
		return 0;
	}
	r->opt.kind = TARGET_OPT_INT;
	r->opt.i = v;
	r->optlen = sizeof(int);
	return 0;
}

static long do_fcntl(struct lsock *s, const struct target_call *c)
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

static long do_poll(struct lwpriv *w, const struct target_call *c, struct target_result *r)
{
	int ready = 0;
	r->nfds = c->nfds;
	for (int i = 0; i < c->nfds && i < TARGET_MAX_POLLFD; i++) {
		r->pfd[i].fd = c->pfd[i].fd;
		r->pfd[i].events = c->pfd[i].events;
		struct lsock *s = sock_of(w, c->pfd[i].fd);
		short ev = s ? poll_events(s) : POLLNVAL;
		r->pfd[i].revents = ev & (c->pfd[i].events | POLLERR | POLLHUP | POLLNVAL);
		if (r->pfd[i].revents)
			ready++;
	}
	if (ready || c->timeout_ms == 0)
		return ready;
	if (c->timeout_ms > 0 &&
	    lwip_vnow_ns >= w->pend_start + (int64_t)c->timeout_ms * 1000000)
		return 0;
	return LW_PENDING;
}

static long do_ioctl(struct lsock *s, const struct target_call *c, struct target_result *r,
		     bool *unsup, struct target *t)
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
	unsupported(t, unsup, "the lwip target does not implement ioctl request %#x",
		    c->cmd);
	return 0;
}

static long do_call(struct target *t, const struct target_call *c, struct target_result *r,
		    bool retry, bool *unsup)
{
	struct lwpriv *w = P(t);
	*unsup = false;
	if (c->kind == TARGET_CALL_SOCKET)
		return do_socket(w, c, t, unsup);
	if (c->kind == TARGET_CALL_POLL)
		return do_poll(w, c, r);
	switch (c->kind) {
	case TARGET_CALL_BIND: case TARGET_CALL_LISTEN: case TARGET_CALL_ACCEPT:
	case TARGET_CALL_CONNECT: case TARGET_CALL_READ: case TARGET_CALL_RECV:
	case TARGET_CALL_RECVFROM: case TARGET_CALL_READV: case TARGET_CALL_RECVMSG:
	case TARGET_CALL_WRITE: case TARGET_CALL_SEND: case TARGET_CALL_SENDTO:
	case TARGET_CALL_WRITEV: case TARGET_CALL_SENDMSG: case TARGET_CALL_CLOSE:
	case TARGET_CALL_SHUTDOWN: case TARGET_CALL_SETSOCKOPT: case TARGET_CALL_GETSOCKOPT:
	case TARGET_CALL_FCNTL: case TARGET_CALL_IOCTL:
		break;
	default:
		unsupported(t, unsup, "the lwip target does not implement %s()",
			    target_call_name(c->kind));
		return 0;
	}
	struct lsock *s = sock_of(w, c->fd);
	if (!s)
		return -EBADF;
	switch (c->kind) {
	case TARGET_CALL_BIND: return do_bind(s, c);
	case TARGET_CALL_LISTEN: return do_listen(s, c);
	case TARGET_CALL_ACCEPT: return do_accept(w, s, c, r);
	case TARGET_CALL_CONNECT: return do_connect(s, c, retry);
	case TARGET_CALL_READ:
		r->rdata_filled = c->rdata != NULL;
		return do_read(s, c->rdata, c->len, 0, unsup, t);
	case TARGET_CALL_RECV: case TARGET_CALL_RECVFROM:
		r->rdata_filled = c->rdata != NULL;
		return do_read(s, c->rdata, c->len, c->flags, unsup, t);
	case TARGET_CALL_READV:
		r->rdata_filled = c->rdata != NULL;
		return do_read(s, c->rdata, iov_total(c), 0, unsup, t);
	case TARGET_CALL_RECVMSG:
		r->rdata_filled = c->rdata != NULL;
		return do_read(s, c->rdata, iov_total(c), c->flags, unsup, t);
	case TARGET_CALL_WRITE: return do_write(w, s, c->data, c->len, 0, retry, unsup, t);
	case TARGET_CALL_SEND: case TARGET_CALL_SENDTO:
		if (c->kind == TARGET_CALL_SENDTO && c->has_addr && !s->connected)
			return unsupported(t, unsup, "the lwip target has no sendto with an "
					   "address (fast open)"), 0;
		return do_write(w, s, c->data, c->len, c->flags, retry, unsup, t);
	case TARGET_CALL_WRITEV:
		return do_write(w, s, c->data, iov_total(c), 0, retry, unsup, t);
	case TARGET_CALL_SENDMSG:
		return do_write(w, s, c->data, iov_total(c), c->flags, retry, unsup, t);
	case TARGET_CALL_CLOSE: return do_close(w, s);
	case TARGET_CALL_SHUTDOWN: return do_shutdown(s, c->how);
	case TARGET_CALL_SETSOCKOPT: return do_setsockopt(s, c, unsup, t);
	case TARGET_CALL_GETSOCKOPT: return do_getsockopt(s, c, r, unsup, t);
	case TARGET_CALL_FCNTL: return do_fcntl(s, c);
	case TARGET_CALL_IOCTL: return do_ioctl(s, c, r, unsup, t);
	default: return -EINVAL;
	}
}

static int finish(long v, struct target_result *r)
{
	return target_result_finish(r, v, lwip_vnow_ns);
}

static int lw_call(struct target *t, const struct target_call *c, struct target_result *r)
{
	struct lwpriv *w = P(t);
	if (w->pending)
		return target_diagf(&t->diag, TARGET_BADARG, "a call is already in flight");
	memset(r, 0, sizeof *r);
	r->start_ns = lwip_vnow_ns;
	w->pend_start = lwip_vnow_ns;
	struct target_call probe;       /* a NULL buffer: see target_call_null_prepare */
	c = target_call_null_prepare(c, &probe);
	bool unsup;
	long v = do_call(t, c, r, false, &unsup);
	/* work looped back to the stack itself (a connection to its own address) is done
	 * within the call, as a kernel's loopback is: the call may complete because of it */
	while (!unsup && v == LW_PENDING && lw_defq_len) {
		lw_run_deferred();
		memset(r, 0, sizeof *r);
		r->start_ns = lwip_vnow_ns;
		v = do_call(t, c, r, true, &unsup);
	}
	lw_run_deferred();
	if (unsup)
		return TARGET_UNSUPPORTED;
	if (v == LW_PENDING) {
		w->pending = true;
		w->pc = *c;
		if (c->kind == TARGET_CALL_POLL && c->timeout_ms > 0)
			w->poll_deadline = lwip_vnow_ns + (int64_t)c->timeout_ms * 1000000;
		return TARGET_PENDING;
	}
	return finish(target_call_null_fix(c, v), r);
}

static int lw_complete(struct target *t, int64_t deadline_ns, struct target_result *r)
{
	struct lwpriv *w = P(t);
	(void)deadline_ns;
	if (!w->pending)
		return target_diagf(&t->diag, TARGET_BADARG, "no call in flight");
	memset(r, 0, sizeof *r);
	bool unsup;
	long v = do_call(t, &w->pc, r, true, &unsup);
	lw_run_deferred();
	r->start_ns = w->pend_start;
	if (unsup) {
		w->pending = false;
		return TARGET_UNSUPPORTED;
	}
	if (v == LW_PENDING)
		return TARGET_PENDING;
	w->pending = false;
	w->poll_deadline = INT64_MAX;
	return finish(target_call_null_fix(&w->pc, v), r);
}

/* ---- time --------------------------------------------------------------------------- */

static int64_t next_timeout_ns(void)
{
	u32_t sleep = sys_timeouts_sleeptime();
	if (sleep == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		return INT64_MAX;
	/* lwIP counts whole milliseconds from sys_now() */
	return (lwip_vnow_ns / 1000000 + (int64_t)sleep) * 1000000;
}

static int lw_advance(struct target *t, int64_t now_ns, int64_t *next)
{
	struct lwpriv *w = P(t);
	/* every timeout at its own due time, in order, so each sees the right clock */
	for (;;) {
		int64_t due = next_timeout_ns();
		if (due > now_ns)
			break;
		if (due > lwip_vnow_ns)
			lwip_vnow_ns = due;
		sys_check_timeouts();
		lw_run_deferred();
	}
	if (now_ns > lwip_vnow_ns)
		lwip_vnow_ns = now_ns;
	int64_t n = next_timeout_ns();
	if (w->pending && w->poll_deadline < n)
		n = w->poll_deadline;
	*next = n;
	return TARGET_OK;
}

static int lw_tcp_info(struct target *t, int fd, struct target_tcp_info *ti)
{
	struct lsock *s = sock_of(P(t), fd);
	if (!s)
		return target_diagf(&t->diag, TARGET_BADARG, "TCP_INFO on fd %d: not a socket", fd);
	info_view(s, ti);
	return TARGET_OK;
}

const struct target_ops target_lwip_ops = {
	.name = "lwip",
	.caps = TARGET_VIRTUAL_TIME | TARGET_OWN_PROCESS | TARGET_BLOCKING | TARGET_IPV6 |
		TARGET_IPV4_MAPPED | TARGET_TCP_INFO | TARGET_SETTINGS,
	.open = lw_open,
	.close = lw_close,
	.now = lw_now,
	.inject = lw_inject,
	.next_outbound = lw_next_outbound,
	.call = lw_call,
	.complete = lw_complete,
	.advance = lw_advance,
	.tcp_info = lw_tcp_info,
	.shell = lw_shell,
};
