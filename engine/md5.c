/* TCP MD5 signatures (RFC 2385) as nplab's packetdrill writes them: `md5 valid` in an
 * inbound packet's options is signed with --tcp_md5_secret; in an outbound packet's it
 * is verified with the same key (any other outbound `md5 ...` is matched by kind).
 * The stack under test is given its key by the script (setsockopt TCP_MD5SIG). */
#include <stdio.h>
#include <string.h>

#include "engine/engine_int.h"

bool engine_md5_valid(const struct dsl_tcp_opt *o)
{
	return o->kind == DSL_OPT_MD5 && o->sym && !strcmp(o->sym, "valid");
}

bool engine_md5_wants(const struct dsl_packet *p);
bool engine_md5_wants(const struct dsl_packet *p)
{
	for (size_t i = 0; p->opts_kind == DSL_OPTS_LIST && i < p->n_opts; i++)
		if (engine_md5_valid(&p->opts[i]))
			return true;
	return false;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The TCP checksum of the packet in buf again, after its digest changed.  With
 * mutation steps mutate.c computes it (and applies {csum}) later. */
static void tcp_csum_again(const struct dsl_packet *p, uint8_t *buf, size_t len)
{
	if (p->bad.n_muts || (p->bad.has_csum && !p->bad.csum_bad))
		return;		/* a written checksum stays as written */
	struct wire_addr src = { 0 }, dst = { 0 };
	size_t l4;
	if (buf[0] >> 4 == 4) {
		src.family = dst.family = WIRE_AF_INET;
		memcpy(src.a, buf + 12, 4);
		memcpy(dst.a, buf + 16, 4);
		l4 = (size_t)(buf[0] & 15) * 4;
	} else {
		src.family = dst.family = WIRE_AF_INET6;
		memcpy(src.a, buf + 8, 16);
		memcpy(dst.a, buf + 24, 16);
		l4 = 40;
	}
	put16(buf + l4 + 16, 0);
	uint16_t good = wire_l4_csum(&src, &dst, 6, buf + l4, len - l4);
	if (p->bad.has_csum)	/* {csum bad}: the inverted right one, as wire_build does */
		good = good == 0 || good == 0xffff ? 0x5555 : (uint16_t)~good;
	put16(buf + l4 + 16, good);
}

int engine_md5_sign(struct engine_ctx *x, const struct dsl_packet *p, uint8_t *buf,
		    size_t len)
{
	if (!engine_md5_wants(p))
		return 0;
	long at = wire_tcp_md5_find(buf, len);
	uint8_t dig[16];
	if (at < 0 || wire_tcp_md5_digest(buf, len, x->opts.md5_secret,
					  strlen(x->opts.md5_secret), dig))
		return -1;
	memcpy(buf + at, dig, 16);
	tcp_csum_again(p, buf, len);
	return 0;
}

void engine_md5_verify(struct engine_ctx *x, const struct dsl_packet *p,
		       struct engine_diffs *d)
{
	if (!engine_md5_wants(p))
		return;
	long at = wire_tcp_md5_find(x->pkt.data, x->pkt.len);
	uint8_t dig[16];
	if (at < 0) {
		engine_diff(d, "md5: expected a valid MD5 signature but the packet has no MD5 "
			    "option");
		return;
	}
	if (wire_tcp_md5_digest(x->pkt.data, x->pkt.len, x->opts.md5_secret,
				strlen(x->opts.md5_secret), dig) ||
	    memcmp(dig, x->pkt.data + at, 16)) {
		char got[33], want[33];
		for (int i = 0; i < 16; i++) {
			snprintf(got + 2 * i, 3, "%02x", x->pkt.data[at + i]);
			snprintf(want + 2 * i, 3, "%02x", dig[i]);
		}
		engine_diff(d, "md5: expected digest %s (--tcp_md5_secret) but got %s", want, got);
	}
}
