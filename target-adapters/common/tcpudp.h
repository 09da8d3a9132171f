/* target-adapters/common/tcpudp.h: TCP over UDP for an in-process stack that knows
 * only TCP, as FreeBSD does it (net.inet.tcp.udp_tunneling_port,
 * net.inet.tcp.udp_tunneling_overhead): a segment that arrives in a UDP datagram to the
 * tunneling port is given to the stack as plain TCP, its connection noted with the
 * peer's UDP port, and every segment the stack sends on that connection (its RST for
 * a closed port too) leaves in UDP from the tunneling port to that port.  Checksums as
 * FreeBSD's: the UDP checksum covers the segment, the TCP checksum of an encapsulated
 * segment is sent as 0 and not checked on input (the UDP one is; a datagram failing
 * it is dropped), and an encapsulated SYN's MSS option is the overhead smaller (the
 * stack's segments themselves keep to the peer's MSS and its own MTU-based one, not
 * made smaller).  A connection keeps to its encapsulation and the peer's UDP port: a
 * segment in another (plain for an encapsulated one, in UDP for a plain one, from
 * another UDP port) is dropped, where FreeBSD answers as for no connection.  A new
 * SYN sets a connection's encapsulation afresh.  RFC 6951 carries SCTP the same way. */
#ifndef TARGET_ADAPTERS_COMMON_TCPUDP_H
#define TARGET_ADAPTERS_COMMON_TCPUDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define TCPUDP_MAX_FLOWS 64

struct tcpudp {
	uint16_t port;              /* the local tunneling port; 0: no TCP over UDP */
	uint16_t overhead;          /* taken from an encapsulated SYN's MSS (FreeBSD: 8) */
	size_t n;
	struct tcpudp_flow {        /* a connection that came in UDP, by its TCP 4-tuple */
		struct wire_addr remote;
		uint16_t rport, lport;  /* TCP ports: the peer's, the stack's */
		uint16_t uport;         /* the peer's UDP port */
	} flow[TCPUDP_MAX_FLOWS];
};

void tcpudp_init(struct tcpudp *e);
/* One of the two FreeBSD settings: 0 taken, -1 not one of them, -2 a bad value. */
int tcpudp_setting(struct tcpudp *e, const char *name, const char *value);
/* The parse configuration for inbound datagrams (the tunneling port). */
struct wire_parse_cfg tcpudp_parse_cfg(const struct tcpudp *e);
/* An inbound TCP segment parsed with that configuration: false when it is dropped
 * (a bad UDP checksum, another port, or the other encapsulation than its connection's);
 * else true, with *csum_ok what the stack is to take as the TCP checksum's verdict. */
bool tcpudp_inbound(struct tcpudp *e, const struct wire_packet *w, bool *csum_ok);
/* A segment the stack sends, before it is built: carried in UDP when its connection
 * came so. */
void tcpudp_outbound(struct tcpudp *e, struct wire_packet *w);

#endif
