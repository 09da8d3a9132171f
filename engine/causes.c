/* Failures grouped by their first difference, for tcpspec report.
 *
 * One departure of a stack (a window-scale option on every segment, an RTO far below
 * RFC 6298's) is often the first difference of most of the scripts that fail on it,
 * so the matrix says "fails" everywhere and hides that one cause dominates.  This
 * file turns a failure message into its cause, the first difference it names with
 * what varies from script to script left out:
 *     path:14: error handling packet: options: expected none but got <wscale 0,eol>
 *     script packet: 0.100000 > P. 1:1001(1000) ack 1
 * is "packet: unexpected option wscale on a non-SYN segment"; a field's numbers are
 * N ("packet ack: expected N but got N"), a timing error says early or late, a
 * call keeps its name and errno.  Only the first difference of a message counts
 * ("flags: ...; seq: ..." is its flags): the later ones follow from it.
 */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/causes.h"

/* text with every number (a run of digits and dots not inside a word) as N, "-1"
 * kept (a call's failure), at most cap-1 characters */
static void numbers_as_n(char *dst, size_t cap, const char *s, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 2 < cap;) {
		bool word = i && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_');
		if (i >= 4 && !strncmp(s + i - 4, "RFC ", 4) && isdigit((unsigned char)s[i])) {
			/* an RFC's number and its section stay */
			size_t j = i;
			while (j < len && isdigit((unsigned char)s[j]))
				j++;
			if (j + 1 < len && s[j] == ' ' && isdigit((unsigned char)s[j + 1]))
				for (j++; j < len && (isdigit((unsigned char)s[j]) || s[j] == '.'); j++)
					;
			while (i < j && o + 2 < cap)
				dst[o++] = s[i++];
			i = j;
			continue;
		}
		if (isdigit((unsigned char)s[i]) && !word) {
			size_t j = i;
			while (j < len && (isdigit((unsigned char)s[j]) || s[j] == '.'))
				j++;
			if (j - i == 1 && s[i] == '1' && i && s[i - 1] == '-')
				dst[o++] = '1';
			else
				dst[o++] = 'N';
			i = j;
			continue;
		}
		dst[o++] = s[i++];
	}
	dst[o] = 0;
}

/* The options of a list "<nop,nop,TS val 1 ecr 2,sack 5:9>" (or "none"), nop and eol
 * left out: their names separated by single spaces in kinds, and in vals each one's
 * values ("val 1 ecr 2", "5:9", "" for none), one per name, '\n'-separated. */
static void option_list(char *kinds, char *vals, size_t cap, const char *s, size_t len)
{
	size_t o = 0, v = 0;
	kinds[0] = vals[0] = 0;
	for (size_t i = 0; i < len;) {
		while (i < len && (s[i] == '<' || s[i] == ',' || s[i] == ' ' || s[i] == '>'))
			i++;
		size_t k = i;
		while (k < len && s[k] != ' ' && s[k] != ',' && s[k] != '>')
			k++;
		size_t vs = k < len && s[k] == ' ' ? k + 1 : k, ve = vs;
		while (ve < len && s[ve] != ',' && s[ve] != '>')
			ve++;
		if (k > i && !(k - i == 3 && (!strncmp(s + i, "nop", 3) || !strncmp(s + i, "eol", 3)))
		    && !(k - i == 4 && !strncmp(s + i, "none", 4)) && o + (k - i) + 2 < cap &&
		    v + (ve - vs) + 2 < cap) {
			if (o)
				kinds[o++] = ' ';
			memcpy(kinds + o, s + i, k - i);
			o += k - i;
			kinds[o] = 0;
			memcpy(vals + v, s + vs, ve - vs);
			v += ve - vs;
			vals[v++] = '\n';
			vals[v] = 0;
		}
		i = ve;
	}
}

/* the values of the n-th option of a list (option_list's vals), length in *len */
static const char *nth_values(const char *vals, size_t n, size_t *len)
{
	while (n-- && *vals)
		vals += strcspn(vals, "\n") + (vals[strcspn(vals, "\n")] != 0);
	*len = strcspn(vals, "\n");
	return vals;
}

/* the position of kind k in a list of kinds, -1 when absent */
static int kind_index(const char *kinds, const char *k, size_t klen)
{
	int i = 0;
	for (const char *p = kinds; *p; i++) {
		size_t n = strcspn(p, " ");
		if (n == klen && !strncmp(p, k, n))
			return i;
		p += n;
		while (*p == ' ')
			p++;
	}
	return -1;
}

static bool has_kind(const char *kinds, const char *k, size_t klen)
{
	return kind_index(kinds, k, klen) >= 0;
}

/* The options both lists carry whose values differ, ", "-separated into out: "TS ecr"
 * (a TSval is the stack's clock, which the script does not know), "sack blocks",
 * "mss value"; a script's "..." matches any value.  The number of them. */
static size_t values_differ(char *out, size_t cap, const char *wk, const char *wv,
			    const char *gk, const char *gv)
{
	size_t o = 0, n = 0, i = 0;
	out[0] = 0;
	for (const char *p = wk; *p; i++) {
		size_t k = strcspn(p, " ");
		int j = kind_index(gk, p, k);
		size_t la, lb = 0;
		const char *a = nth_values(wv, i, &la);
		const char *b = j < 0 ? NULL : nth_values(gv, (size_t)j, &lb);
		bool ts = k == 2 && !strncmp(p, "TS", 2);
		if (b && ts) {
			/* "val V ecr E": the ecr only */
			const char *ea = memmem(a, la, "ecr ", 4), *eb = memmem(b, lb, "ecr ", 4);
			if (ea && eb) {
				la -= (size_t)(ea - a);
				lb -= (size_t)(eb - b);
				a = ea;
				b = eb;
			}
		}
		bool any = la == 3 && !strncmp(a, "...", 3);
		if (b && !any && (la != lb || strncmp(a, b, la)) && o + k + 16 < cap)
			o += (size_t)snprintf(out + o, cap - o, "%s%.*s %s", n++ ? ", " : "",
					      (int)k, p, ts ? "ecr" :
					      k == 4 && !strncmp(p, "sack", 4) ? "blocks" : "value");
		p += k;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* the kinds in a but not in b, ", "-separated */
static size_t kinds_minus(char *out, size_t cap, const char *a, const char *b)
{
	size_t o = 0, n = 0;
	out[0] = 0;
	for (const char *p = a; *p;) {
		size_t k = strcspn(p, " ");
		if (!has_kind(b, p, k) && o + k + 3 < cap) {
			if (n++)
				o += (size_t)snprintf(out + o, cap - o, ", ");
			memcpy(out + o, p, k);
			o += k;
			out[o] = 0;
		}
		p += k;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* The flags of the script's packet (the "script packet:" line of the message), into
 * buf ("" when the message has no such line). */
static void script_packet_flags(char *buf, size_t cap, const char *msg)
{
	const char *p = strstr(msg, "\nscript packet: ");
	buf[0] = 0;
	if (!p || !(p = strpbrk(p + 16, "<>\n")) || *p == '\n')
		return;
	p++;
	while (*p == ' ')
		p++;
	snprintf(buf, cap, "%.*s", (int)strcspn(p, " \n"), p);
}

/* Is the script's packet a SYN? -1 when the message does not say. */
static int script_packet_syn(const char *msg)
{
	char f[16];
	script_packet_flags(f, sizeof f, msg);
	return f[0] ? strchr(f, 'S') != NULL : -1;
}

/* "options: expected E but got G" (E perhaps followed by the relaxation's note
 * " (in any order, under --relax NAME...)") as the options missing or unexpected and
 * the values that differ; false for another text (a rule the options broke, which
 * says it better) */
static bool option_cause(char *buf, size_t cap, const char *field, size_t len, const char *msg)
{
	const char *e = strstr(field, "expected "), *g = strstr(field, " but got ");
	int syn = script_packet_syn(msg);
	const char *seg = syn < 0 ? "" : syn ? " on a SYN segment" : " on a non-SYN segment";
	if (!e || !g || g > field + len)
		return false;
	char wk[256], wv[256], gk[256], gv[256], extra[256], missing[256], vals[256];
	e += 9;
	const char *note = strstr(e, " (in any order");
	option_list(wk, wv, sizeof wk, e, (size_t)((note && note < g ? note : g) - e));
	g += 9;
	option_list(gk, gv, sizeof gk, g, (size_t)(field + len - g));
	size_t nx = kinds_minus(extra, sizeof extra, gk, wk);
	size_t nm = kinds_minus(missing, sizeof missing, wk, gk);
	size_t nv = values_differ(vals, sizeof vals, wk, wv, gk, gv);
	char kinds[600];
	if (nx && !nm)
		snprintf(kinds, sizeof kinds, "unexpected option%s %s", nx > 1 ? "s" : "", extra);
	else if (nm && !nx)
		snprintf(kinds, sizeof kinds, "missing option%s %s", nm > 1 ? "s" : "", missing);
	else if (nm)
		snprintf(kinds, sizeof kinds, "option%s %s instead of %s", nx > 1 ? "s" : "", extra,
			 missing);
	else
		kinds[0] = 0;
	if (kinds[0] || nv)
		snprintf(buf, cap, "packet: %s%s%s%s%s", kinds, kinds[0] && nv ? ", " : "",
			 nv ? "different " : "", nv ? vals : "", seg);
	else
		snprintf(buf, cap, "packet: option layout differs (order or padding)%s", seg);
	return true;
}

void engine_failure_cause(char *buf, size_t cap, const char *msg)
{
	if (!msg)
		msg = "";
	size_t n1 = strcspn(msg, "\n");
	/* "path:LINE: " before the message */
	const char *p = msg;
	const char *colon = NULL;
	for (const char *q = msg; q < msg + n1; q++)
		if (*q == ':' && isdigit((unsigned char)q[1])) {
			const char *r = q + 1;
			while (isdigit((unsigned char)*r))
				r++;
			if (*r == ':' && r[1] == ' ') {
				colon = r + 2;
				break;
			}
		}
	if (colon)
		p = colon;
	size_t len = (size_t)(msg + n1 - p);
	static const char pk[] = "error handling packet: ", sc[] = "error handling syscall: ";
	const char *kind = "";
	if (!strncmp(p, pk, sizeof pk - 1)) {
		p += sizeof pk - 1;
		len -= sizeof pk - 1;
		kind = "packet ";
	} else if (!strncmp(p, sc, sizeof sc - 1)) {
		p += sizeof sc - 1;
		len -= sizeof sc - 1;
		kind = "call ";
	}
	/* the first difference only */
	const char *semi = memchr(p, ';', len);
	if (semi && *kind)
		len = (size_t)(semi - p);
	if (*kind == 'p' && !strncmp(p, "options: ", 9) && option_cause(buf, cap, p, len, msg))
		return;
	if (*kind == 'p' && !strncmp(p, "timing error: ", 14)) {
		/* "expected the packet at A sec but it came at B sec" */
		const char *a = strstr(p, " at "), *b = a ? strstr(a + 4, " at ") : NULL;
		if (a && b && b < p + len) {
			double x = strtod(a + 4, NULL), y = strtod(b + 4, NULL);
			snprintf(buf, cap, "packet: sent %s than the script allows",
				 y < x ? "earlier" : "later");
			return;
		}
	}
	static const char missing[] = "timed out waiting for the packet";
	char fl[16];
	script_packet_flags(fl, sizeof fl, msg);
	if (*kind == 'p' && !strncmp(p, missing, sizeof missing - 1) && fl[0]) {
		snprintf(buf, cap, "packet: the script's %s segment was not sent", fl);
		return;
	}
	char body[400];
	numbers_as_n(body, sizeof body, p, len);
	size_t w = strspn(body, "abcdefghijklmnopqrstuvwxyz_");
	bool field = w && body[w] == ':';       /* "flags: expected ..." */
	if (*kind)
		snprintf(buf, cap, "%.*s%s%s", (int)strlen(kind) - 1, kind, field ? " " : ": ", body);
	else
		snprintf(buf, cap, "%s", body);
}

static int cmp_cause(const void *a, const void *b)
{
	const struct engine_cause *x = a, *y = b;
	return x->n != y->n ? (x->n < y->n ? 1 : -1)
			    : x->ex[0] != y->ex[0] ? (x->ex[0] < y->ex[0] ? -1 : 1) : 0;
}

struct engine_cause *engine_failure_causes(const char *const *msg, size_t n, size_t *nout)
{
	struct engine_cause *c = calloc(n ? n : 1, sizeof *c);
	size_t k = 0;
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!msg[i])
			continue;
		char text[sizeof c->text];
		engine_failure_cause(text, sizeof text, msg[i]);
		size_t j;
		for (j = 0; j < k && strcmp(c[j].text, text); j++)
			;
		if (j == k) {
			memcpy(c[k].text, text, sizeof text);
			k++;
		}
		if (c[j].n < ENGINE_CAUSE_EXAMPLES)
			c[j].ex[c[j].n] = i;
		c[j].n++;
	}
	qsort(c, k, sizeof *c, cmp_cause);
	*nout = k;
	return c;
}
