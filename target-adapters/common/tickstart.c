/* Script time 0 at a fixed phase of the stack's tick (tickstart.h). */
#include "target-adapters/common/tickstart.h"

int64_t tick_start(const struct tick_clocks *c)
{
	int64_t seen = c->coarse(c->arg);
	int64_t prev = c->fine(c->arg), until = prev + TICK_START_GIVE_UP_NS;
	for (;;) {
		int64_t coarse = c->coarse(c->arg);
		int64_t now = c->fine(c->arg);
		if (coarse != seen) {
			if (now - prev <= TICK_START_SEEN_WITHIN_NS)
				return now + TICK_START_OFFSET_NS;
			seen = coarse;      /* seen late: wait for the next step */
		}
		if (now > until)
			return now;
		prev = now;
	}
}
