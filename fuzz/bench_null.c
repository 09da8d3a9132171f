/* Benchmark baseline for `make bench`: a fuzz target that does nothing, so that the
 * figures of the real targets can be read as a fraction of what libFuzzer itself
 * manages on this machine with the same instrumentation.  Not a fuzz target. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile uint8_t sink = size ? data[0] : 0;
	(void)sink;
	return 0;
}
