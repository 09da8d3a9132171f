/* engine internals shared by the interpreter's files.  Not public. */
#ifndef TCPSPEC_ENGINE_INT_H
#define TCPSPEC_ENGINE_INT_H

#include <pcap/pcap.h>

#include "dsl/dsl.h"
#include "engine/engine.h"
#include "wire/wire.h"

#define ENGINE_MAX_FDS 64
#define ENGINE_MAX_TS 256
#define ENGINE_MAX_CODE 64
#define ENGINE_N_MEMINFO 9          /* SK_MEMINFO_RMEM_ALLOC .. SK_MEMINFO_DROPS */
#define ENGINE_MAX_ISNS 256         /* stack ISNs kept for tcpspec_local_isns */
#define ENGINE_MAX_CONNS 32         /* script-side ports besides the live one */
/* a call expected at once may take this much beyond the tolerance before it counts
 * as blocked (then its return time is still checked against the tolerance) */
#define ENGINE_NONBLOCK_GRACE_NS (100 * 1000000LL)
#define ENGINE_CODE_TIMEOUT_MS 20000      /* python3 checking the code blocks */
#define ENGINE_ANY_WAIT_NS (10 * 1000000000LL)  /* `*` waits this long at most */

/* A code block: TCP_INFO captured at its time, run by python3 at the end. */
struct engine_code {
	const struct dsl_event *ev;
	bool have_info;
	struct target_tcp_info info;
	size_t n_isns;              /* tcpspec_local_isns: the first n_isns of x->isns */
	/* SO_MEMINFO of the socket at the block's time (SK_MEMINFO_RMEM_ALLOC ...), when
	 * the target answers it */
	int n_meminfo;
	uint32_t meminfo[ENGINE_N_MEMINFO];
};

/* An option structure written as a struct literal (optstruct.c): the timeval of
 * SO_RCVTIMEO / SO_SNDTIMEO, Linux's struct tcp_info.  The named fields only, each with
 * its place in the struct and the value the script gives. */
enum engine_ostruct_kind {
	ENGINE_OSTRUCT_NONE = 0,
	ENGINE_OSTRUCT_TIMEVAL,
	ENGINE_OSTRUCT_TCP_INFO,
};

#define ENGINE_MAX_OSTRUCT_FIELDS 64

struct engine_ostruct_field {
	const char *name;           /* "tcpi_state", "tv_sec" */
	size_t off, size;           /* bytes; a bit-field: its byte, size 1 */
	unsigned shift, bits;       /* a bit-field's first bit and width (bits 0: none) */
	int64_t value;
};

struct engine_ostruct {
	enum engine_ostruct_kind kind;
	size_t size;                /* the whole struct, in this system's headers */
	int n;
	struct engine_ostruct_field f[ENGINE_MAX_OSTRUCT_FIELDS];
};

/* The structure a field name belongs to (NONE: no known one). */
enum engine_ostruct_kind engine_ostruct_kind_of(const char *field_name);
const char *engine_ostruct_type(enum engine_ostruct_kind k);     /* "tcp_info" */
size_t engine_ostruct_size(enum engine_ostruct_kind k);
/* Place field name of structure k (value left 0); false when k has no such field. */
bool engine_ostruct_field(enum engine_ostruct_kind k, const char *name,
			  struct engine_ostruct_field *f);
/* The s->size bytes of the struct: named fields set, the rest zero. */
void engine_ostruct_encode(const struct engine_ostruct *s, uint8_t *buf);
/* Field f of the len bytes a target returned; false when they stop before it. */
bool engine_ostruct_read(const struct engine_ostruct *s, const struct engine_ostruct_field *f,
			 const uint8_t *buf, size_t len, int64_t *v);
/* "1 (TCP_ESTABLISHED)" for the state fields, the number otherwise. */
const char *engine_ostruct_fmt(char *buf, size_t cap, const struct engine_ostruct_field *f,
			       int64_t v);

/* One control message recvmsg must return (cmsg.c): an integer datum, or the named
 * fields of a structure (sock_extended_err; SCM_TIMESTAMPING's software stamp). */
#define ENGINE_CMSG_MAX_FIELDS 6
enum engine_cmsg_kind {
	ENGINE_CMSG_INT = 0,
	ENGINE_CMSG_EXTERR,         /* ee_errno, ee_origin, ee_type, ee_code, ee_info, ee_data */
	ENGINE_CMSG_TIMESTAMPING,   /* scm_sec, scm_nsec */
};
struct engine_cmsg {
	int level, type;
	enum engine_cmsg_kind kind;
	int64_t data;               /* INT */
	unsigned have;              /* the fields given, bit i for f[i] */
	int64_t f[ENGINE_CMSG_MAX_FIELDS];
};

/* A decoded call and what the script expects of it. */
struct engine_call {
	const struct dsl_event *ev;
	struct target_call c;
	bool check_ret;             /* false for `= ...` */
	int64_t ret;
	int err;                    /* expected errno (0: none) */
	const char *err_name;
	int ret_script_fd;          /* socket/accept/epoll_create: the script's fd number */
	/* outputs to compare */
	bool check_opt;
	struct target_optval opt;   /* getsockopt expected value */
	bool check_ostruct;         /* getsockopt: a struct literal, field by field */
	struct engine_ostruct ostruct;
	bool check_optlen;
	socklen_t optlen;
	bool check_revents;         /* poll */
	bool check_ioctl;
	int64_t ioctl_val;
	bool check_msg_flags;
	int msg_flags;
	bool check_events;          /* epoll_wait */
	int nevents;
	struct target_epoll_event events[TARGET_MAX_EVENTS];
	int epoll_script_fd[TARGET_MAX_EVENTS];
	int n_cmsg;                 /* recvmsg msg_control: the messages expected */
	bool check_cmsg;
	struct engine_cmsg cmsg[4];
	bool map_pipe;              /* pipe([R, W]): the script's numbers for the two ends */
	int pipe_script_fd[2];
	char path[4096];            /* open(): the file name, relative to the script */
};

/* What the engine keeps per connection, that is per script-side (remote) port: the
 * numbers relative sequence numbers, acks and timestamps are written against. */
struct engine_conn {
	uint16_t remote_port;       /* the key: the script-side port */
	uint16_t local_port;        /* the stack's port */
	bool local_port_known;
	/* sequence numbers */
	bool have_local_isn, have_remote_isn;
	/* The next inbound SYN (or SYN-ACK) gives the remote ISN: true at the start and
	 * after each socket() call, false once a SYN has given it.  A later SYN on the same
	 * connection (RFC 5961 4.2 tests) leaves the ISN alone, as in packetdrill. */
	bool remote_isn_open;
	uint32_t local_isn, remote_isn;
	uint32_t script_local_isn;  /* the number the script wrote on the stack's SYN */
	/* timestamps: the script's TS val -> the stack's live TS val */
	size_t n_ts;
	uint32_t ts_script[ENGINE_MAX_TS], ts_live[ENGINE_MAX_TS];
	bool have_ts_live;
	uint32_t ts_last_live;
	bool have_ts_first;          /* the first script/live TS val pair seen */
	uint32_t ts_first_script, ts_first_live;
	bool have_ts_base;
	uint32_t ts_base_script, ts_base_live;
	/* what the handshake offered (ENGINE_SYNOPT_* bits): the peer's SYN as the
	 * script wrote it, the stack's own SYN or SYN-ACK as it was sent */
	unsigned peer_syn_opts, stack_syn_opts;
	unsigned stack_syn_ever[2]; /* offered before in any SYN [0] / SYN-ACK [1] with
				     * this ISN: a retransmission cannot take it back */
	bool have_peer_syn, have_stack_syn;
	bool stack_syn_ack;          /* the stack's handshake segment was a SYN-ACK */
	/* content (stream.c): the highest stream offset of the stack's data the script
	 * acknowledged (a keep-alive's garbage octet lies below it) */
	bool have_peer_acked;
	uint32_t peer_acked;
};

/* Content of the streams (stream.c): per socket, its read and write offsets. */
#define ENGINE_STREAM_MAX_URG 32
#define ENGINE_STREAM_MAX_UNKNOWN 16

struct engine_stream_fd {
	int fd;                     /* target fd of a socket() or accept() */
	uint32_t rd, wr;            /* stream offsets of the next read and write */
};

struct engine_stream {
	int n_fds;
	struct engine_stream_fd fds[ENGINE_MAX_FDS];
	int n_urg;                  /* inbound offsets urgent pointers marked */
	uint32_t urg[ENGINE_STREAM_MAX_URG];
	/* offsets of unknown content: outbound ones sendfile/splice filled, inbound ones
	 * of segments whose data offset was forced ({doff N}: options become data or
	 * data header) */
	int n_unknown;
	struct { int dir; uint32_t lo, hi; } unknown[ENGINE_STREAM_MAX_UNKNOWN];
	bool unknown_full[2];       /* more of those than fit: that direction unchecked */
	bool self_connect;          /* a connect() to the stack's own address was made */
	uint8_t *buf, *ibuf, *agg;  /* a call's bytes, an inbound payload, an aggregate */
	size_t cap, icap, acap;
};

struct engine_ctx {
	const struct engine_run_cfg *cfg;
	struct engine_result *res;
	struct engine_opts opts;    /* file options with the command line over them */
	struct dsl_file *file;
	const char *name;           /* the script path, for messages */

	struct target t;
	struct target_config tc;
	struct target_setting settings[ENGINE_MAX_SETTINGS];
	bool open;
	bool virtual_time;

	int64_t t0;                 /* target clock at script time 0 */
	int64_t prev_ns;            /* the previous event's time (script clock) */
	int64_t act_lag_ns;         /* how late the engine itself performed the last call or
				     * inbound packet: a reply to it is due that much later */
	const struct dsl_event *prev_ev;
	int64_t last_ns;            /* latest script time reached */
	int64_t out_actual_ns;      /* when the last outbound packet came (script clock) */

	/* The live connection: the one the packet being handled belongs to.  Packets
	 * without (rport N) and system calls use the home connection, the one at
	 * home_port; the others wait in conns[] (engine_conn_select). */
	struct engine_conn c;
	uint16_t home_port;
	/* a socket() since the stack's last SYN or SYN,ACK: until the next one, packets of
	 * earlier connections are ignored where the script waits for a SYN (packet.c) */
	bool awaiting_syn;
	/* a listen() since the last inbound SYN, and how many inbound SYNs opened a
	 * connection to a listener so far (packet.c: each after the first comes from a
	 * port of its own, as packetdrill picks one per passive connection) */
	bool fresh_listen;
	bool used_rport;            /* some packet line named its port with (rport N) */
	unsigned passive_syns;
	size_t n_conns;
	struct engine_conn conns[ENGINE_MAX_CONNS];
	/* The stack's ISNs seen on the wire, absolute, in order, for code blocks
	 * (tcpspec_local_isns): one entry per SYN or SYN-ACK whose (ports, seq) differ
	 * from the previous entry's, so a retransmitted SYN does not count twice. */
	size_t n_isns;
	struct { uint32_t seq; uint16_t sport, dport; } isns[ENGINE_MAX_ISNS];

	/* script fd -> target fd */
	int n_fds;
	int fd_script[ENGINE_MAX_FDS], fd_target[ENGINE_MAX_FDS];
	int last_sock;              /* target fd for code blocks' TCP_INFO */
	char no_tcp_info[512];      /* why the target has no TCP_INFO at all, if so */
	/* stream sockets (target fds) the script has neither bound nor connected: a
	 * listen() on one binds it to the script's local address and port first */
	/* --profile freebsd: target fds a TCP_FASTOPEN setsockopt made Fast Open clients
	 * (FreeBSD's tcp(4): their sendto() with an address opens with data on the SYN,
	 * which a Linux-style target does with MSG_FASTOPEN) */
	int n_tfo_clients;
	int tfo_client[ENGINE_MAX_FDS];
	/* target fds of datagram sockets (udp.c) */
	int n_dgram;
	int dgram[ENGINE_MAX_FDS];
	int n_unbound;
	int unbound[ENGINE_MAX_FDS];

	/* the blocking call in flight */
	bool pending;
	struct engine_call pcall;
	int64_t pend_lo, pend_hi, pend_tol;
	/* Virtual time: the call's own deadline on the target clock (poll/epoll_wait
	 * timeout; INT64_MAX when none), and its result when it returned while the
	 * engine was moving time on (engine_vadvance), kept for engine_pending_check. */
	int64_t pend_deadline;
	bool pend_have;
	int pend_rc;
	struct target_result pend_res;

	size_t n_code;
	struct engine_code code[ENGINE_MAX_CODE];

	pcap_t *pcap;
	pcap_dumper_t *dumper;
	struct engine_evlog *evlog; /* the run's events for its HTML page (evlog.c) */
	int64_t wall0_ns;           /* CLOCK_REALTIME at t0, for capture stamps */

	/* environment variables the script set, with their values before */
	size_t n_saved_env;
	struct { char *name, *value; } saved_env[ENGINE_MAX_DEFINES + 1];

	struct engine_stream st;    /* the bytes of the streams (stream.c) */
	/* what a shell line asked of the namespace and did not get (a qdisc the kernel
	 * lacks), named in the run's failure */
	char forbidden[200];
	/* shell lines that went on with a qdisc verb in them: whether the kernel lacks
	 * their qdisc is asked (with tc, in the namespace) only when the script fails,
	 * where it is named; asked at the line, it would hold back the script's next
	 * packets by the time tc takes while the kernel's timers run on */
	const struct dsl_event *qdisc_lines[4];
	int n_qdisc_lines;
	/* the linux target on a kernel whose tick is coarser than 1 ms (CONFIG_HZ), named
	 * in timing failures: its timers and tcp_info times move in steps of a tick */
	char tick_note[200];
	/* TCP over UDP: the stack's tunneling port, from the script's first /udp(..) */
	uint16_t udp_tun_port;

	/* The lengths of an iovec longer than TARGET_MAX_IOV (target_call.iov_lens): two,
	 * so that a call made while another is in flight (pcall) leaves its lengths be. */
	size_t iov_lens[2][TARGET_MAX_IOV_ALL];

	struct target_packet pkt;   /* scratch for outbound packets */
	uint8_t obuf[TARGET_MAX_PACKET];
};

/* Failure reporting: "file:LINE: " + text into res->message; returns ENGINE_FAIL, or
 * prints a warning and returns ENGINE_PASS when non_fatal applies (kind 'p' packet,
 * 's' syscall, 0 never). */
/* md5sig.c: a struct tcp_md5sig literal ({tcpm_addr=..., tcpm_key="k"}) as the bytes
 * of setsockopt(TCP_MD5SIG); false with why filled when it cannot be built. */
bool engine_md5sig_is(const struct dsl_expr *e);
bool engine_md5sig_optval(struct engine_ctx *x, const struct dsl_expr *e,
			  struct target_optval *o, char *why, size_t cap);

/* udp.c: which target fds are UDP sockets */
void engine_udp_add(struct engine_ctx *x, int fd);
bool engine_udp_is(const struct engine_ctx *x, int fd);
void engine_udp_take(struct engine_ctx *x, int fd);

struct engine_diffs;
/* md5.c: `md5 valid` options (RFC 2385 with --tcp_md5_secret).  engine_md5_sign fills
 * in the digest of an inbound packet built in buf (-1: no MD5 option to fill);
 * engine_md5_verify checks the outbound packet in x->pkt. */
bool engine_md5_valid(const struct dsl_tcp_opt *o);
bool engine_md5_wants(const struct dsl_packet *p);	/* has an `md5 valid` */
int engine_md5_sign(struct engine_ctx *x, const struct dsl_packet *p, uint8_t *buf,
		    size_t len);
void engine_md5_verify(struct engine_ctx *x, const struct dsl_packet *p,
		       struct engine_diffs *d);

/* mutate.c: a packet's mutation steps (and its {csum ...}) applied to the built bytes
 * in buf (*len of cap).  0 done; 1 not for this run (err says why: a skip); -1 the
 * steps do not fit the packet (err says how). */
int engine_mutate(uint8_t *buf, size_t *len, size_t cap, const struct dsl_malformed *m,
		  char *err, size_t errcap);

int engine_fail(struct engine_ctx *x, const struct dsl_event *ev, int kind, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));
/* engine_skip for what the stack under test lacks (engine_result.stack_lacks) */
int engine_skip_stack(struct engine_ctx *x, const struct dsl_event *ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int engine_skip(struct engine_ctx *x, const struct dsl_event *ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A skip: "file:LINE: not applicable: the stack did not offer FEATURE" (a script that
 * needs an optional mechanism the stack's handshake did not offer). */
int engine_not_applicable_sndbuf(struct engine_ctx *x, const struct dsl_event *ev,
				 uint64_t queued);
int engine_not_applicable(struct engine_ctx *x, const struct dsl_event *ev,
			  const char *feature);

/* code.c: a code block evaluated without python3 when it is only simple asserts.
 * 1 every assert holds; 0 one fails (*fail_k: its line within the block, 1-based;
 * msg: "assertion failed: ..." as python3 would say); -1 not simple enough here. */
int engine_code_eval(const char *text, const struct target_tcp_info *ti, int *fail_k,
		     char *msg, size_t cap);

/* cmsg.c */
/* Field name of a structured cmsg_data, with its value; false (why says) when unknown. */
bool engine_cmsg_field(struct engine_cmsg *m, const char *name, int64_t v, char *why,
		       size_t cap);
/* recvmsg's ancillary data in r against ec's msg_control. */
int engine_cmsg_check(struct engine_ctx *x, struct engine_call *ec,
		      const struct target_result *r);

/* symbols.c */
bool engine_symbol(const char *name, int64_t *value);
/* A name packetdrill's suite runners define per IP version (-D CMSG_LEVEL_IP=...). */
bool engine_symbol_runner_defined(const char *name);
/* dsl_names.known: whether a script's call / symbol / errno / function name exists */
bool engine_name_known(void *arg, enum dsl_name_kind kind, const char *name, char *hint,
		       size_t cap);
int engine_errno_lookup(const char *name);          /* -1 when unknown */
const char *engine_errno_name(int e);               /* "EAGAIN" or NULL */

/* syscall.c */
int engine_do_syscall(struct engine_ctx *x, const struct dsl_event *ev, int64_t start_ns,
		      int64_t end_lo, int64_t end_hi, int64_t tol, bool blocking);
int engine_pending_check(struct engine_ctx *x, bool wait);
/* Virtual time: advance the target to when_ns (target clock) like target_advance, then
 * collect a call in flight that returned by then, so it keeps its own return time; *next
 * also counts the call's own deadline. */
int engine_vadvance(struct engine_ctx *x, int64_t when_ns, int64_t *next);
/* At the end of a run: the packets the stack had sent by then that no script line
 * consumed go into the capture (and the -v trace); they are not checked. */
void engine_drain_outbound(struct engine_ctx *x);
/* '> ...': the packets the stack sends up to script time hi, taken unchecked. */
int engine_outbound_unchecked(struct engine_ctx *x, const struct dsl_event *ev, int64_t hi);
int engine_target_fd(struct engine_ctx *x, int script_fd);

/* tcpopt.c: TCP options of scripted packets */
struct engine_diffs {
	char buf[1024];
	size_t n;
	int count;
};
void engine_diff(struct engine_diffs *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* the options a handshake segment offers */
enum {
	ENGINE_SYNOPT_MSS = 1, ENGINE_SYNOPT_WSCALE = 2, ENGINE_SYNOPT_SACK_PERM = 4,
	ENGINE_SYNOPT_TS = 8, ENGINE_SYNOPT_FASTOPEN = 16, ENGINE_SYNOPT_ECN = 32,
};
/* Append the script's option s to o (the peer's packet): 0, -1 no room, -2 a
 * symbolic value that is not defined. */
int engine_opt_add(struct engine_ctx *x, struct wire_tcp_opts *o, const struct dsl_tcp_opt *s);
/* Compare the stack's options with the script's (pkt-dialect.md; the syn-options
 * relaxation on a SYN or SYN-ACK), differences into d. */
void engine_opts_compare(struct engine_ctx *x, const struct dsl_packet *p,
			 const struct wire_tcp *t, struct engine_diffs *d);
/* Record the stack's live TS vals against the script's for later inbound ecr. */
void engine_opts_learn_ts(struct engine_ctx *x, const struct dsl_packet *p,
			  const struct wire_tcp *t);
/* ENGINE_SYNOPT_* bits of a handshake segment: as the script wrote it / as sent */
unsigned engine_synopts_script(const struct dsl_packet *p);
unsigned engine_synopts_wire(const struct wire_tcp *t);
/* Keep the stack's first SYN or SYN,ACK offer in the result (engine/offers.c). */
void engine_note_offer(struct engine_ctx *x);
/* The optional feature the script's outbound packet p needs that the stack's
 * handshake did not offer, given the segment t it sent: "timestamps", "SACK",
 * "window scaling", "ECN", "Fast Open"; NULL when none is missing.  A feature the
 * stack could not offer, because its handshake segment was a SYN-ACK answering the
 * script's SYN without it, is no reason to skip: it is returned in *FORBIDDEN (with
 * the RFC that says so) instead, and the script's expectation is to be judged. */
const char *engine_not_offered(struct engine_ctx *x, const struct dsl_packet *p,
			       const struct wire_tcp *t, const char **forbidden);
/* stream.c: the content of the streams, see there (and engine_stream_byte) */
/* Before a call: a read-family call gets c->rdata, a write-family call c->data with
 * the socket's next outbound octets. */
void engine_stream_prepare(struct engine_ctx *x, struct target_call *c);
/* After a call returned: track sockets and offsets, check what a read returned. */
int engine_stream_done(struct engine_ctx *x, const struct engine_call *ec,
		       const struct target_result *r);
/* The octets a write-family call would leave queued on its socket (unacknowledged plus
 * its own); 0 for other calls. */
uint64_t engine_stream_queued(struct engine_ctx *x, const struct target_call *c);
/* A stack is assumed to queue this much for sending: a blocking write expected to
 * return at once that blocks with more queued is not applicable, not a failure (RFC
 * 9293 leaves the size of the send buffer to the stack). */
#define ENGINE_SNDBUF_ASSUMED 4096u
/* An inbound segment of the live connection: its payload (and urgent marks, acks). */
void engine_stream_inbound(struct engine_ctx *x, struct wire_packet *w);
/* An outbound segment of the live connection: false with why when its payload is not
 * the octets at its place in the stream. */
bool engine_stream_outbound(struct engine_ctx *x, const struct wire_tcp *t, char *why,
			    size_t cap);
/* An inbound segment changed by mutation steps: the octets the stack gets there are
 * not known (not checked). */
void engine_stream_mutated(struct engine_ctx *x, const struct wire_packet *w);
/* UDP: an inbound datagram's octets are ENGINE_STREAM_IN from offset 0, an outbound
 * one's must be ENGINE_STREAM_OUT from offset 0 (each write is one datagram). */
void engine_stream_udp_inbound(struct engine_ctx *x, struct wire_udp *u);
bool engine_stream_udp_outbound(struct engine_ctx *x, const struct wire_udp *u, char *why,
				size_t cap);
/* Room for n octets of an aggregated outbound payload (NULL: none). */
uint8_t *engine_stream_agg(struct engine_ctx *x, size_t n);
void engine_stream_free(struct engine_ctx *x);

/* packet.c */
/* Make the connection at the script-side port PORT the live one (x->c): the live one
 * is put back into conns[], PORT's taken out, or a new one begun (its remote ISN
 * open, the home connection's local port).  false when conns[] is full. */
bool engine_conn_select(struct engine_ctx *x, uint16_t port);
/* The home connection moves to port PORT (connect, or the stack's own SYN): the live
 * connection, which must be the home one, takes the new key, keeping its numbers as
 * before; a copy waits under the old port, and a waiting one at PORT is dropped. */
void engine_conn_rehome(struct engine_ctx *x, uint16_t port);
/* After socket(): every connection's next SYN gives a new remote ISN. */
void engine_conn_reopen(struct engine_ctx *x);
int engine_inbound(struct engine_ctx *x, const struct dsl_event *ev);
int engine_outbound(struct engine_ctx *x, const struct dsl_event *ev, bool any,
		    int64_t lo, int64_t hi, int64_t tol);
void engine_capture(struct engine_ctx *x, const uint8_t *p, size_t len, int64_t t_ns);

/* evlog.c: the events of a run for its page in the HTML site; all do nothing unless
 * the run has an HTML directory.  _packet is called by engine_capture (out: sent by
 * the stack), _line before each event, _event after it with its verdict, _end before
 * the packets sent after the last event are drained, _write at the very end. */
struct engine_evlog;
void engine_evlog_open(struct engine_ctx *x);
void engine_evlog_packet(struct engine_ctx *x, const uint8_t *p, size_t len, int64_t t_ns,
			 bool out);
void engine_evlog_line(struct engine_ctx *x, const struct dsl_event *ev);
void engine_evlog_event(struct engine_ctx *x, const struct dsl_event *ev, int verdict);
void engine_evlog_end(struct engine_ctx *x);
void engine_evlog_write(struct engine_ctx *x);

/* run.c */
int64_t engine_now(struct engine_ctx *x);           /* script clock */
int engine_wait_until(struct engine_ctx *x, int64_t script_ns);
void engine_fmt_time(char *buf, size_t cap, int64_t ns);  /* "0.100000" */

#endif
