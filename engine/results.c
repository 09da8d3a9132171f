/* Machine-readable results of a run: TAP, JUnit XML, JSON. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"

static const char *ipname(const struct engine_job *j)
{
	int v = j->res.ip_version ? j->res.ip_version
				  : j->ip_version ? j->ip_version : TARGET_IPV4_ONLY;
	return target_ip_version_name(v);
}

/* The warnings kept, one by one: *w moves to the next; false at the end. */
static bool next_warning(const char **w, char *one, size_t cap)
{
	if (!**w)
		return false;
	size_t k = strcspn(*w, (char[]){ ENGINE_WARNING_SEP, 0 });
	snprintf(one, cap, "%.*s", (int)k, *w);
	*w += k + ((*w)[k] != 0);
	return true;
}

static int warnings_kept(const struct engine_result *r)
{
	int n = 0;
	char one[sizeof r->warnings];
	for (const char *w = r->warnings; next_warning(&w, one, sizeof one);)
		n++;
	return n;
}

/* The message as "# " lines. */
static void tap_comment(FILE *f, const char *m)
{
	while (m && *m) {
		size_t k = strcspn(m, "\n");
		fprintf(f, "# %.*s\n", (int)k, m);
		m += k + (m[k] == '\n');
	}
}

/* Mismatches --non_fatal let through, as "# " lines under the test line. */
static void warnings_comment(FILE *f, const struct engine_result *r)
{
	if (!r->n_warnings)
		return;
	fprintf(f, "# %d non-fatal mismatch%s (--non_fatal):\n", r->n_warnings,
		r->n_warnings == 1 ? "" : "es");
	char one[sizeof r->warnings];
	for (const char *w = r->warnings; next_warning(&w, one, sizeof one);)
		tap_comment(f, one);
	if (r->n_warnings > warnings_kept(r))
		fprintf(f, "# ... and %d more\n", r->n_warnings - warnings_kept(r));
}

/* A reason on one line, for a directive. */
static void one_line(char *dst, size_t cap, const char *m)
{
	snprintf(dst, cap, "%s", m ? m : "");
	dst[strcspn(dst, "\n#")] = 0;
}

/* A test line's description: '#' would start a directive there (a path "wip # TODO"
 * would make a failure a TODO), so it is written '\#', and '\' as '\\' (TAP 13's
 * escapes); a line break as '?'. */
static void tap_desc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '#' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' ? '?' : *s, f);
	}
}

int engine_write_tap(FILE *f, const struct engine_job *jobs, size_t n)
{
	fprintf(f, "TAP version 13\n1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct engine_job *j = &jobs[i];
		enum engine_status st = engine_job_status(j);
		char reason[256];
		bool ok = st == ENGINE_ST_PASS || st == ENGINE_ST_STALE || st == ENGINE_ST_SKIP ||
			  st == ENGINE_ST_UNAVAILABLE;
		/* a documented deviation is an expected failure: TAP's TODO directive, which
		 * harnesses do not count as a failure (and a TODO that passes is stale) */
		if (st == ENGINE_ST_DEVIATION)
			ok = false;
		fprintf(f, "%s %zu - ", ok ? "ok" : "not ok", i + 1);
		tap_desc(f, j->path);
		fprintf(f, " [%s]", ipname(j));
		switch (st) {
		case ENGINE_ST_SKIP:
		case ENGINE_ST_UNAVAILABLE:
			one_line(reason, sizeof reason, j->res.message);
			fprintf(f, " # SKIP %s", reason);
			break;
		case ENGINE_ST_DEVIATION:
			one_line(reason, sizeof reason, j->expected);
			fprintf(f, " # TODO documented deviation: %s", reason);
			break;
		case ENGINE_ST_STALE:
			one_line(reason, sizeof reason, j->expected);
			fprintf(f, " # TODO stale expectation (passes, although listed as a "
				   "deviation): %s", reason);
			break;
		default:
			break;
		}
		fputc('\n', f);
		if (st == ENGINE_ST_NOT_RUN)
			fprintf(f, "# not run: the run was interrupted before this script started\n");
		else if (!ok)
			tap_comment(f, j->res.message);
		warnings_comment(f, &j->res);
	}
	return ferror(f) ? -1 : 0;
}

int engine_write_junit(FILE *f, const struct engine_job *jobs, size_t n, const char *target)
{
	size_t c[ENGINE_ST_COUNT];
	double total = 0;
	engine_status_count(jobs, n, c);
	for (size_t i = 0; i < n; i++)
		total += jobs[i].res.wall_ns / 1e9;
	/* failures: failed scripts; errors: scripts in error, interrupted or never run;
	 * skipped: unsupported, unavailable and documented deviations (each marked with
	 * its type) */
	size_t fails = c[ENGINE_ST_FAIL];
	size_t errors = c[ENGINE_ST_ERROR] + c[ENGINE_ST_INTERRUPTED] + c[ENGINE_ST_NOT_RUN];
	size_t skips = c[ENGINE_ST_SKIP] + c[ENGINE_ST_UNAVAILABLE] + c[ENGINE_ST_DEVIATION];
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
		n, fails, errors, skips);
	fprintf(f, "  <testsuite name=\"tcpspec.");
	engine_xml_text(f, target);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
		   "time=\"%.3f\">\n", n, fails, errors, skips, total);
	for (size_t i = 0; i < n; i++) {
		const struct engine_job *j = &jobs[i];
		enum engine_status st = engine_job_status(j);
		fprintf(f, "    <testcase classname=\"");
		engine_xml_text(f, target);
		fprintf(f, ".%s\" name=\"", ipname(j));
		engine_xml_text(f, j->path);
		fprintf(f, "\" time=\"%.3f\"", j->res.wall_ns / 1e9);
		if (st == ENGINE_ST_PASS && !j->res.n_warnings) {
			fprintf(f, "/>\n");
			continue;
		}
		fprintf(f, ">\n      <properties><property name=\"tcpspec.status\" value=\"%s\"/>",
			engine_status_word(st));
		if (j->res.n_warnings)
			fprintf(f, "<property name=\"tcpspec.warnings\" value=\"%d\"/>",
				j->res.n_warnings);
		if (j->expected) {
			fprintf(f, "<property name=\"tcpspec.expectation\" value=\"");
			engine_xml_text(f, j->expected);
			fprintf(f, "\"/>");
		}
		fprintf(f, "</properties>\n");
		char first[512];
		switch (st) {
		case ENGINE_ST_PASS:
			break;
		case ENGINE_ST_FAIL:
		case ENGINE_ST_ERROR:
		case ENGINE_ST_INTERRUPTED:
		case ENGINE_ST_NOT_RUN: {
			const char *tag = st == ENGINE_ST_FAIL ? "failure" : "error";
			const char *msg = st == ENGINE_ST_NOT_RUN
				? "not run: the run was interrupted before this script started"
				: j->res.message;
			snprintf(first, sizeof first, "%s", msg);
			first[strcspn(first, "\n")] = 0;
			engine_utf8_cut(first, sizeof first - 1);   /* not inside a character */
			fprintf(f, "      <%s type=\"%s\" message=\"", tag, engine_status_word(st));
			engine_xml_text(f, first);
			fprintf(f, "\">");
			engine_xml_text(f, msg);
			fprintf(f, "</%s>\n", tag);
			break;
		}
		case ENGINE_ST_DEVIATION:
			fprintf(f, "      <skipped type=\"deviation\" message=\"documented deviation: ");
			engine_xml_text(f, j->expected);
			fprintf(f, "\"/>\n      <system-out>");
			engine_xml_text(f, j->res.message);
			fprintf(f, "</system-out>\n");
			break;
		case ENGINE_ST_STALE:
			fprintf(f, "      <system-out>stale expectation: passes, although listed as "
				   "a deviation: ");
			engine_xml_text(f, j->expected);
			fprintf(f, "</system-out>\n");
			break;
		default:
			fprintf(f, "      <skipped type=\"%s\" message=\"", engine_status_word(st));
			engine_xml_text(f, j->res.message);
			fprintf(f, "\"/>\n");
		}
		if (j->res.n_warnings) {
			/* what --non_fatal let through: a pass with warnings, not a clean one */
			fprintf(f, "      <system-err>%d non-fatal mismatch%s (--non_fatal):\n",
				j->res.n_warnings, j->res.n_warnings == 1 ? "" : "es");
			char one[sizeof j->res.warnings];
			for (const char *w = j->res.warnings; next_warning(&w, one, sizeof one);) {
				engine_xml_text(f, one);
				fputc('\n', f);
			}
			if (j->res.n_warnings > warnings_kept(&j->res))
				fprintf(f, "... and %d more\n",
					j->res.n_warnings - warnings_kept(&j->res));
			fprintf(f, "</system-err>\n");
		}
		fprintf(f, "    </testcase>\n");
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return ferror(f) ? -1 : 0;
}

int engine_write_json(FILE *f, const struct engine_job *jobs, size_t n, const char *target)
{
	fprintf(f, "{\"target\": ");
	engine_json_str(f, target);
	fprintf(f, ", \"results\": [\n");
	for (size_t i = 0; i < n; i++) {
		const struct engine_job *j = &jobs[i];
		fprintf(f, "  {\"script\": ");
		engine_json_str(f, j->path);
		enum engine_status st = engine_job_status(j);
		bool ran = st != ENGINE_ST_INTERRUPTED && st != ENGINE_ST_NOT_RUN;
		fprintf(f, ", \"ip_version\": \"%s\", \"verdict\": ", ipname(j));
		engine_json_str(f, ran ? engine_verdict_name(j->res.verdict) : engine_status_name(st));
		fprintf(f, ", \"status\": ");
		engine_json_str(f, engine_status_word(st));
		fprintf(f, ", \"stale_expectation\": %s, \"expectation\": ",
			st == ENGINE_ST_STALE ? "true" : "false");
		if (j->expected)
			engine_json_str(f, j->expected);
		else
			fputs("null", f);
		if (ran)
			fprintf(f, ", \"exit_code\": %d", (int)j->res.verdict);
		else
			fprintf(f, ", \"exit_code\": null");
		fprintf(f, ", \"wall_seconds\": %.6f, \"scripted_seconds\": %.6f, \"message\": ",
			j->res.wall_ns / 1e9, j->res.scripted_ns / 1e9);
		engine_json_str(f, st == ENGINE_ST_NOT_RUN ? "not run: the run was interrupted before this "
			 "script started" : j->res.message);
		fprintf(f, ", \"warnings_count\": %d, \"warnings\": [", j->res.n_warnings);
		char one[sizeof j->res.warnings];
		for (const char *w = j->res.warnings; next_warning(&w, one, sizeof one);) {
			engine_json_str(f, one);
			if (*w)
				fputs(", ", f);
		}
		fprintf(f, "]}%s\n", i + 1 < n ? "," : "");
	}
	size_t c[ENGINE_ST_COUNT];
	engine_status_count(jobs, n, c);
	fprintf(f, "], \"summary\": {\"pass\": %zu, \"deviation\": %zu, \"fail\": %zu, "
		   "\"error\": %zu, \"skipped\": %zu, \"unavailable\": %zu, \"interrupted\": %zu, "
		   "\"not_run\": %zu, \"stale_expectations\": %zu}}\n",
		c[ENGINE_ST_PASS] + c[ENGINE_ST_STALE], c[ENGINE_ST_DEVIATION], c[ENGINE_ST_FAIL],
		c[ENGINE_ST_ERROR], c[ENGINE_ST_SKIP], c[ENGINE_ST_UNAVAILABLE],
		c[ENGINE_ST_INTERRUPTED], c[ENGINE_ST_NOT_RUN], c[ENGINE_ST_STALE]);
	return ferror(f) ? -1 : 0;
}
