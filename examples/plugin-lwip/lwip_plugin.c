/* lwip_plugin.c: the lwIP plugin's entry point and the ABI's plumbing (see lwip_plugin.h):
 * open and close, packets in and out, virtual time, settings, the ops table.
 *
 * What the Debian build fixes (lwipopts.h, lwIP 2.1.3): NO_SYS=0 with
 * LWIP_TCPIP_CORE_LOCKING=1, but we never start the tcpip thread: lwip_init() alone,
 * every call from this one thread.  The little work lwIP posts to that thread
 * (tcpip_try_callback) is interposed like sys_now() and run here after each entry
 * point.  TCP_MSS 1460, TCP_WND 0xFFFF, LWIP_WND_SCALE with TCP_RCV_SCALE 1, TCP_SND_BUF
 * 0xFFFF; no timestamps, no SACK, TCP_LISTEN_BACKLOG 0, keepalive and SO_REUSE; timers
 * on a 250 ms grid and 500 ms ticks.  What Linux has and this build lacks is reported
 * as unsupported (the script is skipped, never passed).
 *
 * Interposing sys_now() and tcpip_try_callback() works because tcpspec loads every
 * plugin in a link-map namespace of its own (dlmopen): liblwip.so is then loaded
 * afresh for this plugin and binds those names to the definitions below, which come
 * first in the namespace's search order.  lwIP keeps its state in globals, so one open
 * at a time (tcpspec runs each script of a plugin in a process of its own).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lwip_plugin.h"
#include "lwip_reset.h"

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"

/* ---- virtual time: lwIP reads the clock only through sys_now() ---------------------- */

int64_t lwp_vnow_ns;

/* Interposes the unix port's sys_now() (CLOCK_MONOTONIC): the name is lwIP's, not ours,
 * which is the point. */
TCPSPEC_PLUGIN_EXPORT u32_t sys_now(void)
{
	return (u32_t)(lwp_vnow_ns / 1000000);
}

/* ---- deferred callbacks: the tcpip thread's job, done in our own thread ------------ */

/* With NO_SYS 0, lwIP hands some work to the tcpip thread through tcpip_try_callback():
 * netif_loop_output() (a segment to the stack's own address, LWIP_NETIF_LOOPBACK with
 * LWIP_NETIF_LOOPBACK_MULTITHREADING) and pbuf_free_ooseq_pending().  There is no such
 * thread here (its mailbox does not exist: the library would assert and abort), so
 * this definition, again reached through liblwip.so's PLT, queues the call and
 * lwp_run_deferred() makes it once the current lwIP entry point has returned. */
struct lw_deferred {
	tcpip_callback_fn fn;
	void *ctx;
};

static struct lw_deferred lw_defq[64];
static size_t lw_defq_len;

TCPSPEC_PLUGIN_EXPORT err_t tcpip_try_callback(tcpip_callback_fn fn, void *ctx)
{
	if (lw_defq_len == sizeof lw_defq / sizeof lw_defq[0])
		return ERR_MEM;         /* as a full mailbox: lwIP retries or drops */
	lw_defq[lw_defq_len++] = (struct lw_deferred){ fn, ctx };
	return ERR_OK;
}

void lwp_run_deferred(void)
{
	for (size_t i = 0; i < lw_defq_len; i++)     /* a call may queue more */
		lw_defq[i].fn(lw_defq[i].ctx);
	lw_defq_len = 0;
}

size_t lwp_deferred_count(void)
{
	return lw_defq_len;
}


static struct lwplug *lw_current;   /* lwIP's netif callbacks carry no context of ours */
static bool lw_initialised;
static bool lw_resettable;          /* lwip_reset.c works here: wiped at close */

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
	struct lwplug *w = nif->state;
	size_t len = p->tot_len;
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return ERR_MEM;
	pbuf_copy_partial(p, copy, p->tot_len, 0);
	int rc = keep_outbound(copy, len) ? target_pktq_push(&w->out, lwp_vnow_ns, copy, len) : 0;
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

/* setting(): tcpspec maps a script's sysctl lines (and cfg->settings) onto these
 * calls.  A value this build has anyway is taken; another is TARGET_BADARG and a name
 * it does not know TARGET_UNSUPPORTED: the script is skipped with the reason. */
static int lw_setting(void *h, const char *name, const char *value)
{
	struct lwplug *w = h;
	int rc = check_setting(name, value);
	if (rc == 0)
		return TARGET_OK;
	if (rc == -1)
		return TARGET_UNSUPPORTED;
	target_diagf(w->diag, TARGET_BADARG,
		     "Debian builds lwIP with the feature fixed at compile time");
	return TARGET_BADARG;
}

/* ---- open / close ------------------------------------------------------------------- */

static void *lw_open(const struct target_config *cfg, struct target_diag *diag)
{
	if (lw_current) {
		target_diagf(diag, TARGET_UNAVAILABLE, "lwIP is already open in this process "
			     "(one at a time: lwIP's state is global)");
		return NULL;
	}
	/* lwIP never sends a segment larger than TCP_MSS, whatever the link's MTU: a
	 * script that needs larger segments (an initial window of exactly two at an
	 * SMSS of 3000) cannot run here */
	if (cfg->mtu > TCP_MSS + 40 + (cfg->local_ip.family == AF_INET6 ? 20 : 0)) {
		target_diagf(diag, TARGET_UNSUPPORTED, "lwIP sends segments of at most TCP_MSS "
			     "(%d) octets, its build's choice: it cannot use a link MTU of %d",
			     TCP_MSS, cfg->mtu);
		return NULL;
	}
	struct lwplug *w = calloc(1, sizeof *w);
	if (!w) {
		target_diagf(diag, TARGET_ERROR, "out of memory");
		return NULL;
	}
	w->diag = diag;
	w->cfg = cfg;
	w->poll_deadline = INT64_MAX;
	lwp_vnow_ns = 0;
	lw_defq_len = 0;
	lwip_reset_quiet_timers();
	if (!lw_initialised) {
		lw_resettable = lwip_reset_snapshot();
		lwip_init();
		lw_initialised = true;
		/* lwIP's blocks go to another mem_malloc than ours: free them the old way */
		if (lw_resettable && !lwip_reset_counting())
			lw_resettable = false;
	} else if (lw_resettable) {
		lwip_init();             /* wiped by the previous close */
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
		target_diagf(diag, TARGET_ERROR, "lwIP: netif_add failed");
		return NULL;
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
	return w;
}

static void abort_pcb_list(struct tcp_pcb *list)
{
	while (list) {
		struct tcp_pcb *next = list->next;
		lwp_pcb_detach(list, false);
		tcp_abort(list);
		list = next;
	}
}

static void lw_close(void *h)
{
	struct lwplug *w = h;
	if (!w)
		return;
	/* every socket first, so no callback reaches freed memory */
	for (size_t i = 0; i < w->nall; i++) {
		struct lsock *s = w->all[i];
		if (s->pcb && !lw_resettable) {
			if (s->kind == LS_LISTEN) {
				lwp_pcb_detach(s->pcb, true);
				tcp_close(s->pcb);
			} else {
				lwp_pcb_detach(s->pcb, false);
				tcp_abort(s->pcb);
			}
		}
		free(s->rbuf);
		free(s->aq);
		free(s);
	}
	if (lw_resettable) {
		/* lwIP as loaded: no pcb, no netif, no timeout, no block left */
		lwip_reset_wipe();
		goto out;
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
		lwp_pcb_detach(b, false);
		tcp_abort(b);
	}
	if (w->nif_added)
		netif_remove(&w->nif);
out:
	lw_defq_len = 0;
	target_pktq_free(&w->out);
	free(w->all);
	tcpspec_fd_free(&w->fds);
	free(w);
	lw_current = NULL;
}

static int64_t lw_now(void *h)
{
	(void)h;
	return lwp_vnow_ns;
}

/* lwIP frees a pcb that leaves TIME-WAIT (tcp_slowtmr) without calling its error
 * callback: a socket the application has not closed would keep a dangling pointer
 * (found by fuzz_stack under ASan).  After each entry into lwIP, a connection whose
 * pcb is on none of lwIP's lists has ended: closed without an error, as on Linux once
 * TIME-WAIT is over. */
static bool pcb_listed(const struct tcp_pcb *p)
{
	for (const struct tcp_pcb *q = tcp_active_pcbs; q; q = q->next)
		if (q == p)
			return true;
	for (const struct tcp_pcb *q = tcp_tw_pcbs; q; q = q->next)
		if (q == p)
			return true;
	for (const struct tcp_pcb *q = tcp_bound_pcbs; q; q = q->next)
		if (q == p)
			return true;
	return false;
}

static void lw_sweep(struct lwplug *w)
{
	/* the sweep runs after every lwIP timer (four or five per second of virtual
	 * time): when lwIP's blocks are counted (lwip_reset.c), skip it while no block
	 * that could be a pcb has been freed since the last one */
	static size_t frees_seen = SIZE_MAX;
	size_t f;
	if (lwip_reset_pcb_frees(&f)) {
		if (f == frees_seen)
			return;
		frees_seen = f;
	}
	for (size_t i = 0; i < w->nall; i++) {
		struct lsock *s = w->all[i];
		if (s->kind == LS_CONN && s->pcb && (s->connected || s->connecting) &&
		    !pcb_listed(s->pcb)) {
			s->pcb = NULL;
			s->dead = true;
			s->connecting = false;
		}
	}
}

/* ---- packets ------------------------------------------------------------------------ */

static int lw_inject(void *h, const uint8_t *ip, size_t len)
{
	struct lwplug *t = h, *w = h;
	if (len == 0 || len > 0xffff)
		return TARGET_OK;       /* IP would drop it */
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	if (!p)
		return target_diagf(t->diag, TARGET_ERROR, "lwIP: pbuf_alloc failed");
	pbuf_take(p, ip, (u16_t)len);
	if (w->nif.input(p, &w->nif) != ERR_OK)
		pbuf_free(p);
	lwp_run_deferred();
	lw_sweep(w);
	return TARGET_OK;
}

static int lw_next_outbound(void *h, int64_t deadline_ns, struct target_packet *pk)
{
	struct lwplug *w = h;
	(void)deadline_ns;
	return target_pktq_pop(&w->out, pk);
}

/* ---- time --------------------------------------------------------------------------- */

static int64_t next_timeout_ns(void)
{
	u32_t sleep = sys_timeouts_sleeptime();
	if (sleep == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		return INT64_MAX;
	/* lwIP counts whole milliseconds from sys_now() */
	return (lwp_vnow_ns / 1000000 + (int64_t)sleep) * 1000000;
}

/* advance(): every lwIP timeout due at or before now_ns runs, each at its own due
 * time (so it reads the right clock); a timeout due exactly at now_ns runs too.  The
 * next instant anything can happen without input is lwIP's next timeout or a pending
 * poll's timeout, whichever comes first. */
static int lw_advance(void *h, int64_t now_ns, int64_t *next)
{
	struct lwplug *w = h;
	/* every timeout at its own due time, in order, so each sees the right clock */
	for (;;) {
		int64_t due = next_timeout_ns();
		if (due > now_ns)
			break;
		if (due > lwp_vnow_ns)
			lwp_vnow_ns = due;
		sys_check_timeouts();
		lwp_run_deferred();
		lw_sweep(w);
	}
	if (now_ns > lwp_vnow_ns)
		lwp_vnow_ns = now_ns;
	int64_t n = next_timeout_ns();
	if (w->pending && w->poll_deadline < n)
		n = w->poll_deadline;
	*next = n;
	return TARGET_OK;
}

static int lw_tcp_info(void *h, int fd, struct target_tcp_info *ti)
{
	struct lwplug *w = h;
	struct lsock *s = lwp_sock_of(w, fd);
	if (!s)
		return target_diagf(w->diag, TARGET_BADARG, "TCP_INFO on fd %d: not a socket", fd);
	lwp_info_view(s, ti);
	return TARGET_OK;
}

/* ---- the table ---------------------------------------------------------------------- */

/* Also linked into tcpspec itself as its built-in lwip target (target-adapters/lwip.c). */
const struct tcpspec_plugin_v2 lwip_plugin_table = {
	TCPSPEC_PLUGIN_V2_HEADER,
	.name = "lwip-plugin",
	.version = "lwIP " LWIP_VERSION_STRING,
	.caps = TARGET_VIRTUAL_TIME | TARGET_BLOCKING | TARGET_IPV6 | TARGET_IPV4_MAPPED |
		TARGET_TCP_INFO | TARGET_SETTINGS,
	.open = lw_open,
	.close = lw_close,
	.now = lw_now,
	.inject = lw_inject,
	.next_outbound = lw_next_outbound,
	.call = lwp_call,
	.complete = lwp_complete,
	.advance = lw_advance,
	.tcp_info = lw_tcp_info,
	.setting = lw_setting,
};

TCPSPEC_PLUGIN_EXPORT
const struct tcpspec_plugin_v2 *tcpspec_plugin_v2(uint32_t host_abi)
{
	return host_abi == 2 ? &lwip_plugin_table : NULL;
}
