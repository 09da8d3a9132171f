/* target.h: the one contract between the engine and a TCP stack under test.
 *
 * A target is an ops table (struct target_ops) plus a handle (struct target).  The
 * engine talks to every stack -- the kernel through TUN, the reference stack, lwIP, a
 * plugin -- only through the thin inline wrappers at the end of this file.  Adapters
 * never see script syntax: the engine decodes the script once into the typed forms
 * of tcpspec/plugin.h (struct target_call, struct target_config) and compares the
 * results itself.  Those types, the status codes, the capabilities and the
 * conventions every target follows (time, packets, Linux numbering, fds, errors) are
 * in tcpspec/plugin.h, which plugins build against too; this file adds the engine's
 * side: the ops table, the handle, the registry and the wrappers.
 *  - Optional ops may be NULL; the wrappers then return TARGET_UNSUPPORTED.
 *
 * Adding a target: write target-adapters/NAME.c (or NAME/...) defining
 *   const struct target_ops target_NAME_ops;
 * target-adapters/module.mk picks the file up and target.c lists it (the build
 * defines TARGET_HAVE_NAME when the file exists).
 */
#ifndef TCPSPEC_TARGET_H
#define TCPSPEC_TARGET_H

#include <tcpspec/plugin.h>

/* ---- the ops table and the handle ------------------------------------------------- */

struct target;

struct target_ops {
	const char *name;           /* "linux", "reference", "lwip", "plugin" */
	unsigned caps;              /* enum target_caps */

	/* Bring the stack up with cfg (kept by pointer: it must outlive the target).
	 * TARGET_UNAVAILABLE with a message naming what is missing (root, /dev/net/tun,
	 * a library), TARGET_UNSUPPORTED for a config it cannot honour. */
	int (*open)(struct target *t, const struct target_config *cfg);
	void (*close)(struct target *t);

	int64_t (*now)(struct target *t);

	/* Deliver one IP packet to the stack. */
	int (*inject)(struct target *t, const uint8_t *ip, size_t len);

	/* The next packet the stack sent.  Real time: wait until deadline_ns at most.
	 * Virtual time: only what is already queued (the engine advances time itself).
	 * TARGET_TIMEOUT when there is none. */
	int (*next_outbound)(struct target *t, int64_t deadline_ns, struct target_packet *p);

	/* Make a call.  TARGET_OK with res filled, or TARGET_PENDING: the call is in
	 * flight (at most one at a time) and complete() collects it. */
	int (*call)(struct target *t, const struct target_call *c, struct target_result *res);
	/* Collect the pending call: TARGET_OK when it returned (res filled), TARGET_PENDING
	 * when still running at deadline_ns (real time waits until then at most). */
	int (*complete)(struct target *t, int64_t deadline_ns, struct target_result *res);

	/* Virtual time: run timers up to now_ns; *next_timer_ns gets the next deadline
	 * (INT64_MAX when none).  NULL for real-time targets. */
	int (*advance)(struct target *t, int64_t now_ns, int64_t *next_timer_ns);

	int (*tcp_info)(struct target *t, int fd, struct target_tcp_info *ti);

	/* Run a shell line inside the target's network namespace; *exit_status gets the
	 * exit status (128 + signal when killed).  Targets without a namespace either map
	 * known lines (sysctl settings) or return TARGET_UNSUPPORTED with the line. */
	int (*shell)(struct target *t, const char *cmd, int *exit_status);

	/* Apply a sysctl-like setting now ("net.ipv4.tcp_congestion_control" = "cubic"):
	 * the engine calls it for settings a script's shell lines asked for, so a target
	 * can honour what its namespace refused (a child network namespace may not pick
	 * a congestion control outside the host's allowed list).  Optional. */
	int (*setting)(struct target *t, const char *name, const char *value);

	/* Whether open() can work here, checked cheaply without changing the calling
	 * process: TARGET_OK, or TARGET_UNAVAILABLE with d saying what is missing.
	 * Optional: without it, and after it says TARGET_OK for a TARGET_OWN_PROCESS
	 * target, the engine opens and closes the target in a throwaway process
	 * (TARGET_OWN_PROCESS) or, without probe, in place. */
	int (*probe)(struct target_diag *d);

	/* Added after the first release.  What follows the name in the spec the ops were
	 * looked up by: target_lookup("plugin:PATH.so") returns its own copy of the plugin
	 * ops with arg = "PATH.so" (one copy per path), so two plugins can be run side by
	 * side; NULL for the other targets.  The engine passes it on as
	 * target_config.plugin_path. */
	const char *arg;

	/* Added with plugin ABI version 2.  For a spec with an argument: the name and
	 * version it goes by (a plugin's own), for report columns, JSON and NAME.expect;
	 * 0, or -1 to keep the adapter's name.  Optional. */
	int (*describe)(const char *arg, char *name, size_t name_len, char *version,
			size_t version_len);
	/* The version of the stack, when known (a version 2 plugin's); NULL otherwise. */
	const char *version;

	/* Back to the state open() left the target in, in place (no socket, no connection,
	 * clock at 0, the settings open() applied): what closing and opening again with
	 * the same config gives, cheaper (fuzz_stack starts every input from fresh stacks).
	 * Optional: target_reset() closes and opens when it is NULL. */
	int (*reset)(struct target *t);

	/* The moment on now()'s clock that is to be script time 0, at most a few ticks of
	 * the stack's clock away: a real-time stack that counts time in ticks starts every
	 * script at the same phase of a tick, so what it measures in ticks reads alike from
	 * run to run.  Optional: now() when NULL. */
	int64_t (*start)(struct target *t);
};

struct target {
	const struct target_ops *ops;
	const struct target_config *cfg;
	void *priv;                 /* the adapter's state */
	struct target_diag diag;    /* the last failure */
};

/* Find an adapter by name: "linux", "reference", "lwip", "plugin:PATH.so" (ops->arg is
 * then "PATH.so").  NULL with d filled (status TARGET_UNAVAILABLE) when unknown or not
 * built in. */
const struct target_ops *target_lookup(const char *spec, struct target_diag *d);
/* Names of the adapters built in, NULL-terminated. */
const char *const *target_names(void);

/* Open: sets t->ops/cfg and calls ops->open.  On failure *d gets t->diag. */
int target_open(struct target *t, const struct target_ops *ops,
		const struct target_config *cfg, struct target_diag *d);

/* ---- thin wrappers ----------------------------------------------------------------- */

static inline bool target_has(const struct target *t, unsigned cap)
{
	return (t->ops->caps & cap) != 0;
}

static inline void target_close(struct target *t)
{
	if (t->ops && t->ops->close)
		t->ops->close(t);
	t->ops = NULL;
}

/* The target as open() left it: ops->reset, or close and open with the same ops and
 * config.  On failure the target is closed and *d (may be NULL) says why. */
int target_reset(struct target *t, struct target_diag *d);

static inline int64_t target_now(struct target *t)
{
	return t->ops->now(t);
}

static inline int64_t target_start(struct target *t)
{
	return t->ops->start ? t->ops->start(t) : t->ops->now(t);
}

static inline int target_inject(struct target *t, const uint8_t *ip, size_t len)
{
	return t->ops->inject ? t->ops->inject(t, ip, len) : TARGET_UNSUPPORTED;
}

static inline int target_next_outbound(struct target *t, int64_t deadline_ns,
				       struct target_packet *p)
{
	return t->ops->next_outbound ? t->ops->next_outbound(t, deadline_ns, p)
				     : TARGET_UNSUPPORTED;
}

static inline int target_call(struct target *t, const struct target_call *c,
			      struct target_result *res)
{
	return t->ops->call ? t->ops->call(t, c, res) : TARGET_UNSUPPORTED;
}

static inline int target_complete(struct target *t, int64_t deadline_ns,
				  struct target_result *res)
{
	return t->ops->complete ? t->ops->complete(t, deadline_ns, res) : TARGET_UNSUPPORTED;
}

static inline int target_advance(struct target *t, int64_t now_ns, int64_t *next_timer_ns)
{
	if (!t->ops->advance) {
		*next_timer_ns = INT64_MAX;
		return TARGET_UNSUPPORTED;
	}
	return t->ops->advance(t, now_ns, next_timer_ns);
}

static inline int target_tcp_info(struct target *t, int fd, struct target_tcp_info *ti)
{
	return t->ops->tcp_info ? t->ops->tcp_info(t, fd, ti) : TARGET_UNSUPPORTED;
}

static inline int target_shell(struct target *t, const char *cmd, int *exit_status)
{
	return t->ops->shell ? t->ops->shell(t, cmd, exit_status) : TARGET_UNSUPPORTED;
}

static inline int target_setting(struct target *t, const char *name, const char *value)
{
	return t->ops->setting ? t->ops->setting(t, name, value) : TARGET_UNSUPPORTED;
}

#endif
