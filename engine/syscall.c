/* Socket calls: the script's call (a dsl_syscall with argument trees) is decoded once
 * into a struct target_call plus what the script expects back, made on the target, and
 * the result compared: return value, errno, and output values (getsockopt, poll
 * revents, ioctl, recvmsg flags, epoll events).  Blocking calls (`a...b`) may stay in
 * flight while the script goes on; their return is checked against the window. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/engine_int.h"

/* ---- fds ------------------------------------------------------------------------------ */

/* A script fd never opened is passed as a number no process has open, so a script
 * testing EBADF gets EBADF and can never reach an fd of tcpspec's own. */
#define ENGINE_UNMAPPED_FD(n) (1 << 20 | ((n) & 0xffff))

int engine_target_fd(struct engine_ctx *x, int script_fd)
{
	for (int i = x->n_fds - 1; i >= 0; i--)
		if (x->fd_script[i] == script_fd)
			return x->fd_target[i];
	return script_fd < 0 ? script_fd : ENGINE_UNMAPPED_FD(script_fd);
}

static int script_fd_of(struct engine_ctx *x, int target_fd)
{
	for (int i = x->n_fds - 1; i >= 0; i--)
		if (x->fd_target[i] == target_fd)
			return x->fd_script[i];
	return target_fd;
}

static void map_fd(struct engine_ctx *x, int script_fd, int target_fd)
{
	for (int i = 0; i < x->n_fds; i++)
		if (x->fd_script[i] == script_fd) {
			x->fd_target[i] = target_fd;
			return;
		}
	if (x->n_fds < ENGINE_MAX_FDS) {
		x->fd_script[x->n_fds] = script_fd;
		x->fd_target[x->n_fds++] = target_fd;
	}
}

static void unmap_fd(struct engine_ctx *x, int target_fd)
{
	for (int i = 0; i < x->n_fds; i++)
		if (x->fd_target[i] == target_fd) {
			x->fd_script[i] = x->fd_script[x->n_fds - 1];
			x->fd_target[i] = x->fd_target[x->n_fds - 1];
			x->n_fds--;
			return;
		}
}

/* Remove target fd from the unbound stream sockets; true if it was there. */
static bool take_unbound(struct engine_ctx *x, int fd)
{
	for (int i = 0; i < x->n_unbound; i++)
		if (x->unbound[i] == fd) {
			x->unbound[i] = x->unbound[--x->n_unbound];
			return true;
		}
	return false;
}

static void add_unbound(struct engine_ctx *x, int fd)
{
	take_unbound(x, fd);
	if (x->n_unbound < ENGINE_MAX_FDS)
		x->unbound[x->n_unbound++] = fd;
}

/* ---- expressions --------------------------------------------------------------------- */

struct dctx {
	struct engine_ctx *x;
	const struct dsl_event *ev;
	char why[256];              /* why decoding failed (unsupported) */
	bool undefined;             /* ... or a name the suite's runner defines is not */
};

static bool is_ellipsis(const struct dsl_expr *e)
{
	return !e || e->kind == DSL_EXPR_ELLIPSIS;
}

/* `...`, 0 or NULL for a pointer argument */
static bool is_null(const struct dsl_expr *e)
{
	return is_ellipsis(e) || (e->kind == DSL_EXPR_INT && e->ival == 0) ||
	       (e->kind == DSL_EXPR_SYMBOL && !strcmp(e->text, "NULL"));
}

/* NULL (or 0) written for a buffer: the call gets a NULL pointer (target_call.null_buf) */
static bool is_null_ptr(const struct dsl_expr *e)
{
	return e && ((e->kind == DSL_EXPR_INT && e->ival == 0) ||
		     (e->kind == DSL_EXPR_SYMBOL && !strcmp(e->text, "NULL")));
}

static bool eval_int(struct dctx *d, const struct dsl_expr *e, int64_t *v)
{
	if (!e) {
		snprintf(d->why, sizeof d->why, "missing argument");
		return false;
	}
	switch (e->kind) {
	case DSL_EXPR_INT:
		*v = e->ival;
		return true;
	case DSL_EXPR_SYMBOL:
		for (int i = d->x->opts.n_defines; i-- > 0;)   /* --define NAME=VALUE */
			if (!strcmp(d->x->opts.defines[i][0], e->text)) {
				const char *val = d->x->opts.defines[i][1];
				char *end;
				long long n = strtoll(val, &end, 0);
				if (*val && !*end) {
					*v = n;
					return true;
				}
				if (engine_symbol(val, v))
					return true;
			}
		/* FreeBSD's TCP over UDP option: only a target that carries TCP in UDP
		 * has it (Linux has no such option; its number is FreeBSD's) */
		if (!strcmp(e->text, "TCP_REMOTE_UDP_ENCAPS_PORT") &&
		    !(d->x->cfg->target->caps & TARGET_TCP_OVER_UDP)) {
			snprintf(d->why, sizeof d->why, "symbol %s: TCP over UDP, which the %s "
				 "target has not", e->text, d->x->cfg->target->name);
			return false;
		}
		if (engine_symbol(e->text, v))
			return true;
		if (e->text[0] == 'E' && engine_errno_lookup(e->text) >= 0) {
			*v = engine_errno_lookup(e->text);   /* ee_errno=ENOMSG */
			return true;
		}
		/* a name packetdrill's runners define per IP version (-D): without the
		 * definition the script cannot run, as under packetdrill (a failure, never
		 * a skip that would hide a runner's missing flag) */
		if (engine_symbol_runner_defined(e->text)) {
			d->undefined = true;
			snprintf(d->why, sizeof d->why, "symbol %s is not defined: the suite's "
				 "runner defines it (give --define %s=VALUE)", e->text, e->text);
			return false;
		}
		/* the parser let it through: a real name without a value here */
		snprintf(d->why, sizeof d->why, "symbol %s is not supported", e->text);
		return false;
	case DSL_EXPR_OR: {
		int64_t acc = 0, t;
		for (size_t i = 0; i < e->n_items; i++) {
			if (!eval_int(d, e->items[i], &t))
				return false;
			acc |= t;
		}
		*v = acc;
		return true;
	}
	case DSL_EXPR_CALL:
		if (e->n_items == 1 && (!strcmp(e->text, "htons") || !strcmp(e->text, "ntohs"))) {
			int64_t t;
			if (!eval_int(d, e->items[0], &t))
				return false;
			*v = t;  /* ports are kept in host order here */
			return true;
		}
		break;
	case DSL_EXPR_ARRAY:
		if (e->n_items == 1)
			return eval_int(d, e->items[0], v);
		break;
	default:
		break;
	}
	snprintf(d->why, sizeof d->why, "cannot use this argument as a number (line %d col %d)",
		 e->loc.line, e->loc.column);
	return false;
}

static const struct dsl_expr *field(const struct dsl_expr *s, const char *name)
{
	if (!s || s->kind != DSL_EXPR_STRUCT)
		return NULL;
	for (size_t i = 0; i < s->n_items; i++) {
		const struct dsl_expr *f = s->items[i];
		if (f->kind == DSL_EXPR_FIELD && f->text && !strcmp(f->text, name))
			return f->value;
	}
	return NULL;
}

/* A sockaddr literal: {sa_family=AF_INET, sin_port=htons(8080),
 * sin_addr=inet_addr("192.0.2.1")} or the sin6_ forms. */
static bool eval_sockaddr(struct dctx *d, const struct dsl_expr *e, struct target_call *c)
{
	const struct dsl_expr *fam = field(e, "sa_family");
	if (!fam)
		fam = field(e, "sin_family");
	if (!fam)
		fam = field(e, "sin6_family");
	int64_t family, port = 0;
	if (!fam || !eval_int(d, fam, &family)) {
		snprintf(d->why, sizeof d->why, "socket address without sa_family");
		return false;
	}
	memset(&c->addr, 0, sizeof c->addr);
	const struct dsl_expr *p = field(e, family == AF_INET6 ? "sin6_port" : "sin_port");
	if (p && !eval_int(d, p, &port))
		return false;
	const struct dsl_expr *a = field(e, family == AF_INET6 ? "sin6_addr" : "sin_addr");
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&c->addr;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		if (a && a->kind == DSL_EXPR_CALL && a->n_items == 1 &&
		    a->items[0]->kind == DSL_EXPR_STRING &&
		    inet_pton(AF_INET, a->items[0]->text, &s->sin_addr) != 1) {
			snprintf(d->why, sizeof d->why, "bad IPv4 address");
			return false;
		}
		c->addrlen = sizeof *s;
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&c->addr;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		if (a && a->kind == DSL_EXPR_CALL && a->n_items == 1 &&
		    a->items[0]->kind == DSL_EXPR_STRING &&
		    inet_pton(AF_INET6, a->items[0]->text, &s->sin6_addr) != 1) {
			snprintf(d->why, sizeof d->why, "bad IPv6 address");
			return false;
		}
		c->addrlen = sizeof *s;
	} else {
		snprintf(d->why, sizeof d->why, "unsupported address family %lld",
			 (long long)family);
		return false;
	}
	c->has_addr = true;
	return true;
}

static void default_addr(struct engine_ctx *x, struct target_call *c, bool local)
{
	c->addrlen = target_sockaddr(&x->tc, local ? &x->tc.local_ip : &x->tc.remote_ip,
				     local ? x->tc.local_port : x->tc.remote_port, &c->addr);
	c->has_addr = true;
}

static bool eval_addr_arg(struct dctx *d, const struct dsl_expr *e, struct target_call *c,
			  bool local)
{
	if (is_ellipsis(e)) {
		default_addr(d->x, c, local);
		return true;
	}
	if (e->kind == DSL_EXPR_STRUCT)
		return eval_sockaddr(d, e, c);
	if (e->kind == DSL_EXPR_SYMBOL && !strncmp(e->text, "AF_", 3)) {
		/* a family alone (sendto(..., AF_UNSPEC, ...), connect to AF_UNSPEC): an
		 * address of that family and nothing else, the whole sockaddr_storage, as
		 * packetdrill passes it */
		int64_t family;
		if (!eval_int(d, e, &family))
			return false;
		memset(&c->addr, 0, sizeof c->addr);
		c->addr.ss_family = (sa_family_t)family;
		c->addrlen = sizeof c->addr;
		c->has_addr = true;
		return true;
	}
	if (is_null_ptr(e)) {                           /* NULL or 0: no address */
		c->has_addr = false;
		return true;
	}
	snprintf(d->why, sizeof d->why, "unsupported socket address argument");
	return false;
}

static bool eval_fd(struct dctx *d, const struct dsl_expr *e, int *fd)
{
	int64_t v;
	if (!eval_int(d, e, &v))
		return false;
	*fd = engine_target_fd(d->x, (int)v);
	return true;
}

/* `...` or `[...]`: a value the script does not give (optlen) */
static bool is_any(const struct dsl_expr *e)
{
	return is_ellipsis(e) ||
	       (e->kind == DSL_EXPR_ARRAY && e->n_items == 1 && is_ellipsis(e->items[0]));
}

/* A struct literal of named timeval or tcp_info fields: {tv_sec=1, tv_usec=500000},
 * {tcpi_state=TCP_ESTABLISHED, tcpi_snd_mss=1000, ...}.  Fields left out, `...` among
 * them or a field written `NAME=...` are not set (setsockopt: zero) nor checked.
 * os->kind stays NONE for `{...}`. */
static bool eval_ostruct(struct dctx *d, const struct dsl_expr *e, struct engine_ostruct *os)
{
	memset(os, 0, sizeof *os);
	for (size_t i = 0; i < e->n_items; i++) {
		const struct dsl_expr *it = e->items[i];
		if (is_ellipsis(it))
			continue;
		if (it->kind != DSL_EXPR_FIELD || !it->text || it->index) {
			snprintf(d->why, sizeof d->why, "unsupported option structure (line %d col "
				 "%d): only named fields NAME=VALUE", it->loc.line, it->loc.column);
			return false;
		}
		enum engine_ostruct_kind k = engine_ostruct_kind_of(it->text);
		if (k == ENGINE_OSTRUCT_NONE) {
			snprintf(d->why, sizeof d->why, "unsupported option structure: unknown "
				 "field %s (known: struct timeval, struct tcp_info)", it->text);
			return false;
		}
		if (os->kind != ENGINE_OSTRUCT_NONE && k != os->kind) {
			snprintf(d->why, sizeof d->why, "unsupported option structure: field %s is "
				 "not in struct %s", it->text, engine_ostruct_type(os->kind));
			return false;
		}
		os->kind = k;
		if (is_ellipsis(it->value))
			continue;
		for (int j = 0; j < os->n; j++)
			if (!strcmp(os->f[j].name, it->text)) {
				snprintf(d->why, sizeof d->why, "option structure field %s given twice",
					 it->text);
				return false;
			}
		struct engine_ostruct_field *f = &os->f[os->n];
		if (os->n >= ENGINE_MAX_OSTRUCT_FIELDS || !engine_ostruct_field(k, it->text, f)) {
			snprintf(d->why, sizeof d->why, "unsupported option structure field %s",
				 it->text);
			return false;
		}
		if (!eval_int(d, it->value, &f->value))
			return false;
		os->n++;
	}
	os->size = engine_ostruct_size(os->kind);
	return true;
}

/* An option value: [1], 1, {onoff=1, linger=0}, "cubic", {tv_sec=1, tv_usec=0},
 * {tcpi_state=..., ...} or ...; a struct other than a linger is also left in *os. */
static bool eval_optval(struct dctx *d, const struct dsl_expr *e, struct target_optval *o,
			struct engine_ostruct *os)
{
	memset(o, 0, sizeof *o);
	os->kind = ENGINE_OSTRUCT_NONE;
	os->n = 0;
	if (is_ellipsis(e))
		return true;
	if (engine_md5sig_is(e))	/* TCP_MD5SIG's key (md5sig.c) */
		return engine_md5sig_optval(d->x, e, o, d->why, sizeof d->why);
	if (e->kind == DSL_EXPR_STRUCT) {
		const struct dsl_expr *on = field(e, "onoff");
		const struct dsl_expr *lg = field(e, "linger");
		if (!on)
			on = field(e, "l_onoff");
		if (!lg)
			lg = field(e, "l_linger");
		int64_t a, b;
		if (on || lg) {
			if (on && lg && eval_int(d, on, &a) && eval_int(d, lg, &b)) {
				o->kind = TARGET_OPT_LINGER;
				o->linger.onoff = a;
				o->linger.linger = b;
				return true;
			}
			snprintf(d->why, sizeof d->why, "unsupported option structure: a linger "
				 "needs onoff and linger");
			return false;
		}
		if (!eval_ostruct(d, e, os))
			return false;
		if (os->kind != ENGINE_OSTRUCT_NONE) {
			/* the bytes a setsockopt passes (getsockopt compares field by field) */
			o->kind = TARGET_OPT_BYTES;
			o->nbytes = os->size;
			engine_ostruct_encode(os, o->bytes);
		}
		return true;
	}
	if (e->kind == DSL_EXPR_STRING) {
		o->kind = TARGET_OPT_BYTES;
		o->nbytes = e->text_len < TARGET_MAX_OPTBYTES ? e->text_len : TARGET_MAX_OPTBYTES;
		memcpy(o->bytes, e->text, o->nbytes);
		return true;
	}
	if (e->kind == DSL_EXPR_ARRAY && e->n_items == 1 && is_ellipsis(e->items[0]))
		return true;
	int64_t v;
	if (!eval_int(d, e, &v))
		return false;
	o->kind = TARGET_OPT_INT;
	o->i = v;
	return true;
}

static bool eval_iov(struct dctx *d, const struct dsl_expr *e, struct target_call *c)
{
	if (!e || e->kind != DSL_EXPR_ARRAY) {
		snprintf(d->why, sizeof d->why, "an iovec array [{..., LEN}] is expected");
		return false;
	}
	c->iovcnt = 0;
	c->iov_lens = NULL;
	if (e->n_items > TARGET_MAX_IOV_ALL) {  /* never cut short: say so */
		snprintf(d->why, sizeof d->why, "an iovec of %zu entries (at most %d, Linux's "
			 "UIO_MAXIOV)", e->n_items, TARGET_MAX_IOV_ALL);
		return false;
	}
	size_t *all = NULL;
	if (e->n_items > TARGET_MAX_IOV) {      /* the one the call in flight does not use */
		struct engine_ctx *x = d->x;
		all = x->iov_lens[x->pending && x->pcall.c.iov_lens == x->iov_lens[0]];
		c->iov_lens = all;
	}
	for (size_t i = 0; i < e->n_items; i++) {
		const struct dsl_expr *it = e->items[i];
		const struct dsl_expr *len = field(it, "iov_len");
		const struct dsl_expr *base = field(it, "iov_base");
		if (!len && it->kind == DSL_EXPR_STRUCT && it->n_items == 2) {
			len = it->items[1];
			base = it->items[0];
		}
		int64_t v;
		if (!len || !eval_int(d, len, &v) || v < 0)
			return false;
		if (is_null_ptr(base) && c->iovcnt >= TARGET_MAX_IOV) {
			snprintf(d->why, sizeof d->why, "a NULL iov_base in iovec entry %d (only "
				 "the first %d can be NULL)", c->iovcnt + 1, TARGET_MAX_IOV);
			return false;
		}
		if (is_null_ptr(base))
			c->null_iov |= 1u << c->iovcnt;
		if (all)
			all[c->iovcnt] = v;
		if (c->iovcnt < TARGET_MAX_IOV)
			c->iov_len[c->iovcnt] = v;
		c->iovcnt++;
	}
	return true;
}

/* recvmsg's msg_control=[{cmsg_level=L, cmsg_type=T, cmsg_data=D}, ...]: the messages
 * the script expects, in order; D an integer or a structure of named fields (cmsg.c). */
static bool decode_cmsg(struct dctx *d, const struct dsl_syscall *sc,
			const struct dsl_expr *ctl, struct engine_call *ec)
{
	if (strcmp(sc->name, "recvmsg")) {
		snprintf(d->why, sizeof d->why, "%s() with msg_control (ancillary data) is not "
			 "supported yet", sc->name);
		return false;
	}
	if (!target_has(&d->x->t, TARGET_CMSG)) {
		snprintf(d->why, sizeof d->why, "the %s target does not return ancillary data "
			 "(msg_control)", d->x->t.ops->name);
		return false;
	}
	if (ctl->kind != DSL_EXPR_ARRAY || ctl->n_items > 4) {
		snprintf(d->why, sizeof d->why, "msg_control must be [{cmsg_level=..., "
			 "cmsg_type=..., cmsg_data=...}, ...] (at most 4)");
		return false;
	}
	for (size_t i = 0; i < ctl->n_items; i++) {
		const struct dsl_expr *it = ctl->items[i];
		const struct dsl_expr *lv = field(it, "cmsg_level"), *ty = field(it, "cmsg_type"),
				      *da = field(it, "cmsg_data");
		struct engine_cmsg *m = &ec->cmsg[i];
		memset(m, 0, sizeof *m);
		int64_t l, t, v;
		if (!lv || !ty || !da) {
			snprintf(d->why, sizeof d->why, "msg_control entry %zu needs cmsg_level, "
				 "cmsg_type and cmsg_data", i + 1);
			return false;
		}
		if (!eval_int(d, lv, &l) || !eval_int(d, ty, &t))
			return false;
		m->level = (int)l;
		m->type = (int)t;
		if (da->kind != DSL_EXPR_STRUCT) {
			if (!eval_int(d, da, &v))
				return false;
			m->data = v;
			continue;
		}
		for (size_t k = 0; k < da->n_items; k++) {
			const struct dsl_expr *f = da->items[k];
			if (f->kind != DSL_EXPR_FIELD || !f->text) {
				snprintf(d->why, sizeof d->why, "cmsg_data {...} needs name=value "
					 "fields");
				return false;
			}
			if (!eval_int(d, f->value, &v) ||
			    !engine_cmsg_field(m, f->text, v, d->why, sizeof d->why))
				return false;
		}
	}
	ec->n_cmsg = (int)ctl->n_items;
	ec->check_cmsg = true;
	ec->c.controllen = TARGET_MAX_CONTROL;
	return true;
}

/* ---- decoding one call ------------------------------------------------------------ */

#define ARG(i) ((size_t)(i) < sc->n_args ? sc->args[i] : NULL)

static bool decode(struct dctx *d, const struct dsl_syscall *sc, struct engine_call *ec)
{
	struct engine_ctx *x = d->x;
	struct target_call *c = &ec->c;
	int k = target_call_lookup(sc->name);
	if (!strcmp(sc->name, "accept4"))
		k = TARGET_CALL_ACCEPT;
	if (k < 0) {
		snprintf(d->why, sizeof d->why, "system call %s() is not supported", sc->name);
		return false;
	}
	c->kind = k;
	int64_t v;
	switch (k) {
	case TARGET_CALL_SOCKET: {
		int64_t dom, type, proto;
		if (is_ellipsis(ARG(0)))
			dom = x->tc.ip_version == TARGET_IPV4_ONLY ? AF_INET : AF_INET6;
		else if (!eval_int(d, ARG(0), &dom))
			return false;
		if (!eval_int(d, ARG(1), &type))
			return false;
		if (is_ellipsis(ARG(2)))
			proto = 0;
		else if (!eval_int(d, ARG(2), &proto))
			return false;
		/* the script's family follows the run's IP version */
		if (dom == AF_INET || dom == AF_INET6)
			dom = x->tc.ip_version == TARGET_IPV4_ONLY ? AF_INET : AF_INET6;
		c->domain = dom;
		c->type = type;
		c->protocol = proto;
		return true;
	}
	case TARGET_CALL_BIND:
	case TARGET_CALL_CONNECT: {
		if (!eval_fd(d, ARG(0), &c->fd) ||
		    !eval_addr_arg(d, ARG(1), c, k == TARGET_CALL_BIND))
			return false;
		/* an explicit port is where the script's packets must go / come from */
		uint16_t port = 0;
		if (c->addr.ss_family == AF_INET)
			port = ntohs(((struct sockaddr_in *)&c->addr)->sin_port);
		else if (c->addr.ss_family == AF_INET6)
			port = ntohs(((struct sockaddr_in6 *)&c->addr)->sin6_port);
		if (port && k == TARGET_CALL_BIND && !x->c.local_port_known)
			x->c.local_port = port;
		if (port && k == TARGET_CALL_CONNECT)
			engine_conn_rehome(x, port);
		return true;
	}
	case TARGET_CALL_LISTEN:
		if (!eval_fd(d, ARG(0), &c->fd) || !eval_int(d, ARG(1), &v))
			return false;
		c->backlog = v;
		return true;
	case TARGET_CALL_ACCEPT:
		if (!eval_fd(d, ARG(0), &c->fd))
			return false;
		if (sc->n_args > 3 && !is_ellipsis(ARG(3))) {
			if (!eval_int(d, ARG(3), &v))
				return false;
			c->flags = v;
		}
		return true;
	case TARGET_CALL_READ:
	case TARGET_CALL_WRITE:
	case TARGET_CALL_SEND:
	case TARGET_CALL_RECV:
	case TARGET_CALL_SENDTO:
	case TARGET_CALL_RECVFROM:
		if (!eval_fd(d, ARG(0), &c->fd) || !eval_int(d, ARG(2), &v) || v < 0)
			return false;
		c->len = v;
		c->null_buf = is_null_ptr(ARG(1));
		if (k != TARGET_CALL_READ && k != TARGET_CALL_WRITE && sc->n_args > 3) {
			if (!eval_int(d, ARG(3), &v))
				return false;
			c->flags = v;
		}
		if (k == TARGET_CALL_SENDTO) {
			const struct dsl_expr *a = ARG(4);
			for (int i = 0; x->opts.bsd_sockets && i < x->n_tfo_clients; i++)
				if (x->tfo_client[i] == c->fd)
					c->flags |= MSG_FASTOPEN;
			if (is_ellipsis(a)) {
				/* a UDP socket's `...`: the script's remote end (udp.c) */
				if ((c->flags & MSG_FASTOPEN) || engine_udp_is(x, c->fd))
					default_addr(x, c, false);
			} else if (!eval_addr_arg(d, a, c, false)) {
				return false;
			}
		}
		return true;
	case TARGET_CALL_READV:
	case TARGET_CALL_WRITEV:
		return eval_fd(d, ARG(0), &c->fd) && eval_iov(d, ARG(1), c);
	case TARGET_CALL_SENDMSG:
	case TARGET_CALL_RECVMSG: {
		if (!eval_fd(d, ARG(0), &c->fd))
			return false;
		const struct dsl_expr *m = ARG(1);
		if (!m || m->kind != DSL_EXPR_STRUCT) {
			snprintf(d->why, sizeof d->why, "a msghdr {...} is expected");
			return false;
		}
		if (!eval_iov(d, field(m, "msg_iov"), c))
			return false;
		const struct dsl_expr *name = field(m, "msg_name");
		if (k == TARGET_CALL_SENDMSG && name && !is_ellipsis(name) &&
		    !eval_addr_arg(d, name, c, false))
			return false;
		/* ancillary data: recvmsg's is compared (integers), sendmsg's not sent yet */
		const struct dsl_expr *ctl = field(m, "msg_control");
		if (ctl && !is_null(ctl) && !decode_cmsg(d, sc, ctl, ec))
			return false;
		const struct dsl_expr *fl = field(m, "msg_flags");
		if (k == TARGET_CALL_RECVMSG && fl && !is_ellipsis(fl)) {
			if (!eval_int(d, fl, &v))
				return false;
			ec->check_msg_flags = true;
			ec->msg_flags = v;
		}
		if (sc->n_args > 2) {
			if (!eval_int(d, ARG(2), &v))
				return false;
			c->flags = v;
		}
		if (k == TARGET_CALL_SENDMSG && (c->flags & MSG_FASTOPEN) && !c->has_addr)
			default_addr(x, c, false);
		return true;
	}
	case TARGET_CALL_CLOSE:
		return eval_fd(d, ARG(0), &c->fd);
	case TARGET_CALL_SHUTDOWN:
		if (!eval_fd(d, ARG(0), &c->fd) || !eval_int(d, ARG(1), &v))
			return false;
		c->how = v;
		return true;
	case TARGET_CALL_SETSOCKOPT:
	case TARGET_CALL_GETSOCKOPT: {
		int64_t lvl, name;
		if (!eval_fd(d, ARG(0), &c->fd) || !eval_int(d, ARG(1), &lvl) ||
		    !eval_int(d, ARG(2), &name))
			return false;
		c->level = lvl;
		c->optname = name;
		struct target_optval o;
		struct engine_ostruct *os = &ec->ostruct;
		if (!eval_optval(d, ARG(3), &o, os))
			return false;
		int64_t len = -1;
		if (!is_any(ARG(4)) && !eval_int(d, ARG(4), &len))
			return false;
		size_t natural = o.kind == TARGET_OPT_LINGER ? 8
				 : o.kind == TARGET_OPT_BYTES ? o.nbytes
				 : o.kind == TARGET_OPT_INT ? 4 : 0;
		if (k == TARGET_CALL_SETSOCKOPT && x->opts.bsd_sockets && lvl == IPPROTO_TCP &&
		    name == TCP_FASTOPEN && o.kind == TARGET_OPT_INT && o.i &&
		    x->n_tfo_clients < ENGINE_MAX_FDS)
			x->tfo_client[x->n_tfo_clients++] = c->fd;
		if (k == TARGET_CALL_SETSOCKOPT) {
			c->opt = o;
			c->optlen = len >= 0 ? (socklen_t)len : natural;
		} else {
			ec->check_ostruct = os->kind != ENGINE_OSTRUCT_NONE;
			ec->check_opt = o.kind != TARGET_OPT_NONE && !ec->check_ostruct;
			ec->opt = o;
			ec->check_optlen = len >= 0;
			ec->optlen = len;
			c->optlen = len > 0 ? (socklen_t)len : natural ? (socklen_t)natural : TARGET_MAX_OPTBYTES;
			if (c->optlen > TARGET_MAX_OPTBYTES)
				c->optlen = TARGET_MAX_OPTBYTES;
		}
		return true;
	}
	case TARGET_CALL_FCNTL:
		if (!eval_fd(d, ARG(0), &c->fd) || !eval_int(d, ARG(1), &v))
			return false;
		c->cmd = v;
		if (sc->n_args > 2 && !is_ellipsis(ARG(2))) {
			if (!eval_int(d, ARG(2), &v))
				return false;
			c->arg = v;
		}
		return true;
	case TARGET_CALL_IOCTL: {
		if (!eval_fd(d, ARG(0), &c->fd) || !eval_int(d, ARG(1), &v))
			return false;
		c->cmd = v;
		const struct dsl_expr *o = ARG(2);
		if (o && !is_ellipsis(o)) {
			if (!eval_int(d, o, &v))
				return false;
			ec->check_ioctl = true;
			ec->ioctl_val = v;
		}
		return true;
	}
	case TARGET_CALL_POLL: {
		const struct dsl_expr *a = ARG(0);
		if (!a || a->kind != DSL_EXPR_ARRAY) {
			snprintf(d->why, sizeof d->why, "poll() wants an array of pollfd structs");
			return false;
		}
		c->nfds = 0;
		for (size_t i = 0; i < a->n_items && i < TARGET_MAX_POLLFD; i++) {
			const struct dsl_expr *p = a->items[i];
			int64_t fd, evs = 0, rev;
			if (!eval_int(d, field(p, "fd"), &fd))
				return false;
			const struct dsl_expr *e = field(p, "events");
			if (e && !eval_int(d, e, &evs))
				return false;
			const struct dsl_expr *r = field(p, "revents");
			c->pfd[i].fd = engine_target_fd(x, fd);
			c->pfd[i].events = evs;
			c->pfd[i].revents = -1;          /* not checked */
			if (r && !is_ellipsis(r)) {
				if (!eval_int(d, r, &rev))
					return false;
				c->pfd[i].revents = rev;
				ec->check_revents = true;
			}
			c->nfds++;
		}
		if (!eval_int(d, ARG(2), &v))
			return false;
		c->timeout_ms = v;
		return true;
	}
	case TARGET_CALL_EPOLL_CREATE:
		c->maxevents = 1;
		if (sc->n_args > 0 && !is_ellipsis(ARG(0))) {
			if (!eval_int(d, ARG(0), &v))
				return false;
			c->maxevents = v;
		}
		return true;
	case TARGET_CALL_EPOLL_CTL: {
		int64_t op, fd, evs = 0;
		if (!eval_fd(d, ARG(0), &c->fd) || !eval_int(d, ARG(1), &op) ||
		    !eval_int(d, ARG(2), &fd))
			return false;
		c->epoll_op = op;
		c->epoll_target_fd = engine_target_fd(x, fd);
		const struct dsl_expr *e = ARG(3);
		if (e && !is_ellipsis(e)) {
			const struct dsl_expr *ev = field(e, "events");
			if (ev && !eval_int(d, ev, &evs))
				return false;
			const struct dsl_expr *dfd = field(e, "fd");
			if (!dfd)
				dfd = field(e, "u64");
			int64_t data = fd;
			if (dfd && !eval_int(d, dfd, &data))
				return false;
			c->epoll_ev.events = evs;
			c->epoll_ev.data = (uint64_t)data;   /* the script's number */
		}
		return true;
	}
	case TARGET_CALL_EPOLL_WAIT: {
		if (!eval_fd(d, ARG(0), &c->fd))
			return false;
		const struct dsl_expr *e = ARG(1);
		if (e && !is_ellipsis(e)) {
			size_t n = e->kind == DSL_EXPR_ARRAY ? e->n_items : 1;
			for (size_t i = 0; i < n && i < TARGET_MAX_EVENTS; i++) {
				const struct dsl_expr *it = e->kind == DSL_EXPR_ARRAY ? e->items[i] : e;
				int64_t evs = 0, data = 0;
				const struct dsl_expr *ev = field(it, "events");
				const struct dsl_expr *dfd = field(it, "fd");
				if (!dfd)
					dfd = field(it, "u64");
				if ((ev && !eval_int(d, ev, &evs)) || (dfd && !eval_int(d, dfd, &data)))
					return false;
				ec->events[i].events = evs;
				ec->events[i].data = data;
				ec->nevents = i + 1;
			}
			ec->check_events = true;
		}
		if (!eval_int(d, ARG(2), &v))
			return false;
		c->maxevents = v;
		if (!eval_int(d, ARG(3), &v))
			return false;
		c->timeout_ms = v;
		return true;
	}
	case TARGET_CALL_PIPE: {
		/* pipe([R, W]): the numbers the script uses for the read and write ends */
		const struct dsl_expr *a = ARG(0);
		if (is_ellipsis(a))
			return true;
		int64_t r, w;
		if (a->kind != DSL_EXPR_ARRAY || a->n_items != 2 || !eval_int(d, a->items[0], &r) ||
		    !eval_int(d, a->items[1], &w)) {
			snprintf(d->why, sizeof d->why, "pipe() wants [READ_FD, WRITE_FD]");
			return false;
		}
		ec->map_pipe = true;
		ec->pipe_script_fd[0] = (int)r;
		ec->pipe_script_fd[1] = (int)w;
		return true;
	}
	case TARGET_CALL_OPEN: {
		/* open("name", FLAGS[, MODE]); a relative name is taken from the script's
		 * directory, as shell lines run there */
		const struct dsl_expr *a = ARG(0);
		if (!a || a->kind != DSL_EXPR_STRING || memchr(a->text, 0, a->text_len)) {
			snprintf(d->why, sizeof d->why, "open() wants a file name string");
			return false;
		}
		if (a->text[0] == '/') {
			snprintf(ec->path, sizeof ec->path, "%s", a->text);
		} else {
			const char *slash = strrchr(x->name, '/');
			int dl = slash ? (int)(slash - x->name) : 1;
			snprintf(ec->path, sizeof ec->path, "%.*s/%s", dl, slash ? x->name : ".",
				 a->text);
		}
		c->path = ec->path;
		if (!eval_int(d, ARG(1), &v))
			return false;
		c->type = v;
		if (sc->n_args > 2 && !is_ellipsis(ARG(2))) {
			if (!eval_int(d, ARG(2), &v))
				return false;
			c->protocol = v;
		}
		return true;
	}
	case TARGET_CALL_SENDFILE:
		/* sendfile(OUT, IN, [OFFSET] or NULL, COUNT) */
		if (!eval_fd(d, ARG(0), &c->fd) || !eval_fd(d, ARG(1), &c->in_fd))
			return false;
		if (!is_null(ARG(2))) {
			if (ARG(2)->kind != DSL_EXPR_ARRAY || !eval_int(d, ARG(2), &v))
				return false;
			c->has_offset = true;
			c->offset = v;
		}
		if (!eval_int(d, ARG(3), &v) || v < 0)
			return false;
		c->len = v;
		return true;
	case TARGET_CALL_SPLICE:
		/* splice(IN, NULL, OUT, NULL, LEN, FLAGS): offsets only as NULL (sockets and
		 * pipes take none) */
		if (!eval_fd(d, ARG(0), &c->in_fd) || !eval_fd(d, ARG(2), &c->fd))
			return false;
		for (int k = 1; k <= 3; k += 2)
			if (!is_null(ARG(k))) {
				snprintf(d->why, sizeof d->why, "splice() with an offset is not "
					 "supported (only ... or NULL)");
				return false;
			}
		if (!eval_int(d, ARG(4), &v) || v < 0)
			return false;
		c->len = v;
		if (sc->n_args > 5 && !is_ellipsis(ARG(5))) {
			if (!eval_int(d, ARG(5), &v))
				return false;
			c->flags = v;
		}
		return true;
	default:
		snprintf(d->why, sizeof d->why, "system call %s() is not supported by the engine yet",
			 sc->name);
		return false;
	}
}

static bool decode_result(struct dctx *d, const struct dsl_syscall *sc, struct engine_call *ec)
{
	if (!sc->ret || sc->ret->kind == DSL_EXPR_ELLIPSIS) {
		ec->check_ret = false;
		return true;
	}
	int64_t v;
	if (!eval_int(d, sc->ret, &v))
		return false;
	ec->check_ret = true;
	ec->ret = v;
	if (sc->err_name) {
		ec->err = engine_errno_lookup(sc->err_name);
		ec->err_name = sc->err_name;
		if (ec->err < 0) {
			snprintf(d->why, sizeof d->why, "unknown errno name %s", sc->err_name);
			return false;
		}
	}
	if (ec->c.kind == TARGET_CALL_SOCKET || ec->c.kind == TARGET_CALL_ACCEPT ||
	    ec->c.kind == TARGET_CALL_EPOLL_CREATE || ec->c.kind == TARGET_CALL_OPEN)
		ec->ret_script_fd = (int)v;
	return true;
}

/* ---- checking ------------------------------------------------------------------------ */

/* "ETIMEDOUT (Connection timed out)", as the script would name it; the number only for
 * an errno without a name here */
static const char *errno_text(char *buf, size_t cap, int err)
{
	const char *nm = engine_errno_name(err);
	if (nm)
		snprintf(buf, cap, "%s (%s)", nm, strerror(err));
	else
		snprintf(buf, cap, "%d (%s)", err, strerror(err));
	return buf;
}

static void describe_ret(char *buf, size_t cap, int64_t ret, int err)
{
	char e[96];
	if (ret == -1 && err)
		snprintf(buf, cap, "-1 with errno %s", errno_text(e, sizeof e, err));
	else
		snprintf(buf, cap, "%lld", (long long)ret);
}

static const char *poll_names(char *buf, size_t cap, unsigned bits)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ POLLIN, "POLLIN" }, { POLLPRI, "POLLPRI" }, { POLLOUT, "POLLOUT" },
		{ POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" }, { POLLNVAL, "POLLNVAL" },
		{ POLLRDNORM, "POLLRDNORM" }, { POLLRDBAND, "POLLRDBAND" },
		{ POLLWRNORM, "POLLWRNORM" }, { POLLWRBAND, "POLLWRBAND" },
		{ POLLRDHUP, "POLLRDHUP" },
	};
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0] && n < cap; i++)
		if (bits & names[i].bit)
			n += snprintf(buf + n, cap - n, "%s%s", n ? "|" : "", names[i].name);
	if (n < cap)
		snprintf(buf + n, cap - n, "%s(0x%x)", n ? " " : "", bits);
	return buf;
}

/* getsockopt's struct literal: each named field against the bytes the target returned,
 * every differing field named in the one message. */
static int check_ostruct(struct engine_ctx *x, struct engine_call *ec,
			 const struct target_result *r)
{
	const struct engine_ostruct *os = &ec->ostruct;
	uint8_t ibuf[sizeof(int)];
	const uint8_t *buf = r->opt.bytes;
	size_t len = r->opt.nbytes < TARGET_MAX_OPTBYTES ? r->opt.nbytes : TARGET_MAX_OPTBYTES;
	if (r->opt.kind == TARGET_OPT_INT && !len) {   /* a target that gave an int only */
		int iv = (int)r->opt.i;
		memcpy(ibuf, &iv, sizeof iv);
		buf = ibuf;
		len = sizeof iv;
	} else if (r->opt.kind == TARGET_OPT_LINGER || r->opt.kind == TARGET_OPT_NONE) {
		len = 0;
	}
	char msg[1024], w[64], g[64];
	size_t n = 0;
	for (int i = 0; i < os->n && n < sizeof msg; i++) {
		const struct engine_ostruct_field *f = &os->f[i];
		int64_t got;
		if (!engine_ostruct_read(os, f, buf, len, &got))
			n += snprintf(msg + n, sizeof msg - n, "%s%s: expected %s but the target "
				      "returned only %zu bytes of struct %s", n ? "; " : "", f->name,
				      engine_ostruct_fmt(w, sizeof w, f, f->value), len,
				      engine_ostruct_type(os->kind));
		else if (got != f->value)
			n += snprintf(msg + n, sizeof msg - n, "%s%s: expected %s but got %s",
				      n ? "; " : "", f->name,
				      engine_ostruct_fmt(w, sizeof w, f, f->value),
				      engine_ostruct_fmt(g, sizeof g, f, got));
	}
	if (!n)
		return ENGINE_PASS;
	return engine_fail(x, ec->ev, 's', "error handling syscall: %s: optval: %s",
			   ec->ev->call.name, msg);
}

static int check_result(struct engine_ctx *x, struct engine_call *ec,
			const struct target_result *r)
{
	const struct dsl_event *ev = ec->ev;
	const char *name = ev->call.name;
	bool fd_ret = ec->c.kind == TARGET_CALL_SOCKET || ec->c.kind == TARGET_CALL_ACCEPT ||
		      ec->c.kind == TARGET_CALL_EPOLL_CREATE || ec->c.kind == TARGET_CALL_OPEN;
	if (ec->check_ret) {
		bool ok;
		if (fd_ret && ec->ret >= 0)
			ok = r->ret >= 0;       /* any fd: the script's number maps onto it */
		else
			ok = r->ret == ec->ret && (!ec->err_name || r->err == ec->err);
		if (!ok) {
			char want[160], got[160], e[96];
			if (ec->err_name)
				snprintf(want, sizeof want, "%lld with errno %s", (long long)ec->ret,
					 errno_text(e, sizeof e, ec->err));
			else
				snprintf(want, sizeof want, "%lld", (long long)ec->ret);
			describe_ret(got, sizeof got, r->ret, r->err);
			return engine_fail(x, ev, 's', "error handling syscall: %s: expected %s but got %s",
					   name, want, got);
		}
	}
	/* bookkeeping of fds */
	if (fd_ret && r->ret >= 0) {
		int sfd = ec->check_ret && ec->ret >= 0 ? (int)ec->ret : (int)r->ret;
		map_fd(x, sfd, (int)r->ret);
		if (ec->c.kind == TARGET_CALL_SOCKET || ec->c.kind == TARGET_CALL_ACCEPT)
			x->last_sock = (int)r->ret;
		/* a new socket: its connection's first SYN gives a new remote ISN */
		if (ec->c.kind == TARGET_CALL_SOCKET)
			engine_conn_reopen(x);
	}
	if (ec->c.kind == TARGET_CALL_PIPE && r->ret == 0 && ec->map_pipe) {
		map_fd(x, ec->pipe_script_fd[0], r->pipefd[0]);
		map_fd(x, ec->pipe_script_fd[1], r->pipefd[1]);
	}
	if (ec->c.kind == TARGET_CALL_SOCKET && r->ret >= 0 && (ec->c.type & 0xf) == SOCK_STREAM)
		add_unbound(x, (int)r->ret);
	if (ec->c.kind == TARGET_CALL_SOCKET && r->ret >= 0 && (ec->c.type & 0xf) == SOCK_DGRAM)
		engine_udp_add(x, (int)r->ret);
	if (ec->c.kind == TARGET_CALL_CLOSE && r->ret == 0) {
		unmap_fd(x, ec->c.fd);
		take_unbound(x, ec->c.fd);
		engine_udp_take(x, ec->c.fd);
	}
	if ((ec->c.kind == TARGET_CALL_CONNECT || ec->c.kind == TARGET_CALL_SENDTO ||
	     ec->c.kind == TARGET_CALL_WRITE || ec->c.kind == TARGET_CALL_READ) &&
	    ec->c.fd >= 0 && ec->c.fd < (1 << 20))
		x->last_sock = ec->c.fd;
	int sv = engine_stream_done(x, ec, r);      /* offsets; what a read returned */
	if (sv != ENGINE_PASS)
		return sv;
	if (r->ret < 0)
		return ENGINE_PASS;

	if (ec->check_optlen && r->optlen != ec->optlen)
		return engine_fail(x, ev, 's', "error handling syscall: %s: optlen: expected %u but got %u",
				   name, (unsigned)ec->optlen, (unsigned)r->optlen);
	/* --relax sockbuf: how large a stack makes its buffers is its own choice; a
	 * size it reports must still be one (above 0) */
	bool sockbuf = (x->opts.relax & ENGINE_RELAX_SOCKBUF) && ec->c.kind == TARGET_CALL_GETSOCKOPT &&
		       ec->c.level == SOL_SOCKET &&
		       (ec->c.optname == SO_RCVBUF || ec->c.optname == SO_SNDBUF) &&
		       r->opt.kind == TARGET_OPT_INT && r->opt.i > 0;
	if (ec->check_opt && !sockbuf) {
		const struct target_optval *w = &ec->opt, *g = &r->opt;
		/* ints compare as the 32 bits the kernel keeps: [0xffffffff] is -1 */
		if (w->kind == TARGET_OPT_INT &&
		    !(g->kind == TARGET_OPT_INT && (uint32_t)g->i == (uint32_t)w->i))
			return engine_fail(x, ev, 's',
					   "error handling syscall: %s: optval: expected %lld but got %lld",
					   name, (long long)w->i,
					   (long long)(g->kind == TARGET_OPT_INT ? g->i : -1));
		if (w->kind == TARGET_OPT_LINGER &&
		    (g->linger.onoff != w->linger.onoff || g->linger.linger != w->linger.linger))
			return engine_fail(x, ev, 's',
					   "error handling syscall: %s: optval: expected {onoff=%d, linger=%d} "
					   "but got {onoff=%d, linger=%d}", name, w->linger.onoff,
					   w->linger.linger, g->linger.onoff, g->linger.linger);
		if (w->kind == TARGET_OPT_BYTES &&
		    (g->nbytes < w->nbytes || memcmp(g->bytes, w->bytes, w->nbytes)))
			return engine_fail(x, ev, 's',
					   "error handling syscall: %s: optval: expected \"%.*s\" but got \"%.*s\"",
					   name, (int)w->nbytes, (const char *)w->bytes,
					   (int)g->nbytes, (const char *)g->bytes);
	}
	if (ec->check_ostruct) {
		int v = check_ostruct(x, ec, r);
		if (v != ENGINE_PASS)
			return v;
	}
	if (ec->check_revents)
		for (int i = 0; i < ec->c.nfds; i++) {
			if (ec->c.pfd[i].revents < 0)
				continue;
			if (r->pfd[i].revents != ec->c.pfd[i].revents) {
				char w[160], g[160];
				return engine_fail(x, ev, 's',
						   "error handling syscall: %s: revents of fd %d: expected %s but got %s",
						   name, script_fd_of(x, ec->c.pfd[i].fd),
						   poll_names(w, sizeof w, (uint16_t)ec->c.pfd[i].revents),
						   poll_names(g, sizeof g, (uint16_t)r->pfd[i].revents));
			}
		}
	if (ec->check_ioctl && r->ioctl_val != ec->ioctl_val)
		return engine_fail(x, ev, 's', "error handling syscall: %s: value: expected %lld but got %lld",
				   name, (long long)ec->ioctl_val, (long long)r->ioctl_val);
	if (ec->check_cmsg) {
		int v = engine_cmsg_check(x, ec, r);
		if (v != ENGINE_PASS)
			return v;
	}
	if (ec->check_msg_flags && r->msg_flags != ec->msg_flags)
		return engine_fail(x, ev, 's',
				   "error handling syscall: %s: msg_flags: expected 0x%x but got 0x%x",
				   name, (unsigned)ec->msg_flags, (unsigned)r->msg_flags);
	if (ec->check_events) {
		int n = r->nevents < ec->nevents ? r->nevents : ec->nevents;
		for (int i = 0; i < n; i++)
			if (r->events[i].events != ec->events[i].events ||
			    r->events[i].data != ec->events[i].data)
				return engine_fail(x, ev, 's',
						   "error handling syscall: %s: event %d: expected "
						   "{events=0x%x, fd=%llu} but got {events=0x%x, fd=%llu}",
						   name, i, ec->events[i].events,
						   (unsigned long long)ec->events[i].data,
						   r->events[i].events,
						   (unsigned long long)r->events[i].data);
	}
	return ENGINE_PASS;
}

static int check_return_time(struct engine_ctx *x, struct engine_call *ec, int64_t end_ns,
			     int64_t lo, int64_t hi, int64_t tol)
{
	int64_t actual = end_ns - x->t0;
	if (actual >= lo - tol && actual <= hi + tol)
		return ENGINE_PASS;
	char e[32], a[32], t[32];
	engine_fmt_time(e, sizeof e, lo == hi || actual < lo ? lo : hi);
	engine_fmt_time(a, sizeof a, actual);
	engine_fmt_time(t, sizeof t, tol);
	return engine_fail(x, ec->ev, 's',
			   "error handling syscall: %s: timing error: expected the call to return at %s sec "
			   "but it returned at %s sec (tolerance %s sec)", ec->ev->call.name, e, a, t);
}

/* ---- running ------------------------------------------------------------------------- */

int engine_vadvance(struct engine_ctx *x, int64_t when_ns, int64_t *next)
{
	int rc = target_advance(&x->t, when_ns, next);
	if (x->pending && !x->pend_have) {
		int c = target_complete(&x->t, target_now(&x->t), &x->pend_res);
		if (c != TARGET_PENDING) {
			x->pend_have = true;
			x->pend_rc = c;
		}
	}
	/* a poll's timeout is a deadline even if the target does not report it */
	if (x->pending && !x->pend_have && x->pend_deadline > target_now(&x->t) &&
	    x->pend_deadline < *next)
		*next = x->pend_deadline;
	return rc;
}

int engine_pending_check(struct engine_ctx *x, bool wait)
{
	if (!x->pending)
		return ENGINE_PASS;
	struct target_result r;
	int64_t deadline = x->t0 + x->pend_hi + x->pend_tol;
	int rc;
	if (x->virtual_time) {
		int64_t next;
		int arc = engine_vadvance(x, target_now(&x->t), &next);
		while (!x->pend_have && wait && arc == TARGET_OK) {
			if (next == INT64_MAX || next > deadline)
				break;
			arc = engine_vadvance(x, next, &next);
		}
		if (arc != TARGET_OK && arc != TARGET_UNSUPPORTED && !x->pend_have) {
			x->pending = false;
			return engine_fail(x, x->pcall.ev, 0, "error handling syscall: %s: %s",
					   x->pcall.ev->call.name, x->t.diag.msg);
		}
		if (x->pend_have) {
			rc = x->pend_rc;
			r = x->pend_res;
			x->pend_have = false;
		} else {
			rc = TARGET_PENDING;
		}
	} else {
		rc = target_complete(&x->t, wait ? deadline : 0, &r);
	}
	if (rc == TARGET_PENDING) {
		int64_t now = engine_now(x);
		if (!wait && now <= x->pend_hi + x->pend_tol)
			return ENGINE_PASS;
		x->pending = false;
		char e[32], a[32], t[32], dl[32];
		int64_t last = x->pend_hi + x->pend_tol;
		engine_fmt_time(e, sizeof e, x->pend_hi);
		engine_fmt_time(a, sizeof a, now);
		engine_fmt_time(t, sizeof t, x->pend_tol);
		engine_fmt_time(dl, sizeof dl, last);
		if (now >= last)
			return engine_fail(x, x->pcall.ev, 0,
					   "error handling syscall: %s: timing error: expected the call "
					   "to return at %s sec (tolerance %s sec) but it was still "
					   "blocked at %s sec, past the deadline of %s sec",
					   x->pcall.ev->call.name, e, t, a, dl);
		/* virtual time: nothing was due before the deadline, so the clock stayed
		 * where the stack last had something to do */
		return engine_fail(x, x->pcall.ev, 0,
				   "error handling syscall: %s: timing error: expected the call to "
				   "return at %s sec (tolerance %s sec) but it did not return by the "
				   "deadline of %s sec (nothing was due between %s sec and then)",
				   x->pcall.ev->call.name, e, t, dl, a);
	}
	x->pending = false;
	if (rc != TARGET_OK)
		return engine_fail(x, x->pcall.ev, 0, "error handling syscall: %s: %s",
				   x->pcall.ev->call.name, x->t.diag.msg);
	int v = check_return_time(x, &x->pcall, r.end_ns, x->pend_lo, x->pend_hi, x->pend_tol);
	if (v != ENGINE_PASS)
		return v;
	return check_result(x, &x->pcall, &r);
}

/* Implicit bind: scripts written for tools that bind a listener for them call listen()
 * on a socket they never bound and then send SYNs to the script's local port.  Every
 * target is made to bind it there first, as the script assumes; a socket the script
 * bound or connected itself is left alone.  A refused bind leaves listen() to the
 * stack, as written. */
static void implicit_bind(struct engine_ctx *x, int fd)
{
	if (!take_unbound(x, fd))
		return;
	struct target_call c;
	memset(&c, 0, sizeof c);
	c.kind = TARGET_CALL_BIND;
	c.fd = fd;
	c.nonblocking_expected = true;
	c.block_ns = ENGINE_NONBLOCK_GRACE_NS;
	default_addr(x, &c, true);
	struct target_result r;
	memset(&r, 0, sizeof r);
	int rc = target_call(&x->t, &c, &r);
	if (rc == TARGET_PENDING)       /* bind does not block; never leave it in flight */
		rc = target_complete(&x->t, target_now(&x->t) + ENGINE_NONBLOCK_GRACE_NS, &r);
	if (rc == TARGET_OK && r.ret == 0 && x->opts.verbose && x->cfg->log)
		fprintf(x->cfg->log, "%s: fd %d bound to the local port %u before listen()\n",
			x->name, fd, x->tc.local_port);
}

int engine_do_syscall(struct engine_ctx *x, const struct dsl_event *ev, int64_t start_ns,
		      int64_t end_lo, int64_t end_hi, int64_t tol, bool blocking)
{
	struct dctx d = { .x = x, .ev = ev };
	struct engine_call ec;
	memset(&ec, 0, sizeof ec);
	ec.ev = ev;
	/* A call in flight must return before the next one starts, and before that one is
	 * decoded: a blocking accept() maps the script's fd onto the target's only when it
	 * is collected, and the next call may name that fd. */
	if (x->pending) {
		int v = engine_pending_check(x, true);
		if (v != ENGINE_PASS)
			return v;
	}
	/* calls see the home connection (bind and connect set its ports) */
	engine_conn_select(x, x->home_port);
	if (!decode(&d, &ev->call, &ec) || !decode_result(&d, &ev->call, &ec))
		return d.undefined ? engine_fail(x, ev, 0, "error handling syscall: %s", d.why)
				   : engine_skip(x, ev, "%s", d.why);
	if (ec.c.kind == TARGET_CALL_BIND || ec.c.kind == TARGET_CALL_CONNECT)
		take_unbound(x, ec.c.fd);
	else if (ec.c.kind == TARGET_CALL_LISTEN) {
		implicit_bind(x, ec.c.fd);
		x->fresh_listen = true;         /* packet.c: the next SYN is a new peer's */
	}
	struct target_result r;
	memset(&r, 0, sizeof r);
	if (blocking)
		ec.c.block_ns = 0;      /* in flight at once: the script goes on */
	else
		ec.c.block_ns = tol + ENGINE_NONBLOCK_GRACE_NS;
	if (ec.c.block_ns < 0)
		ec.c.block_ns = 0;
	ec.c.nonblocking_expected = !blocking;
	engine_stream_prepare(x, &ec.c);
	int64_t called_at = target_now(&x->t);
	int rc = target_call(&x->t, &ec.c, &r);
	if (rc == TARGET_PENDING || (rc == TARGET_TIMEOUT && !blocking)) {
		if (!blocking) {
			char t[32];
			engine_fmt_time(t, sizeof t, ec.c.block_ns);
			/* the call stays stuck in the target; the script cannot go on.  A
			 * virtual-time target says at once that it would block.  A write
			 * that queues more than a stack is assumed to hold blocks for the
			 * stack's choice of send buffer: not applicable */
			uint64_t queued = engine_stream_queued(x, &ec.c);
			if (queued > ENGINE_SNDBUF_ASSUMED)
				return engine_not_applicable_sndbuf(x, ev, queued);
			if (x->virtual_time)
				return engine_fail(x, ev, 0,
						   "error handling syscall: %s: expected the call to return "
						   "at once but it blocked", ev->call.name);
			return engine_fail(x, ev, 0,
					   "error handling syscall: %s: expected the call to return at once "
					   "but it blocked (still running after %s sec)", ev->call.name, t);
		}
		x->pending = true;
		x->pcall = ec;
		x->pend_have = false;
		x->pend_deadline = INT64_MAX;
		if ((ec.c.kind == TARGET_CALL_POLL || ec.c.kind == TARGET_CALL_EPOLL_WAIT) &&
		    ec.c.timeout_ms > 0)
			x->pend_deadline = called_at + (int64_t)ec.c.timeout_ms * 1000000;
		x->pend_lo = end_lo;
		x->pend_hi = end_hi;
		x->pend_tol = tol;
		return ENGINE_PASS;
	}
	if (rc != TARGET_OK) {
		if (rc == TARGET_UNSUPPORTED)
			return engine_skip_stack(x, ev, "%s", x->t.diag.msg);
		return engine_fail(x, ev, 0, "error handling syscall: %s: %s", ev->call.name,
				   x->t.diag.msg);
	}
	{
		/* a call expected at once must also return within the tolerance */
		int v = check_return_time(x, &ec, r.end_ns, blocking ? end_lo : start_ns,
					  end_hi, tol);
		if (v != ENGINE_PASS)
			return v;
	}
	return check_result(x, &ec, &r);
}
