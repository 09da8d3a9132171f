/* The target registry and the helpers every adapter shares (target.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target-adapters/target.h"

static const char *const status_names[] = {
#define X(name, text) #name,
	TARGET_STATUSES(X)
#undef X
};
static const char *const status_texts[] = {
#define X(name, text) text,
	TARGET_STATUSES(X)
#undef X
};

const char *target_status_name(int s)
{
	return s >= 0 && s < TARGET_STATUS_COUNT ? status_names[s] : "?";
}

const char *target_status_text(int s)
{
	return s >= 0 && s < TARGET_STATUS_COUNT ? status_texts[s] : "unknown status";
}

int target_diagf(struct target_diag *d, int status, const char *fmt, ...)
{
	if (d) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof d->msg, fmt, ap);
		va_end(ap);
		d->status = status;
	}
	return status;
}

static const char *const call_names[] = {
#define X(name, text) text,
	TARGET_CALLS(X)
#undef X
};

const char *target_call_name(enum target_call_kind k)
{
	return (unsigned)k < TARGET_CALL_COUNT ? call_names[k] : "?";
}

int target_call_lookup(const char *name)
{
	for (int i = 0; i < TARGET_CALL_COUNT; i++)
		if (!strcmp(call_names[i], name))
			return i;
	return -1;
}

static bool null_reader(enum target_call_kind k)
{
	return k == TARGET_CALL_READ || k == TARGET_CALL_RECV || k == TARGET_CALL_RECVFROM ||
	       k == TARGET_CALL_READV || k == TARGET_CALL_RECVMSG;
}

const struct target_call *target_call_null_prepare(const struct target_call *c,
						   struct target_call *probe)
{
	size_t len = 0;
	bool faults = false;
	switch (c->kind) {
	case TARGET_CALL_READ: case TARGET_CALL_WRITE: case TARGET_CALL_SEND:
	case TARGET_CALL_RECV: case TARGET_CALL_SENDTO: case TARGET_CALL_RECVFROM:
		len = c->len;
		faults = c->null_buf && len > 0;
		break;
	case TARGET_CALL_READV: case TARGET_CALL_WRITEV:
	case TARGET_CALL_SENDMSG: case TARGET_CALL_RECVMSG:
		for (int i = 0; i < c->iovcnt && i < TARGET_MAX_IOV; i++) {
			len += c->iov_len[i];
			if ((c->null_iov & (1u << i)) && c->iov_len[i] > 0)
				faults = true;
		}
		break;
	default:
		break;
	}
	if (!faults && !c->null_buf && !c->null_iov)
		return c;
	*probe = *c;
	if (!faults) {          /* nothing to copy through NULL: an ordinary call */
		probe->null_buf = false;
		probe->null_iov = 0;
		return probe;
	}
	probe->null_buf = true;
	probe->null_iov = 0;
	probe->iovcnt = 0;
	probe->controllen = 0;
	probe->data = NULL;
	probe->rdata = NULL;
	if (null_reader(c->kind)) {
		probe->kind = TARGET_CALL_RECV;
		probe->len = len;
		probe->flags = (c->kind == TARGET_CALL_READ || c->kind == TARGET_CALL_READV
				? 0 : c->flags & ~MSG_WAITALL) | MSG_PEEK;
	} else {
		bool addressed = c->kind == TARGET_CALL_SENDTO || c->kind == TARGET_CALL_SENDMSG;
		probe->kind = addressed ? TARGET_CALL_SENDTO : TARGET_CALL_WRITE;
		probe->len = 0;
		if (!addressed)
			probe->flags = 0;
	}
	return probe;
}

long target_call_null_fix(const struct target_call *made, long v)
{
	if (!made->null_buf)
		return v;
	if (null_reader(made->kind) ? v > 0 : v >= 0)
		return -EFAULT;
	return v;
}

static const char *const ti_names[] = {
#define X(name) #name,
	TARGET_TCP_INFO_FIELDS(X)
#undef X
};

const char *target_tcp_info_name(enum target_tcp_info_field f)
{
	return (unsigned)f < TARGET_TI_COUNT ? ti_names[f] : "?";
}

int target_ip_version_parse(const char *s)
{
	if (!strcmp(s, "ipv4"))
		return TARGET_IPV4_ONLY;
	if (!strcmp(s, "ipv6"))
		return TARGET_IPV6_ONLY;
	if (!strcmp(s, "ipv4-mapped-ipv6") || !strcmp(s, "ipv4_mapped_ipv6"))
		return TARGET_IPV4_MAPPED_IPV6;
	return -1;
}

const char *target_ip_version_name(enum target_ip_version v)
{
	switch (v) {
	case TARGET_IPV4_ONLY: return "ipv4";
	case TARGET_IPV6_ONLY: return "ipv6";
	case TARGET_IPV4_MAPPED_IPV6: return "ipv4-mapped-ipv6";
	}
	return "?";
}

static void addr_default(struct target_addr *a, bool v6, const char *s4, const char *s6)
{
	if (a->family)
		return;
	if (v6) {
		a->family = AF_INET6;
		inet_pton(AF_INET6, s6, &a->u.v6);
	} else {
		a->family = AF_INET;
		inet_pton(AF_INET, s4, &a->u.v4);
	}
}

void target_config_defaults(struct target_config *cfg)
{
	if (!cfg->ip_version)
		cfg->ip_version = TARGET_IPV4_ONLY;
	bool v6 = cfg->ip_version == TARGET_IPV6_ONLY;
	addr_default(&cfg->local_ip, v6, "192.0.2.2", "2001:db8::2");
	addr_default(&cfg->remote_ip, v6, "192.0.2.1", "2001:db8::1");
	addr_default(&cfg->gateway_ip, v6, "192.0.2.254", "2001:db8::fffe");
	if (!cfg->prefix_len)
		cfg->prefix_len = v6 ? 64 : 24;
	if (!cfg->local_port)
		cfg->local_port = 8080;
	if (!cfg->remote_port)
		cfg->remote_port = 40000;
	if (!cfg->mtu)
		cfg->mtu = 1500;
}

socklen_t target_sockaddr(const struct target_config *cfg, const struct target_addr *ip,
			  uint16_t port, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof *out);
	if (ip->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = ip->u.v6;
		return sizeof *s6;
	}
	if (cfg->ip_version == TARGET_IPV4_MAPPED_IPV6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr.s6_addr[10] = 0xff;
		s6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6->sin6_addr.s6_addr[12], &ip->u.v4, 4);
		return sizeof *s6;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)out;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	s4->sin_addr = ip->u.v4;
	return sizeof *s4;
}

/* ---- registry ---------------------------------------------------------------------- */

#ifdef TARGET_HAVE_reference
extern const struct target_ops target_reference_ops;
#endif
#ifdef TARGET_HAVE_linux
extern const struct target_ops target_linux_ops;
#endif
#ifdef TARGET_HAVE_lwip
extern const struct target_ops target_lwip_ops;
#endif
#ifdef TARGET_HAVE_plugin
extern const struct target_ops target_plugin_ops;
#endif

static const struct target_ops *const builtin[] = {
#ifdef TARGET_HAVE_reference
	&target_reference_ops,
#endif
#ifdef TARGET_HAVE_linux
	&target_linux_ops,
#endif
#ifdef TARGET_HAVE_lwip
	&target_lwip_ops,
#endif
#ifdef TARGET_HAVE_plugin
	&target_plugin_ops,
#endif
	NULL
};

static const char *const known[] = { "reference", "linux", "lwip", "plugin", NULL };

const char *const *target_names(void)
{
	static const char *names[sizeof builtin / sizeof builtin[0]];
	for (size_t i = 0; builtin[i]; i++)
		names[i] = builtin[i]->name;
	return names;
}

/* One copy of an adapter's ops per "NAME:ARG" spec, carrying ARG (plugin:PATH.so).
 * Kept for the life of the process: ops pointers outlive every run made with them. */
struct spec_ops {
	struct spec_ops *next;
	struct target_ops ops;
	char arg[];
};
static struct spec_ops *spec_ops_list;

static const struct target_ops *ops_with_arg(const struct target_ops *base, const char *arg,
					     struct target_diag *d)
{
	for (struct spec_ops *s = spec_ops_list; s; s = s->next)
		if (s->ops.name == base->name && !strcmp(s->arg, arg))
			return &s->ops;
	size_t n = strlen(arg);
	struct spec_ops *s = malloc(sizeof *s + n + 1);
	if (!s) {
		target_diagf(d, TARGET_UNAVAILABLE, "out of memory");
		return NULL;
	}
	s->ops = *base;
	memcpy(s->arg, arg, n + 1);
	s->ops.arg = s->arg;
	s->next = spec_ops_list;
	spec_ops_list = s;
	return &s->ops;
}

const struct target_ops *target_lookup(const char *spec, struct target_diag *d)
{
	size_t n = strcspn(spec, ":");
	for (size_t i = 0; builtin[i]; i++)
		if (strlen(builtin[i]->name) == n && !strncmp(builtin[i]->name, spec, n))
			return spec[n] == ':' ? ops_with_arg(builtin[i], spec + n + 1, d)
					      : builtin[i];
	for (size_t i = 0; known[i]; i++)
		if (strlen(known[i]) == n && !strncmp(known[i], spec, n)) {
			target_diagf(d, TARGET_UNAVAILABLE,
				     "target '%s' is not available in this build "
				     "(its adapter is not written yet)", known[i]);
			return NULL;
		}
	target_diagf(d, TARGET_UNAVAILABLE,
		     "unknown target '%s' (known: reference, linux, lwip, plugin:PATH.so)",
		     spec);
	return NULL;
}

int target_open(struct target *t, const struct target_ops *ops,
		const struct target_config *cfg, struct target_diag *d)
{
	memset(t, 0, sizeof *t);
	t->ops = ops;
	t->cfg = cfg;
	int rc = ops->open(t, cfg);
	if (rc != TARGET_OK) {
		if (!t->diag.msg[0])
			target_diagf(&t->diag, rc, "%s", target_status_text(rc));
		t->diag.status = rc;
		if (d)
			*d = t->diag;
		t->ops = NULL;
	}
	return rc;
}
