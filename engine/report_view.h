/* What tcpspec report found, in a form its writers share: the parts of the Markdown
 * report meant for readers who are not TCP engineers (headline, legend, roll-up per
 * RFC and level, deviations grouped by cause, the difference against a baseline) and
 * the HTML site.  cmd_report.c fills it; statuses are its cell names ("pass",
 * "deviation", "fail", "skipped", "not applicable").  Not public. */
#ifndef TCPSPEC_ENGINE_REPORT_VIEW_H
#define TCPSPEC_ENGINE_REPORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine/engine.h"

#define REPORT_VIEW_MAX_TARGETS 8

struct report_view_cell {
	const char *status;
	const char *reason;             /* deviation reason, failure or skip message */
	const struct engine_job *job;   /* NULL when the target did not run */
	bool stack_lacks;               /* skipped: the stack lacks what the script needs */
};

struct report_view_script {
	const char *path;
	const char *checks;             /* may be NULL */
	char *const *req;
	size_t nreq;
	enum engine_level level;        /* its "// level:" line */
	struct report_view_cell cell[REPORT_VIEW_MAX_TARGETS];
};

struct report_view_target {
	const char *name;
	bool available;
	const char *why;                /* when not available */
	const char *dir;                /* its run pages: DIR/dir/runs/ (NULL: none) */
	size_t nexpect;                 /* expectations files in use for it */
};

/* A previous report's JSON (--baseline): status per (script, target). */
struct report_baseline {
	size_t n, cap;
	struct { char *path, *target, *status; } *e;
};

struct report_view {
	const struct report_view_target *t;
	size_t nt;
	const struct report_view_script *s;
	size_t ns;
	const struct report_baseline *base;     /* NULL: no comparison */
	const char *base_path;
};

/* What the stack lacks, from a skip's message ("picoTCP has no send flags 0x1"):
 * the file:line and "unsupported: " left out, the shell line after it too. */
void report_lack_text(char *buf, size_t cap, const char *msg);

/* Read a report written by tcpspec report --json.  0, or -1 with a message on stderr
 * (file:line for what does not parse). */
int report_baseline_load(struct report_baseline *b, const char *path);
void report_baseline_free(struct report_baseline *b);

/* Markdown: the headline, legend and roll-up (put after the title), and the
 * deviations by cause and the baseline difference (put at the end). */
void report_md_overview(FILE *f, const struct report_view *v);
void report_md_causes(FILE *f, const struct report_view *v);

/* The HTML site: DIR/index.html (the same overview, the requirement x target matrix,
 * every script with links to its run pages under DIR/TARGET/runs/).  0 or -1. */
int report_html_site(const char *dir, const struct report_view *v);

#endif
