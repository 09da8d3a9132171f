/* examples/plugin-lwip/lwip_reset.h: lwIP back to its load-time state in the same process
 * (lwip_reset.c says how). */
#ifndef TCPSPEC_LWIP_RESET_H
#define TCPSPEC_LWIP_RESET_H

#include <stdbool.h>
#include <stddef.h>

/* Copy liblwip's writable data; call before the first lwip_init().  False when the
 * library cannot be found (a static lwIP): then lwip_reset_wipe() does nothing. */
bool lwip_reset_snapshot(void);
/* Free every block lwIP holds and put its data back as it was at the snapshot; the
 * next lwip_init() starts afresh.  Nothing of lwIP's may be used until then. */
bool lwip_reset_wipe(void);
/* IGMP, MLD, ARP and reassembly timers every hour instead of every 100 ms - 1 s (the
 * target uses none of them); call before lwip_init(). */
void lwip_reset_quiet_timers(void);
/* Blocks lwIP holds now (tests). */
size_t lwip_reset_blocks(void);
/* How many blocks of a tcp_pcb's size or more lwIP has freed so far (*n): while it has
 * not changed, no pcb has been freed.  False when lwIP's blocks are not counted here
 * (its allocations do not reach this file's mem_malloc: a static lwIP, or these
 * definitions hidden in a shared object). */
bool lwip_reset_pcb_frees(size_t *n);
/* Whether lwIP's allocations reach this file's mem_malloc (after lwip_init(), which
 * takes its timeouts): not when another definition of it wins, such as an executable's
 * that shares liblwip.so with this plugin.  Then lwip_reset_wipe() would leave every
 * block lwIP holds behind, and must not be used. */
bool lwip_reset_counting(void);

#endif
