/* tests/plugins/fuzzbroken.c: a deliberately broken copy of the reference stack, as a
 * plugin (build/tests/plugins/libfuzzbroken.so), for the test that every oracle of fuzz_stack fires
 * (tests/fuzz_stack_oracles.sh).  TCPSPEC_BROKEN names the rule it breaks; unset, it is
 * the reference stack unchanged.  It breaks them on the wire and at the call boundary,
 * around an unchanged reference stack:
 *   checksum     inbound segments with a bad checksum get a good one (so are answered)
 *   window       inbound windows read as 65535
 *   read         the first octet a recv returns is changed
 *   written      the first payload octet of every outbound segment is changed
 *   rst-rst      a challenge ACK sent in answer to a RST goes out as a RST
 *   ack-unsent   outbound acknowledgements 1000 too far
 *   seq-range    outbound sequence numbers (but SYNs') 100000 too far
 *   rfc5961-ack  inbound acknowledgements beyond what it sent are taken as its SND.MAX
 *   hang         recv never returns (TARGET_PENDING)
 *   block        recv blocks the calling thread for good (a stack that hangs in earnest:
 *                only a timeout outside the call can see it)
 *   block-masked the same with every signal blocked first (as a stack whose own threads
 *                take the signals: an alarm inside the process never ends it)
 *   diverge      it never sends a RST
 *   abort        an inbound segment with URG and FIN set aborts the process after an
 *                assertion message (a shallow crash of the stack itself, for the
 *                campaign's crash guard, tests/fuzz_campaign_guard.sh) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target-adapters/plugin_abi.h"

extern const struct target_ops target_reference_ops;

struct br {
	struct target t;
	struct target_diag *host;
	const char *mode;
	uint32_t snd_max;       /* of its latest connection, from the wire */
	bool snd_max_valid;
	bool last_in_rst;
};

static bool is(const struct br *b, const char *m)
{
	return b->mode && !strcmp(b->mode, m);
}

static int report(struct br *b, int rc)
{
	if (rc != TARGET_OK && rc != TARGET_PENDING && rc != TARGET_TIMEOUT)
		*b->host = b->t.diag;
	return rc;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* the TCP checksum of an IPv4 packet, recomputed */
static void fix_csum(uint8_t *ip, size_t len)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	uint8_t *t = ip + ihl;
	uint64_t sum = 0;

	if (len < ihl + 20)
		return;
	t[16] = t[17] = 0;
	for (size_t i = 12; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += 6 + (uint32_t)(len - ihl);
	for (size_t i = 0; i + 1 < len - ihl; i += 2)
		sum += (uint32_t)(t[i] << 8 | t[i + 1]);
	if ((len - ihl) & 1)
		sum += (uint32_t)t[len - ihl - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	t[16] = (uint8_t)(sum >> 8);
	t[17] = (uint8_t)sum;
}

static void *br_open(const struct target_config *cfg, struct target_diag *diag)
{
	struct br *b = calloc(1, sizeof *b);

	if (!b)
		return NULL;
	b->host = diag;
	b->mode = getenv("TCPSPEC_BROKEN");
	if (target_open(&b->t, &target_reference_ops, cfg, diag) != TARGET_OK) {
		free(b);
		return NULL;
	}
	return b;
}

static void br_close(void *h)
{
	struct br *b = h;

	target_close(&b->t);
	free(b);
}

static int64_t br_now(void *h)
{
	return target_now(&((struct br *)h)->t);
}

static int br_inject(void *h, const uint8_t *ip, size_t len)
{
	struct br *b = h;
	uint8_t pkt[TARGET_MAX_PACKET];
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	uint8_t *t = pkt + ihl;

	if (len > sizeof pkt || len < ihl + 20)
		return report(b, target_inject(&b->t, ip, len));
	memcpy(pkt, ip, len);
	b->last_in_rst = t[13] & 0x04;
	if (is(b, "abort") && (t[13] & 0x21) == 0x21) {
		fprintf(stderr, "Assertion \"planted: URG and FIN\" failed at line %d in %s\n",
			__LINE__, __FILE__);
		abort();
	}
	if (is(b, "checksum"))
		fix_csum(pkt, len);
	if (is(b, "window")) {
		t[14] = t[15] = 0xff;
		fix_csum(pkt, len);
	}
	if (is(b, "rfc5961-ack") && b->snd_max_valid && (t[13] & 0x10) &&
	    (int32_t)(get32(t + 8) - b->snd_max) > 0) {
		put32(t + 8, b->snd_max);
		fix_csum(pkt, len);
	}
	return report(b, target_inject(&b->t, pkt, len));
}

static int br_next_outbound(void *h, int64_t deadline_ns, struct target_packet *p)
{
	struct br *b = h;
	int rc;

	for (;;) {
		rc = report(b, target_next_outbound(&b->t, deadline_ns, p));
		if (rc != TARGET_OK || p->len < 40)
			return rc;
		size_t ihl = (size_t)(p->data[0] & 15) * 4, doff;
		uint8_t *t = p->data + ihl;
		doff = (size_t)(t[12] >> 4) * 4;
		uint32_t end = get32(t + 4) + (uint32_t)(p->len - ihl - doff) +
			       !!(t[13] & 0x02) + !!(t[13] & 0x01);
		if (t[13] & 0x02)
			b->snd_max = end, b->snd_max_valid = true;
		else if ((int32_t)(end - b->snd_max) > 0)
			b->snd_max = end;
		if (is(b, "diverge") && (t[13] & 0x04))
			continue;               /* the RST is never sent */
		if (is(b, "written") && p->len > ihl + doff)
			p->data[ihl + doff] ^= 0x5a;
		if (is(b, "ack-unsent") && (t[13] & 0x10))
			put32(t + 8, get32(t + 8) + 1000);
		if (is(b, "seq-range") && !(t[13] & 0x02))
			put32(t + 4, get32(t + 4) + 100000);
		if (is(b, "rst-rst") && b->last_in_rst && t[13] == 0x10)
			t[13] = 0x14;
		fix_csum(p->data, p->len);
		return rc;
	}
}

static int br_call(void *h, const struct target_call *c, struct target_result *r)
{
	struct br *b = h;
	int rc;

	if (is(b, "hang") && c->kind == TARGET_CALL_RECV)
		return TARGET_PENDING;
	while (is(b, "block") && c->kind == TARGET_CALL_RECV)
		pause();
	if (is(b, "block-masked") && c->kind == TARGET_CALL_RECV) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		for (;;)
			pause();
	}
	rc = report(b, target_call(&b->t, c, r));
	if (is(b, "read") && rc == TARGET_OK && c->kind == TARGET_CALL_RECV && r->ret > 0 &&
	    c->rdata)
		c->rdata[0] ^= 0x5a;
	return rc;
}

static int br_complete(void *h, int64_t deadline_ns, struct target_result *r)
{
	struct br *b = h;
	return report(b, target_complete(&b->t, deadline_ns, r));
}

static int br_advance(void *h, int64_t now_ns, int64_t *next)
{
	struct br *b = h;
	return report(b, target_advance(&b->t, now_ns, next));
}

static int br_tcp_info(void *h, int fd, struct target_tcp_info *ti)
{
	struct br *b = h;
	return report(b, target_tcp_info(&b->t, fd, ti));
}

static const struct tcpspec_plugin_v2 broken = {
	TCPSPEC_PLUGIN_V2_HEADER,
	.name = "fuzzbroken",
	.version = "test",
	.caps = TARGET_VIRTUAL_TIME | TARGET_TCP_INFO | TARGET_BLOCKING,
	.open = br_open,
	.close = br_close,
	.now = br_now,
	.inject = br_inject,
	.next_outbound = br_next_outbound,
	.call = br_call,
	.complete = br_complete,
	.advance = br_advance,
	.tcp_info = br_tcp_info,
};

TCPSPEC_PLUGIN_EXPORT
const struct tcpspec_plugin_v2 *tcpspec_plugin_v2(uint32_t host_abi)
{
	return host_abi == 2 ? &broken : NULL;
}
