/* tests/plugins/crashv6.c: a plugin that dies (SIGSEGV) on its first socket call when
 * it runs IPv6, as a buggy stack would.  tcpspec must report the run as failed with
 * the signal, under the IP version it ran ([ipv6]), and carry on with the next one. */
#include "refwrap.h"

static int cr_call(void *h, const struct target_call *c, struct target_result *r)
{
	struct rw *e = h;
	if (e->cfg->ip_version == TARGET_IPV6_ONLY)
		*(volatile int *)(uintptr_t)c->kind = 1;        /* kind 0 (socket): NULL */
	return rw_call(h, c, r);
}

static const struct tcpspec_plugin_v1 table = {
	TCPSPEC_PLUGIN_V1_HEADER,
	.name = "crashv6",
	.caps = TARGET_VIRTUAL_TIME | TARGET_BLOCKING | TARGET_IPV6 | TARGET_IPV4_MAPPED,
	.open = rw_open,
	.close = rw_close,
	.now = rw_now,
	.inject = rw_inject,
	.next_outbound = rw_next_outbound,
	.call = cr_call,
	.complete = rw_complete,
	.advance = rw_advance,
};

__attribute__((visibility("default")))
const struct tcpspec_plugin_v1 *tcpspec_plugin_v1(uint32_t host_abi)
{
	return host_abi == 1 ? &table : NULL;
}
