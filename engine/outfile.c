/* Output files of the commands (--pcap DIR, --junit FILE, --markdown FILE ...): the
 * directories they need are made when missing, as `mkdir -p` would. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/engine.h"

int engine_mkdirs(const char *dir, const char *who)
{
	char buf[4096];
	size_t n = strlen(dir);
	if (!n)
		return 0;
	if (n >= sizeof buf) {
		fprintf(stderr, "%s: %s: path too long\n", who, dir);
		return -1;
	}
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = 0;
		struct stat st;
		if (stat(buf, &st) != 0) {
			if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
				fprintf(stderr, "%s: cannot create directory %s: %s\n", who, buf,
					strerror(errno));
				return -1;
			}
		} else if (!S_ISDIR(st.st_mode)) {
			fprintf(stderr, "%s: %s: not a directory\n", who, buf);
			return -1;
		}
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

/* Make the directory path is in, as mkdir -p would. */
static int mkdirs_for(const char *path, const char *who)
{
	const char *sl = strrchr(path, '/');
	if (!sl || sl == path)
		return 0;
	char dir[4096];
	snprintf(dir, sizeof dir, "%.*s", (int)(sl - path), path);
	return engine_mkdirs(dir, who);
}

FILE *engine_open_out(const char *path, const char *who)
{
	if (!strcmp(path, "-"))
		return stdout;
	if (mkdirs_for(path, who) != 0)
		return NULL;
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "%s: cannot write %s: %s\n", who, path, strerror(errno));
	return f;
}

int engine_outs_prepare(const char *const *paths, size_t n, const char *who)
{
	for (size_t k = 0; k < n; k++)
		if (paths[k] && strcmp(paths[k], "-")) {
			FILE *f = engine_open_out(paths[k], who);
			if (!f)
				return -1;
			if (fclose(f) != 0) {
				fprintf(stderr, "%s: cannot write %s: %s\n", who, paths[k],
					strerror(errno));
				return -1;
			}
		}
	return 0;
}

int engine_out_begin(struct engine_out *o, const char *path, const char *who)
{
	memset(o, 0, sizeof *o);
	o->path = path;
	o->who = who;
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	if (mkdirs_for(path, who) != 0)
		return -1;
	/* a regular file (or none yet) is written beside it and renamed into place, so
	 * a reader never sees half of it; a device or a pipe is written as it is */
	struct stat st;
	if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) {
		/* through a symbolic link: the file it names is replaced, the link stays */
		struct stat lst;
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
		    (o->real = realpath(path, NULL)))
			o->path = o->real;
		size_t n = strlen(o->path) + sizeof ".tmp";
		if (!(o->tmp = malloc(n))) {
			fprintf(stderr, "%s: cannot write %s: %s\n", who, path, strerror(ENOMEM));
			free(o->real);
			o->real = NULL;
			return -1;
		}
		snprintf(o->tmp, n, "%s.tmp", o->path);
	}
	o->f = fopen(o->tmp ? o->tmp : path, "w");
	if (!o->f) {
		fprintf(stderr, "%s: cannot write %s: %s\n", who, o->tmp ? o->tmp : path,
			strerror(errno));
		free(o->tmp);
		free(o->real);
		o->tmp = o->real = NULL;
		return -1;
	}
	return 0;
}

/* The reason a stream's earlier write failed, when stdio kept none: a pipe whose
 * reader went (| head) is EPIPE. */
static int lost_errno(FILE *f)
{
	struct pollfd p = { .fd = fileno(f), .events = POLLOUT };
	if (poll(&p, 1, 0) == 1 && (p.revents & POLLERR))
		return EPIPE;
	return EIO;
}

int engine_stream_check(FILE *f, const char *name, const char *who)
{
	int e = 0;
	errno = 0;
	if (fflush(f) != 0 || ferror(f))
		e = errno ? errno : lost_errno(f);
	if (e)
		fprintf(stderr, "%s: cannot write %s: %s\n", who, name, strerror(e));
	return e ? -1 : 0;
}

int engine_out_end(struct engine_out *o)
{
	if (!o->f)
		return -1;
	bool is_stdout = o->f == stdout;
	const char *name = is_stdout ? "stdout" : o->path;
	int e = 0;
	errno = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		e = errno ? errno : lost_errno(o->f);
	if (!is_stdout && fclose(o->f) != 0 && !e)
		e = errno ? errno : EIO;
	o->f = NULL;
	if (!e && o->tmp && rename(o->tmp, o->path) != 0)
		e = errno;
	if (e) {
		if (o->tmp)
			unlink(o->tmp);
		fprintf(stderr, "%s: cannot write %s: %s\n", o->who, name, strerror(e));
	}
	free(o->tmp);
	free(o->real);
	o->tmp = o->real = NULL;
	return e ? -1 : 0;
}

void engine_empty_outs(const char *const *paths, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (!paths[k] || !strcmp(paths[k], "-"))
			continue;
		int fd = open(paths[k], O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	}
}

int engine_out_set(const char **slot, const char *flag, const char *val, const char *who)
{
	if (*slot && strcmp(*slot, val)) {
		fprintf(stderr, "%s: %s given twice, with %s and %s: one file each\n", who, flag,
			*slot, val);
		return -1;
	}
	*slot = val;
	return 0;
}

/* path with "." and ".." resolved lexically, onto base (an absolute path without
 * symbolic links): for the part of a path that does not exist yet. */
static char *lexical_join(const char *base, const char *rest)
{
	size_t cap = strlen(base) + strlen(rest) + 2;
	char *out = malloc(cap), *work = strdup(rest);
	if (!out || !work) {
		free(out);
		free(work);
		return NULL;
	}
	snprintf(out, cap, "%s", strcmp(base, "/") ? base : "");
	for (char *save, *c = strtok_r(work, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			char *sl = strrchr(out, '/');
			if (sl)
				*sl = 0;
			continue;
		}
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "/%s", c);
	}
	if (!*out)
		snprintf(out, cap, "/");
	free(work);
	return out;
}

/* The file a path names, as far as it can be told before it exists: the real path
 * of its longest existing leading part, the rest resolved lexically (so
 * "nosuchdir/../x" is ./x).  Malloc'd, or NULL. */
static char *canon(const char *path)
{
	char *r = realpath(path, NULL);
	if (r)
		return r;
	char *buf = strdup(path);
	if (!buf)
		return NULL;
	/* the longest leading part that exists: cut at each '/' from the right */
	char *out = NULL;
	for (char *cut = buf + strlen(buf); !out; ) {
		while (cut > buf && *cut != '/')
			cut--;
		if (cut == buf) {
			out = *buf == '/' ? lexical_join("/", path)
					  : (r = realpath(".", NULL)) ? lexical_join(r, path) : NULL;
			break;
		}
		*cut = 0;
		if ((r = realpath(buf, NULL)))
			out = lexical_join(r, path + (cut - buf) + 1);
	}
	free(r);
	free(buf);
	return out;
}

/* stdout by name: '-' and the names Linux gives it */
static bool names_stdout(const char *p)
{
	return !strcmp(p, "-") || !strcmp(p, "/dev/stdout") || !strcmp(p, "/proc/self/fd/1") ||
	       !strcmp(p, "/dev/fd/1");
}

/* Two names of one file, told by device and inode where it exists (stdout: what
 * file descriptor 1 is), by canonical path where it does not.  Character devices
 * (/dev/null, a terminal) are compared by name only: writing one twice loses
 * nothing a file would keep. */
struct outname {
	const char *path;
	char *canon;
	bool have_st, is_stdout;
	struct stat st;
};

static void outname_init(struct outname *o, const char *path)
{
	memset(o, 0, sizeof *o);
	o->path = path;
	if (!path)
		return;
	o->is_stdout = names_stdout(path);
	if (o->is_stdout)
		o->have_st = fstat(1, &o->st) == 0;
	else {
		o->canon = canon(path);
		o->have_st = stat(path, &o->st) == 0;
	}
	if (o->have_st && S_ISCHR(o->st.st_mode))
		o->have_st = false;
}

static bool outname_same(const struct outname *a, const struct outname *b)
{
	if (a->is_stdout && b->is_stdout)
		return true;
	if (a->have_st && b->have_st)
		return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino;
	return a->canon && b->canon && !strcmp(a->canon, b->canon);
}

int engine_outs_check(const char *const *flags, const char *const *paths, size_t n,
		      char *const *inputs, size_t ninputs, const char *who)
{
	struct outname o[n ? n : 1];
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		outname_init(&o[i], paths[i]);
	for (size_t i = 0; i < n && !rc; i++) {
		if (!paths[i])
			continue;
		for (size_t k = i + 1; k < n && !rc; k++) {
			if (paths[k] && outname_same(&o[i], &o[k])) {
				bool same_name = !strcmp(paths[i], paths[k]);
				fprintf(stderr, "%s: %s and %s name the same file (%s%s%s): each "
					"result needs its own\n", who, flags[i], flags[k], paths[i],
					same_name ? "" : ", ", same_name ? "" : paths[k]);
				rc = -1;
			}
		}
		for (size_t k = 0; k < ninputs && !rc; k++) {
			struct outname in;
			outname_init(&in, inputs[k]);
			if (outname_same(&o[i], &in)) {
				fprintf(stderr, "%s: %s %s is a script of the run: it would be "
					"overwritten\n", who, flags[i], paths[i]);
				rc = -1;
			}
			free(in.canon);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(o[i].canon);
	return rc;
}
