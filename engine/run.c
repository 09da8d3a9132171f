/* The interpreter: one script on one target.
 *
 * Time: script time 0 is when the set-up is done.  Each timed event has an expected
 * time on the script clock: absolute, relative to the previous event (`+`), a range
 * (`a~b`), a blocking window (`a...b`) or any (`*`).  Real-time targets sleep until an
 * event's time; virtual-time targets advance their clock to it instead.  An event is on
 * time when |actual - expected| <= max(tolerance_usecs, tolerance_percent x the gap since
 * the previous event); a range widens by that much on both sides; `*` is never checked.
 *
 * Relative times count from the moment the script reaches the event (consecutive
 * inbound packets: from the previous one's time), as in scripts written for packetdrill;
 * the tolerance's share of the gap counts from the previous event's time.
 *
 * Code blocks are checked after the last event (TCP_INFO is captured at their time):
 * simple asserts here (code.c), anything else in one python3 run, so a slow
 * interpreter start never shifts the script's timing.  The
 * time spent in shell commands is not charged to the script: the timeline moves on by it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine_int.h"

void engine_fmt_time(char *buf, size_t cap, int64_t ns)
{
	const char *sign = ns < 0 ? "-" : "";
	int64_t a = ns < 0 ? -ns : ns;
	snprintf(buf, cap, "%s%lld.%06lld", sign, (long long)(a / 1000000000),
		 (long long)(a % 1000000000 / 1000));
}

int64_t engine_now(struct engine_ctx *x)
{
	return target_now(&x->t) - x->t0;
}

static void qdisc_lines_forbidden(struct engine_ctx *x);
static void tick_note(struct engine_ctx *x);

static int vreport(struct engine_ctx *x, const struct dsl_event *ev, enum engine_verdict v,
		   const char *word, const char *fmt, va_list ap)
{
	char text[1900];
	vsnprintf(text, sizeof text, fmt, ap);
	int line = ev ? ev->loc.line : 0;
	if (v == ENGINE_PASS) {         /* a non-fatal mismatch: warn and go on */
		if (x->cfg->log)
			fprintf(x->cfg->log, "%s:%d: warning: %s\n", x->name, line, text);
		/* kept for the result files, which must not read as a clean pass */
		struct engine_result *r = x->res;
		size_t used = strlen(r->warnings);
		char w[sizeof r->warnings];
		int k = snprintf(w, sizeof w, "%.*s%s:%d: warning: %s", used ? 1 : 0,
				 (char[]){ ENGINE_WARNING_SEP }, x->name, line, text);
		if (k > 0 && used + (size_t)k < sizeof r->warnings)
			memcpy(r->warnings + used, w, (size_t)k + 1);
		r->n_warnings++;
		return ENGINE_PASS;
	}
	if (v == ENGINE_FAIL)
		qdisc_lines_forbidden(x);
	if (v == ENGINE_FAIL && x->forbidden[0]) {  /* what the host kept from the script */
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, "; note: %s", x->forbidden);
	}
	/* a timing miss (or a tcp_info time) on a coarse tick: a line of its own with -v,
	 * so the message stays what it is on every kernel and documented deviations print
	 * nothing more */
	if (v == ENGINE_FAIL && x->cfg->log && x->opts.verbose &&
	    !strcmp(x->cfg->target->name, "linux") &&
	    (strstr(text, "timing error") || strstr(text, "timed out waiting for the packet") ||
	     (strstr(text, "assertion failed") &&
	      (strstr(text, "_time") || strstr(text, "_limited") || strstr(text, "tcpi_last_") ||
	       strstr(text, "tcpi_rtt") || strstr(text, "tcpi_rto"))))) {
		tick_note(x);   /* asked here, not at every start: it runs zcat */
		if (x->tick_note[0])
			fprintf(x->cfg->log, "%s:%d: note: %s\n", x->name, ev ? ev->loc.line : 0,
				x->tick_note);
	}
	if (x->res->verdict == ENGINE_PASS) {
		x->res->verdict = v;
		x->res->departed = v == ENGINE_FAIL;
		if (word)
			snprintf(x->res->message, sizeof x->res->message, "%s:%d: %s: %s", x->name,
				 line, word, text);
		else
			snprintf(x->res->message, sizeof x->res->message, "%s:%d: %s", x->name,
				 line, text);
	}
	return v;
}

int engine_fail(struct engine_ctx *x, const struct dsl_event *ev, int kind, const char *fmt,
		...)
{
	va_list ap;
	va_start(ap, fmt);
	bool soft = (kind == 'p' && x->opts.non_fatal_packet) ||
		    (kind == 's' && x->opts.non_fatal_syscall);
	int v = vreport(x, ev, soft ? ENGINE_PASS : ENGINE_FAIL, NULL, fmt, ap);
	va_end(ap);
	return v;
}

int engine_skip(struct engine_ctx *x, const struct dsl_event *ev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int v = vreport(x, ev, ENGINE_SKIP, "unsupported", fmt, ap);
	va_end(ap);
	return v;
}

int engine_skip_stack(struct engine_ctx *x, const struct dsl_event *ev, const char *fmt, ...)
{
	va_list ap;
	bool first = x->res->verdict == ENGINE_PASS;        /* the first report counts */
	va_start(ap, fmt);
	int v = vreport(x, ev, ENGINE_SKIP, "unsupported", fmt, ap);
	va_end(ap);
	if (first && x->res->verdict == ENGINE_SKIP)
		x->res->stack_lacks = true;
	return v;
}

static int report(struct engine_ctx *x, const struct dsl_event *ev, enum engine_verdict v,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int report(struct engine_ctx *x, const struct dsl_event *ev, enum engine_verdict v,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vreport(x, ev, v, NULL, fmt, ap);
	va_end(ap);
	return r;
}

int engine_not_applicable(struct engine_ctx *x, const struct dsl_event *ev,
			  const char *feature)
{
	return report(x, ev, ENGINE_SKIP, "not applicable: the stack did not offer %s", feature);
}

int engine_not_applicable_sndbuf(struct engine_ctx *x, const struct dsl_event *ev,
				 uint64_t queued)
{
	return report(x, ev, ENGINE_SKIP, "not applicable: the stack's send buffer took fewer "
		      "than the %llu octets the script keeps queued here (unacknowledged data "
		      "and this write; the size of the send buffer is the stack's choice)",
		      (unsigned long long)queued);
}

int engine_wait_until(struct engine_ctx *x, int64_t script_ns)
{
	int64_t target_time = x->t0 + script_ns;
	if (x->virtual_time) {
		int64_t next;
		while (target_now(&x->t) < target_time) {
			engine_vadvance(x, target_now(&x->t), &next);
			int64_t step = next < target_time ? next : target_time;
			if (step <= target_now(&x->t))
				step = target_time;
			if (engine_vadvance(x, step, &next) != TARGET_OK)
				return -1;
		}
		return 0;
	}
	struct timespec ts = { target_time / 1000000000, target_time % 1000000000 };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	return 0;
}

/* ---- options and configuration -------------------------------------------------------- */

static bool parse_ip(const char *text, int want_family, struct target_addr *a)
{
	memset(a, 0, sizeof *a);
	if (want_family == AF_INET && strchr(text, ':')) {
		/* ipv4-mapped-ipv6 runs may name the address as ::ffff:a.b.c.d */
		struct in6_addr m;
		if (inet_pton(AF_INET6, text, &m) != 1 || !IN6_IS_ADDR_V4MAPPED(&m))
			return false;
		a->family = AF_INET;
		memcpy(&a->u.v4, &m.s6_addr[12], 4);
		return true;
	}
	if (want_family == AF_INET6) {
		a->family = AF_INET6;
		return inet_pton(AF_INET6, text, &a->u.v6) == 1;
	}
	a->family = AF_INET;
	return inet_pton(AF_INET, text, &a->u.v4) == 1;
}

/* ":LINE:COL" of the option line that set name, when the command line did not
 * override it (a value from the command line has no line); else "". */
static const char *option_at(const struct engine_ctx *x, const char *name)
{
	static __thread char at[64];
	const struct engine_opts *c = x->cfg->cmdline;
	const struct dsl_option *op = NULL;
	at[0] = 0;
	for (size_t i = 0; i < x->file->n_options; i++)
		if (!strcmp(x->file->options[i].name, name))
			op = &x->file->options[i];
	bool from_cmdline = c && ((!strcmp(name, "mtu") && c->has_mtu) ||
				  (!strcmp(name, "local_ip") && c->has_local_ip) ||
				  (!strcmp(name, "remote_ip") && c->has_remote_ip) ||
				  (!strcmp(name, "gateway_ip") && c->has_gateway_ip));
	if (op && !from_cmdline)
		snprintf(at, sizeof at, ":%d:%d", op->loc.line, op->loc.column);
	return at;
}

static int configure(struct engine_ctx *x)
{
	const struct engine_run_cfg *cfg = x->cfg;
	struct engine_opts *o = &x->opts;
	o->tolerance_usecs = 4000;
	o->tolerance_percent = 12.5;
	char msg[256];
	for (size_t i = 0; i < x->file->n_options; i++) {
		const struct dsl_option *op = &x->file->options[i];
		if (engine_opt_set(o, op->name, op->value, msg, sizeof msg) != 0) {
			x->res->verdict = ENGINE_ERROR;
			snprintf(x->res->message, sizeof x->res->message, "%s:%d:%d: error: %s",
				 x->name, op->loc.line, op->loc.column, msg);
			return -1;
		}
	}
	if (cfg->cmdline)
		engine_opts_merge(o, cfg->cmdline);

	/* A script that names its IP version in an option line runs only on that one; a
	 * run over several versions (--ip-version) skips it on the others. */
	bool file_pins = false;
	for (size_t i = 0; i < x->file->n_options; i++)
		if (!strcmp(x->file->options[i].name, "ip_version"))
			file_pins = true;
	if (cfg->ip_version && file_pins && cfg->ip_version != o->ip_version &&
	    !(cfg->cmdline && cfg->cmdline->has_ip_version)) {
		x->res->verdict = ENGINE_SKIP;
		x->res->ip_version = cfg->ip_version;
		snprintf(x->res->message, sizeof x->res->message,
			 "%s: the script is written for %s only (--ip_version)", x->name,
			 target_ip_version_name(o->ip_version));
		return -1;
	}
	int ipv = cfg->ip_version ? cfg->ip_version
				  : o->has_ip_version ? o->ip_version : TARGET_IPV4_ONLY;
	struct target_config *tc = &x->tc;
	tc->ip_version = ipv;
	if (cfg->progress_ip_version)
		*cfg->progress_ip_version = ipv;
	int fam = ipv == TARGET_IPV6_ONLY ? AF_INET6 : AF_INET;
	struct { bool has; const char *text; struct target_addr *a; const char *name; } ips[] = {
		{ o->has_local_ip, o->local_ip, &tc->local_ip, "local_ip" },
		{ o->has_remote_ip, o->remote_ip, &tc->remote_ip, "remote_ip" },
		{ o->has_gateway_ip, o->gateway_ip, &tc->gateway_ip, "gateway_ip" },
	};
	for (size_t i = 0; i < 3; i++)
		if (ips[i].has && !parse_ip(ips[i].text, fam, ips[i].a)) {
			x->res->verdict = ENGINE_ERROR;
			x->res->ip_version = ipv;
			snprintf(x->res->message, sizeof x->res->message,
				 "%s%s: error: --%s=%s is not an %s address (the run is %s)",
				 x->name, option_at(x, ips[i].name), ips[i].name, ips[i].text,
				 fam == AF_INET6 ? "IPv6" : "IPv4", target_ip_version_name(ipv));
			return -1;
		}
	/* The MTU keeps the MSS the same on every IP version unless given: 1500 for IPv4,
	 * 1520 for IPv6, so one script runs unchanged as ipv4, ipv6 and ipv4-mapped. */
	int extra = ipv == TARGET_IPV6_ONLY ? 20 : 0;
	if (o->has_mtu && ipv == TARGET_IPV6_ONLY && o->mtu < ENGINE_MIN_MTU_IPV6) {
		x->res->verdict = ENGINE_ERROR;
		snprintf(x->res->message, sizeof x->res->message,
			 "%s%s: error: --mtu=%d is below the least MTU of IPv6, %d octets "
			 "(RFC 8200 section 5; IPv4 allows %d): pin the script to "
			 "--ip_version=ipv4 or raise the MTU", x->name, option_at(x, "mtu"), o->mtu,
			 ENGINE_MIN_MTU_IPV6, ENGINE_MIN_MTU_IPV4);
		return -1;
	}
	tc->mtu = o->has_mtu ? o->mtu : 1500 + extra;
	tc->mss = o->has_mss ? o->mss : 0;
	tc->local_port = o->has_bind_port ? o->bind_port : 8080;
	tc->remote_port = o->has_connect_port ? o->connect_port : 40000;
	if (o->has_prefix_len)
		tc->prefix_len = o->prefix_len;
	tc->script_path = x->name;
	tc->plugin_path = cfg->target->arg;     /* plugin:PATH */
	tc->verbose = o->verbose;
	target_config_defaults(tc);
	x->c.local_port = tc->local_port;
	x->c.remote_port = tc->remote_port;
	x->home_port = tc->remote_port;
	x->res->ip_version = ipv;
	return 0;
}

/* Static checks of what the script asks, before anything runs: a mistake in the
 * script is a usage error (exit 2) naming file:line:column, not a failure of the
 * stack, and so is a value the suite's runner would define that is not given. */
static int script_error(struct engine_ctx *x, const struct dsl_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int script_error(struct engine_ctx *x, const struct dsl_loc *loc, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	x->res->verdict = ENGINE_ERROR;
	snprintf(x->res->message, sizeof x->res->message, "%s:%d:%d: error: %s", x->name,
		 loc->line, loc->column, text);
	return -1;
}

static bool defined(const struct engine_opts *o, const char *name)
{
	for (int i = 0; i < o->n_defines; i++)
		if (!strcmp(o->defines[i][0], name))
			return true;
	return false;
}

static int check_packet(struct engine_ctx *x, const struct dsl_event *ev)
{
	const struct dsl_packet *p = &ev->packet;
	bool in = p->dir == DSL_DIR_INBOUND;
	if (p->proto != DSL_PROTO_TCP)
		return 0;
	for (size_t i = 0; p->opts_kind == DSL_OPTS_LIST && i < p->n_opts; i++) {
		const struct dsl_tcp_opt *o = &p->opts[i];
		/* md5 valid: signed or verified with --tcp_md5_secret */
		if (engine_md5_valid(o)) {
			if (!x->opts.has_md5_secret)
				return script_error(x, &o->loc, "'md5 valid' needs the key: give "
						    "--tcp_md5_secret=SECRET");
			continue;
		}
		/* an outbound md5 is compared by kind: its value needs no definition */
		/* a value the suite's runner defines (-D TFO_COOKIE=...): without it the
		 * script cannot run, an error as under packetdrill, never a skip */
		if (o->sym && !defined(&x->opts, o->sym) && (in || o->kind != DSL_OPT_MD5))
			return script_error(x, &o->loc, "TCP option value %s is not defined "
					    "(give --define %s=VALUE)", o->sym, o->sym);
		if (in && o->value_any)
			return script_error(x, &o->loc, "an inbound %s option needs a value, not ...",
					    o->kind == DSL_OPT_MSS ? "mss" : "wscale");
		if (in && o->ts_val_any)
			return script_error(x, &o->loc, "an inbound TS option needs a val, not ... "
					    "(ecr ... echoes the stack's latest TS val)");
	}
	if (!in)
		return 0;
	if (ev->time.kind == DSL_TIME_ANY)
		return script_error(x, &ev->loc, "an inbound packet needs a time, not *");
	if (!p->has_win)
		return script_error(x, &ev->loc, "an inbound packet must give win (the window "
				    "the peer advertises)");
	if (p->seq.kind == DSL_SEQ_ANY_START)
		return script_error(x, &p->seq.loc, "an inbound packet needs a sequence number, "
				    "not ...(%u)", p->seq.len);
	if (p->opts_kind == DSL_OPTS_ANY)
		return script_error(x, &ev->loc, "an inbound packet cannot have <...> options "
				    "(list the options it carries, or none)");
	return 0;
}

/* TCP over UDP (--udp_encapsulation=tcp, /udp(SRC > DST) on packets and ICMP quotes:
 * FreeBSD's net.inet.tcp.udp_tunneling_port) needs a target that has it
 * (TARGET_TCP_OVER_UDP); on another the script is skipped, with the reason, before it
 * starts. */
static int check_udp_encap(struct engine_ctx *x)
{
	const struct dsl_event *at = NULL;
	for (size_t i = 0; i < x->file->n_events && !at; i++) {
		const struct dsl_event *ev = &x->file->events[i];
		if (ev->kind == DSL_EV_PACKET &&
		    (ev->packet.has_udp_encap || ev->packet.icmp.quote_encap))
			at = ev;
	}
	if (!at && !x->opts.udp_encap)
		return 0;
	if (at)         /* the stack's tunneling port: where inbound ones go, outbound come from */
		x->udp_tun_port = at->packet.dir == DSL_DIR_INBOUND ? at->packet.udp_dst
								  : at->packet.udp_src;
	if (x->cfg->target->caps & TARGET_TCP_OVER_UDP)
		return 0;
	const char *name = x->cfg->target->name;
	if (!strcmp(name, "linux"))
		engine_skip_stack(x, at, "TCP over UDP (--udp_encapsulation=tcp): Linux has none "
			    "(FreeBSD's net.inet.tcp.udp_tunneling_port)");
	else
		engine_skip_stack(x, at, "TCP over UDP (--udp_encapsulation=tcp): the %s target has "
			    "none", name);
	return -1;
}

/* A script of shell commands and code blocks alone (no packet, no system call) would
 * pass without checking TCP at all: it is skipped as checking nothing (exit 4), never
 * passed, unless an --allow_empty option line or flag says that is meant. */
static int check_something(struct engine_ctx *x)
{
	const struct dsl_file *f = x->file;
	if (x->opts.allow_empty || !f->n_events)
		return 0;       /* no event at all: the parser's error, or allowed */
	for (size_t i = 0; i < f->n_events; i++)
		if (f->events[i].kind == DSL_EV_PACKET || f->events[i].kind == DSL_EV_SYSCALL)
			return 0;
	x->res->verdict = ENGINE_SKIP;
	snprintf(x->res->message, sizeof x->res->message, "%s:%d: checks nothing: the script "
		 "has no packet and no system call line, only shell commands or code blocks, "
		 "so a pass would say nothing about TCP (--allow_empty runs it anyway)",
		 x->name, f->events[0].loc.line);
	return -1;
}

static int check_script(struct engine_ctx *x)
{
	if (check_something(x) != 0 || check_udp_encap(x) != 0)
		return -1;
	for (size_t i = 0; i < x->file->n_events; i++) {
		const struct dsl_event *ev = &x->file->events[i];
		if (ev->kind == DSL_EV_PACKET && check_packet(x, ev) != 0)
			return -1;
	}
	return 0;
}

int engine_capture_path(char *buf, size_t cap, const char *dir, const char *pcap_name,
			const char *script, int ip_version)
{
	char *copy = strdup(pcap_name ? pcap_name : script);
	if (!copy)
		return -1;
	char *base = pcap_name ? copy : basename(copy);
	size_t n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".pkt"))
		base[n - 4] = 0;
	snprintf(buf, cap, "%s/%s.%s.pcap", dir, base, target_ip_version_name(ip_version));
	free(copy);
	return 0;
}

/* Linux cooked (LINKTYPE_LINUX_SLL): its packet type says which side sent each packet
 * (engine_capture), so tcpspec decode, tcpdump and Wireshark know the stack under
 * test from its peer whatever the exchange.  Nanosecond timestamps. */
static pcap_dumper_t *capture_open(const char *path, pcap_t **pcap)
{
	*pcap = pcap_open_dead_with_tstamp_precision(DLT_LINUX_SLL, 65535 + 16,
						     PCAP_TSTAMP_PRECISION_NANO);
	pcap_dumper_t *d = *pcap ? pcap_dump_open(*pcap, path) : NULL;
	/* the header on disk at once: a run stopped (--timeout, a signal: the process
	 * is killed) leaves a valid capture of what it got to */
	if (d)
		pcap_dump_flush(d);
	return d;
}

int engine_capture_empty(const char *path)
{
	pcap_t *p;
	pcap_dumper_t *d = capture_open(path, &p);
	if (d)
		pcap_dump_close(d);
	if (p)
		pcap_close(p);
	return d ? 0 : -1;
}

static void open_capture(struct engine_ctx *x)
{
	const char *dir = x->cfg->pcap_dir;
	if (!dir)
		return;
	char path[4096];
	if (engine_capture_path(path, sizeof path, dir, x->cfg->pcap_name, x->name,
				x->tc.ip_version) != 0)
		return;
	x->dumper = capture_open(path, &x->pcap);
	if (!x->dumper && x->cfg->log)
		fprintf(x->cfg->log, "%s: warning: cannot write capture %s\n", x->name, path);
}

/* ---- shell and code ------------------------------------------------------------------ */

/* The last `tcp_congestion_control=NAME` in text, into out. */
static bool find_cc(const char *text, size_t len, char *out, size_t cap)
{
	static const char key[] = "tcp_congestion_control";
	bool found = false;
	for (const char *p = text; p && (size_t)(p - text) < len;) {
		const char *k = memmem(p, len - (p - text), key, sizeof key - 1);
		if (!k)
			break;
		const char *v = k + sizeof key - 1;
		const char *end = text + len;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v < end && *v == '=') {
			v++;
			while (v < end && (*v == ' ' || *v == '"' || *v == '\''))
				v++;
			size_t n = 0;
			while (v + n < end && n + 1 < cap &&
			       ((v[n] >= 'a' && v[n] <= 'z') || (v[n] >= 'A' && v[n] <= 'Z') ||
				(v[n] >= '0' && v[n] <= '9') || v[n] == '_'))
				n++;
			if (n) {
				memcpy(out, v, n);
				out[n] = 0;
				found = true;
			}
		}
		p = k + 1;
	}
	return found;
}

/* A shell line (or a set-up file it runs, like ../common/defaults.sh) that picks a
 * congestion control: tell the target, which may have to apply it another way. */
static void shell_settings(struct engine_ctx *x, const struct dsl_event *ev)
{
	if (!x->t.ops->setting || !ev->text)
		return;
	char cc[32], found_cc[32] = "";
	char *copy = strdup(x->name);
	char *tok_buf = strdup(ev->text);
	if (!copy || !tok_buf) {
		free(copy);
		free(tok_buf);
		return;
	}
	const char *dir = dirname(copy);
	for (char *save = NULL, *tok = strtok_r(tok_buf, " \t\n;|&()`", &save); tok;
	     tok = strtok_r(NULL, " \t\n;|&()`", &save)) {
		if (find_cc(tok, strlen(tok), cc, sizeof cc)) {
			strcpy(found_cc, cc);
			continue;
		}
		if (!strchr(tok, '/'))
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s%s%s", tok[0] == '/' ? "" : dir,
			 tok[0] == '/' ? "" : "/", tok);
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;       /* only plain files: never a device or a pipe */
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		static char buf[65536];
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		if (find_cc(buf, n, cc, sizeof cc))
			strcpy(found_cc, cc);
	}
	free(copy);
	free(tok_buf);
	if (found_cc[0] && target_setting(&x->t, "net.ipv4.tcp_congestion_control",
					  found_cc) != TARGET_OK && x->cfg->log)
		fprintf(x->cfg->log, "%s:%d: warning: %s\n", x->name, ev->loc.line, x->t.diag.msg);
}

/* The command handed to the target for a shell line.  A real shell runs it from the
 * script's directory (suites call ../common/setup.sh); an in-process target maps the
 * text onto settings itself and gets it as written, so its messages quote the script. */
static char *shell_command(const struct engine_ctx *x, const char *text)
{
	char *cmd = NULL;
	if (!target_has(&x->t, TARGET_RUNS_SHELL))
		return strdup(text);
	if (asprintf(&cmd, "cd \"$TCPSPEC_SCRIPT_DIR\" || exit 127\n%s", text) < 0)
		return NULL;
	return cmd;
}

/* After a shell line failed on a target with a real shell: a queueing discipline it
 * sets (`tc qdisc add|replace|change ... KIND`) that the kernel does not offer in the
 * namespace, found by trying KIND on lo (the namespace is the script's own), so the
 * failure can name it.  out gets " (...)" or stays empty. */
static void shell_forbidden(struct engine_ctx *x, const char *text, char *out, size_t cap)
{
	out[0] = 0;
	char *copy = strdup(text);
	if (!copy)
		return;
	static const char *const skip[] = { "dev", "parent", "handle", "estimator", NULL };
	char *save = NULL, *prev = NULL;
	bool in_qdisc = false, verb = false;
	for (char *w = strtok_r(copy, " \t\n;|&`", &save); w && !out[0];
	     prev = w, w = strtok_r(NULL, " \t\n;|&`", &save)) {
		if (!strcmp(w, "qdisc")) {
			in_qdisc = true;
			verb = false;
			continue;
		}
		if (!in_qdisc)
			continue;
		if (!verb) {
			verb = !strcmp(w, "add") || !strcmp(w, "replace") || !strcmp(w, "change");
			if (!verb)
				in_qdisc = false;
			continue;
		}
		bool is_arg = false;
		for (int i = 0; skip[i]; i++)
			if (prev && !strcmp(prev, skip[i]))
				is_arg = true;
		if (is_arg || !strcmp(w, "root") || !strcmp(w, "ingress") || !strcmp(w, "clsact"))
			continue;
		for (int i = 0; skip[i]; i++)
			if (!strcmp(w, skip[i]))
				is_arg = true;
		if (is_arg)
			continue;
		/* w is the kind: does the kernel offer it here? */
		char probe[160];
		int st = 0;
		snprintf(probe, sizeof probe, "tc qdisc add dev lo root %.40s >/dev/null 2>&1 && "
			 "tc qdisc del dev lo root >/dev/null 2>&1", w);
		if (target_shell(&x->t, probe, &st) == TARGET_OK && st != 0)
			snprintf(out, cap, " (the kernel offers no qdisc '%.40s' in the namespace)", w);
		in_qdisc = false;
	}
	free(copy);
}

/* The first of the shell lines that went on with a qdisc verb (run_shell) whose qdisc
 * the kernel lacks, named in x->forbidden: asked once the script has failed. */
static void qdisc_lines_forbidden(struct engine_ctx *x)
{
	for (int i = 0; i < x->n_qdisc_lines && !x->forbidden[0]; i++) {
		const struct dsl_event *ev = x->qdisc_lines[i];
		char why[160];
		shell_forbidden(x, ev->text, why, sizeof why);
		if (why[0]) {
			snprintf(x->forbidden, sizeof x->forbidden, "line %d sets a qdisc%s",
				 ev->loc.line, why);
			if (x->cfg->log)
				fprintf(x->cfg->log, "%s:%d: warning: %s\n", x->name, ev->loc.line,
					x->forbidden);
		}
	}
	x->n_qdisc_lines = 0;
}

/* The running kernel's CONFIG_HZ, from its configuration (/proc/config.gz, else
 * /boot/config-RELEASE); 0 when neither says.  A tick coarser than 1 ms is named in
 * the linux target's timing failures: scripts written for HZ=1000 expect timers to
 * fire within the 4 ms tolerance, and tcp_info's times (busy, limited) in 1 ms steps. */
static void tick_note(struct engine_ctx *x)
{
	FILE *f = popen("{ zcat /proc/config.gz 2>/dev/null || cat \"/boot/config-$(uname -r)\" "
			"2>/dev/null; } | grep -m1 '^CONFIG_HZ='", "r");
	if (!f)
		return;
	char line[64] = "";
	int hz = 0;
	if (fgets(line, sizeof line, f))
		hz = atoi(line + strlen("CONFIG_HZ="));
	pclose(f);
	if (hz > 0 && hz < 1000)
		snprintf(x->tick_note, sizeof x->tick_note, "this kernel ticks at CONFIG_HZ=%d "
			 "(every %d ms): its timers fire and tcp_info counts time in steps of %d "
			 "ms, a script written for HZ=1000 can miss its tolerance by a tick", hz,
			 1000 / hz, 1000 / hz);
}

static int run_shell(struct engine_ctx *x, const struct dsl_event *ev)
{
	if (!target_has(&x->t, TARGET_RUNS_SHELL) && !x->t.ops->shell)
		return engine_skip_stack(x, ev, "the %s target cannot run shell commands: `%s`",
				   x->t.ops->name, ev->text);
	int64_t before = target_now(&x->t);
	int status = 0;
	char *cmd = shell_command(x, ev->text);
	if (!cmd)
		return engine_fail(x, ev, 0, "out of memory");
	int rc = target_shell(&x->t, cmd, &status);
	free(cmd);
	if (rc == TARGET_OK)
		shell_settings(x, ev);
	x->res->shell = true;
	/* a line that may have gone on past a qdisc the kernel lacks: the script then runs
	 * without it, and a later failure says so (qdisc_lines_forbidden) */
	if (rc == TARGET_OK && status == 0 && target_has(&x->t, TARGET_RUNS_SHELL) &&
	    strstr(ev->text, "qdisc") && x->n_qdisc_lines < (int)(sizeof x->qdisc_lines /
								sizeof x->qdisc_lines[0]))
		x->qdisc_lines[x->n_qdisc_lines++] = ev;
	if (!x->virtual_time)
		x->t0 += target_now(&x->t) - before;
	if (rc == TARGET_UNSUPPORTED)
		return engine_skip_stack(x, ev, "%s", x->t.diag.msg);
	if (rc != TARGET_OK)
		return engine_fail(x, ev, 0, "error running shell command: %s", x->t.diag.msg);
	if (status != 0) {
		char why[160] = "";
		if (target_has(&x->t, TARGET_RUNS_SHELL))
			shell_forbidden(x, ev->text, why, sizeof why);
		return engine_fail(x, ev, 0, "shell command failed with exit status %d%s: `%s`",
				   status, why, ev->text);
	}
	return ENGINE_PASS;
}

static int snapshot_code(struct engine_ctx *x, const struct dsl_event *ev)
{
	if (x->n_code >= ENGINE_MAX_CODE)
		return engine_skip(x, ev, "more than %d code blocks", ENGINE_MAX_CODE);
	struct engine_code *c = &x->code[x->n_code++];
	c->ev = ev;
	c->have_info = false;
	c->n_isns = x->n_isns;
	if (x->last_sock >= 0) {
		int rc = target_tcp_info(&x->t, x->last_sock, &c->info);
		c->have_info = rc == TARGET_OK;
		if (rc == TARGET_UNSUPPORTED && !x->no_tcp_info[0])
			snprintf(x->no_tcp_info, sizeof x->no_tcp_info, "%s",
				 x->t.diag.msg[0] ? x->t.diag.msg : "the target has no TCP_INFO");
	}
	c->n_meminfo = 0;
	if (x->last_sock >= 0 && !x->pending && target_has(&x->t, TARGET_RUNS_SHELL)) {
		/* the socket's memory counters, as packetdrill offers them (SO_MEMINFO: an
		 * array of u32 indexed by SK_MEMINFO_*) */
		struct target_call q = { .kind = TARGET_CALL_GETSOCKOPT, .fd = x->last_sock,
					 .level = SOL_SOCKET, .optname = SO_MEMINFO,
					 .optlen = sizeof c->meminfo,
					 .nonblocking_expected = true,
					 .block_ns = 1000000000 };
		struct target_result r;
		memset(&r, 0, sizeof r);
		if (target_call(&x->t, &q, &r) == TARGET_OK && r.ret == 0 &&
		    r.opt.kind == TARGET_OPT_BYTES && r.opt.nbytes >= sizeof c->meminfo) {
			memcpy(c->meminfo, r.opt.bytes, sizeof c->meminfo);
			c->n_meminfo = ENGINE_N_MEMINFO;
		}
	}
	return ENGINE_PASS;
}

static const char *find_python(void)
{
	static const char *const cands[] = { "/usr/bin/python3", "/usr/local/bin/python3",
					     "/bin/python3" };
	for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++)
		if (access(cands[i], X_OK) == 0)
			return cands[i];
	/* then the PATH */
	static char found[4096];
	const char *path = getenv("PATH");
	while (path && *path) {
		size_t k = strcspn(path, ":");
		if (k && k < sizeof found - 9) {
			memcpy(found, path, k);
			strcpy(found + k, "/python3");
			if (access(found, X_OK) == 0)
				return found;
		}
		path += k + (path[k] == ':');
	}
	return NULL;
}

static void hex_append(FILE *f, const char *s)
{
	for (; *s; s++)
		fprintf(f, "%02x", (unsigned char)*s);
}

/* One python3 run checks every code block, each with its own tcpi_* bindings. */
static int run_code_blocks(struct engine_ctx *x)
{
	if (!x->n_code)
		return ENGINE_PASS;
	/* simple asserts are checked here, in order; at the first block that is not
	 * simple, python3 checks them all (the verdict is the same either way) */
	const char *force = getenv("TCPSPEC_CODE_PYTHON");    /* tests compare the two */
	for (size_t i = 0; !(force && *force == '1') && i < x->n_code; i++) {
		const struct engine_code *c = &x->code[i];
		int k = 0;
		char msg[600];
		int r = engine_code_eval(c->ev->text, c->have_info ? &c->info : NULL, &k, msg,
					 sizeof msg);
		if (r < 0)
			break;
		if (r == 0) {
			struct dsl_event at = *c->ev;
			at.loc.line += k - 1;
			return engine_fail(x, &at, 0, "error in code block: %s", msg);
		}
		if (i + 1 == x->n_code)
			return ENGINE_PASS;
	}
	const char *py = find_python();
	if (!py)
		return engine_skip(x, x->code[0].ev,
				   "code blocks need python3, which is not installed here");
	char *prog = NULL;
	size_t plen = 0;
	FILE *f = open_memstream(&prog, &plen);
	if (!f)
		return engine_fail(x, x->code[0].ev, 0, "out of memory");
	/* the verdict goes to the engine on stdout; what a block prints itself goes to
	 * stderr, the run's log, so it can never be read as a verdict */
	fputs("import ast, sys, textwrap, traceback\n"
	      "verdict = sys.stdout; sys.stdout = sys.stderr\n"
	      "consts = dict(TCP_ESTABLISHED=1, TCP_SYN_SENT=2, TCP_SYN_RECV=3, TCP_FIN_WAIT1=4,\n"
	      "  TCP_FIN_WAIT2=5, TCP_TIME_WAIT=6, TCP_CLOSE=7, TCP_CLOSE_WAIT=8, TCP_LAST_ACK=9,\n"
	      "  TCP_LISTEN=10, TCP_CLOSING=11, TCP_CA_Open=0, TCP_CA_Disorder=1, TCP_CA_CWR=2,\n"
	      "  TCP_CA_Recovery=3, TCP_CA_Loss=4, TCPI_OPT_TIMESTAMPS=1, TCPI_OPT_SACK=2,\n"
	      "  TCPI_OPT_WSCALE=4, TCPI_OPT_ECN=8, TCPI_OPT_ECN_SEEN=16, TCPI_OPT_SYN_DATA=32,\n"
	      "  TCPI_ESTABLISHED=1, TCPI_SYN_SENT=2, TCPI_SYN_RECEIVED=3, TCPI_FIN_WAIT_1=4,\n"
	      "  TCPI_FIN_WAIT_2=5, TCPI_TIME_WAIT=6, TCPI_CLOSED=7, TCPI_CLOSE_WAIT=8,\n"
	      "  TCPI_LAST_ACK=9, TCPI_LISTEN=10, TCPI_CLOSING=11)\n"
	      /* one namespace for every block, as packetdrill's one generated file: a
	       * name a block sets is seen by the later ones */
	      "env = dict(consts)\n"
	      /* a failed assert without a message of its own: the values of its one
	       * comparison's operands (engine/code.c prints the same) */
	      "def operands(txt):\n"
	      "    try:\n"
	      "        t = ast.parse(txt).body[0].test\n"
	      "        o = {ast.Eq: '==', ast.NotEq: '!=', ast.Lt: '<', ast.LtE: '<=', ast.Gt: '>', ast.GtE: '>='}\n"
	      "        if type(t) is ast.Compare and len(t.ops) == 1 and type(t.ops[0]) in o:\n"
	      "            v = [eval(compile(ast.Expression(x), 'operand', 'eval'), env) for x in (t.left, t.comparators[0])]\n"
	      "            return ' (operands %r %s %r)' % (v[0], o[type(t.ops[0])], v[1])\n"
	      "    except Exception:\n"
	      "        pass\n"
	      "    return ''\n"
	      "def run(line, info, src):\n"
	      "    env.update(info)\n"
	      "    lines = bytes.fromhex(src).decode().split('\\n')\n"
	      "    first = lines[0].strip()\n"
	      /* the closing newline: a block may end in backslash-newline */
	      "    src = first + '\\n' + textwrap.dedent('\\n'.join(lines[1:])) + '\\n'\n"
	      "    try:\n"
	      "        exec(compile(src, 'line %d' % line, 'exec'), env)\n"
	      "    except AssertionError as e:\n"
	      "        tb = traceback.extract_tb(sys.exc_info()[2])[-1]\n"
	      "        k = tb.lineno if tb.filename.startswith('line ') else 1\n"
	      "        txt = src.split('\\n')[k - 1].strip()\n"
	      "        print('%d\\tassertion failed: %s%s' % (line + k - 1, txt, (' (value ' + str(e) + ')') if str(e) else operands(txt)), file=verdict)\n"
	      "        sys.exit(1)\n"
	      "    except NameError as e:\n"
	      "        n = getattr(e, 'name', None) or str(e).split(\"'\")[1:2] and str(e).split(\"'\")[1]\n"
	      "        if n in fields:\n"
	      "            tb = traceback.extract_tb(sys.exc_info()[2])[-1]\n"
	      "            k = tb.lineno if tb.filename.startswith('line ') else 1\n"
	      "            why = 'skip' if info.get('tcpspec_have_info') else 'noinfo'\n"
	      "            print('%d\\t%s\\t%s' % (line + k - 1, why, n), file=verdict)\n"
	      "            sys.exit(3)\n"
	      "        print('%d\\t%s: %s' % (line, type(e).__name__, e), file=verdict)\n"
	      "        sys.exit(1)\n"
	      "    except Exception as e:\n"
	      "        print('%d\\t%s: %s' % (line, type(e).__name__, e), file=verdict)\n"
	      "        sys.exit(1)\n", f);
	/* every TCP_INFO field name: one the target leaves invalid skips the script */
	fputs("fields = {", f);
	for (int k = 0; k < TARGET_TI_COUNT; k++)
		fprintf(f, "'tcpi_%s', ", target_tcp_info_name(k));
	fputs("}\n", f);
	for (size_t i = 0; i < x->n_code; i++) {
		const struct engine_code *c = &x->code[i];
		fprintf(f, "run(%d, {", c->ev->loc.line);
		for (int k = 0; c->have_info && k < TARGET_TI_COUNT; k++)
			if (c->info.valid & (1ull << k))
				fprintf(f, "'tcpi_%s': %lld, ", target_tcp_info_name(k),
					(long long)c->info.v[k]);
		fprintf(f, "'tcpspec_have_info': %s, ", c->have_info ? "True" : "False");
		static const char *const mem[ENGINE_N_MEMINFO] = {
			"RMEM_ALLOC", "RCVBUF", "WMEM_ALLOC", "SNDBUF", "FWD_ALLOC",
			"WMEM_QUEUED", "OPTMEM", "BACKLOG", "DROPS" };
		for (int k = 0; k < c->n_meminfo; k++)
			fprintf(f, "'SK_MEMINFO_%s': %lu, ", mem[k], (unsigned long)c->meminfo[k]);
		fputs("'tcpspec_local_isns': [", f);
		for (size_t k = 0; k < c->n_isns; k++)
			fprintf(f, "%s%lu", k ? ", " : "", (unsigned long)x->isns[k].seq);
		fputs("]}, '", f);
		hex_append(f, c->ev->text ? c->ev->text : "");
		fputs("')\n", f);
	}
	fclose(f);

	int out[2];
	if (pipe(out) != 0) {
		free(prog);
		return engine_fail(x, x->code[0].ev, 0, "pipe: %s", strerror(errno));
	}
	if (x->cfg->log)
		fflush(x->cfg->log);
	int logfd = x->cfg->log ? fileno(x->cfg->log) : -1;
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out[1], 1);
		if (logfd < 0)
			logfd = open("/dev/null", O_WRONLY);
		if (logfd >= 0)
			dup2(logfd, 2);
		close(out[0]);
		close(out[1]);
		execl(py, "python3", "-S", "-c", prog, (char *)NULL);
		_exit(127);
	}
	free(prog);
	close(out[1]);
	char buf[1024];
	size_t n = 0;
	ssize_t r;
	bool timed_out = false;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		/* a block that never ends must not hang the run */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		int left = ENGINE_CODE_TIMEOUT_MS - (int)((now.tv_sec - t0.tv_sec) * 1000 +
							  (now.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd pf = { .fd = out[0], .events = POLLIN };
		if (left <= 0 || (poll(&pf, 1, left) == 0)) {
			timed_out = true;
			if (pid > 0)
				kill(pid, SIGKILL);
			break;
		}
		if (n >= sizeof buf - 1) {
			char sink[256];       /* keep draining so the child cannot block */
			r = read(out[0], sink, sizeof sink);
		} else {
			r = read(out[0], buf + n, sizeof buf - 1 - n);
			if (r > 0)
				n += r;
		}
		if (r == 0 || (r < 0 && errno != EINTR))
			break;
	}
	buf[n] = 0;
	close(out[0]);
	int st = 0;
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	if (pid < 0)
		return engine_fail(x, x->code[0].ev, 0, "fork: %s", strerror(errno));
	if (timed_out)
		return engine_fail(x, x->code[0].ev, 0, "error in code block: python3 did not "
				   "finish within %d s", ENGINE_CODE_TIMEOUT_MS / 1000);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return ENGINE_PASS;
	/* "LINE\tmessage" from the failing block (LINE: the script line of the assert) */
	int line = atoi(buf);
	const struct dsl_event *ev = x->code[0].ev;
	for (size_t i = 0; i < x->n_code; i++)
		if (x->code[i].ev->loc.line <= line)
			ev = x->code[i].ev;
	char *tab = strchr(buf, '\t');
	char *msg = tab ? tab + 1 : buf;
	msg[strcspn(msg, "\n")] = 0;
	if (!strncmp(msg, "skip\t", 5)) {
		struct dsl_event at = *ev;
		if (line > 0)
			at.loc.line = line;
		return engine_skip_stack(x, &at, "the code block reads %s, which the %s target does "
				   "not report (its TCP_INFO leaves that field invalid)", msg + 5,
				   x->t.ops->name);
	}
	if (!strncmp(msg, "noinfo\t", 7)) {
		/* a tcpi_* name read where there was no TCP_INFO to bind it */
		struct dsl_event at = *ev;
		if (line > 0)
			at.loc.line = line;
		if (x->no_tcp_info[0])
			return engine_skip_stack(x, &at, "the code block reads %s, but %s", msg + 7,
					   x->no_tcp_info);
		return engine_fail(x, &at, 0, "error in code block: NameError: name '%s' is "
				   "not defined (no TCP_INFO at that time: no socket open yet, "
				   "or the last one closed)", msg + 7);
	}
	struct dsl_event at = *ev;      /* report the line of the failing assert */
	if (line > 0)
		at.loc.line = line;
	return engine_fail(x, &at, 0, "error in code block: %s", msg);
}

/* ---- the event loop ------------------------------------------------------------------ */

static int64_t point(int64_t base, const struct dsl_time_point *p)
{
	return p->relative ? base + p->ns : p->ns;
}

static bool is_inbound_packet(const struct dsl_event *ev)
{
	return ev && ev->kind == DSL_EV_PACKET && ev->packet.dir == DSL_DIR_INBOUND;
}

static int64_t tolerance(struct engine_ctx *x, int64_t expected)
{
	int64_t t = x->opts.tolerance_usecs * 1000;
	int64_t gap = expected - x->prev_ns;
	int64_t pct = (int64_t)((double)gap * x->opts.tolerance_percent / 100.0);
	return pct > t ? pct : t;
}

static int late_check(struct engine_ctx *x, const struct dsl_event *ev, int64_t expected,
		      int64_t tol, const char *what)
{
	if (x->virtual_time)
		return ENGINE_PASS;
	int64_t now = engine_now(x);
	if (now <= expected + tol)
		return ENGINE_PASS;
	char e[32], a[32], t[32];
	engine_fmt_time(e, sizeof e, expected);
	engine_fmt_time(a, sizeof a, now);
	engine_fmt_time(t, sizeof t, tol);
	return engine_fail(x, ev, 0, "timing error: expected the %s at %s sec but it happened "
			   "at %s sec (tolerance %s sec)", what, e, a, t);
}

static int run_event(struct engine_ctx *x, const struct dsl_event *ev)
{
	const struct dsl_time *tm = &ev->time;
	int64_t lo = 0, hi = 0, tol = 0;
	bool any = false, blocking = false;
	/* Relative times count from now, when the script reaches the event (so time spent
	 * by the previous event never makes this one late), except that consecutive
	 * inbound packets count from the previous one's time, so they keep their spacing.
	 * That is how scripts written for packetdrill are timed. */
	int64_t base = is_inbound_packet(ev) && is_inbound_packet(x->prev_ev) ? x->prev_ns
									       : engine_now(x);
	switch (tm->kind) {
	case DSL_TIME_NONE:
		lo = hi = engine_now(x);
		break;
	case DSL_TIME_ABSOLUTE:
	case DSL_TIME_RELATIVE:
		lo = hi = point(base, &tm->start);
		break;
	case DSL_TIME_ANY:
		any = true;
		lo = hi = engine_now(x);
		break;
	case DSL_TIME_RANGE:
	case DSL_TIME_BLOCKING:
		lo = point(base, &tm->start);
		hi = tm->start.relative || tm->end.relative ? base + tm->end.ns : tm->end.ns;
		blocking = tm->kind == DSL_TIME_BLOCKING;
		break;
	}
	if (hi < lo)
		return engine_fail(x, ev, 0, "the time range ends before it starts");
	tol = tolerance(x, hi);

	int v = engine_pending_check(x, false);
	if (v != ENGINE_PASS)
		return v;
	if (x->opts.verbose && x->cfg->log) {
		char a[32], e[32];
		engine_fmt_time(a, sizeof a, engine_now(x));
		engine_fmt_time(e, sizeof e, lo);
		fprintf(x->cfg->log, "%s:%d: event due at %s sec, now %s sec\n", x->name,
			ev->loc.line, e, a);
	}

	switch (ev->kind) {
	case DSL_EV_PACKET:
		if (ev->packet.dir == DSL_DIR_INBOUND) {
			if (any)
				return engine_fail(x, ev, 0, "an inbound packet needs a time, not *");
			engine_wait_until(x, lo);
			if ((v = late_check(x, ev, lo, tol, "inbound packet")) != ENGINE_PASS)
				return v;
			x->act_lag_ns = engine_now(x) > lo ? engine_now(x) - lo : 0;
			v = engine_inbound(x, ev);
			x->prev_ns = lo;
		} else {
			/* the engine's own lateness in making the stack act (a write issued
			 * 3 ms late on a loaded machine) is never charged to the stack: the
			 * reply's window closes that much later (its opening stays) */
			if (ev->packet.unchecked)
				v = engine_outbound_unchecked(x, ev, hi);
			else
				v = engine_outbound(x, ev, any, lo, hi + x->act_lag_ns, tol);
			x->prev_ns = any || ev->packet.unchecked ? engine_now(x) : lo;
		}
		break;
	case DSL_EV_SYSCALL:
		if (!blocking) {
			lo = hi;
		}
		engine_wait_until(x, lo);
		if ((v = late_check(x, ev, lo, tolerance(x, lo), "system call")) != ENGINE_PASS)
			return v;
		x->act_lag_ns = engine_now(x) > lo ? engine_now(x) - lo : 0;
		v = engine_do_syscall(x, ev, lo, blocking ? hi : lo, hi, tol, blocking);
		x->prev_ns = lo;
		break;
	case DSL_EV_SHELL:
		if (tm->kind != DSL_TIME_NONE)
			engine_wait_until(x, lo);
		v = run_shell(x, ev);
		if (tm->kind != DSL_TIME_NONE)
			x->prev_ns = lo;
		break;
	case DSL_EV_CODE:
		if (tm->kind != DSL_TIME_NONE)
			engine_wait_until(x, lo);
		v = snapshot_code(x, ev);
		if (tm->kind != DSL_TIME_NONE)
			x->prev_ns = lo;
		break;
	case DSL_EV_UNSUPPORTED:
		return engine_skip(x, ev, "%s", ev->reason ? ev->reason : "unsupported line");
	}
	if (hi > x->last_ns && !any)
		x->last_ns = hi;
	if (tm->kind != DSL_TIME_NONE)
		x->prev_ev = ev;
	return v;
}

/* Remember an environment variable's value before the script sets it. */
static void save_env(struct engine_ctx *x, const char *name)
{
	if (x->n_saved_env >= sizeof x->saved_env / sizeof x->saved_env[0])
		return;
	for (size_t i = 0; i < x->n_saved_env; i++)
		if (!strcmp(x->saved_env[i].name, name))
			return;
	const char *old = getenv(name);
	x->saved_env[x->n_saved_env].name = strdup(name);
	x->saved_env[x->n_saved_env].value = old ? strdup(old) : NULL;
	if (x->saved_env[x->n_saved_env].name)
		x->n_saved_env++;
}

static void restore_env(struct engine_ctx *x)
{
	for (size_t i = 0; i < x->n_saved_env; i++) {
		if (x->saved_env[i].value)
			setenv(x->saved_env[i].name, x->saved_env[i].value, 1);
		else
			unsetenv(x->saved_env[i].name);
		free(x->saved_env[i].name);
		free(x->saved_env[i].value);
	}
	x->n_saved_env = 0;
}

static void parse_failed(struct engine_ctx *x, enum dsl_status st, const struct dsl_diags *dg)
{
	struct engine_result *res = x->res;
	res->verdict = st == DSL_UNSUPPORTED ? ENGINE_SKIP : ENGINE_ERROR;
	res->message[0] = 0;
	for (size_t i = 0; i < dg->n; i++) {
		const struct dsl_diag *d = &dg->v[i];
		if (st == DSL_UNSUPPORTED && d->severity != DSL_DIAG_UNSUPPORTED)
			continue;
		snprintf(res->message, sizeof res->message, "%s:%d:%d: %s: %s",
			 d->file ? d->file : x->name, d->line, d->column,
			 d->severity == DSL_DIAG_UNSUPPORTED ? "unsupported" : "error", d->message);
		return;
	}
	snprintf(res->message, sizeof res->message, "%s: cannot parse the script", x->name);
}

void engine_run_script(const struct engine_run_cfg *cfg, struct engine_result *res)
{
	memset(res, 0, sizeof *res);
	struct timespec w0;
	clock_gettime(CLOCK_MONOTONIC, &w0);
	struct engine_ctx *x = calloc(1, sizeof *x);
	if (!x) {
		res->verdict = ENGINE_ERROR;
		snprintf(res->message, sizeof res->message, "%s: out of memory", cfg->path);
		return;
	}
	x->cfg = cfg;
	x->res = res;
	x->name = cfg->path;
	x->last_sock = -1;

	struct dsl_diags dg = {0};
	enum dsl_status st = engine_parse_script(cfg->path, cfg->cmdline, true, &x->file, &dg);
	if (st != DSL_OK) {
		parse_failed(x, st, &dg);
		goto out;
	}
	if (configure(x) != 0 || check_script(x) != 0)
		goto out;
	unsigned caps = cfg->target->caps;
	if (x->tc.ip_version == TARGET_IPV6_ONLY && !(caps & TARGET_IPV6)) {
		res->verdict = ENGINE_SKIP;
		res->stack_lacks = true;
		snprintf(res->message, sizeof res->message, "%s: the %s target has no IPv6",
			 x->name, cfg->target->name);
		goto out;
	}
	if (x->tc.ip_version == TARGET_IPV4_MAPPED_IPV6 && !(caps & TARGET_IPV4_MAPPED)) {
		res->verdict = ENGINE_SKIP;
		res->stack_lacks = true;
		snprintf(res->message, sizeof res->message,
			 "%s: the %s target has no ipv4-mapped-ipv6 sockets", x->name,
			 cfg->target->name);
		goto out;
	}
	/* the environment shell lines see; put back at the end, as a process may run
	 * many scripts */
	save_env(x, "TCPSPEC_SCRIPT_DIR");
	/* As packetdrill: PACKETDRILL_PID is the pid of the process that runs the shell
	 * lines, so `${PPID}` in a later line equals it (Google's set_sysctls.py writes
	 * /tmp/sysctl_restore_${PACKETDRILL_PID}.sh, the clean-up line runs
	 * /tmp/sysctl_restore_${PPID}.sh). */
	save_env(x, "PACKETDRILL_PID");
	{
		char pid[24];
		snprintf(pid, sizeof pid, "%ld", (long)getpid());
		setenv("PACKETDRILL_PID", pid, 1);
	}
	for (int i = 0; i < x->opts.n_defines; i++) {
		save_env(x, x->opts.defines[i][0]);
		setenv(x->opts.defines[i][0], x->opts.defines[i][1], 1);
	}
	{
		char *copy = strdup(x->name);
		if (copy) {
			setenv("TCPSPEC_SCRIPT_DIR", dirname(copy), 1);
			free(copy);
		}
	}

	struct target_diag d = {0};
	int rc = target_open(&x->t, cfg->target, &x->tc, &d);
	if (rc != TARGET_OK) {
		res->verdict = rc == TARGET_UNAVAILABLE ? ENGINE_UNAVAILABLE
			       : rc == TARGET_UNSUPPORTED ? ENGINE_SKIP : ENGINE_FAIL;
		res->stack_lacks = rc == TARGET_UNSUPPORTED;   /* IPv6 sockets, ... */
		snprintf(res->message, sizeof res->message, "%s: %s", x->name, d.msg);
		goto out;
	}
	x->open = true;
	x->virtual_time = target_has(&x->t, TARGET_VIRTUAL_TIME);
	open_capture(x);
	engine_evlog_open(x);
	size_t n = x->file->n_events;
	size_t i = 0;
	/* a profile's defaults of the suite's own OS, before the script's own lines, on
	 * targets that map shell lines (a real shell's OS has its own defaults).  They
	 * are no demand of the script's: a target without the setting keeps its own
	 * behaviour, which the script then judges. */
	for (const char *const *d = x->opts.profile_defaults;
	     d && *d && x->t.ops->shell && !target_has(&x->t, TARGET_RUNS_SHELL); d++) {
		char cmd[160];
		int status = 0;
		snprintf(cmd, sizeof cmd, "sysctl -w %s", *d);
		if (target_shell(&x->t, cmd, &status) != TARGET_OK && x->opts.verbose && cfg->log)
			fprintf(cfg->log, "%s: the profile's default %s is not the target's: %s\n",
				x->name, *d, x->t.diag.msg);
	}

	/* set-up: untimed commands before the first timed event */
	for (; i < n && dsl_file_is_setup(x->file, i); i++) {
		const struct dsl_event *ev = &x->file->events[i];
		if (cfg->progress_line)
			*cfg->progress_line = ev->loc.line;
		int v = ev->kind == DSL_EV_SHELL ? run_shell(x, ev) : ENGINE_PASS;
		if (v != ENGINE_PASS)
			goto cleanup;
	}
	x->t0 = target_start(&x->t);
	/* Capture stamps: the wall clock on real-time targets; on virtual-time targets
	 * script time 0 is the Unix epoch, so two runs write byte-identical captures */
	x->wall0_ns = 0;
	if (!x->virtual_time) {
		struct timespec rt;
		clock_gettime(CLOCK_REALTIME, &rt);
		x->wall0_ns = (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec;
	}

	size_t first_cleanup = n;
	while (first_cleanup > i && dsl_file_is_cleanup(x->file, first_cleanup - 1))
		first_cleanup--;
	for (; i < first_cleanup; i++) {
		if (cfg->progress_line)
			*cfg->progress_line = x->file->events[i].loc.line;
		engine_evlog_line(x, &x->file->events[i]);
		int v = run_event(x, &x->file->events[i]);
		engine_evlog_event(x, &x->file->events[i], v);
		if (v != ENGINE_PASS)
			break;
	}
	if (res->verdict == ENGINE_PASS)
		engine_pending_check(x, true);
	if (res->verdict == ENGINE_PASS)
		run_code_blocks(x);
cleanup:
	res->scripted_ns = x->last_ns;
	engine_evlog_end(x);
	engine_drain_outbound(x);
	for (size_t k = 0; k < n; k++) {
		const struct dsl_event *ev = &x->file->events[k];
		if (dsl_file_is_cleanup(x->file, k) && ev->kind == DSL_EV_SHELL &&
		    !dsl_file_is_setup(x->file, k)) {
			/* the namespace goes anyway: a failing clean-up is only reported */
			if (cfg->progress_line)
				*cfg->progress_line = ev->loc.line;
			int status = 0;
			char *cmd = shell_command(x, ev->text);
			if (!cmd)
				continue;
			if (target_shell(&x->t, cmd, &status) == TARGET_OK && status != 0 &&
			    cfg->log)
				fprintf(cfg->log, "%s:%d: warning: clean-up shell command failed with "
					"exit status %d\n", x->name, ev->loc.line, status);
			free(cmd);
		}
	}
out:
	engine_evlog_write(x);      /* also for runs that never opened the target */
	if (x->dumper)
		pcap_dump_close(x->dumper);
	if (x->pcap)
		pcap_close(x->pcap);
	if (x->open)
		target_close(&x->t);
	if (x->file)
		dsl_free(x->file);
	dsl_diags_free(&dg);
	restore_env(x);
	engine_stream_free(x);
	free(x);
	struct timespec w1;
	clock_gettime(CLOCK_MONOTONIC, &w1);
	res->wall_ns = (int64_t)(w1.tv_sec - w0.tv_sec) * 1000000000 + (w1.tv_nsec - w0.tv_nsec);
}
