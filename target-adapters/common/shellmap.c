/* Shell lines mapped onto settings for targets that run no shell (see shellmap.h). */
#include "target-adapters/common/shellmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ARGS   64
#define MAX_DEPTH  4
#define MAX_FILE   (256 * 1024)

/* Where a command came from, for messages: the script's shell line itself, or a line
 * of a set-up file it named. */
struct origin {
	const char *line;           /* the whole shell line (script) */
	const char *file;           /* set-up file, or NULL */
	int lineno;
};

struct run {
	struct target *t;
	const struct target_shellmap *m;
	int depth;
	int exit_status;            /* as /bin/sh would give: 126, 127 for bad set-up files */
	const char *asked;          /* the name the target was last asked for (NULL: none) */
};

/* Ask the target to take one setting, remembering under which name it was asked. */
static int ask(struct run *r, const char *name, const char *value)
{
	r->asked = name;
	return r->m->apply(r->m->ctx, name, value);
}

static int unsupported(struct run *r, const struct origin *o, const char *cmd,
		       const char *fmt, const char *arg)
{
	char what[1024];
	snprintf(what, sizeof what, fmt, arg ? arg : "");
	if (o->file)
		return target_diagf(&r->t->diag, TARGET_UNSUPPORTED,
				    "the %s target %s: `%s` (%s:%d, run by `%s`)", r->m->target_name,
				    what, cmd, o->file, o->lineno, o->line);
	return target_diagf(&r->t->diag, TARGET_UNSUPPORTED, "the %s target %s: `%s`",
			    r->m->target_name, what, cmd);
}

/* ---- $(( )) integer arithmetic: + - * / % and parentheses ------------------------- */

struct arith {
	const char *s;
	bool ok;
};

static void arith_ws(struct arith *a)
{
	while (*a->s == ' ' || *a->s == '\t')
		a->s++;
}

static int64_t arith_sum(struct arith *a);

static int64_t arith_atom(struct arith *a)
{
	arith_ws(a);
	if (*a->s == '(') {
		a->s++;
		int64_t v = arith_sum(a);
		arith_ws(a);
		if (*a->s != ')')
			a->ok = false;
		else
			a->s++;
		return v;
	}
	if (*a->s == '-') {
		a->s++;
		return -arith_atom(a);
	}
	char *end;
	errno = 0;
	long long v = strtoll(a->s, &end, 0);
	if (end == a->s || errno)
		a->ok = false;
	a->s = end;
	return v;
}

static int64_t arith_product(struct arith *a)
{
	int64_t v = arith_atom(a);
	for (;;) {
		arith_ws(a);
		char op = *a->s;
		if (op != '*' && op != '/' && op != '%')
			return v;
		a->s++;
		int64_t w = arith_atom(a);
		if (op == '*') {
			if (__builtin_mul_overflow(v, w, &v))
				a->ok = false;
		} else if (w == 0) {
			a->ok = false;
		} else {
			v = op == '/' ? v / w : v % w;
		}
	}
}

static int64_t arith_sum(struct arith *a)
{
	int64_t v = arith_product(a);
	for (;;) {
		arith_ws(a);
		char op = *a->s;
		if (op != '+' && op != '-')
			return v;
		a->s++;
		int64_t w = arith_product(a);
		if (op == '+' ? __builtin_add_overflow(v, w, &v) : __builtin_sub_overflow(v, w, &v))
			a->ok = false;
	}
}

/* ---- words ---------------------------------------------------------------------------- */

struct words {
	int n;
	char *w[MAX_ARGS];
	char buf[4096];
	size_t used;
};

/* Split one command into words: quotes removed, $((...)) expanded.  Returns false with
 * *why set for what is not plain words (variables, command substitution, globs). */
static bool split_words(const char *cmd, struct words *ws, const char **why)
{
	ws->n = 0;
	ws->used = 0;
	const char *p = cmd;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			return true;
		if (ws->n == MAX_ARGS) {
			*why = "cannot map a command this long";
			return false;
		}
		char *out = ws->buf + ws->used;
		size_t room = sizeof ws->buf - ws->used - 1;
		size_t k = 0;
		char quote = 0;
		while (*p && (quote || (*p != ' ' && *p != '\t'))) {
			if (k + 32 >= room) {
				*why = "cannot map a command this long";
				return false;
			}
			if (quote == '\'') {
				if (*p == '\'')
					quote = 0;
				else
					out[k++] = *p;
				p++;
				continue;
			}
			if (*p == '\'' || *p == '"') {
				if (quote == *p)
					quote = 0;
				else if (!quote)
					quote = *p;
				else
					out[k++] = *p;
				p++;
				continue;
			}
			if (*p == '$' && p[1] == '(' && p[2] == '(') {
				const char *e = strstr(p + 3, "))");
				if (!e) {
					*why = "cannot map unbalanced $((";
					return false;
				}
				char expr[256];
				size_t el = (size_t)(e - (p + 3));
				if (el >= sizeof expr) {
					*why = "cannot map an expression this long";
					return false;
				}
				memcpy(expr, p + 3, el);
				expr[el] = 0;
				struct arith a = { .s = expr, .ok = true };
				int64_t v = arith_sum(&a);
				arith_ws(&a);
				if (!a.ok || *a.s) {
					*why = "cannot map this $((...)) expression";
					return false;
				}
				k += (size_t)snprintf(out + k, room - k, "%lld", (long long)v);
				p = e + 2;
				continue;
			}
			if (*p == '$' || *p == '`' || *p == '*' || *p == '?' || *p == '|' ||
			    *p == '<' || (*p == '\\' && !quote)) {
				*why = "runs no shell commands; only sysctl settings are mapped";
				return false;
			}
			out[k++] = *p++;
		}
		if (quote) {
			*why = "cannot map an unbalanced quote";
			return false;
		}
		out[k] = 0;
		ws->w[ws->n++] = out;
		ws->used += k + 1;
	}
}

/* ---- commands ------------------------------------------------------------------------- */

static int map_text(struct run *r, const char *text, const char *file, const char *line);

/* FreeBSD's sysctl names (net.inet.tcp.*, kern.ipc.*), as FreeBSD's own suites set
 * them, onto the settings the Linux names reach; each target then takes or refuses
 * the Linux setting as it would from a Linux script.  Kinds of mapping:
 *   SAME      the same value to the Linux name(s)
 *   RFC1323   0 neither, 1 both, 2 window scaling only, 3 timestamps only (RFC 7323)
 *   MS_TO_S   milliseconds onto a Linux setting in seconds (whole seconds only)
 *   DEFAULT   the middle of a Linux "min default max" triple ("- V -")
 *   MAXIMUM   the last of the triple ("- - V"), and net.core.*mem_max
 *   INVERT    0 <-> 1
 *   FIXED     a mechanism Linux has no sysctl for: the target's own setting under
 *             FreeBSD's name when it has one, else a behaviour every in-process
 *             target has, taken at that value only
 *   NONE      a cache or counter with nothing to act on before the first socket */
enum bsd_kind { SAME, RFC1323, MS_TO_S, DEFAULT, MAXIMUM, INVERT, FIXED, NONE };

static const struct bsd_name {
	const char *bsd;
	enum bsd_kind kind;
	const char *linux1, *linux2;
	uint32_t fixed;
	const char *why;            /* FIXED: the behaviour the value names */
} bsd_names[] = {
	{ "net.inet.tcp.rfc1323", RFC1323, "net.ipv4.tcp_timestamps",
	  "net.ipv4.tcp_window_scaling", 0, NULL },
	{ "net.inet.tcp.sack.enable", SAME, "net.ipv4.tcp_sack", NULL, 0, NULL },
	/* 0 off, 1 ask and accept, 2 accept only: Linux's tcp_ecn 0, 1, 2 */
	{ "net.inet.tcp.ecn.enable", SAME, "net.ipv4.tcp_ecn", NULL, 0, NULL },
	{ "net.inet.tcp.recvspace", DEFAULT, "net.ipv4.tcp_rmem", NULL, 0, NULL },
	{ "net.inet.tcp.sendspace", DEFAULT, "net.ipv4.tcp_wmem", NULL, 0, NULL },
	{ "kern.ipc.maxsockbuf", MAXIMUM, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", 0, NULL },
	{ "net.inet.tcp.keepidle", MS_TO_S, "net.ipv4.tcp_keepalive_time", NULL, 0, NULL },
	{ "net.inet.tcp.keepintvl", MS_TO_S, "net.ipv4.tcp_keepalive_intvl", NULL, 0, NULL },
	{ "net.inet.tcp.keepcnt", SAME, "net.ipv4.tcp_keepalive_probes", NULL, 0, NULL },
	{ "net.inet.tcp.syncookies", SAME, "net.ipv4.tcp_syncookies", NULL, 0, NULL },
	{ "net.inet.tcp.path_mtu_discovery", INVERT, "net.ipv4.ip_no_pmtu_disc", NULL, 0, NULL },
	{ "net.inet.tcp.pmtud_blackhole_detection", SAME, "net.ipv4.tcp_mtu_probing", NULL, 0,
	  NULL },
	{ "net.inet.tcp.fastopen.client_enable", SAME, "net.ipv4.tcp_fastopen", NULL, 0, NULL },
	{ "net.inet.tcp.hostcache.purgenow", NONE, NULL, NULL, 0, NULL },
	{ "net.inet.tcp.pmtud_blackhole_mss", NONE, NULL, NULL, 0, NULL },
	{ "net.inet.tcp.v6pmtud_blackhole_mss", NONE, NULL, NULL, 0, NULL },
	{ "net.inet.tcp.blackhole", FIXED, NULL, NULL, 0,
	  "a segment for no connection gets a RST (RFC 9293 3.10.7.1)" },
	{ "net.inet.tcp.insecure_rst", FIXED, NULL, NULL, 0,
	  "an in-window RST off RCV.NXT gets a challenge ACK (RFC 5961 3.2)" },
	{ "net.inet.tcp.insecure_syn", FIXED, NULL, NULL, 0,
	  "a SYN in a synchronized state gets a challenge ACK (RFC 5961 4.2)" },
	{ "net.inet.tcp.syncookies_only", FIXED, NULL, NULL, 0,
	  "SYN cookies only when the SYN queue overflows" },
	{ "net.inet.tcp.icmp_may_rst", FIXED, NULL, NULL, 1,
	  "ICMP port and protocol unreachable abort the connection (RFC 1122 4.2.3.9)" },
	{ "net.inet.tcp.rexmit_initial", FIXED, NULL, NULL, 1000,
	  "the initial RTO is 1 s (RFC 6298 2.1)" },
	{ "net.inet.tcp.rexmit_drop_options", FIXED, NULL, NULL, 0,
	  "a retransmitted SYN keeps its options" },
	{ "net.inet.tcp.delacktime", FIXED, NULL, NULL, 40, "the delayed-ACK timer is 40 ms" },
	{ "net.inet.tcp.delayed_ack", FIXED, NULL, NULL, 1,
	  "ACKs are delayed (RFC 9293 3.8.6.3)" },
	{ "net.inet.tcp.rexmit_min", FIXED, NULL, NULL, 200, "the RTO floor is 200 ms" },
	{ "net.inet.tcp.rexmit_slop", FIXED, NULL, NULL, 0,
	  "nothing is added to the RTO of RFC 6298 2.3" },
	{ "net.inet.tcp.drop_synfin", FIXED, NULL, NULL, 0,
	  "a SYN with FIN is processed as RFC 9293 says" },
	{ "net.inet.tcp.ecn.maxretries", FIXED, NULL, NULL, 0,
	  "a retransmitted SYN is no ECN-setup SYN (RFC 3168 6.1.1.1)" },
	{ "net.inet.tcp.keepinit", FIXED, NULL, NULL, 0,
	  "the number of SYN retransmissions alone ends a connection attempt" },
	{ "net.inet.tcp.mssdflt", FIXED, NULL, NULL, 536,
	  "the MSS without an MSS option is 536 (RFC 9293 3.7.1)" },
	{ "net.inet.tcp.v6mssdflt", FIXED, NULL, NULL, 1220,
	  "the IPv6 MSS without an MSS option is 1220 (RFC 8200 5)" },
	{ "net.inet.tcp.udp_tunneling_port", FIXED, NULL, NULL, 0, "no TCP over UDP" },
	{ "net.inet.tcp.udp_tunneling_overhead", FIXED, NULL, NULL, 8,
	  "TCP over UDP takes the UDP header (8 bytes) from the MSS" },
	{ "net.inet.tcp.tolerate_missing_ts", FIXED, NULL, NULL, 0,
	  "a segment without TS on a TS connection is dropped (RFC 7323 3.2)" },
};

static int bsd_apply(struct run *r, const char *name, const char *value, const char **fixed)
{
	const struct bsd_name *b = NULL;
	for (size_t i = 0; i < sizeof bsd_names / sizeof bsd_names[0] && !b; i++)
		if (!strcmp(bsd_names[i].bsd, name))
			b = &bsd_names[i];
	if (!b)
		return -1;
	char *end;
	errno = 0;
	unsigned long v = strtoul(value, &end, 0);
	bool num = *value && !*end && !errno && v <= 0xffffffffUL;
	char buf[64];
	int rc;
	switch (b->kind) {
	case SAME:
		rc = ask(r, b->linux1, value);
		return rc || !b->linux2 ? rc : ask(r, b->linux2, value);
	case RFC1323:
		if (!num || v > 3)
			return -2;
		rc = ask(r, b->linux1, v == 1 || v == 3 ? "1" : "0");
		return rc ? rc : ask(r, b->linux2, v == 1 || v == 2 ? "1" : "0");
	case MS_TO_S:
		if (!num || v % 1000)
			return -2;
		snprintf(buf, sizeof buf, "%lu", v / 1000);
		return ask(r, b->linux1, buf);
	case DEFAULT:
		if (!num)
			return -2;
		snprintf(buf, sizeof buf, "- %lu -", v);
		return ask(r, b->linux1, buf);
	case MAXIMUM:
		if (!num)
			return -2;
		snprintf(buf, sizeof buf, "- - %lu", v);
		if ((rc = ask(r, b->linux1, buf)) ||
		    (rc = ask(r, b->linux2, buf)))
			return rc;
		snprintf(buf, sizeof buf, "%lu", v);
		if ((rc = ask(r, "net.core.rmem_max", buf)))
			return rc;
		return ask(r, "net.core.wmem_max", buf);
	case INVERT:
		if (!num || v > 1)
			return -2;
		return ask(r, b->linux1, v ? "0" : "1");
	case FIXED:
		if ((rc = ask(r, b->bsd, value)) != -1)
			return rc;
		*fixed = b->why;
		return num && v == b->fixed ? 0 : -2;
	case NONE:
		return 0;
	}
	return -1;
}

static int take(struct run *r, const struct origin *o, const char *cmd, const char *name,
		const char *value)
{
	char dotted[256];
	snprintf(dotted, sizeof dotted, "%s", name);
	for (char *q = dotted; *q; q++)
		if (*q == '/')
			*q = '.';
	const char *fixed = NULL;
	r->asked = NULL;
	int rc = !strncmp(dotted, "net.inet.", 9) || !strncmp(dotted, "kern.ipc.", 9)
			 ? bsd_apply(r, dotted, value, &fixed)
			 : ask(r, dotted, value);
	/* whether the target was asked, and how: a skip must not read as the stack's
	 * answer when tcpspec never put the question */
	const char *who = r->m->asker ? r->m->asker : "the target";
	const char *said = r->m->asker && r->m->fixed_why && *r->m->fixed_why ? r->m->fixed_why
										 : NULL;
	char answer[300];
	bool same = r->asked && !strcmp(r->asked, dotted);
	snprintf(answer, sizeof answer, "%s was asked%s%s and answered that it has no such "
		 "setting%s%s%s", who, same || !r->asked ? "" : " for ",
		 same || !r->asked ? "" : r->asked, said ? " (\"" : "", said ? said : "",
		 said ? "\")" : "");
	if (rc == -2 && fixed) {
		char what[1024];
		/* The table's sentence is the reference stack's behaviour: another stack's
		 * is unknown here, so it is not described as if it were the same. */
		if (r->m->target_name && !strcmp(r->m->target_name, "reference"))
			snprintf(what, sizeof what, "cannot take %s = %s: its behaviour is "
				 "fixed: %s", dotted, value, fixed);
		else
			snprintf(what, sizeof what, "cannot take %s = %s: %s; what the stack "
				 "does instead is not known", dotted, value, answer);
		return unsupported(r, o, cmd, "%s", what);
	}
	if (rc == -1) {
		char what[1024];
		if (!r->asked)
			snprintf(what, sizeof what, "has no setting %s (tcpspec knows no "
				 "mapping of this name, so the target was not asked)", dotted);
		else if (r->m->asker || strcmp(r->asked, dotted))
			snprintf(what, sizeof what, "has no setting %s (%s)", dotted, answer);
		else
			snprintf(what, sizeof what, "has no setting %s", dotted);
		return unsupported(r, o, cmd, "%s", what);
	}
	if (rc == -2) {
		char what[300];
		snprintf(what, sizeof what, "cannot take %s = %s%s%s", dotted, value,
			 r->m->fixed_why ? ": " : "", r->m->fixed_why ? r->m->fixed_why : "");
		return unsupported(r, o, cmd, "%s", what);
	}
	return TARGET_OK;
}

/* Redirections to /dev/null (`> /dev/null`, `2>&1`) change nothing here; drop them.
 * A redirection anywhere else is kept in *to (for echo VALUE > /proc/sys/...). */
static bool strip_redirections(struct words *ws, const char **to)
{
	*to = NULL;
	int j = 0;
	for (int i = 0; i < ws->n; i++) {
		char *w = ws->w[i];
		char *gt = strchr(w, '>');
		if (!gt) {
			ws->w[j++] = w;
			continue;
		}
		/* [N]>[&M] or [N]>FILE or [N]> FILE */
		const char *target = gt[1] ? gt + 1 : (i + 1 < ws->n ? ws->w[++i] : NULL);
		if (gt != w && !(gt == w + 1 && (w[0] == '1' || w[0] == '2')))
			return false;                           /* text glued before '>' */
		if (!target)
			return false;
		if (*target == '&' || !strcmp(target, "/dev/null"))
			continue;
		if (*to)
			return false;
		*to = target;
	}
	ws->n = j;
	return true;
}

static int map_sysctl(struct run *r, const struct origin *o, const char *cmd, struct words *ws)
{
	int n = 0;
	for (int i = 1; i < ws->n; i++) {
		char *w = ws->w[i];
		if (w[0] == '-') {
			if (strspn(w + 1, "qwe") != strlen(w + 1) || !w[1])
				return unsupported(r, o, cmd, "cannot map sysctl option %s", w);
			continue;
		}
		char *eq = strchr(w, '=');
		if (!eq)
			return unsupported(r, o, cmd, "only maps sysctl writes%s", NULL);
		*eq = 0;
		int rc = take(r, o, cmd, w, eq + 1);
		if (rc != TARGET_OK)
			return rc;
		n++;
	}
	if (!n)
		return unsupported(r, o, cmd, "only maps sysctl writes%s", NULL);
	return TARGET_OK;
}

static int map_file(struct run *r, const struct origin *o, const char *cmd, const char *path)
{
	char full[4096];
	if (path[0] == '/' || !r->m->script_path) {
		snprintf(full, sizeof full, "%s", path);
	} else {
		const char *slash = strrchr(r->m->script_path, '/');
		int dl = slash ? (int)(slash - r->m->script_path) : 1;
		snprintf(full, sizeof full, "%.*s/%s", dl, slash ? r->m->script_path : ".", path);
	}
	struct stat sb;
	if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode) || access(full, X_OK) != 0) {
		/* the shell's answers: 127 not found, 126 not executable; the script fails
		 * on every target alike */
		r->exit_status = stat(full, &sb) != 0 ? 127 : 126;
		return TARGET_OK;
	}
	if (r->depth >= MAX_DEPTH)
		return unsupported(r, o, cmd, "cannot map set-up files nested this deep%s", NULL);
	if (sb.st_size > MAX_FILE)
		return unsupported(r, o, cmd, "cannot map a set-up file this large%s", NULL);
	FILE *f = fopen(full, "r");
	if (!f)
		return unsupported(r, o, cmd, "cannot read the set-up file%s", NULL);
	char *text = malloc((size_t)sb.st_size + 1);
	if (!text) {
		fclose(f);
		return target_diagf(&r->t->diag, TARGET_ERROR, "out of memory");
	}
	size_t len = fread(text, 1, (size_t)sb.st_size, f);
	fclose(f);
	text[len] = 0;
	if (memchr(text, 0, len)) {
		free(text);
		return unsupported(r, o, cmd, "runs no programs; only set-up files of sysctl "
				   "settings are mapped%s", NULL);
	}
	r->depth++;
	int rc = map_text(r, text, full, o->line);
	r->depth--;
	free(text);
	return rc;
}

static int map_command(struct run *r, const struct origin *o, char *cmd)
{
	struct words ws;
	const char *why = NULL;
	/* `cd DIR`: the shell's working directory means nothing to an in-process stack
	 * (set-up files are found relative to the script), whatever DIR expands to */
	const char *c = cmd + strspn(cmd, " \t");
	if (!strncmp(c, "cd", 2) && (!c[2] || c[2] == ' ' || c[2] == '\t'))
		return TARGET_OK;
	if (!split_words(cmd, &ws, &why))
		return unsupported(r, o, cmd, "%s", why);
	if (!ws.n)
		return TARGET_OK;
	const char *to;
	if (!strip_redirections(&ws, &to))
		return unsupported(r, o, cmd, "cannot map this redirection%s", NULL);
	if (!ws.n)
		return TARGET_OK;
	const char *c0 = ws.w[0];
	if (to) {
		/* echo VALUE > /proc/sys/net/ipv4/NAME */
		if (!strcmp(c0, "echo") && ws.n >= 2 && !strncmp(to, "/proc/sys/", 10)) {
			char value[512] = "";
			for (int i = 1; i < ws.n; i++) {
				if (i == 1 && !strcmp(ws.w[i], "-n"))
					continue;
				if (*value)
					strncat(value, " ", sizeof value - strlen(value) - 1);
				strncat(value, ws.w[i], sizeof value - strlen(value) - 1);
			}
			return take(r, o, cmd, to + 10, value);
		}
		return unsupported(r, o, cmd, "runs no shell commands; only sysctl settings are "
				   "mapped%s", NULL);
	}
	/* no effect on an in-process stack: the engine's own `cd` preamble, no-ops, shell
	 * options of set-up files */
	if (!strcmp(c0, "cd") || !strcmp(c0, "true") || !strcmp(c0, ":"))
		return TARGET_OK;
	if (!strcmp(c0, "set") && ws.n >= 2) {
		for (int i = 1; i < ws.n; i++)
			if (ws.w[i][0] != '-' || strspn(ws.w[i] + 1, "eux") != strlen(ws.w[i] + 1))
				return unsupported(r, o, cmd, "cannot map this set command%s", NULL);
		return TARGET_OK;
	}
	if (!strcmp(c0, "sysctl"))
		return map_sysctl(r, o, cmd, &ws);
	if (!strcmp(c0, "ip") && ws.n >= 3 && !strcmp(ws.w[1], "tcp_metrics") &&
	    !strcmp(ws.w[2], "flush") && (ws.n == 3 || (ws.n == 4 && !strcmp(ws.w[3], "all")))) {
		if (r->m->fresh)
			return TARGET_OK;
		return unsupported(r, o, cmd, "cannot flush its metrics once sockets exist%s", NULL);
	}
	if (strchr(c0, '/'))
		return map_file(r, o, cmd, c0);
	return unsupported(r, o, cmd, "runs no shell commands; only sysctl settings are "
			   "mapped%s", NULL);
}

/* Each line of text (a shell line, or a set-up file when file is set), its commands
 * separated by ';' and '&&' outside quotes; a trailing backslash joins lines. */
static int map_text(struct run *r, const char *text, const char *file, const char *line)
{
	size_t n = strlen(text);
	char *copy = malloc(n + 1);
	if (!copy)
		return target_diagf(&r->t->diag, TARGET_ERROR, "out of memory");
	memcpy(copy, text, n + 1);
	int rc = TARGET_OK;
	int lineno = 1;
	bool skip_next = false;
	char *s = copy;
	while (rc == TARGET_OK && *s) {
		struct origin o = { .line = line, .file = file, .lineno = lineno };
		char quote = 0;
		char *p = s;
		/* find the end of this command */
		for (; *p; p++) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else if (*p == '\n')
					lineno++;
				continue;
			}
			if (*p == '\'' || *p == '"') {
				quote = *p;
				continue;
			}
			if (*p == '\\' && p[1] == '\n') {
				p[0] = p[1] = ' ';
				lineno++;
				continue;
			}
			if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
				while (p[1] && p[1] != '\n')
					*++p = ' ';
				*p = ' ';
				continue;
			}
			if (*p == '\n' || *p == ';')
				break;
			if (*p == '&' && p[1] == '&')
				break;
			if (*p == '|' && p[1] == '|')
				break;
			if (*p == '&' && !(p > s && p[-1] == '>'))
				break;
		}
		char sep = *p;
		char *next = p;
		if (sep) {
			next = p + 1;
			if ((sep == '&' && p[1] == '&') || (sep == '|' && p[1] == '|'))
				next++;
		}
		bool background = sep == '&' && p[1] != '&';
		*p = 0;
		if (skip_next)
			skip_next = false;      /* the right side of `||`: never runs, as the
						 * left side always succeeds here */
		else if (!r->exit_status)
			rc = map_command(r, &o, s);
		if (rc == TARGET_OK && background)
			rc = unsupported(r, &o, line, "runs no background commands%s", NULL);
		if (sep == '|')
			skip_next = true;
		if (sep == '\n')
			lineno++;
		s = next;
	}
	free(copy);
	return rc;
}

int target_shellmap_run(struct target *t, const struct target_shellmap *m, const char *cmd,
			int *exit_status)
{
	struct run r = { .t = t, .m = m, .depth = 0 };
	int rc = map_text(&r, cmd, NULL, cmd);
	*exit_status = r.exit_status;
	return rc;
}
