/* plugin_host.h: loading a plugin (tcpspec/plugin.h) on tcpspec's side, shared by the
 * plugin:PATH.so target (plugin.c) and `tcpspec plugin-check`. */
#ifndef TCPSPEC_PLUGIN_HOST_H
#define TCPSPEC_PLUGIN_HOST_H

#include "target-adapters/target.h"

struct target_plugin_lib {
	void *dl;
	unsigned abi;                           /* the version it speaks: 1 or 2 */
	const struct tcpspec_plugin_v2 *pl;     /* a version 1 table is read up to shell */
	tcpspec_plugin_entry_fn entry;          /* the entry point it was found through */
};

/* Load PATH (in a link-map namespace of its own where the C library allows, so the
 * libraries it links -- a TCP stack's -- are its own copies, not the ones tcpspec
 * links), find its entry point (version 2, else version 1) and check the table: ABI
 * version, sizes of the shared structures, required ops, its name.  TARGET_OK, or
 * TARGET_UNAVAILABLE with d saying what is wrong (nothing stays loaded). */
int target_plugin_load(const char *path, struct target_plugin_lib *lib, struct target_diag *d);
void target_plugin_unload(struct target_plugin_lib *lib);

/* Whether the table has a version 2 field (its size covers it). */
#define TARGET_PLUGIN_HAS(lib, field)                                              \
	((lib)->abi >= 2 &&                                                           \
	 (lib)->pl->size >= offsetof(struct tcpspec_plugin_v2, field) + sizeof (lib)->pl->field)

/* For an adapter whose stack is a plugin linked into tcpspec (the lwip target): open
 * it through the same forwarding as plugin:PATH.so, t->ops keeping its name.  The
 * adapter's ops table needs only name, caps and an open that calls this. */
int target_plugin_open_builtin(struct target *t, const struct target_config *cfg,
			       const struct tcpspec_plugin_v2 *pl);

/* A version 2 name as reports need it: 1 to 32 of [A-Za-z0-9._+-]. */
bool target_plugin_name_ok(const char *name);

#endif
