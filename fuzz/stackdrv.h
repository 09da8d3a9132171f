/* fuzz/stackdrv.h: the driver of fuzz_stack.  It plays fuzz records into any in-process
 * virtual-time target through target.h (the stack under test) and, in lock step, into a
 * reference target (the twin), and checks after every record what any stack must do,
 * from the wire and the socket calls alone.  Shared by the fuzz target and by
 * `tcpspec repro fuzz_stack`, which writes the twin's behaviour down as a script.
 *
 * Records are those of fuzz_refstack (fuzz/records.h) with one addition: bits 3-7 of a
 * SEGMENT's op byte (m = op >> 3) make it malformed:
 *   m & 3   an option with a lying length after the others: 1 length 0 (raw 8 0),
 *           2 length 1 (raw 8 1), 3 length past the end of the header (raw 2 40)
 *   m & 4   the reserved bits 0xe set
 *   m & 8   a data offset that does not match the header (one word short, or 15 / 4
 *           words when the header has no options)
 *   m & 16  the urgent pointer 0xffff, past any data, whatever the URG flag says
 * Every packet is the same on both stacks but for the numbers relative to each stack's
 * ISN: the peer (192.0.2.1 port 40000, ISN 0) talks to the stack (192.0.2.2, the port of
 * its listener 8080 or of its connection).  The peer's sequence numbers are taken from
 * the twin's latest acknowledgement (RCV.NXT as the wire shows it) plus dseq, its
 * acknowledgements from the twin's SND.MAX (or the peer's own latest acknowledgement,
 * bit 2 of op) plus dack, each relative to the stack's ISN.
 *
 * Oracles (struct sd_finding.oracle names them), on both stacks:
 *   window      no data beyond the largest acknowledgement plus the largest window the
 *               peer offered, but for one octet of a zero-window probe (RFC 9293 3.8.6)
 *   read        the bytes the application reads are the peer's, in order, and no more
 *               than it sent
 *   written     the bytes on the wire are the ones the application wrote, at their place
 *   checksum    a segment with a bad checksum changes nothing: no answer (MUST-2/3)
 *   rst-rst     a segment with RST is never answered with a RST (RFC 9293 3.10.7)
 *   ack-unsent  no segment acknowledges a sequence number the peer never sent
 *   seq-range   the stack's sequence numbers stay in [ISS, SND.MAX] (no hole)
 *   fin         once the stack acknowledged the peer's FIN, it acknowledges nothing
 *               beyond it (no data or sequence space accepted after the FIN)
 *   rfc5961-ack a segment whose ACK acknowledges data never sent is dropped: its data
 *               and FIN are not acknowledged (RFC 5961 5.2, RFC 9293 3.10.7.4)
 *   hang        a non-blocking call does not return (TARGET_PENDING) or a call fails
 *               in the target itself
 *   diverge     the stack under test answers differently from the twin (RST or SYN sent
 *               or not, the connection's state) where the twin's rule is a MUST; its
 *               accept() returns a connection the twin's MUST drops keep in
 *               SYN-RECEIVED (named by the first dropped segment whose ACK completes
 *               the handshake); it acknowledges the end of text the twin dropped on a
 *               MUST (no ACK bit, an ACK of unsent data), named by that segment's record
 * A divergence on a SHOULD or an open choice is counted (sd.ndiverge_counted). */
#ifndef TCPSPEC_FUZZ_STACKDRV_H
#define TCPSPEC_FUZZ_STACKDRV_H

#include <stdbool.h>
#include <stdint.h>

#include "fuzz/records.h"
#include "target-adapters/target.h"

#define SD_MAXOUT 32            /* segments kept per side and step */
#define SD_MAXOPT 20

enum { SD_TWIN, SD_TUT };       /* the sides: the reference twin, the target under test */

/* reply classes, OR-ed over the segments a stack sent during one record */
enum { SD_R_ACK = 1, SD_R_DATA = 2, SD_R_FIN = 4, SD_R_RST = 8, SD_R_SYN = 16,
       SD_R_SYN_AGAIN = 32 /* a SYN retransmitted */ };

/* An option of an inbound packet as a script writes it */
struct sd_opt {
	enum { SD_O_NOP, SD_O_MSS, SD_O_WS, SD_O_SACKOK, SD_O_TS, SD_O_SACK, SD_O_RAW } kind;
	uint32_t a, b;          /* mss / shift / TS val, ecr / sack left, right (relative) */
	bool ecr_live;          /* TS ecr is the stack's latest TS val */
	uint8_t raw[4];
	uint8_t nraw;
};

/* One inbound packet, as the peer meant it (numbers relative where a script has them) */
struct sd_in {
	uint8_t flags;
	uint32_t seq;           /* absolute (the peer's ISN is 0) */
	uint32_t ack_rel;       /* relative to the stack's ISN */
	bool ack_abs;           /* no connection yet: ack_rel is absolute */
	uint16_t win, urp;
	uint32_t len;
	struct sd_opt opt[SD_MAXOPT];
	int nopt;
	bool csum_bad;
	int res;                /* reserved bits, -1 when as the flags say */
	int doff;               /* data offset written, -1 when true */
};

/* One segment a stack sent */
struct sd_seg {
	int64_t t;
	uint8_t flags;
	uint32_t seq, ack, len;
	uint16_t sport, win, urp, mss;
	bool has_mss, has_ws, has_sackok, has_ts;
	uint8_t ws;
	uint32_t tsval, tsecr;
	int nsack;
	uint32_t sack[4][2];
	uint8_t kinds[16];      /* option kinds in order (NOP 1, EOL 0 included) */
	int nkinds;
	const uint8_t *data;
};

struct sd_side {
	const char *name;
	struct target t;
	const struct target_ops *ops;
	struct target_config cfg;
	bool open;
	int lfd, cfd;
	int conn_fd;            /* the socket of the connection the peer talks to */
	/* the connection as the wire shows it */
	uint16_t lport;
	bool has_conn;          /* it sent a SYN for it */
	bool conn_ended;        /* it was reset or closed since */
	unsigned conn_nsyn;     /* the peer's SYNs when it answered one */
	uint16_t conn_port;     /* its port on the connection */
	uint32_t iss, snd_max;
	bool acked;             /* it sent an ACK: rcv_nxt is its latest */
	uint32_t rcv_nxt;
	bool irs_known;
	uint32_t irs;
	bool ws_sent;           /* window scale in its SYN */
	bool fin_sent;
	uint32_t fin_seq;
	bool fin_acked;         /* it acknowledged the peer's FIN ... */
	uint32_t fin_ack;       /* ... with this */
	uint32_t last_tsval;
	bool has_tsval;
	/* what the peer offered it (window oracle) */
	bool wnd_valid;
	uint32_t wnd_ack;       /* the largest acceptable ACK */
	uint64_t wnd_max;       /* the largest window, scaled */
	/* the application's bytes */
	uint8_t sent[1 << 16];
	uint32_t nsent;
	uint64_t nread;
	bool stream_unknown;    /* URG or a lying data offset: the read check is off */
	/* this record */
	struct sd_seg out[SD_MAXOUT];
	int nout, nout_total;
	bool rec_acked;         /* it sent an ACK (not a RST) in this record ... */
	uint32_t rec_ack;       /* ... the last one's acknowledgement */
	unsigned reply;
	uint8_t payload[SD_MAXOUT][1500];
	long ret;               /* of the call, value or -errno */
	int call_out;
	bool call_made;         /* it made the record's call (it had the socket) ... */
	struct fuzz_call call;  /* ... this one */
	int state;              /* tcpi_state after the record, -1 when unknown */
};

struct sd_finding {
	const char *oracle;
	char msg[400];
	int side;
	int record;             /* 0-based index of the record */
};

struct sd;
struct sd_hooks {
	/* before a record is played */
	void (*record)(void *ctx, struct sd *d, const struct fuzz_rec *r);
	/* an inbound packet (the twin's numbers) */
	void (*in)(void *ctx, struct sd *d, const struct sd_in *in);
	/* a segment a side sent */
	void (*out)(void *ctx, struct sd *d, int side, const struct sd_seg *s);
	/* a call and the twin's result (value or -errno); c->kind from enum fuzz_call_kind */
	void (*call)(void *ctx, struct sd *d, const struct fuzz_call *c);
	/* after a record, with its answers (d->side[].reply, .ret, .state) */
	void (*after)(void *ctx, struct sd *d, const struct fuzz_rec *r);
};

struct sd {
	struct sd_side side[2];
	const struct sd_hooks *hooks;
	void *ctx;
	int64_t now;
	int record;
	/* the peer */
	bool peer_any;          /* it sent something with a good checksum */
	uint32_t peer_max_end;  /* the highest sequence number it sent, plus one */
	uint32_t peer_data_end; /* the end of the data it sent (the read oracle) */
	uint32_t peer_una_rel;  /* its latest acknowledgement, relative */
	uint32_t peer_ts;
	bool peer_ws;
	uint8_t peer_ws_shift;
	bool peer_syn_wnd_valid;
	uint32_t peer_fin_end[4];       /* its latest FINs' sequence numbers plus one */
	bool peer_fin_valid[4];
	unsigned peer_nfin;
	unsigned peer_nsyn;     /* the SYNs it sent */
	/* the sequence space it sent (good checksums), as merged ranges [a, b) with the
	 * lowest SYN in each (a + syn_off, when has_syn): an ACK must end a run of it
	 * that starts at one of its SYNs */
	struct sd_range { uint32_t a, b, syn_off; bool has_syn; } peer_rng[16];
	int peer_nrng;          /* -1: more ranges than kept, the check is off */
	uint16_t peer_syn_wnd;  /* the window of its latest SYN */
	/* the twin's verdict on the latest segment */
	int twin_reason;        /* enum ref_reason, -1 when it never reached TCP */
	int twin_state;         /* enum ref_state of the twin's connection */
	int prev_twin_state;    /* ... before the latest record */
	int last_kind;          /* enum fuzz_rec_kind of the latest record */
	int last_call;          /* enum fuzz_call_kind of the latest record, -1: no call */
	struct sd_in last_in;   /* the latest inbound segment */
	/* the segments the twin got in SYN-RECEIVED, all dropped on a MUST: the one where
	 * a stack that took it departed, the first whose ACK would complete the handshake
	 * (else the first), and the requirement it was dropped under; NULL when one was
	 * taken or dropped on a rule that is not a MUST */
	const char *synrcvd_req;
	int synrcvd_rec;        /* ... and that segment's record */
	bool synrcvd_ack_ok;    /* ... its ACK acceptable (SND.UNA < SEG.ACK =< SND.NXT) */
	bool synrcvd_open;      /* one of them was taken or dropped on another rule: what
				   the stack under test did with it is its choice */
	/* text the twin dropped on a MUST (no ACK bit, an ACK of unsent data) beyond its
	 * RCV.NXT: a stack that acknowledges the end of one took it (RFC 9293 3.10.7.4),
	 * however much later that shows */
	struct sd_dropped { uint32_t end; int rec; const char *req; } dropped[4];
	int ndropped;
	bool finding_set;
	struct sd_finding finding;
	uint64_t ndiverge_counted, ndiverge_must;
	char tut_spec[256];
	char tut_name[128];     /* the stack under test in messages: a plugin's file name */
	int max_records;        /* sd_run plays at most this many records; -1: all */
	bool strict;            /* every divergence is a finding, "[open-choice]" (set by
				   TCPSPEC_FUZZ_STRICT: finding inputs whose repro script
				   matches the stack under test up to a later finding) */
};

/* Open both sides once: spec is the stack under test ("reference", "lwip",
 * "plugin:PATH.so").  False with a message on stderr when it cannot be opened or is
 * not an in-process virtual-time target. */
bool sd_init(struct sd *d, const char *spec, const struct sd_hooks *hooks, void *ctx);
void sd_free(struct sd *d);
/* After an input, within it: what the input made the stacks allocate is freed.  A side
 * that resets in place (the reference stack) is reset and stays open for the next
 * sd_run; any other side is closed.  sd_free still closes everything. */
void sd_end(struct sd *d);
/* Play one input from fresh stacks; true when a finding stopped it (d->finding). */
bool sd_run(struct sd *d, const uint8_t *data, size_t size);

/* After a run: getsockopt(SO_ERROR) and poll on the connection, then one more segment
 * from the peer, an old duplicate ACK (its sequence number 30000 before the twin's
 * RCV.NXT), which any stack answers (repro scripts end with them); ack_first: the
 * segment before the calls (a finding about acknowledgements shows at its answer
 * rather than at a poll the same departure changed).  Findings are not reported. */
void sd_probe(struct sd *d, bool ack_first);

/* feedback: (twin state, segment class, reply class of the stack under test) */
#define SD_NCLASS 36
int sd_seg_class(const struct sd *d, const struct sd_in *in);
/* whether the twin's reason for a segment is a MUST (its requirement in *req) */
bool sd_reason_is_must(int reason, const char **req);

#endif
