/* fuzz/records.h: the input format of fuzz_refstack and the driver that plays one input
 * into a reference stack.  Shared by the fuzz target, `tcpspec repro` (which prints what
 * the driver did as a .pkt script) and pkt2fuzz (which turns a .pkt into an input).
 *
 * An input is a list of records.  The low two bits of a record's first byte say what
 * it is; an incomplete record at the end is ignored.
 *
 *   0, 1  SEGMENT, 10 bytes:  op flags dseq:2 dack:2 win:2 len opts
 *         A segment from the peer (192.0.2.2 port 40000) to the stack.  Its sequence
 *         number is the connection's RCV.NXT plus the signed dseq (the peer's ISN
 *         FUZZ_PEER_ISN when there is no connection yet); its acknowledgement number is
 *         SND.NXT plus dack (SND.UNA plus dack when bit 2 of op is set; 0 plus dack with
 *         no connection).  flags are the TCP flags (FIN 0x01 ... CWR 0x80); win is the
 *         window field as sent; len codes the payload length (below 128 as is, else
 *         128 + (len - 128) * 16); the payload byte at sequence number s is always
 *         fuzz_stream[s % 65536], so every retransmission carries the same bytes.
 *         opts bits: 0x01 MSS, 0x02 window scale, 0x04 SACK-permitted, 0x08 timestamps,
 *         0x10 one SACK block, 0x20 bad checksum, 0x40 an option with an illegal length,
 *         0x80 the odd values (MSS 536, scale 15, an old TSval, a reversed SACK block).
 *   2     CALL, 3 bytes: op call arg.  An application call on the connection's socket
 *         (see enum fuzz_call_kind; call is taken modulo FUZZ_NCALLS).
 *   3     TIME, 3 bytes: op v:2.  The clock moves (v & 0xfff) << ((v >> 12) & 0xf)
 *         milliseconds and the stack's timers run.
 *
 * Multi-byte fields are big-endian.  Each input starts from the same state: a fresh
 * stack (default settings but a 64 KB receive buffer, fixed ISN key, clock at 0) with a
 * non-blocking listener on port 8080.
 */
#ifndef TCPSPEC_FUZZ_RECORDS_H
#define TCPSPEC_FUZZ_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refstack/ref.h"

#define FUZZ_PEER_ISN   0u
#define FUZZ_PEER_PORT  40000
#define FUZZ_LISTEN_PORT 8080
#define FUZZ_MAX_FD     64
#define FUZZ_RMEM_DEFAULT 65536 /* net.ipv4.tcp_rmem[1] of the driver's stack */
#define FUZZ_SEG_SIZE   10
#define FUZZ_CALL_SIZE  3
#define FUZZ_TIME_SIZE  3

enum fuzz_rec_kind { FUZZ_REC_SEG, FUZZ_REC_CALL, FUZZ_REC_TIME };

/* the opts byte of a SEGMENT record */
#define FUZZ_O_MSS      0x01
#define FUZZ_O_WS       0x02
#define FUZZ_O_SACKOK   0x04
#define FUZZ_O_TS       0x08
#define FUZZ_O_SACK     0x10
#define FUZZ_O_BADCSUM  0x20
#define FUZZ_O_BADLEN   0x40
#define FUZZ_O_ODD      0x80
/* bit 2 of a SEGMENT op byte: dack is relative to SND.UNA */
#define FUZZ_OP_ACK_UNA 0x04

/* Application calls.  All sockets are non-blocking: no call ever waits. */
enum fuzz_call_kind {
	FUZZ_C_ACCEPT,          /* accept(listener); the result becomes the connection */
	FUZZ_C_SEND,            /* send (arg + 1) * 16 bytes */
	FUZZ_C_RECV,            /* recv up to (arg + 1) * 16 bytes */
	FUZZ_C_CLOSE,           /* close the connection's socket */
	FUZZ_C_SHUTDOWN,        /* shutdown(how = arg % 3) */
	FUZZ_C_CONNECT,         /* socket + O_NONBLOCK + connect to the peer */
	FUZZ_C_LINGER0,         /* SO_LINGER {1, 0}: the next close aborts */
	FUZZ_C_NODELAY,         /* TCP_NODELAY = arg & 1 */
	FUZZ_C_INQ,             /* ioctl SIOCINQ */
	FUZZ_C_CLOSE_LISTENER,  /* close the listener */
	FUZZ_C_SO_ERROR,        /* getsockopt SO_ERROR */
	FUZZ_C_POLL,            /* poll POLLIN|POLLOUT, no wait */
	FUZZ_NCALLS,
	/* set-up calls the driver makes by itself, reported to the hooks for repro */
	FUZZ_C_SOCKET = 100,    /* socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) */
	FUZZ_C_NONBLOCK,        /* fcntl(fd, F_SETFL, O_RDWR|O_NONBLOCK) */
	FUZZ_C_BIND,            /* bind(fd, port 8080) */
	FUZZ_C_LISTEN,          /* listen(fd, arg) */
};

struct fuzz_rec {
	enum fuzz_rec_kind kind;
	uint8_t op;
	/* SEGMENT */
	uint8_t flags, opts, len;
	int16_t dseq, dack;
	uint16_t win;
	/* CALL */
	uint8_t call, arg;
	/* TIME */
	uint16_t time;
};

/* Decode the record at p (n bytes left).  Returns the bytes it takes, 0 if the rest is
 * too short to hold it. */
size_t fuzz_rec_decode(const uint8_t *p, size_t n, struct fuzz_rec *r);
/* Encode r into out (at least FUZZ_SEG_SIZE bytes); returns its size. */
size_t fuzz_rec_encode(const struct fuzz_rec *r, uint8_t *out);
/* Payload length coded by a SEGMENT len byte, and the closest code for a length. */
uint32_t fuzz_seg_len(uint8_t code);
uint8_t fuzz_seg_len_code(uint32_t len);
/* Milliseconds coded by a TIME value, and the closest code for a duration. */
uint64_t fuzz_time_ms(uint16_t v);
uint16_t fuzz_time_code(uint64_t ms);

/* The peer's byte at sequence number s is fuzz_stream[s % 65536], the same in every
 * segment that carries it (a fixed pseudo-random table, filled by fuzz_drv_init). */
#define FUZZ_STREAM_LEN 65536u
extern uint8_t fuzz_stream[FUZZ_STREAM_LEN];
/* Copy / compare n bytes of the peer's stream starting at sequence number seq. */
void fuzz_stream_copy(uint8_t *dst, uint32_t seq, size_t n);
bool fuzz_stream_equal(const uint8_t *p, uint32_t seq, size_t n);

/* One application call as the driver made it, with its result. */
struct fuzz_call {
	int kind;               /* enum fuzz_call_kind */
	int fd;
	long arg;               /* bytes for send/recv, how for shutdown, value otherwise */
	long ret;               /* >= 0, or a negative errno */
	int out;                /* INQ: the count; SO_ERROR: the error; POLL: revents */
};

struct fuzz_drv;

/* What a user of the driver sees; any hook may be NULL. */
struct fuzz_hooks {
	/* an inbound segment just before ref_input, and with its result just after */
	void (*seg_pre)(void *ctx, struct fuzz_drv *d, const struct ref_segment *seg);
	void (*seg_in)(void *ctx, struct fuzz_drv *d, const struct ref_segment *seg,
		       struct ref_result res);
	/* a segment the stack sent, at time d->out_now */
	void (*seg_out)(void *ctx, struct fuzz_drv *d, const struct ref_segment *seg);
	void (*call)(void *ctx, struct fuzz_drv *d, const struct fuzz_call *c);
	void (*time)(void *ctx, struct fuzz_drv *d, int64_t from, int64_t to);
	/* after each record, with the record; the state before it is in d->prev_state */
	void (*after)(void *ctx, struct fuzz_drv *d, const struct fuzz_rec *r);
	/* the bytes an application recv returned */
	void (*data)(void *ctx, struct fuzz_drv *d, int fd, const uint8_t *p, size_t n);
};

struct fuzz_drv {
	struct ref_stack *st;
	const struct fuzz_hooks *hooks;
	void *ctx;
	int64_t now;
	int64_t out_now;        /* the time of the segment being reported to seg_out */
	int lfd, cfd;           /* listener, connection socket; -1 when none */
	uint16_t lport;         /* the stack's port the peer talks to */
	bool lport_known;       /* lport was learnt from a segment */
	uint32_t peer_ts;       /* the peer's TSval clock */
	uint32_t last_tsval;    /* the stack's latest TSval */
	bool urg_seen;          /* an URG segment was sent: the stream check is off */
	bool in_call;           /* an application call is being made (its segments come
				   before the call hook reports it) */
	const uint8_t *sending; /* during a send call: the bytes being written */
	size_t nsending;
	int prev_state;         /* the connection's state before the current record */
	unsigned nrec;          /* records played in this input, the current one included */
	void *conn;             /* the connection's TCB, while conn_valid */
	bool conn_valid;
	uint64_t conn_opened, conn_live;        /* the stack's TCB counters and lport */
	uint16_t conn_lport;                    /* when conn was looked up */
	uint64_t nread[FUZZ_MAX_FD];    /* bytes read so far, per descriptor (updated
					   after the data hook) */
	uint8_t payload[4096];
	uint8_t rbuf[4096];
};

/* Create the stack once (fixed ISN key, default settings); false when out of memory. */
bool fuzz_drv_init(struct fuzz_drv *d, const struct fuzz_hooks *hooks, void *ctx);
void fuzz_drv_free(struct fuzz_drv *d);
/* Start an input: empty the stack, clock to 0, the listener set up again. */
void fuzz_drv_reset(struct fuzz_drv *d);
/* Play one record. */
void fuzz_drv_step(struct fuzz_drv *d, const struct fuzz_rec *r);
/* Play a whole input (reset first). */
void fuzz_drv_run(struct fuzz_drv *d, const uint8_t *data, size_t size);
/* Free what the input made the stack allocate (so that every allocation of an input is
 * freed within it, as libFuzzer's leak check expects). */
void fuzz_drv_finish(struct fuzz_drv *d);

/* The connection the peer talks to (its TCB is internal: an opaque pointer here), its
 * state (REF_CLOSED when there is none), and its current numbers. */
const void *fuzz_drv_conn(struct fuzz_drv *d);
int fuzz_drv_state(struct fuzz_drv *d);
/* The sequence and acknowledgement numbers a SEGMENT record's deltas are taken from. */
uint32_t fuzz_drv_seq_base(struct fuzz_drv *d);
uint32_t fuzz_drv_ack_base(struct fuzz_drv *d, uint8_t op);

/* Findings set aside while fuzzing goes on (the campaign passes the ones it knows):
 * TCPSPEC_FUZZ_IGNORE=A,B,... and the lines of the file TCPSPEC_FUZZ_IGNORE_FILE; with
 * TCPSPEC_FUZZ_ONLY=SIG every other signature (minimising one finding keeps it).  An
 * entry matches the signature sig (the finding's message with every number written N,
 * see fuzz_signature) when it is equal to it or to its leading "[ORACLE]" / "ORACLE". */
bool fuzz_set_aside(const char *sig);
/* msg with every run of digits replaced by N but those naming rules (RFC 9293, 3.10.7.4,
 * MUST-2), into out (cap bytes). */
void fuzz_signature(const char *msg, char *out, size_t cap);

#endif
