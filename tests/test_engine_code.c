/* Code blocks checked without python3 (engine/code.c): Python's meaning for the
 * simple asserts it takes, "cannot" for everything else, and the same failure message
 * python3 gives.  Values below were checked against python3. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine/engine_int.h"

static struct target_tcp_info ti;

static int setup(void **state)
{
	memset(&ti, 0, sizeof ti);
	ti.valid = 1ull << TARGET_TI_snd_cwnd | 1ull << TARGET_TI_state |
		   1ull << TARGET_TI_options;
	ti.v[TARGET_TI_snd_cwnd] = 10;
	ti.v[TARGET_TI_state] = 1;
	ti.v[TARGET_TI_options] = 7;
	return 0;
}

/* "assert (EXPR) == WANT, EXPR": 1 when EXPR evaluates to WANT, with the value shown */
static int holds(const char *text)
{
	int k = 0;
	char msg[256] = "";
	int r = engine_code_eval(text, &ti, &k, msg, sizeof msg);
	if (r == 0)
		fprintf(stderr, "# %s -> line %d: %s\n", text, k, msg);
	return r;
}

static void python_arithmetic(void **state)
{
	assert_int_equal(holds("assert -7 // 2 == -4"), 1);        /* floor division */
	assert_int_equal(holds("assert -7 % 2 == 1"), 1);          /* floor modulo */
	assert_int_equal(holds("assert 7 % -2 == -1"), 1);
	assert_int_equal(holds("assert 1 + 2 * 3 << 1 == 14"), 1); /* precedence */
	assert_int_equal(holds("assert (5 & 3) | 8 ^ 1 == 9"), 1);
	assert_int_equal(holds("assert ~5 == -6 and -(-3) == 3"), 1);
	assert_int_equal(holds("assert 10 - 2 - 3 == 5 and 2 * 3 % 4 == 2"), 1);
	assert_int_equal(holds("assert 0x10 + 1 == 17"), 1);
	assert_int_equal(holds("assert (0 or 5) == 5 and (3 and 0) == 0"), 1);
	assert_int_equal(holds("assert not 0"), 1);
	assert_int_equal(holds("assert tcpi_snd_cwnd == 10 and tcpi_state == TCP_ESTABLISHED"), 1);
	assert_int_equal(holds("assert (tcpi_options & TCPI_OPT_WSCALE) != 0, tcpi_options"), 1);
}

static void failures_read_as_python_says_them(void **state)
{
	int k = 0;
	char msg[256];
	/* the line within the block, the line as written (comment included), the value */
	assert_int_equal(engine_code_eval("\n    assert tcpi_state == 1\n"
					  "    assert tcpi_snd_cwnd == 4, tcpi_snd_cwnd  # IW\n",
					  &ti, &k, msg, sizeof msg), 0);
	assert_int_equal(k, 3);
	assert_string_equal(msg, "assertion failed: assert tcpi_snd_cwnd == 4, tcpi_snd_cwnd  "
			    "# IW (value 10)");
	/* no message: the operands of its one comparison, as the python3 path prints them;
	 * a boolean message prints as Python's */
	assert_int_equal(engine_code_eval(" assert tcpi_snd_cwnd < 3 ", &ti, &k, msg, sizeof msg), 0);
	assert_int_equal(k, 1);
	assert_string_equal(msg, "assertion failed: assert tcpi_snd_cwnd < 3 (operands 10 < 3)");
	assert_int_equal(engine_code_eval("assert tcpi_state == TCP_FIN_WAIT2", &ti, &k, msg,
					  sizeof msg), 0);
	assert_string_equal(msg, "assertion failed: assert tcpi_state == TCP_FIN_WAIT2 "
			    "(operands 1 == 5)");
	assert_int_equal(engine_code_eval("assert (tcpi_state != 1) == (1 > 0)", &ti, &k, msg,
					  sizeof msg), 0);
	assert_string_equal(msg, "assertion failed: assert (tcpi_state != 1) == (1 > 0) "
			    "(operands False == True)");
	/* no single comparison at the top (Python's ast has no Compare there): nothing */
	assert_int_equal(engine_code_eval("assert tcpi_state == 1 and tcpi_snd_cwnd == 3", &ti, &k,
					  msg, sizeof msg), 0);
	assert_string_equal(msg, "assertion failed: assert tcpi_state == 1 and tcpi_snd_cwnd == 3");
	assert_int_equal(engine_code_eval("assert not tcpi_state == 1", &ti, &k, msg, sizeof msg), 0);
	assert_string_equal(msg, "assertion failed: assert not tcpi_state == 1");
	assert_int_equal(engine_code_eval("assert (tcpi_state == 2) << 1", &ti, &k, msg,
					  sizeof msg), 0);
	assert_string_equal(msg, "assertion failed: assert (tcpi_state == 2) << 1");
	assert_int_equal(engine_code_eval("assert 0, tcpi_state == 2", &ti, &k, msg, sizeof msg), 0);
	assert_string_equal(msg, "assertion failed: assert 0, tcpi_state == 2 (value False)");
}

static void anything_else_goes_to_python(void **state)
{
	int k;
	char msg[256];
	static const char *const cannot[] = {
		"x = 1",                                 /* another statement */
		"assert tcpi_rto / 1000 == 200",         /* true division: a float */
		"assert 1 < tcpi_snd_cwnd < 20",         /* chained comparison */
		"assert tcpi_nonesuch == 0",             /* unknown name: python's NameError */
		"assert tcpi_rtt == 0",                  /* not in this TCP_INFO */
		"assert tcpi_state == 1, 'state'",       /* a string */
		"assert 1.5 > 1",                        /* a float */
		"assert 2 ** 3 == 8",                    /* power */
		"assert 1 // 0 == 0",                    /* ZeroDivisionError */
		"assert 9223372036854775807 + 1 > 0",    /* beyond 64 bits */
		"assert tcpi_state in (1, 2)",
		"assert 012 == 12",                      /* a syntax error in Python 3 */
		"\n  assert 1\n    assert 1\n",           /* IndentationError */
		"assert tcpi_state == 1; x = 2",
	};
	for (size_t i = 0; i < sizeof cannot / sizeof cannot[0]; i++) {
		int r = engine_code_eval(cannot[i], &ti, &k, msg, sizeof msg);
		if (r != -1)
			fprintf(stderr, "# taken: %s\n", cannot[i]);
		assert_int_equal(r, -1);
	}
	/* without TCP_INFO (no socket yet) no tcpi_ name is known here */
	assert_int_equal(engine_code_eval("assert tcpi_state == 1", NULL, &k, msg, sizeof msg), -1);
	/* blank lines and comments are fine */
	assert_int_equal(engine_code_eval("\n# nothing\n\n   # more\n", &ti, &k, msg, sizeof msg), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(python_arithmetic, setup),
		cmocka_unit_test_setup(failures_read_as_python_says_them, setup),
		cmocka_unit_test_setup(anything_else_goes_to_python, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
