/* TCP options: the walker (RFC 9293 3.1 and 3.2, MUST-4 to MUST-7 and MUST-64: every
 * length is checked before use), the encoder, and constructors.
 *
 * Kinds and lengths: EOL 0 and NOP 1 are one byte; MSS 2 (len 4, RFC 9293);
 * window scale 3 (len 3) and timestamps 8 (len 10) (RFC 7323); SACK-permitted 4 (len 2)
 * and SACK 5 (len 2+8n, n = 1..4) (RFC 2018); MD5 19 (len 18, RFC 2385);
 * fast open 34 (len 2 + cookie 0..16, RFC 7413) and its experimental form 254 with
 * ExID 0xF989 (RFC 6994); accurate ECN 172 / 174 (len 2, 5, 8 or 11: three 24-bit
 * byte counters, draft-ietf-tcpm-accurate-ecn). */
#include <string.h>

#include "wire/wire.h"
#include "wire/wire_int.h"

static void keep_raw(struct wire_tcp_opt *o, const uint8_t *data, size_t n)
{
	o->flags |= WIRE_OPT_F_RAW;
	o->v.raw.n = (uint8_t)n;
	memcpy(o->v.raw.data, data, n);
}

/* Decode one option of length olen >= 2 whose bytes are all in the area.
 * Returns WIRE_OK or WIRE_E_OPT_BAD_LEN (the entry is then kept raw). */
static int decode_one(struct wire_tcp_opt *o, const uint8_t *p, unsigned olen)
{
	const uint8_t *d = p + 2;
	unsigned n = olen - 2;

	switch (o->kind) {
	case WIRE_TCPOPT_MSS:
		if (olen != 4)
			break;
		o->v.mss = get16(d);
		return WIRE_OK;
	case WIRE_TCPOPT_WSCALE:
		if (olen != 3)
			break;
		o->v.wscale = d[0];
		return WIRE_OK;
	case WIRE_TCPOPT_SACK_PERM:
		if (olen != 2)
			break;
		return WIRE_OK;
	case WIRE_TCPOPT_SACK:
		if (n == 0 || n % 8 || n / 8 > WIRE_TCP_MAX_SACK)
			break;
		o->v.sack.n = (uint8_t)(n / 8);
		for (unsigned i = 0; i < n / 8; i++) {
			o->v.sack.block[i].left = get32(d + 8 * i);
			o->v.sack.block[i].right = get32(d + 8 * i + 4);
		}
		return WIRE_OK;
	case WIRE_TCPOPT_TIMESTAMP:
		if (olen != 10)
			break;
		o->v.ts.val = get32(d);
		o->v.ts.ecr = get32(d + 4);
		return WIRE_OK;
	case WIRE_TCPOPT_MD5:
		if (olen != 18)
			break;
		memcpy(o->v.md5, d, 16);
		return WIRE_OK;
	case WIRE_TCPOPT_FASTOPEN:
		if (n > WIRE_TFO_MAX_COOKIE)
			break;
		o->v.tfo.exp = false;
		o->v.tfo.len = (uint8_t)n;
		memcpy(o->v.tfo.cookie, d, n);
		return WIRE_OK;
	case WIRE_TCPOPT_EXP:
		if (n >= 2 && get16(d) == WIRE_TFO_EXP_MAGIC && n - 2 <= WIRE_TFO_MAX_COOKIE) {
			o->v.tfo.exp = true;
			o->v.tfo.len = (uint8_t)(n - 2);
			memcpy(o->v.tfo.cookie, d + 2, n - 2);
			return WIRE_OK;
		}
		keep_raw(o, d, n);      /* another experiment: not an error */
		return WIRE_OK;
	case WIRE_TCPOPT_ACCECN0:
	case WIRE_TCPOPT_ACCECN1: {
		if (n % 3 || n / 3 > 3)
			break;
		uint32_t f[3] = { 0, 0, 0 };
		for (unsigned i = 0; i < n / 3; i++)
			f[i] = get24(d + 3 * i);
		o->v.accecn.n = (uint8_t)(n / 3);
		o->v.accecn.ceb = f[1];
		if (o->kind == WIRE_TCPOPT_ACCECN0) {
			o->v.accecn.e0b = f[0];
			o->v.accecn.e1b = f[2];
		} else {
			o->v.accecn.e1b = f[0];
			o->v.accecn.e0b = f[2];
		}
		return WIRE_OK;
	}
	default:
		keep_raw(o, d, n);      /* unknown kind: kept as bytes, not an error */
		return WIRE_OK;
	}
	keep_raw(o, d, n);
	return WIRE_E_OPT_BAD_LEN;
}

int wire_tcp_options_parse(const uint8_t *b, size_t len, struct wire_tcp_opts *out)
{
	int st = WIRE_OK;
	size_t i = 0;

	out->n = 0;
	out->walked = 0;
	out->pad_nonzero = false;
	out->tail_len = 0;
	if (len > WIRE_TCP_MAX_OPT_LEN) {
		out->area_len = 0;
		return WIRE_E_OPT_AREA_LONG;
	}
	out->area_len = (uint8_t)len;
	while (i < len) {
		struct wire_tcp_opt *o = &out->opt[out->n];
		unsigned kind = b[i];

		o->kind = (uint16_t)kind;
		o->offset = (uint8_t)i;
		o->flags = 0;
		if (kind == WIRE_TCPOPT_EOL || kind == WIRE_TCPOPT_NOP) {
			o->len = 1;
			out->n++;
			i++;
			if (kind == WIRE_TCPOPT_EOL) {
				/* the rest of the area is padding (RFC 9293 3.2).  Each zero
				   byte of it is one more EOL entry, as scripts write them
				   (`<mss 1460,sackOK,eol,eol>`); from a non-zero byte on, the
				   rest is kept as the tail */
				while (i < len && !b[i]) {
					o = &out->opt[out->n++];
					o->kind = WIRE_TCPOPT_EOL;
					o->offset = (uint8_t)i;
					o->flags = 0;
					o->len = 1;
					i++;
				}
				if (i < len)
					out->pad_nonzero = true;
				break;
			}
			continue;
		}
		if (i + 1 >= len) {
			if (st == WIRE_OK)
				st = WIRE_E_OPT_NO_LEN;
			break;
		}
		unsigned olen = b[i + 1];
		if (olen == 0) {
			if (st == WIRE_OK)
				st = WIRE_E_OPT_LEN_ZERO;
			break;
		}
		if (olen == 1) {
			if (st == WIRE_OK)
				st = WIRE_E_OPT_LEN_ONE;
			break;
		}
		if (i + olen > len) {
			if (st == WIRE_OK)
				st = WIRE_E_OPT_LEN_PAST;
			break;
		}
		o->len = (uint8_t)olen;
		int r = decode_one(o, b + i, olen);
		if (r != WIRE_OK && st == WIRE_OK)
			st = r;
		out->n++;
		i += olen;
	}
	out->walked = (uint8_t)i;
	out->tail_len = (uint8_t)(len - i);
	memcpy(out->tail, b + i, len - i);
	return st;
}

size_t wire_tcp_opt_size(const struct wire_tcp_opt *o)
{
	if (o->kind == WIRE_TCPOPT_LITERAL)
		return o->v.raw.n <= WIRE_TCP_MAX_OPT_LEN ? o->v.raw.n : 0;
	if (o->kind > 255)
		return 0;
	if (o->flags & WIRE_OPT_F_RAW)
		return o->v.raw.n <= WIRE_TCP_MAX_OPT_LEN - 2 ? 2u + o->v.raw.n : 0;
	switch (o->kind) {
	case WIRE_TCPOPT_EOL:
	case WIRE_TCPOPT_NOP:
		return 1;
	case WIRE_TCPOPT_MSS:
		return 4;
	case WIRE_TCPOPT_WSCALE:
		return 3;
	case WIRE_TCPOPT_SACK_PERM:
		return 2;
	case WIRE_TCPOPT_SACK:
		if (o->v.sack.n < 1 || o->v.sack.n > WIRE_TCP_MAX_SACK)
			return 0;
		return 2u + 8u * o->v.sack.n;
	case WIRE_TCPOPT_TIMESTAMP:
		return 10;
	case WIRE_TCPOPT_MD5:
		return 18;
	case WIRE_TCPOPT_FASTOPEN:
		if (o->v.tfo.len > WIRE_TFO_MAX_COOKIE)
			return 0;
		return 2u + o->v.tfo.len;
	case WIRE_TCPOPT_EXP:
		if (!o->v.tfo.exp)      /* other experiments are WIRE_OPT_F_RAW */
			return 0;
		if (o->v.tfo.len > WIRE_TFO_MAX_COOKIE)
			return 0;
		return 4u + o->v.tfo.len;
	case WIRE_TCPOPT_ACCECN0:
	case WIRE_TCPOPT_ACCECN1:
		if (o->v.accecn.n > 3)
			return 0;
		return 2u + 3u * o->v.accecn.n;
	default:
		return o->v.raw.n <= WIRE_TCP_MAX_OPT_LEN - 2 ? 2u + o->v.raw.n : 0;
	}
}

/* Encode one entry at p (size bytes, from wire_tcp_opt_size). */
static void encode_one(const struct wire_tcp_opt *o, uint8_t *p, size_t size)
{
	if (o->kind == WIRE_TCPOPT_LITERAL) {
		memcpy(p, o->v.raw.data, size);
		return;
	}
	p[0] = (uint8_t)o->kind;
	if (size == 1)
		return;
	p[1] = (uint8_t)size;
	uint8_t *d = p + 2;
	if (o->flags & WIRE_OPT_F_RAW) {
		memcpy(d, o->v.raw.data, o->v.raw.n);
		return;
	}
	switch (o->kind) {
	case WIRE_TCPOPT_MSS:
		put16(d, o->v.mss);
		break;
	case WIRE_TCPOPT_WSCALE:
		d[0] = o->v.wscale;
		break;
	case WIRE_TCPOPT_SACK_PERM:
		break;
	case WIRE_TCPOPT_SACK:
		for (unsigned i = 0; i < o->v.sack.n; i++) {
			put32(d + 8 * i, o->v.sack.block[i].left);
			put32(d + 8 * i + 4, o->v.sack.block[i].right);
		}
		break;
	case WIRE_TCPOPT_TIMESTAMP:
		put32(d, o->v.ts.val);
		put32(d + 4, o->v.ts.ecr);
		break;
	case WIRE_TCPOPT_MD5:
		memcpy(d, o->v.md5, 16);
		break;
	case WIRE_TCPOPT_FASTOPEN:
		memcpy(d, o->v.tfo.cookie, o->v.tfo.len);
		break;
	case WIRE_TCPOPT_EXP:
		put16(d, WIRE_TFO_EXP_MAGIC);
		memcpy(d + 2, o->v.tfo.cookie, o->v.tfo.len);
		break;
	case WIRE_TCPOPT_ACCECN0:
	case WIRE_TCPOPT_ACCECN1: {
		uint32_t f[3];
		f[1] = o->v.accecn.ceb;
		f[0] = o->kind == WIRE_TCPOPT_ACCECN0 ? o->v.accecn.e0b : o->v.accecn.e1b;
		f[2] = o->kind == WIRE_TCPOPT_ACCECN0 ? o->v.accecn.e1b : o->v.accecn.e0b;
		for (unsigned i = 0; i < o->v.accecn.n; i++)
			put24(d + 3 * i, f[i]);
		break;
	}
	default:
		memcpy(d, o->v.raw.data, o->v.raw.n);
		break;
	}
}

int wire_tcp_options_build(const struct wire_tcp_opts *opts, uint8_t *out, size_t cap,
			   size_t *out_len)
{
	size_t total = 0;

	*out_len = 0;
	if (opts->n > WIRE_TCP_MAX_OPTS)
		return WIRE_E_BAD_FIELD;
	for (unsigned i = 0; i < opts->n; i++) {
		const struct wire_tcp_opt *o = &opts->opt[i];
		size_t sz = wire_tcp_opt_size(o);
		if (!sz)
			return WIRE_E_BAD_FIELD;
		/* a typed entry's length byte is implied by its kind; lying lengths go
		   through WIRE_TCPOPT_LITERAL */
		if (o->kind != WIRE_TCPOPT_LITERAL && o->len && o->len != sz)
			return WIRE_E_BAD_FIELD;
		if (total + sz > WIRE_TCP_MAX_OPT_LEN)
			return WIRE_E_OPTS_TOO_LONG;
		if (total + sz > cap)
			return WIRE_E_BUF_TOO_SMALL;
		encode_one(o, out + total, sz);
		total += sz;
	}
	/* the bytes a parsed area had after its entries */
	if (opts->tail_len) {
		if (opts->tail_len > WIRE_TCP_MAX_OPT_LEN ||
		    total + opts->tail_len > WIRE_TCP_MAX_OPT_LEN)
			return WIRE_E_OPTS_TOO_LONG;
		if (total + opts->tail_len > cap)
			return WIRE_E_BUF_TOO_SMALL;
		memcpy(out + total, opts->tail, opts->tail_len);
		total += opts->tail_len;
	}
	/* pad with EOL bytes to a 32-bit boundary, and to at least the area a parsed
	   packet had (so that parse -> build gives back the same bytes) */
	size_t padded = (total + 3) & ~(size_t)3;
	if (opts->area_len > padded && opts->area_len <= WIRE_TCP_MAX_OPT_LEN)
		padded = (opts->area_len + 3u) & ~3u;
	if (padded > WIRE_TCP_MAX_OPT_LEN)
		return WIRE_E_OPTS_TOO_LONG;
	if (padded > cap)
		return WIRE_E_BUF_TOO_SMALL;
	memset(out + total, 0, padded - total);
	*out_len = padded;
	return WIRE_OK;
}

/* ---------------------------------------------------------------- constructors */

static struct wire_tcp_opt *add(struct wire_tcp_opts *o, uint16_t kind)
{
	if (o->n >= WIRE_TCP_MAX_OPTS)
		return NULL;
	struct wire_tcp_opt *e = &o->opt[o->n++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	return e;
}

int wire_opt_add_nop(struct wire_tcp_opts *o)
{
	struct wire_tcp_opt *e = add(o, WIRE_TCPOPT_NOP);
	if (!e)
		return -1;
	e->len = 1;
	return 0;
}

int wire_opt_add_eol(struct wire_tcp_opts *o)
{
	struct wire_tcp_opt *e = add(o, WIRE_TCPOPT_EOL);
	if (!e)
		return -1;
	e->len = 1;
	return 0;
}

int wire_opt_add_mss(struct wire_tcp_opts *o, uint16_t mss)
{
	struct wire_tcp_opt *e = add(o, WIRE_TCPOPT_MSS);
	if (!e)
		return -1;
	e->len = 4;
	e->v.mss = mss;
	return 0;
}

int wire_opt_add_wscale(struct wire_tcp_opts *o, uint8_t shift)
{
	struct wire_tcp_opt *e = add(o, WIRE_TCPOPT_WSCALE);
	if (!e)
		return -1;
	e->len = 3;
	e->v.wscale = shift;
	return 0;
}

int wire_opt_add_sack_perm(struct wire_tcp_opts *o)
{
	struct wire_tcp_opt *e = add(o, WIRE_TCPOPT_SACK_PERM);
	if (!e)
		return -1;
	e->len = 2;
	return 0;
}

int wire_opt_add_sack(struct wire_tcp_opts *o, unsigned n, const uint32_t *lr)
{
	if (n < 1 || n > WIRE_TCP_MAX_SACK)
		return -1;
	struct wire_tcp_opt *e = add(o, WIRE_TCPOPT_SACK);
	if (!e)
		return -1;
	e->len = (uint8_t)(2 + 8 * n);
	e->v.sack.n = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		e->v.sack.block[i].left = lr[2 * i];
		e->v.sack.block[i].right = lr[2 * i + 1];
	}
	return 0;
}

int wire_opt_add_ts(struct wire_tcp_opts *o, uint32_t val, uint32_t ecr)
{
	struct wire_tcp_opt *e = add(o, WIRE_TCPOPT_TIMESTAMP);
	if (!e)
		return -1;
	e->len = 10;
	e->v.ts.val = val;
	e->v.ts.ecr = ecr;
	return 0;
}

int wire_opt_add_md5(struct wire_tcp_opts *o, const uint8_t digest[16])
{
	struct wire_tcp_opt *e = add(o, WIRE_TCPOPT_MD5);
	if (!e)
		return -1;
	e->len = 18;
	if (digest)
		memcpy(e->v.md5, digest, 16);
	return 0;
}

int wire_opt_add_tfo(struct wire_tcp_opts *o, bool exp, const uint8_t *cookie,
		     size_t cookie_len)
{
	if (cookie_len > WIRE_TFO_MAX_COOKIE)
		return -1;
	struct wire_tcp_opt *e = add(o, exp ? WIRE_TCPOPT_EXP : WIRE_TCPOPT_FASTOPEN);
	if (!e)
		return -1;
	e->len = (uint8_t)((exp ? 4 : 2) + cookie_len);
	e->v.tfo.exp = exp;
	e->v.tfo.len = (uint8_t)cookie_len;
	if (cookie_len)
		memcpy(e->v.tfo.cookie, cookie, cookie_len);
	return 0;
}

int wire_opt_add_accecn(struct wire_tcp_opts *o, int order, unsigned n,
			uint32_t e0b, uint32_t ceb, uint32_t e1b)
{
	if (n > 3 || (order != 0 && order != 1))
		return -1;
	struct wire_tcp_opt *e = add(o, order ? WIRE_TCPOPT_ACCECN1 : WIRE_TCPOPT_ACCECN0);
	if (!e)
		return -1;
	e->len = (uint8_t)(2 + 3 * n);
	e->v.accecn.n = (uint8_t)n;
	/* fields beyond n are not on the wire: keep them zero, as parse does */
	uint32_t f[3] = { order ? e1b : e0b, ceb, order ? e0b : e1b };
	for (unsigned i = n; i < 3; i++)
		f[i] = 0;
	e->v.accecn.ceb = f[1] & 0xffffff;
	e->v.accecn.e0b = (order ? f[2] : f[0]) & 0xffffff;
	e->v.accecn.e1b = (order ? f[0] : f[2]) & 0xffffff;
	return 0;
}

int wire_opt_add_unknown(struct wire_tcp_opts *o, uint8_t kind, const uint8_t *data,
			 size_t n)
{
	if (n > WIRE_TCP_MAX_OPT_LEN - 2)
		return -1;
	struct wire_tcp_opt *e = add(o, kind);
	if (!e)
		return -1;
	e->len = (uint8_t)(2 + n);
	e->v.raw.n = (uint8_t)n;
	if (n)
		memcpy(e->v.raw.data, data, n);
	if (kind == WIRE_TCPOPT_EOL || kind == WIRE_TCPOPT_NOP) {
		o->n--;         /* one-byte kinds have no length and no data */
		return -1;
	}
	e->flags |= WIRE_OPT_F_RAW;
	return 0;
}

int wire_opt_add_literal(struct wire_tcp_opts *o, const uint8_t *bytes, size_t n)
{
	if (n < 1 || n > WIRE_TCP_MAX_OPT_LEN)
		return -1;
	struct wire_tcp_opt *e = add(o, WIRE_TCPOPT_LITERAL);
	if (!e)
		return -1;
	e->len = (uint8_t)n;
	e->v.raw.n = (uint8_t)n;
	memcpy(e->v.raw.data, bytes, n);
	return 0;
}
