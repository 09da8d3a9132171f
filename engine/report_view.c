/* tcpspec report for readers: headline, legend, roll-up per RFC and level, deviations
 * grouped by cause, the difference against a baseline, and the HTML site (see
 * report_view.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "engine/html.h"
#include "engine/ladder.h"
#include "engine/report_view.h"
#include "engine/reqtitle.h"

/* ---- statuses ------------------------------------------------------------------------ */

/* Severity, worst first: a requirement takes its worst script's status. */
static int severity(const char *st)
{
	static const char *const order[] = { "fail", "deviation", "pass", "skipped",
					     "not applicable" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(st, order[i]))
			return i;
	return 5;
}

static const char *css_class(const char *st)
{
	return !strcmp(st, "not applicable") ? "na"
	       : !strncmp(st, "not verified", 12) ? "skipped" : st;
}

static const struct { const char *status, *meaning; } legend[] = {
	{ "pass", "the stack did what the script checks" },
	{ "deviation", "the stack does otherwise where the script checks only a SHOULD or "
		       "MAY (a deviation of that level, not a failure), or where its "
		       "expectations file documents why; each deviation says which: "
		       "\"documented\" (known and explained, not a regression) or \"not "
		       "documented\" (a SHOULD or MAY failure nobody has explained yet)" },
	{ "fail", "a script whose level is MUST (or which has no level line) finds the "
		  "stack doing otherwise, and no expectations file entry explains it: a bug "
		  "or a new behaviour to look at" },
	{ "not applicable", "the script checks something this target does not offer" },
	{ "skipped", "not run here: the target is not available on this machine, the "
		     "script needs a feature tcpspec does not support, or the stack lacks "
		     "what the script needs (those are counted as skipped too and marked "
		     "\"not verified\", below)" },
	{ "not verified (the stack lacks X)", "skipped, and counted so, because the stack under test lacks "
		     "what the script needs (a call, an option, a flag, a setting it answered "
		     "as unsupported, or IPv6): the requirement is not verified for this "
		     "stack, a gap of the stack's rather than of tcpspec's, and a MUST among "
		     "them is one the stack cannot show it meets" },
};

/* ---- requirements -------------------------------------------------------------------- */

struct req {
	const char *id;
	struct engine_req_info info;
	size_t nscripts;
	int worst[REPORT_VIEW_MAX_TARGETS];         /* severity */
	size_t nworst[REPORT_VIEW_MAX_TARGETS];     /* scripts with that status */
	const struct engine_job *job[REPORT_VIEW_MAX_TARGETS];  /* one of them */
	const char *reason[REPORT_VIEW_MAX_TARGETS];
	size_t nlacks[REPORT_VIEW_MAX_TARGETS];     /* skipped: the stack lacks it */
};

static const char *const sev_name[] = { "fail", "deviation", "pass", "skipped",
					"not applicable", "unknown" };

static int cmp_req(const void *a, const void *b)
{
	const struct req *x = a, *y = b;
	/* RFC 9293, the base specification, first; then by number; untagged last */
	int rx = x->info.rfc_number == 9293 ? 1 : x->info.rfc_number ? x->info.rfc_number : 1 << 30;
	int ry = y->info.rfc_number == 9293 ? 1 : y->info.rfc_number ? y->info.rfc_number : 1 << 30;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	int lx = engine_req_level_rank(x->info.level), ly = engine_req_level_rank(y->info.level);
	if (lx != ly)
		return lx - ly;
	return strverscmp(x->id, y->id);
}

static struct req *build_reqs(const struct report_view *v, size_t *nout)
{
	size_t cap = 64, n = 0;
	struct req *r = calloc(cap, sizeof *r);
	if (!r)
		return NULL;
	for (size_t i = 0; i < v->ns; i++) {
		const struct report_view_script *s = &v->s[i];
		size_t nr = s->nreq ? s->nreq : 1;
		for (size_t k = 0; k < nr; k++) {
			const char *id = s->nreq ? s->req[k] : "(untagged)";
			size_t j;
			for (j = 0; j < n && strcmp(r[j].id, id); j++)
				;
			if (j == n) {
				if (n == cap) {
					struct req *nr2 = realloc(r, 2 * cap * sizeof *r);
					if (!nr2) {
						free(r);
						return NULL;
					}
					r = nr2;
					cap *= 2;
				}
				memset(&r[n], 0, sizeof r[n]);
				r[n].id = id;
				engine_req_info(id, &r[n].info);
				for (size_t t = 0; t < REPORT_VIEW_MAX_TARGETS; t++)
					r[n].worst[t] = 99;
				n++;
			}
			r[j].nscripts++;
			for (size_t t = 0; t < v->nt; t++) {
				int sv = severity(s->cell[t].status);
				if (sv < r[j].worst[t]) {
					r[j].worst[t] = sv;
					r[j].nworst[t] = 0;
					r[j].job[t] = s->cell[t].job;
					r[j].reason[t] = s->cell[t].reason;
				}
				if (sv == r[j].worst[t])
					r[j].nworst[t]++;
				r[j].nlacks[t] += s->cell[t].stack_lacks;
			}
		}
	}
	qsort(r, n, sizeof *r, cmp_req);
	*nout = n;
	return r;
}

/* Roll-up groups: an RFC and a level ("RFC 9293", "MUST"); level "" for section tags. */
struct group {
	char rfc[24];
	const char *level;
	size_t nreq;
	size_t count[REPORT_VIEW_MAX_TARGETS][6];
};

static size_t build_groups(const struct req *r, size_t nr, struct group *g, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < nr; i++) {
		const char *lvl = r[i].info.level;
		/* MUST NOT with MUST, SHOULD NOT with SHOULD */
		lvl = !strncmp(lvl, "MUST", 4) ? "MUST" : !strncmp(lvl, "SHOULD", 6) ? "SHOULD" : lvl;
		size_t j;
		for (j = 0; j < n; j++)
			if (!strcmp(g[j].rfc, r[i].info.rfc) && !strcmp(g[j].level, lvl))
				break;
		if (j == n) {
			if (n == cap)
				continue;
			memset(&g[n], 0, sizeof g[n]);
			snprintf(g[n].rfc, sizeof g[n].rfc, "%s", r[i].info.rfc);
			g[n].level = lvl;
			n++;
		}
		g[j].nreq++;
		for (size_t t = 0; t < REPORT_VIEW_MAX_TARGETS; t++)
			if (r[i].worst[t] < 6)
				g[j].count[t][r[i].worst[t]]++;
	}
	return n;
}

static void target_counts(const struct report_view *v, size_t t, size_t c[6])
{
	memset(c, 0, 6 * sizeof c[0]);
	for (size_t i = 0; i < v->ns; i++)
		c[severity(v->s[i].cell[t].status)]++;
}

/* A deviation an expectations file explains; the others are SHOULD or MAY failures
 * nothing explains. */
static bool cell_documented(const struct report_view_cell *c)
{
	return !strcmp(c->status, "deviation") && c->job && c->job->expected;
}

/* How a deviation came about, for the lists of causes. */
static const char *deviation_kind(const struct report_view_cell *c)
{
	return cell_documented(c) ? "documented in the expectations file"
				  : "a SHOULD or MAY failure, not documented";
}

/* " Of its N deviations, D are documented in an expectations file and U are SHOULD or
 * MAY failures no expectations file documents." for target t, into buf ("" without
 * deviations). */
static void deviations_text(char *buf, size_t cap, const struct report_view *v, size_t t)
{
	size_t doc = 0, all = 0;
	for (size_t i = 0; i < v->ns; i++)
		if (!strcmp(v->s[i].cell[t].status, "deviation")) {
			all++;
			doc += cell_documented(&v->s[i].cell[t]);
		}
	buf[0] = 0;
	if (all && !v->t[t].nexpect)
		/* nothing can be documented: say so rather than count "0 documented" */
		snprintf(buf, cap, " %s %zu deviation%s %s SHOULD or MAY failure%s: no "
			 "expectations file is in use for it, so none is documented.",
			 all == 1 ? "Its" : "All its", all, all == 1 ? "" : "s",
			 all == 1 ? "is a" : "are", all == 1 ? "" : "s");
	else if (all)
		snprintf(buf, cap, " Of its %zu deviation%s, %zu %s documented in an expectations "
			 "file and %zu %s SHOULD or MAY failure%s no expectations file documents.",
			 all, all == 1 ? "" : "s", doc, doc == 1 ? "is" : "are", all - doc,
			 all - doc == 1 ? "is a" : "are", all - doc == 1 ? "" : "s");
}

/* "40 pass, 3 deviation, 1 fail" (zero counts left out), into buf. */
static void counts_text(char *buf, size_t cap, const size_t c[6])
{
	size_t n = 0;
	buf[0] = 0;
	for (int k = 0; k < 6; k++)
		if (c[k] && n < cap)
			n += (size_t)snprintf(buf + n, cap - n, "%s%zu %s", n ? ", " : "", c[k],
					      sev_name[k]);
	if (!n)
		snprintf(buf, cap, "none");
}

void report_lack_text(char *buf, size_t cap, const char *msg)
{
	static const char tag[] = "unsupported: ";
	const char *p = msg ? msg : "";
	const char *u = strstr(p, tag);
	size_t n1 = strcspn(p, "\n");
	if (u && u < p + n1)
		p = u + sizeof tag - 1;
	else {          /* "path: the X target has no IPv6" */
		const char *c = strstr(p, ": ");
		if (c && c < p + n1)
			p = c + 2;
	}
	size_t n = strcspn(p, "\n");
	const char *sh = strstr(p, ": `");     /* the shell line it came from */
	if (sh && sh < p + n)
		n = (size_t)(sh - p);
	snprintf(buf, cap, "%.*s", (int)n, p);
}

/* ---- baseline ------------------------------------------------------------------------ */

struct jcur {
	const char *s, *start, *path;
};

static void jws(struct jcur *c)
{
	while (*c->s && isspace((unsigned char)*c->s))
		c->s++;
}

/* A string at c (after whitespace) into a new allocation (escapes decoded, \u as '?'
 * beyond ASCII); NULL when there is none. */
static char *jstr(struct jcur *c)
{
	jws(c);
	if (*c->s != '"')
		return NULL;
	c->s++;
	size_t cap = 64, n = 0;
	char *o = malloc(cap);
	if (!o)
		return NULL;
	while (*c->s && *c->s != '"') {
		char ch = *c->s++;
		if (ch == '\\' && *c->s) {
			char e = *c->s++;
			ch = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
			if (e == 'u') {
				unsigned u = 0;
				for (int k = 0; k < 4 && isxdigit((unsigned char)*c->s); k++, c->s++)
					u = u * 16 + (unsigned)(isdigit((unsigned char)*c->s)
						? *c->s - '0' : (tolower((unsigned char)*c->s) - 'a' + 10));
				ch = u < 0x80 ? (char)u : '?';
			}
		}
		if (n + 2 > cap) {
			char *o2 = realloc(o, cap *= 2);
			if (!o2) {
				free(o);
				return NULL;
			}
			o = o2;
		}
		o[n++] = ch;
	}
	if (*c->s != '"') {
		free(o);
		return NULL;
	}
	c->s++;
	o[n] = 0;
	return o;
}

/* Skip one value; false when it does not parse. */
static bool jskip(struct jcur *c, int depth)
{
	jws(c);
	if (depth > 64)
		return false;
	if (*c->s == '"') {
		char *s = jstr(c);
		free(s);
		return s != NULL;
	}
	if (*c->s == '{' || *c->s == '[') {
		char close = *c->s == '{' ? '}' : ']';
		bool obj = *c->s == '{';
		c->s++;
		jws(c);
		if (*c->s == close) {
			c->s++;
			return true;
		}
		for (;;) {
			if (obj) {
				char *k = jstr(c);
				if (!k)
					return false;
				free(k);
				jws(c);
				if (*c->s++ != ':')
					return false;
			}
			if (!jskip(c, depth + 1))
				return false;
			jws(c);
			if (*c->s == ',') {
				c->s++;
				continue;
			}
			if (*c->s == close) {
				c->s++;
				return true;
			}
			return false;
		}
	}
	const char *b = c->s;
	while (*c->s && (isalnum((unsigned char)*c->s) || strchr("+-.", *c->s)))
		c->s++;
	return c->s > b;
}

/* Iterate the members of the object at c: *key gets each key (caller frees), c stands
 * at its value.  Call with first=true at the '{'.  0 a member, 1 the end, -1 error. */
static int jmember(struct jcur *c, bool first, char **key)
{
	jws(c);
	if (first) {
		if (*c->s++ != '{')
			return -1;
		jws(c);
		if (*c->s == '}') {
			c->s++;
			return 1;
		}
	} else {
		if (*c->s == '}') {
			c->s++;
			return 1;
		}
		if (*c->s++ != ',')
			return -1;
	}
	if (!(*key = jstr(c)))
		return -1;
	jws(c);
	if (*c->s++ != ':') {
		free(*key);
		return -1;
	}
	return 0;
}

static int base_add(struct report_baseline *b, const char *path, const char *target,
		    const char *status)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		void *e = realloc(b->e, cap * sizeof *b->e);
		if (!e)
			return -1;
		b->e = e;
		b->cap = cap;
	}
	b->e[b->n].path = strdup(path);
	b->e[b->n].target = strdup(target);
	b->e[b->n].status = strdup(status);
	b->n++;
	return 0;
}

/* One script object: {"path": ..., "results": {"T": {"status": ...}, ...}, ...} */
static int base_script(struct jcur *c, struct report_baseline *b)
{
	char *key = NULL, *path = NULL;
	int r;
	struct { char *t, *st; } res[REPORT_VIEW_MAX_TARGETS * 2];
	size_t nres = 0;
	for (bool first = true; (r = jmember(c, first, &key)) == 0; first = false) {
		if (!strcmp(key, "path")) {
			free(path);
			path = jstr(c);
		} else if (!strcmp(key, "results")) {
			char *t = NULL;
			int r2;
			for (bool f2 = true; (r2 = jmember(c, f2, &t)) == 0; f2 = false) {
				char *k3 = NULL, *st = NULL;
				int r3;
				for (bool f3 = true; (r3 = jmember(c, f3, &k3)) == 0; f3 = false) {
					if (!strcmp(k3, "status") && !st)
						st = jstr(c);
					else if (!jskip(c, 0))
						r3 = -1;
					free(k3);
					if (r3 < 0)
						break;
				}
				if (r3 < 0 || !st || nres == sizeof res / sizeof res[0]) {
					free(st);
					free(t);
					r2 = -1;
					break;
				}
				res[nres].t = t;
				res[nres++].st = st;
			}
			if (r2 < 0) {
				r = -1;
				free(key);
				break;
			}
		} else if (!jskip(c, 0)) {
			r = -1;
			free(key);
			break;
		}
		free(key);
	}
	for (size_t k = 0; k < nres; k++) {
		if (r == 1 && path && base_add(b, path, res[k].t, res[k].st) != 0)
			r = -1;
		free(res[k].t);
		free(res[k].st);
	}
	free(path);
	return r == 1 ? 0 : -1;
}

int report_baseline_load(struct report_baseline *b, const char *path)
{
	memset(b, 0, sizeof *b);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "tcpspec report: --baseline %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *text = NULL;
	size_t cap = 0;
	ssize_t len = getdelim(&text, &cap, 0, f);
	fclose(f);
	if (len < 0) {
		free(text);
		fprintf(stderr, "tcpspec report: --baseline %s: empty\n", path);
		return -1;
	}
	struct jcur c = { .s = text, .start = text, .path = path };
	char *key = NULL;
	int r, found = 0;
	for (bool first = true; (r = jmember(&c, first, &key)) == 0; first = false) {
		if (!strcmp(key, "scripts")) {
			found = 1;
			jws(&c);
			if (*c.s++ != '[') {
				r = -1;
			} else {
				jws(&c);
				if (*c.s == ']')
					c.s++;
				else
					for (;;) {
						if (base_script(&c, b) != 0) {
							r = -1;
							break;
						}
						jws(&c);
						if (*c.s == ',') {
							c.s++;
							continue;
						}
						if (*c.s++ != ']')
							r = -1;
						break;
					}
			}
		} else if (!jskip(&c, 0)) {
			r = -1;
		}
		free(key);
		if (r < 0)
			break;
	}
	if (r < 0 || !found) {
		int line = 1;
		for (const char *p = text; p < c.s && *p; p++)
			line += *p == '\n';
		fprintf(stderr, "%s:%d: error: not a report written by tcpspec report --json%s\n",
			path, line, found ? "" : " (no \"scripts\")");
		free(text);
		report_baseline_free(b);
		return -1;
	}
	free(text);
	return 0;
}

void report_baseline_free(struct report_baseline *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->e[i].path);
		free(b->e[i].target);
		free(b->e[i].status);
	}
	free(b->e);
	memset(b, 0, sizeof *b);
}

static const char *base_status(const struct report_baseline *b, const char *path,
			       const char *target)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->e[i].path, path) && !strcmp(b->e[i].target, target))
			return b->e[i].status;
	return NULL;
}

/* ---- deviations by cause ------------------------------------------------------------- */

struct cause {
	const char *reason;
	size_t n;
	size_t first;               /* script index of the first */
};

static int cmp_cause(const void *a, const void *b)
{
	const struct cause *x = a, *y = b;
	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->reason, y->reason);
}

/* The distinct reasons of target t's cells of status st, most scripts first. */
static struct cause *causes(const struct report_view *v, size_t t, const char *st, size_t *nout)
{
	struct cause *c = calloc(v->ns ? v->ns : 1, sizeof *c);
	size_t n = 0;
	if (!c)
		return NULL;
	for (size_t i = 0; i < v->ns; i++) {
		if (strcmp(v->s[i].cell[t].status, st))
			continue;
		const char *r = v->s[i].cell[t].reason ? v->s[i].cell[t].reason : "";
		size_t k;
		for (k = 0; k < n && strcmp(c[k].reason, r); k++)
			;
		if (k == n) {
			c[n].reason = r;
			c[n].first = i;
			n++;
		}
		c[k].n++;
	}
	qsort(c, n, sizeof *c, cmp_cause);
	*nout = n;
	return c;
}

/* ---- Markdown ------------------------------------------------------------------------ */

static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++)
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
}

/* " Of the N RFC 9293 Appendix B MUST requirements tagged, A are met, B only deviate
 * and C fail." and, for the MUST-level scripts none of whose tags is such an ID
 * (section tags, other RFCs), " M more MUST-level scripts carry only other tags: P
 * pass, F fail." for target t, into buf ("" with neither). */
static void must_text(char *buf, size_t cap, const struct report_view *v, const struct req *r,
		      size_t nr, size_t t)
{
	size_t must[6] = { 0 }, nmust = 0, other = 0, opass = 0, ofail = 0, o = 0;
	buf[0] = 0;
	for (size_t i = 0; i < nr; i++)
		if (!strncmp(r[i].info.level, "MUST", 4)) {
			nmust++;
			if (r[i].worst[t] < 6)
				must[r[i].worst[t]]++;
		}
	for (size_t i = 0; i < v->ns; i++) {
		if (v->s[i].level != ENGINE_LEVEL_MUST)
			continue;
		bool tagged = false;
		for (size_t k = 0; k < v->s[i].nreq && !tagged; k++) {
			struct engine_req_info ri;
			engine_req_info(v->s[i].req[k], &ri);
			tagged = !strncmp(ri.level, "MUST", 4);
		}
		if (tagged)
			continue;
		other++;
		opass += !strcmp(v->s[i].cell[t].status, "pass");
		ofail += !strcmp(v->s[i].cell[t].status, "fail");
	}
	if (nmust)
		o += (size_t)snprintf(buf, cap, " Of the %zu RFC 9293 Appendix B MUST requirement%s "
				      "tagged (MUST-n IDs), %zu %s met, %zu only deviate%s and %zu "
				      "fail%s.", nmust, nmust == 1 ? "" : "s", must[2],
				      must[2] == 1 ? "is" : "are", must[1], must[1] == 1 ? "s" : "",
				      must[0], must[0] == 1 ? "s" : "");
	if (other && o < cap)
		snprintf(buf + o, cap - o, " %zu %sMUST-level script%s tag%s no such ID (only "
			 "sections or other RFCs): %zu pass, %zu fail.", other, nmust ? "more " : "",
			 other == 1 ? "" : "s", other == 1 ? "s" : "", opass, ofail);
}

void report_md_overview(FILE *f, const struct report_view *v)
{
	size_t nr = 0;
	struct req *r = build_reqs(v, &nr);
	if (!r)
		return;
	fputs("## Headline\n\n", f);
	for (size_t t = 0; t < v->nt; t++) {
		size_t c[6], lacks = 0;
		const char *lack = NULL;
		char txt[256];
		target_counts(v, t, c);
		for (size_t i = 0; i < nr; i++)
			if (!strncmp(r[i].info.level, "MUST", 4)) {
				/* skipped only because the stack lacks what its scripts need */
				if (r[i].worst[t] == 3 && r[i].nlacks[t] == r[i].nworst[t]) {
					lacks++;
					lack = lack ? lack : r[i].reason[t];
				}
			}
		if (!v->t[t].available) {
			fprintf(f, "- **%s**: not run here (", v->t[t].name);
			md_text(f, v->t[t].why);
			fputs(").\n", f);
			continue;
		}
		counts_text(txt, sizeof txt, c);
		fprintf(f, "- **%s**: %zu of %zu scripts pass (%s).", v->t[t].name, c[2], v->ns,
			txt);
		char mt[512];
		must_text(mt, sizeof mt, v, r, nr, t);
		fputs(mt, f);
		if (lacks) {
			char what[160];
			report_lack_text(what, sizeof what, lack);
			fprintf(f, " %zu MUST requirement%s %s not verified because the stack lacks "
				   "what %s scripts need (e.g. ", lacks, lacks == 1 ? "" : "s",
				lacks == 1 ? "is" : "are", lacks == 1 ? "its" : "their");
			md_text(f, what);
			fputs(").", f);
		}
		deviations_text(txt, sizeof txt, v, t);
		fputs(txt, f);
		fputc('\n', f);
	}
	fputs("\n## Legend\n\n", f);
	for (size_t k = 0; k < sizeof legend / sizeof legend[0]; k++)
		fprintf(f, "- **%s**: %s\n", legend[k].status, legend[k].meaning);
	fputs("\nA requirement shows its worst script's status (fail, then deviation, then "
	      "pass); \"deviation 2/3\" means 2 of its 3 scripts deviate.  A MUST "
	      "requirement that only deviates is one whose failing scripts are SHOULD- or "
	      "MAY-level (a script can tag a MUST it checks only a part of) or are explained "
	      "by an expectations file: it is not counted as failing.  Levels are RFC "
	      "2119's as RFC 9293 Appendix B labels its requirements; section tags have "
	      "none.\n", f);

	struct group g[64];
	size_t ng = build_groups(r, nr, g, 64);
	fputs("\n## By RFC and level\n\n| RFC | level | requirements |", f);
	for (size_t t = 0; t < v->nt; t++)
		fprintf(f, " %s |", v->t[t].name);
	fputs("\n|---|---|---|", f);
	for (size_t t = 0; t < v->nt; t++)
		fputs("---|", f);
	fputc('\n', f);
	for (size_t i = 0; i < ng; i++) {
		fprintf(f, "| %s | %s | %zu |", g[i].rfc, g[i].level[0] ? g[i].level : "sections",
			g[i].nreq);
		for (size_t t = 0; t < v->nt; t++) {
			char txt[256];
			counts_text(txt, sizeof txt, g[i].count[t]);
			fprintf(f, " %s |", txt);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	free(r);
}

void report_md_causes(FILE *f, const struct report_view *v)
{
	bool any = false;
	for (size_t t = 0; t < v->nt; t++) {
		size_t n = 0;
		struct cause *c = causes(v, t, "deviation", &n);
		if (!c)
			continue;
		if (n && !any)
			fputs("\n## Deviations by cause\n\n", f);
		any |= n > 0;
		if (n)
			fprintf(f, "### %s\n\n", v->t[t].name);
		for (size_t k = 0; k < n; k++) {
			fprintf(f, "- %zu script%s, %s: ", c[k].n, c[k].n == 1 ? "" : "s",
				deviation_kind(&v->s[c[k].first].cell[t]));
			md_text(f, c[k].reason);
			fputs(" (", f);
			size_t shown = 0;
			for (size_t i = c[k].first; i < v->ns && shown < 5; i++)
				if (!strcmp(v->s[i].cell[t].status, "deviation") &&
				    !strcmp(v->s[i].cell[t].reason ? v->s[i].cell[t].reason : "",
					    c[k].reason)) {
					fprintf(f, "%s`%s`", shown ? ", " : "", v->s[i].path);
					shown++;
				}
			if (c[k].n > shown)
				fprintf(f, " and %zu more", c[k].n - shown);
			fputs(")\n", f);
		}
		if (n)
			fputc('\n', f);
		free(c);
	}
	if (!v->base)
		return;
	fprintf(f, "\n## Against the baseline\n\nCompared with `%s`.\n\n", v->base_path);
	for (size_t t = 0; t < v->nt; t++) {
		size_t nf = 0, np = 0, nnew = 0;
		for (int pass = 0; pass < 2; pass++) {
			fprintf(f, "%s", pass ? "" : "");
			for (size_t i = 0; i < v->ns; i++) {
				const char *now = v->s[i].cell[t].status;
				const char *old = base_status(v->base, v->s[i].path, v->t[t].name);
				if (!old) {
					nnew += pass == 0;
					continue;
				}
				bool newly_fail = !strcmp(now, "fail") && strcmp(old, "fail");
				bool newly_pass = !strcmp(now, "pass") && strcmp(old, "pass");
				if (pass == 0) {
					nf += newly_fail;
					np += newly_pass;
					continue;
				}
				if (newly_fail || newly_pass)
					fprintf(f, "- %s `%s` (was %s)\n",
						newly_fail ? "newly failing:" : "newly passing:",
						v->s[i].path, old);
			}
			if (pass == 0)
				fprintf(f, "**%s**: %zu newly failing, %zu newly passing, %zu not in "
					   "the baseline.\n\n", v->t[t].name, nf, np, nnew);
		}
		fputc('\n', f);
	}
}

/* ---- HTML ---------------------------------------------------------------------------- */

/* The address of a job's run page from DIR/index.html: "TARGETDIR/runs/FILE". */
static void run_href(FILE *f, const struct report_view_target *t, const struct engine_job *j)
{
	char file[1024];
	int ver = j->res.ip_version ? j->res.ip_version : j->ip_version ? j->ip_version
									 : TARGET_IPV4_ONLY;
	engine_html_run_file(file, sizeof file, j->pcap_name, j->path, ver);
	html_url(f, t->dir);
	fputs("/runs/", f);
	html_url(f, file);
}

/* The header cells naming each target, then the row's last header cells (TAIL). */
static void th_targets(FILE *f, const struct report_view *v, const char *tail)
{
	for (size_t t = 0; t < v->nt; t++) {
		fputs("<th>", f);
		html_esc(f, v->t[t].name);
		fputs("</th>", f);
	}
	fprintf(f, "%s</tr>\n", tail);
}

static void cell_html(FILE *f, const struct report_view *v, size_t t, const char *status,
		      size_t n_status, size_t n_all, const struct engine_job *job,
		      const char *reason, bool lacks)
{
	/* skipped because the stack lacks what the scripts need */
	const char *label = lacks && !strcmp(status, "skipped")
			    ? "not verified (the stack lacks it)" : status;
	fprintf(f, "<td class=\"%s\"", css_class(status));
	if (reason && *reason) {
		char first[600];
		snprintf(first, sizeof first, "%s", reason);
		first[strcspn(first, "\n")] = 0;
		fputs(" title=\"", f);
		html_esc(f, first);
		fputc('"', f);
	}
	fputc('>', f);
	bool link = job && v->t[t].dir;
	if (link) {
		fputs("<a href=\"", f);
		run_href(f, &v->t[t], job);
		fputs("\">", f);
	}
	html_esc(f, label);
	if (n_status != n_all)
		fprintf(f, " %zu/%zu", n_status, n_all);
	if (link)
		fputs("</a>", f);
	if (!strcmp(status, "deviation") && reason && *reason) {
		fputs("<br/><small>", f);
		char first[160];
		snprintf(first, sizeof first, "%s", reason);
		first[strcspn(first, "\n")] = 0;
		html_esc(f, first);
		if (strlen(reason) > strlen(first))
			fputs("\xe2\x80\xa6", f);
		fputs("</small>", f);
	}
	fputs("</td>", f);
}

int report_html_site(const char *dir, const struct report_view *v)
{
	if (engine_html_mkdir_p(dir) != 0)
		return -1;
	size_t nr = 0;
	struct req *r = build_reqs(v, &nr);
	if (!r)
		return -1;
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/index.html", dir);
	FILE *f = fopen(p, "w");
	if (!f) {
		free(r);
		return -1;
	}
	engine_html_head(f, "tcpspec conformance report", NULL, NULL);
	fprintf(f, "<h1>tcpspec conformance report</h1>\n<p>%zu scripts, %zu requirements, "
		   "%zu target%s.</p>\n", v->ns, nr, v->nt, v->nt == 1 ? "" : "s");

	fputs("<h2>Headline</h2>\n<ul id=\"headline\">\n", f);
	for (size_t t = 0; t < v->nt; t++) {
		size_t c[6];
		target_counts(v, t, c);
		fputs("<li><b>", f);
		html_esc(f, v->t[t].name);
		fputs("</b>: ", f);
		if (!v->t[t].available) {
			fputs("not run here (", f);
			html_esc(f, v->t[t].why);
			fputs(").</li>\n", f);
			continue;
		}
		char txt[256];
		counts_text(txt, sizeof txt, c);
		fprintf(f, "%zu of %zu scripts pass (%s).", c[2], v->ns, txt);
		char mt[512];
		must_text(mt, sizeof mt, v, r, nr, t);
		html_esc(f, mt);
		deviations_text(txt, sizeof txt, v, t);
		html_esc(f, txt);
		if (v->t[t].dir) {
			fputs(" <a href=\"", f);
			html_url(f, v->t[t].dir);
			fputs("/index.html\">Every run, failures first.</a>", f);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n<h2>Legend</h2>\n<p class=\"legend\">", f);
	for (size_t k = 0; k < sizeof legend / sizeof legend[0]; k++) {
		fprintf(f, "<span class=\"%s\" title=\"", css_class(legend[k].status));
		html_esc(f, legend[k].meaning);
		fputs("\">", f);
		html_esc(f, legend[k].status);
		fputs("</span> ", f);
	}
	fputs("</p>\n<ul>\n", f);
	for (size_t k = 0; k < sizeof legend / sizeof legend[0]; k++) {
		fputs("<li><b>", f);
		html_esc(f, legend[k].status);
		fputs("</b>: ", f);
		html_esc(f, legend[k].meaning);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n<p>A requirement shows its worst script's status; \"deviation 2/3\" means "
	      "2 of its 3 scripts deviate.  Each cell links to that script's run: its ladder "
	      "diagram and script.</p>\n", f);

	struct group g[64];
	size_t ng = build_groups(r, nr, g, 64);
	fputs("<h2>By RFC and level</h2>\n<table id=\"rollup\">\n<tr><th>RFC</th><th>level</th>"
	      "<th>requirements</th>", f);
	th_targets(f, v, "");
	for (size_t i = 0; i < ng; i++) {
		fputs("<tr><td>", f);
		html_esc(f, g[i].rfc);
		fprintf(f, "</td><td>%s</td><td>%zu</td>", g[i].level[0] ? g[i].level : "sections",
			g[i].nreq);
		for (size_t t = 0; t < v->nt; t++) {
			char txt[256];
			counts_text(txt, sizeof txt, g[i].count[t]);
			fprintf(f, "<td>%s</td>", txt);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);

	fputs("<h2>Requirements</h2>\n<table id=\"matrix\">\n<tr><th>requirement</th>"
	      "<th>level</th><th>title</th><th>scripts</th>", f);
	th_targets(f, v, "");
	for (size_t i = 0; i < nr; i++) {
		fputs("<tr><td class=\"mono\">", f);
		html_esc(f, r[i].id);
		fputs("</td><td>", f);
		html_esc(f, r[i].info.level);
		fputs("</td><td>", f);
		html_esc(f, r[i].info.title);
		if (!r[i].info.title[0] && r[i].info.rfc_title)
			html_esc(f, r[i].info.rfc_title);
		fprintf(f, "</td><td>%zu</td>", r[i].nscripts);
		for (size_t t = 0; t < v->nt; t++)
			cell_html(f, v, t, sev_name[r[i].worst[t] < 6 ? r[i].worst[t] : 5],
				  r[i].nworst[t], r[i].nscripts, r[i].job[t], r[i].reason[t],
				  r[i].nlacks[t] == r[i].nworst[t]);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);

	for (size_t t = 0; t < v->nt; t++) {
		size_t n = 0;
		struct cause *c = causes(v, t, "deviation", &n);
		if (!c)
			continue;
		if (n) {
			fputs("<h2>Deviations of ", f);
			html_esc(f, v->t[t].name);
			fputs(" by cause</h2>\n<ul class=\"causes\">\n", f);
		}
		for (size_t k = 0; k < n; k++) {
			fprintf(f, "<li><details><summary><b>%zu script%s</b>, %s: ", c[k].n,
				c[k].n == 1 ? "" : "s", deviation_kind(&v->s[c[k].first].cell[t]));
			html_esc(f, c[k].reason);
			fputs("</summary><ul>", f);
			for (size_t i = c[k].first; i < v->ns; i++)
				if (!strcmp(v->s[i].cell[t].status, "deviation") &&
				    !strcmp(v->s[i].cell[t].reason ? v->s[i].cell[t].reason : "",
					    c[k].reason)) {
					fputs("<li>", f);
					if (v->s[i].cell[t].job && v->t[t].dir) {
						fputs("<a href=\"", f);
						run_href(f, &v->t[t], v->s[i].cell[t].job);
						fputs("\">", f);
					}
					html_esc(f, v->s[i].path);
					fputs(v->s[i].cell[t].job && v->t[t].dir ? "</a></li>" : "</li>", f);
				}
			fputs("</ul></details></li>\n", f);
		}
		if (n)
			fputs("</ul>\n", f);
		free(c);
	}

	if (v->base) {
		fputs("<h2>Against the baseline</h2>\n<p>Compared with <code>", f);
		html_esc(f, v->base_path);
		fputs("</code>.</p>\n<ul id=\"baseline\">\n", f);
		for (size_t t = 0; t < v->nt; t++)
			for (size_t i = 0; i < v->ns; i++) {
				const char *now = v->s[i].cell[t].status;
				const char *old = base_status(v->base, v->s[i].path, v->t[t].name);
				if (!old)
					continue;
				bool nf = !strcmp(now, "fail") && strcmp(old, "fail");
				bool np = !strcmp(now, "pass") && strcmp(old, "pass");
				if (!nf && !np)
					continue;
				fprintf(f, "<li class=\"%s\">%s on ", nf ? "fail" : "pass",
					nf ? "newly failing" : "newly passing");
				html_esc(f, v->t[t].name);
				fputs(": ", f);
				html_esc(f, v->s[i].path);
				fputs(" (was ", f);
				html_esc(f, old);
				fputs(")</li>\n", f);
			}
		fputs("</ul>\n", f);
	}

	fputs("<h2>Scripts</h2>\n<table id=\"scripts\">\n<tr><th>script</th>", f);
	th_targets(f, v, "<th>checks</th>");
	for (size_t i = 0; i < v->ns; i++) {
		fputs("<tr><td class=\"mono\">", f);
		html_esc(f, v->s[i].path);
		fputs("</td>", f);
		for (size_t t = 0; t < v->nt; t++)
			cell_html(f, v, t, v->s[i].cell[t].status, 1, 1, v->s[i].cell[t].job,
				  v->s[i].cell[t].reason, v->s[i].cell[t].stack_lacks);
		fputs("<td>", f);
		html_esc(f, v->s[i].checks);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	engine_html_foot(f);
	free(r);
	return fclose(f) == 0 ? 0 : -1;
}
