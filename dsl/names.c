/* The checks a runner asks of the parser beyond the grammar (struct dsl_names): every
 * system call, symbol, errno name and argument function the script names must be
 * known to the layer that runs it, and a script must have an event. */
#include <stdlib.h>
#include <string.h>

#include "dsl/internal.h"

struct walk {
	struct dsl_pstate *ps;
	const struct dsl_names *nm;
	size_t *line_start;     /* byte offset where each line starts */
	size_t n_lines;
};

/* The byte offset of (line, col) in the input, for the caret display. */
static size_t offset_of(const struct walk *w, int line, int col)
{
	size_t len = w->ps->len;
	size_t off = line >= 1 && (size_t)line <= w->n_lines ? w->line_start[line - 1] : len;
	off += col > 0 ? (size_t)(col - 1) : 0;
	return off < len ? off : len;
}

static bool word_char(char c)
{
	return c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* Where word first appears as a whole word in the event's text from `from` on (the
 * tree keeps no place for a call's name or an errno name); `from` when not found. */
static struct dsl_loc find(const struct walk *w, const struct dsl_event *ev,
			   const struct dsl_loc *from, const char *word)
{
	const char *buf = w->ps->buf;
	size_t len = w->ps->len;
	size_t a = offset_of(w, from->line, from->column);
	size_t b = offset_of(w, ev->end.line, ev->end.column) + 1;
	size_t n = strlen(word);
	if (b > len)
		b = len;
	int line = from->line;
	size_t ls = a;
	while (ls > 0 && buf[ls - 1] != '\n')
		ls--;
	for (size_t i = a; n && i + n <= b; i++) {
		if (buf[i] == '\n') {
			line++;
			ls = i + 1;
			continue;
		}
		if (memcmp(buf + i, word, n) || (i && word_char(buf[i - 1])) ||
		    (i + n < len && word_char(buf[i + n])))
			continue;
		struct dsl_loc l = *from;
		l.line = line;
		l.column = (int)(i - ls) + 1;
		return l;
	}
	return *from;
}

/* A name the script defines itself: --define NAME=VALUE or -DNAME=VALUE. */
static bool defined_here(const struct dsl_file *f, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < f->n_options; i++) {
		const struct dsl_option *o = &f->options[i];
		const char *def = NULL;
		if (!strcmp(o->name, "define"))
			def = o->value;
		else if (o->name[0] == 'D' && o->name[1])
			def = o->name + 1;
		if (def && !strncmp(def, name, n) && def[n] == '=')
			return true;
	}
	return false;
}

static const char *const kind_words[] = {
	[DSL_NAME_CALL] = "system call",
	[DSL_NAME_SYMBOL] = "symbol",
	[DSL_NAME_ERRNO] = "errno name",
	[DSL_NAME_FUNCTION] = "function",
};

static void check(struct walk *w, enum dsl_name_kind kind, const char *name,
		  const struct dsl_loc *loc)
{
	char hint[128] = "";
	if (!name || !*name)
		return;
	if (kind == DSL_NAME_SYMBOL && defined_here(w->ps->file, name))
		return;
	if (w->nm->known(w->nm->arg, kind, name, hint, sizeof hint))
		return;
	dsl_perr(w->ps, offset_of(w, loc->line, loc->column), loc->line, loc->column,
		 "unknown %s %s%s%s", kind_words[kind], name,
		 kind == DSL_NAME_CALL || kind == DSL_NAME_FUNCTION ? "()" : "", hint);
}

static void expr(struct walk *w, const struct dsl_expr *e, int depth)
{
	if (!e || depth > DSL_MAX_NESTING + 4)
		return;
	switch (e->kind) {
	case DSL_EXPR_SYMBOL:
		check(w, DSL_NAME_SYMBOL, e->text, &e->loc);
		return;
	case DSL_EXPR_CALL:
		check(w, DSL_NAME_FUNCTION, e->text, &e->loc);
		break;
	case DSL_EXPR_FIELD:            /* the field's name is the structure's business */
		expr(w, e->index, depth + 1);
		expr(w, e->value, depth + 1);
		return;
	default:
		break;
	}
	for (size_t i = 0; i < e->n_items; i++)
		expr(w, e->items[i], depth + 1);
}

void dsl_check_names(struct dsl_pstate *ps, const struct dsl_names *nm)
{
	struct dsl_file *f = ps->file;
	if (nm->require_event && !f->n_events) {
		bool allowed = false;
		for (size_t i = 0; i < f->n_options; i++)
			allowed |= dsl_optname_lookup(f->options[i].name,
						      strlen(f->options[i].name)) ==
				   DSL_OPTNAME_ALLOW_EMPTY;
		if (!allowed)
			dsl_perr(ps, 0, 1, 1, "the script has no event, so it would pass without "
				 "checking anything (an option line --allow_empty says that is "
				 "meant)");
	}
	for (size_t i = 0; nm->option_ok && i < f->n_options; i++) {
		const struct dsl_option *op = &f->options[i];
		enum dsl_optname id = dsl_optname_lookup(op->name, strlen(op->name));
		char msg[256];
		if (id == DSL_OPTNAME_UNKNOWN || id == DSL_OPTNAME_UNSUPPORTED ||
		    id == DSL_OPTNAME_COUNT ||
		    nm->option_ok(nm->arg, op->name, op->value, msg, sizeof msg) == 0)
			continue;
		size_t off = 0;	/* of its line, for the quoted source line */
		for (int l = 1; l < op->loc.line && off < ps->len; off++)
			l += ps->buf[off] == '\n';
		dsl_perr(ps, off + (size_t)(op->loc.column - 1), op->loc.line, op->loc.column,
			 "%s", msg);
	}
	if (!nm->known)
		return;
	struct walk w = { ps, nm, NULL, 0 };
	size_t lines = 1;
	for (size_t i = 0; i < ps->len; i++)
		lines += ps->buf[i] == '\n';
	w.line_start = dsl_xmalloc(ps, lines * sizeof *w.line_start);
	w.line_start[w.n_lines++] = 0;
	for (size_t i = 0; i < ps->len; i++)
		if (ps->buf[i] == '\n')
			w.line_start[w.n_lines++] = i + 1;
	for (size_t i = 0; i < f->n_events; i++) {
		const struct dsl_event *ev = &f->events[i];
		if (ev->kind != DSL_EV_SYSCALL)
			continue;
		const struct dsl_syscall *sc = &ev->call;
		struct dsl_loc at = find(&w, ev, &ev->loc, sc->name);
		check(&w, DSL_NAME_CALL, sc->name, &at);
		for (size_t k = 0; k < sc->n_args; k++)
			expr(&w, sc->args[k], 0);
		expr(&w, sc->ret, 0);
		if (sc->err_name) {
			at = find(&w, ev, sc->ret ? &sc->ret->loc : &ev->loc, sc->err_name);
			check(&w, DSL_NAME_ERRNO, sc->err_name, &at);
		}
	}
	free(w.line_start);
}
