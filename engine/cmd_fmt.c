/* tcpspec fmt: placeholder until its owner lands the real command. */
#include <stdio.h>

#include "engine/cli.h"

int cmd_fmt(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "tcpspec fmt: not implemented yet\n");
	return CLI_UNSUPPORTED;
}
