/* dsl/parser.y: the pure grammar of the packetdrill dialect.
 *
 * A file is a sequence of lines; a line is an option, an event or nothing.  Newlines are
 * tokens only at nesting depth 0 (the scanner drops the others), which gives every event
 * a natural end and lets `error NL` resynchronise after a mistake, so several errors in
 * one file are reported.  Packet attributes (`mss 1000`, `TS val 1 ecr 2`, `tos 0x20`,
 * `csum bad`) share one generic shape, a name and some atoms, interpreted in build.c; so
 * an unknown option is reported by name (or as unsupported), not as a syntax error.
 */
%define api.pure full
%define api.prefix {dsl_yy}
%define api.location.type {struct dsl_yyloc}
%define parse.error detailed
%locations
%expect 0
%param {struct dsl_pstate *ps} {void *scanner}

%code requires {
#include "dsl/internal.h"

struct dsl_yyloc {
	int first_line, first_column, last_line, last_column;
	size_t first_off, last_off;
};

#define YYLLOC_DEFAULT(Cur, Rhs, N) do { \
	if (N) { \
		(Cur).first_line = YYRHSLOC(Rhs, 1).first_line; \
		(Cur).first_column = YYRHSLOC(Rhs, 1).first_column; \
		(Cur).first_off = YYRHSLOC(Rhs, 1).first_off; \
		(Cur).last_line = YYRHSLOC(Rhs, N).last_line; \
		(Cur).last_column = YYRHSLOC(Rhs, N).last_column; \
		(Cur).last_off = YYRHSLOC(Rhs, N).last_off; \
	} else { \
		(Cur).first_line = (Cur).last_line = YYRHSLOC(Rhs, 0).last_line; \
		(Cur).first_column = (Cur).last_column = YYRHSLOC(Rhs, 0).last_column; \
		(Cur).first_off = (Cur).last_off = YYRHSLOC(Rhs, 0).last_off; \
	} } while (0)
}

%code provides {
int dsl_yylex(DSL_YYSTYPE *lval, DSL_YYLTYPE *lloc, struct dsl_pstate *ps, void *scanner);
void dsl_yyerror(DSL_YYLTYPE *lloc, struct dsl_pstate *ps, void *scanner, const char *msg);

/* build.c: the grammar's actions */
#define DSL_L(yl) ((struct dsl_loc){ ps->name, (yl).first_line, (yl).first_column })
struct dsl_event *dsl_b_event(struct dsl_pstate *ps, enum dsl_event_kind k, struct dsl_loc l);
void dsl_b_finish(struct dsl_pstate *ps, struct dsl_event *ev, const struct dsl_time *t,
		  DSL_YYLTYPE yl);
void dsl_b_option(struct dsl_pstate *ps, struct dsl_tok t, DSL_YYLTYPE yl);
void dsl_b_recover(struct dsl_pstate *ps, DSL_YYLTYPE err, DSL_YYLTYPE nl);
struct dsl_time_point dsl_b_tpoint(struct dsl_pstate *ps, struct dsl_tok t, bool dec,
				   bool rel, DSL_YYLTYPE yl);
void dsl_b_text(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok t, size_t skip);
struct dsl_event *dsl_b_unsup_pkt(struct dsl_pstate *ps, struct dsl_tok t, DSL_YYLTYPE yl);
unsigned dsl_b_flags(struct dsl_pstate *ps, unsigned acc, struct dsl_tok t, DSL_YYLTYPE yl);
uint32_t dsl_b_u32(struct dsl_pstate *ps, struct dsl_tok t, const char *what, DSL_YYLTYPE yl);
struct dsl_event *dsl_b_pkt_unchecked(struct dsl_pstate *ps, struct dsl_tok dir, DSL_YYLTYPE yl);
void dsl_b_pkt_tcp(struct dsl_pstate *ps, struct dsl_event *ev, unsigned flags,
		   DSL_YYLTYPE fl, struct dsl_seq seq);
void dsl_b_pkt_field(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok name,
		     struct dsl_tok val, bool bang, DSL_YYLTYPE yl);
void dsl_b_pkt_word(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok name,
		    DSL_YYLTYPE yl);
void dsl_b_pkt_dir(struct dsl_pstate *ps, struct dsl_event *ev, DSL_YYLTYPE yl);
void dsl_b_pkt_opts(struct dsl_pstate *ps, struct dsl_event *ev, enum dsl_opts_kind k,
		    struct dsl_attrv *a, DSL_YYLTYPE yl);
void dsl_b_pkt_ecn(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok t,
		   DSL_YYLTYPE yl);
void dsl_b_pkt_ip(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_attrv *a,
		  DSL_YYLTYPE yl);
void dsl_b_pkt_bad(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_attrv *a,
		   DSL_YYLTYPE yl);
void dsl_b_quote_encap(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok a,
		       struct dsl_tok b, DSL_YYLTYPE yl);
void dsl_b_pkt_encap(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok a,
		     struct dsl_tok b, DSL_YYLTYPE yl);
void dsl_b_pkt_ports(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok src,
		     struct dsl_tok dst, DSL_YYLTYPE yl);
void dsl_b_pkt_icmp(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_atomv *w,
		    DSL_YYLTYPE yl);
void dsl_b_quote_udp(struct dsl_pstate *ps, struct dsl_event *ev, struct dsl_tok n,
		     DSL_YYLTYPE yl);
struct dsl_atomv *dsl_b_atom(struct dsl_pstate *ps, struct dsl_atomv *v,
			     enum dsl_atom_kind k, struct dsl_tok a, struct dsl_tok b,
			     DSL_YYLTYPE yl);
struct dsl_attrv *dsl_b_attr(struct dsl_pstate *ps, struct dsl_attrv *v, struct dsl_tok n,
			     struct dsl_atomv *args, DSL_YYLTYPE yl);
struct dsl_exprv *dsl_b_exprv(struct dsl_pstate *ps, struct dsl_exprv *v, struct dsl_expr *e);
struct dsl_expr *dsl_b_expr(struct dsl_pstate *ps, enum dsl_expr_kind k, struct dsl_tok t,
			    DSL_YYLTYPE yl);
struct dsl_expr *dsl_b_list(struct dsl_pstate *ps, enum dsl_expr_kind k, struct dsl_tok name,
			    struct dsl_exprv *items, DSL_YYLTYPE yl);
struct dsl_expr *dsl_b_field(struct dsl_pstate *ps, struct dsl_tok name,
			     struct dsl_exprv *index, struct dsl_expr *value, DSL_YYLTYPE yl);
struct dsl_expr *dsl_b_or(struct dsl_pstate *ps, struct dsl_expr *a, struct dsl_expr *b,
			  DSL_YYLTYPE yl);
struct dsl_event *dsl_b_call(struct dsl_pstate *ps, struct dsl_tok name,
			     struct dsl_exprv *args, struct dsl_expr *ret, struct dsl_tok err,
			     struct dsl_tok note, DSL_YYLTYPE yl);
}

%union {
	struct dsl_tok tok;
	struct dsl_expr *expr;
	struct dsl_exprv *exprs;
	struct dsl_atomv *atoms;
	struct dsl_attrv *attrs;
	struct dsl_event *ev;
	struct dsl_time time;
	struct dsl_time_point tp;
	struct dsl_seq seq;
	unsigned flags;
	bool b;
}

%token NL "newline"
%token <tok> OPTION "option line"
%token <tok> DIRECTIVE "#directive"
%token <tok> SHELL "shell command"
%token <tok> CODE "code block"
%token <tok> NOTE "result text"
%token <tok> INTEGER "integer"
%token <tok> DECIMAL "decimal number"
%token <tok> HEXWORD "hex word"
%token <tok> IDENT "identifier"
%token <tok> STRING "string"
%token <tok> DIR "'<' or '>'"
%token <tok> K_UDP "udp"
%token <tok> K_ICMP "icmp"
%token <tok> UNSUP_PKT "sctp line"
%token ELLIPSIS "..."
%token LEXERR "invalid token"

%type <ev> event untimed action packet pkt_body pre icmp syscall
%type <time> time
%type <tp> tpoint
%type <flags> flags
%type <seq> seq
%type <b> bang
%type <atoms> atoms inner icmp_words
%type <attrs> attrs battrs
%type <exprs> args elems
%type <expr> elem expr orlist primary retval
%type <tok> errno_opt note_opt

%destructor { dsl_event_destroy($$); } <ev>
%destructor { dsl_atomv_free($$); } <atoms>
%destructor { dsl_attrv_free($$); } <attrs>
%destructor { dsl_exprv_free($$); } <exprs>
%destructor { dsl_expr_free($$); } <expr>

%%

file
	: %empty
	| file line
	;

line
	: NL
	| OPTION NL		{ dsl_b_option(ps, $1, @1); }
	| DIRECTIVE NL		{ dsl_pp_directive(ps, $1.s, $1.n, @1.first_off,
						   @1.first_line, @1.first_column); }
	| event NL		{ dsl_b_finish(ps, $1, NULL, @1); }
	| error NL		{ dsl_b_recover(ps, @1, @2); }
	| untimed NL		{ dsl_perr(ps, @1.first_off, @1.first_line, @1.first_column,
					   "%s without a time (only shell commands and code blocks may omit it)",
					   $1->kind == DSL_EV_PACKET ? "packet" : "system call");
				  dsl_event_destroy($1); }
	;

untimed
	: syscall
	| packet
	;

event
	: SHELL			{ $$ = dsl_b_event(ps, DSL_EV_SHELL, DSL_L(@1)); dsl_b_text(ps, $$, $1, 1); }
	| CODE			{ $$ = dsl_b_event(ps, DSL_EV_CODE, DSL_L(@1)); dsl_b_text(ps, $$, $1, 2); }
	| time action		{ $$ = $2; $$->time = $1; $$->loc = $1.loc; }
	;

time
	: tpoint		{ $$ = (struct dsl_time){ .kind = $1.relative ? DSL_TIME_RELATIVE : DSL_TIME_ABSOLUTE,
					.start = $1, .loc = DSL_L(@1) }; }
	| '*'			{ $$ = (struct dsl_time){ .kind = DSL_TIME_ANY, .loc = DSL_L(@1) }; }
	| tpoint '~' tpoint	{ $$ = (struct dsl_time){ .kind = DSL_TIME_RANGE, .start = $1, .end = $3,
					.loc = DSL_L(@1) }; }
	| tpoint ELLIPSIS tpoint { $$ = (struct dsl_time){ .kind = DSL_TIME_BLOCKING, .start = $1,
					.end = $3, .loc = DSL_L(@1) }; }
	;

tpoint
	: INTEGER		{ $$ = dsl_b_tpoint(ps, $1, false, false, @1); }
	| DECIMAL		{ $$ = dsl_b_tpoint(ps, $1, true, false, @1); }
	| '+' INTEGER		{ $$ = dsl_b_tpoint(ps, $2, false, true, @2); }
	| '+' DECIMAL		{ $$ = dsl_b_tpoint(ps, $2, true, true, @2); }
	;

action
	: SHELL			{ $$ = dsl_b_event(ps, DSL_EV_SHELL, DSL_L(@1)); dsl_b_text(ps, $$, $1, 1); }
	| CODE			{ $$ = dsl_b_event(ps, DSL_EV_CODE, DSL_L(@1)); dsl_b_text(ps, $$, $1, 2); }
	| syscall
	| packet
	| DIR UNSUP_PKT		{ $$ = dsl_b_unsup_pkt(ps, $2, @2); }
	;

/* ---- packets ---- */

packet
	: DIR pkt_body		{ $$ = $2; $$->packet.dir = (enum dsl_dir)$1.s[0];
				  dsl_b_pkt_dir(ps, $$, @1); }
	| DIR icmp		{ $$ = $2; $$->packet.dir = (enum dsl_dir)$1.s[0]; }
	| DIR ELLIPSIS		{ $$ = dsl_b_pkt_unchecked(ps, $1, @2); }
	;

pre
	: %empty		{ $$ = dsl_b_event(ps, DSL_EV_PACKET, DSL_L(@$)); }
	| pre '[' IDENT ']'	{ $$ = $1; dsl_b_pkt_ecn(ps, $$, $3, @3); }
	| pre '(' attrs ')'	{ $$ = $1; dsl_b_pkt_ip(ps, $$, $3, @2); }
	;

pkt_body
	: pre flags seq		{ $$ = $1; dsl_b_pkt_tcp(ps, $$, $2, @2, $3); }
	/* packetdrill's port pair before the flags, `< 20000>8080 S ...` (source >
	 * destination) */
	| pre INTEGER '>' INTEGER flags seq {
				  $$ = $1; dsl_b_pkt_ports(ps, $$, $2, $4, @2);
				  dsl_b_pkt_tcp(ps, $$, $5, @5, $6); }
	| pre K_UDP '(' INTEGER ')' {
				  $$ = $1; $$->packet.proto = DSL_PROTO_UDP;
				  $$->packet.udp_len = dsl_b_u32(ps, $4, "UDP length", @4); }
	| pre INTEGER '>' INTEGER K_UDP '(' INTEGER ')' {
				  $$ = $1; dsl_b_pkt_ports(ps, $$, $2, $4, @2);
				  $$->packet.proto = DSL_PROTO_UDP;
				  $$->packet.udp_len = dsl_b_u32(ps, $7, "UDP length", @7); }
	| pkt_body IDENT INTEGER bang { $$ = $1; dsl_b_pkt_field(ps, $$, $2, $3, $4, @2); }
	| pkt_body IDENT	{ $$ = $1; dsl_b_pkt_word(ps, $$, $2, @2); }
	| pkt_body '<' ELLIPSIS '>' { $$ = $1; dsl_b_pkt_opts(ps, $$, DSL_OPTS_ANY, NULL, @2); }
	| pkt_body '<' '>'	{ $$ = $1; dsl_b_pkt_opts(ps, $$, DSL_OPTS_LIST, NULL, @2); }
	| pkt_body '<' attrs '>' { $$ = $1; dsl_b_pkt_opts(ps, $$, DSL_OPTS_LIST, $3, @2); }
	| pkt_body '[' IDENT ']' { $$ = $1; dsl_b_pkt_ecn(ps, $$, $3, @3); }
	| pkt_body '(' attrs ')' { $$ = $1; dsl_b_pkt_ip(ps, $$, $3, @2); }
	| pkt_body '{' battrs '}' { $$ = $1; dsl_b_pkt_bad(ps, $$, $3, @2); }
	| pkt_body '{' battrs ';' '}' { $$ = $1; dsl_b_pkt_bad(ps, $$, $3, @2); }
	| pkt_body '/' K_UDP '(' INTEGER '>' INTEGER ')' {
				  $$ = $1; dsl_b_pkt_encap(ps, $$, $5, $7, @2); }
	;

/* Letters, '.', '-', and (one fork's AccECN tests) a digit 0-7 giving the ACE field:
 * "5." is AE+ECE+ACK.  A digit can also start the sequence; the ':' after it decides. */
flags
	: IDENT			{ $$ = dsl_b_flags(ps, 0, $1, @1); }
	| INTEGER		{ $$ = dsl_b_flags(ps, 0, $1, @1); }
	| '.'			{ $$ = DSL_TCP_ACK; }
	| '-'			{ $$ = 0x8000; }
	| flags IDENT		{ $$ = dsl_b_flags(ps, $1, $2, @2); }
	| flags INTEGER		{ $$ = dsl_b_flags(ps, $1, $2, @2); }
	| flags '.'		{ $$ = $1 | DSL_TCP_ACK; }
	| flags '-'		{ $$ = $1 | 0x8000; }
	;

/* N! is an absolute number; "start:end(len)!" (FreeBSD suites) makes both absolute */
seq
	: INTEGER bang ':' INTEGER bang '(' INTEGER ')' bang {
				  $$ = (struct dsl_seq){ .kind = DSL_SEQ_RANGE, .loc = DSL_L(@1),
					.start = dsl_b_u32(ps, $1, "sequence number", @1),
					.end = dsl_b_u32(ps, $4, "sequence number", @4),
					.len = dsl_b_u32(ps, $7, "payload length", @7),
					.start_absolute = $2 || $9, .end_absolute = $5 || $9 }; }
	| ELLIPSIS '(' INTEGER ')' {
				  $$ = (struct dsl_seq){ .kind = DSL_SEQ_ANY_START, .loc = DSL_L(@1),
					.len = dsl_b_u32(ps, $3, "payload length", @3) }; }
	;

bang
	: %empty		{ $$ = false; }
	| '!'			{ $$ = true; }
	;

icmp
	: pre K_ICMP icmp_words	{ $$ = $1; dsl_b_pkt_icmp(ps, $$, $3, @2); }
	/* the older order: the quoted segment first, "< [1:1(0)] icmp unreachable ..." */
	| pre '[' seq ']' K_ICMP icmp_words {
				  $$ = $1; dsl_b_pkt_icmp(ps, $$, $6, @5);
				  $$->packet.icmp.has_quote = true; $$->packet.icmp.quote = $3;
				  $$->packet.icmp.quote_first = true; }
	| pre '[' ELLIPSIS ']' K_ICMP icmp_words {
				  $$ = $1; dsl_b_pkt_icmp(ps, $$, $6, @5);
				  $$->packet.icmp.has_quote = true; $$->packet.icmp.quote_any = true;
				  $$->packet.icmp.quote_first = true; }
	| pre K_ICMP icmp_words '[' seq ']' {
				  $$ = $1; dsl_b_pkt_icmp(ps, $$, $3, @2);
				  $$->packet.icmp.has_quote = true; $$->packet.icmp.quote = $5; }
	/* quoting a TCP segment carried in UDP (--udp_encapsulation=tcp) */
	| pre K_ICMP icmp_words '[' seq '/' K_UDP '(' INTEGER '>' INTEGER ')' ']' {
				  $$ = $1; dsl_b_pkt_icmp(ps, $$, $3, @2);
				  $$->packet.icmp.has_quote = true; $$->packet.icmp.quote = $5;
				  dsl_b_quote_encap(ps, $$, $9, $11, @6); }
	/* an ICMP error quoting the stack's UDP datagram (UDP sockets) */
	| pre K_ICMP icmp_words '[' K_UDP '(' INTEGER ')' ']' {
				  $$ = $1; dsl_b_pkt_icmp(ps, $$, $3, @2);
				  dsl_b_quote_udp(ps, $$, $7, @7); }
	| pre K_ICMP icmp_words '[' ELLIPSIS ']' {
				  $$ = $1; dsl_b_pkt_icmp(ps, $$, $3, @2);
				  $$->packet.icmp.has_quote = true; $$->packet.icmp.quote_any = true; }
	;

icmp_words
	: %empty		{ $$ = NULL; }
	| icmp_words IDENT	{ $$ = dsl_b_atom(ps, $1, DSL_ATOM_WORD, $2, $2, @2); }
	| icmp_words INTEGER	{ $$ = dsl_b_atom(ps, $1, DSL_ATOM_INT, $2, $2, @2); }
	;

attrs
	: IDENT atoms		{ $$ = dsl_b_attr(ps, NULL, $1, $2, @1); }
	| attrs ',' IDENT atoms	{ $$ = dsl_b_attr(ps, $1, $3, $4, @3); }
	;

/* a packet's {...} group: the malformed-segment fields, separated by commas, and the
 * mutation steps (rep, ins, trun), which scripts written for the adversarial
 * packetdrill fork separate by semicolons */
battrs
	: IDENT atoms		{ $$ = dsl_b_attr(ps, NULL, $1, $2, @1); }
	| battrs ',' IDENT atoms { $$ = dsl_b_attr(ps, $1, $3, $4, @3); }
	| battrs ';' IDENT atoms { $$ = dsl_b_attr(ps, $1, $3, $4, @3); }
	;

atoms
	: %empty		{ $$ = NULL; }
	| atoms INTEGER		{ $$ = dsl_b_atom(ps, $1, DSL_ATOM_INT, $2, $2, @2); }
	| atoms HEXWORD		{ $$ = dsl_b_atom(ps, $1, DSL_ATOM_WORD, $2, $2, @2); }
	| atoms IDENT		{ $$ = dsl_b_atom(ps, $1, DSL_ATOM_WORD, $2, $2, @2); }
	| atoms K_UDP		{ $$ = dsl_b_atom(ps, $1, DSL_ATOM_WORD, $2, $2, @2); }
	| atoms INTEGER ':' INTEGER { $$ = dsl_b_atom(ps, $1, DSL_ATOM_RANGE, $2, $4, @2); }
	| atoms '[' inner ']'	{ $$ = $1; dsl_atomv_free($3);
				  $$ = dsl_b_atom(ps, $$, DSL_ATOM_OTHER, (struct dsl_tok){ "[", 1, 0, 0, 0 },
						  (struct dsl_tok){ 0 }, @2); }
	| atoms '(' inner ')'	{ $$ = $1; dsl_atomv_free($3);
				  $$ = dsl_b_atom(ps, $$, DSL_ATOM_OTHER, (struct dsl_tok){ "(", 1, 0, 0, 0 },
						  (struct dsl_tok){ 0 }, @2); }
	| atoms ELLIPSIS	{ $$ = dsl_b_atom(ps, $1, DSL_ATOM_ANY, (struct dsl_tok){ "...", 3, 0, 0, 0 },
						  (struct dsl_tok){ 0 }, @2); }
	| atoms '='		{ $$ = dsl_b_atom(ps, $1, DSL_ATOM_OTHER, (struct dsl_tok){ "=", 1, 0, 0, 0 },
						  (struct dsl_tok){ 0 }, @2); }
	;

/* bracketed words inside an attribute (other tools' syntax, e.g. MPTCP's key[a,b]):
 * kept only as "something was here", so the attribute can be reported by name */
inner
	: atoms
	| inner ',' atoms	{ $$ = $1; if ($3) { for (size_t i = 0; i < $3->n; i++)
				  $$ = dsl_b_atom(ps, $$, $3->v[i].kind, $3->v[i].t, $3->v[i].t2, @3);
				  dsl_atomv_free($3); } }
	;

/* ---- system calls ---- */

syscall
	: IDENT '(' args ')' nls '=' retval errno_opt note_opt {
				  $$ = dsl_b_call(ps, $1, $3, $7, $8, $9, @1); }
	;

nls
	: %empty
	| nls NL
	;

retval
	: INTEGER		{ $$ = dsl_b_expr(ps, DSL_EXPR_INT, $1, @1); }
	| IDENT			{ $$ = dsl_b_expr(ps, DSL_EXPR_SYMBOL, $1, @1); }
	| ELLIPSIS		{ $$ = dsl_b_expr(ps, DSL_EXPR_ELLIPSIS, (struct dsl_tok){ 0 }, @1); }
	;

errno_opt
	: %empty		{ $$ = (struct dsl_tok){ 0 }; }
	| IDENT
	;

note_opt
	: %empty		{ $$ = (struct dsl_tok){ 0 }; }
	| NOTE
	;

args
	: %empty		{ $$ = NULL; }
	| elems
	| elems ','
	;

elems
	: elem			{ $$ = dsl_b_exprv(ps, NULL, $1); }
	| elems ',' elem	{ $$ = dsl_b_exprv(ps, $1, $3); }
	;

elem
	: expr
	| IDENT '=' expr	{ $$ = dsl_b_field(ps, $1, NULL, $3, @1); }
	| IDENT '(' args ')' '=' expr {
				  $$ = dsl_b_field(ps, $1, $3, $6, @1); }
	;

expr
	: primary
	| orlist
	;

orlist
	: primary '|' primary	{ $$ = dsl_b_or(ps, $1, $3, @1); }
	| orlist '|' primary	{ $$ = dsl_b_or(ps, $1, $3, @1); }
	;

primary
	: ELLIPSIS		{ $$ = dsl_b_expr(ps, DSL_EXPR_ELLIPSIS, (struct dsl_tok){ 0 }, @1); }
	| INTEGER		{ $$ = dsl_b_expr(ps, DSL_EXPR_INT, $1, @1); }
	| DECIMAL		{ $$ = dsl_b_expr(ps, DSL_EXPR_DECIMAL, $1, @1); }
	| IDENT			{ $$ = dsl_b_expr(ps, DSL_EXPR_SYMBOL, $1, @1); }
	| STRING		{ $$ = dsl_b_expr(ps, DSL_EXPR_STRING, $1, @1); }
	| STRING ELLIPSIS	{ $$ = dsl_b_expr(ps, DSL_EXPR_STRING, $1, @1); $$->str_prefix = true; }
	| '[' args ']'		{ $$ = dsl_b_list(ps, DSL_EXPR_ARRAY, (struct dsl_tok){ 0 }, $2, @1); }
	| '{' args '}'		{ $$ = dsl_b_list(ps, DSL_EXPR_STRUCT, (struct dsl_tok){ 0 }, $2, @1); }
	| IDENT '(' args ')'	{ $$ = dsl_b_list(ps, DSL_EXPR_CALL, $1, $3, @1); }
	;

%%

int dsl_yylex(DSL_YYSTYPE *lval, DSL_YYLTYPE *lloc, struct dsl_pstate *ps, void *scanner)
{
	extern int dsl_yylex_raw(DSL_YYSTYPE *, DSL_YYLTYPE *, void *);
	(void)ps;
	return dsl_yylex_raw(lval, lloc, scanner);
}
