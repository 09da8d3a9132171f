/* Values of the command line that more than one subcommand takes. */
#include <stdio.h>
#include <stdlib.h>

#include "engine/cli.h"
#include "engine/engine.h"

int cli_timeout(const char *who, const char *val, long long *ms)
{
	const char *p = val;
	size_t digits = 0;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	double secs = digits && !*p ? strtod(val, NULL) : -1;
	if (!(secs >= 0 && secs <= ENGINE_MAX_TIMEOUT_S)) {
		fprintf(stderr, "%s: bad --timeout '%s': seconds in plain decimal (120, 2.5), "
				"from 0 (no limit) to %d (7 days)\n", who, val, ENGINE_MAX_TIMEOUT_S);
		return -1;
	}
	*ms = secs == 0 ? -1 : (long long)(secs * 1000 + 0.5);
	if (*ms == 0)
		*ms = 1;
	return 0;
}
