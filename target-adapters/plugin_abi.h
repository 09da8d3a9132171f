/* plugin_abi.h: the ABI a third-party TCP stack implements to be tested by tcpspec as
 * `--target plugin:PATH.so`.  See tcpspec-plugin(7).
 *
 * The shared object exports one function,
 *
 *     const struct tcpspec_plugin_v1 *tcpspec_plugin_v1(uint32_t host_abi);
 *
 * which returns its ops table (static storage) or NULL when it cannot serve the
 * host's ABI version.  The table starts with the ABI version and its own size, then
 * the sizes of the target.h structures the plugin was compiled against: the host
 * refuses a plugin whose version differs or whose structures have another layout
 * than its own (exit 3, with the reason), instead of crashing on it.  Fields are
 * only ever appended within a version; a host reads the ones inside `size`.
 *
 * Every op takes the handle open() returned.  The data types (calls, results,
 * packets, configuration, TCP_INFO view) and the conventions (Linux numbering of
 * every constant, nanosecond clocks, target_status return codes, PENDING for calls
 * still blocked) are those of target.h, described there.  Failures are described
 * by writing a sentence into the struct target_diag the host gives to open(),
 * which stays valid until close().
 */
#ifndef TCPSPEC_PLUGIN_ABI_H
#define TCPSPEC_PLUGIN_ABI_H

#include <stdint.h>

#include "target-adapters/target.h"

#define TCPSPEC_PLUGIN_ABI_VERSION 1u
#define TCPSPEC_PLUGIN_ENTRY "tcpspec_plugin_v1"

struct tcpspec_plugin_v1 {
	uint32_t abi_version;       /* TCPSPEC_PLUGIN_ABI_VERSION */
	uint32_t size;              /* sizeof(struct tcpspec_plugin_v1) */
	/* sizeof the shared target.h structures, as the plugin was compiled */
	uint32_t config_size, call_size, result_size, packet_size, tcp_info_size, diag_size;

	const char *name;           /* the stack's name, for messages */
	unsigned caps;              /* enum target_caps; TARGET_VIRTUAL_TIME needs advance */

	/* Required.  open returns a handle, or NULL after filling diag (its status
	 * TARGET_UNAVAILABLE or TARGET_UNSUPPORTED). */
	void *(*open)(const struct target_config *cfg, struct target_diag *diag);
	void (*close)(void *h);
	int64_t (*now)(void *h);
	int (*inject)(void *h, const uint8_t *ip, size_t len);
	int (*next_outbound)(void *h, int64_t deadline_ns, struct target_packet *p);
	int (*call)(void *h, const struct target_call *c, struct target_result *r);

	/* Optional (NULL: TARGET_UNSUPPORTED).  complete is required with
	 * TARGET_BLOCKING, advance with TARGET_VIRTUAL_TIME. */
	int (*complete)(void *h, int64_t deadline_ns, struct target_result *r);
	int (*advance)(void *h, int64_t now_ns, int64_t *next_timer_ns);
	int (*tcp_info)(void *h, int fd, struct target_tcp_info *ti);
	int (*shell)(void *h, const char *cmd, int *exit_status);
};

/* The header fields, for a plugin's static table:
 *   static const struct tcpspec_plugin_v1 ops = { TCPSPEC_PLUGIN_V1_HEADER, .name = ... }; */
#define TCPSPEC_PLUGIN_V1_HEADER                                        \
	.abi_version = TCPSPEC_PLUGIN_ABI_VERSION,                      \
	.size = sizeof(struct tcpspec_plugin_v1),                       \
	.config_size = sizeof(struct target_config),                    \
	.call_size = sizeof(struct target_call),                        \
	.result_size = sizeof(struct target_result),                    \
	.packet_size = sizeof(struct target_packet),                    \
	.tcp_info_size = sizeof(struct target_tcp_info),                \
	.diag_size = sizeof(struct target_diag)

typedef const struct tcpspec_plugin_v1 *(*tcpspec_plugin_entry_fn)(uint32_t host_abi);

#endif
