/* tests/plugins/oldlayout.c: a version 1 plugin as built before target_call gained rdata
 * and target_result rdata_filled (their sizes then: up to those fields).  Structures
 * only grow at their end, so it must keep loading and running. */
#include "refwrap.h"

static const struct tcpspec_plugin_v1 table = {
	.abi_version = 1,
	.size = sizeof(struct tcpspec_plugin_v1),
	.config_size = sizeof(struct target_config),
	.call_size = offsetof(struct target_call, rdata),
	.result_size = offsetof(struct target_result, rdata_filled),
	.packet_size = sizeof(struct target_packet),
	.tcp_info_size = sizeof(struct target_tcp_info),
	.diag_size = sizeof(struct target_diag),
	.name = "oldlayout",
	.caps = TARGET_VIRTUAL_TIME | TARGET_BLOCKING,
	.open = rw_open,
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
