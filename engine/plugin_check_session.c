/* engine/plugin_check_session.c: a session with a plugin for `tcpspec plugin-check`
 * (plugin_check.h): open and close, calls, the script peer's segments in and the
 * stack's out, a listener and a passive handshake. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/plugin_check.h"

int pc_fail(struct pc *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
	return PC_FAIL;
}

int pc_skip(struct pc *p, const char *why)
{
	snprintf(p->msg, sizeof p->msg, "%s", why);
	return PC_SKIP;
}

bool pc_virtual(const struct pc *p)
{
	return (p->pl->caps & TARGET_VIRTUAL_TIME) != 0;
}

bool pc_blocking(const struct pc *p)
{
	return (p->pl->caps & TARGET_BLOCKING) != 0;
}

/* ---- a session with the plugin, as the engine drives it ----------------------------- */

int pc_open(struct pc *p, enum target_ip_version v)
{
	memset(&p->cfg, 0, sizeof p->cfg);
	p->cfg.ip_version = v;
	p->cfg.plugin_path = NULL;
	target_config_defaults(&p->cfg);
	memset(&p->diag, 0, sizeof p->diag);
	p->h = p->pl->open(&p->cfg, &p->diag);
	if (!p->h)
		return pc_fail(p, "open() for %s returned NULL: %s", target_ip_version_name(v),
			       p->diag.msg[0] ? p->diag.msg : "(no message in diag)");
	return PC_OK;
}

void pc_close(struct pc *p)
{
	if (p->h)
		p->pl->close(p->h);
	p->h = NULL;
}

int64_t pc_now(struct pc *p)
{
	return p->pl->now(p->h);
}

int pc_call(struct pc *p, struct target_call *c, struct target_result *r)
{
	memset(r, 0, sizeof *r);
	r->start_ns = r->end_ns = -1;   /* to see what the plugin fills */
	c->block_ns = 0;
	return p->pl->call(p->h, c, r);
}

int pc_complete(struct pc *p, struct target_result *r)
{
	memset(r, 0, sizeof *r);
	r->start_ns = r->end_ns = -1;
	return p->pl->complete(p->h, pc_now(p), r);
}

int pc_domain(const struct pc *p)
{
	return p->cfg.ip_version == TARGET_IPV4_ONLY ? AF_INET : AF_INET6;
}

static void wire_of(const struct target_addr *a, struct wire_addr *w)
{
	memset(w, 0, sizeof *w);
	w->family = a->family == AF_INET6 ? WIRE_AF_INET6 : WIRE_AF_INET;
	memcpy(w->a, a->family == AF_INET6 ? (const void *)&a->u.v6 : (const void *)&a->u.v4,
	       a->family == AF_INET6 ? 16 : 4);
}

/* The script peer's segment to the stack's local_port. */
int pc_inject(struct pc *p, uint16_t flags, const char *data, size_t len)
{
	struct wire_packet w;
	wire_packet_init(&w, p->cfg.local_ip.family == AF_INET6 ? 6 : 4);
	wire_of(&p->cfg.remote_ip, &w.ip.src);
	wire_of(&p->cfg.local_ip, &w.ip.dst);
	w.tcp.sport = p->cfg.remote_port;
	w.tcp.dport = p->cfg.local_port;
	w.tcp.seq = p->peer_seq;
	w.tcp.ack = (flags & WIRE_TH_ACK) ? p->stack_seq : 0;
	w.tcp.flags = flags;
	w.tcp.win = 65535;
	if (flags & WIRE_TH_SYN)
		wire_opt_add_mss(&w.tcp.opts, 1460);
	w.tcp.payload = (const uint8_t *)data;
	w.tcp.payload_len = len;
	uint8_t buf[2048];
	size_t n;
	if (wire_build(&w, buf, sizeof buf, &n) != 0)
		return pc_fail(p, "tcpspec could not build a segment (internal error)");
	p->peer_seq += (uint32_t)len + ((flags & WIRE_TH_SYN) ? 1 : 0);
	int rc = p->pl->inject(p->h, buf, n);
	if (rc != TARGET_OK)
		return pc_fail(p, "inject() of a valid %zu-byte segment returned %s: %s", n,
			       target_status_name(rc), p->diag.msg);
	return PC_OK;
}

/* The next TCP segment the stack sent, parsed into *w (its bytes in *pk). */
int pc_outbound(struct pc *p, struct target_packet *pk, struct wire_packet *w,
		    const char *what)
{
	for (;;) {
		int rc = p->pl->next_outbound(p->h, pc_now(p), pk);
		if (rc == TARGET_TIMEOUT)
			return pc_fail(p, "the stack sent no %s (next_outbound() returned TIMEOUT)",
				       what);
		if (rc != TARGET_OK)
			return pc_fail(p, "next_outbound() returned %s: %s", target_status_name(rc),
				       p->diag.msg);
		if (pk->len > sizeof pk->data)
			return pc_fail(p, "next_outbound() set len %zu, more than the buffer",
				       pk->len);
		if (wire_parse(pk->data, pk->len, w) != 0 && !(w->have & WIRE_HAVE_L4))
			return pc_fail(p, "next_outbound() gave %zu bytes that are not an IP "
				       "datagram (no link header: IPv4 or IPv6 header first)", pk->len);
		if (w->l4 == WIRE_L4_TCP)
			return PC_OK;
	}
}

void pc_sockaddr(struct pc *p, const struct target_addr *a, uint16_t port,
			struct target_call *c)
{
	c->has_addr = true;
	c->addrlen = target_sockaddr(&p->cfg, a, port, &c->addr);
}

int pc_socket(struct pc *p, int type_flags, int *fd)
{
	struct target_call c = { .kind = TARGET_CALL_SOCKET, .domain = pc_domain(p),
				 .type = SOCK_STREAM | type_flags, .protocol = IPPROTO_TCP,
				 .nonblocking_expected = true };
	struct target_result r;
	int rc = pc_call(p, &c, &r);
	if (rc != TARGET_OK || r.ret < 0)
		return pc_fail(p, "socket(%s, SOCK_STREAM, IPPROTO_TCP) gave %s, ret %lld errno %d",
			       pc_domain(p) == AF_INET ? "AF_INET" : "AF_INET6", target_status_name(rc),
			       (long long)r.ret, r.err);
	*fd = (int)r.ret;
	return PC_OK;
}

/* socket() then connect() to the configured remote: *rc and *r are connect()'s answer,
 * for the caller to judge (a blocking connect on virtual time is PENDING). */
int pc_connect(struct pc *p, int type_flags, int *fd, int *rc, struct target_result *r)
{
	int v = pc_socket(p, type_flags, fd);
	if (v != PC_OK)
		return v;
	struct target_call c = { .kind = TARGET_CALL_CONNECT, .fd = *fd };
	pc_sockaddr(p, &p->cfg.remote_ip, p->cfg.remote_port, &c);
	*rc = pc_call(p, &c, r);
	return PC_OK;
}

int pc_simple(struct pc *p, struct target_call *c, const char *what)
{
	struct target_result r;
	c->nonblocking_expected = true;
	int rc = pc_call(p, c, &r);
	if (rc != TARGET_OK || r.ret < 0)
		return pc_fail(p, "%s gave %s, ret %lld errno %d: %s", what, target_status_name(rc),
			       (long long)r.ret, r.err, p->diag.msg);
	return PC_OK;
}

/* A listener on local_port: *lfd. */
int pc_listener(struct pc *p, int type_flags, int *lfd)
{
	int v = pc_socket(p, type_flags, lfd);
	if (v != PC_OK)
		return v;
	struct target_call b = { .kind = TARGET_CALL_BIND, .fd = *lfd };
	pc_sockaddr(p, &p->cfg.local_ip, p->cfg.local_port, &b);
	if (p->cfg.ip_version != TARGET_IPV4_ONLY) {
		/* the wildcard of the family, as scripts bind with ... */
		b.addrlen = target_sockaddr(&p->cfg, &p->cfg.local_ip, p->cfg.local_port,
					    &b.addr);
	}
	if ((v = pc_simple(p, &b, "bind() to the local address")) != PC_OK)
		return v;
	struct target_call l = { .kind = TARGET_CALL_LISTEN, .fd = *lfd, .backlog = 1 };
	return pc_simple(p, &l, "listen(fd, 1)");
}

/* The passive handshake: SYN in, SYN,ACK out, ACK in. */
int pc_handshake_in(struct pc *p)
{
	p->peer_seq = 1000;
	int v = pc_inject(p, WIRE_TH_SYN, NULL, 0);
	if (v != PC_OK)
		return v;
	struct target_packet pk;
	struct wire_packet w;
	if ((v = pc_outbound(p, &pk, &w, "SYN,ACK after a SYN to a listener")) != PC_OK)
		return v;
	uint16_t synack = WIRE_TH_SYN | WIRE_TH_ACK;
	if ((w.tcp.flags & (synack | WIRE_TH_RST)) != synack)
		return pc_fail(p, "a SYN to the listener got flags %#x back, not SYN,ACK",
			       w.tcp.flags);
	if (w.tcp.ack != p->peer_seq)
		return pc_fail(p, "the SYN,ACK acknowledges %u, not the SYN's sequence + 1 (%u)",
			       w.tcp.ack, p->peer_seq);
	p->stack_seq = w.tcp.seq + 1;
	return pc_inject(p, WIRE_TH_ACK, NULL, 0);
}

/* An established connection accepted from local_port: *fd. */
int pc_accepted(struct pc *p, int *fd)
{
	int lfd, v = pc_listener(p, SOCK_NONBLOCK, &lfd);
	if (v != PC_OK || (v = pc_handshake_in(p)) != PC_OK)
		return v;
	struct target_call a = { .kind = TARGET_CALL_ACCEPT, .fd = lfd };
	struct target_result r;
	a.nonblocking_expected = true;
	int rc = pc_call(p, &a, &r);
	if (rc != TARGET_OK || r.ret < 0)
		return pc_fail(p, "accept() on a non-blocking listener after the handshake gave "
			       "%s, ret %lld errno %d: %s", target_status_name(rc),
			       (long long)r.ret, r.err, p->diag.msg);
	*fd = (int)r.ret;
	return PC_OK;
}

