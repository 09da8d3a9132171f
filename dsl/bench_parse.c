/* dsl/bench_parse.c: parse throughput over a generated corpus of >= 50 MB.
 *
 * Writes the corpus once to build/dsl/bench-corpus/ (deterministic: same seed, same
 * files), loads it into memory, then times three passes over the same bytes on one core:
 *   1. a plain byte scan (baseline: touching every byte),
 *   2. the flex scanner alone (baseline: tokens, no grammar, no tree),
 *   3. the full parse (scanner + grammar + tree + free).
 * Prints MB/s and scripts/s for each (best of three runs) and the parse's ratio to the
 * baselines.  No threshold: figures, not a verdict.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dsl/dsl.h"

size_t dsl_scan_count(const char *buf, size_t len);	/* dsl/parse.c, internal */

#define CORPUS_DIR "build/dsl/bench-corpus"
#define TARGET_BYTES (52u << 20)

static unsigned long long rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One script of a few kilobytes using most of the dialect. */
static void gen_script(FILE *fp, unsigned id)
{
	static const char *const sysctls[] = { "tcp_timestamps=0", "tcp_sack=1", "tcp_ecn=2",
					       "tcp_window_scaling=1" };
	fprintf(fp, "// generated script %u for the parse benchmark\n", id);
	fprintf(fp, "--tolerance_usecs=%u\n--mss=%u\n\n", 1000 + rnd(9000), 536 + rnd(1000));
	fprintf(fp, "`sysctl -q net.ipv4.%s`\n\n", sysctls[rnd(4)]);
	fprintf(fp, "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		    "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
		    "+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n\n");
	unsigned ts = rnd(100000);
	fprintf(fp, "+0 < S 0:0(0) win %u <mss 1000,sackOK,TS val %u ecr 0,nop,wscale 7>\n",
		1000 + rnd(60000), ts);
	fprintf(fp, "+0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr %u,nop,wscale 8>\n", ts);
	fprintf(fp, "+.%u < . 1:1(0) ack 1 win 257\n+0 accept(3, ..., ...) = 4\n", 1 + rnd(9));
	unsigned seq = 1, lines = 40 + rnd(40);
	for (unsigned i = 0; i < lines; i++) {
		unsigned len = 100 + rnd(1400);
		switch (rnd(8)) {
		case 0:
			fprintf(fp, "+0 write(4, ..., %u) = %u\n", len, len);
			fprintf(fp, "+0 > P. 1:%u(%u) ack %u <nop,nop,TS val %u ecr %u>\n", len + 1,
				len, seq, 200 + i, ts + i);
			break;
		case 1:
			fprintf(fp, "+0.%03u < P. %u:%u(%u) ack 1 win 257 <nop,nop,TS val %u ecr %u>\n",
				rnd(1000), seq, seq + len, len, ts + i, 100 + i);
			seq += len;
			fprintf(fp, "+0 > . 1:1(0) ack %u <nop,nop,sack %u:%u>\n", seq, seq + 1000,
				seq + 2000);
			break;
		case 2:
			fprintf(fp, "+0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=%u}, 8) = 0"
				    " // linger\n", rnd(10));
			break;
		case 3:
			fprintf(fp, "+0 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, %u)"
				    " = 1\n", rnd(100));
			break;
		case 4:
			fprintf(fp, "+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., %u}],"
				    " msg_flags=0}, 0) = -1 EAGAIN (Resource temporarily unavailable)\n",
				len);
			break;
		case 5:
			fprintf(fp, "+0 %%{ assert tcpi_snd_cwnd == %u, tcpi_snd_cwnd }%%\n", rnd(100));
			break;
		case 6:
			fprintf(fp, "0.%u~0.%u > [ect0] . 1:1(0) ack %u <...>\n", 1 + rnd(4),
				5 + rnd(4), seq);
			break;
		default:
			fprintf(fp, "+0 < (tos 0x%x) . %u:%u(0) ack 1 win %u {csum bad}\n", rnd(256),
				seq, seq, rnd(65536));
			break;
		}
	}
	fprintf(fp, "+0 close(4) = 0\n+0 > F. 1:1(0) ack %u\n/* done */\n`echo cleanup`\n", seq);
}

static int ensure_corpus(void)
{
	char path[256];
	struct stat st;
	snprintf(path, sizeof path, "%s/.complete", CORPUS_DIR);
	if (stat(path, &st) == 0)
		return 0;
	mkdir("build", 0755);
	mkdir("build/dsl", 0755);
	if (mkdir(CORPUS_DIR, 0755) != 0 && errno != EEXIST) {
		perror(CORPUS_DIR);
		return -1;
	}
	size_t total = 0;
	for (unsigned id = 0; total < TARGET_BYTES; id++) {
		snprintf(path, sizeof path, "%s/s%05u.pkt", CORPUS_DIR, id);
		FILE *fp = fopen(path, "w");
		if (!fp) {
			perror(path);
			return -1;
		}
		gen_script(fp, id);
		total += (size_t)ftell(fp);
		fclose(fp);
	}
	snprintf(path, sizeof path, "%s/.complete", CORPUS_DIR);
	FILE *fp = fopen(path, "w");
	if (fp)
		fclose(fp);
	return 0;
}

struct script {
	char *buf;
	size_t len;
};

int main(void)
{
	if (ensure_corpus() != 0)
		return 1;
	struct dirent **ents;
	int n = scandir(CORPUS_DIR, &ents, NULL, alphasort);
	if (n < 0) {
		perror(CORPUS_DIR);
		return 1;
	}
	struct script *s = calloc((size_t)n, sizeof *s);
	size_t ns = 0, bytes = 0;
	for (int i = 0; i < n; i++) {
		char path[512];
		if (strstr(ents[i]->d_name, ".pkt")) {
			snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, ents[i]->d_name);
			FILE *fp = fopen(path, "rb");
			if (fp) {
				fseek(fp, 0, SEEK_END);
				long l = ftell(fp);
				rewind(fp);
				s[ns].buf = malloc((size_t)l);
				s[ns].len = fread(s[ns].buf, 1, (size_t)l, fp);
				bytes += s[ns].len;
				ns++;
				fclose(fp);
			}
		}
		free(ents[i]);
	}
	free(ents);
	double mb = bytes / 1e6;
	printf("dsl parse benchmark: %zu scripts, %.1f MB (generated in %s)\n", ns, mb,
	       CORPUS_DIR);

	/* Each pass runs three times and keeps its best time: the machine is shared, and
	 * the best run is the one least disturbed by others. */
	double t_scan = 1e9, t_lex = 1e9, t_parse = 1e9;
	unsigned long sum = 0;
	size_t toks = 0, ok = 0, events = 0;
	for (int round = 0; round < 3; round++) {
		double t0 = now();
		sum = 0;
		for (size_t i = 0; i < ns; i++)
			for (size_t k = 0; k < s[i].len; k++)
				sum += (unsigned char)s[i].buf[k] == '\n';
		double t = now() - t0;
		if (t < t_scan)
			t_scan = t;

		t0 = now();
		toks = 0;
		for (size_t i = 0; i < ns; i++)
			toks += dsl_scan_count(s[i].buf, s[i].len);
		t = now() - t0;
		if (t < t_lex)
			t_lex = t;

		t0 = now();
		ok = events = 0;
		for (size_t i = 0; i < ns; i++) {
			struct dsl_file *f = NULL;
			struct dsl_diags d = { 0 };
			if (dsl_parse_buffer("bench.pkt", s[i].buf, s[i].len, &f, &d) == DSL_OK) {
				ok++;
				events += f->n_events;
			}
			dsl_free(f);
			dsl_diags_free(&d);
		}
		t = now() - t0;
		if (t < t_parse)
			t_parse = t;
	}

	printf("  byte scan (baseline):     %8.1f MB/s %10.0f scripts/s  (%lu lines)\n",
	       mb / t_scan, ns / t_scan, sum);
	printf("  flex scanner alone:       %8.1f MB/s %10.0f scripts/s  (%zu tokens)\n",
	       mb / t_lex, ns / t_lex, toks);
	printf("  full parse (tree + free): %8.1f MB/s %10.0f scripts/s  (%zu/%zu ok, %zu events)\n",
	       mb / t_parse, ns / t_parse, ok, ns, events);
	printf("  ratios: parse/scanner time %.2f, parse/byte-scan time %.1f\n",
	       t_parse / t_lex, t_parse / t_scan);
	for (size_t i = 0; i < ns; i++)
		free(s[i].buf);
	free(s);
	return ok == ns ? 0 : 1;
}
