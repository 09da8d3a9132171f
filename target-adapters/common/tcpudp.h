/* target-adapters/common/tcpudp.h: the tunnel of TCP over UDP for an in-process stack,
 * as FreeBSD does it (net.inet.tcp.udp_tunneling_port, net.inet.tcp.udp_tunneling_overhead):
 * a segment that arrives in a UDP datagram to the tunneling port is given to the stack
 * as plain TCP with the peer's UDP port beside it, and a segment the stack sends with a
 * peer's UDP port leaves in UDP from the tunneling port to that port.  Checksums as
 * FreeBSD's: the UDP checksum covers the segment, the TCP checksum of an encapsulated
 * segment is sent as 0 and not checked on input (the UDP one is; a datagram failing
 * it is dropped).  Which connection is carried how, the MSS less the overhead,
 * TCP_REMOTE_UDP_ENCAPS_PORT and ICMP errors about encapsulated segments are the
 * stack's (refstack/udpencap.c).  RFC 6951 carries SCTP the same way. */
#ifndef TARGET_ADAPTERS_COMMON_TCPUDP_H
#define TARGET_ADAPTERS_COMMON_TCPUDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

struct tcpudp {
	uint16_t port;              /* the local tunneling port; 0: no TCP over UDP */
	uint16_t overhead;          /* what encapsulation takes off the MTU (FreeBSD: 8) */
};

void tcpudp_init(struct tcpudp *e);
/* One of the two FreeBSD settings: 0 taken, -1 not one of them, -2 a bad value. */
int tcpudp_setting(struct tcpudp *e, const char *name, const char *value);
/* The parse configuration for inbound datagrams (the tunneling port). */
struct wire_parse_cfg tcpudp_parse_cfg(const struct tcpudp *e);
/* An inbound TCP segment parsed with that configuration: false when it is dropped (in
 * UDP to another port, from port 0, or failing the UDP checksum); else true, with
 * *csum_ok what the stack is to take as the TCP checksum's verdict and *peer_port the
 * UDP port it came from (0: plain TCP). */
bool tcpudp_inbound(const struct tcpudp *e, const struct wire_packet *w, bool *csum_ok,
		    uint16_t *peer_port);
/* A segment the stack sends, before it is built: carried in UDP to peer_port when that
 * is not 0 and the tunnel has a port. */
void tcpudp_outbound(const struct tcpudp *e, struct wire_packet *w, uint16_t peer_port);

#endif
