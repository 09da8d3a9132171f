/* target-adapters/lwip.c: the lwip target, lwIP 2.1 from Debian's liblwip-dev driven in
 * process through its raw API, on virtual time, without privileges.
 *
 * The mapping of lwIP onto tcpspec's contract is examples/plugin-lwip/, the plugin a
 * stack author copies and builds out of tree against the installed SDK.  The same code
 * is linked into tcpspec (lwip.mk) and driven here through the forwarding the
 * plugin:PATH.so target uses (plugin.c), so the built-in target and the plugin cannot
 * drift apart.  What lwIP does and lacks, and how its clock is interposed (sys_now(),
 * tcpip_try_callback(), defined there and exported by the executable to liblwip.so),
 * is described in examples/plugin-lwip/.
 *
 * Isolation: lwIP keeps its state in globals that no API resets.  The engine runs every
 * script in a process of its own (TARGET_OWN_PROCESS).  Within a process, close() puts
 * liblwip back as it was when it was loaded (examples/plugin-lwip/lwip_reset.c: every
 * block lwIP allocated freed, its .data and .bss copied back) and open() runs
 * lwip_init() again, so every open starts lwIP as a new process would (same ISN): the
 * fuzz target fuzz_stack opens a fresh lwIP for every input.  Where that cannot be done
 * (a static lwIP) close() aborts every pcb, and the next open goes on with the ISN and
 * local ports where the run left them.
 */
#include "target-adapters/plugin_host.h"
#include "target-adapters/target.h"

extern const struct tcpspec_plugin_v2 lwip_plugin_table;   /* examples/plugin-lwip */

static int lw_open(struct target *t, const struct target_config *cfg)
{
	return target_plugin_open_builtin(t, cfg, &lwip_plugin_table);
}

/* Before open: the capabilities lwip_plugin_table declares, for the engine's planning. */
const struct target_ops target_lwip_ops = {
	.name = "lwip",
	.caps = TARGET_VIRTUAL_TIME | TARGET_OWN_PROCESS | TARGET_BLOCKING | TARGET_IPV6 |
		TARGET_IPV4_MAPPED | TARGET_TCP_INFO | TARGET_SETTINGS,
	.open = lw_open,
};
