/* tests/plugins/partial.c: a version 2 plugin over the reference stack with two gaps a
 * real stack may have: its TCP_INFO lacks snd_cwnd (the valid bit is clear), and its
 * connect() never returns (it hangs, as a stack waiting on a lock would).  A code block
 * reading tcpi_snd_cwnd must be a skip naming the field; `tcpspec report --timeout`
 * must stop the hanging script and go on (tests/plugin_report.sh). */
#include <unistd.h>

#include "refwrap.h"

static int pa_call(void *h, const struct target_call *c, struct target_result *r)
{
	if (c->kind == TARGET_CALL_CONNECT)
		for (;;)
			pause();
	return rw_call(h, c, r);
}

static int pa_tcp_info(void *h, int fd, struct target_tcp_info *ti)
{
	int rc = rw_tcp_info(h, fd, ti);
	ti->valid &= ~(1ull << TARGET_TI_snd_cwnd);
	return rc;
}

static const struct tcpspec_plugin_v2 table = {
	TCPSPEC_PLUGIN_V2_HEADER,
	.name = "partial",
	.caps = TARGET_VIRTUAL_TIME | TARGET_TCP_INFO | TARGET_BLOCKING,
	.open = rw_open,
	.close = rw_close,
	.now = rw_now,
	.inject = rw_inject,
	.next_outbound = rw_next_outbound,
	.call = pa_call,
	.complete = rw_complete,
	.advance = rw_advance,
	.tcp_info = pa_tcp_info,
};

TCPSPEC_PLUGIN_EXPORT
const struct tcpspec_plugin_v2 *tcpspec_plugin_v2(uint32_t host_abi)
{
	return host_abi == 2 ? &table : NULL;
}
