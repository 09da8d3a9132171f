/* target-adapters/sdk/fdtab.c: the fd table of tcpspec/plugin.h, for plugins that
 * number their sockets as Linux would (the lowest free fd, from 3). */
#include <errno.h>
#include <stdlib.h>

#include <tcpspec/plugin.h>

int tcpspec_fd_alloc(struct tcpspec_fdtab *t, void *obj)
{
	int fd = 3;
	while (fd < t->n && t->obj[fd])
		fd++;
	if (fd >= t->n) {
		int n = t->n ? 2 * t->n : 16;
		void **o = realloc(t->obj, (size_t)n * sizeof *o);
		if (!o)
			return -ENOMEM;
		for (int i = t->n; i < n; i++)
			o[i] = NULL;
		t->obj = o;
		t->n = n;
	}
	t->obj[fd] = obj;
	return fd;
}

void *tcpspec_fd_get(const struct tcpspec_fdtab *t, int fd)
{
	return fd >= 0 && fd < t->n ? t->obj[fd] : NULL;
}

void *tcpspec_fd_release(struct tcpspec_fdtab *t, int fd)
{
	void *o = tcpspec_fd_get(t, fd);
	if (o)
		t->obj[fd] = NULL;
	return o;
}

void tcpspec_fd_free(struct tcpspec_fdtab *t)
{
	free(t->obj);
	t->obj = NULL;
	t->n = 0;
}
