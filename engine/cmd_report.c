/* tcpspec report: a requirement-by-target conformance matrix.
 *
 * Runs every script on every target given (through the engine's job runner, the
 * same code as `tcpspec run`), reads each script's header tags
 *     // requirements: RFC9293:MUST-12 RFC5961:3.2
 *     // checks: one line saying what the script checks
 * and each target's expectations (engine/expect.c, shared with tcpspec run: found
 * beside the scripts or with the target, or --expect TARGET=FILE), then prints, as Markdown and/or JSON, a matrix of
 * requirement x target whose cells are pass, deviation (a failure the
 * expectations file explains, or one of a script below MUST), fail, skipped, or
 * not applicable, graded by each script's "// level:" line (engine/grade.c).
 *
 * Expectations file: one script per line, "relative/path.pkt  reason", the path
 * relative to the file's own directory; '#' starts a comment line.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/causes.h"
#include "engine/cli.h"
#include "engine/engine.h"
#include "engine/html.h"
#include "engine/offers.h"
#include "engine/report_view.h"
#include "engine/reqtitle.h"
#include "engine/strv.h"

#define MAX_TARGETS 8

enum cell {
	CELL_PASS = ENGINE_GRADE_PASS,
	CELL_DEVIATION = ENGINE_GRADE_DEVIATION,
	CELL_FAIL = ENGINE_GRADE_FAIL,
	CELL_SKIP = ENGINE_GRADE_SKIP,
	CELL_NA = ENGINE_GRADE_NA,
	CELL_NKINDS = ENGINE_GRADE_N
};

static const char *cell_name(enum cell c)
{
	return engine_grade_name((enum engine_grade_cell)c);
}

/* JSON keys of the counts */
static const char *const cell_keys[CELL_NKINDS] = {
	"pass", "deviation", "fail", "skipped", "not_applicable"
};

struct target_run {
	const char *spec;       /* as given: "reference", "linux", "plugin:x.so" */
	const char *name;       /* ops->name (with "/VERSION" when several), or spec */
	const char *tname;      /* the target's own name: its expectations files */
	char label[96];         /* name with the IP version */
	int ip_version;         /* --ip-version: every script on this one (0: its own) */
	const struct target_ops *ops;
	bool available;
	char why[512];          /* why not available */
	struct engine_expectations ex;   /* its documented deviations (engine/expect.c) */
	struct engine_job *jobs; /* one per script */
	size_t count[CELL_NKINDS];
	size_t lcount[ENGINE_LEVEL_N][CELL_NKINDS];  /* by the level of each result */
	size_t stale;           /* listed in expectations, yet passed */
	size_t documented;      /* deviations an expectations file explains */
	struct engine_offer_gap gap[ENGINE_OFFER_MAX_GAPS];   /* engine/offers.c */
	size_t ngap;
};

struct script {
	char *path;
	char *checks;           /* may be NULL */
	char **req;
	size_t nreq;
	enum engine_level level;        /* its "// level:" line */
	/* per target */
	enum cell cell[MAX_TARGETS];
	enum engine_level glevel[MAX_TARGETS];  /* of the result (engine_grade) */
	const char *reason[MAX_TARGETS];   /* deviation reason / failure or skip message */
	bool stale[MAX_TARGETS];
	bool documented[MAX_TARGETS];   /* a deviation its expectation explains */
	bool lacks[MAX_TARGETS];        /* skipped: the stack lacks what it needs */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tcpspec report [--target T[,T...]] [--markdown FILE] [--json FILE]\n"
		"                      [--html DIR] [--baseline OLD.json]\n"
		"                      [--expect T=FILE] [--ip-version V,...] [-j N]\n"
		"                      [script options...] FILE|DIR...\n"
		"\n"
		"Runs every .pkt script (directories are searched recursively; names starting\n"
		"with '.' are skipped there, run when given by name) on each target\n"
		"and prints a requirement-by-target matrix: for each requirement tag found in\n"
		"the scripts' '// requirements:' header lines, whether the target passes,\n"
		"deviates (fails in a way its expectations file explains, or fails a script\n"
		"whose '// level:' is SHOULD or MAY), fails (a MUST script, unexplained), was\n"
		"skipped (target unavailable here, a feature tcpspec does not support, or,\n"
		"marked not verified but counted as skipped, the stack lacks what the script\n"
		"needs), or\n"
		"the script is not applicable (the stack did not offer an optional feature).\n"
		"Failures are also grouped by their first difference (numbers as N), largest\n"
		"group first, so one departure behind many failures shows as one cause.\n"
		"The last lines per target on stderr count the verdicts and the deviations by\n"
		"level, and name the largest groups of failures by first difference.\n"
		"\n"
		"  --target T,...    targets to run: reference, linux, lwip, plugin:PATH.so\n"
		"                    (default: reference)\n"
		"  --markdown FILE   write the Markdown report to FILE ('-' for stdout)\n"
		"  --json FILE       write the JSON report to FILE ('-' for stdout)\n"
		"                    (with neither option, Markdown goes to stdout)\n"
		"  --html DIR        write a static site: DIR/index.html with the matrix, and\n"
		"                    a page per run with its ladder diagram (DIR/TARGET/runs)\n"
		"  --baseline OLD.json  a report written earlier with --json: list the scripts\n"
		"                    newly failing and newly passing since\n"
		"  --expect T=FILE   expectations for target T; by default T.expect in each\n"
		"                    directory given or holding a script (and their parents)\n"
		"                    and DIR/../T/NAME.expect (the target's list for suite\n"
		"                    NAME) are used when they exist, as by tcpspec run; of two\n"
		"                    files listing a script, the nearest to it wins.  Entries\n"
		"                    whose script passed (stale) or is gone are warned about\n"
		"                    with their FILE:LINE.  One line per script:\n"
		"                    'path/relative/to/the/file.pkt  reason'; a reason\n"
		"                    starting 'MUST:', 'SHOULD:' or 'MAY:' names the level\n"
		"                    the stack breaks there\n"
		"  --ip-version V,.. run every script on each version (ipv4, ipv6,\n"
		"                    ipv4-mapped-ipv6), as tcpspec run does; with several,\n"
		"                    each target has a column per version (TARGET/V).  A\n"
		"                    script whose option lines name another version is\n"
		"                    skipped there\n"
		"  -j N, --jobs N    parallel runs per target (default: one per core)\n"
		"  --timeout SECS    wall-clock limit per script (plain decimal seconds, 0:\n"
		"                    none; default: twice the script's own time, at least\n"
		"                    120); a script still running then fails, with\n"
		"                    everything it started stopped, and the report goes on\n"
		"  -q, --quiet       no progress lines on stderr\n"
		"\n"
		"  --profile P, --relax LIST  as for tcpspec run: a public suite run as its\n"
		"                    own runner does (freebsd), named relaxations\n"
		"\n"
		"Script options are passed to every run, as for tcpspec run\n"
		"(--tolerance_usecs=N, --ip_version=V, ...).\n"
		"\n"
		"Exit: 0 every target checked something and nothing failed (deviations, and\n"
		"some scripts skipped or not applicable beside others that ran, allowed), 1\n"
		"some MUST (or unleveled) script failed unexplained on some target, 2 usage\n"
		"error (an unknown target too), a script that does not parse (the report is\n"
		"still written) or a report file that cannot be written (tcpspec report:\n"
		"cannot write FILE: REASON), 3 a requested target is not available here, 4\n"
		"every script was skipped on some target (nothing checked there); 128+N\n"
		"stopped by signal N: 129 SIGHUP, 130 SIGINT, 143 SIGTERM (also SIGUSR1,\n"
		"SIGUSR2, SIGALRM).  The --markdown and --json files are emptied at the start,\n"
		"then written whole (FILE.tmp renamed into place); on one of those signals the\n"
		"running scripts are stopped and both are written with what finished, the\n"
		"others marked interrupted or not run (skipped cells).  --markdown and --json\n"
		"must name different files, neither a script (checked by real path).\n");
}

/* ---- script headers ------------------------------------------------------------ */

static char *trim(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

/* The value of a "// key: value" comment line, or NULL. */
static char *header_value(char *line, const char *key)
{
	char *s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] != '/' || s[1] != '/')
		return NULL;
	s += 2;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t k = strlen(key);
	if (strncasecmp(s, key, k) != 0 || s[k] != ':')
		return NULL;
	return trim(s + k + 1);
}

/* One header line (its text, as a "// key: value" comment) of script line lineno. */
static int header_line(struct script *sc, char *line, int lineno)
{
	char *v;
	if ((v = header_value(line, "requirements"))) {
		for (char *save = NULL, *t = strtok_r(v, " \t,", &save); t;
		     t = strtok_r(NULL, " \t,", &save)) {
			if (engine_req_unknown(t))
				fprintf(stderr, "%s:%d: warning: %s is not an RFC 9293 "
					"requirement ID (Appendix B)\n", sc->path, lineno, t);
			char **nr = realloc(sc->req, (sc->nreq + 1) * sizeof *nr);
			if (!nr || !(nr[sc->nreq] = strdup(t))) {
				sc->req = nr ? nr : sc->req;
				return -1;
			}
			sc->req = nr;
			sc->nreq++;
		}
	} else if (!sc->checks && (v = header_value(line, "checks"))) {
		sc->checks = strdup(v);
	}
	return 0;
}

/* The header lines of a script within its first 60 lines, read as the run reads the
 * script: only live comments count (not one in a block comment, or in an #ifdef
 * branch the -D names leave out).  A script that does not parse fails whatever its
 * level, and its tags are read from its lines as written, so its rows still show. */
static int read_header(struct script *sc, const struct engine_opts *cmdline)
{
	struct dsl_file *df = NULL;
	struct dsl_diags dg = {0};
	char line[4096];
	int rc = 0;
	if (engine_parse_script(sc->path, cmdline, true, &df, &dg) == DSL_OK) {
		sc->level = engine_script_level(df);
		for (size_t i = 0; i < df->n_comments && rc == 0; i++) {
			const struct dsl_comment *c = &df->comments[i];
			if (c->loc.line > 60 || c->trailing || strncmp(c->text, "//", 2))
				continue;
			snprintf(line, sizeof line, "%s", c->text);
			rc = header_line(sc, line, c->loc.line);
		}
		dsl_free(df);
		dsl_diags_free(&dg);
		return rc;
	}
	dsl_free(df);
	dsl_diags_free(&dg);
	FILE *f = fopen(sc->path, "r");
	if (!f)
		return -1;
	for (int n = 0; n < 60 && rc == 0 && fgets(line, sizeof line, f); n++)
		rc = header_line(sc, line, n + 1);
	fclose(f);
	return rc;
}

/* ---- output helpers ------------------------------------------------------------ */

/* The first line of a message, for a table cell. */
static void first_line(char *dst, size_t cap, const char *msg)
{
	if (!msg)
		msg = "";
	size_t n = strcspn(msg, "\n");
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, msg, n);
	dst[n] = 0;
}

/* Markdown table cells must not hold '|' or newlines. */
static void md_cell(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}


/* ---- the matrix ---------------------------------------------------------------- */

struct req_row {
	const char *id;
	size_t nscripts;
	size_t count[MAX_TARGETS][CELL_NKINDS];
	size_t lacks[MAX_TARGETS];              /* skipped scripts the stack lacks */
	const char *lack_why[MAX_TARGETS];      /* the first one's message */
};

static int cmp_req(const void *a, const void *b)
{
	return strcmp(((const struct req_row *)a)->id, ((const struct req_row *)b)->id);
}

/* Worst status wins: a failure anywhere shows, then a deviation, then a pass, then a
 * skip; "not applicable" only when every script of the row is. */
static enum cell req_status(const size_t *count)
{
	if (count[CELL_FAIL])
		return CELL_FAIL;
	if (count[CELL_DEVIATION])
		return CELL_DEVIATION;
	if (count[CELL_PASS])
		return CELL_PASS;
	if (count[CELL_SKIP])
		return CELL_SKIP;
	return CELL_NA;
}

static struct req_row *build_rows(struct script *sc, size_t nsc, size_t ntr, size_t *nrows)
{
	size_t cap = 64, n = 0;
	struct req_row *rows = calloc(cap, sizeof *rows);
	if (!rows)
		return NULL;
	for (size_t i = 0; i < nsc; i++) {
		static const char *const untagged = "(untagged)";
		size_t nr = sc[i].nreq ? sc[i].nreq : 1;
		for (size_t k = 0; k < nr; k++) {
			const char *id = sc[i].nreq ? sc[i].req[k] : untagged;
			size_t r;
			for (r = 0; r < n && strcmp(rows[r].id, id); r++)
				;
			if (r == n) {
				if (n == cap) {
					struct req_row *nrw = realloc(rows, cap * 2 * sizeof *rows);
					if (!nrw) {
						free(rows);
						return NULL;
					}
					rows = nrw;
					memset(rows + cap, 0, cap * sizeof *rows);
					cap *= 2;
				}
				rows[n++].id = id;
			}
			rows[r].nscripts++;
			for (size_t t = 0; t < ntr; t++) {
				rows[r].count[t][sc[i].cell[t]]++;
				if (sc[i].lacks[t] && !rows[r].lacks[t]++)
					rows[r].lack_why[t] = sc[i].reason[t];
			}
		}
	}
	qsort(rows, n, sizeof *rows, cmp_req);
	*nrows = n;
	return rows;
}

/* The readers' parts of the report (report_view.c), set before the writers run. */
static const struct report_view *md_view;
/* the signal that stopped the report (0: it ran to the end) */
static int report_stop_sig;

/* A result as a table shows it: "deviation (SHOULD)" for a deviation or failure
 * whose level is known, else the verdict alone. */
static void result_text(char *buf, size_t cap, enum cell c, enum engine_level l)
{
	if ((c == CELL_DEVIATION || c == CELL_FAIL) && l != ENGINE_LEVEL_NONE)
		snprintf(buf, cap, "%s (%s)", cell_name(c), engine_level_name(l));
	else
		snprintf(buf, cap, "%s", cell_name(c));
}

/* Each option target tr offered on some connections and left out on others, as lines
 * between pre and post (the warnings on stderr, the Markdown note). */
static void write_offer_gaps(FILE *f, const struct target_run *tr, const char *pre,
			     const char *post)
{
	for (size_t q = 0; q < tr->ngap; q++) {
		char text[1024];
		engine_offer_gap_text(text, sizeof text, &tr->gap[q], tr->jobs);
		fprintf(f, "%s%s: %s; a \"not applicable: the stack did not offer %s\" may "
			   "hide a stack that drops options on some connections (SYN cookies, a "
			   "full SYN queue, a bug)%s", pre, tr->name, text, tr->gap[q].feature,
			post);
	}
}

/* Target t's failures and deviations grouped by their first difference
 * (engine/causes.c), most scripts first; *nall: the scripts counted.  NULL when none
 * (or out of memory). */
static struct engine_cause *first_differences(const struct target_run *tr, size_t t,
					      const struct script *sc, size_t nsc,
					      size_t *ncause, size_t *nall)
{
	*ncause = *nall = 0;
	if (!tr->jobs || !nsc)
		return NULL;
	const char **msg = calloc(nsc, sizeof *msg);
	if (!msg)
		return NULL;
	for (size_t i = 0; i < nsc; i++)
		if (sc[i].cell[t] == CELL_FAIL || sc[i].cell[t] == CELL_DEVIATION) {
			msg[i] = tr->jobs[i].res.message;
			++*nall;
		}
	struct engine_cause *c = *nall ? engine_failure_causes(msg, nsc, ncause) : NULL;
	free(msg);
	return c;
}

#define CAUSES_SHOWN 10

static void md_first_differences(FILE *f, const struct target_run *tr, size_t ntr,
				 const struct script *sc, size_t nsc)
{
	bool head = false;
	for (size_t t = 0; t < ntr; t++) {
		size_t n, all;
		struct engine_cause *c = first_differences(&tr[t], t, sc, nsc, &n, &all);
		if (!c)
			continue;
		if (!head)
			fputs("## Failures by first difference\n\nEvery failing or deviating script "
			      "once, under the first difference its run met (numbers as N, the "
			      "options a segment should not carry or lacks named): one departure of "
			      "the stack that comes first in many scripts shows as one large group, "
			      "and fixing it may change what those scripts find next.\n\n", f);
		head = true;
		fprintf(f, "### %s: %zu script%s, %zu cause%s\n\n", tr[t].name, all,
			all == 1 ? "" : "s", n, n == 1 ? "" : "s");
		size_t rest = 0;
		for (size_t k = 0; k < n; k++) {
			if (k >= CAUSES_SHOWN) {
				rest += c[k].n;
				continue;
			}
			fprintf(f, "- %zu script%s: ", c[k].n, c[k].n == 1 ? "" : "s");
			md_cell(f, c[k].text);
			fputs(" (", f);
			for (size_t e = 0; e < c[k].n && e < ENGINE_CAUSE_EXAMPLES; e++)
				fprintf(f, "%s`%s`", e ? ", " : "", sc[c[k].ex[e]].path);
			fprintf(f, "%s)\n", c[k].n > ENGINE_CAUSE_EXAMPLES ? ", ..." : "");
		}
		if (rest)
			fprintf(f, "- %zu script%s under %zu other cause%s (the Details list each)\n",
				rest, rest == 1 ? "" : "s", n - CAUSES_SHOWN,
				n - CAUSES_SHOWN == 1 ? "" : "s");
		fputc('\n', f);
		free(c);
	}
}

static void write_markdown(FILE *f, struct target_run *tr, size_t ntr, struct script *sc,
			   size_t nsc, struct req_row *rows, size_t nrows)
{
	fprintf(f, "# tcpspec conformance report\n\n");
	fprintf(f, "%zu scripts, %zu requirements, %zu target%s.\n\n", nsc, nrows, ntr,
		ntr == 1 ? "" : "s");
	if (report_stop_sig)
		fprintf(f, "**Interrupted by %s:** this report holds only the scripts that "
			"finished; the others are marked interrupted or not run.\n\n",
			engine_signal_name(report_stop_sig));
	if (md_view)
		report_md_overview(f, md_view);
	md_first_differences(f, tr, ntr, sc, nsc);

	fprintf(f, "## Summary\n\n| target | pass | deviation | fail | skipped | not applicable "
		   "| scripted s | run s | expectations |\n|---|---|---|---|---|---|---|---|---|\n");
	for (size_t t = 0; t < ntr; t++) {
		double scripted = 0, wall = 0;
		for (size_t i = 0; tr[t].jobs && i < nsc; i++) {
			scripted += tr[t].jobs[i].res.scripted_ns / 1e9;
			wall += tr[t].jobs[i].res.wall_ns / 1e9;
		}
		fprintf(f, "| %s%s%s%s | %zu | %zu | %zu | %zu | %zu | %.1f | %.3f | ", tr[t].name,
			tr[t].ops && tr[t].ops->version ? " (" : "",
			tr[t].ops && tr[t].ops->version ? tr[t].ops->version : "",
			tr[t].ops && tr[t].ops->version ? ")" : "",
			tr[t].count[CELL_PASS], tr[t].count[CELL_DEVIATION], tr[t].count[CELL_FAIL],
			tr[t].count[CELL_SKIP], tr[t].count[CELL_NA], scripted, wall);
		if (!tr[t].available) {
			fputs("target unavailable: ", f);
			md_cell(f, tr[t].why);
		} else if (!tr[t].ex.nfiles) {
			fputs("none", f);
		} else {
			for (size_t k = 0; k < tr[t].ex.nfiles; k++)
				fprintf(f, "%s%s", k ? ", " : "", tr[t].ex.files[k]);
			if (tr[t].stale)
				fprintf(f, " (%zu listed but passed)", tr[t].stale);
		}
		fputs(" |\n", f);
	}
	for (size_t t = 0; t < ntr; t++)
		write_offer_gaps(f, &tr[t], "\n**Options offered on some connections only:** ", "\n");

	/* by level: a deviation or failure counts under the level it breaks (its
	 * expectation's, else the script's); the other verdicts under the script's */
	fprintf(f, "\n## By level\n\n| target | level | pass | deviation | fail | skipped "
		   "| not applicable |\n|---|---|---|---|---|---|---|\n");
	for (size_t t = 0; t < ntr; t++)
		for (int l = ENGINE_LEVEL_MUST; l <= ENGINE_LEVEL_N; l++) {
			int lv = l == ENGINE_LEVEL_N ? ENGINE_LEVEL_NONE : l;
			const size_t *c = tr[t].lcount[lv];
			size_t sum = 0;
			for (int k = 0; k < CELL_NKINDS; k++)
				sum += c[k];
			if (!sum && lv == ENGINE_LEVEL_NONE)
				continue;
			fprintf(f, "| %s | %s | %zu | %zu | %zu | %zu | %zu |\n", tr[t].name,
				lv == ENGINE_LEVEL_NONE ? "(no level)" : engine_level_name(lv),
				c[CELL_PASS], c[CELL_DEVIATION], c[CELL_FAIL], c[CELL_SKIP], c[CELL_NA]);
		}

	fprintf(f, "\n## Requirements\n\n| requirement | title | scripts |");
	for (size_t t = 0; t < ntr; t++)
		fprintf(f, " %s |", tr[t].name);
	fprintf(f, "\n|---|---|---|");
	for (size_t t = 0; t < ntr; t++)
		fputs("---|", f);
	fputc('\n', f);
	for (size_t r = 0; r < nrows; r++) {
		struct engine_req_info ri;
		engine_req_info(rows[r].id, &ri);
		fprintf(f, "| %s | %s%s%s | %zu |", rows[r].id, ri.level, ri.level[0] ? ": " : "",
			ri.title[0] ? ri.title : ri.rfc_title ? ri.rfc_title : "", rows[r].nscripts);
		for (size_t t = 0; t < ntr; t++) {
			enum cell c = req_status(rows[r].count[t]);
			size_t lacks = rows[r].lacks[t];
			char what[240];
			report_lack_text(what, sizeof what, rows[r].lack_why[t]);
			if (c == CELL_SKIP && lacks == rows[r].count[t][CELL_SKIP]) {
				/* nothing ran, for the stack's sake: not tcpspec's gap */
				fputs(" not verified", f);
				if (lacks != rows[r].nscripts)
					fprintf(f, " %zu/%zu", lacks, rows[r].nscripts);
				fputs(" (the stack lacks: ", f);
				md_cell(f, what);
				fputc(')', f);
			} else {
				fprintf(f, " %s", cell_name(c));
				if (rows[r].count[t][c] != rows[r].nscripts)
					fprintf(f, " %zu/%zu", rows[r].count[t][c], rows[r].nscripts);
				if (lacks) {
					fprintf(f, ", %zu not verified (the stack lacks: ", lacks);
					md_cell(f, what);
					fputc(')', f);
				}
			}
			fputs(" |", f);
		}
		fputc('\n', f);
	}

	fprintf(f, "\n## Scripts\n\n| script | level | requirements |");
	for (size_t t = 0; t < ntr; t++)
		fprintf(f, " %s |", tr[t].name);
	fprintf(f, " checks |\n|---|---|---|");
	for (size_t t = 0; t < ntr; t++)
		fputs("---|", f);
	fputs("---|\n", f);
	for (size_t i = 0; i < nsc; i++) {
		char res[64];
		fputs("| ", f);
		md_cell(f, sc[i].path);
		fprintf(f, " | %s |", sc[i].level ? engine_level_name(sc[i].level) : "");
		for (size_t k = 0; k < sc[i].nreq; k++)
			fprintf(f, " %s", sc[i].req[k]);
		fputs(" |", f);
		for (size_t t = 0; t < ntr; t++) {
			result_text(res, sizeof res, sc[i].cell[t], sc[i].glevel[t]);
			fprintf(f, " %s%s |", res, sc[i].lacks[t] ? " (the stack lacks it)" : "");
		}
		fputc(' ', f);
		md_cell(f, sc[i].checks);
		fputs(" |\n", f);
	}

	bool any = false;
	for (size_t t = 0; t < ntr; t++)
		for (size_t i = 0; i < nsc; i++) {
			if (sc[i].cell[t] == CELL_PASS && !sc[i].stale[t])
				continue;
			if (!any)
				fprintf(f, "\n## Details\n\n");
			any = true;
			char msg[1024], res[64];
			first_line(msg, sizeof msg, sc[i].reason[t]);
			result_text(res, sizeof res, sc[i].cell[t], sc[i].glevel[t]);
			const struct engine_expectation *e = tr[t].jobs ? tr[t].jobs[i].expect : NULL;
			fprintf(f, "- %s, `%s`: %s", tr[t].name, sc[i].path,
				sc[i].stale[t] ? "pass, although listed as a deviation" : res);
			if (sc[i].stale[t] && e)
				fprintf(f, " at %s:%d (a stale expectation: delete the line)",
					e->file, e->line);
			if (msg[0]) {
				fputs(": ", f);
				md_cell(f, msg);
			}
			fputc('\n', f);
		}
	if (md_view)
		report_md_causes(f, md_view);
}

/* "pass": N, "deviation": N, ... for one row of counts */
static void json_counts(FILE *f, const size_t *c)
{
	for (int k = 0; k < CELL_NKINDS; k++)
		fprintf(f, "%s\"%s\": %zu", k ? ", " : "", cell_keys[k], c[k]);
}

/* The scripts skipped on target t because the stack lacks what they need (counted
 * among the skipped ones too). */
static size_t skipped_stack_lacks(const struct script *sc, size_t nsc, size_t t)
{
	size_t n = 0;
	for (size_t i = 0; i < nsc; i++)
		n += sc[i].cell[t] == CELL_SKIP && sc[i].lacks[t];
	return n;
}

static void write_json(FILE *f, struct target_run *tr, size_t ntr, struct script *sc,
		       size_t nsc, struct req_row *rows, size_t nrows)
{
	fprintf(f, "{\n  \"interrupted\": %s,\n  \"targets\": [", report_stop_sig ? "true" : "false");
	for (size_t t = 0; t < ntr; t++) {
		fprintf(f, "%s\n    {\"name\": ", t ? "," : "");
		engine_json_str(f, tr[t].name);
		fputs(", \"version\": ", f);
		if (tr[t].ops && tr[t].ops->version)
			engine_json_str(f, tr[t].ops->version);
		else
			fputs("null", f);
		fprintf(f, ", \"available\": %s, \"reason\": ", tr[t].available ? "true" : "false");
		engine_json_str(f, tr[t].available ? "" : tr[t].why);
		fputs(", \"ip_version\": ", f);
		if (tr[t].ip_version)
			engine_json_str(f, target_ip_version_name(tr[t].ip_version));
		else
			fputs("null", f);
		fputs(", \"expectations\": [", f);
		for (size_t k = 0; k < tr[t].ex.nfiles; k++) {
			fputs(k ? ", " : "", f);
			engine_json_str(f, tr[t].ex.files[k]);
		}
		fputs("], ", f);
		json_counts(f, tr[t].count);
		fprintf(f, ", \"skipped_stack_lacks\": %zu, \"stale_expectations\": %zu, "
			   "\"deviation_documented\": %zu, \"deviation_undocumented\": %zu",
			skipped_stack_lacks(sc, nsc, t), tr[t].stale,
			tr[t].documented, tr[t].count[CELL_DEVIATION] - tr[t].documented);
		fputs(", \"offer_gaps\": [", f);
		for (size_t q = 0; q < tr[t].ngap; q++) {
			const struct engine_offer_gap *g = &tr[t].gap[q];
			fprintf(f, "%s{\"option\": \"%s\", \"segment\": \"%s\", \"offered\": %zu, "
				   "\"left_out\": %zu, \"not_applicable\": %zu, \"example_left_out\": ",
				q ? ", " : "", g->feature, g->segment ? "SYN,ACK" : "SYN", g->offered,
				g->withheld, g->not_applicable);
			engine_json_str(f, tr[t].jobs[g->first_withheld].path);
			fputs(", \"example_offered\": ", f);
			engine_json_str(f, tr[t].jobs[g->first_offered].path);
			fputc('}', f);
		}
		fputs("], \"first_differences\": [", f);
		size_t nc, all;
		struct engine_cause *fc = first_differences(&tr[t], t, sc, nsc, &nc, &all);
		for (size_t k = 0; k < nc; k++) {
			fputs(k ? ", " : "", f);
			fputs("{\"cause\": ", f);
			engine_json_str(f, fc[k].text);
			fprintf(f, ", \"scripts\": %zu, \"examples\": [", fc[k].n);
			for (size_t e = 0; e < fc[k].n && e < ENGINE_CAUSE_EXAMPLES; e++) {
				fputs(e ? ", " : "", f);
				engine_json_str(f, sc[fc[k].ex[e]].path);
			}
			fputs("]}", f);
		}
		free(fc);
		fputs("], \"levels\": {", f);
		for (int l = 0; l < ENGINE_LEVEL_N; l++) {
			fprintf(f, "%s\"%s\": {", l ? ", " : "", engine_level_name((enum engine_level)l));
			json_counts(f, tr[t].lcount[l]);
			fputc('}', f);
		}
		fputs("}}", f);
	}
	fputs("\n  ],\n  \"requirements\": [", f);
	for (size_t r = 0; r < nrows; r++) {
		fprintf(f, "%s\n    {\"id\": ", r ? "," : "");
		engine_json_str(f, rows[r].id);
		fprintf(f, ", \"scripts\": %zu, \"results\": {", rows[r].nscripts);
		for (size_t t = 0; t < ntr; t++) {
			const size_t *c = rows[r].count[t];
			fprintf(f, "%s", t ? ", " : "");
			engine_json_str(f, tr[t].name);
			fprintf(f, ": {\"status\": \"%s\", ", cell_name(req_status(c)));
			json_counts(f, c);
			/* skipped ones the stack lacks: not verified for its sake */
			fprintf(f, ", \"not_verified_stack_lacks\": %zu, \"stack_lacks\": ",
				rows[r].lacks[t]);
			if (rows[r].lacks[t]) {
				char what[160];
				report_lack_text(what, sizeof what, rows[r].lack_why[t]);
				engine_json_str(f, what);
			} else {
				fputs("null", f);
			}
			fputc('}', f);
		}
		fputs("}}", f);
	}
	fputs("\n  ],\n  \"scripts\": [", f);
	for (size_t i = 0; i < nsc; i++) {
		fprintf(f, "%s\n    {\"path\": ", i ? "," : "");
		engine_json_str(f, sc[i].path);
		fputs(", \"checks\": ", f);
		engine_json_str(f, sc[i].checks);
		fprintf(f, ", \"level\": \"%s\", \"requirements\": [", engine_level_name(sc[i].level));
		for (size_t k = 0; k < sc[i].nreq; k++) {
			fputs(k ? ", " : "", f);
			engine_json_str(f, sc[i].req[k]);
		}
		fputs("], \"results\": {", f);
		for (size_t t = 0; t < ntr; t++) {
			fprintf(f, "%s", t ? ", " : "");
			engine_json_str(f, tr[t].name);
			fprintf(f, ": {\"status\": \"%s\", \"level\": \"%s\", \"stale_expectation\": %s, "
				   "\"documented\": %s, \"stack_lacks\": %s, \"offer_suspect\": %s, "
				   "\"reason\": ",
				cell_name(sc[i].cell[t]), engine_level_name(sc[i].glevel[t]),
				sc[i].stale[t] ? "true" : "false",
				sc[i].documented[t] ? "true" : "false",
				sc[i].lacks[t] ? "true" : "false",
				tr[t].jobs && engine_offer_suspect(&tr[t].jobs[i], tr[t].gap,
								   tr[t].ngap) ? "true" : "false");
			engine_json_str(f, sc[i].reason[t]);
			if (tr[t].jobs)
				fprintf(f, ", \"wall_s\": %.6f, \"scripted_s\": %.6f",
					tr[t].jobs[i].res.wall_ns / 1e9,
					tr[t].jobs[i].res.scripted_ns / 1e9);
			fputc('}', f);
		}
		fputs("}}", f);
	}
	fputs("\n  ]\n}\n", f);
}

static int write_to(const char *path, void (*fn)(FILE *, struct target_run *, size_t,
						  struct script *, size_t, struct req_row *, size_t),
		    struct target_run *tr, size_t ntr, struct script *sc, size_t nsc,
		    struct req_row *rows, size_t nrows)
{
	struct engine_out o;
	if (engine_out_begin(&o, path, "tcpspec report") != 0)   /* makes its directory */
		return -1;
	fn(o.f, tr, ntr, sc, nsc, rows, nrows);
	return engine_out_end(&o);
}

/* One line per target on stderr: the verdicts, and deviations and failures by the
 * level they break. */
static void write_summary(FILE *f, const struct target_run *tr, size_t t,
			  const struct script *sc, size_t nsc)
{
	fprintf(f, "tcpspec report: %s: %zu pass, %zu fail, %zu deviation (%zu documented in "
		   "an expectations file; MUST %zu, SHOULD %zu, MAY %zu, no level %zu), %zu "
		   "skipped (%zu of them not verified: the stack lacks what they need), %zu "
		   "not applicable\n", tr->name,
		tr->count[CELL_PASS], tr->count[CELL_FAIL], tr->count[CELL_DEVIATION],
		tr->documented,
		tr->lcount[ENGINE_LEVEL_MUST][CELL_DEVIATION],
		tr->lcount[ENGINE_LEVEL_SHOULD][CELL_DEVIATION],
		tr->lcount[ENGINE_LEVEL_MAY][CELL_DEVIATION],
		tr->lcount[ENGINE_LEVEL_NONE][CELL_DEVIATION], tr->count[CELL_SKIP],
		skipped_stack_lacks(sc, nsc, t), tr->count[CELL_NA]);
	size_t n, all;
	struct engine_cause *c = first_differences(tr, t, sc, nsc, &n, &all);
	for (size_t k = 0; k < n && k < 3; k++)
		fprintf(f, "tcpspec report: %s: first difference of %zu of its %zu failing or "
			   "deviating scripts: %s (e.g. %s)\n", tr->name, c[k].n, all, c[k].text,
			sc[c[k].ex[0]].path);
	free(c);
}

/* ---- running ------------------------------------------------------------------- */

/* Each script's cell on target t: the shared status (engine_job_status) decides what is
 * a deviation and what a stale expectation. */
static void classify(struct target_run *tr, size_t t, struct script *sc, size_t nsc)
{
	for (size_t i = 0; i < nsc; i++) {
		struct engine_grade g = { ENGINE_GRADE_SKIP, sc[i].level, false };
		const char *reason;
		if (!tr->available) {
			reason = tr->why;
		} else {
			const struct engine_job *j = &tr->jobs[i];
			const struct engine_result *res = &j->res;
			/* the expectation engine/expect.c found for it (and marked used) */
			const char *exp = engine_job_excuse(j);
			enum engine_status st = engine_job_status(j);
			if (st == ENGINE_ST_INTERRUPTED || st == ENGINE_ST_NOT_RUN) {
				/* the report was stopped: no verdict, said so in the cell */
				g.level = ENGINE_LEVEL_NONE;
				reason = st == ENGINE_ST_NOT_RUN
					 ? "not run: the report was interrupted before this "
					   "script started"
					 : res->message[0] ? res->message : "interrupted";
			} else {
				/* the classification `run` uses too, by the script's level */
				g = engine_grade_result(res, sc[i].level, exp);
				reason = exp && (g.cell == ENGINE_GRADE_DEVIATION || g.stale)
					 ? exp : res->message;
			}
			if (g.stale)
				tr->stale++;
		}
		sc[i].cell[t] = (enum cell)g.cell;
		sc[i].glevel[t] = g.level;
		sc[i].stale[t] = g.stale;
		sc[i].documented[t] = g.cell == ENGINE_GRADE_DEVIATION && tr->available &&
				      engine_job_excuse(&tr->jobs[i]);
		tr->documented += sc[i].documented[t];
		sc[i].reason[t] = reason;
		sc[i].lacks[t] = g.cell == ENGINE_GRADE_SKIP && tr->available &&
				 tr->jobs[i].res.stack_lacks;
		tr->count[g.cell]++;
		tr->lcount[g.level][g.cell]++;
	}
}

int cmd_report(int argc, char **argv)
{
	const char *targets = "reference", *md = NULL, *json = NULL;
	const char *targets_arg = NULL;	/* as given, to refuse a repeat */
	const char *html = NULL, *baseline = NULL;
	struct report_baseline base = { 0 };
	bool have_base = false;
	char *tdirs[MAX_TARGETS] = { NULL };
	struct report_view_target vt[MAX_TARGETS];
	struct report_view_script *vs = NULL;
	long jobs_n = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t timeout_ms = 0;         /* the pool's default */
	int versions[4], nver = 0;      /* --ip-version */
	bool quiet = false;
	struct engine_opts cmdline;
	memset(&cmdline, 0, sizeof cmdline);
	struct engine_strv files = {0}, given = {0}, expects = {0}, defs = {0};
	int rc = CLI_USAGE;
	bool written = false;   /* the report files were written (else emptied at out) */
	struct target_run tr[MAX_TARGETS];
	size_t ntr = 0;
	struct script *sc = NULL;
	size_t nsc = 0;
	struct req_row *rows = NULL;
	char *tlist = NULL;
	memset(tr, 0, sizeof tr);

	if (jobs_n < 1)
		jobs_n = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		int t;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			rc = CLI_OK;
			goto out;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = true;
		} else if ((t = cli_take(argc, argv, &i, "--target", &val))) {
			if (t < 0)
				goto missing;
			if (cli_once(&targets_arg, "--target", val, "tcpspec report") != 0)
				goto out;
			targets = val;
		} else if ((t = cli_take(argc, argv, &i, "--markdown", &val))) {
			if (t < 0)
				goto missing;
			if (engine_out_set(&md, "--markdown", val, "tcpspec report") != 0)
				goto keep_outs;
		} else if ((t = cli_take(argc, argv, &i, "--json", &val))) {
			if (t < 0)
				goto missing;
			if (engine_out_set(&json, "--json", val, "tcpspec report") != 0)
				goto keep_outs;
		} else if ((t = cli_take(argc, argv, &i, "--html", &val))) {
			if (t < 0)
				goto missing;
			html = val;
		} else if ((t = cli_take(argc, argv, &i, "--baseline", &val))) {
			if (t < 0)
				goto missing;
			baseline = val;
		} else if ((t = cli_take(argc, argv, &i, "--expect", &val))) {
			if (t < 0)
				goto missing;
			if (!strchr(val, '=')) {
				fprintf(stderr, "tcpspec report: --expect wants TARGET=FILE, not '%s'\n",
					val);
				goto out;
			}
			if (engine_strv_add(&expects, val) != 0)
				goto oom;
		} else if ((t = cli_take(argc, argv, &i, "--jobs", &val)) || (t = cli_take(argc, argv, &i, "-j", &val)) ||
			   (!strncmp(a, "-j", 2) && a[2] && (val = a + 2, t = 1))) {
			if (t < 0)
				goto missing;
			char *end;
			jobs_n = strtol(val, &end, 10);
			if (*end || jobs_n < 1 || jobs_n > 256) {
				fprintf(stderr, "tcpspec report: bad job count '%s' (a whole number "
					"from 1 to 256)\n", val);
				goto out;
			}
		} else if ((t = cli_take(argc, argv, &i, "--ip-version", &val))) {
			if (t < 0)
				goto missing;
			if (cli_ip_versions("tcpspec report", val, versions, &nver, 4) != 0)
				goto out;
		} else if ((t = cli_take(argc, argv, &i, "--timeout", &val))) {
			if (t < 0)
				goto missing;
			long long ms;
			if (cli_timeout("tcpspec report", val, &ms) != 0)
				goto out;
			timeout_ms = ms;
		} else if ((t = cli_profile_relax(argc, argv, &i, &cmdline, "tcpspec report"))) {
			if (t < 0)
				goto out;
		} else if ((t = cli_define(argc, argv, &i, &cmdline, &defs, "tcpspec report"))) {
			if (t < 0)
				goto out;
		} else if (!strncmp(a, "--", 2) && a[2]) {
			char name[64], msg[256];
			const char *eq = strchr(a + 2, '=');
			size_t k = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			if (k >= sizeof name) {
				fprintf(stderr, "tcpspec report: unknown option %s\n", a);
				goto out;
			}
			memcpy(name, a + 2, k);
			name[k] = 0;
			if (engine_opt_set(&cmdline, name, eq ? eq + 1 : NULL, msg, sizeof msg)) {
				fprintf(stderr, "tcpspec report: %s\n", msg);
				goto out;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "tcpspec report: unknown option %s\n", a);
			usage(stderr);
			goto out;
		} else {
			if (engine_strv_add(&given, a) != 0)
				goto oom;
			if (engine_collect_scripts(&files, a, "tcpspec report") != 0)
				goto out;
		}
		continue;
missing:
		fprintf(stderr, "tcpspec report: %s needs a value\n", a);
		goto out;
	}
	if (!files.n) {
		fprintf(stderr, "tcpspec report: no script given\n");
		usage(stderr);
		goto out;
	}
	engine_warn_unused_defines(defs.v, defs.n, files.v, files.n, "tcpspec report");
	if (!md && !json && !html)
		md = "-";
	if (baseline) {
		if (report_baseline_load(&base, baseline) != 0)
			goto out;
		have_base = true;
	}

	/* targets */
	if (!(tlist = strdup(targets)))
		goto oom;
	for (char *save = NULL, *s = strtok_r(tlist, ",", &save); s; s = strtok_r(NULL, ",", &save))
	    for (int vi = 0; vi < (nver ? nver : 1); vi++) {
		if (ntr == MAX_TARGETS) {
			fprintf(stderr, "tcpspec report: at most %d targets (IP versions "
				"count apart)\n", MAX_TARGETS);
			goto out;
		}
		struct target_run *r = &tr[ntr++];
		struct target_diag d = {0};
		r->spec = s;
		/* no such target is a usage error; a known one not here is a column of skips */
		if (engine_target_find(s, &r->ops, d.msg, sizeof d.msg) == ENGINE_ERROR) {
			fprintf(stderr, "tcpspec report: %s\n", d.msg);
			goto out;
		}
		r->name = r->tname = r->ops ? r->ops->name : s;
		r->ip_version = nver ? versions[vi] : 0;
		if (nver > 1) {
			/* a column per version: "reference/ipv6" */
			snprintf(r->label, sizeof r->label, "%s/%s", r->name,
				 target_ip_version_name(r->ip_version));
			r->name = r->label;
		}
		int probe = r->ops ? engine_target_probe(r->ops, &d) : TARGET_UNAVAILABLE;
		if (probe == TARGET_BADARG) {
			/* a plugin file missing or not loadable: a usage error, as in run */
			fprintf(stderr, "tcpspec report: %s\n", d.msg);
			goto out;
		}
		if (probe == TARGET_OK) {
			r->available = true;
		} else {
			snprintf(r->why, sizeof r->why, "%s",
				 d.msg[0] ? d.msg : "target not available here");
		}
	}
	if (!ntr) {
		fprintf(stderr, "tcpspec report: no target given\n");
		goto out;
	}
	for (size_t k = 0; k < expects.n; k++) {
		char *eq = strchr(expects.v[k], '=');
		*eq = 0;
		size_t t;
		bool found = false;
		for (t = 0; t < ntr; t++)
			if (!strcmp(expects.v[k], tr[t].spec) || !strcmp(expects.v[k], tr[t].tname)) {
				found = true;   /* every IP version's column of the target */
				if (engine_expect_load(&tr[t].ex, eq + 1, true, "tcpspec report") != 0)
					goto out;
			}
		if (!found) {
			fprintf(stderr, "tcpspec report: --expect for '%s', which is not a target "
					"of this report\n", expects.v[k]);
			goto out;
		}
	}
	for (size_t t = 0; t < ntr; t++) {
		bool explicit_file = false;
		for (size_t k = 0; k < expects.n; k++)
			if (!strcmp(expects.v[k], tr[t].spec) || !strcmp(expects.v[k], tr[t].tname))
				explicit_file = true;
		if (explicit_file)
			continue;
		/* the lists of the directories given and of every script's own directory
		 * (a subdirectory's list too); the nearest wins (engine_expect_find) */
		if (engine_expect_discover(&tr[t].ex, tr[t].tname, given.v, given.n,
					   "tcpspec report") != 0 ||
		    engine_expect_discover(&tr[t].ex, tr[t].tname, files.v, files.n,
					   "tcpspec report") != 0)
			goto out;
	}

	/* the report files are emptied now: a report killed before it ends must not leave
	 * an earlier report behind for a CI to read */
	/* the same guard as run's: neither file may be the other or a script */
	if (engine_outs_check((const char *[]){ "--markdown", "--json" },
			      (const char *[]){ md, json }, 2, files.v, files.n,
			      "tcpspec report") != 0)
		goto keep_outs;
	engine_signals_catch();
	if (engine_outs_prepare((const char *[]){ md, json }, 2, "tcpspec report") != 0)
		goto out;

	if (html) {
		/* the previous report's index, as the per-target ones (engine_html_prepare) */
		char *idx = NULL;
		if (asprintf(&idx, "%s/index.html", html) < 0)
			goto oom;
		unlink(idx);
		free(idx);
	}

	/* scripts and their headers */
	if (!(sc = calloc(files.n, sizeof *sc)))
		goto oom;
	nsc = files.n;
	for (size_t i = 0; i < nsc; i++) {
		sc[i].path = files.v[i];
		if (read_header(&sc[i], &cmdline) != 0) {
			fprintf(stderr, "tcpspec report: %s: %s\n", sc[i].path, strerror(errno));
			goto out;
		}
	}

	/* run */
	bool stopped = false;
	int stop_sig = 0;
	for (size_t t = 0; t < ntr; t++) {
		if (stopped) {
			/* interrupted before this target started: a column of 'not run' */
			tr[t].available = false;
			snprintf(tr[t].why, sizeof tr[t].why, "not run: the report was "
				 "interrupted before this target's scripts started");
		} else if (tr[t].available) {
			if (!(tr[t].jobs = calloc(nsc, sizeof *tr[t].jobs)))
				goto oom;
			for (size_t i = 0; i < nsc; i++) {
				const struct engine_expectation *e =
					engine_expect_find(&tr[t].ex, sc[i].path);
				tr[t].jobs[i].path = sc[i].path;
				tr[t].jobs[i].ip_version = tr[t].ip_version;
				tr[t].jobs[i].expected = e ? e->reason : NULL;
				tr[t].jobs[i].expect = e;
			}
			if (html) {
				/* run pages in DIR/TARGET (DIR/TARGET-N when two share a name) */
				bool dup = false;
				for (size_t u = 0; u < t; u++)
					dup |= !strcmp(tr[u].name, tr[t].name);
				if ((dup ? asprintf(&tdirs[t], "%s/%s-%zu", html, tr[t].name, t + 1)
					 : asprintf(&tdirs[t], "%s/%s", html, tr[t].name)) < 0) {
					tdirs[t] = NULL;
					goto oom;
				}
				for (char *c = tdirs[t] + strlen(html) + 1; *c; c++)
					if (*c == '/' || *c == ':')
						*c = '_';
				if (engine_pcap_names(tr[t].jobs, nsc) != 0 ||
				    engine_html_prepare(tdirs[t], tr[t].jobs, nsc) != 0) {
					fprintf(stderr, "tcpspec report: --html %s: %s\n", html,
						strerror(errno));
					goto out;
				}
			}
			if (!quiet)
				fprintf(stderr, "tcpspec report: running %zu scripts on %s\n", nsc,
					tr[t].name);
			struct engine_jobs_cfg jc = {
				.target = tr[t].ops,
				.cmdline = &cmdline,
				.html_dir = tdirs[t],
				.jobs = (int)jobs_n,
				.timeout_ms = timeout_ms,
				.out = quiet ? NULL : stderr,
			};
			stop_sig = engine_jobs_run(&jc, tr[t].jobs, nsc);
			stopped = stop_sig != 0;
		} else if (!quiet) {
			fprintf(stderr, "tcpspec report: %s: skipped: %s\n", tr[t].name, tr[t].why);
		}
		classify(&tr[t], t, sc, nsc);
		if (tr[t].jobs)
			tr[t].ngap = engine_offer_gaps(tr[t].jobs, nsc, tr[t].gap,
						       ENGINE_OFFER_MAX_GAPS);
	}
	for (size_t t = 0; t < ntr; t++) {
		if (tr[t].jobs)
			engine_expect_warn_stale(&tr[t].ex, tr[t].jobs, nsc, tr[t].name,
						 "tcpspec report");
		if (!stopped)
			engine_expect_warn_missing(&tr[t].ex, tr[t].name, "tcpspec report");
	}

	size_t nrows = 0;
	if (!(rows = build_rows(sc, nsc, ntr, &nrows)))
		goto oom;
	/* the readers' view: Markdown overview, HTML site */
	if (!(vs = calloc(nsc ? nsc : 1, sizeof *vs)))
		goto oom;
	for (size_t t = 0; t < ntr; t++) {
		vt[t].name = tr[t].name;
		vt[t].available = tr[t].available;
		vt[t].why = tr[t].why;
		vt[t].dir = tdirs[t] ? tdirs[t] + strlen(html) + 1 : NULL;
		vt[t].nexpect = tr[t].ex.nfiles;
	}
	for (size_t i = 0; i < nsc; i++) {
		vs[i].path = sc[i].path;
		vs[i].checks = sc[i].checks;
		vs[i].req = sc[i].req;
		vs[i].nreq = sc[i].nreq;
		vs[i].level = sc[i].level;
		for (size_t t = 0; t < ntr; t++) {
			vs[i].cell[t].status = cell_name(sc[i].cell[t]);
			vs[i].cell[t].reason = sc[i].reason[t];
			vs[i].cell[t].job = tr[t].jobs ? &tr[t].jobs[i] : NULL;
			vs[i].cell[t].stack_lacks = sc[i].lacks[t];
		}
	}
	struct report_view view = { .t = vt, .nt = ntr, .s = vs, .ns = nsc,
				    .base = have_base ? &base : NULL, .base_path = baseline };
	md_view = &view;
	report_stop_sig = stop_sig;
	written = true;
	/* each file written even when another cannot be: a write error is exit 2 */
	bool werr = md && write_to(md, write_markdown, tr, ntr, sc, nsc, rows, nrows) != 0;
	werr |= json && write_to(json, write_json, tr, ntr, sc, nsc, rows, nrows) != 0;
	md_view = NULL;
	if (html) {
		bool bad = report_html_site(html, &view) != 0;
		for (size_t t = 0; t < ntr && !bad; t++)
			if (tdirs[t])
				bad = engine_html_run_site(tdirs[t], tr[t].jobs, nsc, tr[t].name,
							   NULL, "../index.html") != 0;
		if (bad) {
			fprintf(stderr, "tcpspec report: cannot write the site in %s: %s\n", html,
				strerror(errno));
			goto out;
		}
	}

	size_t fails = 0, errors = 0;
	for (size_t t = 0; t < ntr; t++) {
		fails += tr[t].count[CELL_FAIL];
		write_offer_gaps(stderr, &tr[t], "tcpspec report: warning: ", "\n");
		write_summary(stderr, &tr[t], t, sc, nsc);
		/* a script that does not parse (a typo) is the user's error, as in run */
		for (size_t i = 0; tr[t].jobs && i < nsc; i++)
			errors += engine_job_status(&tr[t].jobs[i]) == ENGINE_ST_ERROR;
	}
	if (!stopped && engine_signal_caught()) {
		/* it came while the report was written: the report is whole, the exit
		 * status still says the job was stopped */
		stopped = true;
		stop_sig = engine_signal_caught();
	}
	if (stopped) {
		/* every output was written above, interrupted and unstarted scripts marked */
		fprintf(stderr, "tcpspec report: interrupted; every script process was stopped\n");
		rc = 128 + (stop_sig > 0 ? stop_sig : SIGTERM);
		goto out;
	}
	/* nothing checked is never a pass: a requested target that cannot run here is 3,
	 * a target on which every script was skipped (or not applicable) is 4; a target
	 * where some ran and others were skipped is a survey's 0 */
	bool unavailable = false, unchecked = false;
	for (size_t t = 0; t < ntr; t++) {
		unavailable |= !tr[t].available;
		unchecked |= tr[t].available && nsc && !tr[t].count[CELL_PASS] &&
			     !tr[t].count[CELL_DEVIATION] && !tr[t].count[CELL_FAIL];
	}
	rc = errors || werr ? CLI_USAGE : fails ? CLI_FAIL : unavailable ? CLI_UNAVAILABLE
	   : unchecked ? CLI_UNSUPPORTED : CLI_OK;
	goto out;
keep_outs:
	/* the report files clash (with each other or a script): emptying them would
	 * destroy what they name */
	written = true;
	rc = CLI_USAGE;
	goto out;
oom:
	fprintf(stderr, "tcpspec report: out of memory\n");
	rc = CLI_USAGE;
out:
	/* a report that ends before it is written (usage error): an earlier report's
	 * files must not stay behind for a CI to read */
	if (!written && rc != CLI_OK)
		engine_empty_outs((const char *[]){ md, json }, 2);
	free(rows);
	free(vs);
	if (have_base)
		report_baseline_free(&base);
	for (size_t t = 0; t < MAX_TARGETS; t++)
		free(tdirs[t]);
	for (size_t i = 0; i < nsc; i++) {
		for (size_t k = 0; k < sc[i].nreq; k++)
			free(sc[i].req[k]);
		free(sc[i].req);
		free(sc[i].checks);
	}
	free(sc);
	for (size_t t = 0; t < ntr; t++) {
		engine_expect_free(&tr[t].ex);
		if (tr[t].jobs)
			engine_pcap_names_free(tr[t].jobs, nsc);
		free(tr[t].jobs);
	}
	free(tlist);
	engine_strv_free(&files);
	engine_strv_free(&given);
	engine_strv_free(&defs);
	engine_strv_free(&expects);
	return rc;
}
