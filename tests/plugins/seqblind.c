/* tests/plugins/seqblind.c: a third-party stack as fuzz_stack meets one, for the campaign
 * test (tests/fuzz_plugin_campaign.sh): an ABI version 1 plugin with the smallest table
 * (no TCP_INFO, no shell, no settings; tcpspec learns nothing of its state but what
 * its sockets and the wire say) and a planted bug of the kind embedded stacks have:
 * it does not look at the sequence number of a segment that carries data.  Every such
 * segment is taken as the next in order (its sequence number is overwritten with the
 * stack's RCV.NXT, learnt from the acknowledgements it sends) where RFC 9293 3.10.7.4
 * says an unacceptable segment gets an ACK and is dropped, and data ahead of RCV.NXT
 * waits for what is missing: retransmitted, overlapping or out-of-order data is
 * delivered to the application at the wrong place.  Under it runs tcpspec's
 * reference stack, unchanged. */
#include <string.h>

#include "refwrap.h"

struct sb {
	struct rw rw;           /* first: the forwarding helpers take a struct rw * */
	uint32_t rcv_nxt;       /* the latest acknowledgement the stack sent */
	bool known;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* one's complement checksum field update for a 32-bit word that changed (RFC 1624 3):
 * a good checksum stays good, a bad one stays as bad */
static void csum_replace32(uint8_t *csum, uint32_t from, uint32_t to)
{
	uint32_t sum = (uint16_t)~(csum[0] << 8 | csum[1]);

	sum += (uint16_t)~(from >> 16) + (uint16_t)~(from & 0xffff);
	sum += (to >> 16) + (to & 0xffff);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = (uint16_t)~sum;
	csum[0] = (uint8_t)(sum >> 8);
	csum[1] = (uint8_t)sum;
}

/* the TCP header of an IPv4 packet and its payload length, or NULL */
static uint8_t *tcp_of(uint8_t *ip, size_t len, size_t *payload)
{
	size_t ihl, tot, doff;

	if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != 6)
		return NULL;
	ihl = (size_t)(ip[0] & 15) * 4;
	tot = (size_t)ip[2] << 8 | ip[3];
	if (tot > len || ihl < 20 || tot < ihl + 20)
		return NULL;
	doff = (size_t)(ip[ihl + 12] >> 4) * 4;
	if (doff < 20 || ihl + doff > tot)
		return NULL;
	*payload = tot - ihl - doff;
	return ip + ihl;
}

static void *sb_open(const struct target_config *cfg, struct target_diag *diag)
{
	struct sb *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->rw.host = diag;
	b->rw.cfg = cfg;
	if (target_open(&b->rw.t, &target_reference_ops, cfg, diag) != TARGET_OK) {
		free(b);
		return NULL;
	}
	return b;
}

static int sb_inject(void *h, const uint8_t *ip, size_t len)
{
	struct sb *b = h;
	static uint8_t pkt[TARGET_MAX_PACKET];
	size_t n = len < sizeof pkt ? len : sizeof pkt, payload;
	uint8_t *tcp;

	memcpy(pkt, ip, n);
	tcp = tcp_of(pkt, n, &payload);
	/* the bug: data is taken as the next in order, whatever its sequence number */
	if (tcp && payload && b->known && !(tcp[13] & 0x06)) {      /* no SYN, no RST */
		uint32_t seq = get32(tcp + 4);
		if (seq != b->rcv_nxt) {
			tcp[4] = (uint8_t)(b->rcv_nxt >> 24);
			tcp[5] = (uint8_t)(b->rcv_nxt >> 16);
			tcp[6] = (uint8_t)(b->rcv_nxt >> 8);
			tcp[7] = (uint8_t)b->rcv_nxt;
			csum_replace32(tcp + 16, seq, b->rcv_nxt);
		}
	}
	return rw_inject(&b->rw, pkt, n);
}

static int sb_next_outbound(void *h, int64_t deadline_ns, struct target_packet *p)
{
	struct sb *b = h;
	int rc = rw_next_outbound(&b->rw, deadline_ns, p);
	size_t payload;
	uint8_t *tcp = rc == TARGET_OK ? tcp_of(p->data, p->len, &payload) : NULL;

	if (tcp && (tcp[13] & 0x10) && !(tcp[13] & 0x04)) {        /* ACK, not RST */
		b->rcv_nxt = get32(tcp + 8);
		b->known = true;
	}
	return rc;
}

RW_V1_PLUGIN("seqblind", sb_open, sb_inject, sb_next_outbound)
