/* tcpspec decode: print a pcap / pcapng capture as script lines.
 *
 * One line per frame: the time since the first frame, the direction seen from the local
 * endpoint (`<` arriving at it, `>` sent by it) and the packet in script syntax, with
 * sequence numbers relative to each connection's ISNs the way a script writes them (a
 * side's own sequence numbers relative to its ISN, its acknowledgements and SACK blocks
 * relative to the other side's).
 *
 * The capture is read twice: the first pass finds the local endpoint (unless --local
 * names it) and each connection's SYN-ACK sender; the second prints. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "engine/cli.h"
#include "engine/ladder.h"
#include "wire/wire.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

struct endpoint {
	struct wire_addr addr;
	uint16_t port;          /* 0 = any port */
	bool set;
};

/* one TCP connection; side 0 is the one that sent its first packet */
struct conn {
	struct wire_addr addr[2];
	uint16_t port[2];
	uint32_t isn[2];
	bool isn_known[2];
	int synack_side;        /* -1 unknown */
	int syn_side;           /* -1 unknown */
	int link_local;         /* the side the link layer says is local; -1 unknown */
};

/* --script: the socket calls the first connection implies, so the output replays.
 * Pass 1 records that connection's segments; the calls are decided from them before
 * pass 2 prints them among the packets. */
struct seg {
	int64_t t_ns;
	int side;               /* of the connection: 0 sent its first packet */
	uint16_t flags;
	uint32_t seq, len;
};

struct replay {
	bool on;
	bool have_conn;
	struct wire_addr addr[2];
	uint16_t port[2];
	struct seg *segs;       /* the connection's TCP segments, in capture order */
	size_t n_segs, cap_segs;
	size_t next_seg;        /* pass 2: the next segment of the connection */
	int local;              /* the side that is the stack under test */
	bool active;            /* it sent the first SYN: connect, else listen/accept */
	int fd;                 /* the connection's fd in the script */
	bool accepted, closed, synack_seen;
	bool opened;            /* pass 1: the recorded connection has a SYN */
	uint32_t isn[2];
	bool isn_known[2];
	uint32_t written;       /* local: relative sequence number after the last byte written */
	uint32_t rcv_next;      /* remote: relative sequence number after the last byte read */
};

struct decoder {
	const char *file;
	FILE *out;              /* the script lines: stdout, or a buffer for --svg */
	struct endpoint local;
	bool absolute, checksums, endpoints, ip_fields;
	struct wire_parse_cfg pcfg;
	struct conn *conns;
	size_t n_conns, cap_conns;
	size_t *slots;          /* hash table of conns, see conn_find */
	size_t n_slots;
	bool have_t0, relative;
	int64_t t0_ns, prev_ns;
	bool local_given;       /* --local was given */
	const char *local_text;
	bool local_seen;        /* and some packet had it */
	/* the remote (script-side) port of the first connection printed: the lines of
	 * any other remote port say (rport N), so the output replays as a script */
	bool have_home_rport;
	uint16_t home_rport;
	struct replay rp;       /* --script */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tcpspec decode [OPTIONS] FILE.pcap|FILE.pcapng\n"
		"\n"
		"Print a capture as script lines: time since the first frame, direction, packet.\n"
		"`>` is a packet the local endpoint sent, `<` one it received.  Sequence numbers\n"
		"are relative to each connection's ISNs, as in a script.  Link types: raw IP,\n"
		"Ethernet (with VLAN tags), Linux cooked v1 and v2, BSD loopback.  Lines of a\n"
		"remote port other than the first connection's say (rport N), as a script does.\n"
		"\n"
		"options:\n"
		"  --local ADDR[:PORT]  the endpoint whose point of view the lines take\n"
		"                       (IPv6 with a port: [ADDR]:PORT); default: the side a\n"
		"                       Linux cooked capture marks as sending (tcpspec run\n"
		"                       --pcap's captures, tcpdump -i any), else the side\n"
		"                       that sent the capture's first SYN-ACK\n"
		"  --absolute           print sequence and ack numbers as on the wire\n"
		"  --checksums          mark TCP segments whose checksum does not verify\n"
		"                       ({csum 0xNNNN}); off by default because captures of\n"
		"                       locally sent packets often hold offloaded checksums\n"
		"  --udp-encap PORT     UDP to or from PORT carries TCP (/udp(sport > dport))\n"
		"  --relative           times as +GAP since the previous event\n"
		"  --ip-fields          print each TCP segment's TOS, TTL and IPv4 id or IPv6\n"
		"                       flow label: (tos 0x00, ttl 64, id 1)\n"
		"  --endpoints          end every line with // SRC > DST (always on when the\n"
		"                       capture holds more than one TCP connection)\n"
		"  --svg                draw the exchange as a ladder diagram (an SVG image on\n"
		"                       standard output): the local endpoint on the left, the\n"
		"                       other on the right, one arrow per packet labelled as\n"
		"                       the script line would be\n"
		"  --script             write a script that replays: option lines for the\n"
		"                       capture's addresses and ports, and the socket calls\n"
		"                       the first connection implies for the local endpoint\n"
		"                       (socket, bind, listen, accept when the peer sent the\n"
		"                       first SYN, else a non-blocking connect; write before\n"
		"                       new data it sends, read after data it receives in\n"
		"                       order, close before its FIN)\n"
		"  -h, --help           this text\n"
		"\n"
		"exit status: 0 printed, 2 usage error or unreadable capture,\n"
		"             4 link type not supported\n");
}

static int parse_endpoint(const char *s, struct endpoint *ep)
{
	char buf[128];
	const char *addr = s, *port = NULL;

	memset(ep, 0, sizeof *ep);
	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close)
			return -1;
		*close = 0;
		addr = buf + 1;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return -1;
	} else {
		char *colon = strchr(buf, ':');
		addr = buf;
		if (colon && !strchr(colon + 1, ':')) {     /* one colon: IPv4:PORT */
			*colon = 0;
			port = colon + 1;
		}
	}
	if (wire_addr_parse(addr, &ep->addr) < 0)
		return -1;
	if (port) {
		char *end;
		errno = 0;
		unsigned long p = strtoul(port, &end, 10);
		if (errno || *end || !*port || p == 0 || p > 65535)
			return -1;
		ep->port = (uint16_t)p;
	}
	ep->set = true;
	return 0;
}

/* ---------------------------------------------------------------- link layer */

/* Whether the capturing host sent the frame (1) or received it (0), when the link
 * layer says: a Linux cooked capture's packet type (tcpdump -i any, and tcpspec run
 * --pcap, which marks the stack's packets outgoing).  -1 when it does not. */
static int frame_sent(int dlt, const uint8_t *d, size_t caplen)
{
	unsigned type;
	if (dlt == DLT_LINUX_SLL && caplen >= 16)
		type = (unsigned)d[0] << 8 | d[1];
	else if (dlt == DLT_LINUX_SLL2 && caplen >= 20)
		type = d[10];
	else
		return -1;
	/* PACKET_HOST, _BROADCAST, _MULTICAST: received; PACKET_OUTGOING: sent */
	return type == 4 ? 1 : type <= 2 ? 0 : -1;
}

/* The IP packet inside a frame, or NULL with *what describing the frame. */
static const uint8_t *frame_ip(int dlt, const uint8_t *d, size_t caplen, size_t *len,
			       char *what, size_t what_cap)
{
	size_t skip = 0;
	unsigned etype = 0;

	switch (dlt) {
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
#ifdef DLT_RAW_ALT
	case DLT_RAW_ALT:
#endif
		*len = caplen;
		return d;
	case DLT_EN10MB:
		if (caplen < 14)
			goto short_frame;
		skip = 14;
		etype = (unsigned)d[12] << 8 | d[13];
		/* up to two VLAN tags (802.1Q, 802.1ad) */
		for (int i = 0; i < 2 && (etype == 0x8100 || etype == 0x88a8); i++) {
			if (caplen < skip + 4)
				goto short_frame;
			etype = (unsigned)d[skip + 2] << 8 | d[skip + 3];
			skip += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (caplen < 16)
			goto short_frame;
		skip = 16;
		etype = (unsigned)d[14] << 8 | d[15];
		break;
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			goto short_frame;
		skip = 20;
		etype = (unsigned)d[0] << 8 | d[1];
		break;
	case DLT_NULL:
	case DLT_LOOP: {
		if (caplen < 4)
			goto short_frame;
		/* the address family, in the capturing host's byte order (NULL) or in
		   network order (LOOP): accept either */
		uint32_t le = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 |
			      (uint32_t)d[3] << 24;
		uint32_t be = (uint32_t)d[3] | (uint32_t)d[2] << 8 | (uint32_t)d[1] << 16 |
			      (uint32_t)d[0] << 24;
		uint32_t fam = le <= 0xffff ? le : be;
		skip = 4;
		if (fam == 2)
			etype = 0x0800;
		else if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
			etype = 0x86dd;
		else {
			snprintf(what, what_cap, "address family %" PRIu32 " (%zu bytes)", fam, caplen);
			return NULL;
		}
		break;
	}
	default:
		snprintf(what, what_cap, "link type %d", dlt);
		return NULL;
	}
	if (etype != 0x0800 && etype != 0x86dd) {
		snprintf(what, what_cap, "%s 0x%04x (%zu bytes)",
			 etype == 0x0806 ? "arp, ethertype" : "ethertype", etype, caplen);
		return NULL;
	}
	*len = caplen - skip;
	return d + skip;
short_frame:
	snprintf(what, what_cap, "frame too short for its link header (%zu bytes)", caplen);
	return NULL;
}

static bool dlt_supported(int dlt)
{
	return dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6 || dlt == DLT_EN10MB ||
	       dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 || dlt == DLT_NULL ||
	       dlt == DLT_LOOP;
}

/* ---------------------------------------------------------------- connections */

/* An endpoint's hash; a connection hashes to the sum of its two endpoints' hashes, so
 * both directions land in the same slot. */
static uint64_t ep_hash(const struct wire_addr *a, uint16_t port)
{
	uint64_t h = 1469598103934665603ull ^ port;
	size_t n = a->family == WIRE_AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i++)
		h = (h ^ a->a[i]) * 1099511628211ull;
	return h * 0x9e3779b97f4a7c15ull;
}

static bool conn_is(const struct conn *c, const struct wire_addr *sa, uint16_t sp,
		    const struct wire_addr *da, uint16_t dp, int *side)
{
	for (int s = 0; s < 2; s++)
		if (c->port[s] == sp && c->port[!s] == dp &&
		    wire_addr_equal(&c->addr[s], sa) && wire_addr_equal(&c->addr[!s], da)) {
			*side = s;
			return true;
		}
	return false;
}

/* Open addressing over indices into conns (slot value 0 = empty, else index + 1). */
static int conn_rehash(struct decoder *dc, size_t nslots)
{
	size_t *slots = calloc(nslots, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < dc->n_conns; i++) {
		const struct conn *c = &dc->conns[i];
		size_t k = (size_t)(ep_hash(&c->addr[0], c->port[0]) +
				    ep_hash(&c->addr[1], c->port[1])) & (nslots - 1);
		while (slots[k])
			k = (k + 1) & (nslots - 1);
		slots[k] = i + 1;
	}
	free(dc->slots);
	dc->slots = slots;
	dc->n_slots = nslots;
	return 0;
}

static struct conn *conn_find(struct decoder *dc, const struct wire_addr *sa, uint16_t sp,
			      const struct wire_addr *da, uint16_t dp, int *side, bool create)
{
	uint64_t h = ep_hash(sa, sp) + ep_hash(da, dp);
	size_t k = 0;

	if (dc->n_slots) {
		for (k = (size_t)h & (dc->n_slots - 1); dc->slots[k];
		     k = (k + 1) & (dc->n_slots - 1)) {
			struct conn *c = &dc->conns[dc->slots[k] - 1];
			if (conn_is(c, sa, sp, da, dp, side))
				return c;
		}
	}
	if (!create)
		return NULL;
	if (dc->n_conns == dc->cap_conns) {
		size_t cap = dc->cap_conns ? 2 * dc->cap_conns : 16;
		struct conn *n = realloc(dc->conns, cap * sizeof *n);
		if (!n)
			return NULL;
		dc->conns = n;
		dc->cap_conns = cap;
	}
	struct conn *c = &dc->conns[dc->n_conns++];
	memset(c, 0, sizeof *c);
	c->addr[0] = *sa;
	c->addr[1] = *da;
	c->port[0] = sp;
	c->port[1] = dp;
	c->synack_side = c->syn_side = c->link_local = -1;
	*side = 0;
	/* keep the table at most half full */
	if (2 * dc->n_conns > dc->n_slots) {
		if (conn_rehash(dc, dc->n_slots ? 2 * dc->n_slots : 64) < 0) {
			dc->n_conns--;
			return NULL;
		}
	} else {
		dc->slots[k] = dc->n_conns;
	}
	return c;
}

static bool ep_match(const struct endpoint *ep, const struct wire_addr *a, uint16_t port)
{
	return ep->set && wire_addr_equal(&ep->addr, a) && (!ep->port || ep->port == port);
}

static void note_local_match(struct decoder *dc, const struct wire_packet *p, bool tcp)
{
	uint16_t sp = tcp ? p->tcp.sport : 0, dp = tcp ? p->tcp.dport : 0;
	if (!tcp && dc->local.port)
		return;
	if (ep_match(&dc->local, &p->ip.src, sp) || ep_match(&dc->local, &p->ip.dst, dp))
		dc->local_seen = true;
}

/* 1 if side s of c is the local endpoint, 0 if the other side is, -1 if unknown */
static int side_is_local(const struct decoder *dc, const struct conn *c, int s)
{
	if (ep_match(&dc->local, &c->addr[s], c->port[s]))
		return 1;
	if (ep_match(&dc->local, &c->addr[!s], c->port[!s]))
		return 0;
	if (c->link_local >= 0)
		return c->link_local == s;
	if (c->synack_side >= 0)
		return c->synack_side == s;
	if (c->syn_side >= 0)
		return c->syn_side != s;
	return -1;
}

/* The ISN of side s, learnt from its SYN; for a connection already open when the
 * capture began, as if it had started just before: first seq or ack seen minus 1. */
static uint32_t isn_of(struct conn *c, int s, uint32_t seen)
{
	if (!c->isn_known[s]) {
		c->isn[s] = seen - 1;
		c->isn_known[s] = true;
	}
	return c->isn[s];
}

/* ---------------------------------------------------------------- passes */

typedef void (*frame_fn)(struct decoder *, const struct pcap_pkthdr *, const uint8_t *, int);
static void learn(struct decoder *dc, const struct pcap_pkthdr *h, const uint8_t *d, int dlt);

/* for_each_frame: the file opened but a frame could not be read (a capture cut short) */
#define CLI_READ_ERROR 100

static int for_each_frame(struct decoder *dc, frame_fn fn)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(dc->file, PCAP_TSTAMP_PRECISION_NANO,
							     err);
	if (!pc) {
		/* libpcap's message may already start with the file name */
		size_t n = strlen(dc->file);
		const char *msg = !strncmp(err, dc->file, n) && !strncmp(err + n, ": ", 2)
				  ? err + n + 2 : err;
		fprintf(stderr, "tcpspec decode: %s: %s\n", dc->file, msg);
		return CLI_USAGE;
	}
	int dlt = pcap_datalink(pc);
	if (!dlt_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		fprintf(stderr, "tcpspec decode: %s: link type %d (%s) is not supported\n",
			dc->file, dlt, name ? name : "unknown");
		pcap_close(pc);
		return CLI_UNSUPPORTED;
	}
	struct pcap_pkthdr *h;
	const u_char *d;
	int r;
	unsigned long frames = 0;
	while ((r = pcap_next_ex(pc, &h, &d)) == 1) {
		frames++;
		fn(dc, h, d, dlt);
	}
	int rc = CLI_OK;
	if (r == PCAP_ERROR) {
		/* the frames before the fault are still worth printing: the first pass
		   keeps quiet, the second reports */
		if (fn != learn)
			fprintf(stderr, "tcpspec decode: %s: after frame %lu: %s\n", dc->file,
				frames, pcap_geterr(pc));
		rc = CLI_READ_ERROR;
	}
	pcap_close(pc);
	return rc;
}

static int64_t frame_ns(const struct pcap_pkthdr *h)
{
	/* opened with nanosecond precision: tv_usec holds nanoseconds */
	return (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
}

/* Pass 1 of --script: the segments of the capture's first connection that opens
 * (a SYN), or of its first connection when none does. */
static void replay_record(struct replay *rp, const struct pcap_pkthdr *h,
			  const struct wire_packet *p)
{
	bool syn = (p->tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == WIRE_TH_SYN;
	int side = -1;
	if (rp->have_conn) {
		for (int k = 0; k < 2; k++)
			if (rp->port[k] == p->tcp.sport && rp->port[!k] == p->tcp.dport &&
			    wire_addr_equal(&rp->addr[k], &p->ip.src) &&
			    wire_addr_equal(&rp->addr[!k], &p->ip.dst))
				side = k;
		/* a connection seen before the first SYN gives way to the first that opens */
		if (side < 0 && syn && !rp->opened) {
			rp->have_conn = false;
			rp->n_segs = 0;
		}
	}
	if (!rp->have_conn) {
		rp->addr[0] = p->ip.src;
		rp->addr[1] = p->ip.dst;
		rp->port[0] = p->tcp.sport;
		rp->port[1] = p->tcp.dport;
		rp->have_conn = true;
		side = 0;
	}
	if (side < 0)
		return;
	if (rp->n_segs == rp->cap_segs) {
		size_t cap = rp->cap_segs ? 2 * rp->cap_segs : 64;
		struct seg *n = realloc(rp->segs, cap * sizeof *n);
		if (!n)
			return;
		rp->segs = n;
		rp->cap_segs = cap;
	}
	struct seg *g = &rp->segs[rp->n_segs++];
	rp->opened |= syn;
	g->t_ns = frame_ns(h);
	g->side = side;
	g->flags = p->tcp.flags;
	g->seq = p->tcp.seq;
	g->len = p->tcp.payload_len;
}

/* pass 1: connections, their SYN and SYN-ACK senders, the default local endpoint */
static void learn(struct decoder *dc, const struct pcap_pkthdr *h, const uint8_t *d, int dlt)
{
	char what[128];
	size_t len;
	struct wire_packet p;
	const uint8_t *ip = frame_ip(dlt, d, h->caplen, &len, what, sizeof what);

	if (!ip)
		return;
	wire_parse_cfg(ip, len, &dc->pcfg, &p);
	if (p.have & WIRE_HAVE_IP)
		note_local_match(dc, &p, p.l4 == WIRE_L4_TCP && p.have & WIRE_HAVE_L4);
	if (p.l4 != WIRE_L4_TCP || !(p.have & WIRE_HAVE_L4))
		return;
	int s;
	struct conn *c = conn_find(dc, &p.ip.src, p.tcp.sport, &p.ip.dst, p.tcp.dport, &s, true);
	if (!c)
		return;
	if (dc->rp.on)
		replay_record(&dc->rp, h, &p);
	/* a capture that says who sent each frame names the local endpoint outright:
	 * the first such frame's local side, before any guess from a SYN-ACK */
	int sent = frame_sent(dlt, d, h->caplen);
	if (sent >= 0 && c->link_local < 0)
		c->link_local = sent ? s : !s;
	if (sent >= 0 && !dc->local.set) {
		dc->local.addr = sent ? p.ip.src : p.ip.dst;
		dc->local.port = sent ? p.tcp.sport : p.tcp.dport;
		dc->local.set = true;
	}
	uint16_t sa = p.tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK);
	if (sa == (WIRE_TH_SYN | WIRE_TH_ACK)) {
		if (c->synack_side < 0)
			c->synack_side = s;
		if (!dc->local.set) {
			dc->local.addr = p.ip.src;
			dc->local.port = p.tcp.sport;
			dc->local.set = true;
		}
	} else if (sa == WIRE_TH_SYN && c->syn_side < 0) {
		c->syn_side = s;
	}
}

static int64_t round_us(int64_t ns)
{
	return (ns >= 0 ? ns + 500 : ns - 500) / 1000;
}

/* The time since the first frame, in seconds with microseconds (script times). */
static void format_time(struct decoder *dc, const struct pcap_pkthdr *h, bool event,
			char *buf, size_t cap)
{
	int64_t t = frame_ns(h);
	if (!dc->have_t0) {
		dc->t0_ns = dc->prev_ns = t;
		dc->have_t0 = true;
	}
	/* --relative: "+gap" since the previous event, in whole microseconds of the
	   absolute times so that the gaps add up to the absolute time */
	int64_t us = round_us(t - dc->t0_ns);
	if (dc->relative)
		us -= round_us(dc->prev_ns - dc->t0_ns);
	if (event)              /* a script's "+" counts from the previous event */
		dc->prev_ns = t;
	int64_t a = us < 0 ? -us : us;
	snprintf(buf, cap, "%s%" PRId64 ".%06" PRId64, us < 0 ? "-" : dc->relative ? "+" : "",
		 a / 1000000, a % 1000000);
}

/* " // SRC > DST", or "; SRC > DST" when a comment is already open */
static void print_endpoints(FILE *out, const struct wire_packet *p, bool ports,
			    bool in_comment)
{
	char a[64], b[64];
	const char *sep = in_comment ? ";" : " //";
	wire_addr_str(&p->ip.src, a, sizeof a);
	wire_addr_str(&p->ip.dst, b, sizeof b);
	if (!ports)
		fprintf(out, "%s %s > %s", sep, a, b);
	else if (p->ip.version == 6)
		fprintf(out, "%s [%s]:%u > [%s]:%u", sep, a, p->tcp.sport, b, p->tcp.dport);
	else
		fprintf(out, "%s %s:%u > %s:%u", sep, a, p->tcp.sport, b, p->tcp.dport);
}

/* Direction of a non-TCP packet: by address against the local endpoint. */
static char addr_dir(const struct decoder *dc, const struct wire_packet *p)
{
	if (dc->local.set && wire_addr_equal(&dc->local.addr, &p->ip.src))
		return '>';
	if (dc->local.set && wire_addr_equal(&dc->local.addr, &p->ip.dst))
		return '<';
	return 0;
}

/* The remote port of connection c, when it is not the first connection's: a script
 * names it with (rport N).  0 for the first connection's port (and unknown sides). */
static uint16_t rport_of(struct decoder *dc, const struct conn *c, int remote_side)
{
	uint16_t port = c->port[remote_side];
	if (!dc->have_home_rport) {
		dc->home_rport = port;
		dc->have_home_rport = true;
	}
	return port == dc->home_rport ? 0 : port;
}

static void print_tcp(struct decoder *dc, const struct wire_packet *p, int st)
{
	char line[1024];
	int s;
	struct conn *c = conn_find(dc, &p->ip.src, p->tcp.sport, &p->ip.dst, p->tcp.dport, &s,
				   true);
	struct wire_print_cfg cfg = { 0, 0, 0 };
	char dir = '?';
	uint16_t rport = 0;

	if (c) {
		int l = side_is_local(dc, c, s);
		if (l < 0)     /* nothing known: the receiver of its first packet is local */
			l = s == 1;
		dir = l ? '>' : '<';
		rport = rport_of(dc, c, l ? !s : s);
		if ((p->tcp.flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == WIRE_TH_SYN ||
		    (p->tcp.flags & WIRE_TH_SYN)) {
			if (!c->isn_known[s]) {
				c->isn[s] = p->tcp.seq;
				c->isn_known[s] = true;
			}
		}
		cfg.seq_base = isn_of(c, s, p->tcp.seq);
		cfg.ack_base = (p->tcp.flags & WIRE_TH_ACK) ? isn_of(c, !s, p->tcp.ack)
							    : c->isn[!s];
	}
	if (dc->absolute)
		cfg.flags |= WIRE_PRINT_ABSOLUTE;
	if (dc->checksums)
		cfg.flags |= WIRE_PRINT_CSUM;
	if (dc->ip_fields)
		cfg.flags |= WIRE_PRINT_IP_FIELDS;
	wire_print(line, sizeof line, p, &cfg);
	fprintf(dc->out, " %c %s", dir, line);
	if (rport)              /* last, on its own, as tcpspec fmt prints it */
		fprintf(dc->out, " (rport %u)", rport);
	if (st != WIRE_OK)
		fprintf(dc->out, " // malformed: %s", wire_strerror(st));
	if (dc->endpoints)
		print_endpoints(dc->out, p, true, st != WIRE_OK);
}

/* An ICMP message: the quoted segment is relative to its sender's ISN. */
static void render_icmp(struct decoder *dc, const struct wire_packet *p, char *line, size_t cap)
{
	struct wire_print_cfg cfg = { 0, 0, 0 };
	const struct wire_quote *q = &p->icmp.quote;

	if (p->icmp.is_error && q->ip.proto == WIRE_IPPROTO_TCP && q->tcp_avail >= 4) {
		int s;
		struct conn *c = conn_find(dc, &q->ip.src, q->sport, &q->ip.dst, q->dport, &s,
					   false);
		if (c && c->isn_known[s])
			cfg.ack_base = c->isn[s];
		/* a segment of another remote port's connection: (rport N) before "icmp"
		 * (an icmp line takes no group after its words) */
		int l = c ? side_is_local(dc, c, s) : -1;
		uint16_t rport = l >= 0 ? rport_of(dc, c, l ? !s : s) : 0;
		if (rport) {
			int n = snprintf(line, cap, "(rport %u) ", rport);
			if (n > 0 && (size_t)n < cap) {
				line += n;
				cap -= (size_t)n;
			}
		}
	}
	if (dc->absolute)
		cfg.flags |= WIRE_PRINT_ABSOLUTE;
	wire_print(line, cap, p, &cfg);
}

/* ---------------------------------------------------------------- --script */

/* The time for the next line of a frame: the frame's own for its first line; with
 * --relative, "+0" for the lines after it (they happen at the same moment). */
static const char *stamp(const struct decoder *dc, const char *tm, bool *used)
{
	bool again = *used;
	*used = true;
	return again && dc->relative ? "+0" : tm;
}

/* The side of the replayed connection that sent p, or -1 (another connection). */
static int replay_side(const struct replay *rp, const struct wire_packet *p)
{
	for (int k = 0; rp->have_conn && k < 2; k++)
		if (rp->port[k] == p->tcp.sport && rp->port[!k] == p->tcp.dport &&
		    wire_addr_equal(&rp->addr[k], &p->ip.src) &&
		    wire_addr_equal(&rp->addr[!k], &p->ip.dst))
			return k;
	return -1;
}

/* After pass 1: which side is the stack under test, who opened, the ISNs; then the
 * option lines and the calls before the first packet. */
static void replay_begin(struct decoder *dc)
{
	struct replay *rp = &dc->rp;
	if (!rp->have_conn)
		return;
	rp->local = -1;
	for (int k = 0; k < 2 && rp->local < 0; k++)
		if (ep_match(&dc->local, &rp->addr[k], rp->port[k]))
			rp->local = k;
	int syn = -1, synack = -1;
	for (size_t i = 0; i < rp->n_segs; i++) {
		const struct seg *g = &rp->segs[i];
		uint16_t sa = g->flags & (WIRE_TH_SYN | WIRE_TH_ACK);
		if (sa == WIRE_TH_SYN && syn < 0)
			syn = g->side;
		if (sa == (WIRE_TH_SYN | WIRE_TH_ACK) && synack < 0)
			synack = g->side;
		if ((g->flags & WIRE_TH_SYN) && !rp->isn_known[g->side]) {
			rp->isn[g->side] = g->seq;
			rp->isn_known[g->side] = true;
		}
	}
	if (rp->local < 0)
		rp->local = synack >= 0 ? synack : syn >= 0 ? !syn : 1;
	rp->active = syn == rp->local;
	for (int k = 0; k < 2; k++)
		if (!rp->isn_known[k]) {        /* already open: as decode numbers it */
			for (size_t i = 0; i < rp->n_segs && !rp->isn_known[k]; i++)
				if (rp->segs[i].side == k) {
					rp->isn[k] = rp->segs[i].seq - 1;
					rp->isn_known[k] = true;
				}
		}
	rp->written = rp->rcv_next = 1;
	rp->accepted = syn < 0 && synack < 0;   /* open before the capture */
	rp->fd = rp->accepted ? 3 : rp->active ? 3 : 4;
	int l = rp->local, r = !rp->local;
	char la[64], ra[64];
	wire_addr_str(&rp->addr[l], la, sizeof la);
	wire_addr_str(&rp->addr[r], ra, sizeof ra);
	fprintf(dc->out, "// Written by tcpspec decode --script from %s: the socket calls are the ones\n"
	       "// the capture implies for %s port %u (the stack under test); the\n"
	       "// application's own calls may have differed.\n", dc->file, la, rp->port[l]);
	fprintf(dc->out, "--ip_version=%s\n", rp->addr[l].family == WIRE_AF_INET ? "ipv4" : "ipv6");
	fprintf(dc->out, "--local_ip=%s\n--remote_ip=%s\n", la, ra);
	if (!rp->active)
		fprintf(dc->out, "--bind_port=%u\n", rp->port[l]);
	fprintf(dc->out, "--connect_port=%u\n", rp->port[r]);
	if (dc->n_conns > 1)
		fprintf(stderr, "tcpspec decode: %s: warning: --script writes the calls of the "
			"first connection only (%zu in the capture)\n", dc->file, dc->n_conns);
	if (rp->accepted) {
		fprintf(stderr, "tcpspec decode: %s: warning: the connection was open before the "
			"capture began: no socket calls can replay it\n", dc->file);
		return;
	}
	if (!rp->active)
		fprintf(dc->out, "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		       "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
		       "+0 bind(3, ..., ...) = 0\n"
		       "+0 listen(3, 1) = 0\n");
}

/* The calls that must come before this packet of the replayed connection: connect
 * before the local SYN, write before new local data, close before the local FIN. */
static void replay_before(struct decoder *dc, int side, const char *tm, bool *used)
{
	struct replay *rp = &dc->rp;
	if (rp->next_seg >= rp->n_segs || side != rp->local)
		return;
	const struct seg *g = &rp->segs[rp->next_seg];
	if ((g->flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == WIRE_TH_SYN && rp->active &&
	    !rp->accepted) {
		fprintf(dc->out, "%s socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n", stamp(dc, tm, used));
		fprintf(dc->out, "%s fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n", stamp(dc, tm, used));
		fprintf(dc->out, "%s connect(3, ..., ...) = -1 EINPROGRESS\n", stamp(dc, tm, used));
		rp->accepted = true;
	}
	/* the new bytes of this segment and of every local segment sent at this same
	 * moment after it: one write */
	uint32_t upto = rp->written;
	uint32_t gend = g->seq - rp->isn[rp->local] + g->len;
	for (size_t i = rp->next_seg; g->len && (int32_t)(gend - rp->written) > 0 && i < rp->n_segs && rp->segs[i].t_ns == g->t_ns; i++) {
		const struct seg *x = &rp->segs[i];
		if (x->side != rp->local || !x->len)
			continue;
		uint32_t end = x->seq - rp->isn[rp->local] + x->len;
		if ((int32_t)(end - upto) > 0)
			upto = end;
	}
	if (upto != rp->written && rp->accepted && !rp->closed) {
		uint32_t k = upto - rp->written;
		fprintf(dc->out, "%s write(%d, ..., %u) = %u\n", stamp(dc, tm, used), rp->fd, k, k);
		rp->written = upto;
	}
	if ((g->flags & WIRE_TH_FIN) && rp->accepted && !rp->closed) {
		fprintf(dc->out, "%s close(%d) = 0\n", stamp(dc, tm, used), rp->fd);
		rp->closed = true;
	}
}

/* The calls that follow this packet: accept once the peer's ACK completes a passive
 * open, read of data that arrived in order. */
static void replay_after(struct decoder *dc, int side, const char *tm, bool *used)
{
	struct replay *rp = &dc->rp;
	if (rp->next_seg >= rp->n_segs)
		return;
	const struct seg *g = &rp->segs[rp->next_seg++];
	if (side == rp->local) {
		if ((g->flags & (WIRE_TH_SYN | WIRE_TH_ACK)) == (WIRE_TH_SYN | WIRE_TH_ACK))
			rp->synack_seen = true;
		return;
	}
	if (!rp->accepted && !rp->active && rp->synack_seen && (g->flags & WIRE_TH_ACK) &&
	    !(g->flags & (WIRE_TH_SYN | WIRE_TH_RST))) {
		fprintf(dc->out, "%s accept(3, ..., ...) = 4\n", stamp(dc, tm, used));
		rp->accepted = true;
	}
	if (!g->len || !rp->accepted || rp->closed)
		return;
	uint32_t start = g->seq - rp->isn[side], end = start + g->len;
	if ((int32_t)(start - rp->rcv_next) <= 0 && (int32_t)(end - rp->rcv_next) > 0) {
		uint32_t k = end - rp->rcv_next;
		fprintf(dc->out, "%s read(%d, ..., %u) = %u\n", stamp(dc, tm, used), rp->fd, k, k);
		rp->rcv_next = end;
	}
}

/* pass 2: print.  A frame that is not an event of the local endpoint's (another link
 * protocol, a packet between other hosts, a later fragment, a packet that does not
 * parse) becomes a whole-line comment, time included, so the output stays a script. */
static void show(struct decoder *dc, const struct pcap_pkthdr *h, const uint8_t *d, int dlt)
{
	char what[128], line[1024], tm[32], a[64], b[64];
	size_t len;
	struct wire_packet p;

	const uint8_t *ip = frame_ip(dlt, d, h->caplen, &len, what, sizeof what);
	if (!ip) {
		format_time(dc, h, false, tm, sizeof tm);
		fprintf(dc->out, "// %s %s\n", tm, what);
		return;
	}
	int st = wire_parse_cfg(ip, len, &dc->pcfg, &p);
	const char *cut = h->caplen < h->len ? " (cut short by the capture's snapshot length)"
					     : "";
	if (p.l4 == WIRE_L4_TCP && p.have & WIRE_HAVE_L4) {
		format_time(dc, h, true, tm, sizeof tm);
		bool used = false;
		int side = dc->rp.on ? replay_side(&dc->rp, &p) : -1;
		if (side >= 0)
			replay_before(dc, side, tm, &used);
		fprintf(dc->out, "%s", stamp(dc, tm, &used));
		print_tcp(dc, &p, st);
		fprintf(dc->out, "%s\n", cut);
		if (side >= 0)
			replay_after(dc, side, tm, &used);
		return;
	}
	if (st != WIRE_OK && st != WIRE_E_FRAG_NONFIRST) {
		format_time(dc, h, false, tm, sizeof tm);
		fprintf(dc->out, "// %s malformed IP packet: %s%s", tm, wire_strerror(st), cut);
		if (p.have & WIRE_HAVE_IP)
			print_endpoints(dc->out, &p, false, true);
		fprintf(dc->out, "\n");
		return;
	}
	/* UDP, ICMP and the rest: a script line when the local endpoint is one side */
	char dir = addr_dir(dc, &p);
	if (p.l4 == WIRE_L4_ICMP || p.l4 == WIRE_L4_ICMP6)
		render_icmp(dc, &p, line, sizeof line);
	else
		wire_print(line, sizeof line, &p, NULL);
	wire_addr_str(&p.ip.src, a, sizeof a);
	wire_addr_str(&p.ip.dst, b, sizeof b);
	bool event = dir && strncmp(line, "//", 2);
	format_time(dc, h, event, tm, sizeof tm);
	if (event)
		fprintf(dc->out, "%s %c %s // %s > %s\n", tm, dir, line, a, b);
	else
		fprintf(dc->out, "// %s %s, %s > %s\n", tm, line[0] == '/' ? line + 3 : line, a, b);
}

/* --svg: the script lines just printed, drawn.  "TIME > LABEL" is an arrow from the
 * local endpoint, "TIME < LABEL" one to it; a whole-line comment ("// TIME what") is a
 * note on the local side. */
static void draw_svg(struct decoder *dc, char *text)
{
	char left[96] = "local endpoint";
	if (dc->local.set) {
		char a[64];
		wire_addr_str(&dc->local.addr, a, sizeof a);
		snprintf(left, sizeof left, "local %s", a);
	}
	struct ladder l = { .left = left, .right = "remote" };
	for (char *s = text, *e; s && *s; s = e ? e + 1 : NULL) {
		if ((e = strchr(s, '\n')))
			*e = 0;
		bool note = !strncmp(s, "// ", 3);
		char *p = note ? s + 3 : s;
		char *end;
		double t = strtod(p, &end);
		if (end == p)
			continue;
		while (*end == ' ')
			end++;
		int64_t ns = (int64_t)(t * 1e9 + (t < 0 ? -0.5 : 0.5));
		if (!note && (*end == '>' || *end == '<' || *end == '?') && end[1] == ' ') {
			/* the endpoints comment is what the two columns already say; a
			 * "malformed: why" in it stays */
			char *c = strstr(end + 2, " // ");
			if (c) {
				char *m = strstr(c, "malformed: ");
				if (m) {
					size_t k = strcspn(m, ";");
					memmove(c + 4, m, k);
					c[4 + k] = 0;
				} else {
					*c = 0;
				}
			}
			ladder_add(&l, LADDER_PACKET, ns, *end != '<', 0, false, end + 2, 0);
		}
		else
			ladder_add(&l, LADDER_NOTE, ns, true, 0, false, end, 0);
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", stdout);
	ladder_svg(stdout, &l, NULL);
	ladder_free(&l);
}

int cmd_decode(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "local", required_argument, NULL, 'l' },
		{ "absolute", no_argument, NULL, 'a' },
		{ "checksums", no_argument, NULL, 'c' },
		{ "udp-encap", required_argument, NULL, 'u' },
		{ "endpoints", no_argument, NULL, 'e' },
		{ "ip-fields", no_argument, NULL, 'i' },
		{ "relative", no_argument, NULL, 'r' },
		{ "svg", no_argument, NULL, 's' },
		{ "script", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct decoder dc;
	int o;
	bool svg = false;
	char *text = NULL;
	size_t text_len = 0;

	memset(&dc, 0, sizeof dc);
	dc.out = stdout;
	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (o) {
		case 'l':
			if (parse_endpoint(optarg, &dc.local) < 0) {
				fprintf(stderr, "tcpspec decode: --local: '%s' is not ADDR, "
					"ADDR:PORT or [ADDR]:PORT\n", optarg);
				return CLI_USAGE;
			}
			dc.local_given = true;
			dc.local_text = optarg;
			break;
		case 'a':
			dc.absolute = true;
			break;
		case 'c':
			dc.checksums = true;
			break;
		case 'e':
			dc.endpoints = true;
			break;
		case 'i':
			dc.ip_fields = true;
			break;
		case 'r':
			dc.relative = true;
			break;
		case 's':
			svg = true;
			break;
		case 'S':
			dc.rp.on = true;
			break;
		case 'u': {
			char *end;
			unsigned long p = strtoul(optarg, &end, 10);
			if (*end || !*optarg || p == 0 || p > 65535) {
				fprintf(stderr, "tcpspec decode: --udp-encap: '%s' is not a port\n",
					optarg);
				return CLI_USAGE;
			}
			dc.pcfg.udp_encap_port = (uint16_t)p;
			break;
		}
		case 'h':
			usage(stdout);
			return CLI_OK;
		case ':':
			fprintf(stderr, "tcpspec decode: %s needs an argument\n", argv[optind - 1]);
			usage(stderr);
			return CLI_USAGE;
		default:
			fprintf(stderr, "tcpspec decode: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (svg && dc.rp.on) {
		fprintf(stderr, "tcpspec decode: --svg and --script together (one output at a "
			"time)\n");
		return CLI_USAGE;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "tcpspec decode: %s\n",
			argc - optind ? "one capture file at a time" : "no capture file given");
		usage(stderr);
		return CLI_USAGE;
	}
	dc.file = argv[optind];

	int rc = for_each_frame(&dc, learn);
	if ((rc == CLI_OK || rc == CLI_READ_ERROR) && dc.local_given && !dc.local_seen)
		fprintf(stderr, "tcpspec decode: %s: warning: no packet to or from --local %s\n",
			dc.file, dc.local_text);
	if (rc == CLI_OK || rc == CLI_READ_ERROR) {
		if (dc.n_conns > 1)
			dc.endpoints = true;
		/* the connection table is rebuilt while printing, in time order */
		for (size_t i = 0; i < dc.n_conns; i++)
			dc.conns[i].isn_known[0] = dc.conns[i].isn_known[1] = false;
		if (svg)
			dc.relative = false;   /* the diagram places events by absolute time */
		if (svg && !(dc.out = open_memstream(&text, &text_len))) {
			fprintf(stderr, "tcpspec decode: out of memory\n");
			rc = CLI_USAGE;
		} else {
			if (dc.rp.on) {
				if (!dc.rp.have_conn)
					fprintf(stderr, "tcpspec decode: %s: warning: no TCP connection, "
						"so no socket calls (--script)\n", dc.file);
				replay_begin(&dc);
			}
			rc = for_each_frame(&dc, show);
			if (rc == CLI_READ_ERROR)
				rc = CLI_USAGE;
		}
		if (svg && dc.out) {
			fclose(dc.out);
			if (rc == CLI_OK)
				draw_svg(&dc, text);
			free(text);
		}
	}
	free(dc.conns);
	free(dc.slots);
	free(dc.rp.segs);
	if (fflush(stdout) != 0 && rc == CLI_OK) {
		fprintf(stderr, "tcpspec decode: writing the output failed\n");
		rc = CLI_FAIL;
	}
	return rc;
}
