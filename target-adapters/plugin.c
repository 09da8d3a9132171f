/* target-adapters/plugin.c: the plugin:PATH.so target.  dlopen()s a stack that
 * implements plugin_abi.h, checks its ABI version and structure sizes, and forwards
 * every op.  A missing, unloadable or mismatched .so is TARGET_UNAVAILABLE (exit 3)
 * with the reason.
 *
 * The ops table the engine looks up (target_plugin_ops) cannot know the plugin's
 * capabilities before the .so is loaded, so it claims what a plugin may have, plus
 * TARGET_OWN_PROCESS (a plugin may keep global state; the engine then runs each
 * script in a process of its own); open() refuses an IP version the plugin lacks
 * (unsupported: skipped) and swaps in a copy carrying the plugin's own capabilities.  One plugin is open
 * per process at a time.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "target-adapters/plugin_abi.h"
#include "target-adapters/target.h"

struct plugin_state {
	void *dl;
	const struct tcpspec_plugin_v1 *pl;
	void *h;
	/* the call made last (a NULL-buffer probe, see target_call_null_prepare): its
	 * result is fixed when a pending one completes */
	struct target_call pend;
};

static struct plugin_state plug;
static struct target_ops plugin_live_ops;

static const struct tcpspec_plugin_v1 *PL(struct target *t)
{
	return ((struct plugin_state *)t->priv)->pl;
}

static void *H(struct target *t)
{
	return ((struct plugin_state *)t->priv)->h;
}

/* ---- forwarding -------------------------------------------------------------------- */

static int64_t pl_now(struct target *t)
{
	return PL(t)->now(H(t));
}

static int pl_inject(struct target *t, const uint8_t *ip, size_t len)
{
	return PL(t)->inject(H(t), ip, len);
}

static int pl_next_outbound(struct target *t, int64_t deadline_ns, struct target_packet *p)
{
	return PL(t)->next_outbound(H(t), deadline_ns, p);
}

/* NULL buffers (target_call.null_buf / null_iov) are answered here: the fields sit in
 * what was padding in ABI version 1, and a plugin built before would read the NULL as
 * a buffer of zeros.  So a plugin never sees them set. */
_Static_assert(offsetof(struct target_call, path) ==
	       offsetof(struct target_call, block_ns) + 2 * sizeof(int64_t),
	       "target_call's NULL-buffer flags must stay in ABI 1's padding");

static int pl_fix(const struct target_call *made, int rc, struct target_result *r)
{
	if (rc != TARGET_OK || !made->null_buf)
		return rc;
	long v = target_call_null_fix(made, r->ret < 0 ? -(long)r->err : (long)r->ret);
	r->ret = v < 0 ? -1 : v;
	r->err = v < 0 ? (int)-v : 0;
	return rc;
}

static int pl_call(struct target *t, const struct target_call *c, struct target_result *r)
{
	struct plugin_state *s = t->priv;
	c = target_call_null_prepare(c, &s->pend);
	struct target_call give;        /* a plugin never sees the NULL flags set */
	const struct target_call *g = c;
	if (c->null_buf) {
		give = *c;
		give.null_buf = false;
		g = &give;
	}
	int rc = PL(t)->call(H(t), g, r);
	if (rc == TARGET_PENDING && c != &s->pend) {
		s->pend = *c;
		s->pend.null_buf = false;
	}
	return pl_fix(c, rc, r);
}

static int pl_complete(struct target *t, int64_t deadline_ns, struct target_result *r)
{
	if (!PL(t)->complete)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "plugin %s has no complete() for blocking calls", PL(t)->name);
	struct plugin_state *s = t->priv;
	return pl_fix(&s->pend, PL(t)->complete(H(t), deadline_ns, r), r);
}

static int pl_advance(struct target *t, int64_t now_ns, int64_t *next)
{
	return PL(t)->advance(H(t), now_ns, next);
}

static int pl_tcp_info(struct target *t, int fd, struct target_tcp_info *ti)
{
	if (!PL(t)->tcp_info)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED, "plugin %s has no TCP_INFO",
				    PL(t)->name);
	return PL(t)->tcp_info(H(t), fd, ti);
}

static int pl_shell(struct target *t, const char *cmd, int *exit_status)
{
	if (!PL(t)->shell)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "plugin %s runs no shell commands: `%s`", PL(t)->name, cmd);
	return PL(t)->shell(H(t), cmd, exit_status);
}

/* ---- loading ----------------------------------------------------------------------- */

static int check_table(struct target *t, const char *path, const struct tcpspec_plugin_v1 *pl)
{
	if (pl->abi_version != TCPSPEC_PLUGIN_ABI_VERSION)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "plugin %s speaks ABI version %u, tcpspec speaks %u", path,
				    pl->abi_version, TCPSPEC_PLUGIN_ABI_VERSION);
	if (pl->size < offsetof(struct tcpspec_plugin_v1, shell) + sizeof pl->shell)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "plugin %s: its ops table is %u bytes, shorter than ABI "
				    "version 1's", path, pl->size);
	struct { const char *what; uint32_t theirs; size_t ours; } sz[] = {
		{ "target_config", pl->config_size, sizeof(struct target_config) },
		{ "target_call", pl->call_size, sizeof(struct target_call) },
		{ "target_result", pl->result_size, sizeof(struct target_result) },
		{ "target_packet", pl->packet_size, sizeof(struct target_packet) },
		{ "target_tcp_info", pl->tcp_info_size, sizeof(struct target_tcp_info) },
		{ "target_diag", pl->diag_size, sizeof(struct target_diag) },
	};
	for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++)
		if (sz[i].theirs != sz[i].ours)
			return target_diagf(&t->diag, TARGET_UNAVAILABLE,
					    "plugin %s was built against another target.h: struct "
					    "%s is %u bytes there, %zu here; rebuild it", path,
					    sz[i].what, sz[i].theirs, sz[i].ours);
	if (!pl->open || !pl->close || !pl->now || !pl->inject || !pl->next_outbound ||
	    !pl->call)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "plugin %s lacks a required op (open, close, now, inject, "
				    "next_outbound, call)", path);
	if ((pl->caps & TARGET_VIRTUAL_TIME) && !pl->advance)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "plugin %s claims virtual time but has no advance()", path);
	return TARGET_OK;
}

static int pl_open(struct target *t, const struct target_config *cfg)
{
	const char *path = cfg->plugin_path;
	if (!path || !*path)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "no plugin given: use --target plugin:PATH.so");
	if (plug.dl)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "a plugin is already open in this process");
	/* a bare name would make dlopen search the library path: say ./ for the cwd */
	char buf[4096];
	if (!strchr(path, '/') && snprintf(buf, sizeof buf, "./%s", path) < (int)sizeof buf)
		path = buf;
	void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE, "cannot load plugin: %s",
				    dlerror());
	tcpspec_plugin_entry_fn entry;
	*(void **)&entry = dlsym(dl, TCPSPEC_PLUGIN_ENTRY);
	if (!entry) {
		dlclose(dl);
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "%s is not a tcpspec plugin: it does not export %s()", path,
				    TCPSPEC_PLUGIN_ENTRY);
	}
	const struct tcpspec_plugin_v1 *pl = entry(TCPSPEC_PLUGIN_ABI_VERSION);
	if (!pl) {
		dlclose(dl);
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "plugin %s does not support ABI version %u", path,
				    TCPSPEC_PLUGIN_ABI_VERSION);
	}
	int rc = check_table(t, path, pl);
	/* the engine checked the address family against our optimistic caps.  The table
	 * and its strings live in the plugin's mapping: read them before dlclose(). */
	if (rc == TARGET_OK &&
	    ((cfg->ip_version == TARGET_IPV6_ONLY && !(pl->caps & TARGET_IPV6)) ||
	     (cfg->ip_version == TARGET_IPV4_MAPPED_IPV6 && !(pl->caps & TARGET_IPV4_MAPPED))))
		rc = target_diagf(&t->diag, TARGET_UNSUPPORTED,
				  "plugin %s has no %s sockets (its caps lack %s)",
				  pl->name ? pl->name : path,
				  target_ip_version_name(cfg->ip_version),
				  cfg->ip_version == TARGET_IPV6_ONLY ? "TARGET_IPV6"
								      : "TARGET_IPV4_MAPPED");
	if (rc != TARGET_OK) {
		dlclose(dl);
		return rc;
	}
	memset(&t->diag, 0, sizeof t->diag);
	void *h = pl->open(cfg, &t->diag);
	if (!h) {
		int st = t->diag.status != TARGET_OK ? t->diag.status : TARGET_UNAVAILABLE;
		if (!t->diag.msg[0])
			target_diagf(&t->diag, st, "plugin %s failed to open", path);
		dlclose(dl);
		return st;
	}
	plug = (struct plugin_state){ .dl = dl, .pl = pl, .h = h };
	t->priv = &plug;
	plugin_live_ops = *t->ops;
	plugin_live_ops.caps = pl->caps | TARGET_OWN_PROCESS;
	if (!pl->advance)
		plugin_live_ops.advance = NULL;
	t->ops = &plugin_live_ops;
	return TARGET_OK;
}

static void pl_close(struct target *t)
{
	struct plugin_state *s = t->priv;
	if (!s)
		return;
	s->pl->close(s->h);
	dlclose(s->dl);
	memset(s, 0, sizeof *s);
	t->priv = NULL;
}

const struct target_ops target_plugin_ops = {
	.name = "plugin",
	/* before loading: what a plugin may have; open() narrows it to what it has */
	.caps = TARGET_OWN_PROCESS | TARGET_BLOCKING | TARGET_IPV6 | TARGET_IPV4_MAPPED |
		TARGET_TCP_INFO | TARGET_SETTINGS,
	.open = pl_open,
	.close = pl_close,
	.now = pl_now,
	.inject = pl_inject,
	.next_outbound = pl_next_outbound,
	.call = pl_call,
	.complete = pl_complete,
	.advance = pl_advance,
	.tcp_info = pl_tcp_info,
	.shell = pl_shell,
};
