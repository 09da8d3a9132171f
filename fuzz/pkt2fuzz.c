/* pkt2fuzz: turn a .pkt script into a fuzz_refstack input (fuzz/records.h), for seeds.
 *
 *   build/fuzz/pkt2fuzz SCRIPT.pkt OUTPUT
 *
 * The script's events are replayed in order into the same driver the fuzz target uses,
 * so that each inbound packet can be written relative to the connection's numbers at
 * that moment: time gaps become TIME records, inbound TCP packets SEGMENT records (read
 * as tcpspec run reads them: a SYN's number as written, later sequence numbers relative
 * to it and acknowledgements relative to the stack's ISN, unless written N!), and the
 * socket calls the driver knows CALL records.
 * Outbound packets are the stack's business and are skipped, as are calls and options
 * the record format has no room for.  Exit 0, 2 on a parse error, 1 on an I/O error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsl/dsl.h"
#include "fuzz/records.h"
#include "refstack/ref_int.h"

static uint8_t out[1 << 16];
static size_t nout;

static void emit(struct fuzz_drv *d, const struct fuzz_rec *r)
{
	if (nout + FUZZ_SEG_SIZE > sizeof out)
		return;
	nout += fuzz_rec_encode(r, out + nout);
	fuzz_drv_step(d, r);
}

static int16_t clamp16(int64_t v)
{
	return (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
}

static int64_t arg_int(const struct dsl_syscall *c, size_t i, int64_t dflt)
{
	const struct dsl_expr *e = i < c->n_args ? c->args[i] : NULL;

	if (e && e->kind == DSL_EXPR_ARRAY && e->n_items)
		e = e->items[0];
	return e && e->kind == DSL_EXPR_INT ? e->ival : dflt;
}

static const char *arg_sym(const struct dsl_syscall *c, size_t i)
{
	const struct dsl_expr *e = i < c->n_args ? c->args[i] : NULL;

	return e && e->kind == DSL_EXPR_SYMBOL ? e->text : "";
}

static uint32_t remote_isn;     /* the latest inbound SYN's number, as tcpspec run */

static void packet(struct fuzz_drv *d, const struct dsl_packet *p)
{
	const struct ref_tcb *tp = fuzz_drv_conn(d);
	struct fuzz_rec r = { .kind = FUZZ_REC_SEG };
	uint32_t seq = p->seq.start, ack = p->ack;

	/* a SYN's number as written; later ones relative to it unless written N! */
	if (p->flags & DSL_TCP_SYN)
		remote_isn = seq;
	else if (!p->seq.start_absolute)
		seq += remote_isn;

	if (p->has_ack && !p->ack_absolute && tp)
		ack += tp->iss;
	r.flags = (uint8_t)(p->flags & 0xff);
	r.win = p->has_win ? (uint16_t)(p->win > 65535 ? 65535 : p->win) : 65535;
	r.len = fuzz_seg_len_code(p->seq.len);
	for (size_t i = 0; p->opts_kind == DSL_OPTS_LIST && i < p->n_opts; i++) {
		const struct dsl_tcp_opt *o = &p->opts[i];
		switch (o->kind) {
		case DSL_OPT_MSS:
			r.opts |= FUZZ_O_MSS | (o->value < 1000 ? FUZZ_O_ODD : 0);
			break;
		case DSL_OPT_WSCALE:
			r.opts |= FUZZ_O_WS | (o->value > 14 ? FUZZ_O_ODD : 0);
			break;
		case DSL_OPT_SACK_PERM: r.opts |= FUZZ_O_SACKOK; break;
		case DSL_OPT_TS: r.opts |= FUZZ_O_TS; break;
		case DSL_OPT_SACK: r.opts |= FUZZ_O_SACK; break;
		case DSL_OPT_RAW: r.opts |= FUZZ_O_BADLEN; break;
		default: break;
		}
	}
	if (p->bad.present && p->bad.has_csum)
		r.opts |= FUZZ_O_BADCSUM;
	r.dseq = clamp16((int32_t)(seq - fuzz_drv_seq_base(d)));
	/* acknowledgements relative to SND.NXT, or to SND.UNA when that is the one in reach */
	int32_t dn = (int32_t)(ack - fuzz_drv_ack_base(d, 0));
	int32_t du = (int32_t)(ack - fuzz_drv_ack_base(d, FUZZ_OP_ACK_UNA));
	if (dn != clamp16(dn) && du == clamp16(du))
		r.op = FUZZ_OP_ACK_UNA;
	r.dack = p->has_ack ? clamp16(r.op ? du : dn) : 0;
	emit(d, &r);
}

static void syscall(struct fuzz_drv *d, const struct dsl_syscall *c, int *listen_fd)
{
	struct fuzz_rec r = { .kind = FUZZ_REC_CALL };
	const char *n = c->name;
	int64_t len;

	if (!strcmp(n, "listen")) {
		*listen_fd = (int)arg_int(c, 0, -1);
		return;
	}
	if (!strcmp(n, "accept") || !strcmp(n, "accept4"))
		r.call = FUZZ_C_ACCEPT;
	else if (!strcmp(n, "connect"))
		r.call = FUZZ_C_CONNECT;
	else if (!strcmp(n, "write") || !strcmp(n, "send") || !strcmp(n, "sendto") ||
		 !strcmp(n, "read") || !strcmp(n, "recv") || !strcmp(n, "recvfrom")) {
		r.call = (n[0] == 'w' || !strncmp(n, "send", 4)) ? FUZZ_C_SEND : FUZZ_C_RECV;
		len = arg_int(c, 2, 16);
		r.arg = (uint8_t)(len <= 16 ? 0 : len >= 4096 ? 255 : (len + 15) / 16 - 1);
	} else if (!strcmp(n, "close"))
		r.call = arg_int(c, 0, -1) == *listen_fd ? FUZZ_C_CLOSE_LISTENER : FUZZ_C_CLOSE;
	else if (!strcmp(n, "shutdown")) {
		r.call = FUZZ_C_SHUTDOWN;
		r.arg = !strcmp(arg_sym(c, 1), "SHUT_RD") ? 0 :
			!strcmp(arg_sym(c, 1), "SHUT_WR") ? 1 : 2;
	} else if (!strcmp(n, "setsockopt") && !strcmp(arg_sym(c, 2), "SO_LINGER"))
		r.call = FUZZ_C_LINGER0;
	else if (!strcmp(n, "setsockopt") && !strcmp(arg_sym(c, 2), "TCP_NODELAY")) {
		r.call = FUZZ_C_NODELAY;
		r.arg = (uint8_t)(arg_int(c, 3, 1) & 1);
	} else if (!strcmp(n, "ioctl"))
		r.call = FUZZ_C_INQ;
	else if (!strcmp(n, "getsockopt") && !strcmp(arg_sym(c, 2), "SO_ERROR"))
		r.call = FUZZ_C_SO_ERROR;
	else if (!strcmp(n, "poll"))
		r.call = FUZZ_C_POLL;
	else
		return;
	emit(d, &r);
}

int main(int argc, char **argv)
{
	struct dsl_diags diags = { 0 };
	struct dsl_file *f = NULL;
	struct fuzz_drv d;
	int64_t t = 0;
	int listen_fd = -1;
	FILE *fp;

	if (argc != 3) {
		fprintf(stderr, "usage: pkt2fuzz SCRIPT.pkt OUTPUT\n");
		return 2;
	}
	/* #ifdef blocks as a run with nothing defined takes them */
	static const char *const none[1];
	if (dsl_parse_file_defs(argv[1], none, 0, &f, &diags) != DSL_OK) {
		for (size_t i = 0; i < diags.n; i++)
			dsl_diag_print(stderr, &diags.v[i]);
		dsl_diags_free(&diags);
		dsl_free(f);
		return 2;
	}
	if (!fuzz_drv_init(&d, NULL, NULL))
		return 1;
	fuzz_drv_reset(&d);
	for (size_t i = 0; i < f->n_events; i++) {
		const struct dsl_event *ev = &f->events[i];
		if (ev->time.kind == DSL_TIME_ABSOLUTE || ev->time.kind == DSL_TIME_RANGE ||
		    ev->time.kind == DSL_TIME_BLOCKING)
			t = ev->time.start.relative ? t + ev->time.start.ns : ev->time.start.ns;
		else if (ev->time.kind == DSL_TIME_RELATIVE)
			t += ev->time.start.ns;
		while (t > d.now) {
			uint64_t ms = (uint64_t)(t - d.now + 999999) / 1000000;
			struct fuzz_rec r = { .kind = FUZZ_REC_TIME, .time = fuzz_time_code(ms) };
			emit(&d, &r);
		}
		if (ev->kind == DSL_EV_PACKET && ev->packet.dir == DSL_DIR_INBOUND &&
		    ev->packet.proto == DSL_PROTO_TCP)
			packet(&d, &ev->packet);
		else if (ev->kind == DSL_EV_SYSCALL)
			syscall(&d, &ev->call, &listen_fd);
	}
	fuzz_drv_free(&d);
	dsl_free(f);
	dsl_diags_free(&diags);
	fp = fopen(argv[2], "wb");
	if (!fp || fwrite(out, 1, nout, fp) != nout || fclose(fp)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
