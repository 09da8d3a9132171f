/* The event log of one run, for its page in the HTML site (tcpspec run --html).
 *
 * Kept only when the run has an HTML directory.  Every packet goes in where the capture
 * takes it (engine_capture), so the diagram's arrows are the capture's packets one for
 * one; each event of the script adds its line (socket calls with their text), and the
 * stack's TCP state after it when the target reports one (TCP_INFO).  At the end of the
 * run the log becomes the page: packets labelled in script syntax, each side's
 * sequence numbers relative to its own ISN, acknowledgements to the other's, as
 * tcpspec decode prints them; and at the failure, the script's packet drawn beside
 * the stack's with the differing fields marked. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "engine/html.h"
#include "engine/ladder.h"

enum rec_kind { REC_PACKET, REC_CALL, REC_STATE, REC_NOTE };

struct rec {
	enum rec_kind kind;
	int64_t t_ns;               /* script clock */
	bool out;                   /* packets: sent by the stack */
	bool after_end;             /* sent after the last event: not checked */
	int line;
	int state;                  /* REC_STATE */
	bool bad;                   /* REC_CALL: the call failed the script */
	uint8_t *pkt;
	size_t len;
};

struct engine_evlog {
	struct rec *r;
	size_t n, cap;
	int line;                   /* the event being run */
	int state;                  /* last state reported, -1 none */
	size_t fail_at;             /* records before the failure (SIZE_MAX: none yet) */
	size_t dropped;             /* events past EVLOG_MAX, said on the page */
	bool ended;
};

#define EVLOG_MAX 4000

static struct rec *rec_new(struct engine_evlog *g)
{
	if (g->n >= EVLOG_MAX) {
		g->dropped++;
		return NULL;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct rec *r = realloc(g->r, cap * sizeof *r);
		if (!r)
			return NULL;
		g->r = r;
		g->cap = cap;
	}
	struct rec *r = &g->r[g->n++];
	memset(r, 0, sizeof *r);
	r->after_end = g->ended;
	r->line = g->line;
	return r;
}

void engine_evlog_open(struct engine_ctx *x)
{
	if (!x->cfg->html_dir)
		return;
	x->evlog = calloc(1, sizeof *x->evlog);
	if (x->evlog) {
		x->evlog->state = -1;
		x->evlog->fail_at = SIZE_MAX;
	}
}

void engine_evlog_packet(struct engine_ctx *x, const uint8_t *p, size_t len, int64_t t_ns,
			 bool out)
{
	struct engine_evlog *g = x->evlog;
	struct rec *r;
	if (!g || !(r = rec_new(g)))
		return;
	r->kind = REC_PACKET;
	r->t_ns = t_ns - x->t0;
	r->out = out;
	r->pkt = malloc(len ? len : 1);
	if (!r->pkt) {
		g->n--;
		return;
	}
	memcpy(r->pkt, p, len);
	r->len = len;
}

/* TCP state names by Linux's numbers, which every target's TCP_INFO uses */
static const char *const state_names[] = {
	[1] = "ESTABLISHED", [2] = "SYN-SENT", [3] = "SYN-RECEIVED", [4] = "FIN-WAIT-1",
	[5] = "FIN-WAIT-2", [6] = "TIME-WAIT", [7] = "CLOSED", [8] = "CLOSE-WAIT",
	[9] = "LAST-ACK", [10] = "LISTEN", [11] = "CLOSING",
};

void engine_evlog_line(struct engine_ctx *x, const struct dsl_event *ev)
{
	if (x->evlog)
		x->evlog->line = ev->loc.line;
}

void engine_evlog_event(struct engine_ctx *x, const struct dsl_event *ev, int verdict)
{
	struct engine_evlog *g = x->evlog;
	if (!g)
		return;
	if (ev->kind == DSL_EV_SYSCALL || ev->kind == DSL_EV_SHELL || ev->kind == DSL_EV_CODE) {
		struct rec *r = rec_new(g);
		if (r) {
			r->kind = ev->kind == DSL_EV_SYSCALL ? REC_CALL : REC_NOTE;
			r->t_ns = engine_now(x);
			r->line = ev->loc.line;
			r->bad = verdict != ENGINE_PASS;
		}
	}
	if (verdict != ENGINE_PASS && g->fail_at == SIZE_MAX)
		g->fail_at = g->n;
	if (x->open && x->last_sock >= 0 && target_has(&x->t, TARGET_TCP_INFO)) {
		struct target_tcp_info ti;
		memset(&ti, 0, sizeof ti);
		if (target_tcp_info(&x->t, x->last_sock, &ti) == TARGET_OK &&
		    (ti.valid & (1ull << TARGET_TI_state))) {
			int st = (int)ti.v[TARGET_TI_state];
			struct rec *r;
			if (st != g->state && st > 0 && st <= 11 && (r = rec_new(g))) {
				r->kind = REC_STATE;
				r->t_ns = engine_now(x);
				r->state = st;
				r->line = ev->loc.line;
				g->state = st;
			}
		}
	}
}

void engine_evlog_end(struct engine_ctx *x)
{
	struct engine_evlog *g = x->evlog;
	if (!g)
		return;
	if (g->fail_at == SIZE_MAX && x->res->verdict != ENGINE_PASS)
		g->fail_at = g->n;
	g->ended = true;
	g->line = 0;
}

/* ---- the page ------------------------------------------------------------------------ */

/* Each side's ISN, learnt from its SYN, per connection (the stack's port, the peer's). */
struct isn_conn {
	uint16_t sport, pport;      /* stack's port, peer's port */
	bool known[2];              /* [0] the stack, [1] the peer */
	uint32_t isn[2];
};

static struct isn_conn *isn_find(struct isn_conn *c, size_t *n, size_t cap, uint16_t sport,
				 uint16_t pport)
{
	for (size_t i = 0; i < *n; i++)
		if (c[i].sport == sport && c[i].pport == pport)
			return &c[i];
	if (*n == cap)
		return NULL;
	memset(&c[*n], 0, sizeof c[*n]);
	c[*n].sport = sport;
	c[*n].pport = pport;
	return &c[(*n)++];
}

/* The text after "\nKEY" in msg up to the end of its line, without the time and the
 * direction that start it ("0.100000 > "), into buf; false when msg has no such line. */
static bool message_packet(const char *msg, const char *key, char *buf, size_t cap)
{
	const char *s = strstr(msg, key);
	if (!s)
		return false;
	s += strlen(key);
	s += strcspn(s, " \n");             /* the time */
	while (*s == ' ')
		s++;
	if ((*s == '>' || *s == '<') && s[1] == ' ')
		s += 2;
	size_t k = strcspn(s, "\n");
	if (k >= cap)
		k = cap - 1;
	memcpy(buf, s, k);
	buf[k] = 0;
	return true;
}

/* The script's lines, for call labels: lines[i] points into text (line i + 1). */
struct lines {
	char *text;
	char **v;
	size_t n;
};

static void lines_load(struct lines *L, const char *path)
{
	memset(L, 0, sizeof *L);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	size_t cap = 0;
	if (getdelim(&L->text, &cap, 0, f) < 0) {
		fclose(f);
		return;
	}
	fclose(f);
	size_t nl = 1;
	for (char *p = L->text; *p; p++)
		nl += *p == '\n';
	if (!(L->v = malloc(nl * sizeof *L->v)))
		return;
	for (char *p = L->text, *e; p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		if (e)
			*e = 0;
		L->v[L->n++] = p;
	}
}

/* Line k of the script without its time ("+0.1 ", "0...0.2 ") and trailing space. */
static void call_text(const struct lines *L, int k, char *buf, size_t cap)
{
	buf[0] = 0;
	if (k < 1 || (size_t)k > L->n)
		return;
	const char *s = L->v[k - 1];
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '+' || *s == '*' || *s == '~' || (*s >= '0' && *s <= '9') || *s == '.') {
		s += strcspn(s, " \t");
		while (*s == ' ' || *s == '\t')
			s++;
	}
	snprintf(buf, cap, "%s", s);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
		buf[--n] = 0;
}

static void build_ladder(struct engine_ctx *x, struct ladder *l, const struct lines *L)
{
	struct engine_evlog *g = x->evlog;
	struct isn_conn conns[64];
	size_t nconns = 0;
	/* the peer's port of the first connection; others say (rport N), as in a script
	 * and in tcpspec decode */
	bool have_home = false;
	uint16_t home = 0;
	const char *msg = x->res->message;
	char exp[600] = "", act[600] = "";
	bool have_exp = x->res->verdict == ENGINE_FAIL &&
			message_packet(msg, "\nscript packet: ", exp, sizeof exp);
	bool have_act = have_exp && message_packet(msg, "\nactual packet: ", act, sizeof act);
	/* the stack's packet the failure is about: the last it sent before the failure */
	size_t bad_pkt = SIZE_MAX;
	for (size_t i = 0; have_act && i < g->fail_at && i < g->n; i++)
		if (g->r[i].kind == REC_PACKET && g->r[i].out)
			bad_pkt = i;
	int fail_line = engine_html_message_line(x->name, msg);
	unsigned diff = ladder_diff_fields(msg);
	if (have_exp && !have_act) {
		size_t e = strlen(exp);
		snprintf(exp + e, sizeof exp - e, " (never sent)");
	}
	const char *st = strstr(msg, "\nscript packet: ");
	if (have_exp && st && (diff & LADDER_D_TIME)) {
		/* right packet, wrong time: say when the script wanted it */
		char when[32];
		st += strlen("\nscript packet: ");
		size_t k = strcspn(st, " \n");
		snprintf(when, sizeof when, "%.*s", (int)(k < 31 ? k : 31), st);
		size_t e = strlen(exp);
		snprintf(exp + e, sizeof exp - e, " (at %s s)", when);
	}

	for (size_t i = 0; i < g->n; i++) {
		const struct rec *r = &g->r[i];
		char label[700];
		switch (r->kind) {
		case REC_PACKET: {
			struct wire_packet w;
			int st = wire_parse(r->pkt, r->len, &w);
			struct wire_print_cfg pc = { 0, 0, 0 };
			if (st == WIRE_OK && w.l4 == WIRE_L4_TCP) {
				uint16_t sp = r->out ? w.tcp.sport : w.tcp.dport;
				uint16_t pp = r->out ? w.tcp.dport : w.tcp.sport;
				struct isn_conn *c = isn_find(conns, &nconns, 64, sp, pp);
				int me = r->out ? 0 : 1;
				if (c && (w.tcp.flags & WIRE_TH_SYN) &&
				    (!c->known[me] || !(w.tcp.flags & WIRE_TH_ACK))) {
					c->isn[me] = w.tcp.seq;
					c->known[me] = true;
				}
				/* a side whose SYN is not in the capture: as tcpspec decode
				 * numbers it, from just before its first seq (or the other's
				 * ack) seen */
				if (c && !c->known[me]) {
					c->isn[me] = w.tcp.seq - 1;
					c->known[me] = true;
				}
				if (c && !c->known[!me] && (w.tcp.flags & WIRE_TH_ACK)) {
					c->isn[!me] = w.tcp.ack - 1;
					c->known[!me] = true;
				}
				pc.seq_base = c ? c->isn[me] : 0;
				pc.ack_base = c ? c->isn[!me] : 0;
			}
			if (st != WIRE_OK && st != WIRE_E_FRAG_NONFIRST)
				snprintf(label, sizeof label, "(%zu bytes, malformed: %s)", r->len,
					 wire_strerror(st));
			else
				wire_print(label, sizeof label, &w, &pc);
			if (st == WIRE_OK && w.l4 == WIRE_L4_TCP) {
				uint16_t pp = r->out ? w.tcp.dport : w.tcp.sport;
				if (!have_home) {
					home = pp;
					have_home = true;
				}
				size_t k = strlen(label);
				if (pp != home)
					snprintf(label + k, sizeof label - k, " (rport %u)", pp);
			}
			bool bad = i == bad_pkt;
			if (r->after_end) {
				size_t k = strlen(label);
				snprintf(label + k, sizeof label - k, "  (after the last event, "
					 "not checked)");
			}
			ladder_add(l, LADDER_PACKET, r->t_ns, r->out, r->line, bad, label,
				   bad ? diff : 0);
			if (bad)
				ladder_add(l, LADDER_EXPECTED, r->t_ns, true, fail_line, true, exp,
					   diff);
			break;
		}
		case REC_CALL:
		case REC_NOTE: {
			call_text(L, r->line, label, sizeof label);
			if (r->kind == REC_NOTE && label[0] == '`')
				;               /* a shell line as written */
			else if (r->kind == REC_NOTE)
				snprintf(label, sizeof label, "code block");
			if (r->bad && r->line == fail_line) {
				/* what happened instead, for the tooltip: "getsockopt:
				 * optval: expected 111 but got 104" */
				const char *why = strstr(msg, ": error handling syscall: ");
				why = why ? why + strlen(": error handling syscall: ")
					  : strchr(msg, ' ') ? strchr(msg, ' ') + 1 : msg;
				size_t k = strlen(label);
				snprintf(label + k, sizeof label - k, "  \xe2\x80\x94 %.*s",
					 (int)strcspn(why, "\n"), why);
			}
			ladder_add(l, r->kind == REC_CALL ? LADDER_CALL : LADDER_NOTE, r->t_ns, true,
				   r->line, r->bad || (r->line == fail_line && x->res->verdict ==
						       ENGINE_FAIL), label, 0);
			break;
		}
		case REC_STATE:
			ladder_add(l, LADDER_STATE, r->t_ns, true, r->line, false,
				   state_names[r->state], 0);
			break;
		}
		if (i + 1 == g->fail_at && have_exp && !have_act)
			/* the script's packet never came */
			ladder_add(l, LADDER_EXPECTED, r->t_ns, true, fail_line, true, exp, 0);
	}
	if (g->fail_at == 0 && have_exp && !have_act)
		ladder_add(l, LADDER_EXPECTED, 0, true, fail_line, true, exp, 0);
	l->dropped += g->dropped;
}

void engine_evlog_write(struct engine_ctx *x)
{
	struct engine_evlog *g = x->evlog;
	const struct engine_run_cfg *cfg = x->cfg;
	if (!cfg->html_dir)
		return;
	char file[1024], href[4096];
	int ver = x->res->ip_version ? x->res->ip_version
		  : x->tc.ip_version ? (int)x->tc.ip_version : (int)TARGET_IPV4_ONLY;
	engine_html_run_file(file, sizeof file, cfg->pcap_name, x->name, ver);
	engine_html_pcap_href(href, sizeof href, cfg->html_dir, cfg->pcap_dir, cfg->pcap_name,
			      x->name, ver);
	struct ladder l = { .left = cfg->target->name, .right = "script (peer)" };
	struct lines L;
	lines_load(&L, x->name);
	if (g)
		build_ladder(x, &l, &L);
	engine_html_run_page(cfg->html_dir, file, x->name, cfg->target->name, ver, x->res, href,
			     g && g->n ? &l : NULL);
	ladder_free(&l);
	free(L.v);
	free(L.text);
	if (g) {
		for (size_t i = 0; i < g->n; i++)
			free(g->r[i].pkt);
		free(g->r);
		free(g);
		x->evlog = NULL;
	}
}
