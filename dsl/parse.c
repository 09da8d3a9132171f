/* dsl/parse.c: the entry points, diagnostics, and the top-level item order. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsl/internal.h"
#include "dsl/parser.h"         /* generated into $(B)/dsl/ */

/* from the generated scanner */
typedef void *yyscan_t;
int dsl_yylex_init_extra(struct dsl_pstate *extra, yyscan_t *scanner);
int dsl_yylex_destroy(yyscan_t scanner);
struct yy_buffer_state *dsl_yy_scan_bytes(const char *bytes, int len, yyscan_t scanner);

#define DSL_MAX_DIAGS_PER_FILE 50
#define DSL_SOURCE_WINDOW 160

/* ---- diagnostics ------------------------------------------------------------------- */

static char *vfmt(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static void diag_vadd(struct dsl_diags *d, enum dsl_severity sev, const char *file,
		      const char *buf, size_t len, size_t off, int line, int col,
		      const char *fmt, va_list ap)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 8;
		struct dsl_diag *v = realloc(d->v, cap * sizeof *v);
		if (!v)
			return;
		d->v = v;
		d->cap = cap;
	}
	struct dsl_diag *g = &d->v[d->n];
	memset(g, 0, sizeof *g);
	g->severity = sev;
	g->file = strdup(file ? file : "<input>");
	g->line = line;
	g->column = col;
	g->message = vfmt(fmt, ap);
	if (!g->file || !g->message) {
		free(g->file);
		free(g->message);
		return;
	}
	if (buf && line > 0) {
		if (off > len)
			off = len;
		size_t a = off, b = off;
		while (a > 0 && buf[a - 1] != '\n')
			a--;
		while (b < len && buf[b] != '\n')
			b++;
		size_t c = (size_t)(col > 0 ? col - 1 : 0);	/* caret byte offset in line */
		if (c > b - a)
			c = b - a;
		size_t wa = a, wb = b;
		if (b - a > DSL_SOURCE_WINDOW) {
			wa = c > DSL_SOURCE_WINDOW / 2 ? a + c - DSL_SOURCE_WINDOW / 2 : a;
			wb = wa + DSL_SOURCE_WINDOW < b ? wa + DSL_SOURCE_WINDOW : b;
		}
		g->source_line = malloc(wb - wa + 1);
		if (g->source_line) {
			for (size_t i = wa; i < wb; i++) {
				unsigned char ch = (unsigned char)buf[i];
				g->source_line[i - wa] = (ch == '\t' || (ch >= 0x20 && ch != 0x7f))
					? (char)ch : ' ';
			}
			g->source_line[wb - wa] = 0;
			g->source_col = (int)(a + c - wa) + 1;
		}
	}
	d->n++;
	if (sev == DSL_DIAG_ERROR)
		d->n_errors++;
	else
		d->n_unsupported++;
}

void dsl_diag_add(struct dsl_diags *d, enum dsl_severity sev, const char *file,
		  const char *buf, size_t len, size_t off, int line, int col,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, sev, file, buf, len, off, line, col, fmt, ap);
	va_end(ap);
}

static void preport(struct dsl_pstate *ps, enum dsl_severity sev, size_t off, int line,
		    int col, const char *fmt, va_list ap)
{
	size_t *count = sev == DSL_DIAG_ERROR ? &ps->n_errors : &ps->n_unsupported;
	(*count)++;
	if (*count > DSL_MAX_DIAGS_PER_FILE)
		return;
	if (*count == DSL_MAX_DIAGS_PER_FILE && sev == DSL_DIAG_ERROR) {
		dsl_diag_add(ps->diags, sev, ps->name, ps->buf, ps->len, off, line, col,
			     "too many errors, giving up on reporting more");
		return;
	}
	diag_vadd(ps->diags, sev, ps->name, ps->buf, ps->len, off, line, col, fmt, ap);
}

void dsl_perr(struct dsl_pstate *ps, size_t off, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	preport(ps, DSL_DIAG_ERROR, off, line, col, fmt, ap);
	va_end(ap);
}

void dsl_punsup(struct dsl_pstate *ps, size_t off, int line, int col, const char *fmt, ...)
{
	va_list ap;
	/* one unsupported note per line is enough */
	if (ps->diags->n && ps->diags->v[ps->diags->n - 1].severity == DSL_DIAG_UNSUPPORTED &&
	    ps->diags->v[ps->diags->n - 1].line == line &&
	    !strcmp(ps->diags->v[ps->diags->n - 1].file, ps->name)) {
		ps->n_unsupported++;
		return;
	}
	va_start(ap, fmt);
	preport(ps, DSL_DIAG_UNSUPPORTED, off, line, col, fmt, ap);
	va_end(ap);
}

void dsl_diags_free(struct dsl_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].message);
		free(d->v[i].source_line);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}

void dsl_diag_print(FILE *fp, const struct dsl_diag *d)
{
	fprintf(fp, "%s:%d:%d: %s: %s\n", d->file, d->line, d->column,
		d->severity == DSL_DIAG_ERROR ? "error" : "unsupported", d->message);
	if (d->source_line) {
		fprintf(fp, "  %s\n  ", d->source_line);
		for (int i = 1; i < d->source_col; i++)
			fputc(d->source_line[i - 1] == '\t' ? '\t' : ' ', fp);
		fputs("^\n", fp);
	}
}

/* bison's error hook: keep the message until the recovery rule knows whether the line
 * is an unsupported family rather than a mistake. */
void dsl_yyerror(DSL_YYLTYPE *lloc, struct dsl_pstate *ps, void *scanner, const char *msg)
{
	(void)scanner;
	if (ps->suppress_yyerror) {
		ps->suppress_yyerror = false;
		return;
	}
	if (ps->pending) {
		dsl_perr(ps, ps->pending_off, ps->pending_line, ps->pending_col, "%s",
			 ps->pending_msg);
		free(ps->pending_msg);
	}
	ps->pending = true;
	ps->pending_msg = strdup(msg);
	if (!ps->pending_msg)
		longjmp(ps->oom, 1);
	ps->pending_line = lloc->first_line;
	ps->pending_col = lloc->first_column;
	ps->pending_off = lloc->first_off;
}

/* ---- freeing ----------------------------------------------------------------------- */

void dsl_free(struct dsl_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_events; i++)
		dsl_event_free_fields(&f->events[i]);
	free(f->events);
	for (size_t i = 0; i < f->n_options; i++) {
		free(f->options[i].name);
		free(f->options[i].value);
	}
	free(f->options);
	for (size_t i = 0; i < f->n_comments; i++)
		free(f->comments[i].text);
	free(f->comments);
	free(f->items);
	free(f->name);
	free(f);
}

/* ---- the item order (for fmt) ------------------------------------------------------ */

static int loc_cmp(struct dsl_loc a, struct dsl_loc b)
{
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	return a.column < b.column ? -1 : a.column > b.column;
}

static void build_items(struct dsl_pstate *ps)
{
	struct dsl_file *f = ps->file;
	size_t n = f->n_options + f->n_events + f->n_comments;
	f->items = dsl_xcalloc(ps, n ? n : 1, sizeof *f->items);
	size_t io = 0, ie = 0, ic = 0;
	int prev_end = 0;
	bool first = true;
	while (f->n_items < n) {
		struct dsl_loc best = { 0 };
		int which = -1;
		if (io < f->n_options) {
			best = f->options[io].loc;
			which = 0;
		}
		if (ie < f->n_events && (which < 0 || loc_cmp(f->events[ie].loc, best) < 0)) {
			best = f->events[ie].loc;
			which = 1;
		}
		if (ic < f->n_comments && (which < 0 || loc_cmp(f->comments[ic].loc, best) < 0)) {
			best = f->comments[ic].loc;
			which = 2;
		}
		struct dsl_item *it = &f->items[f->n_items++];
		int end;
		if (which == 0) {
			it->kind = DSL_ITEM_OPTION;
			it->index = io++;
			end = best.line;
		} else if (which == 1) {
			it->kind = DSL_ITEM_EVENT;
			it->index = ie++;
			end = f->events[it->index].end.line;
			if (end < best.line)
				end = best.line;
		} else {
			it->kind = DSL_ITEM_COMMENT;
			it->index = ic++;
			struct dsl_comment *c = &f->comments[it->index];
			c->trailing = !first && best.line <= prev_end;
			end = c->end_line;
		}
		it->blank_before = !first && best.line > prev_end + 1;
		if (end > prev_end || first)
			prev_end = end;
		first = false;
	}
}

/* ---- entry points ------------------------------------------------------------------ */

/* A script that uses a family we do not support (SCTP, MPTCP, PSP, GRE, ...) is
 * unsupported as a whole: what we could not read in it is most likely that family's
 * syntax, not a mistake, and we cannot check it anyway.  A preprocessor directive
 * (#if, #define) is no such family: errors beside it stay errors. */
static void demote_errors(struct dsl_pstate *ps, size_t first_diag)
{
	/* a '#if' or '#define' line alone does not excuse the rest of the file: a typo
	 * elsewhere stays an error (exit 2), which takes precedence over unsupported */
	bool family = ps->sctp_seen || ps->n_unsupported > ps->n_directive ||
		      (ps->file->unsupported && !ps->n_directive);
	if (family && ps->n_errors) {
		for (size_t i = first_diag; i < ps->diags->n; i++) {
			struct dsl_diag *g = &ps->diags->v[i];
			if (g->severity != DSL_DIAG_ERROR)
				continue;
			g->severity = DSL_DIAG_UNSUPPORTED;
			ps->diags->n_errors--;
			ps->diags->n_unsupported++;
			ps->n_unsupported++;
		}
		ps->n_errors = 0;
		ps->file->unsupported = true;
	}
}

/* "// level: X" header lines (read by tcpspec report to grade a failure): X is one of
 * MUST, SHOULD, MAY and nothing else.  A misspelt level ("SHOLD") or a list ("MAY,
 * MUST") would otherwise grade the script as something it does not say. */
static void check_level_lines(struct dsl_pstate *ps)
{
	static const char *const levels[] = { "MUST", "SHOULD", "MAY" };
	int first = 0;	/* the line of the first level line: a second one is an error, as
			 * grading by either would silently ignore the other */
	int depth = 0;	/* #ifdef blocks read unevaluated (tcpspec parse, fmt): which
			 * branch is live depends on the run's -D names, so a level line
			 * inside one is checked for its value only */
	for (size_t i = 0; i < ps->file->n_comments; i++) {
		const struct dsl_comment *c = &ps->file->comments[i];
		const char *s = c->text;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#') {
			s++;
			while (*s == ' ' || *s == '\t')
				s++;
			if (!strncmp(s, "if", 2))
				depth++;
			else if (!strncmp(s, "endif", 5) && depth)
				depth--;
			continue;
		}
		if (s[0] != '/' || s[1] != '/')
			continue;
		s += 2;
		while (*s == ' ' || *s == '\t')
			s++;
		if (strncasecmp(s, "level:", 6) != 0)
			continue;
		s += 6;
		while (*s == ' ' || *s == '\t')
			s++;
		size_t n = strlen(s);
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		bool good = false;
		for (size_t k = 0; k < sizeof levels / sizeof levels[0] && !good; k++)
			good = n == strlen(levels[k]) && !strncasecmp(s, levels[k], n);
		size_t off = 0;	/* of its line, for the quoted source line */
		for (int l = 1; l < c->loc.line && off < ps->len; off++)
			l += ps->buf[off] == '\n';
		if (!good)
			dsl_perr(ps, off + (size_t)(c->loc.column - 1), c->loc.line, c->loc.column,
				 "bad level line '%.*s': the level is one of MUST, SHOULD or MAY "
				 "alone (the strongest the script enforces)", (int)(n > 40 ? 40 : n), s);
		else if (depth)
			;
		else if (first)
			dsl_perr(ps, off + (size_t)(c->loc.column - 1), c->loc.line, c->loc.column,
				 "a second level line (line %d; the first is line %d): a script "
				 "has one level, the strongest it enforces", c->loc.line, first);
		else
			first = c->loc.line;
	}
}

int dsl_yyparse(struct dsl_pstate *ps, void *scanner);

static bool report_nul(struct dsl_pstate *ps)
{
	const char *nul = memchr(ps->buf, 0, ps->len);
	if (!nul)
		return false;
	size_t off = (size_t)(nul - ps->buf);
	int line = 1, col = 1;
	for (size_t i = 0; i < off; i++) {
		if (ps->buf[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	dsl_perr(ps, off, line, col, "NUL byte in input");
	return true;
}

enum dsl_status dsl_parse_buffer(const char *name_arg, const char *buf, size_t len,
				 struct dsl_file **out, struct dsl_diags *diags)
{
	return dsl_parse_buffer_names(name_arg, buf, len, NULL, out, diags);
}

enum dsl_status dsl_parse_buffer_names(const char *name_arg, const char *buf, size_t len,
				       const struct dsl_names *names, struct dsl_file **out,
				       struct dsl_diags *diags)
{
	struct dsl_pstate ps;
	yyscan_t volatile scanner = NULL;
	const char *volatile name = name_arg ? name_arg : "<input>";
	*out = NULL;
	memset(&ps, 0, sizeof ps);
	if (len > (size_t)INT32_MAX - 2) {
		dsl_diag_add(diags, DSL_DIAG_ERROR, name, NULL, 0, 0, 0, 0,
			     "input larger than 2 GB");
		return DSL_IO;
	}
	ps.file = calloc(1, sizeof *ps.file);
	if (!ps.file || !(ps.file->name = strdup(name))) {
		free(ps.file);
		dsl_diag_add(diags, DSL_DIAG_ERROR, name, NULL, 0, 0, 0, 0, "out of memory");
		return DSL_IO;
	}
	ps.name = ps.file->name;
	ps.buf = buf ? buf : "";
	ps.len = buf ? len : 0;
	if (ps.len >= 3 && !memcmp(ps.buf, "\xEF\xBB\xBF", 3)) {
		/* a UTF-8 byte-order mark: not part of the script (columns count after it) */
		ps.buf += 3;
		ps.len -= 3;
	}
	ps.diags = diags;
	size_t first_diag = diags->n;
	ps.line = ps.col = 1;
	ps.last_nl = true;
	volatile int rc = 0;
	/* A NUL byte cannot be kept in comments, strings or blocks (they are C strings), and
	 * no script has one: report the first and stop. */
	if (report_nul(&ps)) {
		dsl_free(ps.file);
		return DSL_SYNTAX;
	}
	if (setjmp(ps.oom)) {
		/* out of memory somewhere below: whatever was built is lost (and leaked) */
		rc = -1;
		goto done;
	}
	yyscan_t sc;
	if (dsl_yylex_init_extra(&ps, &sc)) {
		rc = -1;
		goto done;
	}
	scanner = sc;
	dsl_yy_scan_bytes(ps.buf, (int)ps.len, scanner);
	rc = dsl_yyparse(&ps, scanner);
	if (ps.pending) {
		dsl_perr(&ps, ps.pending_off, ps.pending_line, ps.pending_col, "%s",
			 ps.pending_msg);
		free(ps.pending_msg);
		ps.pending = false;
	}
	if (rc == 2)
		dsl_perr(&ps, ps.off, ps.line, ps.col, "input too complex (parser stack exhausted)");
	/* names too when a line did not parse: every mistake of the file at once */
	if (names)
		dsl_check_names(&ps, names);
	demote_errors(&ps, first_diag);
	check_level_lines(&ps);
	build_items(&ps);
done:
	if (scanner)
		dsl_yylex_destroy(scanner);
	if (rc < 0) {
		dsl_diag_add(diags, DSL_DIAG_ERROR, name, NULL, 0, 0, 0, 0, "out of memory");
		return DSL_IO;
	}
	if (ps.n_errors) {
		dsl_free(ps.file);
		return DSL_SYNTAX;
	}
	*out = ps.file;
	if (ps.n_unsupported || ps.file->unsupported) {
		ps.file->unsupported = true;
		return DSL_UNSUPPORTED;
	}
	return DSL_OK;
}

enum dsl_status dsl_parse_file_defs(const char *path, const char *const *defined,
				    size_t n_defined, struct dsl_file **out,
				    struct dsl_diags *diags)
{
	return dsl_parse_file_names(path, defined, n_defined, NULL, out, diags);
}

enum dsl_status dsl_parse_file_names(const char *path, const char *const *defined,
				     size_t n_defined, const struct dsl_names *names,
				     struct dsl_file **out, struct dsl_diags *diags)
{
	*out = NULL;
	/* O_NONBLOCK: a FIFO named as a script must not block the open for ever; fstat
	 * then refuses it (and a device or socket) before anything is read */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat fst;
	if (fd < 0 || fstat(fd, &fst) != 0) {
		dsl_diag_add(diags, DSL_DIAG_ERROR, path, NULL, 0, 0, 0, 0, "cannot open: %s",
			     strerror(errno));
		if (fd >= 0)
			close(fd);
		return DSL_IO;
	}
	if (!S_ISREG(fst.st_mode)) {
		dsl_diag_add(diags, DSL_DIAG_ERROR, path, NULL, 0, 0, 0, 0,
			     "not a regular file");
		close(fd);
		return DSL_IO;
	}
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		dsl_diag_add(diags, DSL_DIAG_ERROR, path, NULL, 0, 0, 0, 0, "cannot open: %s",
			     strerror(errno));
		close(fd);
		return DSL_IO;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, fp);
		n += r;
		if (n < cap) {
			if (ferror(fp)) {
				int e = errno;
				free(buf);
				fclose(fp);
				dsl_diag_add(diags, DSL_DIAG_ERROR, path, NULL, 0, 0, 0, 0,
					     "read error: %s", strerror(e));
				return DSL_IO;
			}
			break;
		}
		char *nb = cap < ((size_t)1 << 31) ? realloc(buf, cap * 2) : NULL;
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	fclose(fp);
	if (!buf) {
		dsl_diag_add(diags, DSL_DIAG_ERROR, path, NULL, 0, 0, 0, 0,
			     "file too large or out of memory");
		return DSL_IO;
	}
	if (defined && dsl_preprocess(path, buf, n, defined, n_defined, diags)) {
		free(buf);
		return DSL_SYNTAX;
	}
	if (!defined) {
		/* the blocks are read as written, but their nesting is checked as when
		 * they are evaluated (on a copy: the parser sees every branch) */
		char *copy = malloc(n ? n : 1);
		if (copy) {
			memcpy(copy, buf, n);
			int bad = dsl_preprocess(path, copy, n, NULL, 0, diags);
			free(copy);
			if (bad) {
				free(buf);
				return DSL_SYNTAX;
			}
		}
	}
	enum dsl_status st = dsl_parse_buffer_names(path, buf, n, names, out, diags);
	free(buf);
	return st;
}

enum dsl_status dsl_parse_file(const char *path, struct dsl_file **out,
			       struct dsl_diags *diags)
{
	return dsl_parse_file_defs(path, NULL, 0, out, diags);
}

bool dsl_file_is_setup(const struct dsl_file *f, size_t i)
{
	if (i >= f->n_events || f->events[i].time.kind != DSL_TIME_NONE)
		return false;
	for (size_t j = 0; j < i; j++)
		if (f->events[j].time.kind != DSL_TIME_NONE)
			return false;
	return true;
}

bool dsl_file_is_cleanup(const struct dsl_file *f, size_t i)
{
	if (i >= f->n_events || f->events[i].time.kind != DSL_TIME_NONE)
		return false;
	bool timed_before = false;
	for (size_t j = 0; j < f->n_events; j++) {
		if (f->events[j].time.kind == DSL_TIME_NONE)
			continue;
		if (j > i)
			return false;
		timed_before = true;
	}
	return timed_before;
}

const char *dsl_event_kind_name(enum dsl_event_kind k)
{
	switch (k) {
	case DSL_EV_PACKET: return "packet";
	case DSL_EV_SYSCALL: return "syscall";
	case DSL_EV_SHELL: return "shell";
	case DSL_EV_CODE: return "code";
	case DSL_EV_UNSUPPORTED: return "unsupported";
	}
	return "?";
}

/* The scanner alone over a buffer (for the benchmark's baseline): number of tokens. */
int dsl_yylex_raw(DSL_YYSTYPE *lval, DSL_YYLTYPE *lloc, void *scanner);
size_t dsl_scan_count(const char *buf, size_t len);
size_t dsl_scan_count(const char *buf, size_t len)
{
	struct dsl_pstate ps;
	struct dsl_diags diags = { 0 };
	yyscan_t sc;
	volatile size_t n = 0;
	memset(&ps, 0, sizeof ps);
	ps.file = calloc(1, sizeof *ps.file);
	if (!ps.file)
		return 0;
	ps.file->name = strdup("scan");
	ps.name = ps.file->name;
	ps.buf = buf;
	ps.len = len;
	ps.diags = &diags;
	ps.line = ps.col = 1;
	ps.last_nl = true;
	if (setjmp(ps.oom) == 0 && dsl_yylex_init_extra(&ps, &sc) == 0) {
		DSL_YYSTYPE v;
		DSL_YYLTYPE l;
		dsl_yy_scan_bytes(buf, (int)len, sc);
		while (dsl_yylex_raw(&v, &l, sc) > 0)
			n++;
		dsl_yylex_destroy(sc);
	}
	dsl_free(ps.file);
	dsl_diags_free(&diags);
	return n;
}
