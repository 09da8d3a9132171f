/* dsl internals shared by the scanner, the grammar and the tree builders. Not public. */
#ifndef TCPSPEC_DSL_INTERNAL_H
#define TCPSPEC_DSL_INTERNAL_H

#include <setjmp.h>
#include <stdarg.h>

#include "dsl/dsl.h"

/* A token's text is a slice of the scanner's copy of the input; no allocation. */
struct dsl_tok {
	const char *s;
	size_t n;
	int64_t v;		/* INTEGER value */
	bool hex;		/* INTEGER written in hex */
	bool overflow;		/* INTEGER did not fit */
};

/* One word of a packet attribute ("mss 1000", "sack 1:2 3:4", "TS val 1 ecr 2"). */
enum dsl_atom_kind { DSL_ATOM_INT, DSL_ATOM_WORD, DSL_ATOM_RANGE, DSL_ATOM_OTHER, DSL_ATOM_ANY };
struct dsl_atom {
	enum dsl_atom_kind kind;
	struct dsl_tok t;	/* INT, WORD (IDENT or HEXWORD), RANGE start */
	struct dsl_tok t2;	/* RANGE end */
	struct dsl_loc loc;
	size_t off;
};
struct dsl_atomv {
	struct dsl_atom *v;
	size_t n, cap;
};
struct dsl_attr {
	struct dsl_tok name;
	struct dsl_loc loc;
	struct dsl_atomv *args;
	size_t off;
};
struct dsl_attrv {
	struct dsl_attr *v;
	size_t n, cap;
};
struct dsl_exprv {
	struct dsl_expr **v;
	size_t n, cap;
};

/* Parser and scanner state (the scanner's "extra"). */
struct dsl_pstate {
	const char *name;	/* == file->name */
	const char *buf;	/* the caller's bytes */
	size_t len;
	struct dsl_file *file;
	struct dsl_diags *diags;
	size_t cap_events, cap_options, cap_comments;
	size_t n_errors;	/* errors reported for this file */
	size_t n_unsupported;
	/* scanner */
	int line, col;
	size_t off;
	int depth;		/* ( [ { nesting */
	int opt_depth;		/* < > nesting in packets */
	bool after_eq;		/* a syscall result '=' was seen on this line */
	bool last_nl;		/* the last token returned was NL (or nothing yet) */
	bool nest_reported;
	bool sctp_seen;		/* an SCTP line: the whole file is unsupported */
	size_t n_directive;	/* unsupported notes that are '#' directives (#if, #define) */
	int skip_depth;
	struct dsl_loc skip_loc;
	size_t skip_off;
	/* a syntax error waiting for its recovery rule (to tell error from unsupported) */
	bool pending;
	char *pending_msg;
	int pending_line, pending_col;
	size_t pending_off;
	bool suppress_yyerror;	/* the scanner already reported this one */
	jmp_buf oom;
};

struct dsl_yyloc;

/* diag.c */
void dsl_diag_add(struct dsl_diags *d, enum dsl_severity sev, const char *file,
		  const char *buf, size_t len, size_t off, int line, int col,
		  const char *fmt, ...) __attribute__((format(printf, 9, 10)));
void dsl_perr(struct dsl_pstate *ps, size_t off, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void dsl_punsup(struct dsl_pstate *ps, size_t off, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* names.c */
void dsl_check_names(struct dsl_pstate *ps, const struct dsl_names *nm);

/* util */
/* Is the line S (N bytes) an #ifdef, #ifndef, #else or #endif directive (preproc.c)? */
/* A '#' line the preprocessor left for the parser: a C preprocessor directive tcpspec
 * does not evaluate (#if, #define, #include, ...) makes the script unsupported; any
 * other '#' line (a shell-style comment, a "#!" line, stray text) is a syntax error,
 * as the dialect's comments are // and slash-star only. */
void dsl_pp_directive(struct dsl_pstate *ps, const char *s, size_t n, size_t off, int line,
		      int col);
bool dsl_pp_is_conditional(const char *s, size_t n);
void *dsl_xmalloc(struct dsl_pstate *ps, size_t n);
void *dsl_xcalloc(struct dsl_pstate *ps, size_t n, size_t sz);
void *dsl_xrealloc(struct dsl_pstate *ps, void *p, size_t n);
char *dsl_xstrndup(struct dsl_pstate *ps, const char *s, size_t n);

/* mutation.c */
bool dsl_mut_is_step(struct dsl_tok name);
bool dsl_mut_parse(struct dsl_pstate *ps, struct dsl_malformed *mf, const struct dsl_attr *at);
void dsl_mut_free(struct dsl_malformed *mf);

/* build.c */
void dsl_atomv_free(struct dsl_atomv *v);
void dsl_attrv_free(struct dsl_attrv *v);
void dsl_exprv_free(struct dsl_exprv *v);
void dsl_expr_free(struct dsl_expr *e);
void dsl_event_free_fields(struct dsl_event *ev);
void dsl_packet_free_fields(struct dsl_packet *p);
void dsl_event_destroy(struct dsl_event *ev);

#endif
