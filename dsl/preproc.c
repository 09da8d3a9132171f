/* Conditional blocks of a script: #ifdef NAME, #ifndef NAME, #else, #endif (nested),
 * evaluated against the names the run defines (-D NAME, --define NAME=VALUE).  The
 * buffer keeps every line: a directive and each line of a branch not taken become
 * spaces, so the parser's locations stay those of the file.  Any other '#' line is
 * left for the parser: unsupported if it is a C preprocessor directive, else an error.  An #if EXPR block (and an #elif
 * in any block) cannot be evaluated here: its #if / #elif line is left for the parser
 * (so the script is unsupported, at that line), all its lines are kept, and its #else
 * and #endif still close it. */
#include <stdbool.h>
#include <string.h>

#include "dsl/dsl.h"
#include "dsl/internal.h"

#define MAX_NEST 32

enum directive { D_NONE, D_IFDEF, D_IFNDEF, D_IF, D_ELIF, D_ELSE, D_ENDIF };

/* The directive that starts at line[0..n) (after blanks), and its name in *name. */
static enum directive directive_of(const char *s, size_t n, const char **name, size_t *nlen)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || s[i] != '#')
		return D_NONE;
	i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	static const struct { const char *w; enum directive d; } words[] = {
		{ "ifdef", D_IFDEF }, { "ifndef", D_IFNDEF }, { "else", D_ELSE },
		{ "endif", D_ENDIF }, { "if", D_IF }, { "elif", D_ELIF },
	};
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
		size_t wl = strlen(words[k].w);
		if (n - i < wl || memcmp(s + i, words[k].w, wl))
			continue;
		size_t j = i + wl;
		if (j < n && (s[j] == '_' || (s[j] >= 'a' && s[j] <= 'z') ||
			      (s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= '0' && s[j] <= '9')))
			continue;       /* #ifdefx, #endifs: not ours */
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		size_t e = j;
		while (e < n && s[e] != ' ' && s[e] != '\t' && s[e] != '\r')
			e++;
		*name = s + j;
		*nlen = e - j;
		return words[k].d;
	}
	return D_NONE;
}

void dsl_pp_directive(struct dsl_pstate *ps, const char *s, size_t n, size_t off, int line,
		      int col)
{
	static const char *const words[] = {
		"if", "elif", "define", "undef", "include", "include_next", "pragma",
		"error", "warning", "line", "ident",
	};
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	i++;	/* '#' */
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t j = i;
	while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || s[j] == '_'))
		j++;
	int shown = (int)(n > 40 ? 40 : n);
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
		if (j > i && strlen(words[k]) == j - i && !memcmp(s + i, words[k], j - i) &&
		    (j == n || !((s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= '0' && s[j] <= '9')))) {
			ps->file->unsupported = true;
			ps->n_directive++;
			dsl_punsup(ps, off, line, col,
				   "preprocessor line '%.*s' is not supported", shown, s);
			return;
		}
	dsl_perr(ps, off, line, col, "'%.*s' is not a preprocessor directive (#ifdef, "
		 "#ifndef, #else, #endif are read; #if, #define and the other C directives "
		 "are unsupported); a comment is // or /* */", shown, s);
}

bool dsl_pp_is_conditional(const char *s, size_t n)
{
	const char *nm;
	size_t nl;
	enum directive d = directive_of(s, n, &nm, &nl);
	return d == D_IFDEF || d == D_IFNDEF || d == D_ELSE || d == D_ENDIF;
}

static bool is_defined(const char *name, size_t n, const char *const *defined, size_t nd)
{
	for (size_t i = 0; i < nd; i++)
		if (strlen(defined[i]) == n && !memcmp(defined[i], name, n))
			return true;
	return false;
}

static void blank(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r')
			s[i] = ' ';
}

int dsl_preprocess(const char *name, char *buf, size_t len, const char *const *defined,
		   size_t n_defined, struct dsl_diags *diags)
{
	/* per open block: is this branch taken, was the block's condition true, where
	 * it opened, has its #else been seen, and is it an #if (or has an #elif) that
	 * cannot be evaluated, whose lines are all kept */
	struct { bool taken, cond, had_else, opaque; int line; size_t off; } st[MAX_NEST];
	int depth = 0, line = 1;
	bool live = true;           /* all enclosing branches taken */
	for (size_t off = 0; off < len;) {
		size_t e = off;
		while (e < len && buf[e] != '\n')
			e++;
		const char *nm = NULL;
		size_t nl = 0;
		enum directive d = directive_of(buf + off, e - off, &nm, &nl);
		const char *err = NULL;
		bool keep = false;  /* an #if or #elif the run reaches: for the parser */
		switch (d) {
		case D_NONE:
			if (!live)
				blank(buf + off, e - off);
			break;
		case D_IFDEF:
		case D_IFNDEF:
			if (!nl) {
				err = d == D_IFDEF ? "#ifdef without a name" : "#ifndef without a name";
				break;
			}
			if (depth >= MAX_NEST) {
				err = "#ifdef blocks nested too deep";
				break;
			}
			st[depth].cond = is_defined(nm, nl, defined, n_defined) == (d == D_IFDEF);
			st[depth].taken = live && st[depth].cond;
			st[depth].had_else = false;
			st[depth].opaque = false;
			st[depth].line = line;
			st[depth].off = off;
			depth++;
			break;
		case D_IF:
			if (depth >= MAX_NEST) {
				err = "#if blocks nested too deep";
				break;
			}
			st[depth].cond = true;
			st[depth].taken = live;
			st[depth].had_else = false;
			st[depth].opaque = true;
			st[depth].line = line;
			keep = live;
			st[depth].off = off;
			depth++;
			break;
		case D_ELIF:
			if (!depth || st[depth - 1].had_else) {
				err = depth ? "#elif after #else" : "#elif without #if";
				break;
			}
			/* the parser calls the line unsupported; from here on every line
			 * of the block is kept */
			st[depth - 1].opaque = true;
			st[depth - 1].taken = depth < 2 || st[depth - 2].taken;
			keep = st[depth - 1].taken;
			break;
		case D_ELSE:
			if (!depth || st[depth - 1].had_else) {
				err = depth ? "a second #else in one block" : "#else without #ifdef";
				break;
			}
			st[depth - 1].had_else = true;
			st[depth - 1].taken = (depth < 2 || st[depth - 2].taken) &&
					      (st[depth - 1].opaque || !st[depth - 1].cond);
			break;
		case D_ENDIF:
			if (!depth) {
				err = "#endif without #ifdef";
				break;
			}
			depth--;
			break;
		}
		if (err) {
			dsl_diag_add(diags, DSL_DIAG_ERROR, name, buf, len, off, line, 1, "%s", err);
			return -1;
		}
		/* an #if or #elif the run reaches stays for the parser: unsupported */
		if (d != D_NONE && !keep)
			blank(buf + off, e - off);
		live = !depth || st[depth - 1].taken;
		off = e + (e < len);
		line++;
	}
	if (depth) {
		dsl_diag_add(diags, DSL_DIAG_ERROR, name, buf, len, st[depth - 1].off,
			     st[depth - 1].line, 1,
			     st[depth - 1].opaque ? "#if without #endif" : "#ifdef without #endif");
		return -1;
	}
	return 0;
}
