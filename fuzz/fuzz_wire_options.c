/* fuzz_wire_options: the TCP option walker alone, on 0 to 40 bytes (longer inputs are
 * not an option area and are ignored).
 *
 * Oracles: ASan (the walker reads only the bytes it was given; libFuzzer hands us an
 * exactly sized heap copy); an option area that walks cleanly, with only zeros after an
 * EOL, encodes back to the same bytes up to trailing zero padding; and encoding is stable:
 * walking the encoded bytes and encoding again gives the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_wire_options: %s\n", what);
	abort();
}

/* x and y are equal once both are extended with zero bytes to the same length. */
static int same_but_zero_padding(const uint8_t *x, size_t nx, const uint8_t *y, size_t ny)
{
	size_t n = nx > ny ? nx : ny;

	for (size_t i = 0; i < n; i++)
		if ((i < nx ? x[i] : 0) != (i < ny ? y[i] : 0))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_tcp_opts a, b;
	uint8_t out1[WIRE_TCP_MAX_OPT_LEN + 4], out2[WIRE_TCP_MAX_OPT_LEN + 4];
	size_t n1, n2;

	if (size > WIRE_TCP_MAX_OPT_LEN)
		return 0;
	if (wire_tcp_options_parse(data, size, &a) != WIRE_OK)
		return 0;
	if (a.n > WIRE_TCP_MAX_OPTS || a.walked > size || a.area_len != size)
		fail("walker counts out of range");
	if (wire_tcp_options_build(&a, out1, sizeof out1, &n1) != WIRE_OK)
		fail("a cleanly walked option area does not encode");
	if (n1 % 4 || n1 > WIRE_TCP_MAX_OPT_LEN)
		fail("encoded option area not padded to a multiple of 4 within 40 bytes");
	if (!a.pad_nonzero && !same_but_zero_padding(data, size, out1, n1))
		fail("walk -> encode changed the option bytes");
	if (wire_tcp_options_parse(out1, n1, &b) != WIRE_OK)
		fail("the encoded option area does not walk");
	if (wire_tcp_options_build(&b, out2, sizeof out2, &n2) != WIRE_OK ||
	    n2 != n1 || memcmp(out1, out2, n1))
		fail("encoding is not stable");
	return 0;
}
