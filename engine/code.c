/* Code blocks without python3, when they are simple enough.
 *
 * Nearly every code block in the suites is a few lines of
 *     assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd
 * and starting python3 for them costs ~20 ms a script, more than the rest of a run on
 * a virtual-time target.  engine_code_eval() evaluates a block here when every line
 * is an assert (or blank, or a comment) over integers, tcpi_* names and the constants
 * of the python prelude, with Python's meaning: precedence, floor division and
 * modulo, `and` / `or` returning an operand, `not`.  Anything else -- another
 * statement, a string, a float, a chained comparison, an unknown name, a value that
 * does not fit in 64 bits, a division by zero -- answers "cannot", and the engine runs
 * the blocks in python3 as before, so the verdict and the message never depend on
 * which one ran.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine_int.h"

struct val {
	int64_t v;
	bool is_bool;
	/* the value is one comparison's, as Python's ast would see the expression (a
	 * Compare node): its operands, so a failed assert can show them */
	bool cmp;
	int op;
	int64_t l, r;
	bool l_bool, r_bool;
};

struct ev {
	const char *p;              /* the rest of the line */
	const struct target_tcp_info *ti;
	bool bad;                   /* cannot evaluate here */
};

static const struct { const char *name; int64_t v; } consts[] = {
	{ "TCP_ESTABLISHED", 1 }, { "TCP_SYN_SENT", 2 }, { "TCP_SYN_RECV", 3 },
	{ "TCP_FIN_WAIT1", 4 }, { "TCP_FIN_WAIT2", 5 }, { "TCP_TIME_WAIT", 6 },
	{ "TCP_CLOSE", 7 }, { "TCP_CLOSE_WAIT", 8 }, { "TCP_LAST_ACK", 9 },
	{ "TCP_LISTEN", 10 }, { "TCP_CLOSING", 11 }, { "TCP_CA_Open", 0 },
	{ "TCP_CA_Disorder", 1 }, { "TCP_CA_CWR", 2 }, { "TCP_CA_Recovery", 3 },
	{ "TCP_CA_Loss", 4 }, { "TCPI_OPT_TIMESTAMPS", 1 }, { "TCPI_OPT_SACK", 2 },
	{ "TCPI_OPT_WSCALE", 4 }, { "TCPI_OPT_ECN", 8 }, { "TCPI_OPT_ECN_SEEN", 16 },
	{ "TCPI_OPT_SYN_DATA", 32 },
	/* FreeBSD's names for the same states (its suites' code blocks), as the numbers
	 * the targets report */
	{ "TCPI_ESTABLISHED", 1 }, { "TCPI_SYN_SENT", 2 }, { "TCPI_SYN_RECEIVED", 3 },
	{ "TCPI_FIN_WAIT_1", 4 }, { "TCPI_FIN_WAIT_2", 5 }, { "TCPI_TIME_WAIT", 6 },
	{ "TCPI_CLOSED", 7 }, { "TCPI_CLOSE_WAIT", 8 }, { "TCPI_LAST_ACK", 9 },
	{ "TCPI_LISTEN", 10 }, { "TCPI_CLOSING", 11 },
};

static void skip_ws(struct ev *e)
{
	while (*e->p == ' ' || *e->p == '\t')
		e->p++;
}

/* The next token is the operator op (and not the start of a longer one). */
static bool op(struct ev *e, const char *o)
{
	skip_ws(e);
	size_t n = strlen(o);
	if (strncmp(e->p, o, n))
		return false;
	char c = e->p[n];
	if (n == 1 && strchr("<>=!*/", o[0]) && (c == '=' || c == o[0]))
		return false;       /* "<" of "<=" or "<<", "*" of "**", "/" of "//" */
	if (n == 1 && o[0] == '=')
		return false;
	e->p += n;
	return true;
}

static bool word(struct ev *e, const char *w)
{
	skip_ws(e);
	size_t n = strlen(w);
	if (strncmp(e->p, w, n) || isalnum((unsigned char)e->p[n]) || e->p[n] == '_')
		return false;
	e->p += n;
	return true;
}

static struct val or_test(struct ev *e);

static struct val atom(struct ev *e)
{
	struct val r = { .v = 0 };
	skip_ws(e);
	const char *p = e->p;
	if (*p == '(') {
		e->p++;
		r = or_test(e);
		if (!op(e, ")"))
			e->bad = true;
		return r;
	}
	if (isdigit((unsigned char)*p)) {
		uint64_t v = 0;
		int base = 10;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			base = 16;
			p += 2;
		} else if (p[0] == '0' && isdigit((unsigned char)p[1])) {
			e->bad = true;      /* 012 is a syntax error in Python 3 */
			return r;
		}
		const char *start = p;
		for (;; p++) {
			int d = isdigit((unsigned char)*p) ? *p - '0'
				: base == 16 && isxdigit((unsigned char)*p) ? tolower(*p) - 'a' + 10
				: -1;
			if (d < 0)
				break;
			if (v > (UINT64_MAX - d) / base) {
				e->bad = true;
				return r;
			}
			v = v * base + d;
		}
		if (p == start || isalpha((unsigned char)*p) || *p == '_' || *p == '.' ||
		    v > INT64_MAX) {
			e->bad = true;      /* 1.5, 1e3, 1_000, 10L ... */
			return r;
		}
		e->p = p;
		r.v = (int64_t)v;
		return r;
	}
	if (isalpha((unsigned char)*p) || *p == '_') {
		size_t n = 0;
		while (isalnum((unsigned char)p[n]) || p[n] == '_')
			n++;
		e->p = p + n;
		if (n > 5 && !strncmp(p, "tcpi_", 5) && e->ti) {
			for (int k = 0; k < TARGET_TI_COUNT; k++) {
				const char *f = target_tcp_info_name(k);
				if (strlen(f) == n - 5 && !strncmp(p + 5, f, n - 5) &&
				    (e->ti->valid & (1ull << k))) {
					r.v = e->ti->v[k];
					return r;
				}
			}
		}
		for (size_t k = 0; k < sizeof consts / sizeof consts[0]; k++)
			if (strlen(consts[k].name) == n && !strncmp(p, consts[k].name, n)) {
				r.v = consts[k].v;
				return r;
			}
		e->bad = true;              /* unknown here: python says what it is */
		return r;
	}
	e->bad = true;
	return r;
}

static struct val factor(struct ev *e)
{
	if (op(e, "-")) {
		struct val r = factor(e);
		if (r.v == INT64_MIN)
			e->bad = true;
		return (struct val){ .v = -r.v, .is_bool = false };
	}
	if (op(e, "+")) {
		struct val r = factor(e);
		return (struct val){ .v = r.v, .is_bool = false };
	}
	if (op(e, "~")) {
		struct val r = factor(e);
		return (struct val){ .v = ~r.v, .is_bool = false };
	}
	struct val r = atom(e);
	skip_ws(e);
	if (e->p[0] == '*' && e->p[1] == '*')
		e->bad = true;              /* power */
	return r;
}

static struct val term(struct ev *e)
{
	struct val a = factor(e);
	for (;;) {
		int o = op(e, "*") ? '*' : op(e, "//") ? '/' : op(e, "%") ? '%' : 0;
		if (!o) {
			skip_ws(e);
			if (*e->p == '/' || *e->p == '@')
				e->bad = true;      /* true division gives a float */
			return a;
		}
		struct val b = factor(e);
		int64_t r;
		if (o == '*') {
			if (__builtin_mul_overflow(a.v, b.v, &r))
				e->bad = true;
		} else {
			if (b.v == 0 || (a.v == INT64_MIN && b.v == -1)) {
				e->bad = true;
				return a;
			}
			int64_t q = a.v / b.v, m = a.v % b.v;
			if (m != 0 && ((m < 0) != (b.v < 0))) {     /* Python floors */
				q--;
				m += b.v;
			}
			r = o == '/' ? q : m;
		}
		a = (struct val){ .v = r, .is_bool = false };
	}
}

static struct val arith(struct ev *e)
{
	struct val a = term(e);
	for (;;) {
		int o = op(e, "+") ? '+' : op(e, "-") ? '-' : 0;
		if (!o)
			return a;
		struct val b = term(e);
		int64_t r;
		if (o == '+' ? __builtin_add_overflow(a.v, b.v, &r)
			     : __builtin_sub_overflow(a.v, b.v, &r))
			e->bad = true;
		a = (struct val){ .v = r, .is_bool = false };
	}
}

static struct val shift(struct ev *e)
{
	struct val a = arith(e);
	for (;;) {
		int o = op(e, "<<") ? '<' : op(e, ">>") ? '>' : 0;
		if (!o)
			return a;
		struct val b = arith(e);
		if (b.v < 0 || b.v > 62) {
			e->bad = true;
			return a;
		}
		if (o == '<') {
			if (a.v > (INT64_MAX >> b.v) || a.v < (INT64_MIN >> b.v))
				e->bad = true;
			else
				a.v = (int64_t)((uint64_t)a.v << b.v);
		} else {
			a.v >>= b.v;    /* arithmetic shift floors, as in Python */
		}
		a.is_bool = false;
		a.cmp = false;
	}
}

static struct val bit_and(struct ev *e)
{
	struct val a = shift(e);
	while (op(e, "&")) {
		struct val b = shift(e);
		a = (struct val){ .v = a.v & b.v, .is_bool = a.is_bool && b.is_bool };
	}
	return a;
}

static struct val bit_xor(struct ev *e)
{
	struct val a = bit_and(e);
	while (op(e, "^")) {
		struct val b = bit_and(e);
		a = (struct val){ .v = a.v ^ b.v, .is_bool = a.is_bool && b.is_bool };
	}
	return a;
}

static struct val bit_or(struct ev *e)
{
	struct val a = bit_xor(e);
	while (op(e, "|")) {
		struct val b = bit_xor(e);
		a = (struct val){ .v = a.v | b.v, .is_bool = a.is_bool && b.is_bool };
	}
	return a;
}

static int comp_op(struct ev *e)
{
	return op(e, "==") ? 'e' : op(e, "!=") ? 'n' : op(e, "<=") ? 'l' : op(e, ">=") ? 'g'
	       : op(e, "<") ? '<' : op(e, ">") ? '>' : 0;
}

static struct val comparison(struct ev *e)
{
	struct val a = bit_or(e);
	int o = comp_op(e);
	if (!o) {
		if (word(e, "in") || word(e, "is"))
			e->bad = true;
		return a;
	}
	struct val b = bit_or(e);
	bool r = o == 'e' ? a.v == b.v : o == 'n' ? a.v != b.v : o == 'l' ? a.v <= b.v
		 : o == 'g' ? a.v >= b.v : o == '<' ? a.v < b.v : a.v > b.v;
	if (comp_op(e))
		e->bad = true;              /* chained: a < b < c */
	return (struct val){ .v = r, .is_bool = true, .cmp = true, .op = o, .l = a.v, .r = b.v,
			     .l_bool = a.is_bool, .r_bool = b.is_bool };
}

static struct val not_test(struct ev *e)
{
	if (word(e, "not")) {
		struct val r = not_test(e);
		return (struct val){ .v = r.v == 0, .is_bool = true };
	}
	return comparison(e);
}

/* `and` / `or` evaluate both sides here (no side effects to skip) but return the
 * operand Python would. */
static struct val and_test(struct ev *e)
{
	struct val a = not_test(e);
	while (word(e, "and")) {
		struct val b = not_test(e);
		if (a.v != 0)
			a = b;
		a.cmp = false;
	}
	return a;
}

static struct val or_test(struct ev *e)
{
	struct val a = and_test(e);
	while (word(e, "or")) {
		struct val b = and_test(e);
		if (a.v == 0)
			a = b;
		a.cmp = false;
	}
	return a;
}

static void val_str(char *buf, size_t cap, struct val v)
{
	if (v.is_bool)
		snprintf(buf, cap, "%s", v.v ? "True" : "False");
	else
		snprintf(buf, cap, "%lld", (long long)v.v);
}

/* One line (NUL-terminated, comment stripped; orig: as written, for the message):
 * 1 holds, 0 fails (msg), -1 cannot. */
static int eval_line(const char *line, const char *orig, const struct target_tcp_info *ti,
		     char *msg, size_t cap)
{
	struct ev e = { .p = line, .ti = ti };
	skip_ws(&e);
	if (!*e.p)
		return 1;
	if (!word(&e, "assert"))
		return -1;
	struct val cond = or_test(&e);
	bool has_msg = op(&e, ",");
	struct val m = { .v = 0 };
	if (has_msg)
		m = or_test(&e);
	skip_ws(&e);
	if (e.bad || *e.p)
		return -1;
	if (cond.v != 0)
		return 1;
	char txt[512], v[32] = "";
	snprintf(txt, sizeof txt, "%s", orig);
	char *t = txt;
	while (*t == ' ' || *t == '\t')
		t++;
	size_t n = strlen(t);
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r'))
		t[--n] = 0;
	if (has_msg) {
		val_str(v, sizeof v, m);
		snprintf(msg, cap, "assertion failed: %s (value %s)", t, v);
	} else if (cond.cmp) {
		/* no message of the script's own: the operands' values, as the python3
		 * path prints them too */
		char l[32], r[32];
		val_str(l, sizeof l, (struct val){ .v = cond.l, .is_bool = cond.l_bool });
		val_str(r, sizeof r, (struct val){ .v = cond.r, .is_bool = cond.r_bool });
		const char *o = cond.op == 'e' ? "==" : cond.op == 'n' ? "!=" : cond.op == 'l' ? "<="
				: cond.op == 'g' ? ">=" : cond.op == '<' ? "<" : ">";
		snprintf(msg, cap, "assertion failed: %s (operands %s %s %s)", t, l, o, r);
	} else {
		snprintf(msg, cap, "assertion failed: %s", t);
	}
	return 0;
}

int engine_code_eval(const char *text, const struct target_tcp_info *ti, int *fail_k,
		     char *msg, size_t cap)
{
	if (!text)
		return -1;
	/* Python's view: the first line stripped, the others dedented together */
	const char *rest = strchr(text, '\n');
	size_t indent = SIZE_MAX;
	const char *ind = NULL;
	for (const char *l = rest ? rest + 1 : NULL; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		size_t k = strspn(l, " \t");
		if (k < len && l[k] != '\r') {        /* a line with text */
			if (!ind) {
				ind = l;
				indent = k;
			} else {
				size_t c = 0;
				while (c < k && c < indent && l[c] == ind[c])
					c++;
				indent = c;
			}
		}
		l = end ? end + 1 : NULL;
	}
	int k = 0;
	for (const char *l = text; l;) {
		k++;
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		char buf[512];
		if (len >= sizeof buf)
			return -1;
		memcpy(buf, l, len);
		buf[len] = 0;
		char *s = buf;
		if (k > 1 && ind) {
			size_t w = strspn(s, " \t");
			if (w < len && s[w] != '#' && s[w] != '\r') {
				if (w != indent)
					return -1;  /* Python would say IndentationError */
				s += indent;
			}
		}
		char *cr = strchr(s, '\r');
		if (cr && cr[strspn(cr, "\r \t")] == 0)
			*cr = 0;
		char orig[512];
		snprintf(orig, sizeof orig, "%s", s);
		char *hash = strchr(s, '#');
		if (hash)
			*hash = 0;
		int r = eval_line(s, orig, ti, msg, cap);
		if (r < 0)
			return -1;
		if (r == 0) {
			*fail_k = k;
			return 0;
		}
		l = end ? end + 1 : NULL;
	}
	return 1;
}
