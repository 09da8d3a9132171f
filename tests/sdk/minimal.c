/* tests/sdk/minimal.c: the smallest plugin that builds from an installed SDK alone
 * (tests/plugin_sdk.sh compiles it with `cc -shared -fPIC $(pkg-config --cflags --libs
 * tcpspec-plugin)`).  Its "stack" has sockets and nothing else: socket() and close()
 * work, with fds from the helper library's table; any other call is TARGET_UNSUPPORTED
 * (the script is skipped with the reason); packets are dropped.  It takes one setting,
 * net.ipv4.tcp_sack, only as 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tcpspec/plugin.h>

struct mini {
	struct target_diag *diag;
	struct tcpspec_fdtab fds;
	int64_t now;
	int sock;                       /* what an fd names */
};

static void *mi_open(const struct target_config *cfg, struct target_diag *diag)
{
	struct mini *m = calloc(1, sizeof *m);
	if (!m)
		target_diagf(diag, TARGET_UNAVAILABLE, "minimal: out of memory");
	else
		m->diag = diag;
	return m;
}

static void mi_close(void *h)
{
	struct mini *m = h;
	tcpspec_fd_free(&m->fds);
	free(m);
}

static int64_t mi_now(void *h) { return ((struct mini *)h)->now; }

static int mi_inject(void *h, const uint8_t *ip, size_t len) { return TARGET_OK; }

static int mi_next_outbound(void *h, int64_t deadline_ns, struct target_packet *p)
{
	return TARGET_TIMEOUT;
}

static int mi_call(void *h, const struct target_call *c, struct target_result *r)
{
	struct mini *m = h;
	long v;
	r->start_ns = m->now;
	switch (c->kind) {
	case TARGET_CALL_SOCKET:
		if (c->domain != TCPSPEC_LINUX_AF_INET)
			v = -TCPSPEC_LINUX_EAFNOSUPPORT;
		else
			v = tcpspec_fd_alloc(&m->fds, &m->sock);
		break;
	case TARGET_CALL_CLOSE:
		v = tcpspec_fd_release(&m->fds, c->fd) ? 0 : -tcpspec_linux_errno("EBADF");
		break;
	default:
		return target_diagf(m->diag, TARGET_UNSUPPORTED, "minimal has no %s()",
				    target_call_name(c->kind));
	}
	return target_result_finish(r, v, m->now);
}

static int mi_advance(void *h, int64_t now_ns, int64_t *next)
{
	((struct mini *)h)->now = now_ns;
	*next = INT64_MAX;
	return TARGET_OK;
}

static int mi_setting(void *h, const char *name, const char *value)
{
	struct mini *m = h;
	if (strcmp(name, "net.ipv4.tcp_sack"))
		return TARGET_UNSUPPORTED;
	if (strcmp(value, "0")) {
		target_diagf(m->diag, TARGET_BADARG, "minimal has no SACK");
		return TARGET_BADARG;
	}
	return TARGET_OK;
}

static const struct tcpspec_plugin_v2 table = {
	TCPSPEC_PLUGIN_V2_HEADER,
	.name = "minimal",
	.version = "0.1",
	.caps = TARGET_VIRTUAL_TIME,
	.open = mi_open,
	.close = mi_close,
	.now = mi_now,
	.inject = mi_inject,
	.next_outbound = mi_next_outbound,
	.call = mi_call,
	.advance = mi_advance,
	.setting = mi_setting,
};

TCPSPEC_PLUGIN_EXPORT
const struct tcpspec_plugin_v2 *tcpspec_plugin_v2(uint32_t host_abi)
{
	return host_abi == 2 ? &table : NULL;
}
