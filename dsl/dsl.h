/* dsl: the packetdrill-dialect script language (public API and AST).
 *
 * A script is parsed once into the tree below; the engine, the fuzzers and `tcpspec fmt`
 * work on the tree and never look at the text again.  Everything here is owned by the
 * struct dsl_file it hangs from and released by dsl_free().  Nothing in dsl/ keeps global
 * state or calls exit(): the scanner is reentrant, the parser pure, and every problem in
 * the input comes back as a struct dsl_diag value.
 *
 * Conventions:
 *  - Every node has a struct dsl_loc: file name, 1-based line and 1-based column (byte
 *    offset in the line + 1) of the node's first character.
 *  - Times are int64 NANOSECONDS.
 *  - Numbers in packets are the script's numbers as written (relative sequence numbers
 *    unless flagged absolute); their meaning is the engine's business (pkt-dialect.md).
 *  - "has_X" booleans say whether X was written at all.
 *
 * Stability: fields are only ever added, never renamed or removed.
 */
#ifndef TCPSPEC_DSL_DSL_H
#define TCPSPEC_DSL_DSL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bounds that keep hostile input from exhausting memory or the C stack. */
#define DSL_MAX_NESTING   64	/* nesting of ( [ { in expressions */
#define DSL_MAX_SACK_BLOCKS 4
#define DSL_MAX_OPT_BYTES 255	/* cookies, md5 digests, raw option data */

struct dsl_loc {
	const char *file;	/* points at dsl_file.name (or dsl_diag.file) */
	int line;		/* 1-based */
	int column;		/* 1-based */
};

/* ---- times ------------------------------------------------------------------------ */

enum dsl_time_kind {
	DSL_TIME_NONE = 0,	/* untimed: only top-level shell commands and code blocks */
	DSL_TIME_ABSOLUTE,	/* 0.100            start */
	DSL_TIME_RELATIVE,	/* +0.1             start (relative to the previous event) */
	DSL_TIME_ANY,		/* *                nothing */
	DSL_TIME_RANGE,		/* a~b              start, end (each absolute or +relative) */
	DSL_TIME_BLOCKING,	/* a...b            start, end (call starts at a, returns at b) */
};

struct dsl_time_point {
	bool relative;		/* written with a leading '+' */
	int64_t ns;		/* the number as written, in nanoseconds */
};

struct dsl_time {
	enum dsl_time_kind kind;
	struct dsl_time_point start;	/* ABSOLUTE, RELATIVE (start.relative set), RANGE, BLOCKING */
	struct dsl_time_point end;	/* RANGE, BLOCKING: the second number, as written */
	struct dsl_loc loc;
};

/* ---- packets ---------------------------------------------------------------------- */

enum dsl_dir {
	DSL_DIR_INBOUND = '<',	/* the script injects it into the stack under test */
	DSL_DIR_OUTBOUND = '>',	/* the stack must send it */
};

enum dsl_proto {
	DSL_PROTO_TCP = 0,
	DSL_PROTO_UDP,		/* `udp (len)` */
	DSL_PROTO_ICMP,		/* `icmp TYPE [CODE] [mtu N] [quoted]` */
};

/* TCP header flag bits as on the wire (AE is bit 8 of the 12-bit flags field).
 * A packet written with `-` has flags == 0. */
enum dsl_tcp_flag {
	DSL_TCP_FIN = 0x001,
	DSL_TCP_SYN = 0x002,
	DSL_TCP_RST = 0x004,
	DSL_TCP_PSH = 0x008,
	DSL_TCP_ACK = 0x010,
	DSL_TCP_URG = 0x020,
	DSL_TCP_ECE = 0x040,
	DSL_TCP_CWR = 0x080,
	DSL_TCP_AE  = 0x100,
};
/* A digit 0-7 among the flags (one fork's AccECN tests: "5.", "P5.") is the ACE field:
 * bit 2 AE, bit 1 CWR, bit 0 ECE; it is stored as those flags. */

enum dsl_seq_kind {
	DSL_SEQ_RANGE = 0,	/* start:end(len) */
	DSL_SEQ_ANY_START,	/* ...(len): any start, only the length is given */
};

struct dsl_seq {
	enum dsl_seq_kind kind;
	uint32_t start, end, len;
	bool start_absolute;	/* `N!`: an absolute number, not relative to the ISN */
	bool end_absolute;	/* (`start:end(len)!` makes both absolute) */
	struct dsl_loc loc;
};

enum dsl_opt_kind {
	DSL_OPT_NOP = 0,
	DSL_OPT_EOL,
	DSL_OPT_MSS,		/* value */
	DSL_OPT_WSCALE,		/* value */
	DSL_OPT_SACK_PERM,	/* sackOK */
	DSL_OPT_SACK,		/* sack[0..n_sack) */
	DSL_OPT_TS,		/* ts_val, ts_ecr */
	DSL_OPT_FASTOPEN,	/* FO [cookie]: kind 34, bytes/len (len 0: no cookie) */
	DSL_OPT_FASTOPEN_EXP,	/* FOEXP [cookie]: kind 254 magic 0xF989, bytes/len */
	DSL_OPT_MD5,		/* md5 [hex digest]: bytes/len (len 0: digest not given) */
	DSL_OPT_ACCECN,		/* ECN/AccECN fields: accecn[0..n_accecn), written order */
	DSL_OPT_RAW,		/* tcpspec extension: raw KIND [LEN [hex BYTES]] | raw hex BYTES */
};

enum dsl_accecn_field {
	DSL_ACCECN_E0B = 0,
	DSL_ACCECN_CEB,
	DSL_ACCECN_E1B,
};

struct dsl_tcp_opt {
	enum dsl_opt_kind kind;
	struct dsl_loc loc;
	uint32_t value;			/* MSS, WSCALE */
	uint32_t ts_val, ts_ecr;	/* TS */
	size_t n_sack;
	struct { uint32_t start, end; } sack[DSL_MAX_SACK_BLOCKS];
	size_t n_accecn;
	struct { enum dsl_accecn_field field; uint32_t value; } accecn[3];
	/* RAW: raw_kind < 0 for `raw hex ...` (bytes only); raw_len < 0 when no length byte
	 * is written.  On the wire: [kind][len] bytes..., exactly as given (lengths may lie). */
	int raw_kind;
	int raw_len;
	uint8_t *bytes;			/* FASTOPEN(_EXP) cookie, MD5 digest, RAW data */
	size_t len;
	/* A symbolic value as written instead of a number or hex bytes, e.g. the TFO_COOKIE
	 * of `FO TFO_COOKIE` or the MSS of `mss MSS` (MSS, WSCALE, FASTOPEN(_EXP), MD5);
	 * the engine resolves it (--define NAME=VALUE or a built-in name).  NULL if none. */
	char *sym;
	/* `...` written instead of a number: any value matches (outbound).  value_any for
	 * MSS and WSCALE, ts_val_any / ts_ecr_any for TS (`TS val ... ecr 0`). */
	bool value_any, ts_val_any, ts_ecr_any;
};

enum dsl_opts_kind {
	DSL_OPTS_NONE = 0,	/* no <...>: the packet carries no options */
	DSL_OPTS_ANY,		/* <...>: any options (outbound only) */
	DSL_OPTS_LIST,		/* <a,b,c> */
};

enum dsl_ecn {
	DSL_ECN_UNSET = 0,
	DSL_ECN_NOECN,		/* [noecn] */
	DSL_ECN_ECT0,		/* [ect0] */
	DSL_ECN_ECT1,		/* [ect1] */
	DSL_ECN_CE,		/* [ce] */
	DSL_ECN_ECT01,		/* [ect01]: either ECT codepoint (outbound) */
};

/* The adversarial packetdrill fork's mutation steps, `{rep tcp data_off 0xf; ins tcp 20
 * 0x0204; trun tcp 40}`, applied in order to the bytes of the built inbound packet (see
 * tcpspec-dialect(7), "Mutation steps").  A rep names a field that the parser has
 * resolved to its place: `span` bytes at `off` from the start of its header, read as one
 * big-endian number, of which `bits` bits at `shift` are replaced. */
enum dsl_mut_op { DSL_MUT_REP, DSL_MUT_INS, DSL_MUT_TRUN };
enum dsl_mut_layer { DSL_MUT_IPV4, DSL_MUT_IPV6, DSL_MUT_TCP, DSL_MUT_UDP };
#define DSL_MUT_MAX_VALUE 16	/* bytes of a rep value (an IPv6 address) */
struct dsl_mutation {
	enum dsl_mut_op op;
	enum dsl_mut_layer layer;
	const char *field;	/* rep: the field's name as printed (a static string) */
	uint8_t off, span, shift, bits;	/* rep: where the field is */
	uint8_t value[DSL_MUT_MAX_VALUE];	/* rep: big-endian, right-aligned */
	uint32_t at;		/* ins, trun: offset from the start of the layer's header */
	uint8_t *bytes;		/* ins: the bytes inserted */
	size_t len;		/* ins: their count; trun: bytes removed */
	bool to_end;		/* trun without a count: everything from `at` on */
	struct dsl_loc loc;
};

/* tcpspec's malformed-segment extension: `{csum bad, res 0x7, doff 4}` after the options
 * of an inbound TCP packet (see tcpspec-dialect(7)). */
struct dsl_malformed {
	bool present;		/* a {...} group was written */
	bool has_csum;
	bool csum_bad;		/* {csum bad}: the correct checksum with its bits inverted */
	uint16_t csum;		/* {csum N}: this exact checksum value (when !csum_bad) */
	bool has_res;
	uint8_t res;		/* {res N}: the 4 bits between data offset and CWR (AE included) */
	bool has_doff;
	uint8_t doff;		/* {doff N}: data offset field, 32-bit words, 0..15 */
	struct dsl_mutation *muts;	/* rep/ins/trun steps, in the order written */
	size_t n_muts;
	struct dsl_loc loc;
};

struct dsl_icmp {
	char *type;		/* e.g. "unreachable", "time_exceeded" as written */
	char *code;		/* e.g. "port_unreachable", "frag_needed"; NULL if absent */
	bool has_mtu;
	uint32_t mtu;
	bool has_quote;		/* [..] quoted transport header */
	bool quote_first;	/* written before "icmp" (older order); layout only */
	bool quote_any;		/* [...] */
	bool quote_udp;		/* [udp(N)]: the stack's UDP datagram of N bytes */
	uint32_t quote_udp_len;
	bool quote_encap;	/* [seq/udp(SRC > DST)]: the quoted segment in UDP */
	uint16_t quote_udp_src, quote_udp_dst;
	struct dsl_seq quote;	/* [start:end(len)] */
};

struct dsl_packet {
	enum dsl_dir dir;
	enum dsl_proto proto;
	uint16_t flags;		/* DSL_TCP_*; 0 means `-` (TCP only) */
	struct dsl_seq seq;	/* TCP */
	bool has_ack;
	uint32_t ack;
	bool ack_absolute;	/* `ack N!` */
	bool has_win;
	uint32_t win;
	bool has_urg;
	uint32_t urg;
	bool has_maxseg;	/* `maxseg N` (outbound): the data in one or more
				 * segments of at most N octets each */
	uint32_t maxseg;
	bool has_head;		/* `head N` (outbound): one segment carrying the first
				 * 1..N octets of the data, the rest not expected */
	uint32_t head;
	bool keepalive;		/* `keepalive` (outbound, zero-length ACK): no data or
				 * one garbage octet at that sequence number, RFC 9293
				 * 3.8.4 MAY-6 */
	enum dsl_opts_kind opts_kind;
	struct dsl_tcp_opt *opts;
	size_t n_opts;
	/* IP level */
	enum dsl_ecn ecn;
	bool has_tos;
	uint8_t tos;
	bool has_ttl;
	uint8_t ttl;
	bool has_flowlabel;
	uint32_t flowlabel;
	bool has_ip_id;
	uint16_t ip_id;
	bool tos_as_class;	/* written "(class N)": the IPv6 traffic class (same byte) */
	bool ttl_as_hlim;	/* written "(hlim N)": the IPv6 hop limit (same field) */
	/* /udp(SRC > DST): TCP carried in UDP */
	bool has_udp_encap;
	uint16_t udp_src, udp_dst;
	/* UDP packets: payload length */
	uint32_t udp_len;
	/* ICMP packets */
	struct dsl_icmp icmp;
	struct dsl_malformed bad;
	/* tcpspec extension `(rport N)`: the script-side (remote) port this packet belongs
	 * to, so one script can speak for several peers: inbound, the port it is sent
	 * from; outbound, the port it must be sent to.  Not written: the script's one
	 * remote port, unchecked on outbound packets. */
	bool has_rport;
	uint16_t rport;
	/* packetdrill's port pair, `< 20000>8080 S ...`: the packet's source and
	 * destination ports as written (0: the connection's own).  Its numbers stay those
	 * of the connection it is written in. */
	bool has_ports;
	uint16_t sport, dport;
	/* `> ...` (outbound only): whatever the stack sends up to the event's time is
	 * taken unchecked, and nothing needs to come (a choice the RFCs leave open) */
	bool unchecked;
};

/* ---- system calls ------------------------------------------------------------------ */

enum dsl_expr_kind {
	DSL_EXPR_ELLIPSIS = 0,	/* ...                                              */
	DSL_EXPR_INT,		/* 42, -1, 0x20: ival (is_hex: written in hex)      */
	DSL_EXPR_DECIMAL,	/* 1.5: text as written                             */
	DSL_EXPR_SYMBOL,	/* SOCK_STREAM: text                                */
	DSL_EXPR_OR,		/* A|B|4: items (two or more)                       */
	DSL_EXPR_STRING,	/* "..": text/text_len, escapes decoded (may hold NUL) */
	DSL_EXPR_ARRAY,		/* [a, b]: items                                    */
	DSL_EXPR_STRUCT,	/* {a, name=b}: items (FIELD or plain expressions)  */
	DSL_EXPR_FIELD,		/* name=value or name(index)=value: text, index, value */
	DSL_EXPR_CALL,		/* htons(8080), inet_addr("..."): text, items       */
};

struct dsl_expr {
	enum dsl_expr_kind kind;
	struct dsl_loc loc;
	int64_t ival;
	bool is_hex;
	char *text;
	size_t text_len;
	struct dsl_expr **items;
	size_t n_items;
	struct dsl_expr *index;	/* FIELD: the (N) of msg_iov(1)=..., or NULL */
	struct dsl_expr *value;	/* FIELD: the value */
	bool str_prefix;	/* STRING written "abc"... (strace style): the bytes given
				 * are only the start of the data */
};

struct dsl_syscall {
	char *name;
	struct dsl_expr **args;
	size_t n_args;
	struct dsl_expr *ret;	/* = RET: INT, SYMBOL or ELLIPSIS */
	char *err_name;		/* = -1 ERRNO: "EINPROGRESS", or NULL */
	char *note;		/* the (free text) after the result, without the outer
				 * parentheses, or NULL */
};

/* ---- events and the file ---------------------------------------------------------- */

enum dsl_event_kind {
	DSL_EV_PACKET = 0,
	DSL_EV_SYSCALL,
	DSL_EV_SHELL,		/* `...`: text between the backticks, verbatim */
	DSL_EV_CODE,		/* %{ ... }%: text between the markers, verbatim */
	DSL_EV_UNSUPPORTED,	/* a recognised but unsupported line (SCTP, MPTCP, ...):
				 * text is the source text, reason says why */
};

struct dsl_event {
	enum dsl_event_kind kind;
	struct dsl_loc loc;	/* first character of the event (its time, if timed) */
	struct dsl_loc end;	/* last character of the event */
	struct dsl_time time;	/* kind NONE for untimed shell/code blocks */
	struct dsl_packet packet;	/* PACKET */
	struct dsl_syscall call;	/* SYSCALL */
	char *text;		/* SHELL, CODE, UNSUPPORTED */
	char *reason;		/* UNSUPPORTED */
};

/* Option names (--NAME on an option line or the command line): the one list.  The
 * parser checks option lines against it; the engine dispatches on it, for option
 * lines and the command line alike, so the two cannot drift apart.  A name added here
 * needs its case in the engine's switch (engine/opts.c: -Wswitch says so). */
#define DSL_OPTNAMES(X)                                                         \
	X(TOLERANCE_USECS, "tolerance_usecs")                                   \
	X(TOLERANCE_PERCENT, "tolerance_percent")                               \
	X(TCP_TS_TICK_USECS, "tcp_ts_tick_usecs")                               \
	X(NON_FATAL, "non_fatal")                                               \
	X(IP_VERSION, "ip_version")                                             \
	X(MTU, "mtu")                                                           \
	X(MSS, "mss")                                                           \
	X(LOCAL_IP, "local_ip")                                                 \
	X(REMOTE_IP, "remote_ip")                                               \
	X(GATEWAY_IP, "gateway_ip")                                             \
	X(NETMASK_IP, "netmask_ip")                                             \
	X(BIND_PORT, "bind_port")                                               \
	X(CONNECT_PORT, "connect_port")                                         \
	X(STRICT_SEGMENTS, "strict_segments")                                   \
	X(NO_CONTENT_CHECK, "no_content_check")                                 \
	X(VERBOSE, "verbose")                                                   \
	X(V, "v")                                                               \
	X(DEFINE, "define")             /* also -DNAME=VALUE: any name with D */ \
	X(RELAX, "relax")               /* relaxations, tcpspec-dialect(7) */ \
	X(TCP_MD5_SECRET, "tcp_md5_secret") /* the key of `md5 valid` options */ \
	X(ALLOW_EMPTY, "allow_empty")   /* a script with no event on purpose */ \
	X(UDP_ENCAPSULATION, "udp_encapsulation") /* =tcp: TCP over UDP, /udp(..) */ \
	/* packetdrill's, accepted with no effect here */                       \
	X(TCP_TS_ECR_SCALED, "tcp_ts_ecr_scaled")                               \
	X(PERSISTENT_TUN_DEV, "persistent_tun_dev")                             \
	X(SEND_OMIT_FREE, "send_omit_free")                                     \
	X(SPECULATIVE_CONNECT_PORT, "speculative_connect_port")                 \
	X(SPEED, "speed")

/* Names packetdrill and its forks give a meaning tcpspec does not implement: a script
 * that sets one is unsupported (skipped), never run as if it were not there. */
#define DSL_OPTNAMES_UNSUPPORTED(X)                                             \
	X("psp_udp_port")               /* the PSP fork */                      \
	X("dry_run") X("debug") X("init_scripts") X("so_filename") X("so_flags") \
	X("wire_client") X("wire_server") X("wire_server_ip")                   \
	X("wire_server_port") X("wire_client_dev") X("wire_server_dev")         \
	X("code_command") X("code_format") X("code_sockopt") /* code blocks */  \
	X("fm_filename") X("fm_flags")

enum dsl_optname {
	DSL_OPTNAME_UNSUPPORTED = -2,   /* in DSL_OPTNAMES_UNSUPPORTED */
	DSL_OPTNAME_UNKNOWN = -1,       /* an error, with the name */
#define DSL_OPTNAME_ENUM_(id, text) DSL_OPTNAME_##id,
	DSL_OPTNAMES(DSL_OPTNAME_ENUM_)
#undef DSL_OPTNAME_ENUM_
	DSL_OPTNAME_COUNT
};

/* The name S[0..len) ('-' and '_' are the same letter; a name starting with 'D' is
 * -DNAME=VALUE, DSL_OPTNAME_DEFINE).  */
enum dsl_optname dsl_optname_lookup(const char *s, size_t len);
/* "tolerance_usecs"; "?" when out of range */
const char *dsl_optname_text(enum dsl_optname id);
struct dsl_suggest;
/* Offers every option name to s (for "did you mean --mss?"). */
void dsl_optname_suggest(struct dsl_suggest *s);

struct dsl_option {
	char *name;		/* without the leading "--"; for --define: "define" */
	char *value;		/* text after '=' or the space; NULL for a bare --name */
	bool has_equals;	/* written as --name=value (else --name value or --name) */
	struct dsl_loc loc;
};

struct dsl_comment {
	char *text;		/* verbatim, including the // or the slash-star markers */
	bool trailing;		/* on the same line as the end of the item before it */
	struct dsl_loc loc;
	int end_line;		/* line of its last character */
};

enum dsl_item_kind { DSL_ITEM_OPTION, DSL_ITEM_EVENT, DSL_ITEM_COMMENT };

/* Everything at top level in source order (what fmt prints). */
struct dsl_item {
	enum dsl_item_kind kind;
	size_t index;		/* into options, events or comments */
	bool blank_before;	/* a blank line precedes it (layout only, not compared) */
};

struct dsl_file {
	char *name;
	struct dsl_option *options;
	size_t n_options;
	/* All events in source order, timed and untimed.  Untimed shell/code events before
	 * the first timed event are the set-up; untimed ones after the last timed event are
	 * the clean-up (dsl_file_is_setup / dsl_file_is_cleanup). */
	struct dsl_event *events;
	size_t n_events;
	struct dsl_comment *comments;
	size_t n_comments;
	struct dsl_item *items;
	size_t n_items;
	bool unsupported;	/* at least one DSL_EV_UNSUPPORTED event or feature */
	/* #ifdef/#ifndef/#else/#endif lines were read unevaluated (dsl_parse_file): they
	 * are kept as comments, and the events are those of every branch */
	bool conditional;
};

/* ---- diagnostics ------------------------------------------------------------------ */

enum dsl_severity {
	DSL_DIAG_ERROR = 0,	/* a syntax or semantic error */
	DSL_DIAG_UNSUPPORTED,	/* valid dialect, but a feature tcpspec does not support */
};

struct dsl_diag {
	enum dsl_severity severity;
	char *file;
	int line, column;
	char *message;		/* without "file:line:col: error: " */
	char *source_line;	/* the offending line (may be NULL), for the caret display;
				 * a window of at most ~160 bytes around the column */
	int source_col;		/* 1-based column of the caret within source_line */
};

struct dsl_diags {
	struct dsl_diag *v;
	size_t n, cap;
	size_t n_errors, n_unsupported;
};

/* ---- API -------------------------------------------------------------------------- */

enum dsl_status {
	DSL_OK = 0,
	DSL_SYNTAX = 2,		/* errors: *out is NULL, diags says why */
	DSL_IO = 3,		/* the file could not be read: *out NULL, one diag */
	DSL_UNSUPPORTED = 4,	/* parsed, but needs unsupported features: *out is set and
				 * (*out)->unsupported; diags lists the features */
};

/* Parse LEN bytes of BUF (need not be NUL-terminated; NUL bytes are an error).  NAME is
 * used in locations and messages.  Diagnostics are appended to DIAGS (which the caller
 * initialises to {0} and releases with dsl_diags_free).  On DSL_OK and DSL_UNSUPPORTED,
 * *OUT receives the tree, to be released with dsl_free. */
enum dsl_status dsl_parse_buffer(const char *name, const char *buf, size_t len,
				 struct dsl_file **out, struct dsl_diags *diags);
enum dsl_status dsl_parse_file(const char *path, struct dsl_file **out,
			       struct dsl_diags *diags);
/* The same, with conditional blocks evaluated first (dsl_preprocess) against DEFINED
 * (N_DEFINED names; NULL: none evaluated, '#' lines reach the parser as written). */
enum dsl_status dsl_parse_file_defs(const char *path, const char *const *defined,
				    size_t n_defined, struct dsl_file **out,
				    struct dsl_diags *diags);
/* Conditional blocks (#ifdef NAME, #ifndef NAME, #else, #endif; nested) evaluated
 * against the names in DEFINED: BUF (LEN bytes, changed in place) keeps its lines; the
 * directives and the lines of branches not taken become blanks, so locations stay the
 * file's.  Other '#' lines are left for the parser; so are #if EXPR and #elif lines
 * in a branch taken (the parser calls them unsupported), whose blocks keep all their
 * lines and are closed by their #else / #endif.  Returns 0, or -1 with an error in
 * DIAGS (#else, #elif or #endif without its opening, #ifdef or #if without #endif,
 * #ifdef without a name). */
int dsl_preprocess(const char *name, char *buf, size_t len, const char *const *defined,
		   size_t n_defined, struct dsl_diags *diags);

void dsl_free(struct dsl_file *f);
void dsl_diags_free(struct dsl_diags *d);

/* "file:line:col: error: message\n  source line\n  ^\n" */
void dsl_diag_print(FILE *fp, const struct dsl_diag *d);

/* ---- names a higher layer owns --------------------------------------------------- */

/* System calls, symbolic constants, errno names and the functions of arguments
 * (htons(8080)) are not the language's: the engine knows which exist.  Given a
 * struct dsl_names, the parser asks it about every such name in the script (names the
 * script defines itself, --define NAME=VALUE, are known) and reports each unknown one
 * as an error at its place, so a typo is a parse error (exit 2) and never a run-time
 * "unsupported" (exit 4).  A name that exists but is not supported is known here: the
 * run reports it unsupported. */
enum dsl_name_kind {
	DSL_NAME_CALL = 0,	/* read(...) */
	DSL_NAME_SYMBOL,	/* SOCK_STREAM in an argument or a result */
	DSL_NAME_ERRNO,		/* ETIMEDOUT in "= -1 ETIMEDOUT" */
	DSL_NAME_FUNCTION,	/* htons in htons(8080) */
};

struct dsl_names {
	/* true when name is known; else false, with hint set to "; did you mean X?" or
	 * "" (dsl_suggest helps).  NULL: names are not checked. */
	bool (*known)(void *arg, enum dsl_name_kind kind, const char *name, char *hint,
		      size_t cap);
	void *arg;
	/* An option line's value (name without "--", value NULL for a bare --name): 0 when
	 * it is good, else -1 with msg set ("bad value for --mtu: '67' (...)"), reported at
	 * the option's line.  Called for the names tcpspec reads, so that every command
	 * (parse, fmt, run) refuses the same values.  NULL: values are not checked. */
	int (*option_ok)(void *arg, const char *name, const char *value, char *msg,
			 size_t cap);
	/* A script with no event at all (empty, only comments or option lines) is an
	 * error unless it has the option line --allow_empty: it would pass while checking
	 * nothing. */
	bool require_event;
};

enum dsl_status dsl_parse_buffer_names(const char *name, const char *buf, size_t len,
				       const struct dsl_names *names, struct dsl_file **out,
				       struct dsl_diags *diags);
/* dsl_parse_file_defs with the names checked (names NULL: not checked). */
enum dsl_status dsl_parse_file_names(const char *path, const char *const *defined,
				     size_t n_defined, const struct dsl_names *names,
				     struct dsl_file **out, struct dsl_diags *diags);

/* "Did you mean": the closest candidate to name within a few edits (case and '-'/'_'
 * ignored, a swap of two letters is one edit).  Offer every candidate, then ask for
 * the hint: "; did you mean read?" or "". */
struct dsl_suggest {
	const char *name;
	const char *best;
	int dist;
};
void dsl_suggest_init(struct dsl_suggest *s, const char *name);
void dsl_suggest_offer(struct dsl_suggest *s, const char *candidate);
const char *dsl_suggest_hint(const struct dsl_suggest *s, char *buf, size_t cap);
int dsl_edit_distance(const char *a, const char *b, int limit);

/* Canonical layout (`tcpspec fmt`).  dsl_print returns 0 or -1 on a write error.
 * dsl_print_string returns a malloc'd NUL-terminated string (length in *len if non-NULL),
 * or NULL when out of memory. */
int dsl_print(FILE *fp, const struct dsl_file *f);
char *dsl_print_string(const struct dsl_file *f, size_t *len);
/* One event / expression in script syntax (no time for events: dsl_print_time). */
int dsl_print_event(FILE *fp, const struct dsl_event *ev);
int dsl_print_time(FILE *fp, const struct dsl_time *t);
int dsl_print_expr(FILE *fp, const struct dsl_expr *e);
/* One mutation step as tcpspec fmt writes it ("rep tcp data_off 0xf"). */
void dsl_print_mutation(FILE *fp, const struct dsl_mutation *m);
bool dsl_mutation_eq(const struct dsl_mutation *a, const struct dsl_mutation *b);

/* Structural equality ignoring locations and file names (comments compared by text and
 * placement). */
bool dsl_ast_equal(const struct dsl_file *a, const struct dsl_file *b);

bool dsl_file_is_setup(const struct dsl_file *f, size_t event_index);
bool dsl_file_is_cleanup(const struct dsl_file *f, size_t event_index);

const char *dsl_event_kind_name(enum dsl_event_kind k);

#endif
