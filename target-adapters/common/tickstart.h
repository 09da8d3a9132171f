/* Script time 0 on a real-time stack that counts time in ticks (the Linux kernel's
 * jiffies): a fixed phase of a tick, so what the stack measures in ticks (tcp_info's
 * chronographs, timer expiry) reads alike from run to run.  packetdrill starts its
 * scripts 250 us after a jiffy step; tick_start() picks the same moment.
 *
 * The step is seen as the step of a coarse clock that the tick advances (Linux:
 * CLOCK_MONOTONIC_COARSE, advanced by the same tick handler right after jiffies), by
 * spinning on it.  A step seen late (the spin was not running when it happened: it was
 * preempted across it) is not taken; the next one is.  When no step is seen within
 * TICK_START_GIVE_UP_NS (a CPU whose tick is stopped), script time 0 is simply now. */
#ifndef TARGET_TICKSTART_H
#define TARGET_TICKSTART_H

#include <stdint.h>

#define TICK_START_OFFSET_NS 250000         /* into the tick, as packetdrill */
#define TICK_START_SEEN_WITHIN_NS 20000     /* a spin that saw the step this soon */
#define TICK_START_GIVE_UP_NS 50000000

struct tick_clocks {
	/* the coarse clock (only whether it changed matters) and the fine one in ns */
	int64_t (*coarse)(void *arg);
	int64_t (*fine)(void *arg);
	void *arg;
};

/* The moment on the fine clock that is to be script time 0 (it may be up to
 * TICK_START_OFFSET_NS ahead: the caller waits for it as for any event). */
int64_t tick_start(const struct tick_clocks *c);

#endif
