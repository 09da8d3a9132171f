/* Script time 0 at a fixed phase of the stack's tick (target-adapters/common/tickstart.c),
 * on scripted clocks: the step taken when the spin saw it at once, a step seen late
 * skipped for the next, and no step at all given up on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "target-adapters/common/tickstart.h"

/* A fake pair of clocks: each read of the fine clock advances it by step_ns; the coarse
 * clock steps every tick_ns of fine time, from phase 0, and its read number gap_at
 * first lets gap_ns pass (the spin was preempted just before it). */
struct fake {
	int64_t fine, step_ns, tick_ns, gap_ns;
	int reads, gap_at;
};

static int64_t fake_coarse(void *arg)
{
	struct fake *f = arg;
	if (++f->reads == f->gap_at)
		f->fine += f->gap_ns;
	return f->tick_ns ? f->fine / f->tick_ns * f->tick_ns : 0;
}

static int64_t fake_fine(void *arg)
{
	struct fake *f = arg;
	f->fine += f->step_ns;
	return f->fine;
}

static int64_t start(struct fake *f)
{
	const struct tick_clocks c = { fake_coarse, fake_fine, f };
	return tick_start(&c);
}

static void first_step_seen_at_once(void **state)
{
	(void)state;
	/* 4 ms ticks (CONFIG_HZ=250), started 1.3 ms into one, reads 1 us apart */
	struct fake f = { .fine = 1300000, .step_ns = 1000, .tick_ns = 4000000 };
	int64_t t0 = start(&f);
	assert_true(t0 - 4000000 >= TICK_START_OFFSET_NS);
	assert_true(t0 - 4000000 <= TICK_START_OFFSET_NS + 1000);
}

static void step_seen_late_is_skipped(void **state)
{
	(void)state;
	/* preempted for 1 ms across the first step (at 4 ms): that one is seen at 4.3 ms
	 * and not taken; the next, at 8 ms, is */
	struct fake f = { .fine = 3300000, .step_ns = 1000, .tick_ns = 4000000,
			  .gap_ns = 1000000, .gap_at = 3 };
	int64_t t0 = start(&f);
	assert_true(t0 - 8000000 >= TICK_START_OFFSET_NS);
	assert_true(t0 - 8000000 <= TICK_START_OFFSET_NS + 1000);
}

static void no_step_gives_up(void **state)
{
	(void)state;
	/* a coarse clock that never steps: script time 0 is now, after the limit */
	struct fake f = { .fine = 0, .step_ns = 1000 };
	int64_t t0 = start(&f);
	assert_true(t0 > TICK_START_GIVE_UP_NS);
	assert_true(t0 <= TICK_START_GIVE_UP_NS + 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_step_seen_at_once),
		cmocka_unit_test(step_seen_late_is_skipped),
		cmocka_unit_test(no_step_gives_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
