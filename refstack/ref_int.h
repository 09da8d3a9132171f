/* refstack/ref_int.h: the reference TCP's internals (private to refstack/).
 *
 * One struct per connection (struct ref_tcb: the TCB of RFC 9293 3.3.1 plus the
 * socket it belongs to), one struct per stack.  Files, one per concern:
 *   state.c    state names, outcome and reason tables
 *   stack.c    the stack: config, TCB allocation, demultiplexing, the timer heap
 *   input.c    segment arrival (RFC 9293 3.10.7), one dispatch keyed on state
 *   output.c   sending: segments, windows, Nagle, SWS, congestion control
 *   timers.c   retransmission, persist, delayed ACK, keep-alive, 2*MSL
 *   options.c  MSS, window scale, timestamps/PAWS, SACK
 *   isn.c      RFC 6528 initial sequence numbers (SipHash-2-4)
 *   buf.c      byte rings for the send and receive queues
 *   socket.c   the socket layer
 */
#ifndef TCPSPEC_REFSTACK_REF_INT_H
#define TCPSPEC_REFSTACK_REF_INT_H

#include "refstack/ref.h"

#define REF_NEVER INT64_MAX
#define REF_MS    1000000LL             /* nanoseconds per millisecond */
#define REF_SEC   1000000000LL
#define REF_MAX_OOO 8                   /* out-of-order ranges kept */
#define REF_MAX_SB 8                    /* SACKed ranges in the sender's scoreboard */
#define REF_DUPTHRESH 3                 /* RFC 5681 / RFC 6675 DupThresh */
#define REF_FIRST_FD 3

/* ---- byte rings (buf.c) ------------------------------------------------------------ */

struct ref_ring {
	uint8_t *buf;
	uint32_t cap;           /* allocated */
	uint32_t head;          /* offset of the first byte */
	uint32_t len;           /* bytes held from head on */
};

/* Make room for `need` bytes from head (grows up to need; keeps contents). */
int ref_ring_reserve(struct ref_ring *r, uint32_t need);
/* The capacity a ring of capacity cap has after ref_ring_reserve(need). */
uint32_t ref_ring_cap_for(uint32_t cap, uint32_t need);
/* Copy n bytes to/from logical offset off (from head); the area must be reserved. */
void ref_ring_put(struct ref_ring *r, uint32_t off, const uint8_t *src, uint32_t n);
void ref_ring_get(const struct ref_ring *r, uint32_t off, uint8_t *dst, uint32_t n);
void ref_ring_consume(struct ref_ring *r, uint32_t n);
void ref_ring_free(struct ref_ring *r);

/* ---- TCB flags --------------------------------------------------------------------- */

enum {
	TF_ACKNOW      = 1u << 0,   /* send an ACK at the next output */
	TF_TS_OK       = 1u << 1,   /* timestamps negotiated (RFC 7323 3.2) */
	TF_SACK_OK     = 1u << 2,   /* SACK-permitted both ways (RFC 2018 2) */
	TF_WS_OK       = 1u << 3,   /* window scaling both ways (RFC 7323 2.2) */
	TF_PASSIVE     = 1u << 4,   /* opened from LISTEN */
	TF_RCVD_FIN    = 1u << 5,   /* the peer's FIN is in sequence */
	TF_FIN_WANTED  = 1u << 6,   /* the user closed/shut down: FIN after the data */
	TF_NODELAY     = 1u << 7,
	TF_CORK        = 1u << 8,
	TF_KEEPALIVE   = 1u << 9,
	TF_NONBLOCK    = 1u << 10,
	TF_REUSEADDR   = 1u << 11,
	TF_BOUND       = 1u << 12,
	TF_CONNECTING  = 1u << 13,  /* connect() issued, result not yet reported */
	TF_SHUT_RD     = 1u << 14,
	TF_IN_RECOVERY = 1u << 15,  /* fast recovery (RFC 6582) */
	TF_RTT_TIMING  = 1u << 16,  /* rtt_seq is being timed (RFC 6298, Karn) */
	TF_HAVE_OOB    = 1u << 17,  /* an urgent byte is waiting for MSG_OOB */
	TF_OOBINLINE   = 1u << 18,
	TF_URG_VALID   = 1u << 19,  /* rcv_up is meaningful */
	TF_LINGER      = 1u << 20,
	TF_ESTAB_SEEN  = 1u << 21,  /* reached ESTABLISHED once (for errors) */
	TF_QUEUED      = 1u << 22,  /* in the listener's accept queue */
	TF_FORCE_PROBE = 1u << 23,  /* persist timer: send one byte past the window */
	TF_FIN_RCVD_OOO = 1u << 24, /* a FIN was seen beyond RCV.NXT, at fin_seq */
	TF_OOB_READ    = 1u << 25,  /* the urgent byte was taken with MSG_OOB */
	TF_DONE        = 1u << 26,  /* was connected or connecting, now CLOSED */
	TF_SNDBUF_SET  = 1u << 27,  /* SO_SNDBUF given: no autotuning */
	TF_DATA_SEEN   = 1u << 28,  /* first data received: quick ACKs armed */
	TF_LINGERING   = 1u << 29,  /* a blocking close() waits (SO_LINGER) */
	TF_PINGPONG    = 1u << 30,  /* interactive: data sent soon after data received,
				     * so ACKs are delayed to ride on replies (as Linux) */
};

/* xflags: the second set of TCB flags */
enum {
	XF_SACK_RECOVERY = 1u << 0, /* the loss recovery of RFC 6675 (not RFC 6582) */
	XF_DSACK         = 1u << 1, /* a D-SACK block (dsack) waits for the next ACK */
	XF_ECN_OK        = 1u << 2, /* ECN-capable connection (RFC 3168 6.1.1) */
	XF_ECN_ECE       = 1u << 3, /* receiver: CE seen, ECE on ACKs until CWR (6.1.3) */
	XF_ECN_CWR       = 1u << 4, /* sender: CWR on the next new data (6.1.2) */
	XF_ECN_REDUCED   = 1u << 5, /* sender: cwnd reduced for ECE until ecn_recover */
	XF_TFO           = 1u << 6, /* a Fast Open connection (RFC 7413) */
	XF_FO_COOKIE     = 1u << 7, /* server: our SYN-ACK carries the peer's cookie */
	XF_FO_SYN        = 1u << 8, /* client: our SYN carries an FO option */
	XF_FO_EXP        = 1u << 9, /* the FO option in the experimental kind */
	XF_FO_WAIT       = 1u << 10, /* a blocking sendto(MSG_FASTOPEN) awaits the
				      * handshake (no cookie: nothing on the SYN) */
	XF_FO_CONNECT    = 1u << 11, /* TCP_FASTOPEN_CONNECT set */
	XF_FO_DEFER      = 1u << 12, /* connect() deferred to the first write, whose
				      * data goes on the SYN (raddr/rport kept) */
	XF_DEFER_ACKED   = 1u << 13, /* TCP_DEFER_ACCEPT: the handshake's bare ACK came */
	XF_PORT_LOCK     = 1u << 14, /* bind() gave a port: kept when a failed connect
				      * disconnects the socket (Linux SOCK_BINDPORT_LOCK) */
	XF_ADDR_LOCK     = 1u << 15, /* bind() gave an address (SOCK_BINDADDR_LOCK) */
	XF_SYN_DATA_ACKED = 1u << 16, /* Fast Open: the SYN's data was acknowledged
				       * (Linux syn_data_acked, TCPI_OPT_SYN_DATA) */
	XF_RTO_RESEND    = 1u << 17, /* retransmission timeout: the first segment not
				      * acknowledged goes even into a closed window */
};

/* blk: a blocking call with SO_RCVTIMEO/SO_SNDTIMEO set */
enum { REF_BLK_NONE = 0, REF_BLK_WAIT, REF_BLK_EXPIRED };

/* ---- the TCB (RFC 9293 3.3.1) with its socket -------------------------------------- */

struct ref_tcb {
	struct ref_stack *st;
	struct ref_tcb *hnext;          /* demux chain (or the listener list) */
	struct ref_tcb *anext, *aprev;  /* all TCBs of the stack */
	struct ref_tcb *parent;         /* listener, for passive children not accepted */
	struct ref_tcb *qnext;          /* the listener's child list */
	uint32_t heap_idx;              /* position in the timer heap, UINT32_MAX if out */
	int32_t fd;                     /* -1 when no descriptor refers to it */
	uint32_t flags;                 /* TF_* */
	uint8_t state;                  /* enum ref_state */
	uint8_t family;                 /* REF_AF_INET / REF_AF_INET6 */
	uint16_t lport, rport;
	struct ref_addr laddr, raddr;

	/* send sequence space (RFC 9293 3.3.1) */
	ref_seq_t iss, snd_una, snd_nxt, snd_max, snd_wl1, snd_wl2, snd_up;
	ref_seq_t snd_buf_seq;          /* sequence number of the first byte of sndq */
	ref_seq_t recover;              /* RFC 6582 */
	/* RFC 5682 F-RTO: 0 off, 1 after the timeout's retransmission (step 1), 2 after
	 * the new segments of step 2b; "recover" of 5682 and the end of the
	 * retransmitted segment */
	uint8_t frto;
	ref_seq_t frto_recover, frto_rexmit_end;
	ref_seq_t rtt_seq;
	ref_seq_t snd_sml;              /* end of the last short segment sent (Nagle) */
	ref_seq_t pushed_seq;           /* where the last PSH was marked (Linux forced push) */
	uint32_t snd_wnd, max_sndwnd, cwnd, ssthresh, ca_acked;
	/* receive sequence space */
	ref_seq_t irs, rcv_nxt, rcv_adv, rcv_up, last_ack_sent, fin_seq;
	uint8_t snd_wscale, rcv_wscale;
	uint8_t dupacks, backoff, nrexmt, probes, nooo, quick;
	uint16_t peer_mss, adv_mss, snd_mss, user_mss;
	uint16_t encap_port;            /* TCP over UDP: the peer's UDP port; 0 = plain */
	uint16_t rcv_mss;               /* largest segment seen from the peer */
	uint16_t pmtu;                  /* path MTU learnt from ICMP (0: the link MTU) */
	uint32_t ts_recent, ts_offset;
	uint32_t rcv_unacked;           /* bytes received since the last ACK we sent */
	int64_t ts_recent_age;
	int64_t srtt, rttvar, rto, rtt_start;   /* ns; srtt < 0: no sample yet */
	/* timers: absolute deadlines, REF_NEVER when off (timers.c) */
	int64_t t_rexmt, t_persist, t_delack, t_keep, t_2msl, t_linger;
	int64_t t_block;                /* a blocking call's SO_RCVTIMEO/SO_SNDTIMEO expiry */
	int64_t deadline;               /* the earliest of them, the heap key */
	int64_t rexmt_since;            /* when the oldest unacked data was first sent */
	int64_t last_recv, last_data_recv, last_data_sent, last_ack_recv;
	int64_t last_oow_ack;           /* tcp_invalid_ratelimit: the last throttled-kind
					 * ACK (challenge, or for an unacceptable segment) */
	struct ref_sack_block ooo[REF_MAX_OOO];     /* data held beyond RCV.NXT, most recent first */
	/* the scoreboard (RFC 6675 2): SACKed ranges above SND.UNA, ascending, disjoint */
	struct ref_sack_block sb[REF_MAX_SB];
	uint8_t nsb;
	uint32_t xflags;                /* XF_* */
	ref_seq_t high_rxt;             /* RFC 6675 HighRxt, as the octet after it */
	ref_seq_t rxt_end;              /* after the highest octet retransmitted (any
					 * way); <= SND.UNA when none is outstanding */
	ref_seq_t loss_end;             /* SND.MAX at the last RTO: what lies below it
					 * and above SND.UNA counts as lost (tcpi_lost) */
	struct ref_sack_block dsack;    /* RFC 2883: the duplicate to report (XF_DSACK) */
	uint64_t dsack_seg;             /* stats.segs_in when it was noted */
	uint32_t dsack_dups;            /* D-SACK blocks received */
	ref_seq_t ecn_recover;          /* SND.MAX at the last ECE reduction (RFC 3168) */
	uint32_t delivered_ce;          /* CE-marked segments received */
	uint32_t lt_bytes;              /* sent by Limited Transmit since the last
					 * cumulative ACK (RFC 3042; not FlightSize) */
	uint16_t fastopen_qlen;         /* listener: TCP_FASTOPEN (RFC 7413 5.1 limit) */
	uint8_t fo_nkeys;               /* TCP_FASTOPEN_KEY: 0 (the stack's key), 1 or 2 */
	uint8_t fo_key[2][16];          /* primary, backup (RFC 7413 4.1.2) */
	uint16_t wake_rd, wake_all;     /* wake-ups as Linux gives them to waiters
					 * (ref_sock_wakeups): readable data or a connection
					 * to accept; a state change or error */
	uint8_t defer_accept;           /* TCP_DEFER_ACCEPT as SYN-ACK timeouts (Linux) */
	uint8_t oob_byte;
	int16_t so_error, soft_error;
	struct ref_ring sndq, rcvq;
	uint32_t sndbuf, rcvbuf;
	uint32_t rcvq_bound;            /* octets the receive queue may hold from its head:
					 * rcvbuf as a ring reserving it would round it, the
					 * largest so far (input.c rcvq_room) */
	bool rcvbuf_locked;             /* SO_RCVBUF given: the buffer never grows, so it
					 * alone sizes the window scale (RFC 7323 2.3) */
	uint32_t wr_done;               /* a blocking send: octets already queued */
	ref_seq_t *pushq;               /* where writes ended: PSH goes there (also when
					 * retransmitted); part of the send buffer */
	uint16_t npush, cappush;
	/* listener */
	int32_t backlog;
	uint16_t nsyn, nqueued;
	/* socket options */
	uint32_t user_timeout_ms, keep_idle_s, keep_intvl_s;
	uint16_t linger_s;
	uint8_t blk;                    /* REF_BLK_*: a blocking call under a timeout */
	int64_t rcvtimeo, sndtimeo;     /* SO_RCVTIMEO / SO_SNDTIMEO in ns, 0 = forever */
	uint8_t keep_cnt, syn_retries;
	/* statistics for TCP_INFO */
	uint32_t total_retrans, segs_in, segs_out, data_segs_in, data_segs_out;
	uint64_t bytes_acked, bytes_received, bytes_sent, bytes_retrans;
};

/* ---- the stack ---------------------------------------------------------------------- */

struct ref_stack {
	struct ref_config cfg;
	ref_output_fn out;
	void *out_ctx;
	int64_t now;                    /* the time of the event being processed */
	struct ref_tcb **hash;          /* connections by 4-tuple */
	uint32_t hash_mask, hash_count;
	struct ref_tcb *listeners;
	struct ref_tcb *all;
	struct ref_tcb **fds;
	int32_t nfds;
	struct ref_tcb **heap;
	uint32_t nheap, capheap;
	uint16_t next_port;
	int64_t challenge_window;       /* RFC 5961 7: start of the current second */
	uint32_t challenge_count;
	struct ref_result last;
	struct ref_fo_cache {           /* client: cookies by server address (RFC 7413 4.1) */
		struct ref_addr addr;
		uint8_t len;
		uint16_t mss;           /* the server's MSS (4.1.3) */
		uint8_t cookie[REF_MAX_COOKIE];
	} fo_cache[8];
	uint8_t nfo_cache, fo_next;
	struct ref_stats stats;
	uint8_t scratch[65536];         /* payload of the segment being sent (last: not
					 * zeroed by ref_stack_new) */
};

/* stack.c */
struct ref_tcb *ref_tcb_new(struct ref_stack *st, int family);
void ref_tcb_hash_insert(struct ref_stack *st, struct ref_tcb *tp);
void ref_tcb_hash_remove(struct ref_stack *st, struct ref_tcb *tp);
struct ref_tcb *ref_tcb_lookup(struct ref_stack *st, const struct ref_segment *seg);
struct ref_tcb *ref_listener_lookup(struct ref_stack *st, const struct ref_addr *a,
				    uint16_t port);
/* Enter CLOSED: timers off, out of the demux table; err goes to SO_ERROR. */
void ref_tcb_closed(struct ref_tcb *tp, int err);
/* Free tp if nothing refers to it any more (CLOSED, no fd, not queued). */
void ref_tcb_release_if_dead(struct ref_tcb *tp);
void ref_tcb_free(struct ref_tcb *tp);
void ref_child_unlink(struct ref_tcb *tp);   /* out of its listener's lists */
/* A passive child's handshake completed: into the accept queue, behind the children
 * that completed before it (accept() order is completion order, not SYN order). */
void ref_child_queue(struct ref_tcb *tp);
void ref_set_state(struct ref_tcb *tp, int state);
bool ref_addr_eq(const struct ref_addr *a, const struct ref_addr *b);
bool ref_addr_any(const struct ref_addr *a);

/* timers.c */
void ref_timer_update(struct ref_tcb *tp);     /* after any t_* change */
void ref_timers_cancel(struct ref_tcb *tp);
void ref_timer_rexmt_start(struct ref_tcb *tp); /* (re)arm with the current RTO */
void ref_timer_run(struct ref_tcb *tp, int64_t now);
void ref_heap_remove(struct ref_stack *st, struct ref_tcb *tp);
int64_t ref_rto_backed_off(const struct ref_tcb *tp);

/* output.c */
void ref_output(struct ref_tcb *tp);
void ref_send_ack_now(struct ref_tcb *tp);
void ref_send_keepalive(struct ref_tcb *tp);
/* A RST for tp (abort, RFC 9293 3.10.5): <SEQ=SND.NXT><CTL=RST,ACK>. */
void ref_send_rst_for(struct ref_tcb *tp);
/* A RST answering seg with no TCB behind it (RFC 9293 3.10.7.1). */
void ref_send_rst_reply(struct ref_stack *st, const struct ref_segment *seg);
/* A challenge ACK (RFC 5961 3.2, 4.2, 5.2), rate limited (RFC 5961 7);
 * false when the limit suppressed it. */
bool ref_send_challenge_ack(struct ref_tcb *tp);
/* tcp_invalid_ratelimit (0 = off): true when an ACK answering an unacceptable segment
 * must be held back, because one went less than the limit ago on this connection. */
bool ref_oow_rate_limited(struct ref_tcb *tp);
uint32_t ref_rcv_window(struct ref_tcb *tp);   /* what we would advertise now */
/* The peer's window a segment offers, in octets (RFC 7323 2.2: never scaled on a SYN). */
uint32_t ref_seg_wnd(const struct ref_tcb *tp, const struct ref_segment *seg);
void ref_ack_received(struct ref_tcb *tp, const struct ref_segment *seg);
uint32_t ref_flight(const struct ref_tcb *tp);
void ref_rtt_sample(struct ref_tcb *tp, int64_t r);   /* RFC 6298 2 */
ref_seq_t ref_snd_data_end(const struct ref_tcb *tp);  /* seq after the last queued byte */

/* options.c */
void ref_opts_syn_received(struct ref_tcb *tp, const struct ref_segment *seg, bool our_syn_sent_opts);
void ref_bound_mss_to_window(struct ref_tcb *tp);
void ref_opts_build(struct ref_tcb *tp, struct ref_segment *out, bool syn);
bool ref_paws_reject(struct ref_tcb *tp, const struct ref_segment *seg);
void ref_ts_update_recent(struct ref_tcb *tp, const struct ref_segment *seg);
uint32_t ref_ts_now(const struct ref_tcb *tp);
void ref_update_snd_mss(struct ref_tcb *tp);
uint16_t ref_default_mss(int family);   /* 536 / 1220 (RFC 9293 3.7.1, MUST-15) */
uint16_t ref_our_mss(const struct ref_tcb *tp);
/* TCP over UDP (udpencap.c) */
uint32_t ref_encap_overhead(const struct ref_tcb *tp);
bool ref_encap_other(const struct ref_tcb *tp, const struct ref_segment *seg);
int ref_encap_setsockopt(struct ref_tcb *tp, int v);
uint8_t ref_our_wscale(const struct ref_tcb *tp);

/* isn.c */
uint64_t ref_siphash24(const uint8_t key[16], const uint8_t *msg, size_t len);
ref_seq_t ref_isn(const struct ref_tcb *tp, int64_t now);
uint32_t ref_ts_offset(const struct ref_tcb *tp);

/* input.c */
void ref_init_cwnd(struct ref_tcb *tp);      /* RFC 5681 3.1 IW */
void ref_deliver_data(struct ref_tcb *tp, const struct ref_segment *seg, ref_seq_t seq,
		      const uint8_t *data, uint32_t len);

/* socket.c */
uint32_t ref_rcvq_readable(const struct ref_tcb *tp);
/* The receive queue's limit from its head, and room for len octets at offset off below
 * it: how many fit, reserved (UINT32_MAX when out of memory) (buf.c) */
uint32_t ref_rcvq_limit(struct ref_tcb *tp);
uint32_t ref_rcvq_room(struct ref_tcb *tp, uint32_t off, uint32_t len);

/* sack.c: the sender's scoreboard and RFC 6675 loss recovery; D-SACK (RFC 2883) */
/* Record the SACK blocks of seg (a D-SACK first block is counted, not recorded);
 * true when they SACK octets not SACKed before (RFC 6675 2 "duplicate ACK"). */
bool ref_sack_update(struct ref_tcb *tp, const struct ref_segment *seg);
void ref_sack_trim(struct ref_tcb *tp);         /* forget ranges below SND.UNA */
void ref_sack_clear(struct ref_tcb *tp);

/* frto.c: RFC 5682 F-RTO, detecting spurious retransmission timeouts */
/* At a data retransmission timeout, after the retransmission of step 1. */
void ref_frto_timeout(struct ref_tcb *tp, bool first);
/* For an ACK while F-RTO runs, after the rest of its processing (SND.UNA and the
 * window updated); a duplicate ACK in step 3 is F-RTO's alone (the caller skips the
 * duplicate-ACK rules for it). */
void ref_frto_ack(struct ref_tcb *tp, bool advanced, bool dup);
/* output.c: up to n segments of never-sent data, as the peer's window allows and
 * whatever cwnd says (RFC 5682 2.1 step 2b); how many went */
unsigned ref_send_new_segments(struct ref_tcb *tp, unsigned n);
uint32_t ref_sack_sacked(const struct ref_tcb *tp);    /* octets SACKed */
bool ref_sack_is_lost(const struct ref_tcb *tp, ref_seq_t seq);   /* IsLost() */
uint32_t ref_sack_pipe(const struct ref_tcb *tp);      /* SetPipe() */
/* NextSeg() rules (1) (lost = true) and (3) (lost = false): a range to retransmit */
bool ref_sack_next_hole(const struct ref_tcb *tp, bool lost, ref_seq_t *seq, uint32_t *len);
/* Segments (SMSS each, rounded up per hole) of the unSACKed octets in [from, to);
 * lost_only: only in holes IsLost() declares lost. */
uint32_t ref_sack_count_segs(const struct ref_tcb *tp, ref_seq_t from, ref_seq_t to,
			     bool lost_only);
/* The receiver saw [left, right) twice: report it in the next ACK (RFC 2883 4). */
void ref_dsack_note(struct ref_tcb *tp, ref_seq_t left, ref_seq_t right);

/* tfo.c: TCP Fast Open, RFC 7413 */
void ref_tfo_cookie(const struct ref_stack *st, const uint8_t key[16],
		    const struct ref_addr *peer, const struct ref_addr *local,
		    uint8_t out[REF_TFO_COOKIE]);
int ref_tfo_set_key(struct ref_tcb *tp, const void *val, unsigned len);
int ref_tfo_get_key(const struct ref_tcb *tp, void *val, unsigned *len);
/* A SYN for listener l made child tp (SYN-RECEIVED, SYN text held): take the text and
 * queue tp for accept() at once when its cookie is good, else mark a cookie reply. */
void ref_tfo_syn_in(struct ref_tcb *l, struct ref_tcb *tp, const struct ref_segment *seg);
/* Client: remember the cookie of a SYN-ACK; find the one for a server. */
void ref_tfo_cache_put(struct ref_stack *st, const struct ref_addr *a, const uint8_t *c,
		       uint8_t len, uint16_t mss);
/* Octets a Fast Open SYN to tp's peer may carry (as Linux: the MSS, at most the
 * server's cached one, less 40 octets of option space). */
uint32_t ref_tfo_syn_room(const struct ref_tcb *tp);
const struct ref_fo_cache *ref_tfo_cache_get(const struct ref_stack *st,
					     const struct ref_addr *a);
void ref_tfo_opt_build(struct ref_tcb *tp, struct ref_segment *out);

/* ecn.c: RFC 3168 */
void ref_ecn_syn_in(struct ref_tcb *tp, const struct ref_segment *seg, bool passive);
void ref_ecn_input(struct ref_tcb *tp, const struct ref_segment *seg);
void ref_ecn_ack(struct ref_tcb *tp, const struct ref_segment *seg);
void ref_ecn_output(struct ref_tcb *tp, struct ref_segment *s, bool new_data);

/* output.c, for RFC 6675 */
void ref_retransmit_range(struct ref_tcb *tp, ref_seq_t seq, uint32_t len);
void ref_send_synack_again(struct ref_tcb *tp);   /* SYN,ACK only, SND.NXT kept */
void ref_sack_enter_recovery(struct ref_tcb *tp);

#endif
