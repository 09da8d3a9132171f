/* lwip_plugin.h: what the files of the lwIP plugin share.  The plugin drives lwIP 2.1
 * (Debian's liblwip.so) through its raw API as tcpspec's plugin ABI asks:
 *
 *   lwip_plugin.c    the entry point and ops table; open/close (lwip_init, a netif of
 *                    our own); packets in (ip_input) and out (the netif's output
 *                    hooks, into the SDK's packet queue); virtual time (sys_now()
 *                    interposed, advance()); settings (lwIP's are compile-time
 *                    constants)
 *   lwip_sockets.c   a socket layer over tcp_new/tcp_bind/tcp_listen/...: fds (the
 *                    SDK's table), lwIP's callbacks, addresses, end of file, errno
 *                    translation, blocking calls as TARGET_PENDING, call() and
 *                    complete()
 *   lwip_options.c   setsockopt/getsockopt, fcntl, ioctl, poll, and TCP_INFO with its
 *                    valid bits
 *
 * Built only against the installed SDK (tcpspec/plugin.h, libtcpspec-plugin.a) and
 * lwIP's headers: see Makefile and README.  tcpspec's built-in lwip target is this same
 * code linked into tcpspec (target-adapters/lwip.c, lwip.mk).
 */
#ifndef LWIP_PLUGIN_H
#define LWIP_PLUGIN_H

#include <stdbool.h>
#include <stdint.h>

#include <tcpspec/plugin.h>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/tcp.h"

/* A call that has to wait (returned by the socket layer; never an errno, never a
 * count): call() answers TARGET_PENDING and complete() tries again. */
#define LW_PENDING 1000000L

enum lsock_kind { LS_FREE, LS_CONN, LS_LISTEN };

struct lsock {
	enum lsock_kind kind;
	int fd;                         /* -1 while waiting in a listener's queue */
	int domain;                     /* AF_INET or AF_INET6 */
	struct tcp_pcb *pcb;            /* NULL once lwIP freed it (error) or we let go */
	struct lwplug *owner;
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

/* The handle open() returns. */
struct lwplug {
	struct target_diag *diag;       /* tcpspec's: where failures are described */
	const struct target_config *cfg;
	struct netif nif;
	bool nif_added;
	struct tcpspec_fdtab fds;       /* fd -> struct lsock */
	struct lsock **all;             /* every socket, accepted or not, for cleanup */
	size_t nall, allcap;
	struct target_pktq out;         /* what lwIP sent, in order */
	bool pending;                   /* a call is in flight (TARGET_PENDING) */
	struct target_call pc;          /* that call */
	int64_t pend_start;
	size_t pend_done;               /* bytes a blocking write already queued */
	int64_t poll_deadline;          /* a pending poll's timeout, else INT64_MAX */
};

/* lwip_plugin.c: the ops table */
extern const struct tcpspec_plugin_v2 lwip_plugin_table;

/* lwip_plugin.c: the virtual clock and the work lwIP hands to its (absent) tcpip thread */
extern int64_t lwp_vnow_ns;
void lwp_run_deferred(void);
size_t lwp_deferred_count(void);

/* lwip_sockets.c */
struct lsock *lwp_sock_of(struct lwplug *w, int fd);
void lwp_pcb_detach(struct tcp_pcb *pcb, bool listening);
long lwp_take_err(struct lsock *s);
long lwp_err(err_t e);
int lwp_unsupported(struct lwplug *t, bool *unsup, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int lwp_call(void *h, const struct target_call *c, struct target_result *r);
int lwp_complete(void *h, int64_t deadline_ns, struct target_result *r);

/* lwip_options.c */
long lwp_setsockopt(struct lsock *s, const struct target_call *c, bool *unsup,
		    struct lwplug *t);
long lwp_getsockopt(struct lsock *s, const struct target_call *c, struct target_result *r,
		    bool *unsup, struct lwplug *t);
long lwp_fcntl(struct lsock *s, const struct target_call *c);
long lwp_poll(struct lwplug *w, const struct target_call *c, struct target_result *r);
long lwp_ioctl(struct lsock *s, const struct target_call *c, struct target_result *r,
	       bool *unsup, struct lwplug *t);
void lwp_info_view(const struct lsock *s, struct target_tcp_info *ti);

#endif
