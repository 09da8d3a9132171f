/* Option names: the one list (DSL_OPTNAMES in dsl.h), looked up by the parser for
 * option lines and by the engine for option lines and the command line. */
#include <string.h>

#include "dsl/dsl.h"

static const char *const names[] = {
#define DSL_OPTNAME_TEXT_(id, text) text,
	DSL_OPTNAMES(DSL_OPTNAME_TEXT_)
#undef DSL_OPTNAME_TEXT_
};

static const char *const unsupported[] = {
#define DSL_OPTNAME_UNSUP_(text) text,
	DSL_OPTNAMES_UNSUPPORTED(DSL_OPTNAME_UNSUP_)
#undef DSL_OPTNAME_UNSUP_
};

enum dsl_optname dsl_optname_lookup(const char *s, size_t len)
{
	char n[64];
	if (!s || len == 0 || len >= sizeof n)
		return DSL_OPTNAME_UNKNOWN;
	for (size_t i = 0; i < len; i++)
		n[i] = s[i] == '-' ? '_' : s[i];
	n[len] = 0;
	if (n[0] == 'D')        /* -DNAME=VALUE */
		return DSL_OPTNAME_DEFINE;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(n, names[i]))
			return (enum dsl_optname)i;
	for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
		if (!strcmp(n, unsupported[i]))
			return DSL_OPTNAME_UNSUPPORTED;
	return DSL_OPTNAME_UNKNOWN;
}

const char *dsl_optname_text(enum dsl_optname id)
{
	return id >= 0 && id < DSL_OPTNAME_COUNT ? names[id] : "?";
}

void dsl_optname_suggest(struct dsl_suggest *s)
{
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		dsl_suggest_offer(s, names[i]);
}
