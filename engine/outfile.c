/* Output files of the commands (--pcap DIR, --junit FILE, --markdown FILE ...): the
 * directories they need are made when missing, as `mkdir -p` would. */
#include <errno.h>
#include <fcntl.h>
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
