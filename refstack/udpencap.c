/* refstack/udpencap.c: TCP over UDP as the TCP layer sees it.
 *
 * The tunnel itself (the UDP header put on and taken off, its checksum, the local
 * tunneling port) is the adapter's (target-adapters/common/tcpudp.c).  The stack keeps,
 * per connection, the peer's UDP port (encap_port; 0 = plain TCP) and the rules that
 * depend on it.  No RFC specifies TCP in UDP; RFC 6951 specifies the same encapsulation
 * for SCTP, and the stack follows it, with FreeBSD's choices (the one implementation,
 * net.inet.tcp.udp_tunneling_port) where TCP lacks SCTP's verification tag:
 * - the peer's port is set by the application before the connection exists (RFC 6951
 *   6.1's SCTP_REMOTE_UDP_ENCAPS_PORT; FreeBSD's TCP_REMOTE_UDP_ENCAPS_PORT), or taken
 *   from the SYN a listener answers (RFC 6951 5.4: "the UDP source port MUST be stored
 *   as the encapsulation port");
 * - a connection in UDP has the UDP header less path MTU (RFC 6951 5.6, Path MTU
 *   Considerations: encapsulating a path takes the UDP header off its path MTU): the
 *   MSS it announces and the segments it sends;
 * - a segment in another encapsulation (plain, or from another UDP port) is not its
 *   connection's.  RFC 6951 5.4 follows a new port only "after finding the SCTP
 *   association (which includes checking the verification tag)"; TCP has nothing to
 *   check it against, so the encapsulation is part of finding the connection and such a
 *   segment meets RFC 9293 3.10.7.1 (no connection: a RST unless it is one, sent in the
 *   segment's own encapsulation), as FreeBSD answers it.  A listener takes a SYN in
 *   any, and so does TIME-WAIT for a new incarnation;
 * - an ICMP error about a segment sent in UDP concerns the connection only when it
 *   quotes the connection's UDP port (RFC 6951 5.5: one that "cannot be related to a
 *   specific ... association ... MUST be discarded silently"). */
#include <errno.h>

#include "refstack/ref_int.h"

/* What encapsulation takes off the path MTU of tp's segments (RFC 6951 5.6). */
uint32_t ref_encap_overhead(const struct ref_tcb *tp)
{
	return tp->encap_port ? tp->st->cfg.udp_tunnel_overhead : 0;
}

/* A segment that arrived in another encapsulation than tp's connection uses. */
bool ref_encap_other(const struct ref_tcb *tp, const struct ref_segment *seg)
{
	return tp->state > REF_LISTEN && seg->encap_port != tp->encap_port;
}

/* TCP_REMOTE_UDP_ENCAPS_PORT as FreeBSD has it: a port (0 to 65535, 0 = plain TCP),
 * nothing but 0 while the stack has no tunneling port, and only on a socket that has
 * no connection yet (CLOSED: not listening, not connecting); EINVAL otherwise. */
int ref_encap_setsockopt(struct ref_tcb *tp, int v)
{
	if (v < 0 || v > 65535)
		return -EINVAL;
	if (v && !tp->st->cfg.udp_tunnel_port)
		return -EINVAL;
	if (tp->state != REF_CLOSED)
		return -EINVAL;
	tp->encap_port = (uint16_t)v;
	return 0;
}
