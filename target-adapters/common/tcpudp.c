/* target-adapters/common/tcpudp.c: TCP over UDP for an in-process stack (tcpudp.h). */
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

static struct tcpudp_flow *find(const struct tcpudp *e, const struct wire_addr *remote,
				uint16_t rport, uint16_t lport)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct tcpudp_flow *f = &e->flow[i];
		if (f->rport == rport && f->lport == lport && wire_addr_equal(&f->remote, remote))
			return (struct tcpudp_flow *)f;
	}
	return NULL;
}

static struct tcpudp_flow *add(struct tcpudp *e, const struct wire_addr *remote,
			       uint16_t rport, uint16_t lport, uint16_t uport)
{
	struct tcpudp_flow *f = find(e, remote, rport, lport);
	if (!f && e->n < TCPUDP_MAX_FLOWS) {
		f = &e->flow[e->n++];
		f->remote = *remote;
		f->rport = rport;
		f->lport = lport;
	}
	if (f)
		f->uport = uport;
	return f;
}

bool tcpudp_inbound(struct tcpudp *e, const struct wire_packet *w, bool *csum_ok)
{
	struct tcpudp_flow *f = find(e, &w->ip.src, w->tcp.sport, w->tcp.dport);
	uint16_t uport = w->udp_encap ? w->udp.sport : 0;
	*csum_ok = w->tcp.csum_ok;
	if (w->udp_encap) {
		if (w->udp.dport != e->port || !w->udp.csum_ok)
			return false;
		*csum_ok = true;        /* the UDP checksum covered the segment */
	}
	bool syn = (w->tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == WIRE_TH_SYN;
	if (f && f->uport != uport && !syn)
		return false;           /* not the encapsulation of its connection */
	if (syn || (!f && uport))       /* a new connection, or a reply to one in UDP */
		return add(e, &w->ip.src, w->tcp.sport, w->tcp.dport, uport) != NULL || !uport;
	return true;
}

void tcpudp_outbound(struct tcpudp *e, struct wire_packet *w)
{
	const struct tcpudp_flow *f = find(e, &w->ip.dst, w->tcp.dport, w->tcp.sport);
	if (!f && (w->tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == WIRE_TH_SYN)
		add(e, &w->ip.dst, w->tcp.dport, w->tcp.sport, 0);     /* a plain one opens */
	if (!f || !f->uport || !e->port)
		return;
	w->udp_encap = true;
	w->udp.sport = e->port;
	w->udp.dport = f->uport;
	w->ovr.l4_csum = WIRE_CSUM_VALUE;       /* FreeBSD sends the TCP checksum as 0 */
	w->tcp.csum = 0;
	if (w->tcp.flags & WIRE_TH_SYN)
		for (size_t i = 0; i < w->tcp.opts.n; i++)
			if (w->tcp.opts.opt[i].kind == WIRE_TCPOPT_MSS &&
			    w->tcp.opts.opt[i].v.mss > e->overhead)
				w->tcp.opts.opt[i].v.mss -= e->overhead;
}
