/* tcpspec decode: placeholder until its owner lands the real command. */
#include <stdio.h>

#include "engine/cli.h"

int cmd_decode(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "tcpspec decode: not implemented yet\n");
	return CLI_UNSUPPORTED;
}
