/* Values of the command line that more than one subcommand takes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli.h"
#include "engine/engine.h"
#include "engine/strv.h"

int cli_once(const char **slot, const char *flag, const char *val, const char *who)
{
	if (*slot) {
		fprintf(stderr, "%s: %s given twice, as '%s' and '%s': give it once\n", who, flag,
			*slot, val);
		return -1;
	}
	*slot = val;
	return 0;
}

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
	if (secs > 0 && secs < 0.001) {
		/* it would be rounded up to the resolution without a word */
		fprintf(stderr, "%s: bad --timeout '%s': below the resolution of 0.001 s (1 ms); "
			"0 for no limit\n", who, val);
		return -1;
	}
	*ms = secs == 0 ? -1 : (long long)(secs * 1000 + 0.5);
	if (*ms == 0)
		*ms = 1;
	return 0;
}

int cli_define(int argc, char **argv, int *i, struct engine_opts *defs,
	       struct engine_strv *names, const char *who)
{
	const char *a = argv[*i], *val = NULL;
	int t;
	if (!(t = cli_take(argc, argv, i, "--define", &val)) &&
	    !(t = cli_take(argc, argv, i, "-D", &val)) &&
	    !(!strncmp(a, "-D", 2) && a[2] && (val = a + 2, t = 1)))
		return 0;
	char msg[256];
	if (t < 0) {
		fprintf(stderr, "%s: %s needs a value\n", who, a);
		return -1;
	}
	if (engine_opt_set(defs, "define", val, msg, sizeof msg)) {
		fprintf(stderr, "%s: %s\n", who, msg);
		return -1;
	}
	/* the NAME, for the warning when no script mentions it (any form given) */
	char name[128];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(val, "="), val);
	if (names && engine_strv_add(names, name) != 0) {
		fprintf(stderr, "%s: out of memory\n", who);
		return -1;
	}
	return 1;
}

int cli_profile_relax(int argc, char **argv, int *i, struct engine_opts *opts,
		      const char *who)
{
	const char *a = argv[*i], *val = NULL;
	int t;
	bool profile = (t = cli_take(argc, argv, i, "--profile", &val)) != 0;
	if (!profile && !(t = cli_take(argc, argv, i, "--relax", &val)))
		return 0;
	if (t < 0) {
		fprintf(stderr, "%s: %s needs a value\n", who, a);
		return -1;
	}
	char msg[256];
	if (profile ? engine_profile_apply(opts, val, msg, sizeof msg)
		    : engine_opt_set(opts, "relax", val, msg, sizeof msg)) {
		fprintf(stderr, "%s: %s\n", who, msg);
		return -1;
	}
	return 1;
}

int cli_ip_versions(const char *who, const char *val, int *versions, int *nver, int max)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", val);
	for (char *save = NULL, *s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		int v = target_ip_version_parse(s);
		if (v < 0 || *nver >= max) {
			fprintf(stderr, "%s: %s IP version '%s' (ipv4, ipv6, ipv4-mapped-ipv6%s)\n",
				who, v < 0 ? "unknown" : "one too many", s,
				v < 0 ? "" : ", each once");
			return -1;
		}
		for (int k = 0; k < *nver; k++)
			if (versions[k] == v) {
				fprintf(stderr, "%s: IP version '%s' given twice\n", who, s);
				return -1;
			}
		versions[(*nver)++] = v;
	}
	return 0;
}
