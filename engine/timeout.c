/* The wall-clock limit a script gets when the command line sets none: it follows the
 * time the script itself says it runs, so a script that waits out a 2*MSL TIME-WAIT
 * or an RTO backing off to its cap is not stopped half-way by a flat default. */
#include "engine/engine.h"

static int64_t at(int64_t base, const struct dsl_time_point *p)
{
	return p->relative ? base + p->ns : p->ns;
}

int64_t engine_script_span_ns(const struct dsl_file *f)
{
	int64_t now = 0, last = 0;
	for (size_t i = 0; f && i < f->n_events; i++) {
		const struct dsl_time *t = &f->events[i].time;
		switch (t->kind) {
		case DSL_TIME_NONE:
		case DSL_TIME_ANY:
			continue;
		case DSL_TIME_ABSOLUTE:
		case DSL_TIME_RELATIVE:
			now = at(now, &t->start);
			break;
		case DSL_TIME_RANGE:
		case DSL_TIME_BLOCKING:
			/* as the run reads it: the end is relative when either end is */
			now = t->start.relative || t->end.relative ? now + t->end.ns : t->end.ns;
			break;
		}
		if (now > last)
			last = now;
	}
	return last;
}

int64_t engine_default_timeout_ms(const char *path, const struct engine_opts *cmdline)
{
	int64_t ms = (int64_t)ENGINE_DEFAULT_TIMEOUT_S * 1000;
	struct dsl_file *f = NULL;
	struct dsl_diags d = { 0 };
	enum dsl_status st = engine_parse_script(path, cmdline, true, &f, &d);
	if ((st == DSL_OK || st == DSL_UNSUPPORTED) && f) {
		int64_t span_ms = engine_script_span_ns(f) / 1000000;
		if (span_ms > (int64_t)ENGINE_MAX_TIMEOUT_S * 1000)
			span_ms = (int64_t)ENGINE_MAX_TIMEOUT_S * 1000;
		if (2 * span_ms > ms)
			ms = 2 * span_ms;
	}
	dsl_free(f);
	dsl_diags_free(&d);
	return ms;
}
