/* tests/plugins/ipv4only.c: an ABI version 1 plugin whose caps have IPv4 only (no
 * TARGET_IPV6, no TARGET_IPV4_MAPPED), over tcpspec's reference stack.  Every IPv6
 * and ipv4-mapped run of it must be a skip naming the missing cap, labelled with the
 * IP version asked for -- never a crash.  It stays a version 1 plugin on purpose:
 * plugins built before version 2 must keep loading and behaving as they did. */
#include "refwrap.h"

static void *v4_open(const struct target_config *cfg, struct target_diag *diag)
{
	if (cfg->ip_version != TARGET_IPV4_ONLY) {      /* the host must not ask */
		target_diagf(diag, TARGET_ERROR, "ipv4only plugin opened for %s",
			     target_ip_version_name(cfg->ip_version));
		return NULL;
	}
	return rw_open(cfg, diag);
}

static const struct tcpspec_plugin_v1 table = {
	TCPSPEC_PLUGIN_V1_HEADER,
	.name = "ipv4only",
	.caps = TARGET_VIRTUAL_TIME | TARGET_BLOCKING,
	.open = v4_open,
	.close = rw_close,
	.now = rw_now,
	.inject = rw_inject,
	.next_outbound = rw_next_outbound,
	.call = rw_call,
	.complete = rw_complete,
	.advance = rw_advance,
};

__attribute__((visibility("default")))
const struct tcpspec_plugin_v1 *tcpspec_plugin_v1(uint32_t host_abi)
{
	return host_abi == 1 ? &table : NULL;
}
