/* The HTML site of tcpspec run --html and tcpspec report --html: static files that open
 * from the file system, with no script, font or style from elsewhere.  Pages are
 * XHTML-compatible HTML5 (every element closed, everything escaped), so xmllint reads
 * them as XML as well as HTML.  Not public.
 *
 *   DIR/index.html                 the runs, failures first, filterable by verdict
 *                                  (tcpspec report: the requirement x target matrix)
 *   DIR/runs/STEM.VERSION.html     one run: verdict, message, ladder diagram, script
 *                                  (tcpspec report: DIR/TARGET/runs/...)
 * STEM is the capture stem of engine_pcap_names(), so a page and its capture share
 * their name. */
#ifndef TCPSPEC_ENGINE_HTML_H
#define TCPSPEC_ENGINE_HTML_H

#include <stdio.h>

#include "engine/engine.h"
#include "engine/ladder.h"

/* "STEM.VERSION.html" of a run: the stem (or the script's base name without .pkt). */
void engine_html_run_file(char *buf, size_t cap, const char *stem, const char *path,
			  int ip_version);
/* The capture's address relative to the page's directory (DIR/runs), or "" when none. */
void engine_html_pcap_href(char *buf, size_t cap, const char *html_dir, const char *pcap_dir,
			   const char *stem, const char *path, int ip_version);

/* <!DOCTYPE html> ... <body>; title escaped; a link "<- up_text" to up when set. */
void engine_html_head(FILE *f, const char *title, const char *up, const char *up_text);
void engine_html_foot(FILE *f);

/* One run's page: heading, verdict, message, pcap link, the ladder (may be NULL), the
 * script with its failing line marked.  Returns 0, or -1 when the file cannot be
 * written. */
int engine_html_run_page(const char *html_dir, const char *file, const char *path,
			 const char *target, int ip_version, const struct engine_result *res,
			 const char *pcap_href, const struct ladder *l);

/* The line a verdict message names ("path:LINE: ..."), 0 when none. */
int engine_html_message_line(const char *path, const char *message);

/* tcpspec run --html: DIR/index.html for the jobs, and a page (without a diagram) for
 * every run whose own process wrote none (it crashed or ran over its time).  up: a
 * page the index links back to (the report's index), or NULL. */
int engine_html_run_site(const char *dir, const struct engine_job *jobs, size_t n,
			 const char *target, const char *pcap_dir, const char *up);

/* Create DIR and DIR/runs (and missing parents): 0 or -1 with errno. */
int engine_html_mkdirs(const char *dir);
int engine_html_mkdir_p(const char *dir);      /* DIR and missing parents */
/* Before the runs: the directories, and no page left of an earlier run of the same
 * scripts (a run that writes none must not show an old one).  0, or -1 with errno. */
int engine_html_prepare(const char *dir, const struct engine_job *jobs, size_t n);

#endif
