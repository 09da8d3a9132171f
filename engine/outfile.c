/* Output files of the commands (--pcap DIR, --junit FILE, --markdown FILE ...): the
 * directories they need are made when missing, as `mkdir -p` would. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

FILE *engine_open_out(const char *path, const char *who)
{
	if (!strcmp(path, "-"))
		return stdout;
	const char *sl = strrchr(path, '/');
	if (sl && sl != path) {
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", (int)(sl - path), path);
		if (engine_mkdirs(dir, who) != 0)
			return NULL;
	}
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "%s: cannot write %s: %s\n", who, path, strerror(errno));
	return f;
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

/* The file a path names, as far as it can be told: its real path when it or its
 * directory exists, else the path as written.  Malloc'd, or NULL. */
static char *canon(const char *path)
{
	char *r = realpath(path, NULL);
	if (r)
		return r;
	const char *sl = strrchr(path, '/');
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%.*s", sl ? (int)(sl - path) : 1, sl ? path : ".");
	char *d = realpath(sl == path ? "/" : dir, NULL);
	if (!d)
		return strdup(path);
	size_t n = strlen(d) + strlen(sl ? sl + 1 : path) + 2;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%s/%s", strcmp(d, "/") ? d : "", sl ? sl + 1 : path);
	free(d);
	return out;
}

int engine_outs_check(const char *const *flags, const char *const *paths, size_t n,
		      char *const *inputs, size_t ninputs, const char *who)
{
	char *c[n ? n : 1];
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		c[i] = paths[i] && strcmp(paths[i], "-") ? canon(paths[i]) : NULL;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!paths[i])
			continue;
		for (size_t k = i + 1; k < n && !rc; k++) {
			if (!paths[k])
				continue;
			bool same = !strcmp(paths[i], "-") ? !strcmp(paths[k], "-")
				    : c[i] && c[k] && !strcmp(c[i], c[k]);
			if (same) {
				fprintf(stderr, "%s: %s and %s name the same file (%s): each result "
					"needs its own\n", who, flags[i], flags[k], paths[k]);
				rc = -1;
			}
		}
		for (size_t k = 0; c[i] && k < ninputs && !rc; k++) {
			char *in = canon(inputs[k]);
			if (in && !strcmp(in, c[i])) {
				fprintf(stderr, "%s: %s %s is a script of the run: it would be "
					"overwritten\n", who, flags[i], paths[i]);
				rc = -1;
			}
			free(in);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(c[i]);
	return rc;
}
