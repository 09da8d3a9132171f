/* tests/plugins/refwrap.h: the operations of a test plugin that forwards to tcpspec's
 * reference stack (the same forwarding as examples/plugin), for test plugins that each
 * differ from a good plugin in one stated way.  Included once per test plugin. */
#include <stdlib.h>

#include "target-adapters/plugin_abi.h"

extern const struct target_ops target_reference_ops;

struct rw {
	struct target t;
	struct target_diag *host;
	const struct target_config *cfg;
};

static int rw_report(struct rw *e, int rc)
{
	if (rc != TARGET_OK && rc != TARGET_PENDING && rc != TARGET_TIMEOUT)
		*e->host = e->t.diag;
	return rc;
}

__attribute__((unused)) static void *rw_open(const struct target_config *cfg,
					    struct target_diag *diag)
{
	struct rw *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->host = diag;
	e->cfg = cfg;
	if (target_open(&e->t, &target_reference_ops, cfg, diag) != TARGET_OK) {
		free(e);
		return NULL;
	}
	return e;
}

static void rw_close(void *h)
{
	struct rw *e = h;
	target_close(&e->t);
	free(e);
}

__attribute__((unused)) static int64_t rw_now(void *h) { return target_now(&((struct rw *)h)->t); }

static int rw_inject(void *h, const uint8_t *ip, size_t len)
{
	return rw_report(h, target_inject(&((struct rw *)h)->t, ip, len));
}

static int rw_next_outbound(void *h, int64_t deadline_ns, struct target_packet *p)
{
	return rw_report(h, target_next_outbound(&((struct rw *)h)->t, deadline_ns, p));
}

static int rw_call(void *h, const struct target_call *c, struct target_result *r)
{
	return rw_report(h, target_call(&((struct rw *)h)->t, c, r));
}

static int rw_complete(void *h, int64_t deadline_ns, struct target_result *r)
{
	return rw_report(h, target_complete(&((struct rw *)h)->t, deadline_ns, r));
}

static int rw_advance(void *h, int64_t now_ns, int64_t *next)
{
	return rw_report(h, target_advance(&((struct rw *)h)->t, now_ns, next));
}

__attribute__((unused)) static int rw_tcp_info(void *h, int fd, struct target_tcp_info *ti)
{
	return rw_report(h, target_tcp_info(&((struct rw *)h)->t, fd, ti));
}

__attribute__((unused)) static int rw_shell(void *h, const char *cmd, int *exit_status)
{
	return rw_report(h, target_shell(&((struct rw *)h)->t, cmd, exit_status));
}

/* An ABI version 1 plugin forwarding to the reference stack with its own open, inject
 * and next_outbound (rw_open, rw_inject, rw_next_outbound where it has none), its caps
 * virtual time and blocking calls, no TCP_INFO: the table and the entry point. */
#define RW_V1_PLUGIN(NAME, OPEN, INJECT, NEXT_OUTBOUND)                             \
	static const struct tcpspec_plugin_v1 table = {                             \
		TCPSPEC_PLUGIN_V1_HEADER,                                           \
		.name = NAME,                                                       \
		.caps = TARGET_VIRTUAL_TIME | TARGET_BLOCKING,                      \
		.open = OPEN, .close = rw_close, .now = rw_now, .inject = INJECT,   \
		.next_outbound = NEXT_OUTBOUND, .call = rw_call,                    \
		.complete = rw_complete, .advance = rw_advance,                     \
	};                                                                          \
	__attribute__((visibility("default")))                                      \
	const struct tcpspec_plugin_v1 *tcpspec_plugin_v1(uint32_t host_abi)        \
	{                                                                           \
		return host_abi == 1 ? &table : NULL;                               \
	}
