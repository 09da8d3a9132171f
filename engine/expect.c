/* Expectations: the documented deviations of a target, and what a result means once they
 * are applied.  The one place for both, used by tcpspec run and tcpspec report (and by
 * the TAP, JUnit and JSON writers), so a deviation reads the same everywhere.
 *
 * An expectations file has one script per line, "relative/path.pkt  reason", the path
 * relative to the file's own directory; '#' starts a comment line.  A script listed
 * there whose run departs from it on that target (an ordinary failure: a packet, call
 * or code block that did not match) is a deviation: shown as such, never a failure of
 * the run.  Parse and usage errors, timeouts, crashes, interruptions and unavailable or
 * unsupported runs keep their own status (engine_result_deviation_ok).  A listed script
 * that passes is a stale expectation: reported, so the list is kept true.  An entry
 * "path.pkt:LINE  reason" is pinned: only a failure at that script line is excused,
 * so a regression elsewhere in the script still fails.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/strv.h"

/* Paths must compare equal however they were written: "a//b/./c", "./a/b/c" and
 * "a/x/../b/c" all become "a/b/c" (lexically; a ".." above the start is kept). */
static void normalize_path(char *s)
{
	char *comp[512];
	size_t n = 0;
	bool abs = s[0] == '/';
	char *save = NULL;
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *c = strtok_r(buf, "/", &save); c && n < 512; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..") && n > 0 && strcmp(comp[n - 1], ".."))
			n--;
		else if (!(abs && n == 0 && !strcmp(c, "..")))
			comp[n++] = c;
	}
	char out[4096];
	size_t len = 0;
	out[0] = 0;
	if (abs)
		out[len++] = '/';
	for (size_t i = 0; i < n && len < sizeof out; i++)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", i ? "/" : "", comp[i]);
	out[len < sizeof out ? len : sizeof out - 1] = 0;
	if (!out[0])
		snprintf(out, sizeof out, ".");
	strcpy(s, out);             /* never longer than the input */
}

static char *trim(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

/* path is dir itself or inside it (both real paths) */
static bool is_under(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

static int load_anchored(struct engine_expectations *x, const char *file, const char *anchor,
			 bool must_exist, const char *who);

int engine_expect_load(struct engine_expectations *x, const char *file, bool must_exist,
		       const char *who)
{
	return load_anchored(x, file, NULL, must_exist, who);
}

/* Read file; anchor: the directory it speaks for (NULL: its own). */
static int load_anchored(struct engine_expectations *x, const char *file, const char *anchor,
			 bool must_exist, const char *who)
{
	for (size_t i = 0; i < x->nfiles; i++)
		if (!strcmp(x->files[i], file))
			return 0;               /* found twice (a directory and its parent) */
	FILE *f = fopen(file, "r");
	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		fprintf(stderr, "%s: %s: %s\n", who, file, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		/* fopen opens a directory, and it reads as an empty list */
		fprintf(stderr, "%s: %s: is a directory, not an expectations file\n", who, file);
		fclose(f);
		return -1;
	}
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", file);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[1] = 0;
	else
		dir[0] = 0;
	char **nf = realloc(x->files, (x->nfiles + 1) * sizeof *nf);
	if (nf)
		x->files = nf;
	char **na = nf ? realloc(x->anchors, (x->nfiles + 1) * sizeof *na) : NULL;
	if (na)
		x->anchors = na;
	if (!nf || !na || !(nf[x->nfiles] = strdup(file))) {
		fclose(f);
		fprintf(stderr, "%s: out of memory\n", who);
		return -1;
	}
	na[x->nfiles] = realpath(anchor ? anchor : dir[0] ? dir : ".", NULL);
	const char *fanchor = na[x->nfiles];
	const char *fname = x->files[x->nfiles++];
	char line[4096];
	int lineno = 0, rc = 0;
	size_t first = x->n;	/* this file's entries start here */
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *sp = s;
		while (*sp && !isspace((unsigned char)*sp))
			sp++;
		char *reason = *sp ? trim(sp + 1) : sp;
		*sp = 0;
		/* "path.pkt:LINE": pinned to where the documented failure is */
		int pin = 0;
		char *colon = strrchr(s, ':');
		if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
			long v = strtol(colon + 1, NULL, 10);
			if (v < 1 || v > 1000000) {
				fprintf(stderr, "%s:%d: error: %s: the line a deviation is pinned "
					"to is 1 to 1000000\n", file, lineno, s);
				rc = -1;
				continue;
			}
			pin = (int)v;
			*colon = 0;
		}
		if (!*reason) {
			fprintf(stderr, "%s:%d: error: no reason given for %s\n", file, lineno, s);
			rc = -1;
			continue;
		}
		if (x->n == x->cap) {
			size_t cap = x->cap ? x->cap * 2 : 32;
			struct engine_expectation *e = realloc(x->v, cap * sizeof *e);
			if (!e) {
				rc = -1;
				break;
			}
			x->v = e;
			x->cap = cap;
		}
		struct engine_expectation *e = &x->v[x->n];
		memset(e, 0, sizeof *e);
		if (asprintf(&e->path, "%s%s", dir, s) < 0) {
			rc = -1;
			break;
		}
		normalize_path(e->path);
		e->real = realpath(e->path, NULL);
		e->reason = strdup(reason);
		e->file = fname;
		e->anchor = fanchor;
		e->line = lineno;
		e->pin_line = pin;
		if (!e->reason) {
			free(e->path);
			free(e->real);
			rc = -1;
			break;
		}
		/* a second entry for one script (pinned or not) would never be read: the
		 * first one found excuses, whatever the second says */
		const struct engine_expectation *dup = NULL;
		for (size_t k = first; k < x->n && !dup; k++)
			if (e->real && x->v[k].real ? !strcmp(e->real, x->v[k].real)
						    : !strcmp(e->path, x->v[k].path))
				dup = &x->v[k];
		if (dup) {
			fprintf(stderr, "%s:%d: error: %s is listed already at line %d: one entry "
				"a script\n", file, lineno, s, dup->line);
			free(e->path);
			free(e->real);
			free(e->reason);
			rc = -1;
			continue;
		}
		x->n++;
	}
	fclose(f);
	return rc;
}

const struct engine_expectation *engine_expect_find(struct engine_expectations *x,
						    const char *script)
{
	char norm[4096];
	snprintf(norm, sizeof norm, "%s", script);
	normalize_path(norm);
	/* the same file however the two paths were written (an --expect FILE given by an
	 * absolute path, a run from another directory): real paths; else as written */
	char *real = realpath(script, NULL);
	size_t best = x->n, best_len = 0;
	for (size_t i = 0; i < x->n; i++) {
		if (!(real && x->v[i].real ? !strcmp(x->v[i].real, real)
					   : !strcmp(x->v[i].path, norm)))
			continue;
		/* nearest wins: the deepest anchor above the script; a file that speaks
		 * for no directory above it ranks below every one that does */
		const char *a = x->v[i].anchor;
		size_t len = a && real && is_under(a, real) ? strlen(a) + 1 : 0;
		if (best == x->n || len > best_len) {
			if (best < x->n)
				x->v[best].shadow = i + 1;
			best = i;
			best_len = len;
		} else {
			x->v[i].shadow = best + 1;
		}
	}
	free(real);
	if (best == x->n)
		return NULL;
	x->v[best].used = true;
	x->v[best].shadow = 0;
	return &x->v[best];
}

/* The directories whose expectation files apply to a path given on the command line:
 * the path itself if it is a directory, else its directory, and every parent up to
 * the root of the path as written ("corpora/conformance/rfc9293" gives ".../rfc9293",
 * "corpora/conformance", "corpora" and "."), then on through "..", "../.." to the
 * file system's root, so that a suite's expectations still apply when only part of it
 * is run, from wherever.  Duplicates (by inode) are kept once. */
static int add_dirs(struct engine_strv *dirs, const char *path)
{
	char buf[4096];
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;               /* engine_collect_scripts() reports it */
	snprintf(buf, sizeof buf, "%s", path);
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = 0;
	if (!S_ISDIR(st.st_mode)) {
		char *sl = strrchr(buf, '/');
		if (sl)
			*sl = 0;
		else
			snprintf(buf, sizeof buf, ".");
	}
	for (int depth = 0; depth < 64; depth++) {
		struct stat d;
		bool seen = false;
		if (stat(buf, &d) == 0) {
			for (size_t k = 0; k < dirs->n && !seen; k++) {
				struct stat o;
				seen = stat(dirs->v[k], &o) == 0 && o.st_dev == d.st_dev &&
				       o.st_ino == d.st_ino;
			}
			/* its parents were added with it (a script's directory, met once per
			 * script, costs one step) */
			if (seen && depth > 0)
				break;
			if (!seen && engine_strv_add(dirs, buf) != 0)
				return -1;
		}
		if (!strcmp(buf, "/"))
			break;
		/* past the start of a relative path: on through its real parents ("..",
		 * "../..") up to the root, so a run from inside a suite (cd
		 * corpora/conformance/rfc9293 && tcpspec run .) still finds its lists */
		bool dots = true;
		for (const char *c = buf; *c && dots; c++)
			dots = *c == '.' || *c == '/';
		if (dots) {
			char real[4096];
			if (!realpath(buf, real) || !strcmp(real, "/") ||
			    strlen(buf) + 4 >= sizeof buf)
				break;
			if (!strcmp(buf, "."))
				snprintf(buf, sizeof buf, "..");
			else
				strcat(buf, "/..");
			continue;
		}
		char *sl = strrchr(buf, '/');
		if (!sl)
			snprintf(buf, sizeof buf, ".");
		else if (sl == buf)
			buf[1] = 0;
		else
			*sl = 0;
	}
	return 0;
}

int engine_expect_discover(struct engine_expectations *x, const char *target,
			   char *const *paths, size_t npaths, const char *who)
{
	struct engine_strv dirs = {0};
	int rc = 0;
	for (size_t i = 0; i < npaths && rc == 0; i++)
		if (add_dirs(&dirs, paths[i]) != 0) {
			fprintf(stderr, "%s: out of memory\n", who);
			rc = -1;
		}
	for (size_t k = 0; k < dirs.n && rc == 0; k++) {
		char *p = NULL;
		const char *d = dirs.v[k];
		size_t dl = strlen(d);
		const char *sep = dl && d[dl - 1] == '/' ? "" : "/";
		/* DIR/TARGET.expect: a suite's own list (corpora/conformance/linux.expect) */
		if (asprintf(&p, "%s%s%s.expect", d, sep, target) < 0) {
			fprintf(stderr, "%s: out of memory\n", who);
			rc = -1;
			break;
		}
		rc = engine_expect_load(x, p, false, who);
		free(p);
		/* DIR/../TARGET/NAME.expect: a target's list for the suite NAME, kept with
		 * the target (corpora/lwip/conformance.expect for corpora/conformance) */
		char real[4096];
		if (rc == 0 && realpath(d, real)) {
			char *sl = strrchr(real, '/');
			if (sl && sl[1] && sl != real) {
				*sl = 0;
				if (asprintf(&p, "%s/%s/%s.expect", real, target, sl + 1) < 0) {
					fprintf(stderr, "%s: out of memory\n", who);
					rc = -1;
					break;
				}
				/* shown as the user would write it: relative to the suite */
				char *shown = NULL;
				if (asprintf(&shown, "%s%s../%s/%s.expect", d, sep, target,
					     sl + 1) >= 0 && access(p, F_OK) == 0) {
					normalize_path(shown);
					rc = load_anchored(x, shown, d, false, who);
				}
				free(shown);
				free(p);
			}
		}
	}
	engine_strv_free(&dirs);
	return rc;
}

void engine_expect_free(struct engine_expectations *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].path);
		free(x->v[i].real);
		free(x->v[i].reason);
	}
	free(x->v);
	for (size_t i = 0; i < x->nfiles; i++) {
		free(x->files[i]);
		free(x->anchors[i]);
	}
	free(x->files);
	free(x->anchors);
	memset(x, 0, sizeof *x);
}

void engine_expect_warn_missing(const struct engine_expectations *x, const char *target,
				const char *who)
{
	for (size_t k = 0; k < x->n; k++) {
		const struct engine_expectation *e = &x->v[k];
		if (!e->used && access(e->path, F_OK) != 0)
			fprintf(stderr, "%s: warning: %s:%d: the expectations of %s list %s, which "
				"does not exist\n", who, e->file, e->line, target, e->path);
		else if (!e->used && e->shadow)
			fprintf(stderr, "%s: warning: %s:%d: %s is listed for %s at %s:%d too, "
				"nearer the script, which wins; this entry is not read\n", who,
				e->file, e->line, e->path, target, x->v[e->shadow - 1].file,
				x->v[e->shadow - 1].line);
	}
}

void engine_expect_warn_stale(struct engine_expectations *x, const struct engine_job *jobs,
			      size_t n, const char *target, const char *who)
{
	for (size_t i = 0; i < n; i++)
		if (engine_job_status(&jobs[i]) == ENGINE_ST_STALE) {
			const struct engine_expectation *e = jobs[i].expect;
			if (!e)
				e = engine_expect_find(x, jobs[i].path);
			fprintf(stderr, "%s: warning: %s:%d: %s passes on %s, although listed as a "
				"deviation (stale expectation)\n", who,
				e ? e->file : "?", e ? e->line : 0, jobs[i].path, target);
		}
}

/* ---- statuses ------------------------------------------------------------------------ */

static const char *const status_names[ENGINE_ST_COUNT] = {
	[ENGINE_ST_PASS] = "ok",
	[ENGINE_ST_STALE] = "ok",
	[ENGINE_ST_DEVIATION] = "DEVIATION",
	[ENGINE_ST_FAIL] = "FAIL",
	[ENGINE_ST_ERROR] = "ERROR",
	[ENGINE_ST_UNAVAILABLE] = "UNAVAILABLE",
	[ENGINE_ST_SKIP] = "SKIP",
	[ENGINE_ST_INTERRUPTED] = "INTERRUPTED",
	[ENGINE_ST_NOT_RUN] = "NOT-RUN",
};

static const char *const status_words[ENGINE_ST_COUNT] = {
	[ENGINE_ST_PASS] = "pass",
	[ENGINE_ST_STALE] = "pass",
	[ENGINE_ST_DEVIATION] = "deviation",
	[ENGINE_ST_FAIL] = "fail",
	[ENGINE_ST_ERROR] = "error",
	[ENGINE_ST_UNAVAILABLE] = "unavailable",
	[ENGINE_ST_SKIP] = "skipped",
	[ENGINE_ST_INTERRUPTED] = "interrupted",
	[ENGINE_ST_NOT_RUN] = "not run",
};

bool engine_result_deviation_ok(const struct engine_result *res)
{
	return res->verdict == ENGINE_FAIL && res->departed;
}

int engine_result_line(const struct engine_result *r)
{
	/* "PATH.pkt:LINE: ..." on the first line */
	size_t eol = strcspn(r->message, "\n");
	for (const char *p = r->message; p + 5 < r->message + eol; p++)
		if (!strncmp(p, ".pkt:", 5) && isdigit((unsigned char)p[5])) {
			char *end;
			long v = strtol(p + 5, &end, 10);
			if (*end == ':' && v > 0 && v < 1000000000)
				return (int)v;
		}
	return 0;
}

const char *engine_job_excuse(const struct engine_job *j)
{
	if (!j->expected)
		return NULL;
	if (j->expect && j->expect->pin_line && j->res.verdict == ENGINE_FAIL &&
	    engine_result_line(&j->res) != j->expect->pin_line)
		return NULL;
	return j->expected;
}

/* engine_grade_result (engine/grade.c) decides; a run grades every script as MUST, so
 * a deviation is a departure that an expectation explains, and the statuses only
 * split the grade's cells by verdict (an error from a failure, unavailable from a
 * skip). */
enum engine_status engine_job_status(const struct engine_job *j)
{
	if (j->state == ENGINE_JOB_INTERRUPTED)
		return ENGINE_ST_INTERRUPTED;
	if (j->state == ENGINE_JOB_NOT_RUN)
		return ENGINE_ST_NOT_RUN;
	struct engine_grade g = engine_grade_result(&j->res, ENGINE_LEVEL_NONE,
						   engine_job_excuse(j));
	switch (g.cell) {
	case ENGINE_GRADE_PASS:
		return g.stale ? ENGINE_ST_STALE : ENGINE_ST_PASS;
	case ENGINE_GRADE_DEVIATION:
		return ENGINE_ST_DEVIATION;
	case ENGINE_GRADE_FAIL:
		return j->res.verdict == ENGINE_FAIL ? ENGINE_ST_FAIL : ENGINE_ST_ERROR;
	case ENGINE_GRADE_SKIP:
	case ENGINE_GRADE_NA:
		return j->res.verdict == ENGINE_UNAVAILABLE ? ENGINE_ST_UNAVAILABLE
							     : ENGINE_ST_SKIP;
	default:
		return ENGINE_ST_ERROR;
	}
}

const char *engine_status_name(enum engine_status s)
{
	return (unsigned)s < ENGINE_ST_COUNT ? status_names[s] : "?";
}

const char *engine_status_word(enum engine_status s)
{
	return (unsigned)s < ENGINE_ST_COUNT ? status_words[s] : "?";
}

void engine_status_count(const struct engine_job *jobs, size_t n, size_t count[ENGINE_ST_COUNT])
{
	memset(count, 0, ENGINE_ST_COUNT * sizeof *count);
	for (size_t i = 0; i < n; i++)
		count[engine_job_status(&jobs[i])]++;
}
