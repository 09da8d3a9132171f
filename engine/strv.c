/* The growable string vector of strv.h. */
#include <dirent.h>
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

static int collect(struct engine_strv *p, const char *path, const char *who, int depth)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s: %s\n", who, path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return engine_strv_add(p, path);
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
		if (e->d_name[0] == '.')
			continue;
		char full[4096];
		snprintf(full, sizeof full, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/",
			 e->d_name);
		struct stat s2;
		if (stat(full, &s2) != 0)
			continue;
		size_t n = strlen(e->d_name);
		if (S_ISDIR(s2.st_mode) || (n > 4 && !strcmp(e->d_name + n - 4, ".pkt")))
			if (engine_strv_add(&sub, full) != 0)
				rc = -1;
	}
	closedir(d);
	engine_strv_sort(&sub);
	for (size_t i = 0; i < sub.n && rc == 0; i++)
		if (collect(p, sub.v[i], who, depth + 1) != 0)
			rc = -1;
	engine_strv_free(&sub);
	return rc;
}

int engine_collect_scripts(struct engine_strv *s, const char *path, const char *who)
{
	size_t before = s->n;
	if (collect(s, path, who, 0) != 0)
		return -1;
	if (s->n == before) {
		fprintf(stderr, "%s: %s: no .pkt script found in it\n", who, path);
		return -1;
	}
	return 0;
}
