/* Grading a run by requirement level, for tcpspec report.
 *
 * A conformance script says in its header the strongest RFC 2119 level it enforces
 * ("// level: MUST").  A failure of a MUST script that no expectation explains is a
 * failure; a failure of a SHOULD or MAY script is a deviation of that level (the
 * stack may have a reason, RFC 2119 section 3 and 5); an explained failure is a
 * deviation whose level is the one its expectation names ("SHOULD: RFC 6298 2.1
 * ...") or else the script's.  A skip whose reason says the stack did not offer an
 * optional feature (timestamps, SACK, ...) is "not applicable", apart from the
 * skips for what tcpspec or the target cannot do.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "engine/engine.h"

static const char *const level_names[ENGINE_LEVEL_N] = { "none", "MUST", "SHOULD", "MAY" };
static const char *const grade_names[ENGINE_GRADE_N] = {
	"pass", "deviation", "fail", "skipped", "not applicable"
};

const char *engine_level_name(enum engine_level l)
{
	return (unsigned)l < ENGINE_LEVEL_N ? level_names[l] : "none";
}

const char *engine_grade_name(enum engine_grade_cell c)
{
	return (unsigned)c < ENGINE_GRADE_N ? grade_names[c] : "?";
}

enum engine_level engine_level_parse(const char *s, const char **rest)
{
	if (!s)
		return ENGINE_LEVEL_NONE;
	while (*s == ' ' || *s == '\t')
		s++;
	for (int l = ENGINE_LEVEL_MUST; l < ENGINE_LEVEL_N; l++) {
		size_t k = strlen(level_names[l]);
		if (strncasecmp(s, level_names[l], k) != 0 || isalnum((unsigned char)s[k]) ||
		    s[k] == '-' || s[k] == '_')
			continue;
		if (rest && s[k] == ':') {
			const char *r = s + k + 1;
			while (*r == ' ' || *r == '\t')
				r++;
			*rest = r;
		}
		return (enum engine_level)l;
	}
	return ENGINE_LEVEL_NONE;
}

enum engine_level engine_script_level(const struct dsl_file *f)
{
	for (size_t i = 0; f && i < f->n_comments; i++) {
		const char *s = f->comments[i].text;
		if (s[0] != '/' || s[1] != '/')
			continue;
		s += 2;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncasecmp(s, "level:", 6))
			return engine_level_parse(s + 6, NULL);
	}
	return ENGINE_LEVEL_NONE;
}

bool engine_reason_not_applicable(const char *msg)
{
	static const char tag[] = "not applicable:";
	if (!msg)
		return false;
	if (!strncasecmp(msg, tag, sizeof tag - 1))
		return true;
	/* "FILE:LINE: not applicable: ..." on the first line */
	size_t eol = strcspn(msg, "\n");
	for (const char *p = msg; p < msg + eol; p++) {
		if (*p != ':' || !isdigit((unsigned char)p[1]))
			continue;
		const char *q = p + 1;
		while (isdigit((unsigned char)*q))
			q++;
		if (q[0] == ':' && q[1] == ' ' && !strncasecmp(q + 2, tag, sizeof tag - 1))
			return true;
	}
	return false;
}

struct engine_grade engine_grade(enum engine_verdict v, const char *msg,
				 enum engine_level script_level, const char *expect_reason)
{
	struct engine_grade g = { ENGINE_GRADE_PASS, script_level, false };
	switch (v) {
	case ENGINE_PASS:
		g.stale = expect_reason != NULL;
		break;
	case ENGINE_ERROR:
		/* a parse or usage error (or a run that never departed from the script:
		 * timed out, crashed) is the run's fault, whatever is documented */
		g.cell = ENGINE_GRADE_FAIL;
		break;
	case ENGINE_FAIL:
		if (expect_reason) {
			enum engine_level el = engine_level_parse(expect_reason, NULL);
			g.cell = ENGINE_GRADE_DEVIATION;
			if (el != ENGINE_LEVEL_NONE)
				g.level = el;
		} else if (script_level == ENGINE_LEVEL_SHOULD ||
			   script_level == ENGINE_LEVEL_MAY) {
			g.cell = ENGINE_GRADE_DEVIATION;
		} else {
			g.cell = ENGINE_GRADE_FAIL;
		}
		break;
	default:
		g.cell = engine_reason_not_applicable(msg) ? ENGINE_GRADE_NA : ENGINE_GRADE_SKIP;
		break;
	}
	return g;
}

struct engine_grade engine_grade_result(const struct engine_result *res,
					enum engine_level script_level,
					const char *expect_reason)
{
	/* a failure that is not a departure from the script (a timeout, a crash) is
	 * graded as an error: no expectation or level covers it */
	enum engine_verdict v = res->verdict == ENGINE_FAIL && !res->departed ? ENGINE_ERROR
									     : res->verdict;
	return engine_grade(v, res->message, script_level, expect_reason);
}
