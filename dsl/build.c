/* dsl/build.c: the grammar's actions; turn tokens into the tree and check values.
 *
 * Rule of thumb for what is an error and what is unsupported: a name tcpspec knows with
 * a value it cannot accept (mss 70000, an odd-length cookie, a flag letter Q) is an
 * error; a name it does not know (an MPTCP option, a forked tool's suffix) is valid
 * dialect that tcpspec does not support, so the script is skipped, not rejected.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsl/internal.h"
#include "dsl/parser.h"         /* generated into $(B)/dsl/ */

#define L(yl) ((struct dsl_loc){ ps->name, (yl).first_line, (yl).first_column })
#define PERR(yl, ...) dsl_perr(ps, (yl).first_off, (yl).first_line, (yl).first_column, __VA_ARGS__)
#define PUNSUP(yl, ...) dsl_punsup(ps, (yl).first_off, (yl).first_line, (yl).first_column, __VA_ARGS__)

/* The known name a letter or two from token t, or NULL: a word that close to one of
 * ours is a typo (an error with a hint), not another fork's word (unsupported). */
static const char *close_name(struct dsl_tok t, const char *const *known, size_t n)
{
	char nm[64];
	snprintf(nm, sizeof nm, "%.*s", (int)(t.n < 63 ? t.n : 63), t.s);
	struct dsl_suggest sg;
	dsl_suggest_init(&sg, nm);
	for (size_t i = 0; i < n; i++)
		dsl_suggest_offer(&sg, known[i]);
	return sg.best;
}

/* ---- memory ------------------------------------------------------------------------ */

void *dsl_xmalloc(struct dsl_pstate *ps, size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		longjmp(ps->oom, 1);
	return p;
}

void *dsl_xcalloc(struct dsl_pstate *ps, size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		longjmp(ps->oom, 1);
	return p;
}

void *dsl_xrealloc(struct dsl_pstate *ps, void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		longjmp(ps->oom, 1);
	return q;
}

char *dsl_xstrndup(struct dsl_pstate *ps, const char *s, size_t n)
{
	char *p = dsl_xmalloc(ps, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

static bool tok_is(struct dsl_tok t, const char *w)
{
	return t.n == strlen(w) && strncasecmp(t.s, w, t.n) == 0;
}

static int tlen(struct dsl_tok t)
{
	return t.n > 60 ? 60 : (int)t.n;
}

/* ---- freeing ----------------------------------------------------------------------- */

void dsl_atomv_free(struct dsl_atomv *v)
{
	if (!v)
		return;
	free(v->v);
	free(v);
}

void dsl_attrv_free(struct dsl_attrv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		dsl_atomv_free(v->v[i].args);
	free(v->v);
	free(v);
}

void dsl_expr_free(struct dsl_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_items; i++)
		dsl_expr_free(e->items[i]);
	free(e->items);
	free(e->text);
	dsl_expr_free(e->index);
	dsl_expr_free(e->value);
	free(e);
}

void dsl_exprv_free(struct dsl_exprv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		dsl_expr_free(v->v[i]);
	free(v->v);
	free(v);
}

void dsl_packet_free_fields(struct dsl_packet *p)
{
	for (size_t i = 0; i < p->n_opts; i++) {
		free(p->opts[i].bytes);
		free(p->opts[i].sym);
	}
	free(p->opts);
	free(p->icmp.type);
	free(p->icmp.code);
	dsl_mut_free(&p->bad);
}

void dsl_event_free_fields(struct dsl_event *ev)
{
	dsl_packet_free_fields(&ev->packet);
	free(ev->call.name);
	for (size_t i = 0; i < ev->call.n_args; i++)
		dsl_expr_free(ev->call.args[i]);
	free(ev->call.args);
	dsl_expr_free(ev->call.ret);
	free(ev->call.err_name);
	free(ev->call.note);
	free(ev->text);
	free(ev->reason);
}

void dsl_event_destroy(struct dsl_event *ev)
{
	if (!ev)
		return;
	dsl_event_free_fields(ev);
	free(ev);
}

/* ---- lines ------------------------------------------------------------------------- */

struct dsl_event *dsl_b_event(struct dsl_pstate *ps, enum dsl_event_kind k, struct dsl_loc l)
{
	struct dsl_event *ev = dsl_xcalloc(ps, 1, sizeof *ev);
	ev->kind = k;
	ev->loc = l;
	return ev;
}

void dsl_b_text(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok t, size_t skip)
{
	ev->text = dsl_xstrndup(ps, t.s + skip, t.n - 2 * skip);
}

static bool unsupported_symbol(const char *s)
{
	return !strncmp(s, "IPPROTO_SCTP", 12) || !strncmp(s, "SOL_SCTP", 8) ||
	       !strncmp(s, "SCTP_", 5) || !strcmp(s, "IPPROTO_MPTCP") ||
	       !strncmp(s, "MPTCP_", 6) || !strcmp(s, "SOL_MPTCP");
}

/* socket() asking for something other than a TCP stream: UDP, raw, ...  A stream with
 * a UDP protocol is no UDP socket but a call the stack refuses (EPROTONOSUPPORT),
 * which a script may test: that one runs. */
static const char *non_tcp_socket(const struct dsl_syscall *c)
{
	static const char *const kinds[] = {
		/* UDP sockets run (SOCK_DGRAM, IPPROTO_UDP: the linux target; the others
		 * report them unsupported when the script makes one) */
		"SOCK_RAW", "SOCK_SEQPACKET", "IPPROTO_UDPLITE", "IPPROTO_ICMP", "IPPROTO_ICMPV6",
	};
	if (strcmp(c->name, "socket"))
		return NULL;
	if (c->n_args > 1 && c->args[1]->kind == DSL_EXPR_SYMBOL &&
	    !strcmp(c->args[1]->text, "SOCK_STREAM"))
		return NULL;
	for (size_t i = 0; i < c->n_args; i++) {
		const struct dsl_expr *e = c->args[i];
		size_t n = e->kind == DSL_EXPR_OR ? e->n_items : 1;
		for (size_t j = 0; j < n; j++) {
			const struct dsl_expr *x = e->kind == DSL_EXPR_OR ? e->items[j] : e;
			if (x->kind != DSL_EXPR_SYMBOL)
				continue;
			for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
				if (!strcmp(x->text, kinds[k]))
					return kinds[k];
		}
	}
	return NULL;
}

static const char *expr_find_unsupported(const struct dsl_expr *e)
{
	if (!e)
		return NULL;
	if (e->kind == DSL_EXPR_SYMBOL && unsupported_symbol(e->text))
		return e->text;
	for (size_t i = 0; i < e->n_items; i++) {
		const char *r = expr_find_unsupported(e->items[i]);
		if (r)
			return r;
	}
	const char *r = expr_find_unsupported(e->index);
	return r ? r : expr_find_unsupported(e->value);
}

void dsl_b_finish(struct dsl_pstate *ps, struct dsl_event *ev, const struct dsl_time *t,
		  DSL_YYLTYPE yl)
{
	struct dsl_file *f = ps->file;
	(void)t;
	ev->end = (struct dsl_loc){ ps->name, yl.last_line, yl.last_column };
	if (ev->kind == DSL_EV_PACKET && ev->packet.bad.present &&
	    (ev->packet.dir != DSL_DIR_INBOUND || ev->packet.proto != DSL_PROTO_TCP))
		dsl_perr(ps, yl.first_off, ev->packet.bad.loc.line, ev->packet.bad.loc.column,
			 "malformed-segment fields {...} apply to inbound TCP packets only");
	for (size_t i = 0; ev->kind == DSL_EV_PACKET && i < ev->packet.bad.n_muts; i++)
		if (ev->packet.bad.muts[i].layer == DSL_MUT_UDP)
			dsl_perr(ps, yl.first_off, ev->packet.bad.muts[i].loc.line,
				 ev->packet.bad.muts[i].loc.column,
				 "a TCP packet has no udp header to mutate");
	if (ev->kind == DSL_EV_SYSCALL) {
		const char *sym = NULL;
		if (!strncmp(ev->call.name, "sctp_", 5)) {
			sym = ev->call.name;
			ps->sctp_seen = true;
		} else if (!strncmp(ev->call.name, "psp_", 4) || !strncmp(ev->call.name, "mp_", 3) ||
			   !strncmp(ev->call.name, "mptcp_", 6)) {
			sym = ev->call.name;	/* PSP and MPTCP forks' own calls */
		}
		for (size_t i = 0; !sym && i < ev->call.n_args; i++)
			sym = expr_find_unsupported(ev->call.args[i]);
		if (sym) {
			if (strstr(sym, "SCTP"))
				ps->sctp_seen = true;
			f->unsupported = true;
			PUNSUP(yl, "%s is not supported (SCTP, MPTCP and PSP)", sym);
		} else if ((sym = non_tcp_socket(&ev->call)) != NULL) {
			f->unsupported = true;
			PUNSUP(yl, "%s sockets are not supported (tcpspec tests TCP)", sym);
		}
	}
	if (f->n_events == ps->cap_events) {
		ps->cap_events = ps->cap_events ? 2 * ps->cap_events : 32;
		f->events = dsl_xrealloc(ps, f->events, ps->cap_events * sizeof *f->events);
	}
	f->events[f->n_events++] = *ev;
	free(ev);
}

/* Option lines: the names tcpspec reads, the names packetdrill and its forks give a
 * meaning tcpspec does not implement (the script is unsupported), and anything else
 * (an error, as on the command line): the one list in dsl.h, DSL_OPTNAMES. */
void dsl_b_option(struct dsl_pstate *ps, struct dsl_tok t, DSL_YYLTYPE yl)
{
	struct dsl_file *f = ps->file;
	const char *s = t.s, *e = t.s + t.n;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	s += 2;	/* "--" */
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	const char *n = s;
	while (n < e && *n != '=' && *n != ' ' && *n != '\t')
		n++;
	if (n == s) {
		PERR(yl, "option line without a name");
		return;
	}
	for (const char *c = s; c < n; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') {
			dsl_perr(ps, yl.first_off + (size_t)(c - t.s), yl.first_line,
				 yl.first_column + (int)(c - t.s), "invalid character '%c' in option name",
				 isprint((unsigned char)*c) ? *c : '?');
			return;
		}
	switch (dsl_optname_lookup(s, (size_t)(n - s))) {
	case DSL_OPTNAME_UNSUPPORTED:
		PUNSUP(yl, "option --%.*s is not supported", (int)(n - s), s);
		break;
	case DSL_OPTNAME_UNKNOWN:
		/* the same words as the engine's check of the command line */
		{
			char nm[64], hint[96];
			snprintf(nm, sizeof nm, "%.*s", (int)(n - s), s);
			struct dsl_suggest sg;
			dsl_suggest_init(&sg, nm);
			dsl_optname_suggest(&sg);
			hint[0] = 0;
			if (sg.best)
				snprintf(hint, sizeof hint, "; did you mean --%s?", sg.best);
			PERR(yl, "unknown option --%.*s%s", (int)(n - s), s, hint);
		}
		return;
	default:
		break;
	}
	if (f->n_options == ps->cap_options) {
		ps->cap_options = ps->cap_options ? 2 * ps->cap_options : 16;
		f->options = dsl_xrealloc(ps, f->options, ps->cap_options * sizeof *f->options);
	}
	struct dsl_option *o = &f->options[f->n_options++];
	memset(o, 0, sizeof *o);
	o->loc = (struct dsl_loc){ ps->name, yl.first_line, yl.first_column };
	o->name = dsl_xstrndup(ps, s, (size_t)(n - s));
	if (n < e && *n == '=') {
		o->has_equals = true;
		o->value = dsl_xstrndup(ps, n + 1, (size_t)(e - n - 1));
	} else {
		while (n < e && (*n == ' ' || *n == '\t'))
			n++;
		if (n < e)
			o->value = dsl_xstrndup(ps, n, (size_t)(e - n));
	}
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* W occurs in S[0..N) as a word of its own: not inside a longer word ("gre" is not
 * found in "progress").  A marker ending in '_' or ' ' is a prefix ("mp_" finds
 * "mp_capable"), and one ending in a letter may be followed by '_' only if PREFIX. */
static bool has_word(const char *s, size_t n, const char *w, bool prefix, size_t *at)
{
	size_t wl = strlen(w);
	for (size_t i = 0; i + wl <= n; i++) {
		if (strncasecmp(s + i, w, wl) != 0)
			continue;
		if (i > 0 && word_char(s[i - 1]) && word_char(w[0]))
			continue;
		if (!prefix && i + wl < n && word_char(s[i + wl]) && word_char(w[wl - 1]))
			continue;
		*at = i;
		return true;
	}
	return false;
}

/* Line and column of byte POS, counted from a byte REF whose line is known. */
static void line_col(const struct dsl_pstate *ps, size_t ref, int ref_line, size_t pos,
		     int *line, int *col)
{
	int l = ref_line;
	for (size_t i = ref; i < pos; i++)
		l += ps->buf[i] == '\n';
	for (size_t i = pos; i < ref; i++)
		l -= ps->buf[i] == '\n';
	size_t start = pos;
	while (start > 0 && ps->buf[start - 1] != '\n')
		start--;
	*line = l;
	*col = (int)(pos - start) + 1;
}

/* After a syntax error: report it, unless the line uses a family tcpspec recognises as
 * unsupported (then the file is skipped, not rejected). */
void dsl_b_recover(struct dsl_pstate *ps, DSL_YYLTYPE err, DSL_YYLTYPE nl)
{
	size_t a = err.first_off, b = nl.first_off;
	if (ps->pending) {
		if (ps->pending_off < a)
			a = ps->pending_off;
		if (ps->pending_off > b)
			b = ps->pending_off;
	} else if (!ps->diags->n || ps->diags->v[ps->diags->n - 1].severity != DSL_DIAG_ERROR ||
		   ps->diags->v[ps->diags->n - 1].line < err.first_line) {
		return;
	}
	/* else the scanner reported this line's mistake itself (a stray character): the line
	 * may still be another family's syntax, as "dss dack4=hmac(key)+1" of an MPTCP fork */
	if (b > ps->len)
		b = ps->len;
	if (a > b)
		a = b;
	while (a > 0 && ps->buf[a - 1] != '\n')
		a--;
	if (ps->pending && ps->diags->n &&
	    ps->diags->v[ps->diags->n - 1].severity == DSL_DIAG_UNSUPPORTED &&
	    ps->diags->v[ps->diags->n - 1].line >= err.first_line) {
		/* the line already uses an unsupported family: the rest is its syntax */
		free(ps->pending_msg);
		ps->pending_msg = NULL;
		ps->pending = false;
		return;
	}
	/* whole words (a prefix where it says so), so that "gre" in "(Operation now in
	 * progress)" does not excuse a real mistake */
	static const struct { const char *w; bool prefix; } markers[] = {
		{ "sctp", false }, { "mptcp", true }, { "mp_", true }, { "mpcapable", false },
		{ "mpjoin", false }, { "dss", false }, { "add_addr", true },
		{ "remove_addr", true }, { "encap", false }, { "psp", false }, { "gre", false },
		{ "mpls", false }, { "ipv4 ", true }, { "ipv6 ", true },
		{ "{mut", false }, { "{ mut", false },
		{ "{del", false }, { "{ del", false }, { "{trun", true },
		{ "{ trun", true }, { "subflow", true },
	};
	for (size_t i = 0; i < sizeof markers / sizeof *markers; i++) {
		size_t at;
		if (has_word(ps->buf + a, b - a, markers[i].w, markers[i].prefix, &at)) {
			ps->file->unsupported = true;
			if (ps->pending) {
				dsl_punsup(ps, ps->pending_off, ps->pending_line, ps->pending_col,
					   "unsupported packet form (%s)", markers[i].w);
			} else {	/* point at the word */
				int line, col;
				line_col(ps, err.first_off, err.first_line, a + at, &line, &col);
				dsl_punsup(ps, a + at, line, col, "unsupported packet form (%s)",
					   markers[i].w);
			}
			free(ps->pending_msg);
			ps->pending_msg = NULL;
			ps->pending = false;
			return;
		}
	}
	if (!ps->pending)
		return;
	dsl_perr(ps, ps->pending_off, ps->pending_line, ps->pending_col, "%s",
		 ps->pending_msg);
	free(ps->pending_msg);
	ps->pending_msg = NULL;
	ps->pending = false;
}

/* ---- times ------------------------------------------------------------------------- */

struct dsl_time_point dsl_b_tpoint(struct dsl_pstate *ps, struct dsl_tok t, bool dec,
				   bool rel, DSL_YYLTYPE yl)
{
	struct dsl_time_point p = { .relative = rel };
	if (!dec) {
		if (t.v < 0)
			PERR(yl, "negative time %.*s", tlen(t), t.s);
		else if (t.v > INT64_MAX / 1000000000)
			PERR(yl, "time %.*s is too large", tlen(t), t.s);
		else
			p.ns = t.v * 1000000000;
		return p;
	}
	int64_t sec = 0, frac = 0;
	size_t i = 0;
	for (; i < t.n && t.s[i] != '.'; i++) {
		if (sec > (INT64_MAX / 1000000000 - 9) / 10) {
			PERR(yl, "time %.*s is too large", tlen(t), t.s);
			return p;
		}
		sec = sec * 10 + (t.s[i] - '0');
	}
	int digits = 0;
	for (i++; i < t.n; i++) {
		if (digits < 9) {
			frac = frac * 10 + (t.s[i] - '0');
			digits++;
		}
	}
	for (; digits < 9; digits++)
		frac *= 10;
	p.ns = sec * 1000000000 + frac;
	return p;
}

/* ---- packets ----------------------------------------------------------------------- */

struct dsl_event *dsl_b_unsup_pkt(struct dsl_pstate *ps, struct dsl_tok t, DSL_YYLTYPE yl)
{
	struct dsl_event *ev = dsl_b_event(ps, DSL_EV_UNSUPPORTED, L(yl));
	size_t off = (size_t)(t.s - ps->buf);
	/* text from the direction to the end of the skipped chunk list */
	size_t a = off;
	while (a > 0 && ps->buf[a - 1] != '<' && ps->buf[a - 1] != '>' && ps->buf[a - 1] != '\n')
		a--;
	if (a > 0 && (ps->buf[a - 1] == '<' || ps->buf[a - 1] == '>'))
		a--;
	ev->text = dsl_xstrndup(ps, ps->buf + a, off + t.n - a);
	ev->reason = dsl_xstrndup(ps, "SCTP", 4);
	ps->file->unsupported = true;
	PUNSUP(yl, "SCTP packets are not supported");
	return ev;
}

unsigned dsl_b_flags(struct dsl_pstate *ps, unsigned acc, struct dsl_tok t, DSL_YYLTYPE yl)
{
	/* flags are capital letters; a lower-case word here is another packet family
	 * (gre, mpls, ...), valid in some tool's dialect but not ours */
	for (size_t i = 0; i < t.n; i++)
		if (islower((unsigned char)t.s[i]) || t.s[i] == '_') {
			ps->file->unsupported = true;
			PUNSUP(yl, "unsupported packet type '%.*s'", tlen(t), t.s);
			return acc | DSL_TCP_ACK;
		}
	for (size_t i = 0; i < t.n; i++) {
		switch (t.s[i]) {
		case 'S': acc |= DSL_TCP_SYN; break;
		case 'F': acc |= DSL_TCP_FIN; break;
		case 'R': acc |= DSL_TCP_RST; break;
		case 'P': acc |= DSL_TCP_PSH; break;
		case 'U': acc |= DSL_TCP_URG; break;
		case 'E': acc |= DSL_TCP_ECE; break;
		case 'W': acc |= DSL_TCP_CWR; break;
		case 'A': acc |= DSL_TCP_AE; break;
		case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
			unsigned ace = (unsigned)(t.s[i] - '0');
			acc |= (ace & 4 ? DSL_TCP_AE : 0) | (ace & 2 ? DSL_TCP_CWR : 0) |
			       (ace & 1 ? DSL_TCP_ECE : 0);
			break;
		}
		default:
			dsl_perr(ps, yl.first_off + i, yl.first_line, yl.first_column + (int)i,
				 "unknown TCP flag '%c'", t.s[i]);
			return acc;
		}
	}
	return acc;
}

uint32_t dsl_b_u32(struct dsl_pstate *ps, struct dsl_tok t, const char *what, DSL_YYLTYPE yl)
{
	if (t.v < 0 || t.v > 0xffffffffLL) {
		PERR(yl, "%s %.*s is out of range (0..4294967295)", what, tlen(t), t.s);
		return 0;
	}
	return (uint32_t)t.v;
}

static bool range_ok(struct dsl_pstate *ps, int64_t v, int64_t max, const char *what,
		     struct dsl_tok t, DSL_YYLTYPE yl)
{
	if (v < 0 || v > max) {
		PERR(yl, "%s %.*s is out of range (0..%lld)", what, tlen(t), t.s, (long long)max);
		return false;
	}
	return true;
}

/* `> ...`: the stack's segments up to the event's time, unchecked */
struct dsl_event *dsl_b_pkt_unchecked(struct dsl_pstate *ps, struct dsl_tok dir, DSL_YYLTYPE yl)
{
	struct dsl_event *ev = dsl_b_event(ps, DSL_EV_PACKET, L(yl));
	ev->packet.dir = (enum dsl_dir)dir.s[0];
	ev->packet.unchecked = true;
	if (ev->packet.dir == DSL_DIR_INBOUND)
		PERR(yl, "'< ...': only the stack's own packets can be left unchecked "
		     "('> ...'); an inbound packet is written out");
	return ev;
}

void dsl_b_pkt_tcp(struct dsl_pstate *ps, struct dsl_event *ev, unsigned flags,
		   DSL_YYLTYPE fl, struct dsl_seq seq)
{
	if (flags & 0x8000) {
		if (flags & 0x7fff)
			PERR(fl, "'-' (no flags) cannot be combined with other flags");
		flags = 0;
	}
	ev->packet.proto = DSL_PROTO_TCP;
	ev->packet.flags = (uint16_t)flags;
	ev->packet.seq = seq;
}

void dsl_b_pkt_field(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok name,
		     struct dsl_tok val, bool bang, DSL_YYLTYPE yl)
{
	struct dsl_packet *p = &ev->packet;
	bool *has;
	uint32_t *dst;
	if (tok_is(name, "ack")) {
		has = &p->has_ack;
		dst = &p->ack;
		p->ack_absolute = bang;
		bang = false;
	} else if (tok_is(name, "win")) {
		has = &p->has_win;
		dst = &p->win;
	} else if (tok_is(name, "urg")) {
		has = &p->has_urg;
		dst = &p->urg;
	} else if (tok_is(name, "maxseg")) {
		has = &p->has_maxseg;
		dst = &p->maxseg;
	} else if (tok_is(name, "head")) {
		has = &p->has_head;
		dst = &p->head;
	} else {
		static const char *const known[] = { "ack", "win", "urg", "maxseg", "head" };
		const char *near = close_name(name, known, 5);
		if (near) {
			PERR(yl, "unknown packet field '%.*s'; did you mean %s?", tlen(name), name.s,
			     near);
			return;
		}
		ps->file->unsupported = true;
		PUNSUP(yl, "unsupported packet field '%.*s'", tlen(name), name.s);
		return;
	}
	if (p->proto != DSL_PROTO_TCP) {
		PERR(yl, "'%.*s' applies to TCP packets only", tlen(name), name.s);
		return;
	}
	if (*has) {
		PERR(yl, "duplicate '%.*s'", tlen(name), name.s);
		return;
	}
	if (bang)
		PERR(yl, "'!' (absolute) applies to sequence and ack numbers only");
	*has = true;
	*dst = dsl_b_u32(ps, val, "value", yl);
	if (dst == &p->win && val.v > 65535 && val.v <= 0xffffffffLL)
		PERR(yl, "window %.*s is out of range (0..65535)", tlen(val), val.s);
	if (dst == &p->urg && val.v > 65535 && val.v <= 0xffffffffLL)
		PERR(yl, "urgent pointer %.*s is out of range (0..65535)", tlen(val), val.s);
	if ((dst == &p->maxseg || dst == &p->head) && (val.v == 0 || val.v > 65535))
		PERR(yl, "%.*s %.*s is out of range (1..65535)", tlen(name), name.s, tlen(val),
		     val.s);
}

/* A word without a value after a TCP packet: `keepalive` only. */
void dsl_b_pkt_word(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok name,
		    DSL_YYLTYPE yl)
{
	struct dsl_packet *p = &ev->packet;
	if (!tok_is(name, "keepalive")) {
		PERR(yl, "unknown packet word '%.*s' (the only one is 'keepalive'; a field "
		     "takes a value)", tlen(name), name.s);
		return;
	}
	if (p->proto != DSL_PROTO_TCP)
		PERR(yl, "'keepalive' applies to TCP packets only");
	else if (p->keepalive)
		PERR(yl, "duplicate 'keepalive'");
	p->keepalive = true;
}

/* Checks that need the packet's direction, known once the whole line is read. */
void dsl_b_pkt_dir(struct dsl_pstate *ps, struct dsl_event *ev, DSL_YYLTYPE yl)
{
	const struct dsl_packet *p = &ev->packet;
	if (p->keepalive && (p->dir != DSL_DIR_OUTBOUND || p->seq.len != 0 ||
			     p->seq.kind != DSL_SEQ_RANGE ||
			     (p->flags & (DSL_TCP_SYN | DSL_TCP_RST | DSL_TCP_FIN)) ||
			     !(p->flags & DSL_TCP_ACK)))
		PERR(yl, "'keepalive' applies to an outbound ACK with a sequence number and "
		     "no data, without SYN, FIN or RST");
	if (!p->has_maxseg && !p->has_head)
		return;
	const char *f = p->has_maxseg ? "maxseg" : "head";
	if (p->has_maxseg && p->has_head)
		PERR(yl, "'maxseg' and 'head' exclude each other (head is one segment)");
	else if (p->dir != DSL_DIR_OUTBOUND)
		PERR(yl, "'%s' applies to outbound packets only (the stack's segments)", f);
	else if (p->seq.len == 0 || (p->flags & (DSL_TCP_SYN | DSL_TCP_RST)))
		PERR(yl, "'%s' applies to segments carrying data, without SYN or RST", f);
}

/* Hex digits of a cookie or raw data: from an INT's or WORD's text. */
static bool atom_hex(struct dsl_pstate *ps, const struct dsl_atom *a, DSL_YYLTYPE yl,
		     uint8_t **out, size_t *len)
{
	struct dsl_tok t = a->t;
	const char *s = t.s;
	size_t n = t.n;
	if (a->kind != DSL_ATOM_INT && a->kind != DSL_ATOM_WORD)
		goto bad;
	if (a->kind == DSL_ATOM_INT && t.hex) {
		s += 2;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			goto bad;
	if (n % 2) {
		dsl_perr(ps, a->off, a->loc.line, a->loc.column,
			 "hex bytes '%.*s' must have an even number of digits", tlen(t), t.s);
		return false;
	}
	if (n / 2 > DSL_MAX_OPT_BYTES) {
		dsl_perr(ps, a->off, a->loc.line, a->loc.column,
			 "more than %d hex bytes", DSL_MAX_OPT_BYTES);
		return false;
	}
	*len = n / 2;
	*out = dsl_xmalloc(ps, n / 2);
	for (size_t i = 0; i < n / 2; i++) {
		char b[3] = { s[2 * i], s[2 * i + 1], 0 };
		(*out)[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	return true;
bad:
	dsl_perr(ps, a->off, a->loc.line, a->loc.column,
		 "expected hex bytes, found '%.*s'", tlen(t), t.s);
	return false;
}

#define ARG(i) (&at->args->v[i])
#define NARGS (at->args ? at->args->n : 0)

static bool want_int(struct dsl_pstate *ps, const struct dsl_attr *at, size_t i,
		     DSL_YYLTYPE yl, int64_t max, const char *what, uint32_t *out)
{
	if (i >= NARGS || ARG(i)->kind != DSL_ATOM_INT) {
		dsl_perr(ps, yl.first_off, i < NARGS ? ARG(i)->loc.line : at->loc.line,
			 i < NARGS ? ARG(i)->loc.column : at->loc.column,
			 "'%.*s' needs a number%s%s", tlen(at->name), at->name.s,
			 what ? " for " : "", what ? what : "");
		return false;
	}
	int64_t v = ARG(i)->t.v;
	if (v < 0 || v > max) {
		dsl_perr(ps, ARG(i)->off, ARG(i)->loc.line, ARG(i)->loc.column,
			 "%.*s value %.*s is out of range (0..%lld)", tlen(at->name), at->name.s,
			 tlen(ARG(i)->t), ARG(i)->t.s, (long long)max);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool no_args(struct dsl_pstate *ps, const struct dsl_attr *at, DSL_YYLTYPE yl)
{
	if (NARGS == 0)
		return true;
	dsl_perr(ps, ARG(0)->off, ARG(0)->loc.line, ARG(0)->loc.column,
		 "'%.*s' takes no value", tlen(at->name), at->name.s);
	return false;
}

static bool extra_args(struct dsl_pstate *ps, const struct dsl_attr *at, size_t used,
		       DSL_YYLTYPE yl)
{
	if (NARGS <= used)
		return false;
	dsl_perr(ps, ARG(used)->off, ARG(used)->loc.line, ARG(used)->loc.column,
		 "unexpected '%.*s' after the value of '%.*s'", tlen(ARG(used)->t),
		 ARG(used)->t.s, tlen(at->name), at->name.s);
	return true;
}

static bool word_is(const struct dsl_attr *at, size_t i, const char *w)
{
	return i < NARGS && ARG(i)->kind == DSL_ATOM_WORD && tok_is(ARG(i)->t, w);
}

/* An identifier (letter or '_' first), e.g. TFO_COOKIE or MSS. */
static bool is_symbol(const struct dsl_atom *a)
{
	return a->kind == DSL_ATOM_WORD && a->t.n &&
	       (isalpha((unsigned char)a->t.s[0]) || a->t.s[0] == '_');
}

/* A word that reads as hex bytes (abcd1234): hex, not a symbol. */
static bool is_hex_word(const struct dsl_atom *a)
{
	if (a->t.n % 2)
		return false;
	for (size_t i = 0; i < a->t.n; i++)
		if (!isxdigit((unsigned char)a->t.s[i]))
			return false;
	return true;
}

static bool is_mptcp_name(struct dsl_tok t)
{
	return (t.n >= 2 && strncasecmp(t.s, "mp", 2) == 0) || tok_is(t, "dss") ||
	       (t.n >= 4 && strncasecmp(t.s, "add_", 4) == 0) ||
	       (t.n >= 7 && strncasecmp(t.s, "remove_", 7) == 0);
}

/* One TCP option; returns false when it is not kept. */
static bool tcp_opt(struct dsl_pstate *ps, const struct dsl_attr *at, DSL_YYLTYPE yl,
		    struct dsl_tcp_opt *o)
{
	struct dsl_tok n = at->name;
	memset(o, 0, sizeof *o);
	o->loc = at->loc;
	if (tok_is(n, "nop")) {
		o->kind = DSL_OPT_NOP;
		return no_args(ps, at, yl);
	}
	if (tok_is(n, "eol")) {
		o->kind = DSL_OPT_EOL;
		return no_args(ps, at, yl);
	}
	if (tok_is(n, "sackOK")) {
		o->kind = DSL_OPT_SACK_PERM;
		return no_args(ps, at, yl);
	}
	if (tok_is(n, "mss") || tok_is(n, "wscale")) {
		bool mss = tok_is(n, "mss");
		o->kind = mss ? DSL_OPT_MSS : DSL_OPT_WSCALE;
		if (NARGS == 1 && is_symbol(ARG(0))) {
			o->sym = dsl_xstrndup(ps, ARG(0)->t.s, ARG(0)->t.n);
			return true;
		}
		if (NARGS == 1 && ARG(0)->kind == DSL_ATOM_ANY) {
			o->value_any = true;
			return true;
		}
		return want_int(ps, at, 0, yl, mss ? 65535 : 255, NULL, &o->value) &&
		       !extra_args(ps, at, 1, yl);
	}
	if (tok_is(n, "sack")) {
		o->kind = DSL_OPT_SACK;
		if (NARGS == 0) {
			dsl_perr(ps, at->off, at->loc.line, at->loc.column,
				 "'sack' needs at least one block start:end");
			return false;
		}
		for (size_t i = 0; i < NARGS; i++) {
			const struct dsl_atom *a = ARG(i);
			if (a->kind != DSL_ATOM_RANGE) {
				dsl_perr(ps, a->off, a->loc.line, a->loc.column,
					 "sack block must be start:end, found '%.*s'",
					 tlen(a->t), a->t.s);
				return false;
			}
			if (i >= DSL_MAX_SACK_BLOCKS) {
				dsl_perr(ps, a->off, a->loc.line, a->loc.column,
					 "more than %d sack blocks", DSL_MAX_SACK_BLOCKS);
				return false;
			}
			if (a->t.v < 0 || a->t.v > 0xffffffffLL || a->t2.v < 0 ||
			    a->t2.v > 0xffffffffLL) {
				dsl_perr(ps, a->off, a->loc.line, a->loc.column,
					 "sack block %.*s:%.*s is out of range", tlen(a->t),
					 a->t.s, tlen(a->t2), a->t2.s);
				return false;
			}
			o->sack[i].start = (uint32_t)a->t.v;
			o->sack[i].end = (uint32_t)a->t2.v;
			o->n_sack = i + 1;
		}
		return true;
	}
	if (tok_is(n, "TS")) {
		o->kind = DSL_OPT_TS;
		if (!word_is(at, 0, "val") || !word_is(at, 2, "ecr")) {
			dsl_perr(ps, at->off, at->loc.line, at->loc.column,
				 "'TS' must be written 'TS val N ecr N'");
			return false;
		}
		if (NARGS > 1 && ARG(1)->kind == DSL_ATOM_ANY)
			o->ts_val_any = true;
		else if (!want_int(ps, at, 1, yl, 0xffffffffLL, "val", &o->ts_val))
			return false;
		if (NARGS > 3 && ARG(3)->kind == DSL_ATOM_ANY)
			o->ts_ecr_any = true;
		else if (!want_int(ps, at, 3, yl, 0xffffffffLL, "ecr", &o->ts_ecr))
			return false;
		return !extra_args(ps, at, 4, yl);
	}
	if (tok_is(n, "FO") || tok_is(n, "FOEXP") || tok_is(n, "md5")) {
		o->kind = tok_is(n, "FO") ? DSL_OPT_FASTOPEN
			: tok_is(n, "md5") ? DSL_OPT_MD5 : DSL_OPT_FASTOPEN_EXP;
		if (NARGS == 0)
			return true;
		if (is_symbol(ARG(0)) && !is_hex_word(ARG(0))) {
			o->sym = dsl_xstrndup(ps, ARG(0)->t.s, ARG(0)->t.n);
			return !extra_args(ps, at, 1, yl);
		}
		return atom_hex(ps, ARG(0), yl, &o->bytes, &o->len) && !extra_args(ps, at, 1, yl);
	}
	if (tok_is(n, "ECN") || tok_is(n, "AccECN") || tok_is(n, "AccECN0") ||
	    tok_is(n, "AccECN1")) {
		o->kind = DSL_OPT_ACCECN;
		for (size_t i = 0; i < NARGS; i += 2) {
			enum dsl_accecn_field fld;
			if (word_is(at, i, "e0b"))
				fld = DSL_ACCECN_E0B;
			else if (word_is(at, i, "ceb"))
				fld = DSL_ACCECN_CEB;
			else if (word_is(at, i, "e1b"))
				fld = DSL_ACCECN_E1B;
			else {
				dsl_perr(ps, ARG(i)->off, ARG(i)->loc.line, ARG(i)->loc.column,
					 "expected e0b, ceb or e1b, found '%.*s'",
					 tlen(ARG(i)->t), ARG(i)->t.s);
				return false;
			}
			if (o->n_accecn == 3) {
				dsl_perr(ps, ARG(i)->off, ARG(i)->loc.line, ARG(i)->loc.column,
					 "more than three accurate-ECN counters");
				return false;
			}
			uint32_t v;
			if (!want_int(ps, at, i + 1, yl, 0xffffff, NULL, &v))
				return false;
			o->accecn[o->n_accecn].field = fld;
			o->accecn[o->n_accecn].value = v;
			o->n_accecn++;
		}
		return true;
	}
	if (tok_is(n, "raw")) {
		/* raw hex BYTES | raw KIND [LEN [hex BYTES]] */
		o->kind = DSL_OPT_RAW;
		o->raw_kind = o->raw_len = -1;
		size_t i = 0;
		uint32_t v;
		if (!word_is(at, 0, "hex")) {
			if (!want_int(ps, at, 0, yl, 255, "the kind", &v))
				return false;
			o->raw_kind = (int)v;
			i = 1;
			if (i < NARGS && !word_is(at, i, "hex")) {
				if (!want_int(ps, at, 1, yl, 255, "the length", &v))
					return false;
				o->raw_len = (int)v;
				i = 2;
			}
			if (word_is(at, i, "hex") && o->raw_len < 0) {
				dsl_perr(ps, ARG(i)->off, ARG(i)->loc.line, ARG(i)->loc.column,
					 "'raw KIND hex' needs a length byte: raw KIND LEN hex BYTES");
				return false;
			}
		}
		if (word_is(at, i, "hex")) {
			if (i + 1 >= NARGS) {
				dsl_perr(ps, ARG(i)->off, ARG(i)->loc.line, ARG(i)->loc.column,
					 "'hex' needs the bytes in hex");
				return false;
			}
			if (!atom_hex(ps, ARG(i + 1), yl, &o->bytes, &o->len))
				return false;
			i += 2;
		}
		return !extra_args(ps, at, i, yl);
	}
	/* a name a letter or two from one of ours is a typo, not another fork's option:
	 * an error (exit 2), never a skipped script */
	static const char *const known[] = { "eol", "nop", "sackOK", "mss", "wscale", "sack",
		"TS", "FO", "FOEXP", "md5", "ECN", "AccECN", "raw" };
	const char *near = is_mptcp_name(n) ? NULL
			   : close_name(n, known, sizeof known / sizeof known[0]);
	if (near) {
		dsl_perr(ps, at->off, at->loc.line, at->loc.column,
			 "unknown TCP option '%.*s'; did you mean %s?", tlen(n), n.s, near);
		return false;
	}
	ps->file->unsupported = true;
	dsl_punsup(ps, at->off, at->loc.line, at->loc.column, "%s option '%.*s'",
		   is_mptcp_name(n) ? "MPTCP" : "unsupported TCP", tlen(n), n.s);
	return false;
}

void dsl_b_pkt_opts(struct dsl_pstate *ps, struct dsl_event *ev, enum dsl_opts_kind k,
		    struct dsl_attrv *a, DSL_YYLTYPE yl)
{
	struct dsl_packet *p = &ev->packet;
	if (p->opts_kind != DSL_OPTS_NONE) {
		PERR(yl, "a packet has at most one option list");
		dsl_attrv_free(a);
		return;
	}
	if (p->proto != DSL_PROTO_TCP) {
		PERR(yl, "TCP options on a non-TCP packet");
		dsl_attrv_free(a);
		return;
	}
	p->opts_kind = k;
	if (a && a->n) {
		p->opts = dsl_xcalloc(ps, a->n, sizeof *p->opts);
		for (size_t i = 0; i < a->n; i++)
			if (tcp_opt(ps, &a->v[i], yl, &p->opts[p->n_opts])) {
				p->n_opts++;
			} else {
				free(p->opts[p->n_opts].bytes);
				free(p->opts[p->n_opts].sym);
			}
	}
	dsl_attrv_free(a);
}

void dsl_b_pkt_ecn(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok t,
		   DSL_YYLTYPE yl)
{
	static const struct { const char *n; enum dsl_ecn e; } tab[] = {
		{ "noecn", DSL_ECN_NOECN }, { "ect0", DSL_ECN_ECT0 }, { "ect1", DSL_ECN_ECT1 },
		{ "ce", DSL_ECN_CE }, { "ect01", DSL_ECN_ECT01 },
	};
	if (ev->packet.ecn != DSL_ECN_UNSET) {
		PERR(yl, "duplicate ECN codepoint");
		return;
	}
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (tok_is(t, tab[i].n)) {
			ev->packet.ecn = tab[i].e;
			return;
		}
	PERR(yl, "unknown ECN codepoint '[%.*s]' (noecn, ect0, ect1, ce, ect01)", tlen(t), t.s);
}

/* Flatten "name v, name v" or "name v name v" into (word, number) pairs. */
struct pair { const struct dsl_atom *name, *val; struct dsl_atom nm; };

static size_t pairs(struct dsl_attrv *a, struct pair *out, size_t max, bool *bad)
{
	size_t n = 0;
	*bad = false;
	for (size_t i = 0; a && i < a->n; i++) {
		const struct dsl_attr *at = &a->v[i];
		if (n == max) { *bad = true; return n; }
		out[n].nm = (struct dsl_atom){ DSL_ATOM_WORD, at->name, at->name, at->loc, at->off };
		out[n].name = &out[n].nm;
		out[n].val = NARGS > 0 ? ARG(0) : NULL;
		n++;
		for (size_t j = 1; j < NARGS; j += 2) {
			if (n == max) { *bad = true; return n; }
			out[n].nm = *ARG(j);
			out[n].name = &out[n].nm;
			out[n].val = j + 1 < NARGS ? ARG(j + 1) : NULL;
			n++;
		}
	}
	return n;
}

/* A parenthesised group: IP fields (tos, ttl, class, hlim, flowlabel, id) and, as a
 * tcpspec extension sharing the shape, `rport N`, the script-side port of the packet. */
void dsl_b_pkt_ip(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_attrv *a,
		  DSL_YYLTYPE yl)
{
	struct dsl_packet *p = &ev->packet;
	struct pair pr[16];
	bool bad;
	size_t n = pairs(a, pr, 16, &bad);
	for (size_t i = 0; i < n; i++) {
		const struct dsl_atom *nm = pr[i].name, *v = pr[i].val;
		int64_t max;
		bool *has;
		bool alt = tok_is(nm->t, "class") || tok_is(nm->t, "hlim");
		if (tok_is(nm->t, "tos") || tok_is(nm->t, "class")) { max = 255; has = &p->has_tos; }
		else if (tok_is(nm->t, "ttl") || tok_is(nm->t, "hlim")) { max = 255; has = &p->has_ttl; }
		else if (tok_is(nm->t, "flowlabel")) { max = 0xfffff; has = &p->has_flowlabel; }
		else if (tok_is(nm->t, "id")) { max = 65535; has = &p->has_ip_id; }
		else if (tok_is(nm->t, "rport")) { max = 65535; has = &p->has_rport; }
		else {
			static const char *const known[] = { "tos", "class", "ttl", "hlim",
							     "flowlabel", "id", "rport" };
			const char *near = close_name(nm->t, known, sizeof known / sizeof known[0]);
			if (near) {
				dsl_perr(ps, nm->off, nm->loc.line, nm->loc.column,
					 "unknown IP field '%.*s'; did you mean %s?", tlen(nm->t),
					 nm->t.s, near);
				continue;
			}
			ps->file->unsupported = true;
			dsl_punsup(ps, nm->off, nm->loc.line, nm->loc.column,
				   "unsupported IP field '%.*s'", tlen(nm->t), nm->t.s);
			continue;
		}
		if (!v || v->kind != DSL_ATOM_INT) {
			dsl_perr(ps, nm->off, nm->loc.line, nm->loc.column,
				 "%s '%.*s' needs a number", has == &p->has_rport ? "field" : "IP field",
				 tlen(nm->t), nm->t.s);
			continue;
		}
		if (*has) {
			dsl_perr(ps, nm->off, nm->loc.line, nm->loc.column,
				 "duplicate %s '%.*s'", has == &p->has_rport ? "field" : "IP field",
				 tlen(nm->t), nm->t.s);
			continue;
		}
		int64_t min = has == &p->has_rport ? 1 : 0;    /* port 0 is no port */
		if (v->t.v < min || v->t.v > max) {
			dsl_perr(ps, v->off, v->loc.line, v->loc.column,
				 "%.*s %.*s is out of range (%lld..%lld)", tlen(nm->t), nm->t.s,
				 tlen(v->t), v->t.s, (long long)min, (long long)max);
			continue;
		}
		*has = true;
		if (has == &p->has_tos) { p->tos = (uint8_t)v->t.v; p->tos_as_class = alt; }
		else if (has == &p->has_ttl) { p->ttl = (uint8_t)v->t.v; p->ttl_as_hlim = alt; }
		else if (has == &p->has_flowlabel) p->flowlabel = (uint32_t)v->t.v;
		else if (has == &p->has_rport) p->rport = (uint16_t)v->t.v;
		else p->ip_id = (uint16_t)v->t.v;
	}
	if (bad)
		PERR(yl, "too many IP fields");
	dsl_attrv_free(a);
}

void dsl_b_pkt_bad(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_attrv *a,
		   DSL_YYLTYPE yl)
{
	struct dsl_packet *p = &ev->packet;
	struct dsl_malformed *m = &p->bad;
	/* the fork's random mutation (mut) and deletion (del) have no fixed bytes to send */
	for (size_t i = 0; a && i < a->n; i++)
		if (tok_is(a->v[i].name, "del") || tok_is(a->v[i].name, "mut")) {
			ps->file->unsupported = true;
			PUNSUP(yl, "the packet mutation '{%.*s ...}' is not supported (rep, ins "
			       "and trun are)", tlen(a->v[i].name), a->v[i].name.s);
			dsl_attrv_free(a);
			return;
		}
	if (m->present) {
		PERR(yl, "a packet has at most one {...} group");
		dsl_attrv_free(a);
		return;
	}
	m->present = true;
	m->loc = L(yl);
	/* mutation steps first, in order; the rest are the malformed-segment fields */
	size_t k = 0;
	for (size_t i = 0; a && i < a->n; i++) {
		if (dsl_mut_is_step(a->v[i].name)) {
			dsl_mut_parse(ps, m, &a->v[i]);
			dsl_atomv_free(a->v[i].args);
			continue;
		}
		a->v[k++] = a->v[i];
	}
	if (a)
		a->n = k;
	if (a && !k) {
		dsl_attrv_free(a);
		return;
	}
	struct pair pr[8];
	bool bad;
	size_t n = pairs(a, pr, 8, &bad);
	for (size_t i = 0; i < n; i++) {
		const struct dsl_atom *nm = pr[i].name, *v = pr[i].val;
		if (tok_is(nm->t, "csum")) {
			if (m->has_csum) goto dup;
			if (v && v->kind == DSL_ATOM_WORD && tok_is(v->t, "bad")) {
				m->has_csum = m->csum_bad = true;
				continue;
			}
			if (!v || v->kind != DSL_ATOM_INT || v->t.v < 0 || v->t.v > 0xffff) {
				dsl_perr(ps, nm->off, nm->loc.line, nm->loc.column,
					 "'csum' needs 'bad' or a number 0..65535");
				continue;
			}
			m->has_csum = true;
			m->csum = (uint16_t)v->t.v;
		} else if (tok_is(nm->t, "res") || tok_is(nm->t, "doff")) {
			bool res = tok_is(nm->t, "res");
			if (res ? m->has_res : m->has_doff) goto dup;
			if (!v || v->kind != DSL_ATOM_INT || v->t.v < 0 || v->t.v > 15) {
				dsl_perr(ps, nm->off, nm->loc.line, nm->loc.column,
					 "'%s' needs a number 0..15", res ? "res" : "doff");
				continue;
			}
			if (res) {
				m->has_res = true;
				m->res = (uint8_t)v->t.v;
			} else {
				m->has_doff = true;
				m->doff = (uint8_t)v->t.v;
			}
		} else {
			dsl_perr(ps, nm->off, nm->loc.line, nm->loc.column,
				 "unknown malformed-segment field '%.*s' (csum, res, doff)",
				 tlen(nm->t), nm->t.s);
		}
		continue;
dup:
		dsl_perr(ps, nm->off, nm->loc.line, nm->loc.column,
			 "duplicate '%.*s'", tlen(nm->t), nm->t.s);
	}
	if (bad)
		PERR(yl, "too many malformed-segment fields");
	dsl_attrv_free(a);
}

void dsl_b_pkt_encap(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok a,
		     struct dsl_tok b, DSL_YYLTYPE yl)
{
	struct dsl_packet *p = &ev->packet;
	if (p->has_udp_encap) {
		PERR(yl, "duplicate /udp(...) suffix");
		return;
	}
	if (!range_ok(ps, a.v, 65535, "UDP port", a, yl) || !range_ok(ps, b.v, 65535, "UDP port", b, yl))
		return;
	p->has_udp_encap = true;
	p->udp_src = (uint16_t)a.v;
	p->udp_dst = (uint16_t)b.v;
}

void dsl_b_quote_encap(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok a,
		       struct dsl_tok b, DSL_YYLTYPE yl)
{
	struct dsl_icmp *ic = &ev->packet.icmp;
	if (!range_ok(ps, a.v, 65535, "UDP port", a, yl) || !range_ok(ps, b.v, 65535, "UDP port", b, yl))
		return;
	ic->quote_encap = true;
	ic->quote_udp_src = (uint16_t)a.v;
	ic->quote_udp_dst = (uint16_t)b.v;
}

void dsl_b_pkt_ports(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok src,
		     struct dsl_tok dst, DSL_YYLTYPE yl)
{
	struct dsl_packet *p = &ev->packet;
	if (!range_ok(ps, src.v, 65535, "source port", src, yl) ||
	    !range_ok(ps, dst.v, 65535, "destination port", dst, yl))
		return;
	p->has_ports = true;
	p->sport = (uint16_t)src.v;
	p->dport = (uint16_t)dst.v;
}

void dsl_b_pkt_icmp(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_atomv *w,
		    DSL_YYLTYPE yl)
{
	struct dsl_packet *p = &ev->packet;
	p->proto = DSL_PROTO_ICMP;
	size_t i = 0, n = w ? w->n : 0;
	if (i < n && w->v[i].kind == DSL_ATOM_WORD && !tok_is(w->v[i].t, "mtu")) {
		p->icmp.type = dsl_xstrndup(ps, w->v[i].t.s, w->v[i].t.n);
		i++;
	} else {
		PERR(yl, "'icmp' needs a type, e.g. 'icmp unreachable port_unreachable'");
	}
	if (i < n && w->v[i].kind == DSL_ATOM_WORD && !tok_is(w->v[i].t, "mtu")) {
		p->icmp.code = dsl_xstrndup(ps, w->v[i].t.s, w->v[i].t.n);
		i++;
	}
	if (i < n && tok_is(w->v[i].t, "mtu")) {
		if (i + 1 >= n || w->v[i + 1].kind != DSL_ATOM_INT || w->v[i + 1].t.v < 0 ||
		    w->v[i + 1].t.v > 0xffffffffLL) {
			dsl_perr(ps, yl.first_off, w->v[i].loc.line, w->v[i].loc.column,
				 "'mtu' needs a number");
			i = n;
		} else {
			p->icmp.has_mtu = true;
			p->icmp.mtu = (uint32_t)w->v[i + 1].t.v;
			i += 2;
		}
	}
	if (i < n)
		dsl_perr(ps, yl.first_off, w->v[i].loc.line, w->v[i].loc.column,
			 "unexpected '%.*s' in an icmp packet", tlen(w->v[i].t), w->v[i].t.s);
	dsl_atomv_free(w);
}

void dsl_b_quote_udp(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok n,
		     DSL_YYLTYPE yl)
{
	if (n.overflow || n.v < 0 || n.v > 65507) {
		PERR(yl, "a UDP datagram of %.*s bytes (0..65507)", tlen(n), n.s);
		return;
	}
	ev->packet.icmp.has_quote = true;
	ev->packet.icmp.quote_udp = true;
	ev->packet.icmp.quote_udp_len = (uint32_t)n.v;
}

struct dsl_atomv *dsl_b_atom(struct dsl_pstate *ps, struct dsl_atomv *v,
			     enum dsl_atom_kind k, struct dsl_tok a, struct dsl_tok b,
			     DSL_YYLTYPE yl)
{
	if (!v)
		v = dsl_xcalloc(ps, 1, sizeof *v);
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 4;
		v->v = dsl_xrealloc(ps, v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = (struct dsl_atom){ k, a, b, L(yl), yl.first_off };
	return v;
}

struct dsl_attrv *dsl_b_attr(struct dsl_pstate *ps, struct dsl_attrv *v, struct dsl_tok n,
			     struct dsl_atomv *args, DSL_YYLTYPE yl)
{
	if (!v)
		v = dsl_xcalloc(ps, 1, sizeof *v);
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 8;
		v->v = dsl_xrealloc(ps, v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = (struct dsl_attr){ n, L(yl), args, yl.first_off };
	return v;
}

/* ---- expressions ------------------------------------------------------------------- */

struct dsl_exprv *dsl_b_exprv(struct dsl_pstate *ps, struct dsl_exprv *v, struct dsl_expr *e)
{
	if (!v)
		v = dsl_xcalloc(ps, 1, sizeof *v);
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 4;
		v->v = dsl_xrealloc(ps, v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = e;
	return v;
}

static char *unescape(struct dsl_pstate *ps, const char *s, size_t n, size_t *outlen)
{
	char *o = dsl_xmalloc(ps, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			o[j++] = s[i];
			continue;
		}
		char c = s[++i];
		switch (c) {
		case 'n': o[j++] = '\n'; break;
		case 't': o[j++] = '\t'; break;
		case 'r': o[j++] = '\r'; break;
		case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
			unsigned v = 0;
			size_t k;
			for (k = 0; k < 3 && i + k < n && s[i + k] >= '0' && s[i + k] <= '7'; k++)
				v = v * 8 + (unsigned)(s[i + k] - '0');
			o[j++] = (char)v;
			i += k - 1;
			break;
		}
		case 'x': {
			unsigned v = 0;
			size_t k;
			for (k = 1; k < 3 && i + k < n && isxdigit((unsigned char)s[i + k]); k++)
				v = v * 16 + (unsigned)(isdigit((unsigned char)s[i + k]) ? s[i + k] - '0'
					: (s[i + k] | 0x20) - 'a' + 10);
			if (k == 1)
				o[j++] = 'x';
			else
				o[j++] = (char)v;
			i += k - 1;
			break;
		}
		case '\n': break;	/* line continuation */
		default: o[j++] = c; break;
		}
	}
	o[j] = 0;
	*outlen = j;
	return o;
}

struct dsl_expr *dsl_b_expr(struct dsl_pstate *ps, enum dsl_expr_kind k, struct dsl_tok t,
			    DSL_YYLTYPE yl)
{
	struct dsl_expr *e = dsl_xcalloc(ps, 1, sizeof *e);
	e->kind = k;
	e->loc = L(yl);
	switch (k) {
	case DSL_EXPR_INT:
		e->ival = t.v;
		e->is_hex = t.hex;
		break;
	case DSL_EXPR_STRING:
		e->text = unescape(ps, t.s + 1, t.n - 2, &e->text_len);
		break;
	case DSL_EXPR_SYMBOL:
	case DSL_EXPR_DECIMAL:
		e->text = dsl_xstrndup(ps, t.s, t.n);
		e->text_len = t.n;
		break;
	default:
		break;
	}
	return e;
}

struct dsl_expr *dsl_b_list(struct dsl_pstate *ps, enum dsl_expr_kind k, struct dsl_tok name,
			    struct dsl_exprv *items, DSL_YYLTYPE yl)
{
	struct dsl_expr *e = dsl_xcalloc(ps, 1, sizeof *e);
	e->kind = k;
	e->loc = L(yl);
	if (name.s) {
		e->text = dsl_xstrndup(ps, name.s, name.n);
		e->text_len = name.n;
	}
	if (items) {
		e->items = items->v;
		e->n_items = items->n;
		free(items);
	}
	return e;
}

struct dsl_expr *dsl_b_field(struct dsl_pstate *ps, struct dsl_tok name,
			     struct dsl_exprv *index, struct dsl_expr *value, DSL_YYLTYPE yl)
{
	struct dsl_expr *e = dsl_xcalloc(ps, 1, sizeof *e);
	e->kind = DSL_EXPR_FIELD;
	e->loc = L(yl);
	e->text = dsl_xstrndup(ps, name.s, name.n);
	e->text_len = name.n;
	e->value = value;
	if (index) {
		if (index->n == 1) {
			e->index = index->v[0];
			index->n = 0;
		} else {
			PERR(yl, "'%.*s(...)=' takes exactly one index", tlen(name), name.s);
		}
		dsl_exprv_free(index);
	} else {
		/* name()=value: an empty index; keep it as an empty array so it prints back */
		e->index = NULL;
	}
	return e;
}

struct dsl_expr *dsl_b_or(struct dsl_pstate *ps, struct dsl_expr *a, struct dsl_expr *b,
			  DSL_YYLTYPE yl)
{
	struct dsl_expr *e = a;
	if (a->kind != DSL_EXPR_OR) {
		e = dsl_xcalloc(ps, 1, sizeof *e);
		e->kind = DSL_EXPR_OR;
		e->loc = L(yl);
		e->items = dsl_xmalloc(ps, 2 * sizeof *e->items);
		e->items[0] = a;
		e->n_items = 1;
	} else {
		e->items = dsl_xrealloc(ps, e->items, (e->n_items + 1) * sizeof *e->items);
	}
	e->items[e->n_items++] = b;
	return e;
}

struct dsl_event *dsl_b_call(struct dsl_pstate *ps, struct dsl_tok name,
			     struct dsl_exprv *args, struct dsl_expr *ret, struct dsl_tok err,
			     struct dsl_tok note, DSL_YYLTYPE yl)
{
	struct dsl_event *ev = dsl_b_event(ps, DSL_EV_SYSCALL, L(yl));
	ev->call.name = dsl_xstrndup(ps, name.s, name.n);
	if (args) {
		ev->call.args = args->v;
		ev->call.n_args = args->n;
		free(args);
	}
	ev->call.ret = ret;
	if (err.s)
		ev->call.err_name = dsl_xstrndup(ps, err.s, err.n);
	if (note.s)
		ev->call.note = dsl_xstrndup(ps, note.s + 1, note.n - 2);
	return ev;
}
