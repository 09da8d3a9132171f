/* Script options (option lines and the command line) and verdict names. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsl/dsl.h"
#include "engine/engine.h"

static const char *const verdict_names[] = {
#define X(name, code, text) [code] = text,
	ENGINE_VERDICTS(X)
#undef X
};

const char *engine_verdict_name(enum engine_verdict v)
{
	return (unsigned)v < sizeof verdict_names / sizeof verdict_names[0] ? verdict_names[v]
									      : "?";
}

/* The commands' own long options, offered as "did you mean" for a misspelt one. */
static const char *const cli_options[] = {
	"target", "jobs", "ip-version", "pcap", "tap", "junit", "json", "timeout", "quiet",
	"expect", "no-expect", "define", "markdown", "help", "script", NULL
};
const char *const *engine_cli_options = cli_options;

/* A value missing (--tolerance_usecs 5000 on a command line: the value is the next
 * argument, a file): the message says how it is written. */
static int no_value(char *msg, size_t cap, const char *name, const char *range)
{
	snprintf(msg, cap, "--%s needs a value, written --%s=VALUE%s%s%s", name, name,
		 range ? " (" : "", range ? range : "", range ? ")" : "");
	return -1;
}

static int bad(char *msg, size_t cap, const char *name, const char *value)
{
	if (!value)
		return no_value(msg, cap, name, NULL);
	snprintf(msg, cap, "bad value for --%s: '%s'", name, value);
	return -1;
}

/* A number out of its range: the message says the range. */
static int bad_range(char *msg, size_t cap, const char *name, const char *value,
		     const char *range)
{
	if (!value)
		return no_value(msg, cap, name, range);
	snprintf(msg, cap, "bad value for --%s: '%s' (%s)", name, value, range);
	return -1;
}

static bool parse_i64(const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	long long v = strtoll(s, &end, 0);
	if (*end)
		return false;
	*out = v;
	return true;
}

/* An address of either family: which one the run needs is known only once its IP
 * version is (engine run.c says so then). */
static bool is_address(const char *v)
{
	unsigned char buf[16];
	return v && (inet_pton(AF_INET, v, buf) == 1 || inet_pton(AF_INET6, v, buf) == 1);
}

static int set_str(char *dst, size_t cap, bool *has, const char *v)
{
	if (!v || strlen(v) >= cap)
		return -1;
	strcpy(dst, v);
	*has = true;
	return 0;
}

/* One option by name: the names are dsl's list (DSL_OPTNAMES), so a name the script
 * parser accepts is one handled here; a name the parser calls unsupported is unknown
 * on the command line (a script that sets one never reaches the engine: skipped). */
int engine_opt_set(struct engine_opts *o, const char *name, const char *value, char *msg,
		   size_t cap)
{
	int64_t v;
	enum dsl_optname id = dsl_optname_lookup(name, strlen(name));
	switch (id) {
	case DSL_OPTNAME_UNKNOWN:
	case DSL_OPTNAME_UNSUPPORTED:
	case DSL_OPTNAME_COUNT: {
		struct dsl_suggest sg;
		dsl_suggest_init(&sg, name);
		dsl_optname_suggest(&sg);
		for (const char *const *o = engine_cli_options; o && *o; o++)
			dsl_suggest_offer(&sg, *o);
		snprintf(msg, cap, "unknown option --%s%s%s%s", name, sg.best ? "; did you mean --" : "",
			 sg.best ? sg.best : "", sg.best ? "?" : "");
		return -1;
	}
	case DSL_OPTNAME_TOLERANCE_USECS:
		if (!parse_i64(value, &v) || v < 0 || v > 3600000000LL)
			return bad_range(msg, cap, name, value, "microseconds, 0 to 3600000000");
		o->tolerance_usecs = v;
		o->has_tolerance_usecs = true;
		break;
	case DSL_OPTNAME_TOLERANCE_PERCENT: {
		char *end;
		double d = value ? strtod(value, &end) : -1;
		if (!value || end == value || *end || !(d >= 0 && d <= 100))  /* NaN too */
			return bad_range(msg, cap, name, value, "a percentage, 0 to 100");
		o->tolerance_percent = d;
		o->has_tolerance_percent = true;
		break;
	}
	case DSL_OPTNAME_TCP_TS_TICK_USECS:
		if (!parse_i64(value, &v) || v < 0 || v > 1000000)
			return bad_range(msg, cap, name, value, "microseconds, 0 to 1000000");
		o->tcp_ts_tick_usecs = v;
		o->has_ts_tick = true;
		break;
	case DSL_OPTNAME_NON_FATAL: {
		o->has_non_fatal = true;
		o->non_fatal_packet = o->non_fatal_syscall = false;
		const char *p = value ? value : "packet,syscall";
		const char *form = "packet, syscall or packet,syscall; bare --non_fatal: both";
		if (!*p)        /* --non_fatal= says nothing: not the same as bare */
			return bad_range(msg, cap, name, value, form);
		while (*p) {
			size_t k = strcspn(p, ",");
			if (k == 6 && !strncmp(p, "packet", 6))
				o->non_fatal_packet = true;
			else if (k == 7 && !strncmp(p, "syscall", 7))
				o->non_fatal_syscall = true;
			else
				return bad_range(msg, cap, name, value, form);
			if (p[k] == ',' && !p[k + 1])       /* "packet,": a name missing */
				return bad_range(msg, cap, name, value, form);
			p += k + (p[k] == ',');
		}
		break;
	}
	case DSL_OPTNAME_IP_VERSION: {
		int iv = value ? target_ip_version_parse(value) : -1;
		if (iv < 0)
			return bad_range(msg, cap, name, value,
					 "ipv4, ipv6 or ipv4-mapped-ipv6");
		o->ip_version = iv;
		o->has_ip_version = true;
		break;
	}
	case DSL_OPTNAME_MTU:
		/* the least the IP version allows; IPv6's 1280 is checked once the run's
		 * version is known (engine run.c) */
		if (!parse_i64(value, &v) || v > 65535)
			return bad_range(msg, cap, name, value, "octets, 68 to 65535");
		if (v < ENGINE_MIN_MTU_IPV4) {
			snprintf(msg, cap, "bad value for --%s: '%s': below the least MTU of IPv4, "
				 "%d octets (RFC 791; IPv6's is %d, RFC 8200)", name, value,
				 ENGINE_MIN_MTU_IPV4, ENGINE_MIN_MTU_IPV6);
			return -1;
		}
		o->mtu = v;
		o->has_mtu = true;
		break;
	case DSL_OPTNAME_MSS:
		if (!parse_i64(value, &v) || v < 88 || v > 65495)
			return bad_range(msg, cap, name, value, "octets, 88 to 65495");
		o->mss = v;
		o->has_mss = true;
		break;
	case DSL_OPTNAME_LOCAL_IP:
		if (!is_address(value) ||
		    set_str(o->local_ip, sizeof o->local_ip, &o->has_local_ip, value))
			return bad_range(msg, cap, name, value, "an IPv4 or IPv6 address");
		break;
	case DSL_OPTNAME_REMOTE_IP:
		if (!is_address(value) ||
		    set_str(o->remote_ip, sizeof o->remote_ip, &o->has_remote_ip, value))
			return bad_range(msg, cap, name, value, "an IPv4 or IPv6 address");
		break;
	case DSL_OPTNAME_GATEWAY_IP:
		if (!is_address(value) ||
		    set_str(o->gateway_ip, sizeof o->gateway_ip, &o->has_gateway_ip, value))
			return bad_range(msg, cap, name, value, "an IPv4 or IPv6 address");
		break;
	case DSL_OPTNAME_BIND_PORT:
		if (!parse_i64(value, &v) || v < 1 || v > 65535)
			return bad_range(msg, cap, name, value, "a port, 1 to 65535");
		o->bind_port = v;
		o->has_bind_port = true;
		break;
	case DSL_OPTNAME_CONNECT_PORT:
		if (!parse_i64(value, &v) || v < 1 || v > 65535)
			return bad_range(msg, cap, name, value, "a port, 1 to 65535");
		o->connect_port = v;
		o->has_connect_port = true;
		break;
	case DSL_OPTNAME_TCP_MD5_SECRET:
		/* at most Linux's TCP_MD5SIG_MAXKEYLEN (80) bytes */
		if (!value || !*value ||
		    set_str(o->md5_secret, sizeof o->md5_secret, &o->has_md5_secret, value))
			return bad_range(msg, cap, name, value, "a key of 1 to 80 bytes");
		break;
	case DSL_OPTNAME_NETMASK_IP: {
		struct in_addr m;
		int64_t bits;
		if (value && inet_pton(AF_INET, value, &m) == 1) {
			uint32_t h = ntohl(m.s_addr);
			bits = 0;
			while (bits < 32 && (h & (0x80000000u >> bits)))
				bits++;
			if (bits < 32 && (h << bits))
				return bad(msg, cap, name, value);   /* not contiguous */
		} else if (!parse_i64(value, &bits) || bits < 0 || bits > 128) {
			return bad_range(msg, cap, name, value, "a dotted mask or a prefix "
					 "length, 0 to 128");
		}
		o->prefix_len = bits;
		o->has_prefix_len = true;
		break;
	}
	case DSL_OPTNAME_UDP_ENCAPSULATION:
		/* packetdrill forks: "tcp" carries TCP in UDP; "sctp" is SCTP's (RFC 6951) */
		if (!value || strcmp(value, "tcp"))
			return bad_range(msg, cap, name, value, "tcp (TCP over UDP)");
		o->udp_encap = true;
		break;
	case DSL_OPTNAME_TCP_TS_ECR_SCALED:
	case DSL_OPTNAME_PERSISTENT_TUN_DEV:
	case DSL_OPTNAME_SEND_OMIT_FREE:
	case DSL_OPTNAME_SPECULATIVE_CONNECT_PORT:
	case DSL_OPTNAME_SPEED:
		/* packetdrill options with no effect here: an unknown TS ecr is always
		 * placed relative to the first TS pair, the device is always private */
		break;
	case DSL_OPTNAME_ALLOW_EMPTY:
		/* the parser's business (a script with no event) for option lines; on the
		 * command line it lets every script of the run be empty */
		o->allow_empty = true;
		break;
	case DSL_OPTNAME_STRICT_SEGMENTS:
		o->strict_segments = true;
		break;
	case DSL_OPTNAME_RELAX: {
		unsigned bits;
		if (!value || engine_relax_parse(value, &bits, msg, cap))
			return value ? -1 : bad(msg, cap, name, value);
		o->relax |= bits;
		break;
	}
	case DSL_OPTNAME_NO_CONTENT_CHECK:
		o->no_content_check = true;
		break;
	case DSL_OPTNAME_VERBOSE:
	case DSL_OPTNAME_V:
		o->verbose++;
		break;
	case DSL_OPTNAME_DEFINE: {
		/* --define NAME=VALUE, or -DNAME=VALUE (the name is then "DNAME=VALUE"'s
		 * first part, or "D" with the definition as the value) */
		bool dash_d = name[0] == 'D';
		const char *def = dash_d && name[1] ? name + 1 : value;
		/* -D NAME alone defines NAME for #ifdef with an empty value */
		const char *eq = def ? strchr(def, '=') : NULL;
		if (def && !eq)
			eq = def + strlen(def);
		if (!eq || eq == def || o->n_defines >= ENGINE_MAX_DEFINES ||
		    (size_t)(eq - def) >= sizeof o->defines[0][0] ||
		    (*eq && strlen(eq + 1) >= sizeof o->defines[0][1]))
			return bad(msg, cap, name, value);
		int i = o->n_defines++;
		memcpy(o->defines[i][0], def, eq - def);
		o->defines[i][0][eq - def] = 0;
		strcpy(o->defines[i][1], *eq ? eq + 1 : "");
		break;
	}
	}
	return 0;
}

void engine_opts_merge(struct engine_opts *d, const struct engine_opts *s)
{
#define M(has, ...) if (s->has) { d->has = true; __VA_ARGS__; }
	M(has_tolerance_usecs, d->tolerance_usecs = s->tolerance_usecs)
	M(has_tolerance_percent, d->tolerance_percent = s->tolerance_percent)
	M(has_ts_tick, d->tcp_ts_tick_usecs = s->tcp_ts_tick_usecs)
	M(has_non_fatal, d->non_fatal_packet = s->non_fatal_packet;
	  d->non_fatal_syscall = s->non_fatal_syscall)
	M(has_ip_version, d->ip_version = s->ip_version)
	M(has_mtu, d->mtu = s->mtu)
	M(has_mss, d->mss = s->mss)
	M(has_local_ip, memcpy(d->local_ip, s->local_ip, sizeof d->local_ip))
	M(has_remote_ip, memcpy(d->remote_ip, s->remote_ip, sizeof d->remote_ip))
	M(has_gateway_ip, memcpy(d->gateway_ip, s->gateway_ip, sizeof d->gateway_ip))
	M(has_bind_port, d->bind_port = s->bind_port)
	M(has_connect_port, d->connect_port = s->connect_port)
	M(has_prefix_len, d->prefix_len = s->prefix_len)
	M(has_md5_secret, memcpy(d->md5_secret, s->md5_secret, sizeof d->md5_secret))
#undef M
	if (s->strict_segments)
		d->strict_segments = true;
	if (s->udp_encap)
		d->udp_encap = true;
	d->relax |= s->relax;       /* the command line adds to the script's own */
	if (s->profile_defaults)
		d->profile_defaults = s->profile_defaults;
	if (s->bsd_sockets)
		d->bsd_sockets = true;
	if (s->no_content_check)
		d->no_content_check = true;
	if (s->allow_empty)
		d->allow_empty = true;
	if (s->verbose)
		d->verbose = s->verbose;
	for (int i = 0; i < s->n_defines && d->n_defines < ENGINE_MAX_DEFINES; i++)
		memcpy(d->defines[d->n_defines++], s->defines[i], sizeof s->defines[i]);
}

static const struct { unsigned bit; const char *name; } relaxations[] = {
#define X(id, bit, text) { bit, text },
	ENGINE_RELAXATIONS(X)
#undef X
};

int engine_relax_parse(const char *list, unsigned *bits, char *msg, size_t cap)
{
	*bits = 0;
	const char *p = list;
	do {
		size_t k = strcspn(p, ",");
		bool found = k == 3 && !strncmp(p, "all", 3);
		if (found)
			*bits |= ENGINE_RELAX_ALL;
		for (size_t i = 0; !found && i < sizeof relaxations / sizeof relaxations[0]; i++)
			if (strlen(relaxations[i].name) == k && !strncmp(p, relaxations[i].name, k)) {
				*bits |= relaxations[i].bit;
				found = true;
			}
		if (!found) {
			snprintf(msg, cap, "bad value for --relax: unknown relaxation '%.*s' "
				 "(known: syn-options, win, psh, ts-val, sockbuf, rst-ack, option-layout, all)", (int)k, p);
			return -1;
		}
		p += k + (p[k] == ',');
	} while (*p);
	return 0;
}

void engine_relax_format(unsigned bits, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof relaxations / sizeof relaxations[0] && n < cap; i++)
		if (bits & relaxations[i].bit)
			n += snprintf(buf + n, cap - n, "%s%s", n ? "," : "", relaxations[i].name);
}

/* Profiles for public suites: what the suite's own runner gives its scripts, the
 * defaults of its OS it relies on, and the relaxations its stack's choices need.  FreeBSD's tcp-testsuite runner
 * (run-tests.sh) passes no -D definition and no address: each script's
 * --ip_version and --tolerance_usecs lines stand; FreeBSD's sysctl names are mapped
 * by every in-process target anyway (target-adapters/common/shellmap.c). */
int engine_profile_apply(struct engine_opts *o, const char *name, char *msg, size_t cap)
{
	if (!strcmp(name, "freebsd")) {
		o->relax |= ENGINE_RELAX_ALL;
		/* FreeBSD's defaults the suite relies on without setting them: delayed
		 * ACKs without a quick-ACK start, the 30 ms RTO floor (rexmit_min) and the
		 * 200 ms added to every RTO (rexmit_slop; RFC 6298 2.4 allows any RTO above
		 * its computed value) */
		static const char *const bsd_defaults[] = {
			"net.inet.tcp.delayed_ack=1", "net.inet.tcp.rexmit_min=30",
			"net.inet.tcp.rexmit_slop=200", NULL,
		};
		o->profile_defaults = bsd_defaults;
		o->bsd_sockets = true;
		return 0;
	}
	snprintf(msg, cap, "unknown profile '%s' (known: freebsd)", name);
	return -1;
}
