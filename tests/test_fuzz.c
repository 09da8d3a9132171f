/* Unit tests for fuzz/records.[ch]: the fuzz_refstack input format and the driver that
 * plays it (shared by the fuzz target, tcpspec repro and pkt2fuzz).  The format is a
 * contract with every corpus and regression input kept on disk, so its decoding is
 * pinned here byte by byte, and the driver is checked to drive a real handshake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fuzz/records.h"

static void segment_record_decodes_big_endian_fields(void **state)
{
	const uint8_t in[] = { 0x04, 0x12, 0xff, 0xfe, 0x01, 0x00, 0x80, 0x01, 130, 0x8f };
	struct fuzz_rec r;

	(void)state;
	assert_int_equal(fuzz_rec_decode(in, sizeof in, &r), FUZZ_SEG_SIZE);
	assert_int_equal(r.kind, FUZZ_REC_SEG);
	assert_int_equal(r.op & FUZZ_OP_ACK_UNA, FUZZ_OP_ACK_UNA);
	assert_int_equal(r.flags, REF_SYN | REF_ACK);
	assert_int_equal(r.dseq, -2);
	assert_int_equal(r.dack, 256);
	assert_int_equal(r.win, 0x8001);
	assert_int_equal(fuzz_seg_len(r.len), 128 + 2 * 16);
	assert_int_equal(r.opts, FUZZ_O_MSS | FUZZ_O_WS | FUZZ_O_SACKOK | FUZZ_O_TS | FUZZ_O_ODD);
}

static void short_records_at_the_end_are_ignored(void **state)
{
	const uint8_t seg[] = { 0x01, 0x10, 0, 0, 0, 0, 0, 0, 0 };    /* 9 of 10 bytes */
	const uint8_t call[] = { 0x02, 0x01 };
	const uint8_t time[] = { 0x03, 0x00 };
	struct fuzz_rec r;

	(void)state;
	assert_int_equal(fuzz_rec_decode(seg, sizeof seg, &r), 0);
	assert_int_equal(fuzz_rec_decode(call, sizeof call, &r), 0);
	assert_int_equal(fuzz_rec_decode(time, sizeof time, &r), 0);
	assert_int_equal(fuzz_rec_decode(seg, 0, &r), 0);
}

static void calls_wrap_and_time_scales(void **state)
{
	const uint8_t call[] = { 0x06, FUZZ_NCALLS + FUZZ_C_RECV, 7 };
	const uint8_t time[] = { 0xff, 0x4e, 0xa6 };
	struct fuzz_rec r;

	(void)state;
	assert_int_equal(fuzz_rec_decode(call, sizeof call, &r), FUZZ_CALL_SIZE);
	assert_int_equal(r.kind, FUZZ_REC_CALL);
	assert_int_equal(r.call, FUZZ_C_RECV);
	assert_int_equal(r.arg, 7);
	assert_int_equal(fuzz_rec_decode(time, sizeof time, &r), FUZZ_TIME_SIZE);
	assert_int_equal(r.kind, FUZZ_REC_TIME);
	assert_int_equal(fuzz_time_ms(r.time), 60000);     /* 3750 << 4 */
}

static void encode_is_the_inverse_of_decode(void **state)
{
	struct fuzz_rec a = { .kind = FUZZ_REC_SEG, .op = FUZZ_OP_ACK_UNA, .flags = 0x11,
			      .dseq = -300, .dack = 12345, .win = 512, .len = 200, .opts = 0x28 };
	struct fuzz_rec b;
	uint8_t buf[FUZZ_SEG_SIZE];

	(void)state;
	assert_int_equal(fuzz_rec_encode(&a, buf), FUZZ_SEG_SIZE);
	assert_int_equal(fuzz_rec_decode(buf, sizeof buf, &b), FUZZ_SEG_SIZE);
	assert_int_equal(b.kind, a.kind);
	assert_int_equal(b.op, a.op);
	assert_int_equal(b.flags, a.flags);
	assert_int_equal(b.dseq, a.dseq);
	assert_int_equal(b.dack, a.dack);
	assert_int_equal(b.win, a.win);
	assert_int_equal(b.len, a.len);
	assert_int_equal(b.opts, a.opts);
}

static void length_and_time_codes_round_trip(void **state)
{
	(void)state;
	for (uint32_t len = 0; len < 128; len++)
		assert_int_equal(fuzz_seg_len(fuzz_seg_len_code(len)), len);
	assert_int_equal(fuzz_seg_len(fuzz_seg_len_code(1000)), 1008);  /* nearest step */
	assert_int_equal(fuzz_seg_len(fuzz_seg_len_code(100000)), 128 + 127 * 16);
	for (uint64_t ms = 0; ms < 4096; ms += 7)
		assert_int_equal(fuzz_time_ms(fuzz_time_code(ms)), ms);
	/* beyond 4095 ms the code is within one step above */
	uint64_t ms = 7200000, got = fuzz_time_ms(fuzz_time_code(ms));
	assert_true(got >= ms && got - ms <= ms / 2048 + 1);
}

static void the_peer_stream_wraps_and_compares(void **state)
{
	struct fuzz_drv d;
	uint8_t buf[300];

	(void)state;
	assert_true(fuzz_drv_init(&d, NULL, NULL));     /* fills the table */
	fuzz_stream_copy(buf, FUZZ_STREAM_LEN - 100, sizeof buf);
	assert_memory_equal(buf, fuzz_stream + FUZZ_STREAM_LEN - 100, 100);
	assert_memory_equal(buf + 100, fuzz_stream, 200);
	assert_true(fuzz_stream_equal(buf, FUZZ_STREAM_LEN - 100, sizeof buf));
	assert_true(fuzz_stream_equal(buf + 100, 0, 200));
	buf[150] ^= 1;
	assert_false(fuzz_stream_equal(buf, FUZZ_STREAM_LEN - 100, sizeof buf));
	fuzz_drv_free(&d);
}

struct seen {
	int nout, ncalls;
	uint8_t flags[8];
	uint32_t seq[8], ack[8];
	int calls[16];
	long rets[16];
};

static void on_out(void *ctx, struct fuzz_drv *d, const struct ref_segment *s)
{
	struct seen *v = ctx;

	(void)d;
	if (v->nout < 8) {
		v->flags[v->nout] = s->flags;
		v->seq[v->nout] = s->seq;
		v->ack[v->nout] = s->ack;
	}
	v->nout++;
}

static void on_call(void *ctx, struct fuzz_drv *d, const struct fuzz_call *c)
{
	struct seen *v = ctx;

	(void)d;
	if (v->ncalls < 16) {
		v->calls[v->ncalls] = c->kind;
		v->rets[v->ncalls] = c->ret;
	}
	v->ncalls++;
}

/* A SYN, the ACK completing the handshake and an accept, as records: the driver opens a
 * listener, the SYN (seq = FUZZ_PEER_ISN + 0) gets a SYN-ACK acknowledging it, the ACK
 * (seq RCV.NXT + 0, ack SND.NXT + 0) establishes the connection and accept returns it. */
static void records_drive_a_passive_open(void **state)
{
	static const struct fuzz_hooks hooks = { .seg_out = on_out, .call = on_call };
	const uint8_t in[] = {
		0x00, REF_SYN, 0, 0, 0, 0, 0xff, 0xff, 0, FUZZ_O_MSS,
		0x00, REF_ACK, 0, 0, 0, 0, 0xff, 0xff, 0, 0,
		0x02, FUZZ_C_ACCEPT, 0,
	};
	struct seen v = { 0 };
	struct fuzz_drv d;

	(void)state;
	assert_true(fuzz_drv_init(&d, &hooks, &v));
	fuzz_drv_run(&d, in, sizeof in);
	/* set-up: socket, fcntl, bind, listen; then accept */
	assert_int_equal(v.ncalls, 5);
	assert_int_equal(v.calls[0], FUZZ_C_SOCKET);
	assert_int_equal(v.calls[3], FUZZ_C_LISTEN);
	assert_int_equal(v.rets[3], 0);
	assert_int_equal(v.calls[4], FUZZ_C_ACCEPT);
	assert_true(v.rets[4] >= 0);
	assert_int_equal(d.cfd, v.rets[4]);
	assert_int_equal(v.nout, 1);
	assert_int_equal(v.flags[0], REF_SYN | REF_ACK);
	assert_int_equal(v.ack[0], FUZZ_PEER_ISN + 1);
	assert_int_equal(fuzz_drv_state(&d), REF_ESTABLISHED);
	assert_int_equal(fuzz_drv_seq_base(&d), FUZZ_PEER_ISN + 1);
	assert_int_equal(fuzz_drv_ack_base(&d, 0), v.seq[0] + 1);
	/* the next input starts from scratch */
	fuzz_drv_run(&d, in, 0);
	assert_int_equal(fuzz_drv_state(&d), REF_CLOSED);
	assert_int_equal(d.cfd, -1);
	fuzz_drv_finish(&d);
	fuzz_drv_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(segment_record_decodes_big_endian_fields),
		cmocka_unit_test(short_records_at_the_end_are_ignored),
		cmocka_unit_test(calls_wrap_and_time_scales),
		cmocka_unit_test(encode_is_the_inverse_of_decode),
		cmocka_unit_test(length_and_time_codes_round_trip),
		cmocka_unit_test(the_peer_stream_wraps_and_compares),
		cmocka_unit_test(records_drive_a_passive_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
