/* The growable string vector of strv.h. */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/strv.h"

int engine_strv_add(struct engine_strv *s, const char *x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	if (!(s->v[s->n] = strdup(x)))
		return -1;
	s->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void engine_strv_sort(struct engine_strv *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_str);
}

void engine_strv_free(struct engine_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* What one engine_collect_scripts call has seen, by device and inode: the directories
 * entered (a symbolic link back to one of them is a loop, or a second way into the
 * same tree) and the scripts taken, so no script is run twice because of links. */
struct seen {
	dev_t dev[4096];
	ino_t ino[4096];
	size_t n;
	size_t hidden;	/* entries passed over for a name starting with '.' */
};

static bool seen_add(struct seen *v, const struct stat *st)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->dev[i] == st->st_dev && v->ino[i] == st->st_ino)
			return false;
	if (v->n < sizeof v->dev / sizeof v->dev[0]) {
		v->dev[v->n] = st->st_dev;
		v->ino[v->n++] = st->st_ino;
	}
	return true;
}

static int collect(struct engine_strv *p, const char *path, const char *who, int depth,
		   struct seen *dirs, struct seen *files)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		struct stat lst;
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			fprintf(stderr, "%s: %s: broken symbolic link (%s)\n", who, path,
				strerror(errno));
		else
			fprintf(stderr, "%s: %s: %s\n", who, path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* a FIFO, socket or device named x.pkt: open() of it would block the run
		 * (for ever, deaf to SIGTERM) or read something that is no script */
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "%s: %s: not a regular file\n", who, path);
			return -1;
		}
		if (depth > 0 && !seen_add(files, &st)) {
			fprintf(stderr, "%s: %s: the same script as one already taken "
				"(a link to it), run once\n", who, path);
			return 0;
		}
		return engine_strv_add(p, path);
	}
	if (!seen_add(dirs, &st)) {
		fprintf(stderr, "%s: %s: a directory already visited (a symbolic link "
			"loop or a second link to it), its scripts are run once\n", who, path);
		return 0;
	}
	if (depth > 32)
		return 0;
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: %s: %s\n", who, path, strerror(errno));
		return -1;
	}
	struct engine_strv sub = {0};
	struct dirent *e;
	int rc = 0;
	size_t pl = strlen(path);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.') {
			/* hidden names (.git, an editor's .x.pkt.swp, .old/) are not searched,
			 * as most tools do; given by name, such a file or directory is run */
			dirs->hidden += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
			continue;
		}
		char full[4096];
		snprintf(full, sizeof full, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/",
			 e->d_name);
		struct stat s2;
		size_t n = strlen(e->d_name);
		bool pkt = n > 4 && !strcmp(e->d_name + n - 4, ".pkt");
		/* a link that leads nowhere is an error as in tcpspec parse, not a script
		 * silently left out; the directory entry itself names it */
		if (stat(full, &s2) != 0) {
			if (lstat(full, &s2) == 0 && S_ISLNK(s2.st_mode)) {
				if (engine_strv_add(&sub, full) != 0)
					rc = -1;
			}
			continue;
		}
		if (S_ISDIR(s2.st_mode) || pkt)
			if (engine_strv_add(&sub, full) != 0)
				rc = -1;
	}
	closedir(d);
	engine_strv_sort(&sub);
	for (size_t i = 0; i < sub.n; i++)
		if (collect(p, sub.v[i], who, depth + 1, dirs, files) != 0)
			rc = -1;
	engine_strv_free(&sub);
	return rc;
}

int engine_collect_scripts(struct engine_strv *s, const char *path, const char *who)
{
	size_t before = s->n;
	struct seen *seen = calloc(2, sizeof *seen);
	if (!seen)
		return -1;
	int rc = collect(s, path, who, 0, &seen[0], &seen[1]);
	size_t hidden = seen[0].hidden;
	free(seen);
	if (rc != 0)
		return -1;
	if (s->n == before) {
		fprintf(stderr, "%s: %s: no .pkt script found in it%s\n", who, path,
			hidden ? " (names starting with '.' are not searched: give such a "
				 "file or directory by name)" : "");
		return -1;
	}
	return 0;
}
