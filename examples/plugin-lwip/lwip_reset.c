/* examples/plugin-lwip/lwip_reset.c: a fresh lwIP in the same process, for the lwip target.
 *
 * lwIP keeps its state in the globals of liblwip.so (pcb lists, tcp_ticks, the ISN
 * counter, the timeout list, the netif list) and in memory it allocates, and no API
 * resets them.  Debian builds it with MEM_LIBC_MALLOC and MEMP_MEM_MALLOC, so every
 * allocation lwIP makes -- pcbs, segments, pbufs, timeouts -- goes through mem_malloc(),
 * which the library calls through its PLT, like sys_now().  This file defines
 * mem_malloc/mem_calloc/mem_trim/mem_free (the names are lwIP's, which is the point):
 * the executable's definitions win, and every block lwIP holds is on one list here.
 * memp_malloc/memp_free (lwIP's pools, mem_malloc of the pool's size) are defined here
 * too, so that the timeouts its timers free and take again are reused, not reallocated.
 *
 * lwip_reset_snapshot() copies the library's writable data (.data and .bss, the part of
 * its writable segment after RELRO) before the first lwip_init(); lwip_reset_wipe()
 * frees every block lwIP holds and copies the snapshot back, which leaves the library as
 * it was when it was loaded: the next lwip_init() starts it exactly as in a new process
 * (same ISN, same timer phases).  This costs a copy of some 12 KB and a free per live
 * block, instead of a process per run (the fuzz target fuzz_stack resets lwIP for every
 * input; the engine's one script per process gets the same start as before).
 *
 * When the library cannot be found (a static lwIP), lwip_reset_snapshot() returns
 * false and the lwip target keeps its old way: abort every pcb, and go on with the ISN
 * and ports where the previous run left them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <sys/mman.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#include "lwip_reset.h"

/* ---- lwIP's heap: one list of every block it holds ------------------------------- */

/* The plugin is built with -fvisibility=hidden: these definitions must stay visible,
 * or liblwip's calls go to its own mem_malloc and nothing reaches the list below. */
#define LW_EXPORT __attribute__((visibility("default")))

struct lw_blk {
	struct lw_blk *prev, *next;
	size_t size;
	size_t pad;             /* keeps the block after the header 16-byte aligned */
};

static struct lw_blk lw_blocks = { &lw_blocks, &lw_blocks, 0, 0 };
static size_t lw_nblocks;
static size_t lw_pcb_frees;     /* blocks freed that could have been a tcp_pcb */
static bool lw_counting;        /* lwIP allocates through mem_malloc() here */

LW_EXPORT void *mem_malloc(mem_size_t size)
{
	struct lw_blk *b = malloc(sizeof *b + (size ? size : 1));

	if (!b)
		return NULL;
	lw_counting = true;
	b->size = size;
	b->next = &lw_blocks;
	b->prev = lw_blocks.prev;
	lw_blocks.prev->next = b;
	lw_blocks.prev = b;
	lw_nblocks++;
	return b + 1;
}

LW_EXPORT void *mem_calloc(mem_size_t count, mem_size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		return NULL;
	p = mem_malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

/* lwIP's own version with the C library's malloc keeps the block as it is, too */
LW_EXPORT void *mem_trim(void *mem, mem_size_t size)
{
	(void)size;
	return mem;
}

LW_EXPORT void mem_free(void *mem)
{
	struct lw_blk *b;

	if (!mem)
		return;
	b = (struct lw_blk *)mem - 1;
	b->prev->next = b->next;
	b->next->prev = b->prev;
	lw_nblocks--;
	if (b->size >= sizeof(struct tcp_pcb))
		lw_pcb_frees++;
	free(b);
}

/* lwIP's timers free their timeout and allocate a new one every time one fires: four
 * to five times a second of virtual time, so hundreds of times for a fuzz input that
 * lets two minutes pass, each a malloc and a free, which under ASan (a stack trace
 * each, the quarantine) cost more than the timer itself.  Timeouts freed are kept here
 * and handed out again.  memp_malloc() and memp_free() are lwIP's names, which liblwip
 * calls through its PLT like mem_malloc(); with MEMP_MEM_MALLOC they are mem_malloc
 * (of the pool's size) and mem_free, which they still are for every other pool.
 * Only lwIP itself, which no sanitizer instruments, reads a timeout: the adapters
 * never do.  A kept block is poisoned for ASan all the same, and is off lwIP's list
 * (lwip_reset_blocks() counts what lwIP holds). */
#if defined(__SANITIZE_ADDRESS__)
#define LW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LW_ASAN 1
#endif
#endif
#ifdef LW_ASAN
#include <sanitizer/asan_interface.h>
#define LW_POISON(p, n) __asan_poison_memory_region((p), (n))
#define LW_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define LW_POISON(p, n) ((void)(p), (void)(n))
#define LW_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static struct lw_blk *lw_timeo_kept[64];
static size_t lw_ntimeo_kept;

LW_EXPORT void *memp_malloc(memp_t type)
{
	if ((unsigned)type >= MEMP_MAX)
		return NULL;
	if (type == MEMP_SYS_TIMEOUT && lw_ntimeo_kept) {
		struct lw_blk *b = lw_timeo_kept[--lw_ntimeo_kept];
		LW_UNPOISON(b + 1, b->size);
		b->next = &lw_blocks;
		b->prev = lw_blocks.prev;
		lw_blocks.prev->next = b;
		lw_blocks.prev = b;
		lw_nblocks++;
		return b + 1;
	}
	return mem_malloc(memp_pools[type]->size);
}

LW_EXPORT void memp_free(memp_t type, void *mem)
{
	struct lw_blk *b;

	if (!mem || (unsigned)type >= MEMP_MAX)
		return;
	if (type != MEMP_SYS_TIMEOUT ||
	    lw_ntimeo_kept == sizeof lw_timeo_kept / sizeof lw_timeo_kept[0]) {
		mem_free(mem);
		return;
	}
	b = (struct lw_blk *)mem - 1;
	b->prev->next = b->next;
	b->next->prev = b->prev;
	lw_nblocks--;
	LW_POISON(mem, b->size);
	lw_timeo_kept[lw_ntimeo_kept++] = b;
}

size_t lwip_reset_blocks(void)
{
	return lw_nblocks;
}

bool lwip_reset_pcb_frees(size_t *n)
{
	*n = lw_pcb_frees;
	return lw_counting;
}

bool lwip_reset_counting(void)
{
	return lw_counting;
}

/* ---- the library's writable data ------------------------------------------------- */

static uint8_t *lw_data;        /* in the library */
static size_t lw_data_len;
static uint8_t *lw_snap;        /* its bytes at load time */

/* lwIP's variables the executable names itself (lwip.c walks the pcb lists) are not in
 * the library's segment: the executable holds them (copy relocations, `readelf -r`
 * shows them as R_X86_64_COPY) and the library uses that copy.  Each gets its own
 * snapshot; a new one in the adapter must be added here. */
#define LW_EXE_VARS(X) X(tcp_active_pcbs) X(tcp_tw_pcbs) X(tcp_bound_pcbs) X(tcp_listen_pcbs)
static struct {
#define LW_VAR_FIELD_(v) __typeof__(v) v;
	LW_EXE_VARS(LW_VAR_FIELD_)
#undef LW_VAR_FIELD_
} lw_exe_snap;

static int find_lwip(struct dl_phdr_info *info, size_t size, void *ctx)
{
	uintptr_t relro_end = 0, page = (uintptr_t)sysconf(_SC_PAGESIZE);
	bool *found = ctx;

	(void)size;
	const char *base = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;

	/* liblwip.so itself, not a plugin named after it (liblwip-plugin.so) */
	base = base ? base + 1 : info->dlpi_name;
	if (!base || strncmp(base, "liblwip.so", 10))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_GNU_RELRO)  /* made read-only after relocation, page-wise */
			relro_end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(page - 1);
	}
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo, hi;
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		lo = info->dlpi_addr + ph->p_vaddr;
		hi = lo + ph->p_memsz;
		if (lo < relro_end)
			lo = relro_end;
		if (hi <= lo || lw_data)
			return 1;       /* nothing writable, or two writable segments: give up */
		lw_data = (uint8_t *)lo;
		lw_data_len = hi - lo;
	}
	*found = lw_data != NULL;
	return 1;
}

bool lwip_reset_snapshot(void)
{
	bool found = false;

	if (lw_snap)
		return true;
	dl_iterate_phdr(find_lwip, &found);
	if (!found)
		return false;
	lw_snap = malloc(lw_data_len);
	if (!lw_snap) {
		lw_data = NULL;
		return false;
	}
	memcpy(lw_snap, lw_data, lw_data_len);
#define LW_VAR_SAVE_(v) memcpy(&lw_exe_snap.v, &v, sizeof v);
	LW_EXE_VARS(LW_VAR_SAVE_)
#undef LW_VAR_SAVE_
	return true;
}

bool lwip_reset_wipe(void)
{
	if (!lw_snap)
		return false;
	while (lw_blocks.next != &lw_blocks)
		mem_free(lw_blocks.next + 1);
	memcpy(lw_data, lw_snap, lw_data_len);
#define LW_VAR_RESTORE_(v) memcpy(&v, &lw_exe_snap.v, sizeof v);
	LW_EXE_VARS(LW_VAR_RESTORE_)
#undef LW_VAR_RESTORE_
	return true;
}

/* ---- timers of protocols the target does not use ---------------------------------- */

/* lwIP runs IGMP and MLD timers every 100 ms, ARP and IP reassembly every second, from
 * lwip_init() on, whether anything uses them or not; on virtual time every one of them
 * is a callback and an allocation as the clock moves (a minute of a script's time is
 * 1,300 of them).  The target has no Ethernet, joins no group and sends no fragments,
 * so their intervals become an hour.  lwip_cyclic_timers is const (relocated, then
 * read-only): its page is made writable for the change.  Once per process. */
void lwip_reset_quiet_timers(void)
{
	static bool done;
	static const char *const quiet[] = {
		"igmp_tmr", "mld6_tmr", "etharp_tmr", "ip_reass_tmr", "ip6_reass_tmr",
	};
	struct lwip_cyclic_timer *t;
	const int *n;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), lo, hi;

	if (done)
		return;
	done = true;
	t = dlsym(RTLD_DEFAULT, "lwip_cyclic_timers");
	n = dlsym(RTLD_DEFAULT, "lwip_num_cyclic_timers");
	if (!t || !n || *n <= 0 || *n > 32)
		return;
	lo = (uintptr_t)t & ~(page - 1);
	hi = ((uintptr_t)(t + *n) + page - 1) & ~(page - 1);
	if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE))
		return;
	for (int i = 0; i < *n; i++)
		for (size_t k = 0; k < sizeof quiet / sizeof quiet[0]; k++) {
			void *f = dlsym(RTLD_DEFAULT, quiet[k]);
			if (f && (void *)t[i].handler == f)
				t[i].interval_ms = 3600 * 1000;
		}
	mprotect((void *)lo, hi - lo, PROT_READ);
}
