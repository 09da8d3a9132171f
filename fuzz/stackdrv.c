/* fuzz/stackdrv.c: fuzz records played into a stack under test and a reference twin
 * through target.h, with the wire oracles and the differential check (stackdrv.h). */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "fuzz/stackdrv.h"
#include "refstack/ref_int.h"
#include "target-adapters/reference.h"

#ifndef SIOCINQ
#define SIOCINQ FIONREAD
#endif

#define SD_MAX_TIME_MS 130000   /* one TIME record moves the clock 130 s at most (past lwIP's 2 MSL) */

static bool sgt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static bool slt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool sge(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

static void finding(struct sd *d, int side, const char *oracle, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void finding(struct sd *d, int side, const char *oracle, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (d->finding_set)
		return;
	d->finding_set = true;
	d->finding.oracle = oracle;
	d->finding.side = side;
	d->finding.record = d->record;
	n = snprintf(d->finding.msg, sizeof d->finding.msg, "%s: ", d->side[side].name);
	va_start(ap, fmt);
	vsnprintf(d->finding.msg + n, sizeof d->finding.msg - (size_t)n, fmt, ap);
	va_end(ap);
}

static void rfc5961_ack_finding(struct sd *d, int side, uint32_t ack)
{
	finding(d, side, "rfc5961-ack", "a segment acknowledging data never sent must be "
		"dropped (RFC 5961 5.2, RFC 9293 3.10.7.4), but its data or FIN was "
		"acknowledged (%u)", ack);
}

/* ---- the requirement behind each of the twin's verdicts ---------------------------- */

bool sd_reason_is_must(int reason, const char **req)
{
	static const char *const must[REF_NREASONS] = {
		[REF_R_BAD_CSUM] = "RFC 9293 3.1 MUST-2/MUST-3: a bad checksum is dropped",
		[REF_R_NO_SOCKET] = "RFC 9293 3.10.7.1: CLOSED answers with a RST",
		[REF_R_CLOSED_RST] = "RFC 9293 3.10.7.1: a RST to CLOSED is discarded",
		[REF_R_LISTEN_RST] = "RFC 9293 3.10.7.2: a RST in LISTEN is ignored",
		[REF_R_LISTEN_ACK] = "RFC 9293 3.10.7.2: an ACK in LISTEN gets a RST",
		[REF_R_SYNSENT_BAD_ACK] = "RFC 9293 3.10.7.3: an unacceptable ACK in SYN-SENT "
					  "gets a RST",
		[REF_R_SYNSENT_RST_NOACK] = "RFC 9293 3.10.7.3: a RST without an acceptable "
					    "ACK in SYN-SENT is dropped",
		[REF_R_SYNSENT_RST] = "RFC 9293 3.10.7.3: a RST with an acceptable ACK in "
				      "SYN-SENT refuses the connection",
		[REF_R_OUT_OF_WINDOW] = "RFC 9293 3.10.7.4: an unacceptable segment gets an "
					"ACK and is dropped",
		[REF_R_RST_OUT_OF_WINDOW] = "RFC 9293 3.10.7.4, RFC 5961 3.2: a RST outside the "
					    "window is dropped",
		[REF_R_RST_RESET] = "RFC 9293 3.10.7.4: a RST at RCV.NXT resets the connection",
		[REF_R_NO_ACK] = "RFC 9293 3.10.7.4: a segment without ACK is dropped",
		[REF_R_ACK_UNSENT] = "RFC 9293 3.10.7.4: an ACK of unsent data gets an ACK and "
				     "is dropped",
		[REF_R_TIMEWAIT_FIN] = "RFC 9293 3.10.7.4: a FIN in TIME-WAIT is acknowledged",
	};

	if (reason < 0 || reason >= REF_NREASONS || !must[reason])
		return false;
	if (req)
		*req = must[reason];
	return true;
}

/* ---- calls -------------------------------------------------------------------------- */

/* Make a call on one side: its value or -errno.  A call that stays pending or that the
 * target cannot make at all is a finding. */
static long call1(struct sd *d, int side, const struct target_call *c, struct target_result *r)
{
	struct sd_side *s = &d->side[side];
	int st;

	memset(r, 0, sizeof *r);
	st = target_call(&s->t, c, r);
	if (st == TARGET_OK)
		return r->ret < 0 ? -(long)r->err : (long)r->ret;
	if (st == TARGET_PENDING) {
		finding(d, side, "hang", "%s did not return although the socket is "
			"non-blocking (a hang within the time step)", target_call_name(c->kind));
		return -EAGAIN;
	}
	if (st == TARGET_UNSUPPORTED)
		return -EOPNOTSUPP;
	finding(d, side, "hang", "%s failed in the target: %s", target_call_name(c->kind),
		s->t.diag.msg);
	return -EIO;
}

static void report_call(struct sd *d, int kind, int fd, long arg, long ret, int out)
{
	struct fuzz_call c = { kind, fd, arg, ret, out };

	if (d->hooks->call)
		d->hooks->call(d->ctx, d, &c);
}

/* ---- outbound ----------------------------------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool parse_out(const uint8_t *p, size_t n, struct sd_seg *g, uint8_t *payload)
{
	size_t ihl, tot, doff;
	const uint8_t *t, *o;

	memset(g, 0, sizeof *g);
	if (n < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_TCP)
		return false;
	ihl = (size_t)(p[0] & 15) * 4;
	tot = get16(p + 2);
	if (tot > n)
		tot = n;
	if (ihl < 20 || tot < ihl + 20)
		return false;
	t = p + ihl;
	doff = (size_t)(t[12] >> 4) * 4;
	if (doff < 20 || ihl + doff > tot)
		return false;
	if (get16(t + 2) != 40000)
		return false;
	g->sport = get16(t);
	g->seq = get32(t + 4);
	g->ack = get32(t + 8);
	g->flags = t[13];
	g->win = get16(t + 14);
	g->urp = get16(t + 18);
	g->len = (uint32_t)(tot - ihl - doff);
	if (g->len > 1500)
		g->len = 1500;
	memcpy(payload, t + doff, g->len);
	g->data = payload;
	for (o = t + 20; o < t + doff;) {
		size_t left = (size_t)(t + doff - o), ol;
		if (g->nkinds < (int)sizeof g->kinds)
			g->kinds[g->nkinds++] = o[0];
		if (o[0] == 0)
			break;
		if (o[0] == 1) {
			o++;
			continue;
		}
		if (left < 2 || o[1] < 2 || o[1] > left)
			break;
		ol = o[1];
		switch (o[0]) {
		case 2:
			if (ol == 4) {
				g->has_mss = true;
				g->mss = get16(o + 2);
			}
			break;
		case 3:
			if (ol == 3) {
				g->has_ws = true;
				g->ws = o[2];
			}
			break;
		case 4:
			g->has_sackok = true;
			break;
		case 5:
			for (size_t k = 2; k + 8 <= ol && g->nsack < 4; k += 8, g->nsack++) {
				g->sack[g->nsack][0] = get32(o + k);
				g->sack[g->nsack][1] = get32(o + k + 4);
			}
			break;
		case 8:
			if (ol == 10) {
				g->has_ts = true;
				g->tsval = get32(o + 2);
				g->tsecr = get32(o + 6);
			}
			break;
		}
		o += ol;
	}
	return true;
}

/* The record being played: what the oracles of the answers need of it. */
struct cur {
	bool is_seg;
	bool csum_bad, rst, syn_ack_unsent;
	uint32_t seq, len;
	bool data_inorder[2];   /* per side: the segment started at its RCV.NXT */
	bool peer_any_before;
	uint32_t peer_end_before;       /* the peer's highest sequence number before it */
	uint32_t rcv_before[2];
};

static struct cur cur;
static uint32_t peer_syn_seq;   /* the sequence number of the peer's latest SYN */
static bool peer_syn_text;      /* one of its SYNs carried text or a FIN */

/* [a, b) into the peer's sequence space (syn: a SYN at a), merged with what it touches */
static void peer_range_add(struct sd *d, struct sd_range x)
{
	int n = d->peer_nrng;

	if (n < 0 || !sgt(x.b, x.a))
		return;
	for (int i = 0; i < n; i++) {
		struct sd_range r = d->peer_rng[i];
		if (sgt(r.a, x.b) || sgt(x.a, r.b))
			continue;
		/* touches or overlaps: take it out and add the union */
		struct sd_range u = { slt(r.a, x.a) ? r.a : x.a, sgt(r.b, x.b) ? r.b : x.b, 0,
				      false };
		uint32_t s1 = r.a + r.syn_off, s2 = x.a + x.syn_off;
		if (r.has_syn || x.has_syn) {
			uint32_t syn = !x.has_syn ? s1 : !r.has_syn ? s2 :
				       s1 - u.a < s2 - u.a ? s1 : s2;
			u.has_syn = true;
			u.syn_off = syn - u.a;
		}
		d->peer_rng[i] = d->peer_rng[n - 1];
		d->peer_nrng = n - 1;
		peer_range_add(d, u);
		return;
	}
	if (n == (int)(sizeof d->peer_rng / sizeof d->peer_rng[0])) {
		d->peer_nrng = -1;
		return;
	}
	d->peer_rng[n] = x;
	d->peer_nrng = n + 1;
}

/* whether an acknowledgement of ack covers only what the peer sent: ack - 1 lies in a
 * run of its sequence space with one of its SYNs at or before ack - 1 */
static bool peer_acked_ok(const struct sd *d, uint32_t ack)
{
	if (d->peer_nrng < 0)
		return true;
	for (int i = 0; i < d->peer_nrng; i++) {
		const struct sd_range *r = &d->peer_rng[i];
		if (sge(ack - 1, r->a) && slt(ack - 1, r->b))
			return r->has_syn && r->syn_off <= ack - 1 - r->a;
	}
	return false;
}

static void check_out(struct sd *d, int side, struct sd_seg *g)
{
	struct sd_side *s = &d->side[side];
	uint32_t dstart, end;
	bool syn = g->flags & TH_SYN, fin = g->flags & TH_FIN, rst = g->flags & TH_RST;

	/* the peer talks to the port of the stack's latest active open (as tcpspec run
	 * does), else to the listener's */
	if ((g->flags & (TH_SYN | TH_ACK)) == TH_SYN)
		s->lport = g->sport;
	if (cur.is_seg && cur.csum_bad)
		finding(d, side, "checksum", "a segment with a bad checksum must change nothing "
			"(RFC 9293 3.1, MUST-2/MUST-3), but the stack answered it");
	if (cur.is_seg && cur.rst && rst)
		finding(d, side, "rst-rst", "a segment with RST must never be answered with a "
			"RST (RFC 9293 3.10.7)");
	/* (a RST's acknowledgement field says nothing received: some stacks set ACK on
	 * every RST, with whatever RCV.NXT they have) */
	if ((g->flags & TH_ACK) && !rst && d->peer_any && sgt(g->ack, d->peer_max_end))
		finding(d, side, "ack-unsent", "acknowledged %u, beyond what the peer sent "
			"(up to %u)", g->ack, d->peer_max_end);
	else if ((g->flags & TH_ACK) && !rst && d->peer_any && !peer_acked_ok(d, g->ack))
		finding(d, side, "ack-unsent", "acknowledged %u across sequence space the "
			"peer never sent (a gap before it, RFC 9293 3.10.7.4: RCV.NXT only "
			"moves over data received in order)", g->ack);
	if (g->sport != s->lport)
		return;         /* another connection of the stack's */
	if (g->has_ts) {
		s->last_tsval = g->tsval;
		s->has_tsval = true;
	}
	if (syn) {
		/* a new connection: another ISN, the old one gone, or a SYN-ACK for another
		 * of the peer's SYNs (a stack may pick the same ISN again) */
		if (!s->has_conn || g->seq != s->iss || s->conn_ended ||
		    ((g->flags & TH_ACK) && s->conn_nsyn != d->peer_nsyn) ||
		    (!(g->flags & TH_ACK) && g->sport != s->conn_port)) {
			s->conn_port = g->sport;
			s->conn_ended = false;
			s->conn_nsyn = d->peer_nsyn;
			s->fin_acked = false;
			s->has_conn = true;
			s->iss = g->seq;
			s->snd_max = g->seq + 1 + g->len + fin;
			s->fin_sent = false;
			s->wnd_valid = false;
			s->irs_known = false;
			s->acked = false;
		}
		s->ws_sent = g->has_ws;
		/* a SYN-ACK: the window of the peer's SYN holds from ISS + 1 (RFC 9293
		 * 3.10.7.4 SYN-RECEIVED takes the ACK's; some stacks keep the SYN's) */
		if ((g->flags & TH_ACK) && d->peer_syn_wnd_valid) {
			s->wnd_ack = s->iss + 1;
			s->wnd_max = d->peer_syn_wnd;
			s->wnd_valid = true;
		}
	}
	if (g->flags & TH_ACK) {
		if (!s->irs_known && s->has_conn && d->peer_any && sge(g->ack, d->peer_max_end)) {
			/* the first acknowledgement of the peer's SYN: the peer's stream is
			 * numbered from there */
			s->irs = peer_syn_seq;
			s->irs_known = true;
		}
		/* the peer's FIN acknowledged: nothing after it may be */
		if (!rst && s->fin_acked && sgt(g->ack, s->fin_ack))
			finding(d, side, "fin", "acknowledged %u after the peer's FIN at %u: data or "
				"sequence space accepted after the FIN (RFC 9293 3.10.7.4 eighth "
				"step)", g->ack, s->fin_ack - 1);
		/* ... is when its acknowledgement moves onto the end of one of the peer's FINs */
		for (int i = 0; i < 4 && !rst && !s->fin_acked; i++)
			if (d->peer_fin_valid[i] && g->ack == d->peer_fin_end[i] && s->irs_known &&
			    s->acked && sgt(g->ack, s->rcv_nxt)) {
				s->fin_acked = true;
				s->fin_ack = g->ack;
			}
		if (!rst) {
			s->acked = true;
			s->rcv_nxt = g->ack;
		}
	}
	if (rst) {
		/* a RST in the connection's sequence space ends it; one <SEQ=SEG.ACK> that
		 * answers an unacceptable ACK (SYN-RECEIVED, RFC 9293 3.10.7.4; or a
		 * listener's) leaves the connection as it is, and its IRS known */
		if (!s->has_conn || (!slt(g->seq, s->iss) && !sgt(g->seq, s->snd_max))) {
			s->irs_known = false;
			s->conn_ended = true;
		}
		return;
	}
	if (!s->has_conn)
		return;
	if (!syn && (slt(g->seq, s->iss) || sgt(g->seq, s->snd_max)))
		finding(d, side, "seq-range", "sequence number %u outside [ISS, SND.MAX] = "
			"[%u, %u]", g->seq - s->iss, 0u, s->snd_max - s->iss);
	dstart = g->seq + syn;
	end = dstart + g->len;
	if (g->len) {
		bool garbage = g->len == 1 && s->wnd_valid && slt(dstart, s->wnd_ack);
		if (slt(dstart, s->iss + 1))
			finding(d, side, "written", "data sent before ISS + 1");
		else if (!garbage) {
			uint32_t off = dstart - (s->iss + 1);
			if ((uint64_t)off + g->len > s->nsent)
				finding(d, side, "written", "sent octets %u..%u, but the application "
					"wrote %u", off + 1, off + g->len, s->nsent);
			else if (memcmp(g->data, s->sent + off, g->len))
				finding(d, side, "written", "the octets sent at %u differ from what "
					"the application wrote there", off + 1);
		}
		if (s->fin_sent && sgt(end, s->fin_seq))
			finding(d, side, "written", "data sent after its FIN");
		if (s->wnd_valid && sgt(end, s->wnd_ack + (uint32_t)s->wnd_max + 1))
			finding(d, side, "window", "data up to %u sent beyond the peer's window "
				"(largest ACK %u plus largest window %llu, and one octet of a probe; "
				"RFC 9293 3.8.6)", end - s->iss, s->wnd_ack - s->iss,
				(unsigned long long)s->wnd_max);
	}
	if (fin && !s->fin_sent) {
		s->fin_sent = true;
		s->fin_seq = end;
	}
	if (sgt(end + fin, s->snd_max))
		s->snd_max = end + fin;
	/* sequence space only this segment carried was acknowledged */
	if (cur.is_seg && cur.syn_ack_unsent && (g->flags & TH_ACK) &&
	    sgt(g->ack, cur.rcv_before[side]) &&
	    (!cur.peer_any_before || sgt(g->ack, cur.peer_end_before)))
		rfc5961_ack_finding(d, side, g->ack);
}

static void drain(struct sd *d, int side)
{
	struct sd_side *s = &d->side[side];
	static struct target_packet pk;

	while (target_next_outbound(&s->t, 0, &pk) == TARGET_OK) {
		struct sd_seg g;
		uint8_t *buf = s->payload[s->nout < SD_MAXOUT ? s->nout : SD_MAXOUT - 1];
		if (!parse_out(pk.data, pk.len, &g, buf))
			continue;
		g.t = pk.time_ns;
		/* a new SYN, or the same one again (a retransmission: its timing is the
		 * stack's choice) */
		if ((g.flags & TH_SYN) && s->has_conn && g.seq == s->iss && g.sport == s->lport)
			s->reply |= SD_R_SYN_AGAIN;
		else if (g.flags & TH_SYN)
			s->reply |= SD_R_SYN;
		if (g.flags & TH_RST)
			s->reply |= SD_R_RST;
		else if (g.flags & TH_FIN)
			s->reply |= SD_R_FIN;
		else if (g.len)
			s->reply |= SD_R_DATA;
		else if (g.flags & TH_ACK)
			s->reply |= SD_R_ACK;
		if ((g.flags & TH_ACK) && !(g.flags & TH_RST)) {
			s->rec_acked = true;
			s->rec_ack = g.ack;
		}
		check_out(d, side, &g);
		if (s->nout < SD_MAXOUT)
			s->out[s->nout++] = g;
		s->nout_total++;
		if (d->hooks->out)
			d->hooks->out(d->ctx, d, side, &g);
	}
}

/* ---- inbound ------------------------------------------------------------------------ */

static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; n -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The peer's segment for record r, as it means it (twin's numbers). */
static void describe(struct sd *d, const struct fuzz_rec *r, struct sd_in *in)
{
	struct sd_side *tw = &d->side[SD_TWIN];
	bool odd = r->opts & FUZZ_O_ODD;
	unsigned m = r->op >> 3;
	uint32_t snd_rel = tw->has_conn ? tw->snd_max - tw->iss : 0;

	memset(in, 0, sizeof *in);
	in->flags = r->flags;
	in->seq = (tw->acked ? tw->rcv_nxt : FUZZ_PEER_ISN) + (uint32_t)(int32_t)r->dseq;
	in->ack_abs = !tw->has_conn;
	in->ack_rel = ((r->op & FUZZ_OP_ACK_UNA) ? d->peer_una_rel : snd_rel) +
		      (uint32_t)(int32_t)r->dack;
	in->win = r->win;
	in->urp = (r->flags & TH_URG) ? 1 : 0;
	if (m & 16)
		in->urp = 0xffff;
	in->len = fuzz_seg_len(r->len);
	if (in->len > 1400)
		in->len = 1400;
	in->csum_bad = r->opts & FUZZ_O_BADCSUM;
	in->res = (m & 4) ? 0xe : -1;
	in->doff = -1;
	if (r->opts & FUZZ_O_MSS)
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_MSS, .a = odd ? 536 : 1460 };
	if (r->opts & FUZZ_O_WS) {
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_WS, .a = odd ? 15 : 7 };
	}
	if (r->opts & FUZZ_O_SACKOK) {
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_SACKOK };
	}
	if (r->opts & FUZZ_O_TS) {
		d->peer_ts += 1000;
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){
			.kind = SD_O_TS, .a = odd ? d->peer_ts - 0x40000000u : d->peer_ts,
			.ecr_live = (r->flags & TH_ACK) != 0 };
	}
	if ((r->opts & FUZZ_O_SACK) && tw->has_conn) {
		uint32_t left = d->peer_una_rel + 1, right = snd_rel;
		if (!sgt(right, left))
			right = left + 100;
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_SACK, .a = odd ? right : left,
						       .b = odd ? left : right };
	}
	if (r->opts & FUZZ_O_BADLEN) {         /* MSS with length 3 (MUST-7) */
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_RAW, .raw = { 2, 3, 5 },
						       .nraw = 3 };
	}
	if (m & 3) {
		static const uint8_t bad[3][2] = { { 8, 0 }, { 8, 1 }, { 2, 40 } };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_NOP };
		in->opt[in->nopt++] = (struct sd_opt){ .kind = SD_O_RAW,
						       .raw = { bad[(m & 3) - 1][0],
								bad[(m & 3) - 1][1] }, .nraw = 2 };
	}
	if (m & 8)
		in->doff = 1;   /* resolved in build(): it depends on the header's length */
	/* 40 octets of options at most: the timestamps and SACK go first */
	for (;;) {
		size_t total = 0;
		int drop = -1;
		for (int i = 0; i < in->nopt; i++) {
			static const uint8_t size[] = { 1, 4, 3, 2, 10, 10, 0 };
			total += in->opt[i].kind == SD_O_RAW ? in->opt[i].nraw : size[in->opt[i].kind];
			if (in->opt[i].kind == SD_O_TS || in->opt[i].kind == SD_O_SACK)
				drop = i;
		}
		if ((total + 3) / 4 * 4 <= 40 || drop < 2)
			break;
		memmove(&in->opt[drop - 2], &in->opt[drop + 1],
			(size_t)(in->nopt - drop - 1) * sizeof in->opt[0]);
		in->nopt -= 3;
	}
}

static size_t opt_bytes(const struct sd_opt *o, uint8_t *p, uint32_t iss, uint32_t tsecr)
{
	switch (o->kind) {
	case SD_O_NOP: p[0] = 1; return 1;
	case SD_O_MSS: p[0] = 2; p[1] = 4; put16(p + 2, o->a); return 4;
	case SD_O_WS: p[0] = 3; p[1] = 3; p[2] = (uint8_t)o->a; return 3;
	case SD_O_SACKOK: p[0] = 4; p[1] = 2; return 2;
	case SD_O_TS:
		p[0] = 8; p[1] = 10; put32(p + 2, o->a); put32(p + 6, o->ecr_live ? tsecr : 0);
		return 10;
	case SD_O_SACK:
		p[0] = 5; p[1] = 10; put32(p + 2, iss + o->a); put32(p + 6, iss + o->b);
		return 10;
	case SD_O_RAW:
		memcpy(p, o->raw, o->nraw);
		return o->nraw;
	}
	return 0;
}

/* The IPv4 packet of in for one side (its ISN, port, TS val), in buf; its length. */
static size_t build(struct sd *d, int side, struct sd_in *in, uint8_t *buf)
{
	struct sd_side *s = &d->side[side];
	uint8_t *t = buf + 20, opts[64];
	size_t no = 0, hl, tot;
	uint32_t ack = in->ack_abs || !s->has_conn ? in->ack_rel : s->iss + in->ack_rel;
	uint64_t sum;
	int doff;

	for (int i = 0; i < in->nopt; i++)
		no += opt_bytes(&in->opt[i], opts + no, s->iss, s->has_tsval ? s->last_tsval : 0);
	while (no % 4)
		opts[no++] = 0;         /* EOL padding, as the engine pads */
	hl = 20 + no;
	tot = 20 + hl + in->len;
	memset(buf, 0, 40);
	buf[0] = 0x45;
	put16(buf + 2, (uint32_t)tot);
	buf[6] = 0x40;
	buf[8] = 64;
	buf[9] = IPPROTO_TCP;
	buf[12] = 192; buf[13] = 0; buf[14] = 2; buf[15] = 1;
	buf[16] = 192; buf[17] = 0; buf[18] = 2; buf[19] = 2;
	put16(buf + 10, csum_fold(csum_add(0, buf, 20)));
	put16(t, 40000);
	put16(t + 2, s->lport);
	put32(t + 4, in->seq);
	put32(t + 8, ack);
	doff = (int)(hl / 4);
	if (in->doff >= 0) {
		/* a lie: one word short, or with no options 15 (past the end) / 4 (too short) */
		if (in->doff == 1 || in->doff == (doff > 5 ? doff - 1 : in->len ? 15 : 4))
			in->doff = doff > 5 ? doff - 1 : in->len ? 15 : 4;
		doff = in->doff;
	}
	t[12] = (uint8_t)(doff << 4 | (in->res >= 0 ? in->res : 0));
	t[13] = in->flags;
	put16(t + 14, in->win);
	put16(t + 18, in->urp);
	memcpy(t + 20, opts, no);
	fuzz_stream_copy(t + hl, in->seq + !!(in->flags & TH_SYN), in->len);
	sum = csum_add(0, buf + 12, 8);
	sum += IPPROTO_TCP + (uint32_t)(tot - 20);
	sum = csum_add(sum, t, tot - 20);
	{
		uint16_t c = csum_fold(sum);
		if (in->csum_bad)
			c = (c == 0 || c == 0xffff) ? 0x5555 : (uint16_t)~c;
		put16(t + 16, c);
	}
	return tot;
}

/* what the peer's segment tells the oracles, before the stacks see it */
static void note_inbound(struct sd *d, int side, const struct sd_in *in)
{
	struct sd_side *s = &d->side[side];
	uint32_t ack = in->ack_abs || !s->has_conn ? in->ack_rel : s->iss + in->ack_rel;
	unsigned shift = s->ws_sent && d->peer_ws ? (d->peer_ws_shift > 14 ? 14 : d->peer_ws_shift)
						  : 0;

	cur.data_inorder[side] = s->acked && in->seq == s->rcv_nxt && (in->len || (in->flags & TH_FIN));
	cur.rcv_before[side] = s->rcv_nxt;
	if (in->flags & TH_URG || in->urp || in->doff >= 0)
		s->stream_unknown = true;
	if (in->csum_bad || !(in->flags & TH_ACK) || (in->flags & TH_RST) || !s->has_conn)
		return;
	if (slt(ack, s->iss) || sgt(ack, s->snd_max))
		return;
	uint64_t w = (uint64_t)in->win << ((in->flags & TH_SYN) ? 0 : shift);
	if (!s->wnd_valid || sgt(ack, s->wnd_ack))
		s->wnd_ack = ack;
	if (!s->wnd_valid || w > s->wnd_max)
		s->wnd_max = w;
	s->wnd_valid = true;
}

static void peer_sent(struct sd *d, const struct sd_in *in)
{
	uint32_t hdr_slack = in->doff >= 0 ? 40 : 0;    /* options read as data */
	uint32_t end = in->seq + !!(in->flags & TH_SYN) + in->len + hdr_slack +
		       !!(in->flags & TH_FIN);

	if (in->csum_bad)
		return;
	if (!d->peer_any || sgt(end, d->peer_max_end))
		d->peer_max_end = end;
	end = in->seq + !!(in->flags & TH_SYN) + in->len;
	if (!d->peer_any || sgt(end, d->peer_data_end))
		d->peer_data_end = end;
	d->peer_any = true;
	/* a FIN that later data covers was not where the stream ended (options read as
	 * data may reach hdr_slack further: an ACK of them can land on a FIN's end) */
	if ((in->len || hdr_slack) && !(in->flags & TH_RST))
		for (int i = 0; i < 4; i++)
			if (d->peer_fin_valid[i] &&
			    sge(in->seq + !!(in->flags & TH_SYN) + in->len + hdr_slack,
				d->peer_fin_end[i]))
				d->peer_fin_valid[i] = false;
	/* ... nor one inside data already sent (the stream's end is ambiguous there) */
	if ((in->flags & TH_FIN) && !(in->flags & TH_RST) && in->doff < 0 && !in->csum_bad &&
	    !(d->peer_any && sgt(d->peer_data_end, in->seq + !!(in->flags & TH_SYN) + in->len))) {
		d->peer_fin_end[d->peer_nfin % 4] = in->seq + !!(in->flags & TH_SYN) + in->len + 1;
		d->peer_fin_valid[d->peer_nfin++ % 4] = true;
	}
	peer_range_add(d, (struct sd_range){ in->seq, in->seq + !!(in->flags & TH_SYN) +
		       in->len + hdr_slack + !!(in->flags & TH_FIN), 0,
		       (in->flags & TH_SYN) != 0 });
	if (in->flags & TH_SYN) {
		d->peer_nsyn++;
		peer_syn_seq = in->seq;
		peer_syn_text |= in->len > 0 || (in->flags & TH_FIN);
		d->peer_syn_wnd = in->win;
		d->peer_syn_wnd_valid = !(in->flags & TH_RST);
		/* the largest scale any of its SYNs offered: a later SYN (challenged in a
		 * synchronized state) changes nothing, and which SYN a stack took is not
		 * always visible, so the window bound takes the largest */
		for (int i = 0; i < in->nopt; i++)
			if (in->opt[i].kind == SD_O_WS) {
				if (!d->peer_ws || in->opt[i].a > d->peer_ws_shift)
					d->peer_ws_shift = (uint8_t)in->opt[i].a;
				d->peer_ws = true;
			}
	}
	if ((in->flags & TH_ACK) && !in->ack_abs &&
	    sgt(in->ack_rel, d->peer_una_rel) &&
	    !sgt(in->ack_rel, d->side[SD_TWIN].snd_max - d->side[SD_TWIN].iss))
		d->peer_una_rel = in->ack_rel;
}

/* ---- the twin's view ---------------------------------------------------------------- */

static int twin_state(struct sd *d)
{
	struct ref_stack *st = target_reference_stack(&d->side[SD_TWIN].t);
	struct ref_segment probe;
	struct ref_tcb *tp;

	if (!st)
		return REF_CLOSED;
	memset(&probe, 0, sizeof probe);
	probe.src = (struct ref_addr){ REF_AF_INET, { 192, 0, 2, 1 } };
	probe.dst = (struct ref_addr){ REF_AF_INET, { 192, 0, 2, 2 } };
	probe.sport = 40000;
	probe.dport = d->side[SD_TWIN].lport;
	tp = ref_tcb_lookup(st, &probe);
	return tp ? tp->state : REF_CLOSED;
}

int sd_seg_class(const struct sd *d, const struct sd_in *in)
{
	static const int8_t by_flags[16] = {
		0, 7, 3, 8, 5, 8, 8, 8,   1, 7, 4, 8, 6, 8, 8, 8,
	};
	int fl = (in->flags & 7) | ((in->flags & TH_ACK) ? 8 : 0), c = by_flags[fl], pos = 0;
	const struct sd_side *tw = &d->side[SD_TWIN];

	if (c == 1 && in->len)
		c = 2;
	if (tw->acked) {
		int32_t off = (int32_t)(in->seq - tw->rcv_nxt);
		pos = off == 0 ? 1 : (off > 0 && off < 65536) ? 2 : 3;
	}
	return c * 4 + pos;
}

/* tcpi_state as a coarse class: 0 unknown, 1 closed, 2 opening, 3 open, 4 closing */
static int state_class(int tcpi)
{
	switch (tcpi) {
	case 7: case 10: return 1;              /* CLOSE, LISTEN */
	case 2: case 3: return 2;               /* SYN_SENT, SYN_RECV */
	case 1: case 8: return 3;               /* ESTABLISHED, CLOSE_WAIT */
	case 4: case 5: case 6: case 9: case 11: return 4;
	default: return 0;
	}
}

static int tcp_state(struct sd_side *s)
{
	struct target_tcp_info ti;

	if (s->cfd < 0 || !s->t.ops || !s->t.ops->tcp_info)
		return -1;
	if (target_tcp_info(&s->t, s->cfd, &ti) != TARGET_OK ||
	    !(ti.valid & (1ull << TARGET_TI_state)))
		return -1;
	return (int)ti.v[TARGET_TI_state];
}

static const char *reply_text(unsigned r, char *buf, size_t cap)
{
	static const char *const names[] = { "ACK", "data", "FIN", "RST", "SYN",
					     "SYN again" };
	size_t n = 0;

	if (!r)
		return "nothing";
	buf[0] = 0;
	for (int i = 0; i < 6; i++)
		if (r & (1u << i))
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? "+" : "", names[i]);
	return buf;
}

/* the twin's verdicts that make or end a connection on a rule where stacks differ */
static bool open_choice_resets(int reason)
{
	switch (reason) {
	case REF_R_SYNRCVD_SYN: case REF_R_TIMEWAIT_REOPEN: case REF_R_BACKLOG_FULL:
	case REF_R_ACCEPT_QUEUE_FULL: case REF_R_DATA_AFTER_CLOSE: case REF_R_TIMEWAIT_RST:
	case REF_R_DEFER_ACCEPT: case REF_R_OOO_FULL: case REF_R_BAD_OPTLEN: case REF_R_PAWS:
	case REF_R_SYNRCVD_DUP_SYN: case REF_R_SYN_CHALLENGE: case REF_R_RST_CHALLENGE:
		return true;
	default:
		return false;
	}
}

/* strict mode: the first of the record's segments that differ in flags (PSH aside),
 * numbers (relative to each side's ISN) or length, -1 when none does */
static int outs_differ(const struct sd_side *a, const struct sd_side *b)
{
	int n = a->nout < b->nout ? a->nout : b->nout;

	for (int i = 0; i < n && i < SD_MAXOUT; i++) {
		const struct sd_seg *x = &a->out[i], *y = &b->out[i];
		if (((x->flags ^ y->flags) & ~TH_PUSH) || x->seq - a->iss != y->seq - b->iss ||
		    x->ack != y->ack || x->len != y->len)
			return i;
	}
	return a->nout != b->nout ? n : -1;
}

static bool drifted;    /* the stacks already differ in state: MUST checks would
			   compare consequences, not the rule */

/* The text of the latest segment, when the twin dropped it and no stack may take it
 * (the ACK bit off, whatever the twin checked first: RFC 9293 3.10.7.4 fifth step; an
 * ACK of data neither stack sent: RFC 5961 5.2), is kept as d->dropped; one the twin
 * took later, or that a later segment it took covers, is forgotten.  Then the index of
 * the one whose end the stack under test acknowledges, -1 when none: it took text the
 * twin dropped.  (Not a segment out of the window: the window is the stack's choice.
 * Not a RST's acknowledgement field: a stack without the connection answers SEQ+LEN
 * there, RFC 9293 3.10.7.1.) */
static int dropped_acked(struct sd *d, bool is_seg)
{
	const struct sd_in *in = &d->last_in;
	const struct sd_side *tw = &d->side[SD_TWIN], *tu = &d->side[SD_TUT];
	uint32_t start = in->seq + !!(in->flags & TH_SYN);
	uint32_t end = start + in->len + !!(in->flags & TH_FIN);
	const char *req = NULL;
	bool dropped = d->twin_reason > REF_R_OK && !in->csum_bad &&
		       (d->twin_state == REF_SYN_RECEIVED || REF_SYNCHRONIZED(d->twin_state));

	if (dropped && !(in->flags & TH_ACK))
		sd_reason_is_must(REF_R_NO_ACK, &req);
	else if (d->twin_reason == REF_R_ACK_UNSENT && tu->has_conn &&
		 sgt(in->ack_rel, tu->snd_max - tu->iss))
		sd_reason_is_must(REF_R_ACK_UNSENT, &req);
	/* a SYN the twin took starts another connection: other sequence numbers */
	if (is_seg && (in->flags & TH_SYN) && !in->csum_bad && d->twin_reason == REF_R_OK)
		d->ndropped = 0;
	for (int i = 0; i < d->ndropped; i++) {
		uint32_t e = d->dropped[i].end;
		if ((tw->acked && sge(tw->rcv_nxt, e)) ||
		    (is_seg && !dropped && !in->csum_bad && !sgt(start, e) && sge(end, e)))
			d->dropped[i--] = d->dropped[--d->ndropped];
	}
	if (is_seg && req && in->doff < 0 && !(in->flags & (TH_RST | TH_SYN)) &&
	    end != start && tw->acked && sgt(end, tw->rcv_nxt)) {
		if (d->ndropped == 4)
			memmove(d->dropped, d->dropped + 1, 3 * sizeof d->dropped[0]);
		else
			d->ndropped++;
		d->dropped[d->ndropped - 1] = (struct sd_dropped){ end, d->record, req };
	}
	for (int k = 0; k < tu->nout && k < SD_MAXOUT; k++) {
		const struct sd_seg *g = &tu->out[k];
		if ((g->flags & (TH_ACK | TH_RST)) != TH_ACK)
			continue;
		for (int i = 0; i < d->ndropped; i++)
			if (g->ack == d->dropped[i].end &&
			    !(tw->rec_acked && tw->rec_ack == g->ack))
				return i;
	}
	return -1;
}

static void compare(struct sd *d, bool is_seg)
{
	struct sd_side *tw = &d->side[SD_TWIN], *tu = &d->side[SD_TUT];
	const char *req = NULL;
	bool must = is_seg && sd_reason_is_must(d->twin_reason, &req);
	int ct = state_class(tw->state), cu = state_class(tu->state);
	bool state_differs = ct && cu && ct != cu;
	unsigned key = SD_R_RST | SD_R_SYN;
	bool drift_after = false;
	char a[64], b[64];

	/* a SYN that took the twin from SYN-SENT to SYN-RECEIVED: simultaneous open */
	if (is_seg && d->prev_twin_state == REF_SYN_SENT && d->twin_state == REF_SYN_RECEIVED) {
		must = true;
		req = "RFC 9293 3.10.7.3, MUST-10: a SYN in SYN-SENT (simultaneous open) "
		      "enters SYN-RECEIVED and is answered with SYN,ACK";
		key |= SD_R_SYN_AGAIN;  /* the SYN,ACK repeats the twin's SYN */
	}

	/* the twin made or lost its connection on a rule that is not a MUST (a SYN in
	 * SYN-RECEIVED, a full queue...): the stack under test may have chosen otherwise,
	 * silently, and what follows compares consequences */
	if ((is_seg ? open_choice_resets(d->twin_reason) : d->last_kind == FUZZ_REC_TIME) &&
	    (d->prev_twin_state == REF_CLOSED) != (d->twin_state == REF_CLOSED))
		drifted = true;
	/* ... or dropped a segment on such a rule where no socket shows what the stack
	 * under test did with it (a RST or an ACK with an illegal option length in
	 * SYN-RECEIVED, taken by a stack that does not check it) */
	if (is_seg && open_choice_resets(d->twin_reason) && cu == 0)
		drifted = true;
	/* ... or dropped text, or a segment of the handshake, for want of a timestamp
	 * (no TS option once timestamps were agreed, RFC 7323 3.2, a SHOULD; PAWS): a stack
	 * that did not agree on timestamps takes it, and may say so only later */
	if (is_seg && (d->twin_reason == REF_R_TS_MISSING || d->twin_reason == REF_R_PAWS) &&
	    (d->last_in.len || (d->last_in.flags & TH_FIN) ||
	     d->prev_twin_state == REF_SYN_RECEIVED))
		drifted = true;
	/* ... or a timer ended or moved it (TIME-WAIT's length, retransmissions given up),
	 * or the stacks' timers did different things (how often, how long to retransmit:
	 * a connection the stack under test gave up on is not visible without a socket) */
	if (d->last_kind == FUZZ_REC_TIME &&
	    (d->prev_twin_state != d->twin_state || tu->reply != tw->reply ||
	     tu->nout != tw->nout))
		drifted = true;
	/* ... or a call ended or made the twin's connection (a listener closed with a
	 * connection in SYN-RECEIVED: whether that goes with it is the stack's choice) */
	if (!is_seg && d->last_kind == FUZZ_REC_CALL &&
	    (d->prev_twin_state == REF_CLOSED) != (d->twin_state == REF_CLOSED))
		drift_after = true;
	/* both acknowledged, differently: their RCV.NXT differ from here on (what each
	 * accepted earlier differed without a MUST saying which is right, or this record
	 * is the one that differs: reported below, the next ones compare consequences) */
	if (tu->rec_acked && tw->rec_acked && tu->rec_ack != tw->rec_ack)
		drift_after = true;
	/* a handshake only the twin's MUST drops kept open: the stack under test cannot
	 * have completed it (no socket shows the state before accept does).  Where it
	 * did, it took one of those segments: the first whose ACK completes a handshake
	 * (a stack that checks the ACK before the sequence number takes it), else the
	 * first; a later drop is no more than what followed */
	if (is_seg && d->prev_twin_state != REF_SYN_RECEIVED) {
		d->synrcvd_open = false;
		d->synrcvd_req = NULL;
	}
	if (is_seg && d->prev_twin_state == REF_SYN_RECEIVED) {
		const struct sd_in *in = &d->last_in;
		const struct sd_side *tw = &d->side[SD_TWIN];
		/* a SYN bit does not stop a stack that checks the ACK first (lwIP takes an
		 * out-of-window SYN,ACK with an acceptable ACK in SYN-RECEIVED) */
		bool ack_ok = (in->flags & (TH_ACK | TH_RST)) == TH_ACK &&
			      !in->csum_bad && !in->ack_abs &&
			      in->ack_rel - 1u < tw->snd_max - tw->iss;
		d->synrcvd_open |= !must || d->twin_state != REF_SYN_RECEIVED;
		if (d->synrcvd_open) {
			d->synrcvd_req = NULL;
		} else if (!d->synrcvd_req || (ack_ok && !d->synrcvd_ack_ok)) {
			d->synrcvd_req = req;
			d->synrcvd_rec = d->record + 1;
			d->synrcvd_ack_ok = ack_ok;
		}
	}
	if (!is_seg && d->last_call == FUZZ_C_ACCEPT && !drifted && d->synrcvd_req &&
	    d->twin_state == REF_SYN_RECEIVED && tw->ret == -EAGAIN && tu->ret >= 0) {
		d->ndiverge_must++;
		finding(d, SD_TUT, "diverge", "accept returned a connection the reference stack "
			"has not established (it dropped record %d's segment: %s)",
			d->synrcvd_rec, d->synrcvd_req);
		return;
	}
	if (!drifted) {
		int k = dropped_acked(d, is_seg);
		const char *unsent = NULL;
		sd_reason_is_must(REF_R_ACK_UNSENT, &unsent);
		if (k >= 0 && d->dropped[k].rec == d->record && d->dropped[k].req == unsent) {
			/* what the rfc5961-ack oracle says when no earlier data hides it */
			d->ndiverge_must++;
			rfc5961_ack_finding(d, SD_TUT, d->dropped[k].end);
			return;
		}
		if (k >= 0) {
			d->ndiverge_must++;
			finding(d, SD_TUT, "diverge", "acknowledged %u, the end of record %d's "
				"segment, which the reference stack dropped (%s)",
				d->dropped[k].end, d->dropped[k].rec + 1, d->dropped[k].req);
			return;
		}
	}
	if (d->strict && tu->reply == tw->reply && tu->ret == tw->ret && !state_differs) {
		int k = outs_differ(tu, tw);
		if (k >= 0) {
			finding(d, SD_TUT, "open-choice", "segment %d of %d sent differs from the "
				"reference stack's (of %d)", k + 1, tu->nout, tw->nout);
			return;
		}
	}
	if (tu->reply == tw->reply && tu->ret == tw->ret && !state_differs) {
		drifted |= drift_after;
		return;
	}
	if (must && !drifted && (tu->reply & key) != (tw->reply & key)) {
		d->ndiverge_must++;
		finding(d, SD_TUT, "diverge", "answered %s where the reference stack answers %s "
			"(%s)", reply_text(tu->reply, a, sizeof a),
			reply_text(tw->reply, b, sizeof b), req);
		return;
	}
	if (must && !drifted && tu->rec_acked && tw->rec_acked && tu->rec_ack != tw->rec_ack &&
	    (tu->reply & key) == (tw->reply & key)) {
		d->ndiverge_must++;
		int32_t more = (int32_t)(tu->rec_ack - tw->rec_ack);
		finding(d, SD_TUT, "diverge", "acknowledged %u where the reference stack "
			"acknowledges %u (%s by %u; %s)", tu->rec_ack, tw->rec_ack,
			more < 0 ? "less" : "more",
			more < 0 ? (uint32_t)0 - (uint32_t)more : (uint32_t)more, req);
		return;
	}
	if (must && !drifted && state_differs) {
		d->ndiverge_must++;
		finding(d, SD_TUT, "diverge", "connection state %d where the reference stack's "
			"is %d (tcpi_state; %s)", tu->state, tw->state, req);
		return;
	}
	d->ndiverge_counted++;
	if (d->strict) {
		finding(d, SD_TUT, "open-choice", "answered %s where the reference stack answers "
			"%s, call result %ld where its is %ld, tcpi_state %d where its is %d",
			reply_text(tu->reply, a, sizeof a), reply_text(tw->reply, b, sizeof b),
			tu->ret, tw->ret, tu->state, tw->state);
		return;
	}
	if (state_differs || (tu->reply & key) != (tw->reply & key))
		drifted = true;
	drifted |= drift_after;
}

/* ---- records ------------------------------------------------------------------------ */

static void begin(struct sd *d)
{
	for (int i = 0; i < 2; i++) {
		d->side[i].nout = 0;
		d->side[i].rec_acked = false;
		d->side[i].reply = 0;
		d->side[i].ret = 0;
		d->side[i].call_out = 0;
		d->side[i].call_made = false;
	}
}

static void play_segment(struct sd *d, const struct fuzz_rec *r)
{
	static uint8_t pkt[2][1600];
	struct sd_in in, in_t;
	struct ref_stack *st = target_reference_stack(&d->side[SD_TWIN].t);
	uint64_t before = st ? ref_stack_stats(st)->segs_in : 0;
	size_t n[2];

	describe(d, r, &in);
	d->last_in = in;
	memset(&cur, 0, sizeof cur);
	cur.is_seg = true;
	cur.csum_bad = in.csum_bad;
	cur.rst = (in.flags & TH_RST) != 0;
	cur.seq = in.seq;
	cur.len = in.len;
	in_t = in;
	n[SD_TWIN] = build(d, SD_TWIN, &in_t, pkt[SD_TWIN]);
	n[SD_TUT] = build(d, SD_TUT, &in, pkt[SD_TUT]);
	in.doff = in_t.doff;
	/* RFC 5961 5.2: an in-order segment with data whose ACK is beyond SND.MAX, in a
	 * synchronized state (the twin's) */
	cur.syn_ack_unsent = !in.csum_bad && !(in.flags & (TH_RST | TH_SYN)) &&
			     (in.flags & TH_ACK) && !in.ack_abs && in.res < 0 && in.doff < 0 &&
			     REF_SYNCHRONIZED(d->twin_state) &&
			     sgt(in.ack_rel, d->side[SD_TWIN].snd_max - d->side[SD_TWIN].iss);
	if (d->hooks->in)
		d->hooks->in(d->ctx, d, &in_t);
	for (int i = 0; i < 2; i++)
		note_inbound(d, i, &in);
	cur.peer_any_before = d->peer_any;
	cur.peer_end_before = d->peer_max_end;
	peer_sent(d, &in);
	for (int i = 0; i < 2; i++) {
		struct sd_side *s = &d->side[i];
		if (target_inject(&s->t, pkt[i], n[i]) != TARGET_OK)
			finding(d, i, "hang", "inject failed in the target: %s", s->t.diag.msg);
		drain(d, i);
	}
	d->twin_reason = st && ref_stack_stats(st)->segs_in != before ?
			 (int)ref_last_result(st).reason : -1;
}

/* A set-up call the driver makes by itself (the twin's is reported to the hooks as
 * kind, with arg): its value or -errno. */
static long setup_call(struct sd *d, int side, const struct target_call *c, int kind,
		       long arg)
{
	struct target_result res;
	long rc = call1(d, side, c, &res);

	if (side == SD_TWIN)
		report_call(d, kind, kind == FUZZ_C_SOCKET ? (int)rc : c->fd, arg, rc, 0);
	return rc;
}

/* socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) made non-blocking: its fd or -errno */
static long nb_socket(struct sd *d, int side)
{
	struct target_call c = { .kind = TARGET_CALL_SOCKET, .domain = AF_INET,
				 .type = SOCK_STREAM, .protocol = IPPROTO_TCP };
	long fd = setup_call(d, side, &c, FUZZ_C_SOCKET, 0);

	if (fd < 0)
		return fd;
	c = (struct target_call){ .kind = TARGET_CALL_FCNTL, .fd = (int)fd, .cmd = F_SETFL,
				  .arg = O_RDWR | O_NONBLOCK };
	setup_call(d, side, &c, FUZZ_C_NONBLOCK, 0);
	return fd;
}

static long make_call(struct sd *d, int side, const struct fuzz_rec *r, int *kind_out,
		      int *fd_out, long *arg_out, int *out)
{
	struct sd_side *s = &d->side[side];
	static uint8_t buf[4096];
	struct target_call c;
	struct target_result res;
	long ret, n;

	memset(&c, 0, sizeof c);
	*kind_out = r->call;
	*out = 0;
	*arg_out = 0;
	switch (r->call) {
	case FUZZ_C_ACCEPT:
		if (s->lfd < 0)
			return LONG_MIN;
		c.kind = TARGET_CALL_ACCEPT;
		c.fd = *fd_out = s->lfd;
		ret = call1(d, side, &c, &res);
		if (ret >= 0) {
			s->cfd = (int)ret;
			/* the socket of the connection the peer talks to, unless the peer has
			 * moved on to a connection the stack opened since */
			if (s->lport == 8080) {
				s->conn_fd = (int)ret;
				s->nsent = 0;
				s->nread = 0;
			}
		}
		return ret;
	case FUZZ_C_CONNECT:
		ret = nb_socket(d, side);
		if (ret < 0)
			return LONG_MIN;
		s->cfd = s->conn_fd = (int)ret;
		s->nsent = 0;
		s->nread = 0;
		c.kind = TARGET_CALL_CONNECT;
		c.fd = *fd_out = s->cfd;
		c.has_addr = true;
		c.addrlen = target_sockaddr(&s->cfg, &s->cfg.remote_ip, 40000, &c.addr);
		return call1(d, side, &c, &res);
	case FUZZ_C_CLOSE_LISTENER:
		if (s->lfd < 0)
			return LONG_MIN;
		c.kind = TARGET_CALL_CLOSE;
		c.fd = *fd_out = s->lfd;
		s->lfd = -1;
		return call1(d, side, &c, &res);
	default:
		break;
	}
	if (s->cfd < 0)
		return LONG_MIN;
	c.fd = *fd_out = s->cfd;
	switch (r->call) {
	case FUZZ_C_SEND:
		n = (r->arg + 1) * 16L;
		memset(buf, 'a' + r->arg % 26, (size_t)n);
		c.kind = TARGET_CALL_SEND;
		c.len = (size_t)n;
		c.data = buf;
		c.flags = MSG_DONTWAIT | MSG_NOSIGNAL;
		*arg_out = n;
		ret = call1(d, side, &c, &res);
		if (ret > 0 && s->cfd == s->conn_fd && s->nsent + (uint64_t)ret <= sizeof s->sent) {
			memcpy(s->sent + s->nsent, buf, (size_t)ret);
			s->nsent += (uint32_t)ret;
		}
		return ret;
	case FUZZ_C_RECV:
		n = (r->arg + 1) * 16L;
		c.kind = TARGET_CALL_RECV;
		c.len = (size_t)n;
		c.flags = MSG_DONTWAIT;
		c.rdata = buf;
		*arg_out = n;
		ret = call1(d, side, &c, &res);
		if (ret > 0 && res.rdata_filled && !s->stream_unknown && s->irs_known &&
		    s->cfd == s->conn_fd) {
			uint32_t at = s->irs + 1 + (uint32_t)s->nread;
			if (!fuzz_stream_equal(buf, at, (size_t)ret))
				finding(d, side, "read", "the application read octets %llu..%llu "
					"that are not the peer's octets there",
					(unsigned long long)s->nread + 1,
					(unsigned long long)s->nread + (unsigned long long)ret);
			else if (sgt(at + (uint32_t)ret, d->peer_data_end))
				finding(d, side, "read", "the application read %ld octets at %llu, "
					"more than the peer sent", ret,
					(unsigned long long)s->nread + 1);
		}
		if (ret > 0 && s->cfd == s->conn_fd)
			s->nread += (uint64_t)ret;
		return ret;
	case FUZZ_C_CLOSE:
		c.kind = TARGET_CALL_CLOSE;
		s->cfd = -1;
		return call1(d, side, &c, &res);
	case FUZZ_C_SHUTDOWN:
		c.kind = TARGET_CALL_SHUTDOWN;
		c.how = r->arg % 3;
		*arg_out = c.how;
		return call1(d, side, &c, &res);
	case FUZZ_C_LINGER0:
		c.kind = TARGET_CALL_SETSOCKOPT;
		c.level = SOL_SOCKET;
		c.optname = SO_LINGER;
		c.opt.kind = TARGET_OPT_LINGER;
		c.opt.linger.onoff = 1;
		c.optlen = 8;
		return call1(d, side, &c, &res);
	case FUZZ_C_NODELAY:
		c.kind = TARGET_CALL_SETSOCKOPT;
		c.level = IPPROTO_TCP;
		c.optname = TCP_NODELAY;
		c.opt.kind = TARGET_OPT_INT;
		c.opt.i = r->arg & 1;
		c.optlen = 4;
		*arg_out = r->arg & 1;
		return call1(d, side, &c, &res);
	case FUZZ_C_INQ:
		c.kind = TARGET_CALL_IOCTL;
		c.cmd = SIOCINQ;
		ret = call1(d, side, &c, &res);
		*out = (int)res.ioctl_val;
		return ret;
	case FUZZ_C_SO_ERROR:
		c.kind = TARGET_CALL_GETSOCKOPT;
		c.level = SOL_SOCKET;
		c.optname = SO_ERROR;
		c.optlen = 4;
		ret = call1(d, side, &c, &res);
		*out = (int)res.opt.i;
		return ret;
	case FUZZ_C_POLL:
		c.kind = TARGET_CALL_POLL;
		c.nfds = 1;
		c.pfd[0].fd = s->cfd;
		c.pfd[0].events = POLLIN | POLLOUT;
		ret = call1(d, side, &c, &res);
		*out = res.nfds ? res.pfd[0].revents : 0;
		*arg_out = POLLIN | POLLOUT;
		return ret;
	default:
		return LONG_MIN;
	}
}

static void play_call(struct sd *d, const struct fuzz_rec *r)
{
	memset(&cur, 0, sizeof cur);
	for (int i = 0; i < 2; i++) {
		struct sd_side *s = &d->side[i];
		int kind, fd = -1, out;
		long arg;
		long ret = make_call(d, i, r, &kind, &fd, &arg, &out);
		s->ret = ret == LONG_MIN ? -EBADF : ret;
		s->call_out = out;
		s->call_made = ret != LONG_MIN;
		s->call = (struct fuzz_call){ kind, fd, arg, ret, out };
		if (i == SD_TWIN && ret != LONG_MIN && d->hooks->call)
			d->hooks->call(d->ctx, d, &s->call);
		drain(d, i);
	}
	/* poll's revents and SO_ERROR are compared with the call's value */
	for (int i = 0; i < 2; i++)
		if (r->call == FUZZ_C_POLL || r->call == FUZZ_C_SO_ERROR || r->call == FUZZ_C_INQ)
			d->side[i].ret = d->side[i].ret * 65536 + d->side[i].call_out;
}

static void play_time(struct sd *d, const struct fuzz_rec *r)
{
	uint64_t ms = fuzz_time_ms(r->time);

	memset(&cur, 0, sizeof cur);
	if (ms > SD_MAX_TIME_MS)
		ms = SD_MAX_TIME_MS;
	d->now += (int64_t)ms * 1000000;
	for (int i = 0; i < 2; i++) {
		int64_t next;
		if (target_advance(&d->side[i].t, d->now, &next) != TARGET_OK)
			finding(d, i, "hang", "advancing the clock failed in the target: %s",
				d->side[i].t.diag.msg);
		drain(d, i);
	}
}

/* ---- set-up ------------------------------------------------------------------------- */

static bool open_side(struct sd_side *s)
{
	struct target_diag diag = { 0 };

	if (target_open(&s->t, s->ops, &s->cfg, &diag) != TARGET_OK) {
		fprintf(stderr, "fuzz_stack: cannot open %s: %s\n", s->name, diag.msg);
		return false;
	}
	s->open = true;
	return true;
}

static void reset_side(struct sd_side *s)
{
	size_t off = offsetof(struct sd_side, lfd);

	memset((char *)s + off, 0, offsetof(struct sd_side, sent) - off);
	s->lfd = s->cfd = s->conn_fd = -1;
	s->lport = 8080;
	s->nsent = 0;
	s->nread = 0;
	s->nout = s->nout_total = 0;
	s->state = -1;
}

bool sd_init(struct sd *d, const char *spec, const struct sd_hooks *hooks, void *ctx)
{
	static const struct sd_hooks none;
	struct target_diag diag = { 0 };

	memset(d, 0, sizeof *d);
	d->max_records = -1;
	d->strict = getenv("TCPSPEC_FUZZ_STRICT") != NULL;
	if (!fuzz_stream[0] && !fuzz_stream[1]) {
		struct fuzz_drv tmp;    /* fills fuzz_stream */
		if (!fuzz_drv_init(&tmp, NULL, NULL))
			return false;
		fuzz_drv_free(&tmp);
	}
	d->hooks = hooks ? hooks : &none;
	d->ctx = ctx;
	snprintf(d->tut_spec, sizeof d->tut_spec, "%s", spec);
	d->side[SD_TWIN].ops = target_lookup("reference", &diag);
	d->side[SD_TUT].ops = target_lookup(spec, &diag);
	if (!d->side[SD_TWIN].ops || !d->side[SD_TUT].ops) {
		fprintf(stderr, "fuzz_stack: target %s: %s\n", spec, diag.msg);
		return false;
	}
	d->side[SD_TWIN].name = "reference stack";
	/* a plugin is named by its file (the path, numbers and all, would be in every
	 * finding's message and signature) */
	const char *slash = strrchr(spec, '/');
	if (!strncmp(spec, "plugin:", 7) && slash)
		snprintf(d->tut_name, sizeof d->tut_name, "plugin:%s", slash + 1);
	else
		snprintf(d->tut_name, sizeof d->tut_name, "%s", spec);
	d->side[SD_TUT].name = d->tut_name;
	/* a plugin stays loaded between inputs (each input still opens a fresh stack) */
	if (!strncmp(spec, "plugin:", 7) && !dlopen(spec + 7, RTLD_NOW | RTLD_LOCAL)) {
		fprintf(stderr, "fuzz_stack: %s: %s\n", spec, dlerror());
		return false;
	}
	for (int i = 0; i < 2; i++) {
		struct sd_side *s = &d->side[i];
		target_config_defaults(&s->cfg);
		s->cfg.plugin_path = s->ops->arg;
		if (!open_side(s))
			return false;
	}
	/* a plugin says what it can once open */
	if (!target_has(&d->side[SD_TUT].t, TARGET_VIRTUAL_TIME) ||
	    !d->side[SD_TUT].t.ops->advance) {
		fprintf(stderr, "fuzz_stack: target %s does not run on virtual time in this "
			"process: fuzz_stack drives only in-process virtual-time targets\n", spec);
		return false;
	}
	return true;
}

static void sd_free_side(struct sd_side *s)
{
	if (s->open) {
		target_close(&s->t);
		s->open = false;
	}
}

void sd_free(struct sd *d)
{
	for (int i = 0; i < 2; i++)
		sd_free_side(&d->side[i]);
}

/* Opening the reference stack allocates some 150 KB (its packet buffer, the stack's own
 * scratch buffer): under ASan, whose quarantine hands out memory not used lately, that
 * is page faults on every input.  A reset in place empties it as a close and an open
 * would (target.h) and frees what the input allocated, as libFuzzer's leak check wants
 * within the input. */
void sd_end(struct sd *d)
{
	for (int i = 0; i < 2; i++) {
		struct sd_side *s = &d->side[i];
		struct target_diag diag = { 0 };

		if (!s->open)
			continue;
		if (!s->t.ops->reset)
			sd_free_side(s);
		else if (target_reset(&s->t, &diag) != TARGET_OK)
			s->open = false;        /* target_reset closed it */
	}
}

static void setup_listener(struct sd *d)
{
	for (int i = 0; i < 2; i++) {
		struct sd_side *s = &d->side[i];
		struct target_call c;
		long fd = nb_socket(d, i);

		if (fd < 0)
			continue;
		s->lfd = (int)fd;
		c = (struct target_call){ .kind = TARGET_CALL_BIND, .fd = s->lfd, .has_addr = true };
		c.addrlen = target_sockaddr(&s->cfg, &s->cfg.local_ip, 8080, &c.addr);
		setup_call(d, i, &c, FUZZ_C_BIND, 8080);
		c = (struct target_call){ .kind = TARGET_CALL_LISTEN, .fd = s->lfd, .backlog = 4 };
		setup_call(d, i, &c, FUZZ_C_LISTEN, 4);
	}
}

bool sd_run(struct sd *d, const uint8_t *data, size_t size)
{
	struct fuzz_rec r;
	size_t k;

	for (int i = 0; i < 2; i++) {
		struct sd_side *s = &d->side[i];
		struct target_diag diag = { 0 };
		/* in place where the target can (the reference stack), else closed and
		 * opened again */
		if (s->open && s->t.ops->reset) {
			if (target_reset(&s->t, &diag) != TARGET_OK) {
				fprintf(stderr, "fuzz_stack: cannot reset %s: %s\n", s->name,
					diag.msg);
				abort();
			}
		} else if (s->open) {
			target_close(&s->t);
			s->open = false;
		}
		reset_side(s);
		if (!s->open && !open_side(s))
			abort();
	}
	d->now = 0;
	d->record = -1;
	d->peer_any = false;
	d->peer_max_end = d->peer_data_end = 0;
	d->peer_una_rel = 0;
	d->peer_ts = 1000;
	d->peer_ws = false;
	d->peer_syn_wnd_valid = false;
	memset(d->peer_fin_valid, 0, sizeof d->peer_fin_valid);
	d->peer_nfin = 0;
	d->peer_nsyn = 0;
	d->peer_nrng = 0;
	d->twin_reason = -1;
	d->twin_state = REF_LISTEN;
	d->synrcvd_req = NULL;
	d->synrcvd_ack_ok = false;
	d->ndropped = 0;
	d->synrcvd_open = false;
	d->finding_set = false;
	drifted = false;
	peer_syn_text = false;
	memset(&cur, 0, sizeof cur);
	setup_listener(d);
	for (d->record = 0; !d->finding_set && (k = fuzz_rec_decode(data, size, &r)) != 0 &&
	     (d->max_records < 0 || d->record < d->max_records); d->record++) {
		if (d->hooks->record)
			d->hooks->record(d->ctx, d, &r);
		begin(d);
		d->twin_reason = -1;
		switch (r.kind) {
		case FUZZ_REC_SEG:
			play_segment(d, &r);
			break;
		case FUZZ_REC_CALL:
			play_call(d, &r);
			break;
		case FUZZ_REC_TIME:
			play_time(d, &r);
			break;
		}
		d->prev_twin_state = d->twin_state;
		d->twin_state = twin_state(d);
		d->last_kind = (int)r.kind;
		d->last_call = r.kind == FUZZ_REC_CALL ? r.call : -1;
		for (int i = 0; i < 2; i++) {
			d->side[i].state = tcp_state(&d->side[i]);
			/* the connection is gone: a SYN with the same ISN starts another */
			if (d->side[i].state == 7 ||
			    (i == SD_TWIN && d->twin_state == REF_CLOSED))
				d->side[i].conn_ended = true;
		}
		if (!d->finding_set)
			compare(d, r.kind == FUZZ_REC_SEG);
		/* the stacks took different sequence space where the peer's SYN carried
		 * text or a FIN (queued by the twin, RFC 9293 3.10.7.2; dropped by
		 * others): what
		 * they do from here on are consequences */
		if (peer_syn_text && d->side[SD_TWIN].acked && d->side[SD_TUT].acked &&
		    d->side[SD_TWIN].rcv_nxt != d->side[SD_TUT].rcv_nxt)
			drifted = true;
		if (d->hooks->after)
			d->hooks->after(d->ctx, d, &r);
		data += k;
		size -= k;
	}
	return d->finding_set;
}

static void probe_ack(struct sd *d)
{
	struct fuzz_rec r;

	memset(&r, 0, sizeof r);
	r.kind = FUZZ_REC_SEG;
	r.flags = TH_ACK;
	/* with a TS option, newer than the peer's last: a stack that agreed on timestamps
	 * drops a segment without one (RFC 7323 3.2, SHOULD) and would answer nothing,
	 * and one that did not ignores it (3.2: MUST be ignored), so both answer */
	r.opts = FUZZ_O_TS;
	r.dseq = -30000;
	r.win = 65535;
	d->finding_set = true;          /* whatever it breaks is not reported */
	begin(d);
	if (d->hooks->record)
		d->hooks->record(d->ctx, d, &r);
	play_segment(d, &r);
}

void sd_probe(struct sd *d, bool ack_first)
{
	struct fuzz_rec r;

	d->finding_set = true;          /* whatever it breaks is not reported */
	/* an acknowledgement the rule forbids, sent where the twin sent nothing, is
	 * compared at the next segment the twin sends: before the calls, whose results
	 * only show its consequences (a FIN taken makes the socket readable) */
	if (ack_first)
		probe_ack(d);
	/* the connection's error and poll state show a state the wire may not */
	if (d->side[SD_TWIN].cfd >= 0) {
		static const uint8_t calls[] = { FUZZ_C_SO_ERROR, FUZZ_C_POLL };
		for (size_t i = 0; i < sizeof calls; i++) {
			memset(&r, 0, sizeof r);
			r.kind = FUZZ_REC_CALL;
			r.call = calls[i];
			begin(d);
			if (d->hooks->record)
				d->hooks->record(d->ctx, d, &r);
			play_call(d, &r);
		}
	}
	if (!ack_first)
		probe_ack(d);
}
