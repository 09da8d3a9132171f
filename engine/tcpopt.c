/* TCP options of the packets a script writes: building the peer's (symbolic values,
 * SACK blocks and TS echoes in the stack's numbers) and comparing the stack's with the
 * rules of pkt-dialect.md, byte for byte or under the syn-options and option-layout
 * relaxations. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"

void engine_diff(struct engine_diffs *d, const char *fmt, ...)
{
	if (d->n >= sizeof d->buf)
		return;
	if (d->count++)
		d->n += snprintf(d->buf + d->n, sizeof d->buf - d->n, "; ");
	if (d->n >= sizeof d->buf)
		return;
	va_list ap;
	va_start(ap, fmt);
	d->n += vsnprintf(d->buf + d->n, sizeof d->buf - d->n, fmt, ap);
	va_end(ap);
}

/* The live TS val the stack sent for a TS val the script wrote; a value the script
 * never wrote is placed on the stack's clock at the same distance from the first pair. */
static uint32_t live_ts_for(struct engine_ctx *x, uint32_t script_val)
{
	for (size_t i = x->c.n_ts; i-- > 0;)
		if (x->c.ts_script[i] == script_val)
			return x->c.ts_live[i];
	if (x->c.have_ts_first)
		return x->c.ts_first_live + (script_val - x->c.ts_first_script);
	return x->c.have_ts_live ? x->c.ts_last_live : script_val;
}

/* A symbolic option value (`FO TFO_COOKIE`, `mss MSS`) from --define NAME=VALUE:
 * a number for mss and wscale, hex bytes for cookies and digests.  r gets s with the
 * value filled in (bytes in buf).  false when the name is not defined. */
static bool resolve_opt(struct engine_ctx *x, const struct dsl_tcp_opt *s,
			struct dsl_tcp_opt *r, uint8_t *buf, size_t cap)
{
	*r = *s;
	if (!s->sym)
		return true;
	const char *val = NULL;
	for (int i = x->opts.n_defines; i-- > 0 && !val;)
		if (!strcmp(x->opts.defines[i][0], s->sym))
			val = x->opts.defines[i][1];
	if (!val)
		return false;
	if (s->kind == DSL_OPT_MSS || s->kind == DSL_OPT_WSCALE) {
		char *end;
		unsigned long v = strtoul(val, &end, 0);
		if (!*val || *end)
			return false;
		r->value = v;
		return true;
	}
	size_t n = 0;
	for (const char *h = val; h[0] && h[1] && n < cap; h += 2) {
		unsigned hi, lo;
		if (sscanf(h, "%1x%1x", &hi, &lo) != 2)
			return false;
		buf[n++] = hi << 4 | lo;
	}
	r->bytes = buf;
	r->len = n;
	return true;
}

int engine_opt_add(struct engine_ctx *x, struct wire_tcp_opts *o, const struct dsl_tcp_opt *so)
{
	uint8_t symbuf[DSL_MAX_OPT_BYTES];
	struct dsl_tcp_opt resolved;
	if (engine_md5_valid(so)) {	/* a zero digest, signed once built (md5.c) */
		uint8_t zero[16] = { 0 };
		return wire_opt_add_md5(o, zero);
	}
	if (!resolve_opt(x, so, &resolved, symbuf, sizeof symbuf))
		return -2;
	const struct dsl_tcp_opt *s = &resolved;
	uint8_t b[WIRE_TCP_MAX_OPT_LEN + 2];
	switch (s->kind) {
	case DSL_OPT_NOP: return wire_opt_add_nop(o);
	case DSL_OPT_EOL: return wire_opt_add_eol(o);
	case DSL_OPT_MSS: return wire_opt_add_mss(o, s->value);
	case DSL_OPT_WSCALE: return wire_opt_add_wscale(o, s->value);
	case DSL_OPT_SACK_PERM: return wire_opt_add_sack_perm(o);
	case DSL_OPT_SACK: {
		uint32_t lr[2 * DSL_MAX_SACK_BLOCKS];
		for (size_t i = 0; i < s->n_sack; i++) {
			lr[2 * i] = x->c.local_isn + s->sack[i].start;
			lr[2 * i + 1] = x->c.local_isn + s->sack[i].end;
		}
		return wire_opt_add_sack(o, s->n_sack, lr);
	}
	case DSL_OPT_TS:
		/* `ecr ...` echoes the stack's latest TS val (0 before it sent one) */
		if (s->ts_ecr_any)
			return wire_opt_add_ts(o, s->ts_val, x->c.have_ts_live ? x->c.ts_last_live : 0);
		return wire_opt_add_ts(o, s->ts_val, s->ts_ecr ? live_ts_for(x, s->ts_ecr) : 0);
	case DSL_OPT_FASTOPEN:
	case DSL_OPT_FASTOPEN_EXP: {
		bool exp = s->kind == DSL_OPT_FASTOPEN_EXP;
		if (s->len <= WIRE_TFO_MAX_COOKIE)
			return wire_opt_add_tfo(o, exp, s->bytes, s->len);
		/* a cookie longer than RFC 7413 allows (scripts test that the stack drops
		 * it): sent as written, byte for byte */
		size_t n = 0;
		b[n++] = exp ? WIRE_TCPOPT_EXP : WIRE_TCPOPT_FASTOPEN;
		b[n++] = (uint8_t)((exp ? 4 : 2) + s->len);
		if (exp) {
			b[n++] = WIRE_TFO_EXP_MAGIC >> 8;
			b[n++] = WIRE_TFO_EXP_MAGIC & 0xff;
		}
		if (n + s->len > sizeof b)
			return -1;
		memcpy(b + n, s->bytes, s->len);
		return wire_opt_add_literal(o, b, n + s->len);
	}
	case DSL_OPT_MD5: {
		uint8_t dig[16] = {0};
		if (s->bytes)
			memcpy(dig, s->bytes, s->len < 16 ? s->len : 16);
		return wire_opt_add_md5(o, dig);
	}
	case DSL_OPT_ACCECN: {
		uint32_t f[3] = {0};
		for (size_t i = 0; i < s->n_accecn; i++)
			f[s->accecn[i].field] = s->accecn[i].value;
		int order = s->n_accecn && s->accecn[0].field == DSL_ACCECN_E1B;
		return wire_opt_add_accecn(o, order, s->n_accecn, f[0], f[1], f[2]);
	}
	case DSL_OPT_RAW: {
		size_t n = 0;
		if (s->raw_kind >= 0)
			b[n++] = s->raw_kind;
		if (s->raw_len >= 0)
			b[n++] = s->raw_len;
		size_t k = s->len;
		if (n + k > sizeof b)
			k = sizeof b - n;
		if (k)
			memcpy(b + n, s->bytes, k);
		return wire_opt_add_literal(o, b, n + k);
	}
	}
	return -1;
}

static int wire_kind_of(const struct dsl_tcp_opt *s)
{
	switch (s->kind) {
	case DSL_OPT_NOP: return WIRE_TCPOPT_NOP;
	case DSL_OPT_EOL: return WIRE_TCPOPT_EOL;
	case DSL_OPT_MSS: return WIRE_TCPOPT_MSS;
	case DSL_OPT_WSCALE: return WIRE_TCPOPT_WSCALE;
	case DSL_OPT_SACK_PERM: return WIRE_TCPOPT_SACK_PERM;
	case DSL_OPT_SACK: return WIRE_TCPOPT_SACK;
	case DSL_OPT_TS: return WIRE_TCPOPT_TIMESTAMP;
	case DSL_OPT_FASTOPEN: return WIRE_TCPOPT_FASTOPEN;
	case DSL_OPT_FASTOPEN_EXP: return WIRE_TCPOPT_EXP;
	case DSL_OPT_MD5: return WIRE_TCPOPT_MD5;
	case DSL_OPT_ACCECN:
		return s->n_accecn && s->accecn[0].field == DSL_ACCECN_E1B ? WIRE_TCPOPT_ACCECN1
									    : WIRE_TCPOPT_ACCECN0;
	case DSL_OPT_RAW: return s->raw_kind;
	}
	return -1;
}

static bool ts_val_ok(struct engine_ctx *x, uint32_t script_val, uint32_t live, char *why,
		      size_t cap)
{
	int64_t tick = x->opts.tcp_ts_tick_usecs;
	if (tick <= 0)
		return true;
	if (!x->c.have_ts_base) {
		x->c.have_ts_base = true;
		x->c.ts_base_script = script_val;
		x->c.ts_base_live = live;
		return true;
	}
	uint32_t want = x->c.ts_base_live + (script_val - x->c.ts_base_script);
	int64_t slack = x->opts.tolerance_usecs / tick + 1;
	int64_t off = (int32_t)(live - want);
	if (off >= -slack && off <= slack)
		return true;
	snprintf(why, cap, "TS val: expected %u but got %u (%u ticks of %lld us from the first)",
		 script_val, script_val + (uint32_t)off, (unsigned)(live - x->c.ts_base_live),
		 (long long)tick);
	return false;
}

static void print_script_opts(const struct dsl_packet *p, char *want, size_t cap)
{
	FILE *f = fmemopen(want, cap - 1, "w");
	if (!f)
		return;
	fputc('<', f);
	for (size_t i = 0; i < p->n_opts; i++) {
		const struct dsl_tcp_opt *s = &p->opts[i];
		static const char *const names[] = {
			"nop", "eol", "mss", "wscale", "sackOK", "sack", "TS", "FO",
			"FOEXP", "md5", "ECN", "raw" };
		fprintf(f, "%s%s", i ? "," : "", names[s->kind]);
		if ((s->kind == DSL_OPT_MSS || s->kind == DSL_OPT_WSCALE) && s->value_any)
			fprintf(f, " ...");
		else if (s->kind == DSL_OPT_MSS || s->kind == DSL_OPT_WSCALE)
			fprintf(f, " %u", s->value);
		if (s->kind == DSL_OPT_TS)
			fprintf(f, " val %u ecr %u", s->ts_val, s->ts_ecr);
		if (s->kind == DSL_OPT_SACK)
			for (size_t k = 0; k < s->n_sack; k++)
				fprintf(f, " %u:%u", s->sack[k].start, s->sack[k].end);
	}
	fputc('>', f);
	fclose(f);
}

/* Both option relaxations match each option the script names (NOP and EOL are
 * padding) with the first unused option of its kind the stack sent, in any order.
 * syn-options (the stack's own SYN and SYN-ACK) lets other options be there too,
 * except those RFC 7323 forbids in a SYN-ACK that answers a SYN without them (2.2,
 * 3.2); option-layout (any segment) lets only NOP and EOL be there besides.  map[i]
 * gets the stack's index, -1 for padding.  false when an option is missing or, under
 * option-layout, one is extra (listed in d). */
static bool map_relaxed(struct engine_ctx *x, const struct dsl_packet *p,
			const struct wire_tcp *t, int *map, bool syn_options,
			struct engine_diffs *d)
{
	const struct wire_tcp_opts *o = &t->opts;
	bool used[WIRE_TCP_MAX_OPTS] = { false };
	bool ok = true;
	for (size_t i = 0; i < p->n_opts && ok; i++) {
		map[i] = -1;
		if (p->opts[i].kind == DSL_OPT_NOP || p->opts[i].kind == DSL_OPT_EOL)
			continue;
		for (size_t k = 0; k < o->n && map[i] < 0; k++)
			if (!used[k] && (int)o->opt[k].kind == wire_kind_of(&p->opts[i]) &&
			    !(o->opt[k].flags & WIRE_OPT_F_RAW && p->opts[i].kind != DSL_OPT_RAW)) {
				used[k] = true;
				map[i] = (int)k;
			}
		ok = map[i] >= 0;
	}
	for (size_t k = 0; ok && !syn_options && k < o->n; k++)
		ok = used[k] || (!(o->opt[k].flags & WIRE_OPT_F_RAW) &&
				 (o->opt[k].kind == WIRE_TCPOPT_NOP ||
				  o->opt[k].kind == WIRE_TCPOPT_EOL));
	if (!ok) {
		char want[256], got[256];
		print_script_opts(p, want, sizeof want);
		wire_print_tcp_options(got, sizeof got, o, x->c.remote_isn);
		engine_diff(d, "options: expected %s (in any order, under --relax %s) but got %s",
			    want, syn_options ? "syn-options" : "option-layout: no other option "
			    "but NOP and EOL", got);
		return false;
	}
	if (syn_options && (t->flags & WIRE_TH_ACK) && x->c.have_peer_syn) {
		unsigned sent = engine_synopts_wire(t), offered = x->c.peer_syn_opts;
		if ((sent & ENGINE_SYNOPT_TS) && !(offered & ENGINE_SYNOPT_TS))
			engine_diff(d, "options: TS in a SYN-ACK that answers a SYN without "
				    "one (RFC 7323 3.2: only if it received a TSopt in the SYN)");
		if ((sent & ENGINE_SYNOPT_WSCALE) && !(offered & ENGINE_SYNOPT_WSCALE))
			engine_diff(d, "options: wscale in a SYN-ACK that answers a SYN without "
				    "one (RFC 7323 2.2: only if it was received in the SYN)");
	}
	return true;
}

void engine_opts_compare(struct engine_ctx *x, const struct dsl_packet *p,
			 const struct wire_tcp *t, struct engine_diffs *d)
{
	const struct wire_tcp_opts *o = &t->opts;
	char want[256] = "", got[256] = "";
	if (p->opts_kind == DSL_OPTS_ANY)
		return;
	if (p->opts_kind == DSL_OPTS_NONE) {
		if (o->n || t->opt_len) {
			wire_print_tcp_options(got, sizeof got, o, x->c.remote_isn);
			engine_diff(d, "options: expected none but got %s", got);
		}
		return;
	}
	int map[p->n_opts ? p->n_opts : 1];
	bool relaxed = (x->opts.relax & ENGINE_RELAX_SYN_OPTIONS) && (t->flags & WIRE_TH_SYN);
	if (relaxed || (x->opts.relax & ENGINE_RELAX_OPTION_LAYOUT)) {
		if (!map_relaxed(x, p, t, map, relaxed, d))
			return;
	} else {
		/* an EOL ends the list: zero bytes after it are padding, not more options */
		size_t n_actual = o->n;
		while (n_actual >= 2 && o->opt[n_actual - 1].kind == WIRE_TCPOPT_EOL &&
		       o->opt[n_actual - 2].kind == WIRE_TCPOPT_EOL)
			n_actual--;
		bool kinds_ok = n_actual == p->n_opts;
		for (size_t i = 0; kinds_ok && i < p->n_opts; i++) {
			map[i] = (int)i;
			if ((int)o->opt[i].kind != wire_kind_of(&p->opts[i]) ||
			    (o->opt[i].flags & WIRE_OPT_F_RAW && p->opts[i].kind != DSL_OPT_RAW))
				kinds_ok = false;
		}
		if (!kinds_ok) {
			wire_print_tcp_options(got, sizeof got, o, x->c.remote_isn);
			print_script_opts(p, want, sizeof want);
			engine_diff(d, "options: expected %s but got %s", want, got);
			return;
		}
	}
	for (size_t i = 0; i < p->n_opts; i++) {
		uint8_t symbuf[DSL_MAX_OPT_BYTES];
		struct dsl_tcp_opt resolved;
		if (p->opts[i].kind == DSL_OPT_MD5 || map[i] < 0)
			continue;       /* by kind; padding when relaxed */
		if (!resolve_opt(x, &p->opts[i], &resolved, symbuf, sizeof symbuf)) {
			engine_diff(d, "option value %s is not defined (give --define %s=VALUE)",
			     p->opts[i].sym, p->opts[i].sym);
			continue;
		}
		const struct dsl_tcp_opt *s = &resolved;
		const struct wire_tcp_opt *w = &o->opt[map[i]];
		char why[160];
		if (relaxed && s->kind == DSL_OPT_MSS) {
			/* the stack's own MSS: any the RFCs allow (RFC 9293 3.7.1: the
			 * largest segment it can receive; 0 would let nothing through) */
			if (w->v.mss == 0)
				engine_diff(d, "mss: 0 is no segment size (RFC 9293 3.7.1)");
			continue;
		}
		if (relaxed && s->kind == DSL_OPT_WSCALE) {
			/* RFC 7323 2.3: a shift count above 14 is an error */
			if (w->v.wscale > 14)
				engine_diff(d, "wscale: %u is above 14 (RFC 7323 2.3)", w->v.wscale);
			continue;
		}
		bool ts_free = relaxed || (x->opts.relax & ENGINE_RELAX_TS_VAL);
		switch (s->kind) {
		case DSL_OPT_MSS:
			if (!s->value_any && w->v.mss != s->value)
				engine_diff(d, "mss: expected %u but got %u", s->value, w->v.mss);
			break;
		case DSL_OPT_WSCALE:
			if (!s->value_any && w->v.wscale != s->value)
				engine_diff(d, "wscale: expected %u but got %u", s->value, w->v.wscale);
			break;
		case DSL_OPT_SACK: {
			bool same = w->v.sack.n == s->n_sack;
			for (size_t k = 0; same && k < s->n_sack; k++)
				same = w->v.sack.block[k].left - x->c.remote_isn == s->sack[k].start &&
				       w->v.sack.block[k].right - x->c.remote_isn == s->sack[k].end;
			if (!same) {
				char g[160] = "";
				size_t n = 0;
				for (size_t k = 0; k < w->v.sack.n && n < sizeof g; k++)
					n += snprintf(g + n, sizeof g - n, "%s%u:%u", k ? " " : "",
						      w->v.sack.block[k].left - x->c.remote_isn,
						      w->v.sack.block[k].right - x->c.remote_isn);
				char e[160] = "";
				n = 0;
				for (size_t k = 0; k < s->n_sack && n < sizeof e; k++)
					n += snprintf(e + n, sizeof e - n, "%s%u:%u", k ? " " : "",
						      s->sack[k].start, s->sack[k].end);
				engine_diff(d, "sack: expected %s but got %s", e, g);
			}
			break;
		}
		case DSL_OPT_TS:
			if (!s->ts_val_any && !ts_free &&
			    !ts_val_ok(x, s->ts_val, w->v.ts.val, why, sizeof why))
				engine_diff(d, "%s", why);
			if (!s->ts_ecr_any && w->v.ts.ecr != s->ts_ecr)
				engine_diff(d, "TS ecr: expected %u but got %u", s->ts_ecr, w->v.ts.ecr);
			break;
		case DSL_OPT_FASTOPEN:
		case DSL_OPT_FASTOPEN_EXP:
			if (s->len && (w->v.tfo.len != s->len ||
				       memcmp(w->v.tfo.cookie, s->bytes, s->len)))
				engine_diff(d, "fast open cookie: expected %zu bytes as written but got %u "
					"different bytes", s->len, w->v.tfo.len);
			break;
		case DSL_OPT_ACCECN:
			for (size_t k = 0; k < s->n_accecn; k++) {
				uint32_t g = s->accecn[k].field == DSL_ACCECN_E0B ? w->v.accecn.e0b
					     : s->accecn[k].field == DSL_ACCECN_CEB ? w->v.accecn.ceb
					     : w->v.accecn.e1b;
				if (g != s->accecn[k].value)
					engine_diff(d, "accecn field %zu: expected %u but got %u", k,
					     s->accecn[k].value, g);
			}
			break;
		default:  /* nop, eol, sackOK, md5, raw: by kind */
			break;
		}
	}
}

/* Record the stack's live TS vals against the script's for later inbound ecr. */
void engine_opts_learn_ts(struct engine_ctx *x, const struct dsl_packet *p, const struct wire_tcp *t)
{
	for (size_t i = 0; i < t->opts.n; i++) {
		if (t->opts.opt[i].kind != WIRE_TCPOPT_TIMESTAMP ||
		    (t->opts.opt[i].flags & WIRE_OPT_F_RAW))
			continue;
		uint32_t live = t->opts.opt[i].v.ts.val;
		x->c.have_ts_live = true;
		x->c.ts_last_live = live;
		if (p && p->opts_kind == DSL_OPTS_LIST)
			for (size_t k = 0; k < p->n_opts; k++)
				if (p->opts[k].kind == DSL_OPT_TS && !p->opts[k].ts_val_any) {
					size_t slot = x->c.n_ts < ENGINE_MAX_TS ? x->c.n_ts++
									      : ENGINE_MAX_TS - 1;
					x->c.ts_script[slot] = p->opts[k].ts_val;
					x->c.ts_live[slot] = live;
					if (!x->c.have_ts_first) {
						x->c.have_ts_first = true;
						x->c.ts_first_script = p->opts[k].ts_val;
						x->c.ts_first_live = live;
					}
				}
	}
}


unsigned engine_synopts_script(const struct dsl_packet *p)
{
	unsigned b = 0;
	for (size_t i = 0; p->opts_kind == DSL_OPTS_LIST && i < p->n_opts; i++)
		switch (p->opts[i].kind) {
		case DSL_OPT_MSS: b |= ENGINE_SYNOPT_MSS; break;
		case DSL_OPT_WSCALE: b |= ENGINE_SYNOPT_WSCALE; break;
		case DSL_OPT_SACK_PERM: b |= ENGINE_SYNOPT_SACK_PERM; break;
		case DSL_OPT_TS: b |= ENGINE_SYNOPT_TS; break;
		case DSL_OPT_FASTOPEN:
		case DSL_OPT_FASTOPEN_EXP: b |= ENGINE_SYNOPT_FASTOPEN; break;
		default: break;
		}
	if (p->flags & DSL_TCP_ECE)     /* ECN-setup SYN (E and W) or SYN-ACK (E) */
		b |= ENGINE_SYNOPT_ECN;
	return b;
}

unsigned engine_synopts_wire(const struct wire_tcp *t)
{
	unsigned b = 0;
	for (size_t i = 0; i < t->opts.n; i++) {
		if (t->opts.opt[i].flags & WIRE_OPT_F_RAW)
			continue;
		switch (t->opts.opt[i].kind) {
		case WIRE_TCPOPT_MSS: b |= ENGINE_SYNOPT_MSS; break;
		case WIRE_TCPOPT_WSCALE: b |= ENGINE_SYNOPT_WSCALE; break;
		case WIRE_TCPOPT_SACK_PERM: b |= ENGINE_SYNOPT_SACK_PERM; break;
		case WIRE_TCPOPT_TIMESTAMP: b |= ENGINE_SYNOPT_TS; break;
		case WIRE_TCPOPT_FASTOPEN:
		case WIRE_TCPOPT_EXP: b |= ENGINE_SYNOPT_FASTOPEN; break;
		default: break;
		}
	}
	if (t->flags & WIRE_TH_ECE)
		b |= ENGINE_SYNOPT_ECN;
	return b;
}

/* An optional mechanism (RFC 7323 timestamps and window scaling, RFC 2018 SACK, RFC
 * 3168 ECN, RFC 7413 Fast Open) is the stack's to offer or not: a script that needs
 * one the stack's SYN or SYN-ACK left out does not apply to that stack, provided the
 * stack was free to offer it (its own SYN; a SYN-ACK to a SYN that offered it).  In the
 * handshake: the option (or ECE) the script expects is not in the stack's segment;
 * later: the script expects a TS option, SACK blocks or ECN marks the stack's own
 * handshake segment did not offer. */
const char *engine_not_offered(struct engine_ctx *x, const struct dsl_packet *p,
			       const struct wire_tcp *t, const char **forbidden)
{
	static const struct { unsigned bit; const char *name, *why; } features[] = {
		{ ENGINE_SYNOPT_TS, "timestamps",
		  "timestamps (RFC 7323 3.2: a SYN-ACK carries a TSopt only if the SYN did)" },
		{ ENGINE_SYNOPT_SACK_PERM, "SACK",
		  "SACK (RFC 2018 2: SACK-permitted in a SYN-ACK only if the SYN had it)" },
		{ ENGINE_SYNOPT_WSCALE, "window scaling",
		  "window scaling (RFC 7323 2.2: a SYN-ACK carries it only if the SYN did)" },
		{ ENGINE_SYNOPT_FASTOPEN, "Fast Open",
		  "Fast Open (RFC 7413 4.1.2: a cookie only for a SYN that asks for one)" },
		{ ENGINE_SYNOPT_ECN, "ECN",
		  "ECN (RFC 3168 6.1.1: an ECN-setup SYN-ACK only answers an ECN-setup SYN)" },
	};
	*forbidden = NULL;
	unsigned want = engine_synopts_script(p), missing;
	if (t->flags & WIRE_TH_SYN) {
		if (!(p->flags & DSL_TCP_SYN))
			return NULL;
		/* a retransmitted SYN (or SYN-ACK) that drops what an earlier one of the
		 * same connection offered (RFC 3168 6.1.1.1's fallback) is judged, not
		 * excused */
		missing = want & ~(engine_synopts_wire(t) |
				   x->c.stack_syn_ever[!!(t->flags & WIRE_TH_ACK)]);
	} else {
		if (!x->c.have_stack_syn)
			return NULL;
		unsigned later = 0;
		for (size_t i = 0; p->opts_kind == DSL_OPTS_LIST && i < p->n_opts; i++) {
			if (p->opts[i].kind == DSL_OPT_TS)
				later |= ENGINE_SYNOPT_TS;
			if (p->opts[i].kind == DSL_OPT_SACK)
				later |= ENGINE_SYNOPT_SACK_PERM;
		}
		if (p->flags & (DSL_TCP_ECE | DSL_TCP_CWR) ||
		    (p->ecn != DSL_ECN_UNSET && p->ecn != DSL_ECN_NOECN))
			later |= ENGINE_SYNOPT_ECN;
		missing = later & ~x->c.stack_syn_opts;
		/* only what this segment lacks: a TS the stack sends anyway is no gap */
		if (missing & ENGINE_SYNOPT_TS && (engine_synopts_wire(t) & ENGINE_SYNOPT_TS))
			missing &= ~ENGINE_SYNOPT_TS;
	}
	missing &= ~ENGINE_SYNOPT_MSS;
	/* a passive stack may offer only what the script's SYN offered: whatever else
	 * the script expects is its own mistake, not the stack's choice.  The stack's
	 * own active SYN offers what it likes. */
	bool synack = t->flags & WIRE_TH_SYN ? !!(t->flags & WIRE_TH_ACK) : x->c.stack_syn_ack;
	unsigned cannot = synack && x->c.have_peer_syn ? missing & ~x->c.peer_syn_opts : 0;
	for (size_t i = 0; i < sizeof features / sizeof features[0]; i++)
		if (cannot & features[i].bit) {
			*forbidden = features[i].why;
			return NULL;
		}
	for (size_t i = 0; i < sizeof features / sizeof features[0]; i++)
		if (missing & features[i].bit)
			return features[i].name;
	return NULL;
}
