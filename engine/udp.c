/* UDP sockets (the linux target; the others report SOCK_DGRAM unsupported).  The engine
 * keeps which target fds are datagram sockets, so that a sendto() whose address is
 * `...` goes to the script's remote address and port, as packetdrill sends it (a TCP
 * socket's `...` stays no address: it is connected).  The first UDP packet the stack
 * sends tells the script's numbering which local port it uses, as a SYN does for TCP
 * (packet.c). */
#include <string.h>

#include "engine/engine_int.h"

void engine_udp_add(struct engine_ctx *x, int fd)
{
	if (!engine_udp_is(x, fd) && x->n_dgram < ENGINE_MAX_FDS)
		x->dgram[x->n_dgram++] = fd;
}

bool engine_udp_is(const struct engine_ctx *x, int fd)
{
	for (int i = 0; i < x->n_dgram; i++)
		if (x->dgram[i] == fd)
			return true;
	return false;
}

void engine_udp_take(struct engine_ctx *x, int fd)
{
	for (int i = 0; i < x->n_dgram; i++)
		if (x->dgram[i] == fd) {
			x->dgram[i] = x->dgram[--x->n_dgram];
			return;
		}
}
