/* refstack/bench_refstack.c: memory and speed figures of the reference stack.
 *
 * Prints, each next to a baseline measured in the same run:
 *   - bytes per connection, buffers excluded: sizeof(struct ref_tcb) and the heap
 *     actually taken per idle established connection (10,000 live at once);
 *   - RSS after 1,000 and after 100,000 connections opened, used and closed one after
 *     the other in one process (it must not grow);
 *   - the time to reset a stack (1 and 10,000 connections), as a fuzzer does per input.
 * No thresholds: figures and ratios only. */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "refstack/ref.h"

struct bench {
	struct ref_stack *st;
	int64_t now;
	struct ref_segment last;
	uint64_t nseg;
};

static void out(void *ctx, const struct ref_segment *s, int64_t now)
{
	struct bench *b = ctx;
	(void)now;
	b->last = *s;
	b->last.data = NULL;
	b->nseg++;
}

static struct ref_segment seg(uint16_t sport, uint32_t seq, uint32_t ack, uint8_t flags,
			      uint32_t len)
{
	static const uint8_t zeros[1000];
	struct ref_segment s;
	memset(&s, 0, sizeof s);
	s.src.family = s.dst.family = REF_AF_INET;
	memcpy(s.src.a, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	memcpy(s.dst.a, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	s.sport = sport;
	s.dport = 8080;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.wnd = 65535;
	s.csum_ok = true;
	s.data = len ? zeros : NULL;
	s.len = len;
	return s;
}

static int listener(struct bench *b)
{
	int fd = ref_sock_socket(b->st, AF_INET, SOCK_STREAM, 0, b->now);
	struct ref_sockaddr sa = { .port = 8080 };
	ref_sock_bind(b->st, fd, &sa, b->now);
	ref_sock_listen(b->st, fd, 4096, b->now);
	return fd;
}

/* Handshake; returns the accepted fd and the stack's ISS. */
static int open_conn(struct bench *b, int lfd, uint16_t port, uint32_t isn, uint32_t *iss)
{
	struct ref_segment s = seg(port, isn, 0, REF_SYN, 0);
	s.opt.has = REF_HAS_MSS;
	s.opt.mss = 1000;
	ref_input(b->st, &s, b->now);
	*iss = b->last.seq;
	s = seg(port, isn + 1, *iss + 1, REF_ACK, 0);
	ref_input(b->st, &s, b->now);
	return ref_sock_accept(b->st, lfd, NULL, b->now);
}

/* One whole connection: open, 100 octets each way, passive close. */
static void cycle(struct bench *b, int lfd, uint32_t i)
{
	uint16_t port = 10000 + i % 50000;
	uint32_t isn = i * 7919u, iss;
	int fd = open_conn(b, lfd, port, isn, &iss);
	struct ref_segment s = seg(port, isn + 1, iss + 1, REF_ACK | REF_PSH, 100);
	ref_input(b->st, &s, b->now);
	char buf[100];
	ref_sock_recv(b->st, fd, buf, sizeof buf, 0, b->now);
	ref_sock_send(b->st, fd, buf, sizeof buf, 0, b->now);
	s = seg(port, isn + 101, iss + 101, REF_ACK | REF_FIN, 0);
	ref_input(b->st, &s, b->now);
	ref_sock_close(b->st, fd, b->now);
	s = seg(port, isn + 102, iss + 102, REF_ACK, 0);
	ref_input(b->st, &s, b->now);
	b->now += 1000000;
	ref_advance(b->st, b->now);
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static double secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	struct bench b;
	memset(&b, 0, sizeof b);
	struct ref_config cfg;
	ref_config_defaults(&cfg);
	cfg.timestamps = false;
	b.st = ref_stack_new(&cfg, out, &b);
	if (!b.st)
		return 1;

	/* 1. bytes per connection */
	int lfd = listener(&b);
	enum { LIVE = 10000 };
	struct mallinfo2 m0 = mallinfo2();
	long r0 = rss_kib();
	uint32_t iss;
	for (uint32_t i = 0; i < LIVE; i++)
		open_conn(&b, lfd, 10000 + i, i * 7919u, &iss);
	struct mallinfo2 m1 = mallinfo2();
	long r1 = rss_kib();
	double per = (double)(m1.uordblks - m0.uordblks) / LIVE;
	double per_rss = (double)(r1 - r0) * 1024 / LIVE;
	printf("bytes per connection (struct ref_tcb, buffers excluded): %zu\n", ref_conn_size());
	printf("heap per idle established connection (%d live, malloc overhead included): %.0f  (ratio to struct %.2f; aim < 1024)\n",
	       LIVE, per, per / ref_conn_size());
	printf("RSS growth per idle established connection (demux table and timer heap included): %.0f  (ratio to struct %.2f)\n",
	       per_rss, per_rss / ref_conn_size());

	/* 2. reset time */
	double t0 = secs();
	ref_stack_reset(b.st);
	double t_reset_big = secs() - t0;
	lfd = listener(&b);
	open_conn(&b, lfd, 10000, 1, &iss);
	t0 = secs();
	enum { RESETS = 10000 };
	for (int i = 0; i < RESETS; i++) {
		ref_stack_reset(b.st);
		lfd = listener(&b);
		open_conn(&b, lfd, 10000, 1, &iss);
	}
	double t_small = (secs() - t0) / RESETS;
	printf("reset with %d connections: %.1f us; reset + listen + handshake with 1: %.2f us (ratio %.0f)\n",
	       LIVE, t_reset_big * 1e6, t_small * 1e6, t_reset_big / t_small);

	/* 3. RSS over 100,000 connections in one process */
	ref_stack_reset(b.st);
	lfd = listener(&b);
	for (uint32_t i = 0; i < 1000; i++)
		cycle(&b, lfd, i);
	long rss1k = rss_kib();
	t0 = secs();
	for (uint32_t i = 1000; i < 100000; i++)
		cycle(&b, lfd, i);
	double dt = secs() - t0;
	long rss100k = rss_kib();
	const struct ref_stats *sts = ref_stack_stats(b.st);
	printf("RSS after 1,000 connections: %ld KiB; after 100,000: %ld KiB (ratio %.3f); live TCBs left: %llu\n",
	       rss1k, rss100k, rss1k ? (double)rss100k / rss1k : 0.0,
	       (unsigned long long)sts->conns_live);
	printf("connections per second (open, 100 octets each way, close): %.0f; segments out: %llu\n",
	       99000 / dt, (unsigned long long)b.nseg);
	ref_stack_free(b.st);
	return 0;
}
