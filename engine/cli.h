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

int cmd_run(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_repro(int argc, char **argv);

#endif
