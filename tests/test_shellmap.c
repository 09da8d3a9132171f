/* Shell lines mapped onto settings for targets that run no shell
 * (target-adapters/common/shellmap.c): what is taken, what makes a script unsupported,
 * and the set-up files public suites run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "target-adapters/common/shellmap.h"

#define SCRIPT "tests/data/shellmap/script.pkt"   /* need not exist: only its directory */

struct taken {
	int n;
	char name[16][64];
	char value[16][64];
	int refuse;                 /* apply() answers this for names containing "no_such" */
	int bsd;                    /* and this for FreeBSD's own names (net.inet.*) */
};

static int record(void *ctx, const char *name, const char *value)
{
	struct taken *k = ctx;
	if (strstr(name, "no_such"))
		return k->refuse;
	if (!strncmp(name, "net.inet.", 9) && k->bsd)
		return k->bsd;
	if (k->n < 16) {
		snprintf(k->name[k->n], sizeof k->name[0], "%s", name);
		snprintf(k->value[k->n], sizeof k->value[0], "%s", value);
		k->n++;
	}
	return 0;
}

/* a target with no setting at all */
static int refuse_all(void *ctx, const char *name, const char *value)
{
	return -1;
}

static struct target tg;
static struct taken tk;
static int status;

static int run(const char *cmd, bool fresh)
{
	memset(&tg, 0, sizeof tg);
	memset(&tk, 0, sizeof tk);
	tk.refuse = -1;
	tk.bsd = -1;
	struct target_shellmap m = { .target_name = "test", .script_path = SCRIPT,
				     .fresh = fresh, .apply = record, .ctx = &tk,
				     .fixed_why = "fixed when built" };
	status = -1;
	return target_shellmap_run(&tg, &m, cmd, &status);
}

static void expect_taken(int i, const char *name, const char *value)
{
	assert_true(i < tk.n);
	assert_string_equal(tk.name[i], name);
	assert_string_equal(tk.value[i], value);
}

static void sysctl_forms(void **state)
{
	(void)state;
	assert_int_equal(run("sysctl -q net.ipv4.tcp_sack=0", true), TARGET_OK);
	assert_int_equal(tk.n, 1);
	expect_taken(0, "net.ipv4.tcp_sack", "0");
	/* several settings, flags, slashes, quotes with spaces, $(( )) arithmetic */
	assert_int_equal(run("sysctl -w -q net/ipv4/tcp_ecn=1 "
			     "net.ipv4.tcp_wmem='4096 16384 4194304'; "
			     "sysctl -qw net.ipv4.tcp_rmem=\"4096 $((128*1024)) $((32*1024*1024))\"",
			     true), TARGET_OK);
	assert_int_equal(tk.n, 3);
	expect_taken(0, "net.ipv4.tcp_ecn", "1");
	expect_taken(1, "net.ipv4.tcp_wmem", "4096 16384 4194304");
	expect_taken(2, "net.ipv4.tcp_rmem", "4096 131072 33554432");
	/* && and newlines separate commands; cd changes nothing; what follows `||`
	 * never runs, as every mapped command succeeds */
	assert_int_equal(run("cd \"$TCPSPEC_SCRIPT_DIR\" || exit 127\n"
			     "sysctl -q net.ipv4.tcp_sack=1 && sysctl -q net.ipv4.tcp_dsack=0 "
			     "|| echo failed",
			     true), TARGET_OK);
	assert_int_equal(tk.n, 2);
	expect_taken(0, "net.ipv4.tcp_sack", "1");
	expect_taken(1, "net.ipv4.tcp_dsack", "0");
}

static void echo_into_proc_sys(void **state)
{
	(void)state;
	assert_int_equal(run("echo 0 > /proc/sys/net/ipv4/tcp_timestamps", true), TARGET_OK);
	expect_taken(0, "net.ipv4.tcp_timestamps", "0");
	assert_int_equal(run("echo \"4096 87380 6291456\" >/proc/sys/net/ipv4/tcp_rmem", true),
			 TARGET_OK);
	expect_taken(0, "net.ipv4.tcp_rmem", "4096 87380 6291456");
	/* a write anywhere else is a command the target cannot run */
	assert_int_equal(run("echo 1 > /tmp/x", true), TARGET_UNSUPPORTED);
}

static void setup_files(void **state)
{
	(void)state;
	assert_int_equal(run("./defaults.sh", true), TARGET_OK);
	assert_int_equal(status, 0);
	assert_int_equal(tk.n, 4);
	expect_taken(0, "net.ipv4.tcp_rmem", "4096 131072 33554432");
	expect_taken(1, "net.ipv4.tcp_timestamps", "1");
	expect_taken(2, "net.ipv4.tcp_sack", "1");
	expect_taken(3, "net.ipv4.tcp_dsack", "0");
	/* nested, relative to the script's directory */
	assert_int_equal(run("./outer.sh", true), TARGET_OK);
	assert_int_equal(tk.n, 5);
	expect_taken(4, "net.ipv4.tcp_ecn", "1");
	/* its metrics flush has an effect once sockets exist: not mappable then */
	assert_int_equal(run("./defaults.sh", false), TARGET_UNSUPPORTED);
	assert_non_null(strstr(tg.diag.msg, "defaults.sh:6"));
}

static void unsupported_lines_are_named(void **state)
{
	(void)state;
	assert_int_equal(run("echo hello", true), TARGET_UNSUPPORTED);
	assert_non_null(strstr(tg.diag.msg, "`echo hello`"));
	assert_non_null(strstr(tg.diag.msg, "test target"));
	/* the file and line of a set-up file's command */
	assert_int_equal(run("./bad.sh", true), TARGET_UNSUPPORTED);
	assert_non_null(strstr(tg.diag.msg, "`nstat -n`"));
	assert_non_null(strstr(tg.diag.msg, "bad.sh:3"));
	assert_non_null(strstr(tg.diag.msg, "`./bad.sh`"));
	/* a missing or non-executable set-up file fails as the shell would */
	assert_int_equal(run("./missing.sh; sysctl -q net.ipv4.tcp_sack=0", true), TARGET_OK);
	assert_int_equal(status, 127);
	assert_int_equal(tk.n, 0);
	assert_int_equal(run("./not-executable.sh", true), TARGET_OK);
	assert_int_equal(status, 126);
	assert_int_equal(run("./loop.sh", true), TARGET_UNSUPPORTED);
	assert_non_null(strstr(tg.diag.msg, "nested"));
	/* reads, background jobs, variables, pipes, unknown flags */
	assert_int_equal(run("sysctl net.ipv4.tcp_sack", true), TARGET_UNSUPPORTED);
	assert_int_equal(run("sysctl -q net.ipv4.tcp_sack=1 &", true), TARGET_UNSUPPORTED);
	assert_int_equal(run("sysctl -q net.ipv4.tcp_rmem=$X", true), TARGET_UNSUPPORTED);
	assert_int_equal(run("sysctl -a | grep tcp", true), TARGET_UNSUPPORTED);
	assert_int_equal(run("sysctl -p net.ipv4.tcp_sack=1", true), TARGET_UNSUPPORTED);
	assert_int_equal(run("sysctl -q 'net.ipv4.tcp_sack=1", true), TARGET_UNSUPPORTED);
	/* the target's answers: no such setting, or a value it cannot take */
	assert_int_equal(run("sysctl -q net.ipv4.no_such=1", true), TARGET_UNSUPPORTED);
	assert_non_null(strstr(tg.diag.msg, "has no setting net.ipv4.no_such"));
	memset(&tg, 0, sizeof tg);
	struct taken k = { .refuse = -2 };
	struct target_shellmap m = { .target_name = "test", .script_path = SCRIPT,
				     .apply = record, .ctx = &k, .fixed_why = "fixed when built" };
	assert_int_equal(target_shellmap_run(&tg, &m, "sysctl -q net.ipv4.no_such=7", &status),
			 TARGET_UNSUPPORTED);
	assert_non_null(strstr(tg.diag.msg, "cannot take net.ipv4.no_such = 7: fixed when built"));
}

/* FreeBSD's names reach the settings the Linux names reach, with FreeBSD's units and
 * value meanings; a mechanism no Linux name reaches goes to the target under FreeBSD's
 * name, and is else taken only at the value every in-process target has. */
static void freebsd_names(void **state)
{
	(void)state;
	static const struct { const char *v, *ts, *ws; } rfc1323[] = {
		{ "0", "0", "0" }, { "1", "1", "1" }, { "2", "0", "1" }, { "3", "1", "0" },
	};
	for (size_t i = 0; i < 4; i++) {
		char cmd[64];
		snprintf(cmd, sizeof cmd, "sysctl -w net.inet.tcp.rfc1323=%s", rfc1323[i].v);
		assert_int_equal(run(cmd, true), TARGET_OK);
		assert_int_equal(tk.n, 2);
		expect_taken(0, "net.ipv4.tcp_timestamps", rfc1323[i].ts);
		expect_taken(1, "net.ipv4.tcp_window_scaling", rfc1323[i].ws);
	}
	assert_int_equal(run("sysctl -w net.inet.tcp.rfc1323=4", true), TARGET_UNSUPPORTED);
	assert_int_equal(run("sysctl -w net.inet.tcp.sack.enable=0 net.inet.tcp.ecn.enable=2",
			     true), TARGET_OK);
	expect_taken(0, "net.ipv4.tcp_sack", "0");
	expect_taken(1, "net.ipv4.tcp_ecn", "2");
	/* buffer sizes: one field of Linux's triple, the maxima everywhere */
	assert_int_equal(run("sysctl -w net.inet.tcp.recvspace=65536; "
			     "sysctl -w net.inet.tcp.sendspace=32768", true), TARGET_OK);
	expect_taken(0, "net.ipv4.tcp_rmem", "- 65536 -");
	expect_taken(1, "net.ipv4.tcp_wmem", "- 32768 -");
	assert_int_equal(run("sysctl -w kern.ipc.maxsockbuf=2097152", true), TARGET_OK);
	assert_int_equal(tk.n, 4);
	expect_taken(0, "net.ipv4.tcp_rmem", "- - 2097152");
	expect_taken(1, "net.ipv4.tcp_wmem", "- - 2097152");
	expect_taken(2, "net.core.rmem_max", "2097152");
	expect_taken(3, "net.core.wmem_max", "2097152");
	/* milliseconds onto seconds, whole seconds only */
	assert_int_equal(run("sysctl -w net.inet.tcp.keepidle=7200000 net.inet.tcp.keepintvl=75000 "
			     "net.inet.tcp.keepcnt=8", true), TARGET_OK);
	expect_taken(0, "net.ipv4.tcp_keepalive_time", "7200");
	expect_taken(1, "net.ipv4.tcp_keepalive_intvl", "75");
	expect_taken(2, "net.ipv4.tcp_keepalive_probes", "8");
	assert_int_equal(run("sysctl -w net.inet.tcp.keepidle=1500", true), TARGET_UNSUPPORTED);
	assert_int_equal(run("sysctl -w net.inet.tcp.path_mtu_discovery=1", true), TARGET_OK);
	expect_taken(0, "net.ipv4.ip_no_pmtu_disc", "0");
	/* a cache with nothing in it, a fixed behaviour at its value */
	assert_int_equal(run("sysctl -w net.inet.tcp.hostcache.purgenow=1 "
			     "net.inet.tcp.blackhole=0 net.inet.tcp.insecure_rst=0", true), TARGET_OK);
	assert_int_equal(tk.n, 0);
	assert_int_equal(run("sysctl -w net.inet.tcp.blackhole=2", true), TARGET_UNSUPPORTED);
	/* the sentence of the table is the reference stack's: another target's is not
	 * described with it */
	assert_non_null(strstr(tg.diag.msg, "cannot take net.inet.tcp.blackhole = 2: the target "
				   "was asked and answered that it has no such setting; what "
				   "the stack does instead is not known"));
	assert_null(strstr(tg.diag.msg, "gets a RST"));
	/* a plugin: its hook named, and its own sentence */
	{
		memset(&tg, 0, sizeof tg);
		struct target_shellmap pm = { .target_name = "p", .script_path = SCRIPT,
					      .apply = refuse_all,
					      .fixed_why = "no such knob",
					      .asker = "the plugin's setting() hook" };
		assert_int_equal(target_shellmap_run(&tg, &pm, "sysctl -w net.inet.tcp.keepinit=5000",
						     &status), TARGET_UNSUPPORTED);
		assert_non_null(strstr(tg.diag.msg, "the plugin's setting() hook was asked and "
					   "answered that it has no such setting (\"no such "
					   "knob\")"));
		/* a FreeBSD name asked under the Linux name it maps onto */
		assert_int_equal(target_shellmap_run(&tg, &pm, "sysctl -w net.inet.tcp.keepidle=1000",
						     &status), TARGET_UNSUPPORTED);
		assert_non_null(strstr(tg.diag.msg, "has no setting net.inet.tcp.keepidle (the "
					   "plugin's setting() hook was asked for "
					   "net.ipv4.tcp_keepalive_time"));
	}
	/* a target with the mechanism takes it under FreeBSD's name */
	memset(&tg, 0, sizeof tg);
	struct taken k = { .refuse = -1, .bsd = 0 };
	struct target_shellmap m = { .target_name = "test", .script_path = SCRIPT,
				     .apply = record, .ctx = &k };
	assert_int_equal(target_shellmap_run(&tg, &m, "sysctl -w net.inet.tcp.insecure_rst=1",
					     &status), TARGET_OK);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.name[0], "net.inet.tcp.insecure_rst");
	assert_string_equal(k.value[0], "1");
	/* a name FreeBSD's suites never set: no setting, as any unknown name */
	assert_int_equal(run("sysctl -w net.inet.tcp.frobnicate=1", true), TARGET_UNSUPPORTED);
	assert_non_null(strstr(tg.diag.msg, "has no setting net.inet.tcp.frobnicate (tcpspec "
				   "knows no mapping of this name, so the target was not asked)"));
}

static void empty_and_comments(void **state)
{
	(void)state;
	assert_int_equal(run("", true), TARGET_OK);
	assert_int_equal(run("  # nothing here\n\n:\ntrue", true), TARGET_OK);
	assert_int_equal(tk.n, 0);
	assert_int_equal(run("set -e; set -ux", true), TARGET_OK);
	assert_int_equal(run("set +e", true), TARGET_UNSUPPORTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sysctl_forms),
		cmocka_unit_test(echo_into_proc_sys),
		cmocka_unit_test(setup_files),
		cmocka_unit_test(unsupported_lines_are_named),
		cmocka_unit_test(freebsd_names),
		cmocka_unit_test(empty_and_comments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
