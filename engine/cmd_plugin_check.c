/* tcpspec plugin-check PATH.so: exercises a plugin's side of the ABI (tcpspec/plugin.h)
 * directly, without scripts, and says for each check "ok" or what to fix and which
 * section of tcpspec-plugin(7) to read.  Each check runs in a process of its own (a
 * plugin may keep global state, and may crash: that is a failed check, not a crashed
 * tcpspec), against a fresh load of the plugin.
 *
 * The checks act as the engine does: on virtual time they call complete() with the
 * current time as the deadline after every inject() and advance(), and advance to the
 * next_timer_ns the plugin reported. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/cli.h"
#include "engine/plugin_check.h"

#define PC_CHECK_S 20           /* a check still running after this is stuck */

/* ---- running them ---------------------------------------------------------------------- */

struct pc_result {
	int verdict;
	char msg[1024];
	/* filled by the parent: what the plugin wrote to its standard output */
	long long out_bytes;
	char out_head[100];         /* its first line */
};

static void run_child(const char *path, const struct pc_check *k, int wfd)
{
	struct pc p;
	struct pc_result res = { .verdict = PC_FAIL };
	memset(&p, 0, sizeof p);
	alarm(PC_CHECK_S);
	struct target_diag d = {0};
	if (target_plugin_load(path, &p.lib, &d) != TARGET_OK) {
		snprintf(res.msg, sizeof res.msg, "%s", d.msg);
	} else {
		p.pl = p.lib.pl;
		res.verdict = k->fn(&p);
		snprintf(res.msg, sizeof res.msg, "%s", p.msg);
		pc_close(&p);
	}
	ssize_t w = write(wfd, &res, sizeof res);
	_exit(w == (ssize_t)sizeof res ? 0 : 1);
}

static void run_check(const char *path, const struct pc_check *k, struct pc_result *res)
{
	int fds[2];
	memset(res, 0, sizeof *res);
	res->verdict = PC_FAIL;
	fflush(NULL);
	if (pipe(fds) != 0) {
		snprintf(res->msg, sizeof res->msg, "pipe: %s", strerror(errno));
		return;
	}
	/* the check's standard output: a file in memory the parent reads afterwards (a
	 * plugin writing there must not mix into the report, and is caught) */
	int out = memfd_create("plugin-stdout", MFD_CLOEXEC);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(res->msg, sizeof res->msg, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		if (out >= 0)
			close(out);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(out >= 0 ? out : 2, 1);
		run_child(path, k, fds[1]);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t n;
	while (got < sizeof *res) {
		n = read(fds[0], (char *)res + got, sizeof *res - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	res->out_bytes = 0;
	res->out_head[0] = 0;
	struct stat sb;
	if (out >= 0 && fstat(out, &sb) == 0 && sb.st_size > 0) {
		res->out_bytes = (long long)sb.st_size;
		ssize_t h = pread(out, res->out_head, sizeof res->out_head - 1, 0);
		res->out_head[h > 0 ? h : 0] = 0;
		res->out_head[strcspn(res->out_head, "\n")] = 0;
	}
	if (out >= 0)
		close(out);
	if (got == sizeof *res)
		return;
	res->verdict = PC_FAIL;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		snprintf(res->msg, sizeof res->msg, "still running after %d s: a call blocked "
			 "(on virtual time a call that would block returns TARGET_PENDING)",
			 PC_CHECK_S);
	else if (WIFSIGNALED(st))
		snprintf(res->msg, sizeof res->msg, "the plugin crashed (signal %d)", WTERMSIG(st));
	else
		snprintf(res->msg, sizeof res->msg, "the check's process exited (status %d) "
			 "without a result: a plugin never calls exit()", WEXITSTATUS(st));
}

/* The "stdout" check: the plugin wrote nothing to its standard output in the checks
 * that ran (tcpspec-plugin(7), OPERATIONS: it carries tcpspec's report). */
static void stdout_verdict(struct pc_result *res, size_t nran, long long wrote,
			   size_t nwrote, const char *first)
{
	memset(res, 0, sizeof *res);
	if (!nran) {
		res->verdict = PC_SKIP;
		snprintf(res->msg, sizeof res->msg, "no other check ran: this one watches the "
			 "standard output during the others");
	} else if (!wrote) {
		res->verdict = PC_OK;
	} else {
		res->verdict = PC_FAIL;
		snprintf(res->msg, sizeof res->msg, "the plugin wrote %lld bytes to the standard "
			 "output in %zu of %zu checks (first %s); it carries tcpspec's report: write "
			 "to stderr or a log", wrote, nwrote, nran, first);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tcpspec plugin-check [--only CHECK[,CHECK...]] PATH.so\n"
		"\n"
		"Exercises a plugin's side of the ABI (tcpspec-plugin(7)) without scripts and\n"
		"prints, for each check, ok or what to fix and the section of tcpspec-plugin(7)\n"
		"to read.  Checks:");
	for (size_t i = 0; i < pc_nchecks; i++)
		fprintf(f, " %s", pc_checks[i].name);
	fprintf(f, ".\n\nexit codes: 0 every check passed (or does not apply), 1 a check "
		   "failed, 2 usage\n");
}

int cmd_plugin_check(int argc, char **argv)
{
	const char *path = NULL, *only = NULL;
	for (int i = 1; i < argc; i++) {
		int t;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return CLI_OK;
		} else if ((t = cli_take(argc, argv, &i, "--only", &only)) != 0) {
			if (t < 0) {
				fprintf(stderr, "tcpspec plugin-check: --only needs a value\n");
				return CLI_USAGE;
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "tcpspec plugin-check: unknown option %s\n", argv[i]);
			usage(stderr);
			return CLI_USAGE;
		} else if (!path) {
			path = argv[i];
		} else {
			fprintf(stderr, "tcpspec plugin-check: one plugin at a time\n");
			return CLI_USAGE;
		}
	}
	if (!path) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (only) {
		char *o = strdup(only);
		for (char *sv = NULL, *n = strtok_r(o, ",", &sv); n; n = strtok_r(NULL, ",", &sv)) {
			size_t i;
			for (i = 0; i < pc_nchecks; i++)
				if (!strcmp(n, pc_checks[i].name))
					break;
			if (i == pc_nchecks) {
				fprintf(stderr, "tcpspec plugin-check: no check named '%s'\n", n);
				free(o);
				return CLI_USAGE;
			}
		}
		free(o);
	}
	printf("tcpspec plugin-check %s\n", path);
	size_t nok = 0, nfail = 0, nskip = 0;
	bool loaded = true;
	size_t nran = 0, nwrote = 0;        /* checks run; those the plugin printed in */
	long long wrote = 0;
	char first[160] = "";
	for (size_t i = 0; i < pc_nchecks; i++) {
		const struct pc_check *k = &pc_checks[i];
		if (only) {
			size_t n = strlen(k->name);
			const char *s = only;
			bool want = false;
			while (s && *s) {
				if (!strncmp(s, k->name, n) && (s[n] == ',' || !s[n]))
					want = true;
				s = strchr(s, ',');
				s = s ? s + 1 : NULL;
			}
			if (!want)
				continue;
		}
		struct pc_result res;
		if (!k->fn) {
			stdout_verdict(&res, nran, wrote, nwrote, first);
		} else if (!loaded) {
			res.verdict = PC_SKIP;
			snprintf(res.msg, sizeof res.msg, "not run: the plugin does not load (abi)");
		} else {
			run_check(path, k, &res);
			nran++;
			if (res.out_bytes) {
				wrote += res.out_bytes;
				if (!nwrote++)
					snprintf(first, sizeof first, "during %s: \"%s\"", k->name,
						 res.out_head);
			}
		}
		if (!strcmp(k->name, "abi") && res.verdict == PC_FAIL)
			loaded = false;
		const char *v = res.verdict == PC_OK ? "ok" : res.verdict == PC_SKIP ? "SKIP"
										   : "FAIL";
		printf("%-5s %-12s", v, k->name);
		if (res.verdict == PC_FAIL)
			printf(" %s (tcpspec-plugin(7), %s)", res.msg, k->section);
		else if (res.msg[0])
			printf(" %s", res.msg);
		putchar('\n');
		if (res.verdict == PC_OK)
			nok++;
		else if (res.verdict == PC_FAIL)
			nfail++;
		else
			nskip++;
	}
	printf("%zu ok, %zu failed, %zu skipped\n", nok, nfail, nskip);
	return nfail ? CLI_FAIL : CLI_OK;
}
