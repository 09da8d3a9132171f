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
		"                   [--shard K/N] [--html DIR] [-q] [-v] [--profile P]\n"
		"                   [--relax NAME,...]\n"
		"                   [script options...] FILE|DIR...\n"
		"\n"
		"Runs each .pkt script (directories are searched recursively) against the\n"
		"target, once per IP version, each isolated from tcpspec (linux, lwip, plugin:\n"
		"a process per run; reference: reusable worker processes), and prints one\n"
		"line per run and a closing 'N passed, N failed, N skipped'.\n"
		"\n"
		"  --target T        reference (default), linux, lwip, plugin:PATH.so\n"
		"  -j N, --jobs N    parallel runs (default: one per core)\n"
		"  --ip-version V,.. run every script once per version: ipv4, ipv6,\n"
		"                    ipv4-mapped-ipv6 (default: the script's own, else ipv4)\n"
		"  --pcap DIR        write DIR/SCRIPT.VERSION.pcap (raw IP, ns timestamps)\n"
		"  --tap FILE        TAP results ('-' for stdout)\n"
		"  --junit FILE      JUnit XML results\n"
		"  --json FILE       JSON results\n"
		"  --timeout SECS    wall-clock limit per script (default 120, 0: none); a\n"
		"                    script over it is stopped and fails\n"
		"  --shard K/N       run only the K-th of N shares of the scripts (by a hash\n"
		"                    of each path below the FILE|DIR given), for CI matrices\n"
		"  --html DIR        write a static site: DIR/index.html lists the runs, and a\n"
		"                    page per run shows its ladder diagram and script\n"
		"  -q, --quiet       print only failures and the summary\n"
		"  -v, --verbose     also trace each event and each packet the stack sent\n"
		"\n"
		"Script options (they override the scripts' own option lines):\n"
		"  --tolerance_usecs=N (4000)  --tolerance_percent=P (12.5)  --non_fatal=packet,syscall\n"
		"  --tcp_ts_tick_usecs=N  --ip_version=V  --mtu=N  --mss=N  --local_ip=A\n"
		"  --remote_ip=A  --gateway_ip=A  --bind_port=N  --connect_port=N\n"
		"  --strict_segments  --netmask_ip=M  --tcp_md5_secret=KEY (md5 valid)\n"
		"  --define NAME[=VALUE] (or -D NAME[=VALUE];\n"
		"  a NAME alone is defined for #ifdef)\n"
		"  --relax NAME[,NAME]   relaxations for scripts written for another stack:\n"
		"                    syn-options, win, psh, ts-val, sockbuf, all\n"
		"                    (tcpspec-dialect(7))\n"
		"  --profile freebsd     run FreeBSD's tcp-testsuite as its own runner does,\n"
		"                    with every relaxation (tcpspec-run(1), PROFILES)\n"
		"  --no_content_check (lengths only: reads and payloads not compared byte by byte)\n"
		"\n"
		"Exit: 0 all passed, 1 a script failed, 2 usage or parse error, 3 target not\n"
		"available here, 4 some script needs an unsupported feature (skipped).\n");
}

static FILE *open_out(const char *path)
{
	if (!strcmp(path, "-"))
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "tcpspec run: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

static int write_report(const char *path, int kind, const struct engine_job *jobs, size_t n,
			const char *target)
{
	if (!path)
		return 0;
	FILE *f = open_out(path);
	if (!f)
		return -1;
	int rc = kind == 't' ? engine_write_tap(f, jobs, n)
		 : kind == 'j' ? engine_write_junit(f, jobs, n, target)
			       : engine_write_json(f, jobs, n, target);
	if (f != stdout && fclose(f) != 0)
		rc = -1;
	return rc;
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
	struct engine_strv files = {0};
	int rc = CLI_OK;
	unsigned shard_k = 0, shard_n = 0;
	struct { const char *root; size_t from; } roots[256];
	size_t nroots = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		int t;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return CLI_OK;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = true;
		} else if (!strcmp(a, "-v")) {
			cmdline.verbose++;
		} else if ((t = cli_take(argc, argv, &i, "--target", &val))) {
			if (t < 0)
				goto missing;
			target = val;
		} else if ((t = cli_take(argc, argv, &i, "--jobs", &val)) ||
			   (t = cli_take(argc, argv, &i, "-j", &val)) ||
			   (!strncmp(a, "-j", 2) && a[2] && (val = a + 2, t = 1))) {
			if (t < 0)
				goto missing;
			char *end;
			jobs_n = strtol(val, &end, 10);
			if (*end || jobs_n < 1 || jobs_n > 256) {
				fprintf(stderr, "tcpspec run: bad job count '%s'\n", val);
				{ engine_strv_free(&files); return CLI_USAGE; }
			}
		} else if ((t = cli_take(argc, argv, &i, "--ip-version", &val))) {
			if (t < 0)
				goto missing;
			char buf[256];
			snprintf(buf, sizeof buf, "%s", val);
			for (char *s = strtok(buf, ","); s; s = strtok(NULL, ",")) {
				int v = target_ip_version_parse(s);
				if (v < 0 || nver >= 8) {
					fprintf(stderr, "tcpspec run: unknown IP version '%s' "
							"(ipv4, ipv6, ipv4-mapped-ipv6)\n", s);
					{ engine_strv_free(&files); return CLI_USAGE; }
				}
				versions[nver++] = v;
			}
		} else if ((t = cli_take(argc, argv, &i, "--timeout", &val))) {
			if (t < 0)
				goto missing;
			char *end;
			double secs = strtod(val, &end);
			if (end == val || *end || secs < 0 || secs > 86400 * 7) {
				fprintf(stderr, "tcpspec run: bad --timeout '%s' (seconds, 0 for "
						"no limit)\n", val);
				{ engine_strv_free(&files); return CLI_USAGE; }
			}
			timeout_ms = secs == 0 ? -1 : (int64_t)(secs * 1000 + 0.5);
			if (timeout_ms == 0)
				timeout_ms = 1;
		} else if ((t = cli_take(argc, argv, &i, "--shard", &val))) {
			if (t < 0)
				goto missing;
			if (engine_shard_parse(val, &shard_k, &shard_n) != 0) {
				fprintf(stderr, "tcpspec run: bad --shard '%s' (K/N, 1 <= K <= N)\n",
					val);
				{ engine_strv_free(&files); return CLI_USAGE; }
			}
		} else if ((t = cli_take(argc, argv, &i, "--html", &val))) {
			if (t < 0)
				goto missing;
			html = val;
		} else if ((t = cli_take(argc, argv, &i, "--pcap", &val))) {
			if (t < 0)
				goto missing;
			pcap = val;
		} else if ((t = cli_take(argc, argv, &i, "--tap", &val))) {
			if (t < 0)
				goto missing;
			tap = val;
		} else if ((t = cli_take(argc, argv, &i, "--junit", &val))) {
			if (t < 0)
				goto missing;
			junit = val;
		} else if ((t = cli_take(argc, argv, &i, "--json", &val))) {
			if (t < 0)
				goto missing;
			json = val;
		} else if ((t = cli_take(argc, argv, &i, "--profile", &val)) ||
			   (t = cli_take(argc, argv, &i, "--relax", &val))) {
			if (t < 0)
				goto missing;
			char msg[256];
			int bad = strncmp(a, "--profile", 9)
					  ? engine_opt_set(&cmdline, "relax", val, msg, sizeof msg)
					  : engine_profile_apply(&cmdline, val, msg, sizeof msg);
			if (bad) {
				fprintf(stderr, "tcpspec run: %s\n", msg);
				{ engine_strv_free(&files); return CLI_USAGE; }
			}
		} else if (!strncmp(a, "-D", 2) && a[2]) {       /* -DNAME[=VALUE] */
			char msg[256];
			if (engine_opt_set(&cmdline, "define", a + 2, msg, sizeof msg)) {
				fprintf(stderr, "tcpspec run: %s\n", msg);
				{ engine_strv_free(&files); return CLI_USAGE; }
			}
		} else if (!strcmp(a, "--define") || !strcmp(a, "-D")) {
			if (i + 1 >= argc)
				goto missing;
			char msg[256];
			if (engine_opt_set(&cmdline, "define", argv[++i], msg, sizeof msg)) {
				fprintf(stderr, "tcpspec run: %s\n", msg);
				{ engine_strv_free(&files); return CLI_USAGE; }
			}
		} else if (!strncmp(a, "--", 2) && a[2]) {
			char name[64], msg[256];
			const char *eq = strchr(a + 2, '=');
			size_t k = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			if (k >= sizeof name) {
				fprintf(stderr, "tcpspec run: unknown option %s\n", a);
				{ engine_strv_free(&files); return CLI_USAGE; }
			}
			memcpy(name, a + 2, k);
			name[k] = 0;
			if (engine_opt_set(&cmdline, name, eq ? eq + 1 : NULL, msg, sizeof msg)) {
				fprintf(stderr, "tcpspec run: %s\n", msg);
				{ engine_strv_free(&files); return CLI_USAGE; }
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "tcpspec run: unknown option %s\n", a);
			usage(stderr);
			{ engine_strv_free(&files); return CLI_USAGE; }
		} else {
			if (nroots < sizeof roots / sizeof roots[0]) {
				roots[nroots].root = a;
				roots[nroots++].from = files.n;
			}
			if (engine_collect_scripts(&files, a, "tcpspec run") != 0)
				{ engine_strv_free(&files); return CLI_USAGE; }
		}
		continue;
missing:
		fprintf(stderr, "tcpspec run: %s needs a value\n", a);
		{ engine_strv_free(&files); return CLI_USAGE; }
	}
	bool given = files.n > 0;
	/* each argument's scripts by their paths below it; last argument first, so the
	 * ranges of the ones before stay where they are */
	for (size_t r = nroots, end = files.n; shard_n && r-- > 0; end = roots[r].from)
		engine_shard_filter(&files, roots[r].from, end, roots[r].root, shard_k, shard_n);
	if (!given) {
		fprintf(stderr, "tcpspec run: no script given\n");
		usage(stderr);
		{ engine_strv_free(&files); return CLI_USAGE; }
	}
	if (pcap) {
		struct stat st;
		if (stat(pcap, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "tcpspec run: --pcap %s: not a directory\n", pcap);
			{ engine_strv_free(&files); return CLI_USAGE; }
		}
	}

	struct target_diag d = {0};
	const struct target_ops *ops = target_lookup(target, &d);
	int probe = ops ? engine_target_probe(ops, &d) : TARGET_UNAVAILABLE;
	if (probe != TARGET_OK) {
		fprintf(stderr, "tcpspec run: %s\n", d.msg);
		/* a plugin file missing or not loadable: a usage error */
		{ engine_strv_free(&files); return probe == TARGET_BADARG ? CLI_USAGE
									   : CLI_UNAVAILABLE; }
	}

	size_t per = nver ? (size_t)nver : 1;
	size_t n = files.n * per;
	struct engine_job *jobs = calloc(n ? n : 1, sizeof *jobs);
	if (!jobs) {
		fprintf(stderr, "tcpspec run: out of memory\n");
		{ engine_strv_free(&files); return CLI_USAGE; }
	}
	for (size_t i = 0; i < files.n; i++)
		for (size_t k = 0; k < per; k++) {
			jobs[i * per + k].path = files.v[i];
			jobs[i * per + k].ip_version = nver ? versions[k] : 0;
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
		.out = quiet ? NULL : stdout,
	};
	if (html && engine_html_prepare(html, jobs, n) != 0) {
		fprintf(stderr, "tcpspec run: --html %s: %s\n", html, strerror(errno));
		engine_strv_free(&files);
		engine_pcap_names_free(jobs, n);
		free(jobs);
		return CLI_USAGE;
	}
	int stop_sig = engine_jobs_run(&jc, jobs, n);
	bool stopped = stop_sig != 0;

	size_t pass = 0, fail = 0, skip = 0;
	bool any_err = false, any_fail = false, any_unavail = false, any_skip = false;
	for (size_t i = 0; i < n; i++) {
		enum engine_verdict v = jobs[i].res.verdict;
		if (quiet && v != ENGINE_PASS) {
			printf("%-5s %s\n", engine_verdict_name(v), jobs[i].path);
			printf("      %s\n", jobs[i].res.message);
		}
		switch (v) {
		case ENGINE_PASS: pass++; break;
		case ENGINE_FAIL: fail++; any_fail = true; break;
		case ENGINE_ERROR: fail++; any_err = true; break;
		case ENGINE_UNAVAILABLE: skip++; any_unavail = true; break;
		case ENGINE_SKIP: skip++; any_skip = true; break;
		}
	}
	if (stopped) {
		fprintf(stderr, "tcpspec run: interrupted; every script process was stopped\n");
		rc = 128 + (stop_sig > 0 ? stop_sig : SIGTERM);
	} else {
		printf("%zu passed, %zu failed, %zu skipped\n", pass, fail, skip);
		fflush(stdout);
		if (write_report(tap, 't', jobs, n, ops->name) ||
		    write_report(junit, 'j', jobs, n, ops->name) ||
		    write_report(json, 's', jobs, n, ops->name))
			rc = CLI_USAGE;
		else if (html && engine_html_run_site(html, jobs, n, ops->name, pcap, NULL) != 0) {
			fprintf(stderr, "tcpspec run: cannot write the site in %s: %s\n", html,
				strerror(errno));
			rc = CLI_USAGE;
		}
		else
			rc = any_err ? CLI_USAGE : any_fail ? CLI_FAIL : any_unavail ? CLI_UNAVAILABLE
			     : any_skip ? CLI_UNSUPPORTED : CLI_OK;
	}
	engine_strv_free(&files);
	engine_pcap_names_free(jobs, n);
	free(jobs);
	return rc;
}
