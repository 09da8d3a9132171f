/* tcpspec run --shard K/N, and the progress line of long runs. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/shard.h"

int engine_shard_parse(const char *s, unsigned *k, unsigned *n)
{
	char *end;
	unsigned long a = strtoul(s, &end, 10);
	if (end == s || *end != '/')
		return -1;
	const char *t = end + 1;
	unsigned long b = strtoul(t, &end, 10);
	if (end == t || *end || a < 1 || b < 1 || a > b || b > 10000)
		return -1;
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

/* The path below root, without "./" and repeated slashes, so "dir", "dir/" and
 * "./dir" give the same names. */
static const char *relative_to(const char *root, const char *path)
{
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (!strncmp(path, root, n) && path[n] == '/') {
		path += n;
	} else {
		const char *slash = strrchr(path, '/');     /* a file given by itself */
		return slash ? slash + 1 : path;
	}
	while (*path == '/' || (path[0] == '.' && path[1] == '/'))
		path += *path == '/' ? 1 : 2;
	return path;
}

unsigned engine_shard_of(const char *root, const char *path, unsigned n)
{
	/* FNV-1a, 64 bits: stable across machines and releases, unlike a seeded hash */
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *c = (const unsigned char *)relative_to(root, path); *c; c++) {
		if (*c == '/' && c[1] == '/')
			continue;
		h ^= *c;
		h *= 0x100000001b3ull;
	}
	return n ? (unsigned)(h % n) : 0;
}

size_t engine_shard_filter(struct engine_strv *s, size_t from, size_t to, const char *root,
			   unsigned k, unsigned n)
{
	size_t w = from;
	for (size_t i = from; i < to && i < s->n; i++) {
		if (engine_shard_of(root, s->v[i], n) == k - 1)
			s->v[w++] = s->v[i];
		else
			free(s->v[i]);
	}
	if (to > s->n)
		to = s->n;
	memmove(s->v + w, s->v + to, (s->n - to) * sizeof *s->v);
	s->n -= to - w;
	return w;
}

/* ---- progress ------------------------------------------------------------------------ */

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void engine_progress_init(struct engine_progress *p, FILE *f, size_t total)
{
	memset(p, 0, sizeof *p);
	const char *term = getenv("TERM");
	if (f && isatty(fileno(f)) && !(term && !strcmp(term, "dumb")))
		p->f = f;
	p->total = total;
	p->start_ms = mono_ms();
	p->drawn_ms = -1000;
}

static void fmt_dur(char *buf, size_t cap, int64_t ms)
{
	int64_t s = (ms + 500) / 1000;
	if (s >= 3600)
		snprintf(buf, cap, "%lld:%02lld:%02lld", (long long)(s / 3600),
			 (long long)(s / 60 % 60), (long long)(s % 60));
	else
		snprintf(buf, cap, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

void engine_progress_format(char *buf, size_t cap, size_t done, size_t total, size_t failed,
			    int64_t elapsed_ms)
{
	char el[32], left[48] = "";
	fmt_dur(el, sizeof el, elapsed_ms);
	if (done > 0 && done < total) {
		char l[32];
		/* the runs so far, at the same pace, for the rest */
		fmt_dur(l, sizeof l, (int64_t)((double)elapsed_ms / done * (total - done)));
		snprintf(left, sizeof left, ", about %s left", l);
	}
	int w = snprintf(NULL, 0, "%zu", total);
	snprintf(buf, cap, "[%*zu/%zu] %zu failed, %s elapsed%s", w, done, total, failed, el,
		 left);
}

void engine_progress_update(struct engine_progress *p, size_t done, size_t failed)
{
	p->done = done;
	p->failed = failed;
	if (!p->f)
		return;
	int64_t now = mono_ms();
	if (now - p->drawn_ms < 100 && done < p->total)
		return;
	char line[160];
	engine_progress_format(line, sizeof line, done, p->total, failed, now - p->start_ms);
	fprintf(p->f, "\r%s\033[K", line);
	fflush(p->f);
	p->drawn_ms = now;
	p->shown = true;
}

void engine_progress_clear(struct engine_progress *p)
{
	if (!p->f || !p->shown)
		return;
	fputs("\r\033[K", p->f);
	fflush(p->f);
	p->shown = false;
	p->drawn_ms = -1000;        /* redraw at the next update */
}
