/* tcpspec run: run scripts against a target, in parallel, with reports and captures. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/cli.h"
#include "engine/engine.h"
#include "engine/html.h"
#include "engine/shard.h"
#include "engine/strv.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tcpspec run [--target T] [-j N] [--ip-version V,...] [--pcap DIR]\n"
		"                   [--tap FILE] [--junit FILE] [--json FILE] [--timeout SECS]\n"
		"                   [--shard K/N] [--html DIR] [--expect FILE]... [--no-expect]\n"
		"                   [-q] [-v] [--profile P]\n"
		"                   [--relax NAME,...]\n"
		"                   [script options...] FILE|DIR...\n"
		"\n"
		"Runs each .pkt script (directories are searched recursively; names starting\n"
		"with '.' are skipped there, run when given by name) against the\n"
		"target, once per IP version, each isolated from tcpspec (linux, lwip, plugin:\n"
		"a process per run; reference: reusable worker processes), and prints one\n"
		"line per run and a closing 'N passed, N failed, N skipped'.\n"
		"\n"
		"  --target T        reference (default), linux, lwip, plugin:PATH.so\n"
		"  -j N, --jobs N    parallel runs (default: one per core)\n"
		"  --ip-version V,.. run every script once per version: ipv4, ipv6,\n"
		"                    ipv4-mapped-ipv6 (default: the script's own, else ipv4)\n"
		"  --pcap DIR        write DIR/SCRIPT.VERSION.pcap (Linux cooked: the stack's\n"
		"                    packets outgoing, the peer's incoming; ns timestamps)\n"
		"  --tap FILE        TAP results ('-' for stdout)\n"
		"  --junit FILE      JUnit XML results\n"
		"  --json FILE       JSON results\n"
		"  --timeout SECS    wall-clock limit per script, plain decimal seconds from\n"
		"                    0 (none) to 604800; default: twice the script's own\n"
		"                    time (its last event's), at least 120; a script over\n"
		"                    it is stopped and fails\n"
		"  --shard K/N       run only the K-th of N shares of the scripts (by a hash\n"
		"                    of each path below the FILE|DIR given), for CI matrices;\n"
		"                    1 <= K <= N <= 10000\n"
		"  --html DIR        write a static site: DIR/index.html lists the runs, and a\n"
		"                    page per run shows its ladder diagram and script\n"
		"  --expect FILE     the target's documented deviations (lines 'path.pkt\n"
		"                    reason' or 'path.pkt:LINE reason' to excuse a failure at\n"
		"                    that script line only; paths relative to FILE); may be\n"
		"                    repeated.\n"
		"                    Without it, TARGET.expect in each directory given or\n"
		"                    holding a script (and their parents) and\n"
		"                    DIR/../TARGET/NAME.expect are used; of two files\n"
		"                    listing a script, the nearest to it wins.  A\n"
		"                    listed script that fails (departs from the script; not\n"
		"                    a parse error or timeout) is a DEVIATION and does not\n"
		"                    fail the run; one that passes is reported as stale\n"
		"  --no-expect       no expectations: every failure fails the run\n"
		"  -q, --quiet       print only failures and the summary\n"
		"  -v, --verbose     also trace each event and each packet the stack sent\n"
		"\n"
		"Script options (they override the scripts' own option lines):\n"
		"  --tolerance_usecs=N (4000)  --tolerance_percent=P (12.5)\n"
		"  --non_fatal[=packet|syscall|packet,syscall] (alone: both; the mismatches\n"
		"    are warnings, kept in the TAP, JUnit and JSON files)\n"
		"  --tcp_ts_tick_usecs=N  --mtu=N  --mss=N  --local_ip=A  --remote_ip=A\n"
		"  --ip_version=ipv4|ipv6|ipv4-mapped-ipv6  --gateway_ip=A  --bind_port=N\n"
		"  --connect_port=N  --strict_segments  --netmask_ip=M\n"
		"  --tcp_md5_secret=KEY (1 to 80 bytes; md5 valid)\n"
		"  --define NAME[=VALUE] (or -D NAME[=VALUE]; either form defines NAME\n"
		"  for #ifdef, the value empty when none is given)\n"
		"  Each takes its value after '=' (--tolerance_usecs=5000).\n"
		"  --relax NAME[,NAME]   relaxations for scripts written for another stack:\n"
		"                    syn-options, win, psh, ts-val, sockbuf, rst-ack,\n"
		"                    option-layout, all\n"
		"                    (tcpspec-dialect(7))\n"
		"  --profile freebsd     run FreeBSD's tcp-testsuite as its own runner does,\n"
		"                    with every relaxation (tcpspec-run(1), PROFILES)\n"
		"  --no_content_check (lengths only: reads and payloads not compared byte by byte)\n"
		"  --allow_empty (a script with no event is not an error; one of shell\n"
		"    commands and code blocks only is run, not skipped as checking nothing)\n"
		"\n"
		"Output directories (--pcap, and those of --tap/--junit/--json) are created.\n"
		"Result files are written whole (FILE.tmp renamed into place) and must name\n"
		"different files, none a script (checked by real path; '-' and /dev/stdout\n"
		"are one).  On SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2 or SIGALRM the\n"
		"running scripts are stopped and marked interrupted, the summary is printed\n"
		"and every output file written with what finished.  SIGPIPE is ignored: a\n"
		"closed stdout is a write error.\n"
		"\n"
		"Exit: 0 all passed (documented deviations allowed), 1 a script failed, 2 usage\n"
		"or parse error, or a result file (or stdout) that cannot be written, 3 target\n"
		"not available here, 4 some script needs an unsupported feature (skipped);\n"
		"128+N stopped by signal N (129 SIGHUP, 130 SIGINT, 143 SIGTERM).\n");
}

static int write_report(const char *path, int kind, const struct engine_job *jobs, size_t n,
			const char *target)
{
	if (!path)
		return 0;
	struct engine_out o;
	if (engine_out_begin(&o, path, "tcpspec run") != 0)
		return -1;
	if (kind == 't')
		engine_write_tap(o.f, jobs, n);
	else if (kind == 'j')
		engine_write_junit(o.f, jobs, n, target);
	else
		engine_write_json(o.f, jobs, n, target);
	return engine_out_end(&o);
}

/* The target is not available here (exit 3): every script is recorded as unavailable
 * with the reason, so the result files are valid and say why nothing ran.  Returns
 * false when a file could not be written. */
static bool write_unavailable(const char *tap, const char *junit, const char *json,
			      const struct engine_strv *files, const int *versions, int nver,
			      const char *target, const char *why)
{
	size_t per = nver ? (size_t)nver : 1, n = files->n * per;
	struct engine_job *jobs = calloc(n ? n : 1, sizeof *jobs);
	if (!jobs)
		return false;
	for (size_t i = 0; i < n; i++) {
		jobs[i].path = files->v[i / per];
		jobs[i].ip_version = nver ? versions[i % per] : 0;
		jobs[i].state = ENGINE_JOB_DONE;
		jobs[i].res.verdict = ENGINE_UNAVAILABLE;
		snprintf(jobs[i].res.message, sizeof jobs[i].res.message, "%s", why);
	}
	bool ok = write_report(tap, 't', jobs, n, target) == 0;
	ok &= write_report(junit, 'j', jobs, n, target) == 0;
	ok &= write_report(json, 's', jobs, n, target) == 0;
	free(jobs);
	return ok;
}

int cmd_run(int argc, char **argv)
{
	const char *html = NULL;
	const char *target = "reference", *pcap = NULL, *tap = NULL, *junit = NULL, *json = NULL;
	long jobs_n = sysconf(_SC_NPROCESSORS_ONLN);
	int versions[8], nver = 0;
	bool quiet = false;
	int64_t timeout_ms = 0;
	struct engine_opts cmdline;
	memset(&cmdline, 0, sizeof cmdline);
	struct engine_strv files = {0}, expect_files = {0}, given = {0}, defs = {0};
	struct engine_expectations ex = {0};
	bool no_expect = false;
	struct engine_job *jobs = NULL;
	size_t n = 0;
	int rc = CLI_USAGE;
	unsigned shard_k = 0, shard_n = 0;
	const char *target_arg = NULL, *shard_arg = NULL;	/* as given, to refuse a repeat */
	struct { const char *root; size_t from; } roots[256];
	size_t nroots = 0;
	bool written = false;   /* the result files were written (else emptied at out) */

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
		} else if (!strcmp(a, "-v")) {
			cmdline.verbose++;
		} else if ((t = cli_take(argc, argv, &i, "--target", &val))) {
			if (t < 0)
				goto missing;
			if (cli_once(&target_arg, "--target", val, "tcpspec run") != 0)
				goto out;
			target = val;
		} else if ((t = cli_take(argc, argv, &i, "--jobs", &val)) ||
			   (t = cli_take(argc, argv, &i, "-j", &val)) ||
			   (!strncmp(a, "-j", 2) && a[2] && (val = a + 2, t = 1))) {
			if (t < 0)
				goto missing;
			char *end;
			jobs_n = strtol(val, &end, 10);
			if (end == val || *end || jobs_n < 1 || jobs_n > 256) {
				fprintf(stderr, "tcpspec run: bad job count '%s' (a whole number from 1 "
					"to 256)\n", val);
				goto out;
			}
		} else if ((t = cli_take(argc, argv, &i, "--ip-version", &val))) {
			if (t < 0)
				goto missing;
			if (cli_ip_versions("tcpspec run", val, versions, &nver, 8) != 0)
				goto out;
		} else if ((t = cli_take(argc, argv, &i, "--timeout", &val))) {
			if (t < 0)
				goto missing;
			long long ms;
			if (cli_timeout("tcpspec run", val, &ms) != 0)
				goto out;
			timeout_ms = ms;
		} else if ((t = cli_take(argc, argv, &i, "--shard", &val))) {
			if (t < 0)
				goto missing;
			if (cli_once(&shard_arg, "--shard", val, "tcpspec run") != 0)
				goto out;
			if (engine_shard_parse(val, &shard_k, &shard_n) != 0) {
				fprintf(stderr, "tcpspec run: bad --shard '%s' (K/N, 1 <= K <= N <= 10000)\n",
					val);
				goto out;
			}
		} else if ((t = cli_take(argc, argv, &i, "--html", &val))) {
			if (t < 0)
				goto missing;
			html = val;
		} else if ((t = cli_take(argc, argv, &i, "--expect", &val))) {
			if (t < 0)
				goto missing;
			if (engine_strv_add(&expect_files, val) != 0)
				goto oom;
		} else if (!strcmp(a, "--no-expect")) {
			no_expect = true;
		} else if ((t = cli_take(argc, argv, &i, "--pcap", &val))) {
			if (t < 0)
				goto missing;
			pcap = val;
		} else if ((t = cli_take(argc, argv, &i, "--tap", &val))) {
			if (t < 0)
				goto missing;
			if (engine_out_set(&tap, "--tap", val, "tcpspec run") != 0)
				goto keep_outs;
		} else if ((t = cli_take(argc, argv, &i, "--junit", &val))) {
			if (t < 0)
				goto missing;
			if (engine_out_set(&junit, "--junit", val, "tcpspec run") != 0)
				goto keep_outs;
		} else if ((t = cli_take(argc, argv, &i, "--json", &val))) {
			if (t < 0)
				goto missing;
			if (engine_out_set(&json, "--json", val, "tcpspec run") != 0)
				goto keep_outs;
		} else if ((t = cli_profile_relax(argc, argv, &i, &cmdline, "tcpspec run"))) {
			if (t < 0)
				goto out;
		} else if ((t = cli_define(argc, argv, &i, &cmdline, &defs, "tcpspec run"))) {
			if (t < 0)
				goto out;
		} else if (!strncmp(a, "--", 2) && a[2]) {
			char name[64], msg[256];
			const char *eq = strchr(a + 2, '=');
			size_t k = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			if (k >= sizeof name) {
				fprintf(stderr, "tcpspec run: unknown option %s\n", a);
				goto out;
			}
			memcpy(name, a + 2, k);
			name[k] = 0;
			if (engine_opt_set(&cmdline, name, eq ? eq + 1 : NULL, msg, sizeof msg)) {
				fprintf(stderr, "tcpspec run: %s\n", msg);
				goto out;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "tcpspec run: unknown option %s\n", a);
			usage(stderr);
			goto out;
		} else {
			if (nroots < sizeof roots / sizeof roots[0]) {
				roots[nroots].root = a;
				roots[nroots++].from = files.n;
			}
			if (engine_strv_add(&given, a) != 0)
				goto oom;
			if (engine_collect_scripts(&files, a, "tcpspec run") != 0)
				goto out;
		}
		continue;
missing:
		fprintf(stderr, "tcpspec run: %s needs a value\n", a);
		goto out;
	}
	bool any_given = files.n > 0;
	/* before sharding: a name is misspelt or not whatever share runs */
	engine_warn_unused_defines(defs.v, defs.n, files.v, files.n, "tcpspec run");
	/* each argument's scripts by their paths below it; last argument first, so the
	 * ranges of the ones before stay where they are */
	for (size_t r = nroots, end = files.n; shard_n && r-- > 0; end = roots[r].from)
		engine_shard_filter(&files, roots[r].from, end, roots[r].root, shard_k, shard_n);
	if (!any_given) {
		fprintf(stderr, "tcpspec run: no script given\n");
		usage(stderr);
		goto out;
	}
	if (no_expect && expect_files.n) {
		fprintf(stderr, "tcpspec run: --expect and --no-expect together\n");
		goto out;
	}
	if (engine_outs_check((const char *[]){ "--tap", "--junit", "--json" },
			      (const char *[]){ tap, junit, json }, 3, files.v, files.n,
			      "tcpspec run") != 0)
		goto keep_outs;
	/* a result file on stdout keeps stdout to itself: the lines for people go to
	 * stderr then */
	FILE *human = (tap && !strcmp(tap, "-")) || (junit && !strcmp(junit, "-")) ||
		      (json && !strcmp(json, "-")) ? stderr : stdout;

	const struct target_ops *ops;
	char tmsg[512];
	enum engine_verdict tv = engine_target_find(target, &ops, tmsg, sizeof tmsg);
	if (tv != ENGINE_PASS) {
		fprintf(stderr, "tcpspec run: %s\n", tmsg);
		rc = tv == ENGINE_ERROR ? CLI_USAGE : CLI_UNAVAILABLE;
		if (rc == CLI_UNAVAILABLE)
			written = write_unavailable(tap, junit, json, &files, versions, nver,
						    target, tmsg);
		goto out;
	}
	if (pcap && engine_mkdirs(pcap, "tcpspec run") != 0)
		goto out;
	/* the result files are emptied now: a run killed outright (SIGKILL) must not
	 * leave an earlier run's results behind for a CI to read, and a file that cannot
	 * be written is found before the scripts run */
	engine_signals_catch();
	if (engine_outs_prepare((const char *[]){ tap, junit, json }, 3, "tcpspec run") != 0)
		goto out;
	for (size_t k = 0; k < expect_files.n; k++)
		if (engine_expect_load(&ex, expect_files.v[k], true, "tcpspec run") != 0)
			goto out;
	if (!no_expect && !expect_files.n &&
	    (engine_expect_discover(&ex, ops->name, given.v, given.n, "tcpspec run") != 0 ||
	     engine_expect_discover(&ex, ops->name, files.v, files.n, "tcpspec run") != 0))
		goto out;

	struct target_diag d = {0};
	int probe = engine_target_probe(ops, &d);
	if (probe != TARGET_OK) {
		fprintf(stderr, "tcpspec run: %s\n", d.msg);
		/* a plugin file missing or not loadable: a usage error */
		rc = probe == TARGET_BADARG ? CLI_USAGE : CLI_UNAVAILABLE;
		if (rc == CLI_UNAVAILABLE)
			written = write_unavailable(tap, junit, json, &files, versions, nver,
						    ops->name, d.msg);
		goto out;
	}

	size_t per = nver ? (size_t)nver : 1;
	n = files.n * per;
	jobs = calloc(n ? n : 1, sizeof *jobs);
	if (!jobs)
		goto oom;
	for (size_t i = 0; i < files.n; i++) {
		const struct engine_expectation *e = engine_expect_find(&ex, files.v[i]);
		for (size_t k = 0; k < per; k++) {
			jobs[i * per + k].path = files.v[i];
			jobs[i * per + k].ip_version = nver ? versions[k] : 0;
			jobs[i * per + k].expected = e ? e->reason : NULL;
			jobs[i * per + k].expect = e;
		}
	}
	if ((pcap || html) && engine_pcap_names(jobs, n) != 0)
		fprintf(stderr, "tcpspec run: out of memory naming captures; scripts with the "
			"same name will share a capture file\n");

	struct engine_jobs_cfg jc = {
		.target = ops,
		.cmdline = &cmdline,
		.pcap_dir = pcap,
		.html_dir = html,
		.jobs = (int)jobs_n,
		.timeout_ms = timeout_ms,
		.out = quiet ? NULL : human,
	};
	if (html && engine_html_prepare(html, jobs, n) != 0) {
		fprintf(stderr, "tcpspec run: --html %s: %s\n", html, strerror(errno));
		goto out;
	}
	if (shard_n && !n)   /* more shares than scripts: this one is empty, on purpose */
		fprintf(human, "shard %u/%u: no script\n", shard_k, shard_n);
	int stop_sig = engine_jobs_run(&jc, jobs, n);
	bool stopped = stop_sig != 0;

	size_t c[ENGINE_ST_COUNT];
	engine_status_count(jobs, n, c);
	if (quiet)
		for (size_t i = 0; i < n; i++) {
			enum engine_status st = engine_job_status(&jobs[i]);
			if (st != ENGINE_ST_PASS && st != ENGINE_ST_NOT_RUN)
				engine_print_job(human, &jobs[i]);
		}
	/* stale expectations: the script passes now, so its line should go */
	engine_expect_warn_stale(&ex, jobs, n, ops->name, "tcpspec run");
	if (!stopped)
		engine_expect_warn_missing(&ex, ops->name, "tcpspec run");

	fprintf(human, "%zu passed, %zu failed, %zu skipped",
		c[ENGINE_ST_PASS] + c[ENGINE_ST_STALE], c[ENGINE_ST_FAIL] + c[ENGINE_ST_ERROR],
		c[ENGINE_ST_SKIP] + c[ENGINE_ST_UNAVAILABLE]);
	if (c[ENGINE_ST_DEVIATION])
		fprintf(human, ", %zu documented deviation%s", c[ENGINE_ST_DEVIATION],
			c[ENGINE_ST_DEVIATION] == 1 ? "" : "s");
	if (c[ENGINE_ST_STALE])
		fprintf(human, ", %zu stale expectation%s", c[ENGINE_ST_STALE],
			c[ENGINE_ST_STALE] == 1 ? "" : "s");
	if (stopped)
		fprintf(human, ", %zu interrupted, %zu not run", c[ENGINE_ST_INTERRUPTED],
			c[ENGINE_ST_NOT_RUN]);
	fprintf(human, "\n");
	fflush(human);
	written = true;
	bool werr = write_report(tap, 't', jobs, n, ops->name) != 0;
	werr |= write_report(junit, 'j', jobs, n, ops->name) != 0;
	werr |= write_report(json, 's', jobs, n, ops->name) != 0;
	/* the lines for people on stdout: a closed pipe (| head) or a full disk is a
	 * write error too, found after the files are written */
	if (human == stdout && engine_stream_check(stdout, "stdout", "tcpspec run") != 0)
		werr = true;
	if (html && engine_html_run_site(html, jobs, n, ops->name, pcap, NULL) != 0) {
		fprintf(stderr, "tcpspec run: cannot write the site in %s: %s\n", html,
			strerror(errno));
		werr = true;
	}
	if (!stopped && engine_signal_caught()) {
		/* it came while the files were written: they are whole, the exit status
		 * still says the job was stopped */
		stopped = true;
		stop_sig = engine_signal_caught();
	}
	if (stopped) {
		fprintf(stderr, "tcpspec run: interrupted; every script process was stopped\n");
		rc = 128 + (stop_sig > 0 ? stop_sig : SIGTERM);
	} else if (werr) {
		rc = CLI_USAGE;
	} else {
		rc = c[ENGINE_ST_ERROR] ? CLI_USAGE : c[ENGINE_ST_FAIL] ? CLI_FAIL
		     : c[ENGINE_ST_UNAVAILABLE] ? CLI_UNAVAILABLE
		     : c[ENGINE_ST_SKIP] ? CLI_UNSUPPORTED : CLI_OK;
	}
	goto out;
keep_outs:
	/* the output files clash (with each other or a script): emptying them would
	 * destroy what they name */
	written = true;
	goto out;
oom:
	fprintf(stderr, "tcpspec run: out of memory\n");
	rc = CLI_USAGE;
out:
	/* a run that ends before its results (usage error, no target here): an earlier
	 * run's result files must not stay behind for a CI to read */
	if (!written && rc != CLI_OK)
		engine_empty_outs((const char *[]){ tap, junit, json }, 3);
	engine_strv_free(&files);
	engine_strv_free(&expect_files);
	engine_strv_free(&given);
	engine_strv_free(&defs);
	engine_expect_free(&ex);
	if (jobs)
		engine_pcap_names_free(jobs, n);
	free(jobs);
	return rc;
}
