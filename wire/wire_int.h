/* wire/ internals shared by its .c files; not part of the public API. */
#ifndef TCPSPEC_WIRE_WIRE_INT_H
#define TCPSPEC_WIRE_WIRE_INT_H

#include <stdint.h>

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A checksum value that no verifier can mistake for the right one: the bits of the
 * right one inverted, except that in one's complement 0x0000 and 0xFFFF are the same
 * number, so for those two another pattern is used. */
static inline uint16_t wire_bad_csum(uint16_t good)
{
	if (good == 0x0000 || good == 0xffff)
		return 0x5555;
	return (uint16_t)~good;
}

#endif
