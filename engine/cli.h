/* The command line: one function per subcommand, each in engine/cmd_NAME.c.
 * Each takes the arguments after the subcommand name (argv[0] is the subcommand)
 * and returns the process exit code:
 *   0 all passed, 1 a script failed, 2 usage or parse error,
 *   3 target not available here, 4 unsupported feature (skipped). */
#ifndef TCPSPEC_ENGINE_CLI_H
#define TCPSPEC_ENGINE_CLI_H

enum cli_exit {
	CLI_OK = 0,
	CLI_FAIL = 1,
	CLI_USAGE = 2,
	CLI_UNAVAILABLE = 3,
	CLI_UNSUPPORTED = 4,
};

#include <string.h>

/* An option with a value, `NAME VALUE` or `NAME=VALUE`, at argv[*i]: 1 with *val set
 * (and *i moved past a separate value), -1 when NAME ends the command line without its
 * value, 0 when argv[*i] is something else. */
static inline int cli_take(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (!strcmp(a, name)) {
		if (*i + 1 >= argc)
			return -1;
		*val = argv[++*i];
		return 1;
	}
	if (!strncmp(a, name, n) && a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	return 0;
}

/* An option that takes one value (--target, --shard): 0 with *slot set to val, or -1
 * printed as "WHO: FLAG given twice" when an earlier one set it already (keeping the
 * last silently would run something other than what the command line asks for). */
int cli_once(const char **slot, const char *flag, const char *val, const char *who);

/* A --timeout value: seconds in plain decimal (120, 2.5; no sign, exponent, hex, inf
 * or nan), 0 (no limit) to ENGINE_MAX_TIMEOUT_S.  0 with *ms set (-1 for none, at
 * least 1 otherwise), or -1 with the accepted form printed as "WHO: bad --timeout". */
int cli_timeout(const char *who, const char *val, long long *ms);

/* An --ip-version list "ipv4,ipv6,..." added to versions[*nver] (at most max): 0, or
 * -1 with "WHO: unknown IP version 'X' (...)" printed. */
int cli_ip_versions(const char *who, const char *val, int *versions, int *nver, int max);

/* -D NAME[=VALUE], -DNAME, --define NAME[=VALUE] at argv[*i], into defs: 1 taken
 * (*i moved past a separate value), 0 argv[*i] is something else, -1 a bad or missing
 * value (printed as "WHO: ..."). */
struct engine_opts;
struct engine_strv;
/* --profile NAME and --relax LIST at argv[*i] (a separate value or =VALUE), into
 * opts: 1 taken, 0 something else, -1 a bad or missing value (printed "WHO: ..."). */
int cli_profile_relax(int argc, char **argv, int *i, struct engine_opts *opts,
		      const char *who);
int cli_define(int argc, char **argv, int *i, struct engine_opts *defs,
	       struct engine_strv *names, const char *who);

int cmd_run(int argc, char **argv);
int cmd_plugin_check(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_repro(int argc, char **argv);

#endif
