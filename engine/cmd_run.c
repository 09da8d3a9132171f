/* tcpspec run: placeholder until its owner lands the real command. */
#include <stdio.h>

#include "engine/cli.h"

int cmd_run(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "tcpspec run: not implemented yet\n");
	return CLI_UNSUPPORTED;
}
