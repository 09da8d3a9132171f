/* tcpspec: subcommand dispatch.  Each subcommand lives in engine/cmd_NAME.c. */
#include <stdio.h>
#include <string.h>

#include "dsl/dsl.h"
#include "engine/cli.h"

#ifndef TCPSPEC_VERSION
#define TCPSPEC_VERSION "0.1.0"
#endif

static const struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "run",    cmd_run,    "run .pkt scripts against a target" },
	{ "parse",  cmd_parse,  "check that scripts parse; report errors and unsupported features" },
	{ "fmt",    cmd_fmt,    "print scripts in canonical layout (-w rewrites in place)" },
	{ "decode", cmd_decode, "print a capture as script lines, a script that replays "
				"(--script), or a diagram (--svg)" },
	{ "report", cmd_report, "requirement-by-target conformance matrix" },
	{ "repro",  cmd_repro,  "turn a fuzzer input into a .pkt script" },
	{ "plugin-check", cmd_plugin_check, "check a plugin's side of the ABI (tcpspec-plugin(7))" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tcpspec COMMAND [OPTIONS] [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'tcpspec COMMAND --help' describes a command; see also tcpspec(1).\n"
		   "exit codes: 0 passed, 1 failed, 2 usage or parse error (also a\n"
		   "            result file that cannot be written), 3 target unavailable\n"
		   "            here, 4 unsupported (skipped), 128+N stopped by signal N\n"
		   "            (129 SIGHUP, 130 SIGINT, 143 SIGTERM)\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tcpspec %s\n", TCPSPEC_VERSION);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	struct dsl_suggest sg;
	dsl_suggest_init(&sg, argv[1]);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		dsl_suggest_offer(&sg, commands[i].name);
	fprintf(stderr, "tcpspec: unknown command '%s'%s%s%s\n", argv[1],
		sg.best ? "; did you mean " : "", sg.best ? sg.best : "", sg.best ? "?" : "");
	usage(stderr);
	return CLI_USAGE;
}
