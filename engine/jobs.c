/* Many scripts, never in the calling process, at most N at a time.
 *
 * Targets that change the process they open in (TARGET_OWN_PROCESS: linux, lwip,
 * plugins) get a child per (script, IP version), in a process group of its own.  The
 * child asks the kernel to die with its parent (PR_SET_PDEATHSIG).  For a target that
 * starts processes (shell lines: linux), when it may (root) it also makes a PID
 * namespace and runs the script in a grandchild that is that namespace's init.  When the init dies,
 * the kernel kills everything left in the namespace, so nothing a script starts (shell
 * lines included) outlives it, and the network namespace, TUN device and sockets go with
 * the last process in them.
 *
 * Other targets (the reference stack: pure, no globals) run in worker processes, one
 * per parallel job, each taking job after job over a pipe: no fork per script, and a
 * script that crashes or hangs still takes down only its worker, which is replaced.
 *
 * Every script has a wall-clock limit (cfg->timeout_ms): past it, its process group is
 * killed (with the PID namespace, everything it started) and the script fails with
 * the line it was at, which the script's process keeps in a shared page as it goes.
 * No temporary file is ever created: results come back through pipes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/shard.h"

static volatile sig_atomic_t interrupted;
static bool catching;   /* engine_signals_catch was called: the caller keeps them */

/* The signals that stop a run (hang-up, Ctrl-C, a CI's SIGTERM, and the ones whose
 * default action would end tcpspec without its results) */
static const int stop_sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM };
#define N_STOP_SIGS (sizeof stop_sigs / sizeof stop_sigs[0])

static void on_signal(int sig)
{
	if (!interrupted)
		interrupted = sig;
}

static void catch_stop_signals(struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	for (size_t k = 0; k < N_STOP_SIGS; k++)
		sigaction(stop_sigs[k], &sa, old ? &old[k] : NULL);
}

void engine_signals_catch(void)
{
	catch_stop_signals(NULL);
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
	interrupted = 0;
	catching = true;
}

int engine_signal_caught(void)
{
	return interrupted;
}

const char *engine_signal_name(int sig)
{
	switch (sig) {
	case SIGHUP: return "SIGHUP";
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGUSR1: return "SIGUSR1";
	case SIGUSR2: return "SIGUSR2";
	case SIGALRM: return "SIGALRM";
	default: return "a signal";
	}
}

/* Children that gave their verdict and are still exiting, reaped without waiting. */
static pid_t zombies[1024];
static size_t n_zombies;

static void zombies_reap(bool wait)
{
	for (size_t i = 0; i < n_zombies;) {
		pid_t r;
		while ((r = waitpid(zombies[i], NULL, wait ? 0 : WNOHANG)) < 0 && errno == EINTR)
			;
		if (r != 0) {
			zombies[i] = zombies[--n_zombies];
			continue;
		}
		i++;
	}
}

static void zombie_add(pid_t pid)
{
	if (n_zombies == sizeof zombies / sizeof zombies[0])
		zombies_reap(true);
	zombies[n_zombies++] = pid;
}

static void write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		c += w;
		n -= w;
	}
}

/* One job in this process; the result goes up the pipe. */
static void child_run(const struct engine_jobs_cfg *cfg, struct engine_job *job, int wfd,
		      volatile int *line)
{
	struct engine_run_cfg rc = {
		.path = job->path,
		.target = cfg->target,
		.ip_version = job->ip_version,
		.cmdline = cfg->cmdline,
		.pcap_dir = cfg->pcap_dir,
		.pcap_name = job->pcap_name,
		.html_dir = cfg->html_dir,
		.log = stderr,
		.progress_line = line,
		.progress_ip_version = line + 1,
	};
	struct engine_result res;
	engine_run_script(&rc, &res);
	write_all(wfd, &res, sizeof res);
}

static void reset_signals(void)
{
	for (size_t k = 0; k < N_STOP_SIGS; k++)
		signal(stop_sigs[k], SIG_DFL);
	/* a script's write() on a closed connection must see EPIPE, as the scripts
	 * expect, not kill the process (a PID namespace's init never got SIGPIPE anyway) */
	signal(SIGPIPE, SIG_IGN);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct slot {
	pid_t pid;                  /* 0: no process */
	int rfd;                    /* results from the process */
	int wfd;                    /* workers: job numbers to the process; else -1 */
	bool busy;
	size_t job;
	int64_t started_ms;
	int64_t timeout_ms;         /* its job's wall-clock limit; <= 0: none */
	size_t got;
	struct engine_result res;
};

struct pool {
	const struct engine_jobs_cfg *cfg;
	struct engine_job *jobs;
	struct slot *slots;
	int width;
	bool workers;               /* reusable processes (not OWN_PROCESS) */
	volatile int *lines;        /* shared: per slot, the line its script is at, then
				     * the IP version it runs (slot i: lines[2 * i], [2 * i + 1]) */
};

/* Whether a script has a shell line (a backquote) or a code block ("%{"), anything
 * that makes processes; true when the file cannot be read (the safe answer). */
static bool may_start_processes(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	static char buf[1 << 16];
	bool found = false, whole = false;
	size_t n = 0;
	ssize_t r;
	while (!found && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) {
		n += r;
		buf[n] = 0;
		found = memchr(buf, '`', n) || strstr(buf, "%{");
		if (n >= sizeof buf - 2) {       /* keep a byte: "%{" across the edge */
			buf[0] = buf[n - 1];
			n = 1;
		}
	}
	whole = r == 0;
	close(fd);
	return found || !whole;
}

/* Whether a script names its process's pid (`${PPID}`, PACKETDRILL_PID): scripts written
 * for packetdrill keep state in /tmp under that pid (Google's set_sysctls.py and its
 * /tmp/sysctl_restore_${PPID}.sh), so it must be unique on the host, as packetdrill's
 * own pid is; inside a PID namespace of its own every script would be pid 1 and
 * concurrent runs would overwrite each other's files. */
static bool uses_own_pid(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, "PPID") || strstr(buf, "PACKETDRILL_PID");
}

/* Fork the process of slot i: a worker (workers) or the runner of job `job`. */
static pid_t spawn(struct pool *pl, int i, size_t job)
{
	struct slot *s = &pl->slots[i];
	int r[2], w[2] = { -1, -1 };
	if (pipe2(r, O_CLOEXEC) != 0)
		return -1;
	if (pl->workers && pipe2(w, O_CLOEXEC) != 0) {
		close(r[0]);
		close(r[1]);
		return -1;
	}
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(r[0]);
		close(r[1]);
		if (w[0] >= 0) {
			close(w[0]);
			close(w[1]);
		}
		return -1;
	}
	if (pid > 0) {
		setpgid(pid, pid);      /* both sides, so a kill never misses the group */
		close(r[1]);
		s->rfd = r[0];
		s->wfd = w[1];
		if (w[0] >= 0)
			close(w[0]);
		s->pid = pid;
		return pid;
	}
	/* child: its own process group, dying with the parent */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	reset_signals();
	/* stdout carries the run's result lines, written by the parent alone: what a
	 * target prints in here (a plugin's debugging output) goes to stderr, so it can
	 * never pass for a result line */
	dup2(2, 1);
	close(r[0]);
	if (w[1] >= 0)
		close(w[1]);
	for (int k = 0; k < pl->width; k++)     /* other slots' ends: not ours to hold */
		if (k != i && pl->slots[k].pid) {
			close(pl->slots[k].rfd);
			if (pl->slots[k].wfd >= 0)
				close(pl->slots[k].wfd);
		}
	if (pl->workers) {
		uint32_t j;
		for (;;) {
			size_t got = 0;
			while (got < sizeof j) {
				ssize_t n = read(w[0], (char *)&j + got, sizeof j - got);
				if (n == 0)
					_exit(0);
				if (n < 0 && errno != EINTR)
					_exit(1);
				if (n > 0)
					got += n;
			}
			child_run(pl->cfg, &pl->jobs[j], r[1], &pl->lines[2 * i]);
		}
	}
	/* a PID namespace (~1.5 ms) only where processes may be started that could leave
	 * the process group: shell lines (or a code block) on a target that runs them;
	 * not for a script that needs its pid unique on the host (the process group is
	 * then what ends its processes) */
	bool spawns = (pl->cfg->target->caps & (TARGET_RUNS_SHELL | TARGET_NEEDS_ROOT)) &&
		      may_start_processes(pl->jobs[job].path) &&
		      !uses_own_pid(pl->jobs[job].path);
	if (spawns && unshare(CLONE_NEWPID) == 0) {
		pid_t me = getpid();
		pid_t g = fork();
		if (g == 0) {       /* init of the new PID namespace */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != me && getppid() != 0)
				_exit(1);
			child_run(pl->cfg, &pl->jobs[job], r[1], &pl->lines[2 * i]);
			close(r[1]);    /* the verdict is out before the process's slow exit */
			_exit(0);
		}
		close(r[1]);
		int st;
		while (g > 0 && waitpid(g, &st, 0) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	child_run(pl->cfg, &pl->jobs[job], r[1], &pl->lines[2 * i]);
	close(r[1]);
	_exit(0);
}

/* Stop slot i's process and everything in its group, and forget it. */
static void slot_kill(struct slot *s, bool wait)
{
	if (!s->pid)
		return;
	kill(-s->pid, SIGKILL);
	kill(s->pid, SIGKILL);
	close(s->rfd);
	if (s->wfd >= 0)
		close(s->wfd);
	if (wait)
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
	else
		zombie_add(s->pid);
	s->pid = 0;
	s->busy = false;
}

/* Give slot i job j: a new process, or the worker's next job. */
static int slot_start(struct pool *pl, int i, size_t j)
{
	struct slot *s = &pl->slots[i];
	pl->lines[2 * i] = pl->lines[2 * i + 1] = 0;
	s->job = j;
	s->got = 0;
	s->started_ms = mono_ms();
	s->timeout_ms = pl->cfg->timeout_ms ? pl->cfg->timeout_ms
		: engine_default_timeout_ms(pl->jobs[j].path, pl->cfg->cmdline);
	if (!pl->workers || !s->pid) {
		if (!pl->workers)
			s->pid = 0;
		if (spawn(pl, i, j) < 0)
			return -1;
	}
	if (pl->workers) {
		uint32_t n = (uint32_t)j;
		write_all(s->wfd, &n, sizeof n);
	}
	s->busy = true;
	return 0;
}

void engine_print_job(FILE *out, const struct engine_job *j)
{
	const struct engine_result *r = &j->res;
	enum engine_status st = engine_job_status(j);
	fprintf(out, "%-5s %s [%s] %.3fs\n", engine_status_name(st), j->path,
		target_ip_version_name(r->ip_version ? r->ip_version
				       : j->ip_version ? j->ip_version : TARGET_IPV4_ONLY),
		r->wall_ns / 1e9);
	/* a deviation: its documented reason first, then what happened */
	if (st == ENGINE_ST_DEVIATION || st == ENGINE_ST_STALE) {
		fprintf(out, "      %s", st == ENGINE_ST_STALE
			? "passes, although listed as a deviation" : "documented deviation");
		if (j->expect)
			fprintf(out, " by %s:%d", j->expect->file, j->expect->line);
		fprintf(out, "%s: %s\n", st == ENGINE_ST_STALE ? " (stale expectation)" : "",
			j->expected);
	} else if (j->expected && !engine_job_excuse(j)) {
		/* pinned to another line: this failure is a regression, not the deviation */
		fprintf(out, "      not the documented deviation (%s:%d pins it to line %d; "
			"this failure is at line %d)\n", j->expect->file, j->expect->line,
			j->expect->pin_line, engine_result_line(r));
	}
	if (st != ENGINE_ST_PASS && st != ENGINE_ST_STALE && r->message[0]) {
		const char *m = r->message;
		while (*m) {
			size_t k = strcspn(m, "\n");
			fprintf(out, "      %.*s\n", (int)k, m);
			m += k + (m[k] == '\n');
		}
	}
	if (r->n_warnings)
		fprintf(out, "      %d non-fatal mismatch%s let through by --non_fatal\n",
			r->n_warnings, r->n_warnings == 1 ? "" : "es");
	fflush(out);
}

/* The job of slot s did not give a verdict: say why. */
static void job_lost(struct pool *pl, struct slot *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void job_lost(struct pool *pl, struct slot *s, const char *fmt, ...)
{
	struct engine_job *j = &pl->jobs[s->job];
	memset(&j->res, 0, sizeof j->res);
	j->res.verdict = ENGINE_FAIL;
	int ran = pl->lines[2 * (s - pl->slots) + 1];
	j->res.ip_version = ran ? ran : j->ip_version;
	j->res.wall_ns = (mono_ms() - s->started_ms) * 1000000;
	int line = pl->lines[2 * (s - pl->slots)];
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	/* stopped before its capture was opened: an empty one, so --pcap gives every
	 * run its file (the script's IP version when it got that far, else the one
	 * asked for, else IPv4) */
	char cap[4096];
	if (pl->cfg->pcap_dir &&
	    engine_capture_path(cap, sizeof cap, pl->cfg->pcap_dir, j->pcap_name, j->path,
				j->res.ip_version ? j->res.ip_version : TARGET_IPV4_ONLY) == 0 &&
	    access(cap, F_OK) != 0)
		engine_capture_empty(cap);
	if (line > 0)
		snprintf(j->res.message, sizeof j->res.message, "%s:%d: error: %s (at this line)",
			 j->path, line, what);
	else
		snprintf(j->res.message, sizeof j->res.message, "%s: error: %s", j->path, what);
	j->state = ENGINE_JOB_DONE;
}

int engine_jobs_run(const struct engine_jobs_cfg *cfg, struct engine_job *jobs, size_t n)
{
	struct pool pl = {
		.cfg = cfg, .jobs = jobs,
		.width = cfg->jobs > 0 ? cfg->jobs : 1,
		.workers = !(cfg->target->caps & TARGET_OWN_PROCESS),
	};
	const char *fork_each = getenv("TCPSPEC_FORK_PER_SCRIPT");   /* benchmarks */
	if (fork_each && *fork_each == '1')
		pl.workers = false;
	if ((size_t)pl.width > n && n > 0)
		pl.width = (int)n;
	pl.slots = calloc(pl.width, sizeof *pl.slots);
	bool *done = calloc(n ? n : 1, sizeof *done);
	size_t lines_size = ((size_t)pl.width * 2 * sizeof(int) + 4095) & ~(size_t)4095;
	void *lines = mmap(NULL, lines_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			   -1, 0);
	if (!pl.slots || !done || lines == MAP_FAILED) {
		free(pl.slots);
		free(done);
		if (lines != MAP_FAILED)
			munmap(lines, lines_size);
		return -1;
	}
	pl.lines = lines;

	/* a caller that called engine_signals_catch keeps the handlers (and a signal
	 * it caught before stops this run at once); else they are this call's */
	struct sigaction old_stop[N_STOP_SIGS], old_pipe;
	bool own = !catching;
	if (own) {
		interrupted = 0;
		catch_stop_signals(old_stop);
		struct sigaction ign = { .sa_handler = SIG_IGN };
		sigemptyset(&ign.sa_mask);
		sigaction(SIGPIPE, &ign, &old_pipe);
	}

	size_t next = 0, printed = 0, failed = 0;
	int rc = 0;
	struct engine_progress prog;        /* on stderr, when it is a terminal */
	engine_progress_init(&prog, stderr, n);
	while (printed < n) {
		for (int i = 0; i < pl.width && next < n && !interrupted; i++) {
			if (pl.slots[i].busy)
				continue;
			if (slot_start(&pl, i, next) != 0) {
				jobs[next].res.verdict = ENGINE_ERROR;
				snprintf(jobs[next].res.message, sizeof jobs[next].res.message,
					 "%s: cannot start a process: %s", jobs[next].path,
					 strerror(errno));
				jobs[next].state = ENGINE_JOB_DONE;
				done[next] = true;
			}
			next++;
		}
		if (interrupted)
			break;
		struct pollfd pf[pl.width];
		int map[pl.width], np = 0;
		int64_t now = mono_ms(), wait_ms = -1;
		for (int i = 0; i < pl.width; i++) {
			struct slot *s = &pl.slots[i];
			if (!s->busy)
				continue;
			if (s->timeout_ms > 0) {
				int64_t left = s->started_ms + s->timeout_ms - now;
				if (left <= 0) {
					slot_kill(s, true);
					job_lost(&pl, s, "the script did not finish within %g s of "
						 "wall time (%s): stopped, with everything it "
						 "started", s->timeout_ms / 1000.0,
						 cfg->timeout_ms ? "--timeout"
						 : "the default --timeout: twice the script's "
						   "own time, at least 120 s");
					done[s->job] = true;
					continue;
				}
				if (wait_ms < 0 || left < wait_ms)
					wait_ms = left;
			}
			if (prog.f && (wait_ms < 0 || wait_ms > 1000))
				wait_ms = 1000;     /* the elapsed time moves on */
			pf[np].fd = s->rfd;
			pf[np].events = POLLIN;
			map[np++] = i;
		}
		if (np) {
			int r = poll(pf, np, (int)(wait_ms > INT32_MAX ? INT32_MAX : wait_ms));
			if (r < 0 && errno != EINTR)
				break;
			for (int k = 0; r > 0 && k < np; k++) {
				if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				struct slot *s = &pl.slots[map[k]];
				ssize_t got = read(s->rfd, (char *)&s->res + s->got,
						   sizeof s->res - s->got);
				if (got < 0 && errno == EINTR)
					continue;
				if (got > 0) {
					s->got += got;
					if (s->got < sizeof s->res)
						continue;
					/* a whole verdict */
					jobs[s->job].res = s->res;
					jobs[s->job].state = ENGINE_JOB_DONE;
					done[s->job] = true;
					s->busy = false;
					if (!pl.workers) {
						/* it may still be exiting (the kernel tears a network
						 * namespace down in the background): reap it later */
						close(s->rfd);
						zombie_add(s->pid);
						s->pid = 0;
					}
					continue;
				}
				/* EOF or error before a whole verdict: the process died */
				int st = 0;
				close(s->rfd);
				if (s->wfd >= 0)
					close(s->wfd);
				while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
					;
				s->pid = 0;
				job_lost(&pl, s, "the script's process died without a verdict (%s %d)",
					 WIFSIGNALED(st) ? "signal" : "exit status",
					 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
				done[s->job] = true;        /* FAIL: the stack's process crashed */
				s->busy = false;
			}
		}
		zombies_reap(false);
		while (printed < n && done[printed]) {
			if (cfg->out) {
				engine_progress_clear(&prog);
				engine_print_job(cfg->out, &jobs[printed]);
			}
			enum engine_status st = engine_job_status(&jobs[printed]);
			failed += st == ENGINE_ST_FAIL || st == ENGINE_ST_ERROR;
			printed++;
		}
		engine_progress_update(&prog, printed, failed);
	}
	engine_progress_clear(&prog);
	if (interrupted) {
		/* the scripts still running are stopped below: they say so, with the line
		 * they were at; the ones never started stay ENGINE_JOB_NOT_RUN */
		const char *sig = engine_signal_name(interrupted);
		for (int i = 0; i < pl.width; i++) {
			struct slot *s = &pl.slots[i];
			if (!s->busy || done[s->job])
				continue;
			job_lost(&pl, s, "interrupted by %s before it finished: stopped, with "
				 "everything it started", sig);
			jobs[s->job].state = ENGINE_JOB_INTERRUPTED;
			done[s->job] = true;
		}
		for (; cfg->out && printed < n; printed++)
			if (done[printed])
				engine_print_job(cfg->out, &jobs[printed]);
	}
	if (interrupted || printed < n) {
		for (int i = 0; i < pl.width; i++)
			if (pl.slots[i].pid) {
				kill(-pl.slots[i].pid, SIGKILL);
				kill(pl.slots[i].pid, SIGKILL);
			}
		for (size_t i = 0; i < n_zombies; i++)
			kill(zombies[i], SIGKILL);
		for (int i = 0; i < pl.width; i++)
			slot_kill(&pl.slots[i], true);
		rc = interrupted ? interrupted : SIGTERM;
	}
	/* idle workers: end of input makes them exit */
	for (int i = 0; i < pl.width; i++)
		if (pl.slots[i].pid) {
			close(pl.slots[i].wfd);
			pl.slots[i].wfd = -1;
			close(pl.slots[i].rfd);
			zombie_add(pl.slots[i].pid);
			pl.slots[i].pid = 0;
		}
	zombies_reap(true);
	if (own) {
		for (size_t k = 0; k < N_STOP_SIGS; k++)
			sigaction(stop_sigs[k], &old_stop[k], NULL);
		sigaction(SIGPIPE, &old_pipe, NULL);
	}
	munmap(lines, lines_size);
	free(pl.slots);
	free(done);
	return rc;
}

int engine_target_probe(const struct target_ops *ops, struct target_diag *d)
{
	memset(d, 0, sizeof *d);
	/* the cheap probe names what is plainly missing (root, the device); what it says
	 * yes to is still opened in a throwaway process when the target has its own: a
	 * /dev/net/tun that exists but cannot be used otherwise passed here and then made
	 * every script "unavailable" one by one (report: an available column of skips,
	 * exit 4, where run said 3) */
	if (ops->probe) {
		if (ops->probe(d) == TARGET_UNAVAILABLE)
			return TARGET_UNAVAILABLE;
		if (!(ops->caps & TARGET_OWN_PROCESS))
			return TARGET_OK;
		memset(d, 0, sizeof *d);
	}
	struct target_config tc = { .ip_version = TARGET_IPV4_ONLY, .plugin_path = ops->arg };
	target_config_defaults(&tc);
	if (!(ops->caps & TARGET_OWN_PROCESS)) {
		struct target t;
		int rc = target_open(&t, ops, &tc, d);
		if (rc == TARGET_OK)
			target_close(&t);
		return rc == TARGET_UNAVAILABLE || rc == TARGET_BADARG ? rc : TARGET_OK;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return target_diagf(d, TARGET_UNAVAILABLE, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(2, 1);     /* nothing the target prints goes among the result lines */
		close(p[0]);
		struct target t;
		struct target_diag cd = {0};
		int rc = target_open(&t, ops, &tc, &cd);
		cd.status = rc;
		write_all(p[1], &cd, sizeof cd);
		close(p[1]);
		if (rc == TARGET_OK)
			target_close(&t);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return target_diagf(d, TARGET_UNAVAILABLE, "fork: %s", strerror(errno));
	}
	struct target_diag cd;
	size_t got = 0;
	ssize_t r;
	while (got < sizeof cd && (r = read(p[0], (char *)&cd + got, sizeof cd - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += r;
	}
	close(p[0]);
	if (got == sizeof cd)
		zombie_add(pid);        /* reaped with the jobs' children */
	else
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	if (got != sizeof cd)
		return target_diagf(d, TARGET_UNAVAILABLE, "the %s target probe died", ops->name);
	if (cd.status == TARGET_UNAVAILABLE || cd.status == TARGET_BADARG) {
		*d = cd;
		return cd.status;
	}
	return TARGET_OK;
}

/* ---- capture names ------------------------------------------------------------------ */

/* The last k components of path (empty and "." components skipped), joined with '-',
 * without a trailing ".pkt"; NULL when out of memory. */
static char *path_tail(const char *path, int k)
{
	const char *comp[256];
	size_t clen[256];
	int nc = 0;
	for (const char *p = path; *p;) {
		const char *e = strchr(p, '/');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l && !(l == 1 && *p == '.')) {
			if (nc == 256) {
				memmove(comp, comp + 1, sizeof comp[0] * 255);
				memmove(clen, clen + 1, sizeof clen[0] * 255);
				nc--;
			}
			comp[nc] = p;
			clen[nc++] = l;
		}
		p += l + (e != NULL);
	}
	int from = nc > k ? nc - k : 0;
	size_t total = 1;
	for (int c = from; c < nc; c++)
		total += clen[c] + 1;
	char *out = malloc(total);
	if (!out)
		return NULL;
	size_t w = 0;
	for (int c = from; c < nc; c++) {
		if (w)
			out[w++] = '-';
		memcpy(out + w, comp[c], clen[c]);
		w += clen[c];
	}
	out[w] = 0;
	if (w > 4 && !strcmp(out + w - 4, ".pkt"))
		out[w - 4] = 0;
	return out;
}

static int by_name(const void *a, const void *b)
{
	const struct engine_job *x = *(const struct engine_job *const *)a;
	const struct engine_job *y = *(const struct engine_job *const *)b;
	int c = strcmp(x->pcap_name, y->pcap_name);
	return c ? c : strcmp(x->path, y->path);
}

int engine_pcap_names(struct engine_job *jobs, size_t n)
{
	struct engine_job **ix = malloc((n ? n : 1) * sizeof *ix);
	if (!ix)
		return -1;
	for (size_t i = 0; i < n; i++) {
		ix[i] = &jobs[i];
		if (!(jobs[i].pcap_name = path_tail(jobs[i].path, 1)))
			goto oom;
	}
	qsort(ix, n, sizeof *ix, by_name);
	/* a run of equal names from different scripts: lengthen each of them by one
	 * directory at a time until the run's names differ (or the paths run out) */
	for (size_t a = 0; a < n;) {
		size_t b = a + 1;
		while (b < n && !strcmp(ix[b]->pcap_name, ix[a]->pcap_name))
			b++;
		bool distinct = false;
		for (size_t i = a + 1; i < b; i++)
			distinct |= strcmp(ix[i]->path, ix[a]->path) != 0;
		for (int k = 2; distinct && k < 256; k++) {
			bool grew = false, clash = false;
			for (size_t i = a; i < b; i++) {
				char *t = path_tail(ix[i]->path, k);
				if (!t)
					goto oom;
				grew |= strcmp(t, ix[i]->pcap_name) != 0;
				free((char *)ix[i]->pcap_name);
				ix[i]->pcap_name = t;
			}
			for (size_t i = a; i < b && !clash; i++)
				for (size_t j = i + 1; j < b && !clash; j++)
					clash = strcmp(ix[i]->path, ix[j]->path) &&
						!strcmp(ix[i]->pcap_name, ix[j]->pcap_name);
			if (!clash || !grew)
				break;
		}
		a = b;
	}
	free(ix);
	return 0;
oom:
	free(ix);
	engine_pcap_names_free(jobs, n);
	return -1;
}

void engine_pcap_names_free(struct engine_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)jobs[i].pcap_name);
		jobs[i].pcap_name = NULL;
	}
}

/* ---- --target ------------------------------------------------------------------------- */

enum engine_verdict engine_target_find(const char *spec, const struct target_ops **ops,
				       char *msg, size_t cap)
{
	static const char *const known[] = { "reference", "linux", "lwip", "plugin" };
	struct target_diag d = {0};
	if (!strcmp(spec, "plugin") || !strcmp(spec, "plugin:")) {
		*ops = NULL;
		snprintf(msg, cap, "the plugin target needs the plugin's path: --target "
			 "plugin:PATH.so");
		return ENGINE_ERROR;
	}
	*ops = target_lookup(spec, &d);
	if (*ops)
		return ENGINE_PASS;
	size_t n = strcspn(spec, ":");
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i]) == n && !strncmp(known[i], spec, n)) {
			/* a target tcpspec has, not built or not runnable here */
			snprintf(msg, cap, "%s", d.msg[0] ? d.msg : "target not available here");
			return ENGINE_UNAVAILABLE;
		}
	/* no such target: a mistake on the command line */
	char name[64], hint[96] = "";
	snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), spec);
	struct dsl_suggest sg;
	dsl_suggest_init(&sg, name);
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		dsl_suggest_offer(&sg, known[i]);
	if (sg.best)
		snprintf(hint, sizeof hint, "; did you mean %s%s?", sg.best,
			 !strcmp(sg.best, "plugin") ? ":PATH.so" : "");
	snprintf(msg, cap, "unknown target '%s'%s (targets: reference, linux, lwip, "
		 "plugin:PATH.so)", spec, hint);
	return ENGINE_ERROR;
}
