/* Mutation steps of the adversarial packetdrill fork, inside a packet's {...} group:
 *
 *   rep LAYER FIELD VALUE     replace a header field
 *   ins LAYER AT 0xBYTES      insert bytes AT bytes after the start of LAYER's header
 *   trun LAYER AT [COUNT]     remove COUNT bytes there (none given: all from AT on)
 *
 * LAYER is ipv4, ipv6, tcp or udp.  The parser resolves a field name to its place in
 * the header, so the engine applies steps to bytes without knowing any names; the
 * semantics (length fields adjusted, checksums recomputed) are in tcpspec-dialect(7)
 * and engine/mutate.c. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dsl/internal.h"

#define MAX_INSERT 1500		/* bytes one ins step may add */

struct field {
	enum dsl_mut_layer layer;
	const char *name;	/* as printed */
	const char *alias[3];	/* other spellings scripts use */
	uint8_t off, span, shift, bits;
};

/* Byte offset from the header's start, bytes read as one big-endian number, bit shift
 * and width inside it (RFC 9293 3.1, RFC 791 3.1, RFC 8200 3, RFC 768). */
static const struct field fields[] = {
	{ DSL_MUT_TCP, "src_port", { "source_port", "sport" }, 0, 2, 0, 16 },
	{ DSL_MUT_TCP, "dst_port", { "dest_port", "dport" }, 2, 2, 0, 16 },
	{ DSL_MUT_TCP, "seq_num", { "seq" }, 4, 4, 0, 32 },
	{ DSL_MUT_TCP, "ack_num", { "ack_seq" }, 8, 4, 0, 32 },
	{ DSL_MUT_TCP, "data_off", { "data_offset", "tcp_hdr_len", "doff" }, 12, 1, 4, 4 },
	{ DSL_MUT_TCP, "reserved", { "res" }, 12, 1, 0, 4 },
	{ DSL_MUT_TCP, "flags", { 0 }, 13, 1, 0, 8 },
	{ DSL_MUT_TCP, "cwr_flag", { "cwr" }, 13, 1, 7, 1 },
	{ DSL_MUT_TCP, "ece_flag", { "ece" }, 13, 1, 6, 1 },
	{ DSL_MUT_TCP, "urg_flag", { "urg" }, 13, 1, 5, 1 },
	{ DSL_MUT_TCP, "ack_flag", { 0 }, 13, 1, 4, 1 },
	{ DSL_MUT_TCP, "psh_flag", { "psh" }, 13, 1, 3, 1 },
	{ DSL_MUT_TCP, "rst_flag", { "rst" }, 13, 1, 2, 1 },
	{ DSL_MUT_TCP, "syn_flag", { "syn" }, 13, 1, 1, 1 },
	{ DSL_MUT_TCP, "fin_flag", { "fin" }, 13, 1, 0, 1 },
	{ DSL_MUT_TCP, "win_size", { "window", "win" }, 14, 2, 0, 16 },
	{ DSL_MUT_TCP, "checksum", { "csum", "tcp_checksum" }, 16, 2, 0, 16 },
	{ DSL_MUT_TCP, "urg_pointer", { "urg_ptr" }, 18, 2, 0, 16 },

	{ DSL_MUT_UDP, "src_port", { "source_port", "sport" }, 0, 2, 0, 16 },
	{ DSL_MUT_UDP, "dst_port", { "dest_port", "dport" }, 2, 2, 0, 16 },
	{ DSL_MUT_UDP, "udp_len", { "length", "len" }, 4, 2, 0, 16 },
	{ DSL_MUT_UDP, "checksum", { "csum" }, 6, 2, 0, 16 },

	{ DSL_MUT_IPV4, "version", { 0 }, 0, 1, 4, 4 },
	{ DSL_MUT_IPV4, "ihl", { 0 }, 0, 1, 0, 4 },
	{ DSL_MUT_IPV4, "version_ihl", { 0 }, 0, 1, 0, 8 },
	{ DSL_MUT_IPV4, "dscp", { 0 }, 1, 1, 2, 6 },
	{ DSL_MUT_IPV4, "ecn", { 0 }, 1, 1, 0, 2 },
	{ DSL_MUT_IPV4, "dscp_ecn", { "dscp_esn", "tos" }, 1, 1, 0, 8 },
	{ DSL_MUT_IPV4, "tot_len", { "total_length" }, 2, 2, 0, 16 },
	{ DSL_MUT_IPV4, "iden", { "id", "identification" }, 4, 2, 0, 16 },
	{ DSL_MUT_IPV4, "flags", { 0 }, 6, 1, 5, 3 },
	{ DSL_MUT_IPV4, "rsv_flag", { 0 }, 6, 1, 7, 1 },
	{ DSL_MUT_IPV4, "df_flag", { 0 }, 6, 1, 6, 1 },
	{ DSL_MUT_IPV4, "mf_flag", { 0 }, 6, 1, 5, 1 },
	{ DSL_MUT_IPV4, "frag_off", { 0 }, 6, 2, 0, 13 },
	{ DSL_MUT_IPV4, "flags_flagoff", { 0 }, 6, 2, 0, 16 },
	{ DSL_MUT_IPV4, "ttl", { 0 }, 8, 1, 0, 8 },
	{ DSL_MUT_IPV4, "protocol", { 0 }, 9, 1, 0, 8 },
	{ DSL_MUT_IPV4, "checksum", { "ip_checksum", "csum" }, 10, 2, 0, 16 },
	{ DSL_MUT_IPV4, "src_addr", { "src_ip" }, 12, 4, 0, 32 },
	{ DSL_MUT_IPV4, "dst_addr", { "dest_ip", "dst_ip" }, 16, 4, 0, 32 },

	{ DSL_MUT_IPV6, "version", { 0 }, 0, 1, 4, 4 },
	{ DSL_MUT_IPV6, "trf_class", { "traffic_class" }, 0, 4, 20, 8 },
	{ DSL_MUT_IPV6, "flow_label", { 0 }, 0, 4, 0, 20 },
	{ DSL_MUT_IPV6, "pyld_len", { "payload_len" }, 4, 2, 0, 16 },
	{ DSL_MUT_IPV6, "next_header", { 0 }, 6, 1, 0, 8 },
	{ DSL_MUT_IPV6, "hop_limit", { 0 }, 7, 1, 0, 8 },
	{ DSL_MUT_IPV6, "src_addr", { "src_ip" }, 8, 16, 0, 128 },
	{ DSL_MUT_IPV6, "dst_addr", { "dest_ip", "dst_ip" }, 24, 16, 0, 128 },
};

static const char *const layer_names[] = {
	[DSL_MUT_IPV4] = "ipv4", [DSL_MUT_IPV6] = "ipv6", [DSL_MUT_TCP] = "tcp",
	[DSL_MUT_UDP] = "udp",
};
static const char *const op_names[] = {
	[DSL_MUT_REP] = "rep", [DSL_MUT_INS] = "ins", [DSL_MUT_TRUN] = "trun",
};

static bool is(struct dsl_tok t, const char *w)
{
	return t.n == strlen(w) && !memcmp(t.s, w, t.n);
}

static int n_of(struct dsl_tok t)
{
	return t.n > 64 ? 64 : (int)t.n;
}

#define AERR(a, ...) dsl_perr(ps, (a)->off, (a)->loc.line, (a)->loc.column, __VA_ARGS__)

bool dsl_mut_is_step(struct dsl_tok name)
{
	return is(name, "rep") || is(name, "ins") || is(name, "trun");
}

/* The hex digits of an INT written 0x... as bytes, from out[0]; *nbytes gets their
 * count.  false when there are more than cap. */
static bool hex_digits(struct dsl_tok t, uint8_t *out, size_t cap, size_t *nbytes)
{
	const char *s = t.s + 2;
	size_t n = t.n - 2;
	size_t nb = (n + 1) / 2;
	if (nb > cap)
		return false;
	memset(out, 0, cap);
	/* an odd count reads as if a 0 led it */
	for (size_t i = 0; i < n; i++) {
		unsigned d = isdigit((unsigned char)s[i]) ? (unsigned)(s[i] - '0')
			: (unsigned)((s[i] | 0x20) - 'a' + 10);
		size_t pos = (n - 1 - i);	/* nibble index from the right */
		size_t byte = nb - 1 - pos / 2;
		out[byte] |= (uint8_t)(pos % 2 ? d << 4 : d);
	}
	*nbytes = nb;
	return true;
}

static bool want_offset(struct dsl_pstate *ps, const struct dsl_atom *a, uint32_t *out)
{
	if (a->kind != DSL_ATOM_INT || a->t.overflow || a->t.v < 0 || a->t.v > 65535) {
		AERR(a, "expected a byte offset 0..65535, found '%.*s'", n_of(a->t), a->t.s);
		return false;
	}
	*out = (uint32_t)a->t.v;
	return true;
}

static bool parse_rep(struct dsl_pstate *ps, const struct dsl_attr *at, struct dsl_mutation *m)
{
	const struct dsl_atom *f = &at->args->v[1];
	if (at->args->n != 3) {
		dsl_perr(ps, at->off, at->loc.line, at->loc.column,
			 "'rep' needs a layer, a field and a value: rep tcp data_off 0xf");
		return false;
	}
	const struct field *fd = NULL;
	for (size_t i = 0; !fd && i < sizeof fields / sizeof *fields; i++) {
		if (fields[i].layer != m->layer || f->kind != DSL_ATOM_WORD)
			continue;
		if (is(f->t, fields[i].name))
			fd = &fields[i];
		for (size_t k = 0; !fd && k < 3 && fields[i].alias[k]; k++)
			if (is(f->t, fields[i].alias[k]))
				fd = &fields[i];
	}
	if (!fd) {
		AERR(f, "unknown %s field '%.*s'", layer_names[m->layer], n_of(f->t), f->t.s);
		return false;
	}
	m->field = fd->name;
	m->off = fd->off;
	m->span = fd->span;
	m->shift = fd->shift;
	m->bits = fd->bits;
	const struct dsl_atom *v = &at->args->v[2];
	if (v->kind != DSL_ATOM_INT || v->t.v < 0 || (v->t.overflow && !v->t.hex)) {
		AERR(v, "expected a number for %s %s, found '%.*s'", layer_names[m->layer],
		     fd->name, n_of(v->t), v->t.s);
		return false;
	}
	size_t nb;
	if (v->t.hex) {
		uint8_t tmp[DSL_MUT_MAX_VALUE];
		if (!hex_digits(v->t, tmp, sizeof tmp, &nb))
			goto wide;
		memset(m->value, 0, sizeof m->value);
		memcpy(m->value + sizeof m->value - nb, tmp, nb);
	} else {
		uint64_t x = (uint64_t)v->t.v;
		memset(m->value, 0, sizeof m->value);
		for (int i = 0; i < 8; i++)
			m->value[DSL_MUT_MAX_VALUE - 1 - i] = (uint8_t)(x >> (8 * i));
	}
	/* every bit above the field's width must be zero */
	for (unsigned bit = fd->bits; bit < 8 * DSL_MUT_MAX_VALUE; bit++)
		if (m->value[DSL_MUT_MAX_VALUE - 1 - bit / 8] >> (bit % 8) & 1)
			goto wide;
	return true;
wide:
	AERR(v, "value '%.*s' does not fit in %s %s (%u bits)", n_of(v->t), v->t.s,
	     layer_names[m->layer], fd->name, fd->bits);
	return false;
}

static bool parse_ins(struct dsl_pstate *ps, const struct dsl_attr *at, struct dsl_mutation *m)
{
	if (at->args->n >= 2 && at->args->v[1].kind == DSL_ATOM_WORD) {
		/* an earlier form of the fork: ins tcp mss ... */
		ps->file->unsupported = true;
		dsl_punsup(ps, at->off, at->loc.line, at->loc.column,
			   "'ins' at a named place is not supported (give a byte offset)");
		return false;
	}
	if (at->args->n != 3) {
		dsl_perr(ps, at->off, at->loc.line, at->loc.column,
			 "'ins' needs a layer, an offset and hex bytes: ins tcp 20 0x0204ffff");
		return false;
	}
	if (!want_offset(ps, &at->args->v[1], &m->at))
		return false;
	const struct dsl_atom *v = &at->args->v[2];
	if (v->kind != DSL_ATOM_INT || !v->t.hex) {
		AERR(v, "'ins' needs the bytes in hex (0x...), found '%.*s'", n_of(v->t), v->t.s);
		return false;
	}
	uint8_t *buf = dsl_xmalloc(ps, MAX_INSERT);
	size_t nb;
	if (!hex_digits(v->t, buf, MAX_INSERT, &nb)) {
		free(buf);
		AERR(v, "more than %d bytes to insert", MAX_INSERT);
		return false;
	}
	m->bytes = buf;		/* left-aligned: nb of the cap are used */
	m->len = nb;
	return true;
}

static bool parse_trun(struct dsl_pstate *ps, const struct dsl_attr *at, struct dsl_mutation *m)
{
	size_t n = at->args->n;
	if (n >= 2 && at->args->v[1].kind == DSL_ATOM_WORD) {
		/* an earlier form of the fork: trun tcp FIELD */
		ps->file->unsupported = true;
		dsl_punsup(ps, at->off, at->loc.line, at->loc.column,
			   "'trun' of a named field is not supported (give a byte offset)");
		return false;
	}
	if (n < 2 || n > 3) {
		dsl_perr(ps, at->off, at->loc.line, at->loc.column,
			 "'trun' needs a layer, an offset and optionally a count: trun tcp 20 4");
		return false;
	}
	if (!want_offset(ps, &at->args->v[1], &m->at))
		return false;
	if (n == 2) {
		m->to_end = true;
		return true;
	}
	uint32_t c;
	if (!want_offset(ps, &at->args->v[2], &c))
		return false;
	m->len = c;
	return true;
}

bool dsl_mut_parse(struct dsl_pstate *ps, struct dsl_malformed *mf, const struct dsl_attr *at)
{
	struct dsl_mutation m = { 0 };
	m.loc = at->loc;
	m.op = is(at->name, "rep") ? DSL_MUT_REP : is(at->name, "ins") ? DSL_MUT_INS : DSL_MUT_TRUN;
	if (!at->args || at->args->n < 1 || at->args->v[0].kind != DSL_ATOM_WORD) {
		dsl_perr(ps, at->off, at->loc.line, at->loc.column,
			 "'%s' needs a layer first (ipv4, ipv6, tcp or udp)", op_names[m.op]);
		return false;
	}
	const struct dsl_atom *l = &at->args->v[0];
	size_t k;
	for (k = 0; k < 4; k++)
		if (is(l->t, layer_names[k]))
			break;
	if (k == 4) {
		AERR(l, "unknown layer '%.*s' (ipv4, ipv6, tcp or udp)", n_of(l->t), l->t.s);
		return false;
	}
	m.layer = (enum dsl_mut_layer)k;
	bool ok = m.op == DSL_MUT_REP ? parse_rep(ps, at, &m)
		: m.op == DSL_MUT_INS ? parse_ins(ps, at, &m) : parse_trun(ps, at, &m);
	if (!ok)
		return false;
	mf->muts = dsl_xrealloc(ps, mf->muts, (mf->n_muts + 1) * sizeof *mf->muts);
	mf->muts[mf->n_muts++] = m;
	return true;
}

void dsl_mut_free(struct dsl_malformed *mf)
{
	for (size_t i = 0; i < mf->n_muts; i++)
		free(mf->muts[i].bytes);
	free(mf->muts);
	mf->muts = NULL;
	mf->n_muts = 0;
}

void dsl_print_mutation(FILE *fp, const struct dsl_mutation *m)
{
	fprintf(fp, "%s %s ", op_names[m->op], layer_names[m->layer]);
	switch (m->op) {
	case DSL_MUT_REP: {
		size_t i = 0;
		while (i + 1 < DSL_MUT_MAX_VALUE && !m->value[i])
			i++;
		fprintf(fp, "%s 0x", m->field);
		for (; i < DSL_MUT_MAX_VALUE; i++)
			fprintf(fp, "%02x", m->value[i]);
		break;
	}
	case DSL_MUT_INS:
		fprintf(fp, "%u 0x", m->at);
		for (size_t i = 0; i < m->len; i++)
			fprintf(fp, "%02x", m->bytes[i]);
		break;
	case DSL_MUT_TRUN:
		fprintf(fp, "%u", m->at);
		if (!m->to_end)
			fprintf(fp, " %zu", m->len);
		break;
	}
}

bool dsl_mutation_eq(const struct dsl_mutation *a, const struct dsl_mutation *b)
{
	if (a->op != b->op || a->layer != b->layer)
		return false;
	switch (a->op) {
	case DSL_MUT_REP:
		return a->off == b->off && a->span == b->span && a->shift == b->shift &&
		       a->bits == b->bits && !memcmp(a->value, b->value, sizeof a->value);
	case DSL_MUT_INS:
		return a->at == b->at && a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
	case DSL_MUT_TRUN:
		return a->at == b->at && a->to_end == b->to_end && (a->to_end || a->len == b->len);
	}
	return false;
}
