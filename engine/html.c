/* The HTML site: run pages and the index of tcpspec run --html (see html.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/html.h"

/* ---- names --------------------------------------------------------------------------- */

static void stem_of(char *buf, size_t cap, const char *stem, const char *path)
{
	if (!stem) {
		const char *s = strrchr(path, '/');
		stem = s ? s + 1 : path;
	}
	snprintf(buf, cap, "%s", stem);
	size_t n = strlen(buf);
	if (n > 4 && !strcmp(buf + n - 4, ".pkt"))
		buf[n - 4] = 0;
}

void engine_html_run_file(char *buf, size_t cap, const char *stem, const char *path,
			  int ip_version)
{
	char s[512];
	stem_of(s, sizeof s, stem, path);
	snprintf(buf, cap, "%s.%s.html", s, target_ip_version_name(ip_version));
}

/* An absolute, clean path for p (which may not exist yet: its existing parent is
 * resolved and the rest appended). */
static void abs_path(char *out, size_t cap, const char *p)
{
	char r[PATH_MAX];
	if (realpath(p, r)) {
		snprintf(out, cap, "%s", r);
		return;
	}
	char cwd[PATH_MAX];
	if (p[0] != '/' && getcwd(cwd, sizeof cwd)) {
		if (snprintf(out, cap, "%s/%s", cwd, p) >= (int)cap)
			out[0] = 0;
	} else
		snprintf(out, cap, "%s", p);
}

/* The address of file `to` from directory `from` ("../../pcap/x.pcap"), escaped for a
 * URL path: bytes outside [A-Za-z0-9._~/-] as %XX. */
static void rel_href(char *buf, size_t cap, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX], rel[PATH_MAX * 2];
	abs_path(a, sizeof a, from);
	abs_path(b, sizeof b, to);
	size_t i = 0, last = 0;
	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			last = i;
		i++;
	}
	if (!a[i] && b[i] == '/')
		last = i;
	size_t n = 0;
	rel[0] = 0;
	for (const char *p = a + last; *p; p++)
		if (*p == '/' && n + 4 < sizeof rel)
			n += (size_t)snprintf(rel + n, sizeof rel - n, "../");
	snprintf(rel + n, sizeof rel - n, "%s", b + last + (b[last] == '/'));
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)rel; *p && k + 4 < cap; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._~/-", *p))
			buf[k++] = (char)*p;
		else
			k += (size_t)snprintf(buf + k, cap - k, "%%%02X", *p);
	}
	buf[k] = 0;
}

void engine_html_pcap_href(char *buf, size_t cap, const char *html_dir, const char *pcap_dir,
			   const char *stem, const char *path, int ip_version)
{
	buf[0] = 0;
	if (!pcap_dir || !html_dir)
		return;
	char s[512], runs[PATH_MAX], file[PATH_MAX];
	stem_of(s, sizeof s, stem, path);
	snprintf(runs, sizeof runs, "%s/runs", html_dir);
	snprintf(file, sizeof file, "%s/%s.%s.pcap", pcap_dir, s,
		 target_ip_version_name(ip_version));
	rel_href(buf, cap, runs, file);
}

int engine_html_mkdirs(const char *dir)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/runs", dir);
	return engine_html_mkdir_p(p);
}

int engine_html_mkdir_p(const char *dir)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* ---- page frame ---------------------------------------------------------------------- */

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em;"
	"color:#222;max-width:1300px}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}"
	"code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:13px}"
	"table{border-collapse:collapse}"
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
	"th{background:#f3f3f3}"
	".pass,.v-ok{background:#d9f2d9}.fail,.v-FAIL,.v-ERROR{background:#f8d0cc}"
	".deviation{background:#fde9c4}.skipped,.v-SKIP,.v-UNAVAILABLE{background:#e8e8e8}"
	".na{background:#fff;color:#888}"
	".badge{display:inline-block;padding:1px 8px;border-radius:3px;font-weight:bold}"
	"pre.msg{background:#fafafa;border:1px solid #ddd;padding:6px;white-space:pre-wrap}"
	"ol.src{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:13px;"
	"background:#fafafa;border:1px solid #ddd;padding-left:4em}"
	"ol.src li{white-space:pre-wrap}ol.src li.bad{background:#f8d0cc;font-weight:bold}"
	".ladderbox{overflow-x:auto;border:1px solid #ddd}"
	".filter label{margin-right:1em}"
	".legend span{margin-right:1em;padding:1px 6px}"
	".muted{color:#777}";

void engine_html_head(FILE *f, const char *title, const char *up, const char *up_text)
{
	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
	      "<head><meta charset=\"utf-8\"/><title>", f);
	html_esc(f, title);
	fprintf(f, "</title><style>%s</style></head>\n<body>\n", css);
	if (up) {
		fputs("<p><a href=\"", f);
		html_esc(f, up);
		fputs("\">&#8592; ", f);
		html_esc(f, up_text);
		fputs("</a></p>\n", f);
	}
}

void engine_html_foot(FILE *f)
{
	fputs("<p class=\"muted\">Written by tcpspec.</p>\n</body>\n</html>\n", f);
}

int engine_html_message_line(const char *path, const char *message)
{
	size_t n = strlen(path);
	if (strncmp(message, path, n) || message[n] != ':')
		return 0;
	return atoi(message + n + 1);
}

/* The script with line numbers (li ids L1, L2 ...), the failing line marked. */
static void listing(FILE *f, const char *path, int bad_line)
{
	FILE *in = fopen(path, "r");
	if (!in) {
		fputs("<p class=\"muted\">(the script cannot be read)</p>\n", f);
		return;
	}
	fputs("<ol class=\"src\">\n", f);
	char *line = NULL;
	size_t cap = 0;
	ssize_t k;
	int no = 0;
	while ((k = getline(&line, &cap, in)) >= 0 && no < 100000) {
		no++;
		while (k && (line[k - 1] == '\n' || line[k - 1] == '\r'))
			line[--k] = 0;
		fprintf(f, "<li id=\"L%d\"%s>", no, no == bad_line ? " class=\"bad\"" : "");
		html_esc(f, line);
		fputs(k ? "</li>\n" : " </li>\n", f);
	}
	if (!no)
		fputs("<li>(empty)</li>\n", f);
	fputs("</ol>\n", f);
	free(line);
	fclose(in);
}

int engine_html_run_page(const char *html_dir, const char *file, const char *path,
			 const char *target, int ip_version, const struct engine_result *res,
			 const char *pcap_href, const struct ladder *l)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/runs/%s", html_dir, file);
	FILE *f = fopen(p, "w");
	if (!f)
		return -1;
	char title[1024];
	snprintf(title, sizeof title, "%s on %s [%s]", path, target,
		 target_ip_version_name(ip_version));
	engine_html_head(f, title, "../index.html", "all runs");
	fputs("<h1>", f);
	html_esc(f, path);
	fputs("</h1>\n<p>", f);
	const char *v = engine_verdict_name(res->verdict);
	fprintf(f, "<span class=\"badge v-%s\" id=\"verdict\">%s</span> on <b>", v, v);
	html_esc(f, target);
	fprintf(f, "</b>, %s, %.6f s of script time", target_ip_version_name(ip_version),
		res->scripted_ns / 1e9);
	if (pcap_href && *pcap_href) {
		fputs(" &#183; <a href=\"", f);
		html_esc(f, pcap_href);
		fputs("\">capture (pcap)</a>", f);
	}
	fputs("</p>\n", f);
	if (res->message[0]) {
		fputs("<pre class=\"msg\">", f);
		html_esc(f, res->message);
		fputs("</pre>\n", f);
	}
	int bad = res->verdict == ENGINE_PASS ? 0 : engine_html_message_line(path, res->message);
	if (l) {
		fputs("<h2>Ladder diagram</h2>\n<p class=\"muted\">The stack under test on the "
		      "left, the script's peer on the right, time flowing down (simultaneous "
		      "events one row apart, longer gaps on a logarithmic scale).  Each arrow "
		      "is one packet of the capture, in script syntax; a dashed red arrow is the "
		      "script's packet where the stack's differed, the differing fields "
		      "underlined.  Socket calls and TCP states on the stack's side.  Click an "
		      "event for its script line.</p>\n<div class=\"ladderbox\">\n", f);
		ladder_svg(f, l, "#L%d");
		fputs("</div>\n", f);
	} else {
		fputs("<p class=\"muted\">No events were recorded for this run (the script did "
		      "not start, or its process ended without a verdict).</p>\n", f);
	}
	fputs("<h2>Script</h2>\n", f);
	listing(f, path, bad);
	engine_html_foot(f);
	return fclose(f) == 0 ? 0 : -1;
}

/* ---- tcpspec run --html -------------------------------------------------------------- */

static int job_version(const struct engine_job *j)
{
	return j->res.ip_version ? j->res.ip_version : j->ip_version ? j->ip_version
								      : TARGET_IPV4_ONLY;
}

/* failures first, then skips and documented deviations, then passes; in run order
 * within each (the status once the target's expectations are applied, as in the
 * run's lines, TAP, JUnit and JSON) */
static int rank(enum engine_status st)
{
	return st == ENGINE_ST_FAIL || st == ENGINE_ST_ERROR || st == ENGINE_ST_INTERRUPTED ||
	       st == ENGINE_ST_NOT_RUN ? 0 : st == ENGINE_ST_PASS || st == ENGINE_ST_STALE ? 2 : 1;
}

int engine_html_prepare(const char *dir, const struct engine_job *jobs, size_t n)
{
	if (engine_html_mkdirs(dir) != 0)
		return -1;
	/* the previous site's index goes now: a run killed outright (SIGKILL) must not
	 * leave an index of an earlier run beside this run's pages */
	char idx[PATH_MAX];
	snprintf(idx, sizeof idx, "%s/index.html", dir);
	if (unlink(idx) != 0 && errno != ENOENT)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char file[1024], p[PATH_MAX];
		engine_html_run_file(file, sizeof file, jobs[i].pcap_name, jobs[i].path,
				     job_version(&jobs[i]));
		snprintf(p, sizeof p, "%s/runs/%s", dir, file);
		unlink(p);
	}
	return 0;
}

int engine_html_run_site(const char *dir, const struct engine_job *jobs, size_t n,
			 const char *target, const char *pcap_dir, const char *up)
{
	if (engine_html_mkdirs(dir) != 0)
		return -1;
	size_t c[ENGINE_ST_COUNT];
	engine_status_count(jobs, n, c);
	for (size_t i = 0; i < n; i++) {
		const struct engine_job *j = &jobs[i];
		char file[1024], p[PATH_MAX];
		engine_html_run_file(file, sizeof file, j->pcap_name, j->path, job_version(j));
		snprintf(p, sizeof p, "%s/runs/%s", dir, file);
		if (access(p, F_OK) != 0) {
			/* its process wrote no page: it crashed or ran over its time */
			char href[4096];
			engine_html_pcap_href(href, sizeof href, dir, pcap_dir, j->pcap_name, j->path,
					      job_version(j));
			if (engine_html_run_page(dir, file, j->path, target, job_version(j), &j->res,
						 href, NULL) != 0)
				return -1;
		}
	}
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/index.html", dir);
	FILE *f = fopen(p, "w");
	if (!f)
		return -1;
	char title[256];
	snprintf(title, sizeof title, "tcpspec run on %s", target);
	engine_html_head(f, title, up, "the report");
	fputs("<h1>", f);
	html_esc(f, title);
	fprintf(f, "</h1>\n<p id=\"summary\"><b>%zu runs</b>: %zu passed, %zu failed, %zu "
		   "skipped", n, c[ENGINE_ST_PASS] + c[ENGINE_ST_STALE],
		c[ENGINE_ST_FAIL] + c[ENGINE_ST_ERROR] + c[ENGINE_ST_INTERRUPTED] +
		c[ENGINE_ST_NOT_RUN], c[ENGINE_ST_SKIP] + c[ENGINE_ST_UNAVAILABLE]);
	if (c[ENGINE_ST_DEVIATION])
		fprintf(f, ", %zu documented deviation%s", c[ENGINE_ST_DEVIATION],
			c[ENGINE_ST_DEVIATION] == 1 ? "" : "s");
	fputs(".</p>\n", f);
	/* CSS-only filter: radio buttons before the table hide rows by class */
	fputs("<style>"
	      "#f-fail:checked~table tr.r-pass,#f-fail:checked~table tr.r-skip,"
	      "#f-skip:checked~table tr.r-pass,#f-skip:checked~table tr.r-fail,"
	      "#f-pass:checked~table tr.r-fail,#f-pass:checked~table tr.r-skip{display:none}"
	      "</style>\n<div class=\"filter\">\n"
	      "<input type=\"radio\" name=\"f\" id=\"f-all\" checked=\"checked\"/>"
	      "<label for=\"f-all\">all</label>\n"
	      "<input type=\"radio\" name=\"f\" id=\"f-fail\"/><label for=\"f-fail\">failed</label>\n"
	      "<input type=\"radio\" name=\"f\" id=\"f-skip\"/><label for=\"f-skip\">skipped"
	      "</label>\n"
	      "<input type=\"radio\" name=\"f\" id=\"f-pass\"/><label for=\"f-pass\">passed"
	      "</label>\n"
	      "<table id=\"runs\">\n<tr><th>verdict</th><th>script</th><th>IP</th><th>s</th>"
	      "<th>message</th></tr>\n", f);
	for (int r = 0; r < 3; r++)
		for (size_t i = 0; i < n; i++) {
			const struct engine_job *j = &jobs[i];
			enum engine_status st = engine_job_status(j);
			if (rank(st) != r)
				continue;
			static const char *const cls[] = { "fail", "skip", "pass" };
			const char *v = engine_status_name(st);
			char file[1024], first[512];
			engine_html_run_file(file, sizeof file, j->pcap_name, j->path,
					     job_version(j));
			/* the message without the path the row already shows: "line 12: ..." */
			/* a deviation: its documented reason */
			const char *m = st == ENGINE_ST_DEVIATION ? j->expected : j->res.message;
			size_t pl = strlen(j->path);
			if (!strncmp(m, j->path, pl) && m[pl] == ':' && m[pl + 1] >= '0' &&
			    m[pl + 1] <= '9')
				snprintf(first, sizeof first, "line %s", m + pl + 1);
			else if (!strncmp(m, j->path, pl) && m[pl] == ':')
				snprintf(first, sizeof first, "%s", m + pl + 1 + (m[pl + 1] == ' '));
			else
				snprintf(first, sizeof first, "%s", m);
			first[strcspn(first, "\n")] = 0;
			fprintf(f, "<tr class=\"r-%s\"><td class=\"v-%s\">%s</td><td><a href=\"runs/",
				cls[r], v, v);
			html_url(f, file);
			fputs("\">", f);
			html_esc(f, j->path);
			fprintf(f, "</a></td><td>%s</td><td>%.3f</td><td class=\"mono\">",
				target_ip_version_name(job_version(j)), j->res.wall_ns / 1e9);
			html_esc(f, first);
			fputs("</td></tr>\n", f);
		}
	fputs("</table>\n</div>\n", f);
	engine_html_foot(f);
	return fclose(f) == 0 ? 0 : -1;
}
