/* examples/plugin/example_plugin.c: a tcpspec plugin (ABI version 2, tcpspec/plugin.h)
 * that wraps tcpspec's own reference stack, built as build/examples/plugin/libexample.so.
 * It shows the shape of the ABI: the exported entry point, the versioned table, a
 * handle per open, settings, and failures reported through the host's diagnostic.
 * The forwarding below hides the real work a stack's mapping does (fds, errno
 * translation, PENDING, tcp_info's valid bits): examples/plugin-lwip/ shows that.
 *
 *   tcpspec run --target plugin:build/examples/plugin/libexample.so SCRIPT
 *
 * TCPSPEC_EXAMPLE_SETTINGS="name=value name=value" (or "name=a b c;name=value" when a
 * value holds blanks) applies settings to every stack it opens (reference-target names, e.g. refstack.init_cwnd=2 refstack.delayed_ack=0):
 * a stack that makes other choices the RFCs leave open, for checking that the
 * conformance suite does not fail it for them (tests/conformance_variant.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target-adapters/plugin_abi.h"

extern const struct target_ops target_reference_ops;

struct ex {
	struct target t;                /* the wrapped stack's own handle */
	struct target_diag *host;       /* where the host reads our failures */
};

/* Copy the stack's message to the host whenever an op did not succeed. */
static int report(struct ex *e, int rc)
{
	if (rc != TARGET_OK && rc != TARGET_PENDING && rc != TARGET_TIMEOUT)
		*e->host = e->t.diag;
	return rc;
}

static void *ex_open(const struct target_config *cfg, struct target_diag *diag)
{
	struct ex *e = calloc(1, sizeof *e);
	if (!e) {
		target_diagf(diag, TARGET_UNAVAILABLE, "example plugin: out of memory");
		return NULL;
	}
	e->host = diag;
	if (target_open(&e->t, &target_reference_ops, cfg, diag) != TARGET_OK) {
		free(e);
		return NULL;
	}
	const char *env = getenv("TCPSPEC_EXAMPLE_SETTINGS");
	char buf[512], *save = NULL;
	snprintf(buf, sizeof buf, "%s", env ? env : "");
	/* settings separated by blanks, or by ';' when one holds blanks itself
	 * ("net.ipv4.tcp_rmem=4096 8192 8192;refstack.delayed_ack=0") */
	const char *sep = strchr(buf, ';') ? ";" : " \t,";
	for (char *w = strtok_r(buf, sep, &save); w; w = strtok_r(NULL, sep, &save)) {
		while (*w == ' ' || *w == '\t')
			w++;
		char *eq = strchr(w, '=');
		if (eq)
			*eq = '\0';
		if (!eq || target_setting(&e->t, w, eq + 1) != TARGET_OK) {
			target_diagf(diag, TARGET_UNAVAILABLE,
				     "example plugin: TCPSPEC_EXAMPLE_SETTINGS: cannot apply %s", w);
			target_close(&e->t);
			free(e);
			return NULL;
		}
	}
	return e;
}

static void ex_close(void *h)
{
	struct ex *e = h;
	target_close(&e->t);
	free(e);
}

static int64_t ex_now(void *h)
{
	return target_now(&((struct ex *)h)->t);
}

static int ex_inject(void *h, const uint8_t *ip, size_t len)
{
	struct ex *e = h;
	return report(e, target_inject(&e->t, ip, len));
}

static int ex_next_outbound(void *h, int64_t deadline_ns, struct target_packet *p)
{
	struct ex *e = h;
	return report(e, target_next_outbound(&e->t, deadline_ns, p));
}

static int ex_call(void *h, const struct target_call *c, struct target_result *r)
{
	struct ex *e = h;
	return report(e, target_call(&e->t, c, r));
}

static int ex_complete(void *h, int64_t deadline_ns, struct target_result *r)
{
	struct ex *e = h;
	return report(e, target_complete(&e->t, deadline_ns, r));
}

static int ex_advance(void *h, int64_t now_ns, int64_t *next)
{
	struct ex *e = h;
	return report(e, target_advance(&e->t, now_ns, next));
}

static int ex_tcp_info(void *h, int fd, struct target_tcp_info *ti)
{
	struct ex *e = h;
	return report(e, target_tcp_info(&e->t, fd, ti));
}

/* A Linux-named setting; tcpspec maps a script's sysctl lines onto these calls. */
static int ex_setting(void *h, const char *name, const char *value)
{
	struct ex *e = h;
	return report(e, target_setting(&e->t, name, value));
}

static const struct tcpspec_plugin_v2 example = {
	TCPSPEC_PLUGIN_V2_HEADER,
	.name = "example",
	.version = "tcpspec reference stack",
	.caps = TARGET_VIRTUAL_TIME | TARGET_TCP_INFO | TARGET_IPV6 | TARGET_IPV4_MAPPED |
		TARGET_BLOCKING | TARGET_SETTINGS,
	.open = ex_open,
	.close = ex_close,
	.now = ex_now,
	.inject = ex_inject,
	.next_outbound = ex_next_outbound,
	.call = ex_call,
	.complete = ex_complete,
	.advance = ex_advance,
	.tcp_info = ex_tcp_info,
	.setting = ex_setting,
};

TCPSPEC_PLUGIN_EXPORT
const struct tcpspec_plugin_v2 *tcpspec_plugin_v2(uint32_t host_abi)
{
	return host_abi == 2 ? &example : NULL;
}
