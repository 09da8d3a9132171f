/* tests/plugins/garbage.c: a plugin that answers out of the ABI's ranges, as a buggy
 * mapping might: listen() returns the status 42, poll() a result claiming 1000 pollfds,
 * and a failed bind() says nothing in diag.  tcpspec must fail those scripts with a
 * message naming what was wrong, never read past its arrays or crash
 * (tests/plugin_report.sh). */
#include "refwrap.h"

static int ga_call(void *h, const struct target_call *c, struct target_result *r)
{
	int rc = rw_call(h, c, r);
	if (c->kind == TARGET_CALL_LISTEN)
		return 42;
	if (c->kind == TARGET_CALL_POLL && rc == TARGET_OK)
		r->nfds = 1000;
	if (c->kind == TARGET_CALL_BIND && c->fd == 4)
		return TARGET_ERROR;
	return rc;
}

static const struct tcpspec_plugin_v2 table = {
	TCPSPEC_PLUGIN_V2_HEADER,
	.name = "garbage",
	.caps = TARGET_VIRTUAL_TIME | TARGET_BLOCKING,
	.open = rw_open,
	.close = rw_close,
	.now = rw_now,
	.inject = rw_inject,
	.next_outbound = rw_next_outbound,
	.call = ga_call,
	.complete = rw_complete,
	.advance = rw_advance,
};

TCPSPEC_PLUGIN_EXPORT
const struct tcpspec_plugin_v2 *tcpspec_plugin_v2(uint32_t host_abi)
{
	return host_abi == 2 ? &table : NULL;
}
