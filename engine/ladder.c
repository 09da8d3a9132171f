/* Ladder diagrams as inline SVG (see ladder.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ladder.h"

int ladder_add(struct ladder *l, enum ladder_kind kind, int64_t t_ns, bool from_stack,
	       int line, bool bad, const char *label, unsigned diff)
{
	if (l->n >= LADDER_MAX_EVENTS) {
		l->dropped++;
		return -1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct ladder_event *e = realloc(l->ev, cap * sizeof *e);
		if (!e)
			return -1;
		l->ev = e;
		l->cap = cap;
	}
	struct ladder_event *e = &l->ev[l->n];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->t_ns = t_ns;
	e->from_stack = from_stack;
	e->line = line;
	e->bad = bad;
	e->diff = diff;
	e->label = strdup(label ? label : "");
	if (!e->label)
		return -1;
	l->n++;
	return 0;
}

void ladder_free(struct ladder *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->ev[i].label);
	free(l->ev);
	l->ev = NULL;
	l->n = l->cap = 0;
}

/* ---- escaping ------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t k = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
		   : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (!k || k > n || (k == 2 && s[0] < 0xc2))
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return k;
}

void html_escn(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n && s[i];) {
		unsigned char c = s[i];
		switch (c) {
		case '&': fputs("&amp;", f); i++; continue;
		case '<': fputs("&lt;", f); i++; continue;
		case '>': fputs("&gt;", f); i++; continue;
		case '"': fputs("&quot;", f); i++; continue;
		case '\'': fputs("&#39;", f); i++; continue;
		}
		if (c < 0x20 && c != '\n' && c != '\t') {
			fputc('?', f);
			i++;
			continue;
		}
		size_t k = utf8_len(s + i, n - i);
		if (!k) {
			fputc('?', f);
			i++;
			continue;
		}
		fwrite(s + i, 1, k, f);
		i += k;
	}
}

void html_url(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
}

void html_esc(FILE *f, const char *s)
{
	html_escn(f, s ? s : "", (size_t)-1);
}

/* ---- field highlighting ------------------------------------------------------------ */

unsigned ladder_diff_fields(const char *message)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "flags", LADDER_D_FLAGS }, { "seq", LADDER_D_SEQ }, { "len", LADDER_D_SEQ },
		{ "ack", LADDER_D_ACK }, { "win", LADDER_D_WIN }, { "urg", LADDER_D_URG },
		{ "options", LADDER_D_OPTS }, { "mss", LADDER_D_OPTS },
		{ "wscale", LADDER_D_OPTS }, { "sack", LADDER_D_OPTS },
		{ "TS ecr", LADDER_D_OPTS }, { "TS val", LADDER_D_OPTS },
		{ "fast open cookie", LADDER_D_OPTS }, { "ecn", LADDER_D_ECN },
		{ "tos", LADDER_D_IP }, { "ttl", LADDER_D_IP }, { "flowlabel", LADDER_D_IP },
		{ "protocol", LADDER_D_ALL }, { "icmp", LADDER_D_ALL }, { "rport", LADDER_D_ALL },
		{ "timing error", LADDER_D_TIME },
	};
	unsigned m = 0;
	size_t end = strcspn(message, "\n");
	/* "NAME: expected" after the start of the line, "; " or ": " */
	for (size_t i = 0; i < end; i++) {
		if (i && !(message[i - 1] == ' ' && (message[i - 2] == ';' || message[i - 2] == ':')))
			continue;
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
			size_t n = strlen(names[k].name);
			if (i + n + 2 <= end && !strncmp(message + i, names[k].name, n) &&
			    message[i + n] == ':' && message[i + n + 1] == ' ')
				m |= names[k].bit;
		}
	}
	return m;
}

/* The label with the fields of mask in <tspan class="d">.  Tokens are the words
 * between spaces, except that an option list <...> and IP fields (...) are one. */
static void label_text(FILE *f, const char *label, unsigned mask)
{
	if (!mask || (mask & LADDER_D_ALL)) {
		if (mask)
			fputs("<tspan class=\"d\">", f);
		html_esc(f, label);
		if (mask)
			fputs("</tspan>", f);
		return;
	}
	bool flags_seen = false;
	unsigned next_word = 0;     /* the field of the word after "ack", "win", "urg" */
	for (const char *p = label; *p;) {
		const char *b = p;
		while (*p == ' ')
			p++;
		html_escn(f, b, p - b);
		if (!*p)
			break;
		b = p;
		char close = *p == '<' ? '>' : *p == '(' ? ')' : 0;
		if (close) {
			const char *e = strchr(p, close);
			p = e ? e + 1 : p + strlen(p);
		} else {
			while (*p && *p != ' ')
				p++;
		}
		size_t n = p - b;
		unsigned field = 0;
		if (next_word) {
			field = next_word;
			next_word = 0;
		} else if (*b == '<') {
			field = LADDER_D_OPTS;
		} else if (*b == '(') {
			field = !strncmp(b, "(at ", 4) ? LADDER_D_TIME : LADDER_D_IP;
		} else if (*b == '[') {
			field = LADDER_D_ECN;
		} else if (n == 3 && (!strncmp(b, "ack", 3) || !strncmp(b, "win", 3) ||
				      !strncmp(b, "urg", 3))) {
			field = b[0] == 'a' ? LADDER_D_ACK : b[0] == 'w' ? LADDER_D_WIN : LADDER_D_URG;
			next_word = field;
		} else if (memchr(b, ':', n) && memchr(b, '(', n)) {
			field = LADDER_D_SEQ;
		} else if (!flags_seen) {
			field = LADDER_D_FLAGS;
		}
		if (field == LADDER_D_FLAGS || field == LADDER_D_SEQ)
			flags_seen = true;
		if (field & mask) {
			fputs("<tspan class=\"d\">", f);
			html_escn(f, b, n);
			fputs("</tspan>", f);
		} else {
			html_escn(f, b, n);
		}
	}
}

/* ---- drawing ------------------------------------------------------------------------- */

enum {
	W = 1240,           /* width */
	X_TIME = 64,        /* right edge of the time column */
	X_STACK = 470,      /* the stack's line */
	X_PEER = 1050,      /* the peer's line */
	TOP = 56,
	ROW_PKT = 34,
	ROW_SIDE = 20,
	CALL_CHARS = 54,    /* side labels longer than this are cut (whole in <title>) */
	PKT_CHARS = 80,
};

/* Extra space for a gap of dt: nothing for simultaneous events, then about 14 px per
 * factor of ten from 100 us on (1 ms: 15, 1 s: 56, 100 s: 84). */
static int gap_px(int64_t dt_ns)
{
	if (dt_ns <= 0)
		return 0;
	double us = dt_ns / 1e3;
	return (int)(14 * log10(1 + us / 100) + 0.5);
}

static int row_h(const struct ladder_event *e)
{
	return e->kind == LADDER_PACKET || e->kind == LADDER_EXPECTED ? ROW_PKT : ROW_SIDE;
}

/* A label cut to max characters (UTF-8 aware enough: cut at a character start). */
static void cut_text(FILE *f, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max) {
		html_esc(f, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	html_escn(f, s, max);
	fputs("\xe2\x80\xa6", f);      /* ... */
}

static void svg_event(FILE *f, const struct ladder_event *e, int y, const char *line_href)
{
	const char *cls = e->bad ? " bad" : "";
	bool link = line_href && e->line > 0;
	if (link) {
		fputs("<a href=\"", f);
		fprintf(f, line_href, e->line);
		fputs("\">", f);
	}
	switch (e->kind) {
	case LADDER_PACKET:
	case LADDER_EXPECTED: {
		bool exp = e->kind == LADDER_EXPECTED;
		int x1 = e->from_stack ? X_STACK : X_PEER, x2 = e->from_stack ? X_PEER : X_STACK;
		int dir = x2 > x1 ? 1 : -1, y1 = y + 17, y2 = y + 27;
		fprintf(f, "<g class=\"%s%s%s\"", exp ? "exp" : "pkt",
			exp ? "" : e->from_stack ? " out" : " in", e->bad ? " bad" : "");
		if (e->line)
			fprintf(f, " data-line=\"%d\"", e->line);
		fputc('>', f);
		fputs("<title>", f);
		if (e->line)
			fprintf(f, "line %d: ", e->line);
		fputs(exp ? "expected by the script: " : e->from_stack ? "sent by the stack: "
								      : "sent by the peer: ", f);
		html_esc(f, e->label);
		fputs("</title>", f);
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"a%s\"/>", x1, y1,
			x2 - dir * 8, y2, cls);
		fprintf(f, "<path d=\"M%d,%d l%d,-5 l0,10 z\" class=\"h%s\"/>", x2, y2, -dir * 10,
			cls);
		fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"l%s\">", (X_STACK + X_PEER) / 2, y + 12,
			cls);
		if (exp)
			fputs("expected: ", f);
		if (strlen(e->label) > PKT_CHARS && !e->diff)
			cut_text(f, e->label, PKT_CHARS);
		else
			label_text(f, e->label, e->diff);
		fputs("</text></g>", f);
		break;
	}
	case LADDER_CALL:
	case LADDER_NOTE:
		fprintf(f, "<g class=\"%s%s\"><title>", e->kind == LADDER_CALL ? "call" : "note",
			cls);
		if (e->line)
			fprintf(f, "line %d: ", e->line);
		html_esc(f, e->label);
		fprintf(f, "</title><circle cx=\"%d\" cy=\"%d\" r=\"3\" class=\"c%s\"/>"
			   "<text x=\"%d\" y=\"%d\" class=\"s%s\">", X_STACK, y + 10, cls,
			X_STACK - 10, y + 14, cls);
		cut_text(f, e->label, CALL_CHARS);
		fputs("</text></g>", f);
		break;
	case LADDER_STATE:
		fprintf(f, "<g class=\"state\"><title>the stack reports this state</title>"
			   "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"15\" rx=\"3\"/>"
			   "<text x=\"%d\" y=\"%d\">", X_STACK + 6, y + 2,
			(int)strlen(e->label) * 7 + 8, X_STACK + 10, y + 13);
		html_esc(f, e->label);
		fputs("</text></g>", f);
		break;
	}
	if (link)
		fputs("</a>", f);
	fputc('\n', f);
}

void ladder_svg(FILE *f, const struct ladder *l, const char *line_href)
{
	int *ys = malloc((l->n ? l->n : 1) * sizeof *ys);
	int y = TOP;
	int64_t prev = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (ys)
			ys[i] = 0;
		y += gap_px(l->ev[i].t_ns - prev);
		if (ys)
			ys[i] = y;
		y += row_h(&l->ev[i]);
		if (l->ev[i].t_ns > prev)
			prev = l->ev[i].t_ns;
	}
	int h = y + (l->dropped ? 40 : 20);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"%d\" "
		   "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"monospace\" "
		   "font-size=\"12\" role=\"img\" aria-label=\"ladder diagram\">\n", W, h, W, h);
	fputs("<style>"
	      ".ladder text{fill:#222}"
	      ".ladder .life{stroke:#888;stroke-width:2}"
	      ".ladder .head{font-weight:bold;font-size:14px;text-anchor:middle}"
	      ".ladder .t{fill:#777;text-anchor:end;font-size:11px}"
	      ".ladder .a{stroke-width:1.5}"
	      ".ladder .out .a{stroke:#1f5fa8}.ladder .out .h{fill:#1f5fa8}"
	      ".ladder .in .a{stroke:#333}.ladder .in .h{fill:#333}"
	      ".ladder .exp .a{stroke:#c0392b;stroke-dasharray:6 4}.ladder .exp .h{fill:none;"
	      "stroke:#c0392b}"
	      ".ladder .exp text{fill:#c0392b}"
	      ".ladder .l{text-anchor:middle}"
	      ".ladder .a.bad{stroke:#c0392b;stroke-width:2.5}.ladder .h.bad{fill:#c0392b}"
	      ".ladder .d{fill:#c0392b;font-weight:bold;text-decoration:underline}"
	      ".ladder .s{text-anchor:end;fill:#2d6a2d}.ladder .c{fill:#2d6a2d}"
	      ".ladder .note .s{fill:#666}.ladder .s.bad{fill:#c0392b;font-weight:bold}"
	      ".ladder .c.bad{fill:#c0392b}"
	      ".ladder .state rect{fill:#fff4d6;stroke:#c9a227}"
	      ".ladder .state text{fill:#7a5c00;font-size:11px}"
	      "</style>\n", f);
	fprintf(f, "<text x=\"%d\" y=\"20\" class=\"head\">", X_STACK);
	html_esc(f, l->left);
	fprintf(f, "</text><text x=\"%d\" y=\"20\" class=\"head\">", X_PEER);
	html_esc(f, l->right);
	fprintf(f, "</text><text x=\"%d\" y=\"20\" class=\"t\">time (s)</text>\n", X_TIME);
	fprintf(f, "<line x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\" class=\"life\"/>"
		   "<line x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\" class=\"life\"/>\n",
		X_STACK, X_STACK, h - 10, X_PEER, X_PEER, h - 10);
	int64_t shown = -1;
	for (size_t i = 0; i < l->n; i++) {
		const struct ladder_event *e = &l->ev[i];
		int ey = ys ? ys[i] : TOP + (int)i * ROW_PKT;
		if (e->t_ns != shown) {
			int64_t a = e->t_ns < 0 ? -e->t_ns : e->t_ns;
			fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"t\">%s%lld.%06lld</text>", X_TIME,
				ey + (row_h(e) == ROW_PKT ? 21 : 14), e->t_ns < 0 ? "-" : "",
				(long long)(a / 1000000000), (long long)(a % 1000000000 / 1000));
			shown = e->t_ns;
		}
		svg_event(f, e, ey, line_href);
	}
	if (l->dropped)
		fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"l\">(%zu more events not drawn)</text>\n",
			(X_STACK + X_PEER) / 2, h - 16, l->dropped);
	fputs("</svg>\n", f);
	free(ys);
}
