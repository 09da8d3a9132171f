/* The outbound packet queue of the in-process targets and plugins (target-adapters/sdk/
 * pktq.c): FIFO order and times across ring growth and wrap-around, empty answers, freeing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "target-adapters/common/pktq.h"

static struct target_packet pk;

static void fifo_across_growth_and_wrap(void **state)
{
	(void)state;
	struct target_pktq q = { 0 };
	assert_int_equal(target_pktq_pop(&q, &pk), TARGET_TIMEOUT);
	uint8_t b[3];
	int next_out = 0;
	/* push 3, pop 2, repeatedly: the ring wraps before it grows past 64 entries */
	for (int i = 0; i < 300; i++) {
		b[0] = (uint8_t)i; b[1] = (uint8_t)(i >> 8); b[2] = 0xab;
		assert_int_equal(target_pktq_push(&q, 1000 + i, b, 1 + i % 3), 0);
		if (i % 3 == 2) {
			for (int k = 0; k < 2; k++, next_out++) {
				assert_int_equal(target_pktq_pop(&q, &pk), TARGET_OK);
				assert_int_equal(pk.time_ns, 1000 + next_out);
				assert_int_equal(pk.len, 1 + next_out % 3);
				assert_int_equal(pk.data[0], (uint8_t)next_out);
			}
		}
	}
	assert_true(q.cap > 64);
	while (target_pktq_pop(&q, &pk) == TARGET_OK) {
		assert_int_equal(pk.time_ns, 1000 + next_out);
		next_out++;
	}
	assert_int_equal(next_out, 300);
	/* freeing with packets still queued, then the queue is usable again */
	assert_int_equal(target_pktq_push(&q, 1, b, 0), 0);
	assert_int_equal(target_pktq_push(&q, 2, b, 3), 0);
	target_pktq_free(&q);
	assert_int_equal(q.len, 0);
	assert_int_equal(target_pktq_pop(&q, &pk), TARGET_TIMEOUT);
	assert_int_equal(target_pktq_push(&q, 5, b, 2), 0);
	assert_int_equal(target_pktq_pop(&q, &pk), TARGET_OK);
	assert_int_equal(pk.time_ns, 5);
	target_pktq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_across_growth_and_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
