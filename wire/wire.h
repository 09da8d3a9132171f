/* wire/: the packet codec every layer shares.
 *
 * Bytes to structs and back: IPv4, IPv6 (extension-header chain), TCP with every option
 * of the script dialect, UDP (also as a TCP encapsulation), ICMP and ICMPv6 (with the
 * quoted header of an error), Internet checksums, and printing a packet in script syntax.
 *
 * Rules every function here keeps:
 * - nothing reads before or past the buffer it was given; every length is checked;
 * - malformed input gives an error code (enum wire_status), never a crash or exit();
 * - fields are host order in the structs; pointers in a parsed packet point into the
 *   caller's buffer (they stay valid as long as that buffer does).
 *
 * Parse:  wire_parse(buf, len, &pkt)          -> WIRE_OK or a WIRE_E_* code
 * Build:  wire_build(&pkt, out, cap, &len)    -> WIRE_OK or a WIRE_E_* code
 * Print:  wire_print(buf, cap, &pkt, &cfg)    -> snprintf-style length
 */
#ifndef TCPSPEC_WIRE_WIRE_H
#define TCPSPEC_WIRE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- status codes */

/* X(NAME, "message").  Every malformed input has its own code.  Codes are stable:
 * only append.  WIRE_OK is 0; errors are positive. */
#define WIRE_ERRORS(X) \
	X(OK,               "no error") \
	X(EMPTY,            "empty buffer") \
	X(BAD_VERSION,      "IP version is neither 4 nor 6") \
	X(IP4_TRUNC,        "buffer shorter than the 20-byte IPv4 header") \
	X(IP4_IHL_SHORT,    "IPv4 header length (IHL) below 5") \
	X(IP4_IHL_PAST,     "IPv4 header length (IHL) past the end of the packet") \
	X(IP4_TOTLEN_SHORT, "IPv4 total length smaller than the IPv4 header") \
	X(IP4_TOTLEN_PAST,  "IPv4 total length larger than the buffer") \
	X(IP6_TRUNC,        "buffer shorter than the 40-byte IPv6 header") \
	X(IP6_PAYLEN_PAST,  "IPv6 payload length larger than the buffer") \
	X(IP6_JUMBO,        "IPv6 jumbogram (payload length 0) not supported") \
	X(IP6_EXT_TRUNC,    "IPv6 extension header truncated") \
	X(IP6_EXT_TOO_MANY, "too many IPv6 extension headers") \
	X(FRAG_NONFIRST,    "non-first IP fragment: no transport header in it") \
	X(TCP_TRUNC,        "TCP header truncated (fewer than 20 bytes)") \
	X(TCP_DOFF_SHORT,   "TCP data offset below 5") \
	X(TCP_DOFF_PAST,    "TCP data offset past the end of the segment") \
	X(OPT_AREA_LONG,    "TCP option area longer than 40 bytes") \
	X(OPT_NO_LEN,       "TCP option without room for its length byte") \
	X(OPT_LEN_ZERO,     "TCP option length 0") \
	X(OPT_LEN_ONE,      "TCP option length 1") \
	X(OPT_LEN_PAST,     "TCP option length past the end of the option area") \
	X(OPT_BAD_LEN,      "TCP option length wrong for its kind") \
	X(UDP_TRUNC,        "UDP header truncated (fewer than 8 bytes)") \
	X(UDP_LEN_SHORT,    "UDP length below 8") \
	X(UDP_LEN_PAST,     "UDP length past the end of the packet") \
	X(ICMP_TRUNC,       "ICMP header truncated (fewer than 8 bytes)") \
	X(BUF_TOO_SMALL,    "output buffer too small") \
	X(BAD_FIELD,        "field value out of range for building") \
	X(OPTS_TOO_LONG,    "TCP options longer than 40 bytes") \
	X(PKT_TOO_LONG,     "packet longer than the IP length field allows") \
	X(ICMP_QUOTE_TRUNC, "ICMP error quotes too little of the offending packet")

enum wire_status {
#define WIRE_X_ENUM(name, text) WIRE_E_##name,
	WIRE_ERRORS(WIRE_X_ENUM)
#undef WIRE_X_ENUM
	WIRE_E__COUNT
};
#define WIRE_OK WIRE_E_OK

/* "TCP data offset below 5"; unknown codes give "unknown wire error". */
const char *wire_strerror(int status);
/* "WIRE_E_TCP_DOFF_SHORT" */
const char *wire_errname(int status);

/* ---------------------------------------------------------------- addresses */

enum { WIRE_AF_NONE = 0, WIRE_AF_INET = 4, WIRE_AF_INET6 = 6 };

struct wire_addr {
	uint8_t family;         /* WIRE_AF_INET or WIRE_AF_INET6 */
	uint8_t a[16];          /* network order; IPv4 uses a[0..3], the rest zero */
};

/* Parse "192.0.2.1" or "2001:db8::1" (inet_pton). 0 on success, -1 otherwise. */
int wire_addr_parse(const char *text, struct wire_addr *out);
/* Text form into buf (>= 46 bytes). Returns buf. */
const char *wire_addr_str(const struct wire_addr *a, char *buf, size_t cap);
bool wire_addr_equal(const struct wire_addr *x, const struct wire_addr *y);

/* ---------------------------------------------------------------- IP */

#define WIRE_IPPROTO_HOPOPTS   0
#define WIRE_IPPROTO_ICMP      1
#define WIRE_IPPROTO_TCP       6
#define WIRE_IPPROTO_UDP       17
#define WIRE_IPPROTO_ROUTING   43
#define WIRE_IPPROTO_FRAGMENT  44
#define WIRE_IPPROTO_ICMPV6    58
#define WIRE_IPPROTO_NONE      59
#define WIRE_IPPROTO_DSTOPTS   60
#define WIRE_IPPROTO_AH        51

/* ECN codepoint, the low two bits of TOS / traffic class (RFC 3168). */
enum { WIRE_ECN_NOT_ECT = 0, WIRE_ECN_ECT1 = 1, WIRE_ECN_ECT0 = 2, WIRE_ECN_CE = 3 };

/* IPv4 flags (the 3 bits above the fragment offset). */
#define WIRE_IP4_RF 0x4         /* reserved ("evil") bit */
#define WIRE_IP4_DF 0x2
#define WIRE_IP4_MF 0x1

#define WIRE_IP6_MAX_EXT 8

struct wire_ip6_ext {
	uint8_t type;           /* WIRE_IPPROTO_HOPOPTS / ROUTING / FRAGMENT / DSTOPTS */
	uint16_t offset;        /* from the start of the IPv6 header */
	uint16_t len;           /* bytes, including the next-header and length bytes */
	const uint8_t *data;    /* the whole extension header (build copies it and
				   rewrites its next-header byte) */
};

struct wire_ip {
	uint8_t version;        /* 4 or 6 */
	struct wire_addr src, dst;
	uint8_t proto;          /* transport protocol: v4 protocol, or v6 after the chain */
	uint8_t tos;            /* v4 TOS / v6 traffic class; ECN = tos & 3 */
	uint8_t ttl;            /* v4 TTL / v6 hop limit */
	uint16_t hdr_len;       /* bytes before the transport header (v4 options and v6
				   extension headers included) */
	uint32_t total_len;     /* v4 total length; v6: 40 + payload length */

	/* IPv4 */
	uint8_t ihl;            /* 32-bit words */
	uint16_t id;
	uint8_t frag_flags;     /* WIRE_IP4_RF | DF | MF; v6 fragment header: MF only */
	uint16_t frag_off;      /* fragment offset in 8-byte units (v4 and v6) */
	uint16_t csum;          /* v4 header checksum as found / to write if overridden */
	bool csum_ok;           /* v4 header checksum verified (parse) */
	uint8_t opts_len;       /* v4 option bytes (ihl*4 - 20) */
	const uint8_t *opts;    /* v4 option bytes; build copies opts_len bytes */

	/* IPv6 */
	uint32_t flowlabel;     /* 20 bits */
	uint16_t payload_len;
	uint8_t next_header;    /* the fixed header's next header (first of the chain) */
	uint8_t n_ext;
	struct wire_ip6_ext ext[WIRE_IP6_MAX_EXT];
	uint32_t frag_id;       /* v6 fragment header identification */

	/* both */
	bool is_fragment;       /* MF set or offset non-zero */
};

/* ---------------------------------------------------------------- TCP options */

/* Option kinds (IANA).  WIRE_TCPOPT_LITERAL is not a wire kind: build emits that
 * entry's bytes (v.raw) verbatim, lengths that lie included. */
enum wire_tcpopt_kind {
	WIRE_TCPOPT_EOL = 0,
	WIRE_TCPOPT_NOP = 1,
	WIRE_TCPOPT_MSS = 2,
	WIRE_TCPOPT_WSCALE = 3,
	WIRE_TCPOPT_SACK_PERM = 4,
	WIRE_TCPOPT_SACK = 5,
	WIRE_TCPOPT_TIMESTAMP = 8,
	WIRE_TCPOPT_MD5 = 19,
	WIRE_TCPOPT_FASTOPEN = 34,
	WIRE_TCPOPT_ACCECN0 = 172,      /* accurate ECN, order e0b ceb e1b */
	WIRE_TCPOPT_ACCECN1 = 174,      /* accurate ECN, order e1b ceb e0b */
	WIRE_TCPOPT_EXP = 254,          /* RFC 6994 experimental; 0xF989 = fast open */
	WIRE_TCPOPT_LITERAL = 0x100,
};

#define WIRE_TCP_MAX_OPT_LEN   40
#define WIRE_TCP_MAX_OPTS      40
#define WIRE_TCP_MAX_SACK      4
#define WIRE_TFO_MAX_COOKIE    16
#define WIRE_TFO_EXP_MAGIC     0xF989

/* entry flags */
#define WIRE_OPT_F_RAW     0x01  /* the data is in v.raw: an unknown kind (or kind 254
				    other than fast open), or a known kind whose length
				    was wrong for it (WIRE_E_OPT_BAD_LEN) */

struct wire_tcp_opt {
	uint16_t kind;          /* enum wire_tcpopt_kind, or any kind byte 0..255 */
	uint8_t len;            /* the length byte as on the wire; 1 for EOL and NOP
				   (their size); build: 0 = the natural length of the kind */
	uint8_t offset;         /* offset in the option area (parse) */
	uint8_t flags;          /* WIRE_OPT_F_* */
	union {
		uint16_t mss;
		uint8_t wscale;
		struct {
			uint8_t n;      /* 0..4 */
			struct { uint32_t left, right; } block[WIRE_TCP_MAX_SACK];
		} sack;
		struct { uint32_t val, ecr; } ts;
		struct {
			bool exp;       /* kind 254 + magic 0xF989 rather than kind 34 */
			uint8_t len;    /* cookie bytes, 0 = a cookie request */
			uint8_t cookie[WIRE_TFO_MAX_COOKIE];
		} tfo;
		uint8_t md5[16];
		struct {
			uint8_t n;      /* fields present, 0..3 (length 2/5/8/11) */
			/* counters, whatever the kind's order on the wire */
			uint32_t e0b, ceb, e1b;
		} accecn;
		struct {
			uint8_t n;      /* bytes in data */
			/* unknown kinds: the data after kind and length;
			   WIRE_TCPOPT_LITERAL: every byte, kind and length included */
			uint8_t data[WIRE_TCP_MAX_OPT_LEN];
		} raw;
	} v;
};

struct wire_tcp_opts {
	uint8_t n;              /* entries in opt[] */
	uint8_t area_len;       /* bytes of the option area */
	uint8_t walked;         /* bytes decoded into entries (up to a fault, or to the
				   first non-zero byte after an EOL) */
	bool pad_nonzero;       /* a byte after EOL was not zero */
	struct wire_tcp_opt opt[WIRE_TCP_MAX_OPTS];
	/* the area's bytes after the last entry, as they were: the padding after EOL,
	   or the undecoded rest after a fault.  Build appends them after the entries, so
	   parse -> build gives back the same bytes; zero it when changing the entries of
	   a parsed packet. */
	uint8_t tail_len;
	uint8_t tail[WIRE_TCP_MAX_OPT_LEN];
};

/* Walk a TCP option area of len (0..40) bytes, independent of any packet.
 * Every zero byte of the padding after an EOL is an EOL entry of its own, the way
 * scripts write them (`<mss 1460,sackOK,eol,eol>`).
 * Fills out (entries decoded before a fault are kept; a known kind with a wrong but
 * self-consistent length is kept as WIRE_OPT_F_RAW and walking goes on).
 * Returns WIRE_OK or the first error. */
int wire_tcp_options_parse(const uint8_t *bytes, size_t len, struct wire_tcp_opts *out);

/* Encode entries into out (cap bytes), padded with zero (EOL) bytes to a multiple of 4
 * and to at least area_len (so a parsed area comes back whole).  Padding is EOL on the
 * wire: a list whose length is not a multiple of 4 parses back with one trailing EOL
 * entry per padding byte.
 * *out_len gets the padded length. */
int wire_tcp_options_build(const struct wire_tcp_opts *opts, uint8_t *out, size_t cap,
			   size_t *out_len);

/* Encoded size of one entry (before padding), 0 if invalid. */
size_t wire_tcp_opt_size(const struct wire_tcp_opt *o);

/* Convenience constructors: append an entry; return 0 or -1 if the list is full. */
int wire_opt_add_nop(struct wire_tcp_opts *o);
int wire_opt_add_eol(struct wire_tcp_opts *o);
int wire_opt_add_mss(struct wire_tcp_opts *o, uint16_t mss);
int wire_opt_add_wscale(struct wire_tcp_opts *o, uint8_t shift);
int wire_opt_add_sack_perm(struct wire_tcp_opts *o);
int wire_opt_add_sack(struct wire_tcp_opts *o, unsigned n, const uint32_t *left_right);
int wire_opt_add_ts(struct wire_tcp_opts *o, uint32_t val, uint32_t ecr);
int wire_opt_add_md5(struct wire_tcp_opts *o, const uint8_t digest[16]);
int wire_opt_add_tfo(struct wire_tcp_opts *o, bool exp, const uint8_t *cookie,
		     size_t cookie_len);
int wire_opt_add_accecn(struct wire_tcp_opts *o, int order /* 0 or 1 */, unsigned n,
			uint32_t e0b, uint32_t ceb, uint32_t e1b);
/* an unknown kind with its data (the length byte is 2 + n) */
int wire_opt_add_unknown(struct wire_tcp_opts *o, uint8_t kind, const uint8_t *data,
			 size_t n);
/* bytes emitted as they are (kind, length and data literally; lengths may lie) */
int wire_opt_add_literal(struct wire_tcp_opts *o, const uint8_t *bytes, size_t n);

/* Equality of two entries (the fields their kind uses). */
bool wire_tcp_opt_equal(const struct wire_tcp_opt *x, const struct wire_tcp_opt *y);

/* ---------------------------------------------------------------- TCP */

/* The 12 bits after the data offset, in wire position. */
#define WIRE_TH_FIN 0x001
#define WIRE_TH_SYN 0x002
#define WIRE_TH_RST 0x004
#define WIRE_TH_PSH 0x008
#define WIRE_TH_ACK 0x010
#define WIRE_TH_URG 0x020
#define WIRE_TH_ECE 0x040
#define WIRE_TH_CWR 0x080
#define WIRE_TH_AE  0x100       /* accurate ECN (was NS) */
#define WIRE_TH_RES 0xE00       /* the three reserved bits */

struct wire_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t doff;           /* data offset in 32-bit words as on the wire; build:
				   written as given only when ovr.tcp_doff is set */
	uint16_t flags;         /* WIRE_TH_*, reserved bits included */
	uint16_t win;
	uint16_t csum;          /* as found; build writes it only when overridden */
	bool csum_ok;           /* verified against the pseudo-header (parse); false when
				   it could not be checked (fragment) */
	uint16_t urg;
	struct wire_tcp_opts opts;
	const uint8_t *opt_bytes;       /* the raw option area in the buffer (parse) */
	size_t opt_len;
	const uint8_t *payload;         /* build: NULL = payload_len zero bytes */
	size_t payload_len;
};

/* ---------------------------------------------------------------- UDP */

struct wire_udp {
	uint16_t sport, dport;
	uint16_t len;           /* the length field; build computes it unless overridden */
	uint16_t csum;
	bool csum_ok;           /* verified (a zero v4 checksum counts as verified) */
	const uint8_t *payload; /* build: NULL = zeros */
	size_t payload_len;
};

/* ---------------------------------------------------------------- ICMP */

/* ICMPv4 types and codes used by scripts */
#define WIRE_ICMP_ECHOREPLY     0
#define WIRE_ICMP_UNREACH       3
#define WIRE_ICMP_SOURCEQUENCH  4
#define WIRE_ICMP_REDIRECT      5
#define WIRE_ICMP_ECHO          8
#define WIRE_ICMP_TIMXCEED      11
#define WIRE_ICMP_PARAMPROB     12
#define WIRE_ICMP_UNREACH_NET        0
#define WIRE_ICMP_UNREACH_HOST       1
#define WIRE_ICMP_UNREACH_PROTOCOL   2
#define WIRE_ICMP_UNREACH_PORT       3
#define WIRE_ICMP_UNREACH_NEEDFRAG   4
/* ICMPv6 */
#define WIRE_ICMP6_UNREACH      1
#define WIRE_ICMP6_PKT_TOO_BIG  2
#define WIRE_ICMP6_TIME_EXCEEDED 3
#define WIRE_ICMP6_PARAM_PROB   4
#define WIRE_ICMP6_ECHO_REQUEST 128
#define WIRE_ICMP6_ECHO_REPLY   129
#define WIRE_ICMP6_UNREACH_NOROUTE 0
#define WIRE_ICMP6_UNREACH_ADMIN   1
#define WIRE_ICMP6_UNREACH_ADDR    3
#define WIRE_ICMP6_UNREACH_PORT    4

/* The offending packet quoted by an ICMP error: its IP header and as much of its TCP
 * header as was quoted (tcp_avail bytes; fields beyond it are zero). */
struct wire_quote {
	int status;             /* WIRE_OK, or why the quote could not be fully decoded */
	struct wire_ip ip;
	size_t tcp_avail;       /* quoted transport bytes */
	uint16_t sport, dport;  /* tcp_avail >= 4 */
	uint32_t seq;           /* >= 8 */
	uint32_t ack;           /* >= 12 */
	uint8_t doff;           /* >= 13 */
	uint16_t flags;         /* >= 14 */
	uint16_t win;           /* >= 16 */
	int32_t payload_len;    /* from the inner IP length and doff; -1 if unknown */
	/* TCP in UDP (parsed with a udp_encap_port the quoted datagram is from or to):
	 * the UDP ports here, and the fields above are those of the TCP header behind
	 * the UDP one (tcp_avail counting from it) */
	bool udp_encap;
	uint16_t udp_sport, udp_dport;
};

struct wire_icmp {
	uint8_t type, code;
	uint16_t csum;
	bool csum_ok;
	uint32_t rest;          /* bytes 4..7 (id/seq, unused, pointer, gateway, MTU) */
	uint32_t mtu;           /* v4 "fragmentation needed" (low 16 bits of rest) or
				   v6 "packet too big" (all of rest); 0 otherwise */
	bool is_error;          /* an error type that quotes a packet */
	const uint8_t *body;    /* after the 8-byte header; build: the quoted bytes */
	size_t body_len;
	struct wire_quote quote;        /* parse, when is_error and the quote is IP */
};

/* ---------------------------------------------------------------- the packet */

enum wire_l4 {
	WIRE_L4_NONE = 0,       /* not decoded (error before it, or a later fragment) */
	WIRE_L4_TCP,
	WIRE_L4_UDP,
	WIRE_L4_ICMP,           /* ICMPv4 */
	WIRE_L4_ICMP6,
	WIRE_L4_OTHER,          /* some other protocol: l4_data/l4_len only */
};

/* What parse got to (bits of wire_packet.have). */
#define WIRE_HAVE_IP      0x01  /* the fixed IP header */
#define WIRE_HAVE_L4      0x02  /* the transport header's fixed part */
#define WIRE_HAVE_OPTS    0x04  /* the TCP option area was walked */
#define WIRE_HAVE_PAYLOAD 0x08  /* payload pointer and length are valid */

/* Checksum override for build. */
enum wire_csum_mode {
	WIRE_CSUM_AUTO = 0,     /* compute */
	WIRE_CSUM_VALUE,        /* write the struct's csum field as it is */
	WIRE_CSUM_BAD,          /* compute, then write a deliberately wrong value */
};

/* Build-time overrides; parse leaves them all zero (everything computed), so building a
 * parsed valid packet gives back its bytes. */
struct wire_overrides {
	uint8_t ip_csum;        /* enum wire_csum_mode, IPv4 header checksum */
	uint8_t l4_csum;        /* enum wire_csum_mode, TCP/UDP/ICMP checksum */
	uint8_t encap_csum;     /* enum wire_csum_mode, outer UDP of an encapsulation */
	bool ip_total_len;      /* write ip.total_len (v4) / ip.payload_len (v6) as given */
	bool tcp_doff;          /* write tcp.doff as given (4 bits) */
	bool udp_len;           /* write udp.len as given */
};

struct wire_packet {
	unsigned have;          /* WIRE_HAVE_* */
	struct wire_ip ip;
	enum wire_l4 l4;
	struct wire_tcp tcp;
	struct wire_udp udp;    /* WIRE_L4_UDP, or the outer UDP when udp_encap */
	struct wire_icmp icmp;
	bool udp_encap;         /* TCP inside UDP (`/udp(sport > dport)`); l4 is TCP */
	const uint8_t *l4_data; /* the transport bytes (parse), up to the IP length */
	size_t l4_len;
	struct wire_overrides ovr;
};

/* Zero a packet and set the defaults a script assumes: ip.version and the address
 * families = version (4 or 6), TTL / hop limit 64, IPv4 DF set, l4 TCP. */
void wire_packet_init(struct wire_packet *pkt, int version);

/* ---------------------------------------------------------------- parse */

struct wire_parse_cfg {
	/* UDP datagrams to or from this port are TCP encapsulated in UDP; 0 = none */
	uint16_t udp_encap_port;
};

/* Parse an IP packet (no link-layer header).  The packet is filled as far as parsing
 * got (see have); a bad checksum is not an error (csum_ok says it).  Returns WIRE_OK or
 * the first WIRE_E_* fault.  Reads only buf[0..len). */
int wire_parse(const uint8_t *buf, size_t len, struct wire_packet *pkt);
int wire_parse_cfg(const uint8_t *buf, size_t len, const struct wire_parse_cfg *cfg,
		   struct wire_packet *pkt);

/* ---------------------------------------------------------------- build */

/* Lay out pkt as an IP packet in out[0..cap).  Computes lengths, the data offset and
 * checksums unless pkt->ovr says otherwise.  *out_len gets the packet length.
 * What build reads:
 * - ip: version, src/dst (families must match the version), tos, ttl; v4: id,
 *   frag_flags, frag_off, opts/opts_len (a multiple of 4); v6: flowlabel and the
 *   ext[] chain (copied from ext[i].data, next-header bytes rewritten; a fragment
 *   header's fields come from its bytes, not from frag_off/frag_flags).
 * - the protocol number comes from l4 (TCP, or UDP when udp_encap, UDP, ICMP,
 *   ICMPv6); for WIRE_L4_NONE / OTHER it is ip.proto and the transport bytes are
 *   l4_data/l4_len as they are.
 * - tcp: ports, seq, ack, flags (reserved bits included), win, urg, opts (entries,
 *   then the tail), payload/payload_len (NULL: zeros).  udp: ports, payload (and the
 *   ports of the outer datagram when udp_encap).  icmp: type, code, rest, body.
 * - the bytes a parsed packet had after its UDP length (l4_data beyond it) are kept,
 *   so that parse -> build gives back the same bytes. */
int wire_build(const struct wire_packet *pkt, uint8_t *out, size_t cap, size_t *out_len);

/* An ICMP (v4) or ICMPv6 error from src to dst, quoting the first quote_len bytes of the
 * already built packet `offending` (quote_len 0 = as much as RFC 792 / RFC 4443 allow:
 * IP header + 8 bytes for v4, up to 1280 bytes total for v6).  mtu goes into the
 * frag-needed / packet-too-big field. */
int wire_build_icmp_error(const struct wire_addr *src, const struct wire_addr *dst,
			  uint8_t type, uint8_t code, uint32_t mtu,
			  const uint8_t *offending, size_t offending_len, size_t quote_len,
			  uint8_t *out, size_t cap, size_t *out_len);

/* ---------------------------------------------------------------- checksums */

/* One's-complement sum of len bytes, 8 bytes per step, added to sum.  The partial sum
 * is opaque: feed it back as `sum`, fold it with wire_csum_fold.  Every chunk but the
 * last must have an even length. */
uint64_t wire_csum_add(uint64_t sum, const void *buf, size_t len);
/* Fold a partial sum to 16 bits and complement: the value for the checksum field,
 * host order (store it big-endian). */
uint16_t wire_csum_fold(uint64_t sum);
/* The Internet checksum of buf (RFC 1071), host order. */
uint16_t wire_csum(const void *buf, size_t len);
/* The same, one byte at a time (the reference the fast one is tested against). */
uint16_t wire_csum_bytewise(const void *buf, size_t len);
/* Partial sum of the v4 or v6 pseudo-header (family from the addresses). */
uint64_t wire_csum_pseudo(const struct wire_addr *src, const struct wire_addr *dst,
			  uint8_t proto, uint32_t l4_len);
/* Checksum of a TCP/UDP/ICMPv6 segment with its pseudo-header, the segment's own
 * checksum field included in the sum: a correct segment gives 0 from wire_l4_csum with
 * its field filled in, and the value to write when the field is zero. */
uint16_t wire_l4_csum(const struct wire_addr *src, const struct wire_addr *dst,
		      uint8_t proto, const void *l4, size_t l4_len);
bool wire_l4_csum_ok(const struct wire_addr *src, const struct wire_addr *dst,
		     uint8_t proto, const void *l4, size_t l4_len);

/* ---------------------------------------------------------------- MD5 (md5.c) */

/* MD5 (RFC 1321), incrementally. */
struct wire_md5 {
	uint32_t h[4], k[64];
	uint64_t n;             /* bytes so far */
	uint8_t buf[64];
};
void wire_md5_init(struct wire_md5 *m);
void wire_md5_update(struct wire_md5 *m, const void *data, size_t len);
void wire_md5_final(struct wire_md5 *m, uint8_t out[16]);
/* The TCP MD5 signature (RFC 2385 2.0) of the TCP segment in the IPv4 or IPv6 packet
 * ip[0..len): pseudo-header, the fixed header with a zero checksum, data, key.  0, or
 * -1 when the packet is not TCP over IP as built here. */
int wire_tcp_md5_digest(const uint8_t *ip, size_t len, const void *key, size_t keylen,
			uint8_t out[16]);
/* Offset in ip[] of the digest of the packet's MD5 option (kind 19, length 18), or -1. */
long wire_tcp_md5_find(const uint8_t *ip, size_t len);

/* ---------------------------------------------------------------- print */

#define WIRE_PRINT_ABSOLUTE 0x01        /* seq/ack as on the wire, not relative */
#define WIRE_PRINT_NO_IP    0x02        /* omit the [ecn] prefix and (ip fields) */
#define WIRE_PRINT_NO_WIN   0x04        /* omit "win N" */
#define WIRE_PRINT_CSUM     0x08        /* show a TCP checksum that did not verify as
					   "{csum 0xNNNN}" (off by default: captures of
					   locally sent packets often carry offloaded,
					   not yet computed checksums) */
#define WIRE_PRINT_IP_FIELDS 0x10       /* "(tos 0x00, ttl 64, id 1)" / "(tos 0x00,
					   ttl 64, flowlabel 0x12345)" after the ECN prefix */
#define WIRE_PRINT_SEQ_ABSOLUTE 0x20    /* seq as on the wire (seq_base not applied) */
#define WIRE_PRINT_ACK_ABSOLUTE 0x40    /* ack as on the wire; SACK blocks still minus
					   ack_base (a script's "ack N!" is absolute
					   for the ack field alone) */

struct wire_print_cfg {
	unsigned flags;
	uint32_t seq_base;      /* subtracted from seq (the sender's ISN) */
	uint32_t ack_base;      /* subtracted from ack and SACK blocks (the receiver's ISN) */
};

/* One packet in script syntax, without time and direction:
 *   "S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>"
 *   "[ce] P. 1:1001(1000) ack 1 win 257"     "udp (100)"
 *   "icmp unreachable port_unreachable [1:101(100)]"
 * Flags print in the order S F R P U E W A then "." (ACK), as tcpspec fmt does.
 * Unknown options print as "raw KIND LEN hex DATA", reserved header bits as
 * "{res 0xN}" (the 4 bits above CWR; AE also prints as flag "A"), TCP in UDP as a
 * "/udp(sport > dport)" suffix; the quoted segment of an ICMP error is relative to
 * cfg->ack_base (its sender is the ICMP's receiver); other protocols print as a
 * "// ..." comment.
 * cfg may be NULL (absolute numbers).  Returns the length it would have written
 * (snprintf semantics); buf is always NUL-terminated when cap > 0. */
int wire_print(char *buf, size_t cap, const struct wire_packet *pkt,
	       const struct wire_print_cfg *cfg);
/* Only the flags letters ("S.", "P.", "-" for none). */
int wire_print_flags(char *buf, size_t cap, uint16_t flags);
/* The option list between and including < >; sack blocks minus sack_base. */
int wire_print_tcp_options(char *buf, size_t cap, const struct wire_tcp_opts *opts,
			   uint32_t sack_base);

/* ---------------------------------------------------------------- comparing */

/* Field-by-field equality of what parse fills in (pointers compared by content).
 * Checksum values and verdicts are not compared (build recomputes them); the option
 * area is compared as its decoded entries and its tail.
 * On a difference, writes the first differing field's name into why (may be NULL). */
bool wire_packet_equal(const struct wire_packet *x, const struct wire_packet *y,
		       char *why, size_t why_cap);

#endif
