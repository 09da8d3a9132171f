/* Many scripts: one child process per (script, IP version), at most N at a time.
 *
 * Isolation: the child asks the kernel to die with its parent (PR_SET_PDEATHSIG), and
 * when it may (root) it makes a PID namespace and runs the script in a grandchild that
 * is that namespace's init.  When the init dies, the kernel kills everything left in
 * the namespace, so nothing a script starts (shell lines included) outlives it, and the
 * network namespace, TUN device and sockets go with the last process in them.  No
 * temporary file is ever created: results come back through a pipe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/engine.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
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

/* In the child: run one job and send the result up the pipe. */
static void child_run(const struct engine_jobs_cfg *cfg, struct engine_job *job, int wfd)
{
	struct engine_run_cfg rc = {
		.path = job->path,
		.target = cfg->target,
		.ip_version = job->ip_version,
		.cmdline = cfg->cmdline,
		.pcap_dir = cfg->pcap_dir,
		.log = stderr,
	};
	struct engine_result res;
	engine_run_script(&rc, &res);
	write_all(wfd, &res, sizeof res);
	close(wfd);     /* the verdict is out before the process's slow exit */
}

static void reset_signals(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static pid_t spawn(const struct engine_jobs_cfg *cfg, struct engine_job *job, int *rfd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		*rfd = p[0];
		return pid;
	}
	/* child */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	reset_signals();
	close(p[0]);
	bool own = cfg->target->caps & TARGET_OWN_PROCESS;
	if (own && unshare(CLONE_NEWPID) == 0) {
		pid_t me = getpid();
		pid_t g = fork();
		if (g == 0) {       /* init of the new PID namespace */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != me && getppid() != 0)
				_exit(1);
			child_run(cfg, job, p[1]);
			_exit(0);
		}
		close(p[1]);
		int st;
		while (g > 0 && waitpid(g, &st, 0) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	child_run(cfg, job, p[1]);
	_exit(0);
}

static void print_line(FILE *out, const struct engine_job *j)
{
	const struct engine_result *r = &j->res;
	fprintf(out, "%-5s %s [%s] %.3fs\n", engine_verdict_name(r->verdict), j->path,
		target_ip_version_name(r->ip_version ? r->ip_version
				       : j->ip_version ? j->ip_version : TARGET_IPV4_ONLY),
		r->wall_ns / 1e9);
	if (r->verdict != ENGINE_PASS && r->message[0]) {
		const char *m = r->message;
		while (*m) {
			size_t k = strcspn(m, "\n");
			fprintf(out, "      %.*s\n", (int)k, m);
			m += k + (m[k] == '\n');
		}
	}
	fflush(out);
}

int engine_jobs_run(const struct engine_jobs_cfg *cfg, struct engine_job *jobs, size_t n)
{
	int width = cfg->jobs > 0 ? cfg->jobs : 1;
	struct slot {
		pid_t pid;
		int fd;
		size_t job;
		size_t got;
		struct engine_result res;
	} *slots = calloc(width, sizeof *slots);
	bool *done = calloc(n ? n : 1, sizeof *done);
	if (!slots || !done) {
		free(slots);
		free(done);
		return -1;
	}
	for (int i = 0; i < width; i++)
		slots[i].pid = 0;

	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term, old_pipe;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigaction(SIGPIPE, &ign, &old_pipe);

	size_t next = 0, printed = 0;
	int active = 0, rc = 0;
	while (printed < n) {
		for (int i = 0; i < width && next < n && !interrupted; i++) {
			if (slots[i].pid)
				continue;
			struct slot *s = &slots[i];
			memset(s, 0, sizeof *s);
			s->job = next;
			s->pid = spawn(cfg, &jobs[next], &s->fd);
			if (s->pid < 0) {
				s->pid = 0;
				jobs[next].res.verdict = ENGINE_ERROR;
				snprintf(jobs[next].res.message, sizeof jobs[next].res.message,
					 "%s: cannot start a process: %s", jobs[next].path,
					 strerror(errno));
				done[next] = true;
			} else {
				active++;
			}
			next++;
		}
		if (interrupted)
			break;
		struct pollfd pf[width];
		int map[width], np = 0;
		for (int i = 0; i < width; i++)
			if (slots[i].pid) {
				pf[np].fd = slots[i].fd;
				pf[np].events = POLLIN;
				map[np++] = i;
			}
		if (np) {
			int r = poll(pf, np, -1);
			if (r < 0 && errno != EINTR)
				break;
			for (int k = 0; r > 0 && k < np; k++) {
				if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				struct slot *s = &slots[map[k]];
				ssize_t got = read(s->fd, (char *)&s->res + s->got,
						   sizeof s->res - s->got);
				if (got > 0) {
					s->got += got;
					continue;
				}
				if (got < 0 && errno == EINTR)
					continue;
				/* EOF: the child is done.  It may still be exiting (the kernel
				 * tears a network namespace down in the background): reap it
				 * later unless it left no verdict. */
				close(s->fd);
				int st = 0;
				if (s->got == sizeof s->res)
					zombie_add(s->pid);
				else
					while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
						;
				struct engine_job *j = &jobs[s->job];
				if (s->got == sizeof s->res) {
					j->res = s->res;
				} else {
					memset(&j->res, 0, sizeof j->res);
					j->res.verdict = ENGINE_ERROR;
					snprintf(j->res.message, sizeof j->res.message,
						 "%s: the script's process died without a verdict "
						 "(%s %d)", j->path,
						 WIFSIGNALED(st) ? "signal" : "exit status",
						 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
				}
				done[s->job] = true;
				s->pid = 0;
				active--;
			}
		}
		zombies_reap(false);
		while (printed < n && done[printed]) {
			if (cfg->out)
				print_line(cfg->out, &jobs[printed]);
			printed++;
		}
	}
	if (interrupted || printed < n) {
		for (int i = 0; i < width; i++)
			if (slots[i].pid)
				kill(slots[i].pid, SIGKILL);
		for (size_t i = 0; i < n_zombies; i++)
			kill(zombies[i], SIGKILL);
		for (int i = 0; i < width; i++)
			if (slots[i].pid) {
				close(slots[i].fd);
				while (waitpid(slots[i].pid, NULL, 0) < 0 && errno == EINTR)
					;
				slots[i].pid = 0;
			}
		rc = interrupted ? interrupted : SIGTERM;
	}
	zombies_reap(true);
	(void)active;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	free(slots);
	free(done);
	return rc;
}

int engine_target_probe(const struct target_ops *ops, struct target_diag *d)
{
	memset(d, 0, sizeof *d);
	struct target_config tc = { .ip_version = TARGET_IPV4_ONLY };
	target_config_defaults(&tc);
	if (!(ops->caps & TARGET_OWN_PROCESS)) {
		struct target t;
		int rc = target_open(&t, ops, &tc, d);
		if (rc == TARGET_OK)
			target_close(&t);
		return rc == TARGET_UNAVAILABLE ? rc : TARGET_OK;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return target_diagf(d, TARGET_UNAVAILABLE, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
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
	if (cd.status == TARGET_UNAVAILABLE) {
		*d = cd;
		return TARGET_UNAVAILABLE;
	}
	return TARGET_OK;
}
