/* fuzz/crashguard.c: known crashes of the stack under test set aside while fuzzing
 * (see crashguard.h). */
#include "fuzz/crashguard.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* the sanitizers' death callback (libFuzzer's writes the input as a crash artifact):
 * weak, for a build without sanitizers */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

#define CG_MAXTEXT 8
#define CG_CHILD_SECS 10        /* a record that takes longer in the child: no guard */
#define CG_DIED 86              /* the child's status after a sanitizer report */

struct known {
	char *ctx;
	char *text[CG_MAXTEXT];
	int ntext;
	/* "seg mask=0xMM value=0xVV": any segment whose flags & MM are VV, in any state */
	bool pattern;
	unsigned mask, value;
	unsigned long tried, hit, skipped;
};

/* a context or pattern that mostly finds harmless records costs more forks than the
 * restarts it saves: after this many tries, it stays on only if a tenth of them were
 * its crash */
#define CG_PATTERN_TRIAL 50
/* a context or pattern whose records crashed in 95% of at least 50 tries: 15 of 16 of
 * its records end the input untried (no fork), the 16th is tried, keeping the rate */
#define CG_SURE_EVERY 16

static struct known *known;
static int nknown;
static bool loaded, off, in_child, print_ctx;
static unsigned long nprobes, nstopped, nuntried;

static void load(void)
{
	const char *path = getenv("TCPSPEC_FUZZ_CRASH_FILE");
	FILE *f;
	char line[4096];

	loaded = true;
	print_ctx = getenv("TCPSPEC_FUZZ_CONTEXT") != NULL;
	if (!path || !*path || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof line, f)) {
		struct known k = { 0 };
		char *save = NULL, *tok;

		line[strcspn(line, "\n")] = 0;
		tok = strtok_r(line, "\t", &save);
		if (!tok)
			continue;
		k.ctx = strdup(tok);
		k.pattern = sscanf(tok, "seg mask=0x%x value=0x%x", &k.mask, &k.value) == 2;
		while (k.ntext < CG_MAXTEXT && (tok = strtok_r(NULL, "\t", &save)) != NULL)
			k.text[k.ntext++] = strdup(tok);
		struct known *nk = k.ntext ? realloc(known, (size_t)(nknown + 1) * sizeof *nk) : NULL;
		if (!nk) {              /* a line without TEXT would match any crash */
			free(k.ctx);
			for (int i = 0; i < k.ntext; i++)
				free(k.text[i]);
			continue;
		}
		known = nk;
		known[nknown++] = k;
	}
	fclose(f);
}

void cg_context(const struct sd *d, const struct fuzz_rec *r, char *out, size_t n)
{
	switch (r->kind) {
	case FUZZ_REC_SEG:
		snprintf(out, n, "seg flags=0x%02x twin=%d", r->flags, d->twin_state);
		break;
	case FUZZ_REC_CALL:
		snprintf(out, n, "call=%d twin=%d", r->call % FUZZ_NCALLS, d->twin_state);
		break;
	default:
		snprintf(out, n, "time twin=%d", d->twin_state);
		break;
	}
}

static void child_died(void)
{
	_exit(CG_DIED);
}

/* the child: its output to the pipe, the crash handlers of libFuzzer (which write the
 * input as an artifact and count it) off, a time limit */
static void become_child(int wfd)
{
	static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGALRM };

	in_child = true;
	dup2(wfd, 1);
	dup2(wfd, 2);
	close(wfd);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(child_died);
	alarm(CG_CHILD_SECS);
}

static bool matches(const struct known *k, const char *ctx, const struct fuzz_rec *r)
{
	if (k->tried >= CG_PATTERN_TRIAL && k->hit * 10 < k->tried)
		return false;
	if (!k->pattern)
		return !strcmp(k->ctx, ctx);
	return r->kind == FUZZ_REC_SEG && (r->flags & k->mask) == k->value;
}

static bool all_in(const struct known *k, const char *text)
{
	for (int i = 0; i < k->ntext; i++)
		if (!strstr(text, k->text[i]))
			return false;
	return true;
}

/* Try the record in a child: true when it died of a crash listed for ctx */
static bool probe(const char *ctx, const struct fuzz_rec *r)
{
	int p[2], status = 0;
	pid_t pid;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct timespec t0;

	if (pipe(p) < 0)
		return false;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return false;
	}
	if (pid == 0) {
		close(p[0]);
		become_child(p[1]);
		return false;
	}
	nprobes++;
	close(p[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		int left = (int)((CG_CHILD_SECS + 2 - (now.tv_sec - t0.tv_sec)) * 1000);
		int rc = left > 0 ? poll(&pf, 1, left) : 0;
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			kill(pid, SIGKILL);     /* it hangs: no guard in this process */
			off = true;
			fprintf(stderr, "fuzz_stack: crash guard: a record tried in a child did "
				"not end in %d s: the guard is off\n", CG_CHILD_SECS);
			break;
		}
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);
			if (!nb)
				break;
			buf = nb;
			cap += 65536;
		}
		ssize_t k = read(p[0], buf + len, cap - len - 1);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	bool crashed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	bool match = false;
	if (buf)
		buf[len] = 0;
	for (int i = 0; i < nknown; i++) {
		if (!matches(&known[i], ctx, r))
			continue;
		known[i].tried++;
		if (crashed && !off && buf && all_in(&known[i], buf)) {
			known[i].hit++;
			match = true;
		}
	}
	free(buf);
	return match;
}

bool cg_before(const struct sd *d, const struct fuzz_rec *r)
{
	char ctx[64];
	bool listed = false;

	if (in_child)
		return false;
	if (!loaded)
		load();
	if (!print_ctx && (off || !nknown))
		return false;
	cg_context(d, r, ctx, sizeof ctx);
	if (print_ctx) {
		fprintf(stderr, "fuzz_stack: context: %s (record %d)\n", ctx, d->record + 1);
		fflush(stderr);
	}
	struct known *k = NULL;
	for (int i = 0; i < nknown && !listed && !off; i++)
		if ((listed = matches(&known[i], ctx, r)))
			k = &known[i];
	if (listed && k->tried >= CG_PATTERN_TRIAL && k->hit * 20 >= k->tried * 19 &&
	    ++k->skipped % CG_SURE_EVERY) {
		nstopped++;
		nuntried++;
		return true;
	}
	if (!listed || !probe(ctx, r))
		return false;
	nstopped++;
	return true;
}

void cg_after(void)
{
	if (in_child)
		_exit(0);
}

void cg_stats(unsigned long *probes, unsigned long *stopped, unsigned long *untried)
{
	*probes = nprobes;
	*stopped = nstopped;
	*untried = nuntried;
}
