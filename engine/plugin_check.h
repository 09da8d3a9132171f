/* engine/plugin_check.h: `tcpspec plugin-check` (cmd_plugin_check.c runs the checks of
 * plugin_checks.c, each in a process of its own, on a session of
 * plugin_check_session.c). */
#ifndef TCPSPEC_ENGINE_PLUGIN_CHECK_H
#define TCPSPEC_ENGINE_PLUGIN_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target-adapters/plugin_host.h"
#include "wire/wire.h"

#define PC_OK 0
#define PC_FAIL 1
#define PC_SKIP 2
#define SEC 1000000000LL

/* One check's session: the loaded plugin, its handle, the configuration it was opened
 * with, the sequence numbers of the connection under test, and the verdict's message. */
struct pc {
	struct target_plugin_lib lib;
	const struct tcpspec_plugin_v2 *pl;
	void *h;
	struct target_config cfg;
	struct target_diag diag;
	uint32_t peer_seq;              /* the script peer's next sequence number */
	uint32_t stack_seq;             /* the stack's next sequence number */
	char msg[1024];
};


/* The check's verdict: PC_FAIL / PC_SKIP with p->msg set (printf-style). */
int pc_fail(struct pc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pc_skip(struct pc *p, const char *why);
bool pc_virtual(const struct pc *p);    /* TARGET_VIRTUAL_TIME */
bool pc_blocking(const struct pc *p);   /* TARGET_BLOCKING */

/* Open with the defaults of IP version v (PC_FAIL with open's message), close. */
int pc_open(struct pc *p, enum target_ip_version v);
void pc_close(struct pc *p);
int64_t pc_now(struct pc *p);
/* call() with start_ns/end_ns preset to -1, to see what the plugin fills */
int pc_call(struct pc *p, struct target_call *c, struct target_result *r);
/* complete() with the current time as the deadline, as the engine on virtual time */
int pc_complete(struct pc *p, struct target_result *r);
int pc_domain(const struct pc *p);      /* AF_INET or AF_INET6 for the IP version */
/* The peer's segment (flags, data) to local_port, numbered from peer_seq/stack_seq. */
int pc_inject(struct pc *p, uint16_t flags, const char *data, size_t len);
/* The next TCP segment the stack sent (what names it in the message when none). */
int pc_outbound(struct pc *p, struct target_packet *pk, struct wire_packet *w,
		const char *what);
void pc_sockaddr(struct pc *p, const struct target_addr *a, uint16_t port,
		 struct target_call *c);
int pc_socket(struct pc *p, int type_flags, int *fd);
int pc_connect(struct pc *p, int type_flags, int *fd, int *rc, struct target_result *r);
/* a call expected to succeed at once */
int pc_simple(struct pc *p, struct target_call *c, const char *what);
int pc_listener(struct pc *p, int type_flags, int *lfd);   /* bound to local_port */
int pc_handshake_in(struct pc *p);      /* SYN in, SYN,ACK out, ACK in */
int pc_accepted(struct pc *p, int *fd); /* an established, accepted connection */

struct pc_check {
	const char *name;
	int (*fn)(struct pc *);         /* NULL: the "stdout" check, over the others */
	const char *section;            /* of tcpspec-plugin(7) */
};
extern const struct pc_check pc_checks[];
extern const size_t pc_nchecks;

#endif
