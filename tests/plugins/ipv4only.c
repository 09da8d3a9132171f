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

RW_V1_PLUGIN("ipv4only", v4_open, rw_inject, rw_next_outbound)
