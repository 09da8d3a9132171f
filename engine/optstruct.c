/* Option structures a script writes as a struct literal: the 16-byte struct timeval of
 * SO_RCVTIMEO / SO_SNDTIMEO and Linux's struct tcp_info (<linux/tcp.h>) of TCP_INFO.
 * Each named field is placed by the system headers' own layout (offsetof / sizeof; the
 * bit-fields found by setting them in a zeroed struct), so the bytes are the ones the
 * kernel reads and returns.  Fields a script leaves out (or covers with `...`) are
 * neither written nor checked. */
#define _GNU_SOURCE
#include <linux/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "engine/engine_int.h"

#define MEMBER_SIZE(type, m) sizeof(((type *)0)->m)
#define PLAIN(type, m) { #m, offsetof(type, m), MEMBER_SIZE(type, m), 0, 0 }
#define BITS(m) { #m, 0, 0, 0, 1 }   /* placed at run time by find_bits() */

_Static_assert(sizeof(struct tcp_info) <= TARGET_MAX_OPTBYTES,
	       "a struct tcp_info must fit in a target_optval");

struct layout_field {
	const char *name;
	size_t off, size;
	unsigned shift;
	int is_bits;
};

static const struct layout_field timeval_fields[] = {
	PLAIN(struct timeval, tv_sec), PLAIN(struct timeval, tv_usec),
};

#define TI(m) PLAIN(struct tcp_info, m)
static const struct layout_field tcp_info_fields[] = {
	TI(tcpi_state), TI(tcpi_ca_state), TI(tcpi_retransmits), TI(tcpi_probes),
	TI(tcpi_backoff), TI(tcpi_options), BITS(tcpi_snd_wscale), BITS(tcpi_rcv_wscale),
	BITS(tcpi_delivery_rate_app_limited), BITS(tcpi_fastopen_client_fail),
	TI(tcpi_rto), TI(tcpi_ato), TI(tcpi_snd_mss), TI(tcpi_rcv_mss), TI(tcpi_unacked),
	TI(tcpi_sacked), TI(tcpi_lost), TI(tcpi_retrans), TI(tcpi_fackets),
	TI(tcpi_last_data_sent), TI(tcpi_last_ack_sent), TI(tcpi_last_data_recv),
	TI(tcpi_last_ack_recv), TI(tcpi_pmtu), TI(tcpi_rcv_ssthresh), TI(tcpi_rtt),
	TI(tcpi_rttvar), TI(tcpi_snd_ssthresh), TI(tcpi_snd_cwnd), TI(tcpi_advmss),
	TI(tcpi_reordering), TI(tcpi_rcv_rtt), TI(tcpi_rcv_space), TI(tcpi_total_retrans),
	TI(tcpi_pacing_rate), TI(tcpi_max_pacing_rate), TI(tcpi_bytes_acked),
	TI(tcpi_bytes_received), TI(tcpi_segs_out), TI(tcpi_segs_in),
	TI(tcpi_notsent_bytes), TI(tcpi_min_rtt), TI(tcpi_data_segs_in),
	TI(tcpi_data_segs_out), TI(tcpi_delivery_rate), TI(tcpi_busy_time),
	TI(tcpi_rwnd_limited), TI(tcpi_sndbuf_limited), TI(tcpi_delivered),
	TI(tcpi_delivered_ce), TI(tcpi_bytes_sent), TI(tcpi_bytes_retrans),
	TI(tcpi_dsack_dups), TI(tcpi_reord_seen), TI(tcpi_rcv_ooopack), TI(tcpi_snd_wnd),
};

static const struct {
	enum engine_ostruct_kind kind;
	const char *type;
	size_t size;
	const struct layout_field *fields;
	size_t n;
} layouts[] = {
	{ ENGINE_OSTRUCT_TIMEVAL, "timeval", sizeof(struct timeval), timeval_fields,
	  sizeof timeval_fields / sizeof timeval_fields[0] },
	{ ENGINE_OSTRUCT_TCP_INFO, "tcp_info", sizeof(struct tcp_info), tcp_info_fields,
	  sizeof tcp_info_fields / sizeof tcp_info_fields[0] },
};

/* A bit-field's byte, first bit and width: set it to all ones in a zeroed struct and
 * look where the bits landed (the compiler's layout, not a guess about it). */
static bool find_bits(const char *name, struct engine_ostruct_field *f)
{
	struct tcp_info ti;
	memset(&ti, 0, sizeof ti);
	if (!strcmp(name, "tcpi_snd_wscale"))
		ti.tcpi_snd_wscale = 0xf;
	else if (!strcmp(name, "tcpi_rcv_wscale"))
		ti.tcpi_rcv_wscale = 0xf;
	else if (!strcmp(name, "tcpi_delivery_rate_app_limited"))
		ti.tcpi_delivery_rate_app_limited = 1;
	else if (!strcmp(name, "tcpi_fastopen_client_fail"))
		ti.tcpi_fastopen_client_fail = 3;
	else
		return false;
	const unsigned char *b = (const unsigned char *)&ti;
	for (size_t i = 0; i < sizeof ti; i++)
		if (b[i]) {
			unsigned v = b[i], shift = 0, width = 0;
			while (!(v & 1)) {
				v >>= 1;
				shift++;
			}
			while (v & 1) {
				v >>= 1;
				width++;
			}
			f->off = i;
			f->size = 1;
			f->shift = shift;
			f->bits = width;
			return true;
		}
	return false;
}

enum engine_ostruct_kind engine_ostruct_kind_of(const char *field_name)
{
	for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++)
		for (size_t i = 0; i < layouts[l].n; i++)
			if (!strcmp(layouts[l].fields[i].name, field_name))
				return layouts[l].kind;
	return ENGINE_OSTRUCT_NONE;
}

const char *engine_ostruct_type(enum engine_ostruct_kind k)
{
	for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++)
		if (layouts[l].kind == k)
			return layouts[l].type;
	return "?";
}

size_t engine_ostruct_size(enum engine_ostruct_kind k)
{
	for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++)
		if (layouts[l].kind == k)
			return layouts[l].size;
	return 0;
}

bool engine_ostruct_field(enum engine_ostruct_kind k, const char *name,
			  struct engine_ostruct_field *f)
{
	for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++) {
		if (layouts[l].kind != k)
			continue;
		for (size_t i = 0; i < layouts[l].n; i++) {
			const struct layout_field *lf = &layouts[l].fields[i];
			if (strcmp(lf->name, name))
				continue;
			memset(f, 0, sizeof *f);
			f->name = lf->name;
			if (lf->is_bits)
				return find_bits(lf->name, f);
			f->off = lf->off;
			f->size = lf->size;
			return true;
		}
	}
	return false;
}

/* Fields are unsigned in tcp_info; timeval's are signed longs (tv_sec may be -1). */
static bool is_signed(enum engine_ostruct_kind k)
{
	return k == ENGINE_OSTRUCT_TIMEVAL;
}

static uint64_t mask_of(const struct engine_ostruct_field *f)
{
	unsigned bits = f->bits ? f->bits : (unsigned)f->size * 8;
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

void engine_ostruct_encode(const struct engine_ostruct *s, uint8_t *buf)
{
	memset(buf, 0, s->size);
	for (int i = 0; i < s->n; i++) {
		const struct engine_ostruct_field *f = &s->f[i];
		uint64_t v = (uint64_t)f->value & mask_of(f);
		if (f->bits) {
			buf[f->off] = (uint8_t)((buf[f->off] & ~(mask_of(f) << f->shift)) |
						(v << f->shift));
			continue;
		}
		/* the host's byte order, as the struct in memory */
		switch (f->size) {
		case 1: { uint8_t x = (uint8_t)v; memcpy(buf + f->off, &x, 1); break; }
		case 2: { uint16_t x = (uint16_t)v; memcpy(buf + f->off, &x, 2); break; }
		case 4: { uint32_t x = (uint32_t)v; memcpy(buf + f->off, &x, 4); break; }
		case 8: memcpy(buf + f->off, &v, 8); break;
		}
	}
}

bool engine_ostruct_read(const struct engine_ostruct *s, const struct engine_ostruct_field *f,
			 const uint8_t *buf, size_t len, int64_t *v)
{
	if (f->off + f->size > len)
		return false;
	uint64_t u = 0;
	switch (f->size) {
	case 1: { uint8_t x; memcpy(&x, buf + f->off, 1); u = x; break; }
	case 2: { uint16_t x; memcpy(&x, buf + f->off, 2); u = x; break; }
	case 4: { uint32_t x; memcpy(&x, buf + f->off, 4); u = x; break; }
	case 8: memcpy(&u, buf + f->off, 8); break;
	}
	if (f->bits)
		u = (u >> f->shift) & mask_of(f);
	if (is_signed(s->kind) && f->size < 8 && (u >> (f->size * 8 - 1)) & 1)
		u |= ~mask_of(f);      /* sign-extend */
	*v = (int64_t)u;
	return true;
}

/* How a field's value reads in a message: the state names for tcpi_state and
 * tcpi_ca_state, the number otherwise. */
const char *engine_ostruct_fmt(char *buf, size_t cap, const struct engine_ostruct_field *f,
			       int64_t v)
{
	static const char *const states[] = {
		NULL, "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_FIN_WAIT1",
		"TCP_FIN_WAIT2", "TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT", "TCP_LAST_ACK",
		"TCP_LISTEN", "TCP_CLOSING", "TCP_NEW_SYN_RECV",
	};
	static const char *const ca_states[] = {
		"TCP_CA_Open", "TCP_CA_Disorder", "TCP_CA_CWR", "TCP_CA_Recovery", "TCP_CA_Loss",
	};
	const char *name = NULL;
	if (!strcmp(f->name, "tcpi_state") && v >= 0 &&
	    v < (int64_t)(sizeof states / sizeof states[0]))
		name = states[v];
	else if (!strcmp(f->name, "tcpi_ca_state") && v >= 0 &&
		 v < (int64_t)(sizeof ca_states / sizeof ca_states[0]))
		name = ca_states[v];
	if (name)
		snprintf(buf, cap, "%lld (%s)", (long long)v, name);
	else
		snprintf(buf, cap, "%lld", (long long)v);
	return buf;
}
