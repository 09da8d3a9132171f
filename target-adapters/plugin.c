/* target-adapters/plugin.c: the plugin:PATH.so target.  Loads a stack that implements
 * tcpspec/plugin.h (ABI version 2, or version 1), checks its table, and forwards every
 * op.  A missing, unloadable or mismatched .so is TARGET_UNAVAILABLE (exit 3) with the
 * reason.
 *
 * The ops table the engine looks up (target_plugin_ops, one copy per path) cannot know
 * the plugin's capabilities before the .so is loaded, so it claims what a plugin may
 * have, plus TARGET_OWN_PROCESS (a plugin may keep global state; the engine then runs
 * each script in a process of its own); open() refuses an IP version the plugin lacks
 * (unsupported: skipped) and swaps in a copy carrying the plugin's own capabilities.
 * describe() gives a version 2 plugin's name and version to the registry, for report
 * columns and NAME.expect, from a throwaway process.  One plugin is open per process.
 *
 * Settings (version 2): cfg->settings go to the plugin's setting() one by one after
 * open; a shell line, unless the plugin runs shell lines itself, is mapped by the
 * shared mapper (common/shellmap.h) onto the same setting() calls.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target-adapters/common/shellmap.h"
#include "target-adapters/plugin_host.h"
#include "target-adapters/target.h"

/* Version 1's table is version 2's up to shell. */
#define SAME_(f) _Static_assert(offsetof(struct tcpspec_plugin_v1, f) ==               \
				offsetof(struct tcpspec_plugin_v2, f), "v1/v2 layout: " #f)
SAME_(name); SAME_(caps); SAME_(open); SAME_(call); SAME_(tcp_info); SAME_(shell);
_Static_assert(sizeof(struct tcpspec_plugin_v1) == offsetof(struct tcpspec_plugin_v2, version),
	       "version 2 appends to version 1");

struct plugin_state {
	struct target_plugin_lib lib;
	void *h;
	struct target_config cfg;       /* what a version 2 open() sees */
	bool sockets_made;              /* a socket() succeeded: settings come late */
	char why[512];                  /* a setting's refusal, from the plugin's diag */
	/* the call made last (a NULL-buffer probe, see target_call_null_prepare): its
	 * result is fixed when a pending one completes */
	struct target_call pend;
};

static struct plugin_state plug;
static struct target_ops plugin_live_ops;
extern const struct target_ops target_plugin_ops;

static struct plugin_state *S(struct target *t) { return t->priv; }
static const struct tcpspec_plugin_v2 *PL(struct target *t) { return S(t)->lib.pl; }
static void *H(struct target *t) { return S(t)->h; }

/* ---- loading ----------------------------------------------------------------------- */

bool target_plugin_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 1 || n > 32)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._+-") == n;
}

static int check_table(struct target_diag *d, const char *path, unsigned abi,
		       const struct tcpspec_plugin_v2 *pl)
{
	if (pl->abi_version != abi)
		return target_diagf(d, TARGET_UNAVAILABLE,
				    "plugin %s speaks ABI version %u through %s(), tcpspec "
				    "speaks versions 1 and 2 (%s() returns a version 2 table)",
				    path, pl->abi_version, abi == 2 ? TCPSPEC_PLUGIN_ENTRY
				    : TCPSPEC_PLUGIN_ENTRY_V1, TCPSPEC_PLUGIN_ENTRY);
	size_t need = abi == 1 ? sizeof(struct tcpspec_plugin_v1)
			       : offsetof(struct tcpspec_plugin_v2, setting) + sizeof pl->setting;
	if (pl->size < need)
		return target_diagf(d, TARGET_UNAVAILABLE,
				    "plugin %s: its ops table is %u bytes, shorter than ABI "
				    "version %u's (%zu)", path, pl->size, abi, need);
	/* target_config, target_call and target_result only ever grow at their end: a
	 * plugin built against an earlier layout (from the first release's on) sees the
	 * fields it knows, and the host clears the rest of a result before each call */
	struct { const char *what; uint32_t theirs; size_t oldest, ours; } sz[] = {
		{ "target_config", pl->config_size, sizeof(struct target_config),
		  sizeof(struct target_config) },
		{ "target_call", pl->call_size, offsetof(struct target_call, path),
		  sizeof(struct target_call) },
		{ "target_result", pl->result_size, offsetof(struct target_result, controllen),
		  sizeof(struct target_result) },
		{ "target_packet", pl->packet_size, sizeof(struct target_packet),
		  sizeof(struct target_packet) },
		{ "target_tcp_info", pl->tcp_info_size, sizeof(struct target_tcp_info),
		  sizeof(struct target_tcp_info) },
		{ "target_diag", pl->diag_size, sizeof(struct target_diag),
		  sizeof(struct target_diag) },
	};
	for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++)
		if (sz[i].theirs < sz[i].oldest || sz[i].theirs > sz[i].ours)
			return target_diagf(d, TARGET_UNAVAILABLE,
					    "plugin %s was built against another tcpspec/plugin.h: "
					    "struct %s is %u bytes there, %zu here; rebuild it", path,
					    sz[i].what, sz[i].theirs, sz[i].ours);
	if (!pl->open || !pl->close || !pl->now || !pl->inject || !pl->next_outbound ||
	    !pl->call)
		return target_diagf(d, TARGET_UNAVAILABLE,
				    "plugin %s lacks a required op (open, close, now, inject, "
				    "next_outbound, call)", path);
	if ((pl->caps & TARGET_VIRTUAL_TIME) && !pl->advance)
		return target_diagf(d, TARGET_UNAVAILABLE,
				    "plugin %s claims virtual time but has no advance()", path);
	if (abi >= 2 && !target_plugin_name_ok(pl->name))
		return target_diagf(d, TARGET_UNAVAILABLE,
				    "plugin %s: its name \"%s\" must be 1 to 32 letters, digits "
				    "or ._+- (it names its report column and NAME.expect)", path,
				    pl->name ? pl->name : "(null)");
	return TARGET_OK;
}

/* A plugin gets its own link-map namespace, so the libraries it links (liblwip.so, say)
 * are fresh copies whose symbols it can interpose (sys_now), not the copies tcpspec
 * itself links.  Sanitizer builds keep to dlopen(), which they support. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define PLUGIN_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PLUGIN_SANITIZED 1
#endif

static void *load_so(const char *path)
{
#ifdef PLUGIN_SANITIZED
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
#else
	const char *plain = getenv("TCPSPEC_PLUGIN_DLOPEN");
	if (plain && *plain == '1')
		return dlopen(path, RTLD_NOW | RTLD_LOCAL);
	void *dl = dlmopen(LM_ID_NEWLM, path, RTLD_NOW | RTLD_LOCAL);
	return dl ? dl : dlopen(path, RTLD_NOW | RTLD_LOCAL);
#endif
}

int target_plugin_load(const char *path, struct target_plugin_lib *lib, struct target_diag *d)
{
	memset(lib, 0, sizeof *lib);
	if (!path || !*path)
		return target_diagf(d, TARGET_UNAVAILABLE,
				    "no plugin given: use --target plugin:PATH.so");
	/* a bare name would make dlopen search the library path: say ./ for the cwd */
	char buf[4096];
	if (!strchr(path, '/') && snprintf(buf, sizeof buf, "./%s", path) < (int)sizeof buf)
		path = buf;
	/* a file that is not there, or not a shared object, is a mistake on the command
	 * line (TARGET_BADARG: exit 2), not a target unavailable here */
	struct stat st;
	if (stat(path, &st) != 0)
		return target_diagf(d, TARGET_BADARG, "cannot load plugin: %s: %s", path,
				    strerror(errno));
	void *dl = load_so(path);
	if (!dl)
		return target_diagf(d, TARGET_BADARG, "cannot load plugin: %s", dlerror());
	unsigned abi = 2;
	void *sym = dlsym(dl, TCPSPEC_PLUGIN_ENTRY);
	if (!sym) {
		abi = 1;
		sym = dlsym(dl, TCPSPEC_PLUGIN_ENTRY_V1);
	}
	if (!sym) {
		dlclose(dl);
		/* libm.so.6 given by mistake: a wrong argument as a missing file is */
		return target_diagf(d, TARGET_BADARG,
				    "%s is not a tcpspec plugin: it exports neither %s() nor %s()",
				    path, TCPSPEC_PLUGIN_ENTRY, TCPSPEC_PLUGIN_ENTRY_V1);
	}
	tcpspec_plugin_entry_fn entry;
	memcpy(&entry, &sym, sizeof entry);
	const struct tcpspec_plugin_v2 *pl = entry(abi);
	if (!pl) {
		dlclose(dl);
		return target_diagf(d, TARGET_UNAVAILABLE,
				    "plugin %s does not support ABI version %u", path, abi);
	}
	int rc = check_table(d, path, abi, pl);
	if (rc != TARGET_OK) {
		dlclose(dl);
		return rc;
	}
	*lib = (struct target_plugin_lib){ .dl = dl, .abi = abi, .pl = pl, .entry = entry };
	return TARGET_OK;
}

void target_plugin_unload(struct target_plugin_lib *lib)
{
	if (lib->dl)
		dlclose(lib->dl);
	memset(lib, 0, sizeof *lib);
}

/* ---- forwarding -------------------------------------------------------------------- */

/* What a plugin returned, made safe for the engine: a status outside the list is
 * TARGET_ERROR, a failure gets a sentence if the plugin wrote none, and counts or
 * lengths beyond the arrays they describe are errors, so nothing is read past them. */
static int vet(struct target *t, const char *op, int rc)
{
	if (rc < 0 || rc >= TARGET_STATUS_COUNT)
		return target_diagf(&t->diag, TARGET_ERROR, "the %s target's %s() returned %d, "
				    "which is no target_status", t->ops->name, op, rc);
	if (rc != TARGET_OK && rc != TARGET_PENDING && rc != TARGET_TIMEOUT) {
		if (!t->diag.msg[0])
			target_diagf(&t->diag, rc, "the %s target's %s() returned %s without "
				     "saying why", t->ops->name, op, target_status_name(rc));
		t->diag.status = rc;
	}
	return rc;
}

static int vet_result(struct target *t, const char *op, int rc, struct target_result *r)
{
	if ((rc = vet(t, op, rc)) != TARGET_OK)
		return rc;
	const char *bad = r->ret < -1 ? "ret (below -1)" :
			  r->nfds < 0 || r->nfds > TARGET_MAX_POLLFD ? "nfds" :
			  r->nevents < 0 || r->nevents > TARGET_MAX_EVENTS ? "nevents" :
			  r->addrlen > sizeof r->addr ? "addrlen" :
			  r->opt.nbytes > sizeof r->opt.bytes ? "opt.nbytes" :
			  r->controllen > sizeof r->control ? "controllen" : NULL;
	if (bad)
		return target_diagf(&t->diag, TARGET_ERROR, "the %s target's %s() returned a "
				    "result whose %s is out of range", t->ops->name, op, bad);
	return rc;
}

/* A plugin built against an earlier, shorter target_result writes only its prefix. */
static void clear_tail(struct target *t, struct target_result *r)
{
	size_t n = PL(t)->result_size;
	if (n < sizeof *r)
		memset((char *)r + n, 0, sizeof *r - n);
}

static int64_t pl_now(struct target *t)
{
	return PL(t)->now(H(t));
}

static int pl_inject(struct target *t, const uint8_t *ip, size_t len)
{
	memset(&t->diag, 0, sizeof t->diag);
	return vet(t, "inject", PL(t)->inject(H(t), ip, len));
}

static int pl_next_outbound(struct target *t, int64_t deadline_ns, struct target_packet *p)
{
	memset(&t->diag, 0, sizeof t->diag);
	int rc = vet(t, "next_outbound", PL(t)->next_outbound(H(t), deadline_ns, p));
	if (rc == TARGET_OK && p->len > sizeof p->data)
		return target_diagf(&t->diag, TARGET_ERROR, "the %s target's next_outbound() "
				    "gave a packet of %zu bytes, more than its buffer",
				    t->ops->name, p->len);
	return rc;
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

/* An iovec longer than TARGET_MAX_IOV goes only to a plugin whose target_call has
 * iov_lens; one built before would read iov_len[] alone and cut it short. */
static int pl_iov_fits(struct target *t, const struct target_call *c)
{
	size_t need = offsetof(struct target_call, iov_lens) + sizeof c->iov_lens;
	if (c->iovcnt <= TARGET_MAX_IOV || PL(t)->call_size >= need)
		return TARGET_OK;
	return target_diagf(&t->diag, TARGET_UNSUPPORTED,
			    "an iovec of %d entries: the %s plugin was built against a "
			    "tcpspec/plugin.h whose struct target_call holds %d (no iov_lens); "
			    "rebuild it against this one (up to %d)", c->iovcnt, t->ops->name,
			    TARGET_MAX_IOV, TARGET_MAX_IOV_ALL);
}

static int pl_call(struct target *t, const struct target_call *c, struct target_result *r)
{
	struct plugin_state *s = t->priv;
	memset(&t->diag, 0, sizeof t->diag);
	if (pl_iov_fits(t, c) != TARGET_OK)
		return TARGET_UNSUPPORTED;
	c = target_call_null_prepare(c, &s->pend);
	struct target_call give;        /* a plugin never sees the NULL flags set */
	const struct target_call *g = c;
	if (c->null_buf) {
		give = *c;
		give.null_buf = false;
		g = &give;
	}
	memset(&t->diag, 0, sizeof t->diag);
	clear_tail(t, r);
	int rc = vet_result(t, "call", PL(t)->call(H(t), g, r), r);
	if (rc == TARGET_PENDING && c != &s->pend) {
		s->pend = *c;
		s->pend.null_buf = false;
	}
	if (rc == TARGET_OK && c->kind == TARGET_CALL_SOCKET && r->ret >= 0)
		s->sockets_made = true;
	return pl_fix(c, rc, r);
}

static int pl_complete(struct target *t, int64_t deadline_ns, struct target_result *r)
{
	if (!PL(t)->complete)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "the %s target has no complete() for blocking calls", t->ops->name);
	struct plugin_state *s = t->priv;
	memset(&t->diag, 0, sizeof t->diag);
	clear_tail(t, r);
	int rc = vet_result(t, "complete", PL(t)->complete(H(t), deadline_ns, r), r);
	return pl_fix(&s->pend, rc, r);
}

static int pl_advance(struct target *t, int64_t now_ns, int64_t *next)
{
	memset(&t->diag, 0, sizeof t->diag);
	int rc = vet(t, "advance", PL(t)->advance(H(t), now_ns, next));
	int64_t clock = PL(t)->now(H(t));
	/* a clock left behind would keep the engine advancing to the same time forever */
	if (rc == TARGET_OK && clock < now_ns)
		return target_diagf(&t->diag, TARGET_ERROR, "the %s target's advance(%lld) left "
				    "its clock at %lld: advance() sets the clock to now_ns "
				    "(tcpspec-plugin(7), VIRTUAL TIME)", t->ops->name,
				    (long long)now_ns, (long long)clock);
	return rc;
}

static int pl_tcp_info(struct target *t, int fd, struct target_tcp_info *ti)
{
	if (!PL(t)->tcp_info)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED, "the %s target has no tcp_info "
				    "operation (NULL in its ops table)", t->ops->name);
	memset(&t->diag, 0, sizeof t->diag);
	return vet(t, "tcp_info", PL(t)->tcp_info(H(t), fd, ti));
}

/* ---- settings (version 2) ----------------------------------------------------------- */

/* The plugin's setting(): 0 taken, -1 no such setting, -2 not this value (shellmap's
 * convention), with the plugin's sentence, if it wrote one, kept in s->why. */
static int take_setting(struct target *t, const char *name, const char *value)
{
	struct plugin_state *s = S(t);
	memset(&t->diag, 0, sizeof t->diag);
	int rc = PL(t)->setting(H(t), name, value);
	snprintf(s->why, sizeof s->why, "%s", t->diag.msg);
	if (rc == TARGET_OK)
		return 0;
	return rc == TARGET_UNSUPPORTED ? -1 : -2;
}

static int setting_cb(void *ctx, const char *name, const char *value)
{
	return take_setting(ctx, name, value);
}

static int pl_setting(struct target *t, const char *name, const char *value)
{
	if (!TARGET_PLUGIN_HAS(&S(t)->lib, setting) || !PL(t)->setting)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "the %s target takes no settings (%s = %s)", t->ops->name, name,
				    value);
	int rc = take_setting(t, name, value);
	if (rc == 0)
		return TARGET_OK;
	const char *why = S(t)->why;
	return target_diagf(&t->diag, TARGET_UNSUPPORTED, "the %s target %s %s = %s%s%s",
			    t->ops->name, rc == -1 ? "has no setting" : "cannot take", name,
			    value, *why ? ": " : "", why);
}

static int pl_shell(struct target *t, const char *cmd, int *exit_status)
{
	struct plugin_state *s = S(t);
	if (PL(t)->shell) {
		memset(&t->diag, 0, sizeof t->diag);
		return vet(t, "shell", PL(t)->shell(H(t), cmd, exit_status));
	}
	if (!TARGET_PLUGIN_HAS(&s->lib, setting) || !PL(t)->setting)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "the %s target runs no shell commands and takes no settings: "
				    "`%s`", t->ops->name, cmd);
	struct target_shellmap m = {
		.target_name = t->ops->name, .script_path = t->cfg->script_path,
		.fresh = !s->sockets_made, .apply = setting_cb, .ctx = t,
		.fixed_why = s->why, .asker = "the plugin's setting() hook",
	};
	s->why[0] = 0;
	return target_shellmap_run(t, &m, cmd, exit_status);
}

/* ---- open, close, describe ------------------------------------------------------------ */

/* Open the plugin whose table is lib (loaded, or built in): the ops become a copy of
 * the forwarding table under the name and argument t->ops had, with the plugin's
 * capabilities. */
static int open_lib(struct target *t, const struct target_config *cfg,
		    struct target_plugin_lib lib)
{
	const struct tcpspec_plugin_v2 *pl = lib.pl;
	const char *what = cfg->plugin_path ? cfg->plugin_path : pl->name;
	int rc;
	/* the engine checked the address family against our optimistic caps.  The table
	 * and its strings live in the plugin's mapping: read them before unloading. */
	if ((cfg->ip_version == TARGET_IPV6_ONLY && !(pl->caps & TARGET_IPV6)) ||
	    (cfg->ip_version == TARGET_IPV4_MAPPED_IPV6 && !(pl->caps & TARGET_IPV4_MAPPED))) {
		rc = target_diagf(&t->diag, TARGET_UNSUPPORTED,
				  "plugin %s has no %s sockets (its caps lack %s)",
				  pl->name ? pl->name : what,
				  target_ip_version_name(cfg->ip_version),
				  cfg->ip_version == TARGET_IPV6_ONLY ? "TARGET_IPV6"
								      : "TARGET_IPV4_MAPPED");
		target_plugin_unload(&lib);
		return rc;
	}
	plug = (struct plugin_state){ .lib = lib, .cfg = *cfg };
	bool v2_settings = TARGET_PLUGIN_HAS(&lib, setting) && pl->setting;
	if (v2_settings) {              /* given one by one below */
		plug.cfg.settings = NULL;
		plug.cfg.n_settings = 0;
	}
	memset(&t->diag, 0, sizeof t->diag);
	void *h = pl->open(&plug.cfg, &t->diag);
	if (!h) {
		int st = t->diag.status != TARGET_OK ? t->diag.status : TARGET_UNAVAILABLE;
		if (!t->diag.msg[0])
			target_diagf(&t->diag, st, "plugin %s failed to open", what);
		memset(&plug, 0, sizeof plug);
		target_plugin_unload(&lib);
		return st;
	}
	plug.h = h;
	t->priv = &plug;
	plugin_live_ops = target_plugin_ops;
	plugin_live_ops.name = t->ops->name;
	plugin_live_ops.arg = t->ops->arg;
	plugin_live_ops.version = t->ops->version;
	plugin_live_ops.caps = pl->caps | TARGET_OWN_PROCESS;
	if (!pl->advance)
		plugin_live_ops.advance = NULL;
	if (!v2_settings)               /* as before version 2: no setting() to offer */
		plugin_live_ops.setting = NULL;
	t->ops = &plugin_live_ops;
	for (size_t i = 0; v2_settings && i < cfg->n_settings; i++) {
		rc = pl_setting(t, cfg->settings[i].name, cfg->settings[i].value);
		if (rc != TARGET_OK) {
			struct target_diag keep = t->diag;
			t->ops->close(t);
			t->diag = keep;
			return rc;
		}
	}
	return TARGET_OK;
}

static int pl_open(struct target *t, const struct target_config *cfg)
{
	if (plug.lib.pl)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "a plugin is already open in this process");
	struct target_plugin_lib lib;
	int rc = target_plugin_load(cfg->plugin_path, &lib, &t->diag);
	if (rc != TARGET_OK)
		return rc;
	return open_lib(t, cfg, lib);
}

int target_plugin_open_builtin(struct target *t, const struct target_config *cfg,
			       const struct tcpspec_plugin_v2 *pl)
{
	if (plug.lib.pl)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "%s is already open in this process (one at a time: its "
				    "state may be global)", pl->name);
	int rc = check_table(&t->diag, pl->name, pl->abi_version, pl);
	if (rc != TARGET_OK)
		return rc;
	return open_lib(t, cfg, (struct target_plugin_lib){ .abi = pl->abi_version, .pl = pl });
}

static void pl_close(struct target *t)
{
	struct plugin_state *s = t->priv;
	if (!s)
		return;
	s->lib.pl->close(s->h);
	target_plugin_unload(&s->lib);
	memset(s, 0, sizeof *s);
	t->priv = NULL;
}

/* A version 2 plugin's name and version, loaded in a throwaway process (its
 * constructors, or a crash, stay there).  0, or -1 for a version 1 plugin or one that
 * does not load (it keeps the name "plugin"; open() then says what is wrong). */
static int pl_describe(const char *arg, char *name, size_t nn, char *version, size_t vn)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		dup2(2, 1);     /* whatever the plugin prints stays out of the report */
		struct target_plugin_lib lib;
		struct target_diag d;
		char out[128] = "";
		if (target_plugin_load(arg, &lib, &d) == TARGET_OK && lib.abi >= 2)
			snprintf(out, sizeof out, "%s%c%s", lib.pl->name, 0,
				 lib.pl->version ? lib.pl->version : "");
		ssize_t w = write(p[1], out, sizeof out);
		_exit(w == (ssize_t)sizeof out ? 0 : 1);
	}
	close(p[1]);
	char in[128];
	size_t got = 0;
	ssize_t r;
	while (got < sizeof in && (r = read(p[0], in + got, sizeof in - got)) > 0)
		got += (size_t)r;
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (got != sizeof in || !in[0])
		return -1;
	in[sizeof in - 1] = 0;
	snprintf(name, nn, "%s", in);
	snprintf(version, vn, "%s", in + strlen(in) + 1);
	return target_plugin_name_ok(name) ? 0 : -1;
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
	.setting = pl_setting,
	.describe = pl_describe,
};
