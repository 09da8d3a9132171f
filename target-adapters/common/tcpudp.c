/* target-adapters/common/tcpudp.c: the tunnel of TCP over UDP (tcpudp.h). */
#include "target-adapters/common/tcpudp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void tcpudp_init(struct tcpudp *e)
{
	memset(e, 0, sizeof *e);
	e->overhead = 8;            /* FreeBSD's default: the UDP header */
}

static bool parse_value(const char *s, unsigned long max, uint16_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > max)
		return false;
	*out = (uint16_t)v;
	return true;
}

int tcpudp_setting(struct tcpudp *e, const char *name, const char *value)
{
	if (!strcmp(name, "net.inet.tcp.udp_tunneling_port"))
		return parse_value(value, 65535, &e->port) ? 0 : -2;
	if (!strcmp(name, "net.inet.tcp.udp_tunneling_overhead"))
		return parse_value(value, 1024, &e->overhead) ? 0 : -2;
	return -1;
}

struct wire_parse_cfg tcpudp_parse_cfg(const struct tcpudp *e)
{
	struct wire_parse_cfg c;
	memset(&c, 0, sizeof c);
	c.udp_encap_port = e->port;
	return c;
}

bool tcpudp_inbound(const struct tcpudp *e, const struct wire_packet *w, bool *csum_ok,
		    uint16_t *peer_port)
{
	*csum_ok = w->tcp.csum_ok;
	*peer_port = 0;
	if (!w->udp_encap)
		return true;
	/* a source port of zero is none (RFC 768): nothing could answer it */
	if (w->udp.dport != e->port || !w->udp.csum_ok || !w->udp.sport)
		return false;
	*csum_ok = true;            /* the UDP checksum covered the segment */
	*peer_port = w->udp.sport;
	return true;
}

void tcpudp_outbound(const struct tcpudp *e, struct wire_packet *w, uint16_t peer_port)
{
	if (!peer_port || !e->port)
		return;
	w->udp_encap = true;
	w->udp.sport = e->port;
	w->udp.dport = peer_port;
	w->ovr.l4_csum = WIRE_CSUM_VALUE;       /* FreeBSD sends the TCP checksum as 0 */
	w->tcp.csum = 0;
}
