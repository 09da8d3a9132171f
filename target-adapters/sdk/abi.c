/* target-adapters/sdk/abi.c: the functions tcpspec/plugin.h declares for its types
 * (status, call and TCP_INFO names, diagnostics, addresses, NULL-buffer probes).  They
 * serve the engine, every in-tree adapter and, in libtcpspec-plugin.a, plugins. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tcpspec/plugin.h>

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
		for (int i = 0; i < c->iovcnt; i++) {
			len += target_call_iov_len(c, i);
			if (i < TARGET_MAX_IOV && (c->null_iov & (1u << i)) &&
			    target_call_iov_len(c, i) > 0)
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
