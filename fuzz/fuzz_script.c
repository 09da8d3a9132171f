/* fuzz_script: any bytes into the dsl/ parser.
 *
 * Oracles: ASan and LeakSanitizer (no read outside the input, no leak on any error
 * path); and when the input parses cleanly, its canonical form (`tcpspec fmt`) parses
 * cleanly to an equal tree, and printing that tree gives the same text again (fmt is a
 * fixpoint).  A script that needs unsupported features is parsed but not printed, as
 * `tcpspec fmt` refuses to format it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsl/dsl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *text, const struct dsl_diags *d)
{
	fprintf(stderr, "fuzz_script: %s\n--- fmt output ---\n%s\n---\n", what,
		text ? text : "(none)");
	for (size_t i = 0; d && i < d->n; i++)
		dsl_diag_print(stderr, &d->v[i]);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsl_diags d1 = { 0 }, d2 = { 0 };
	struct dsl_file *a = NULL, *b = NULL;
	enum dsl_status s1;
	char *text, *again;
	size_t len, len2;

	s1 = dsl_parse_buffer("fuzz.pkt", (const char *)data, size, &a, &d1);
	if (s1 != DSL_OK) {
		if (s1 != DSL_UNSUPPORTED && a)
			fail("a failed parse returned a tree", NULL, &d1);
		dsl_free(a);
		dsl_diags_free(&d1);
		return 0;
	}
	text = dsl_print_string(a, &len);
	if (!text)
		fail("dsl_print_string failed", NULL, &d1);
	if (dsl_parse_buffer("fmt.pkt", text, len, &b, &d2) != DSL_OK)
		fail("fmt output does not parse cleanly", text, &d2);
	if (!dsl_ast_equal(a, b))
		fail("fmt output parses to a different tree", text, &d2);
	again = dsl_print_string(b, &len2);
	if (!again || len2 != len || memcmp(text, again, len))
		fail("fmt is not a fixpoint", again, &d2);
	free(again);
	free(text);
	dsl_free(b);
	dsl_free(a);
	dsl_diags_free(&d2);
	dsl_diags_free(&d1);
	return 0;
}
