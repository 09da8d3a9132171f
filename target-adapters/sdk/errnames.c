/* target-adapters/sdk/errnames.c: Linux errno names and numbers (tcpspec/plugin.h's
 * TCPSPEC_LINUX_ERRNOS), for stacks that number errors their own way. */
#include <string.h>

#include <tcpspec/plugin.h>

static const struct { const char *name; int value; } linux_errnos[] = {
#define X(name, value) { #name, value },
	TCPSPEC_LINUX_ERRNOS(X)
#undef X
};

const char *tcpspec_errno_name(int linux_errno)
{
	for (size_t i = 0; i < sizeof linux_errnos / sizeof linux_errnos[0]; i++)
		if (linux_errnos[i].value == linux_errno)
			return linux_errnos[i].name;
	return NULL;
}

int tcpspec_linux_errno(const char *name)
{
	if (name && !strcmp(name, "EWOULDBLOCK"))
		return TCPSPEC_LINUX_EAGAIN;
	for (size_t i = 0; name && i < sizeof linux_errnos / sizeof linux_errnos[0]; i++)
		if (!strcmp(linux_errnos[i].name, name))
			return linux_errnos[i].value;
	return -1;
}
