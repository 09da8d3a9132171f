/* wire_seeds: write seed packets for fuzz_wire_segment (whole IP packets) and
 * fuzz_wire_options (their TCP option areas), built with wire_build so that every seed is
 * a packet the codec itself produces: SYN, SYN-ACK, data, FIN, RST over IPv4 and IPv6,
 * every option kind, TCP in UDP, an ICMP error quoting a segment, and a few deliberately
 * malformed ones (bad checksum, lying option length, short data offset).
 *
 *   build/fuzz/wire_seeds SEGMENT_DIR OPTIONS_DIR */
#include <stdio.h>
#include <string.h>

#include "wire/wire.h"

static const char *segdir, *optdir;
static int n;

static void save(const char *dir, const char *name, const uint8_t *p, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/seed-%02d-%s", dir, n, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(p, 1, len, f);
		fclose(f);
	}
}

static void put(const char *name, struct wire_packet *pk)
{
	static uint8_t buf[4096];
	size_t len;
	int rc = wire_build(pk, buf, sizeof buf, &len);

	n++;
	if (rc != WIRE_OK) {
		fprintf(stderr, "wire_seeds: %s: %s\n", name, wire_strerror(rc));
		return;
	}
	save(segdir, name, buf, len);
	if (pk->l4 == WIRE_L4_TCP && pk->tcp.opts.n) {
		uint8_t o[WIRE_TCP_MAX_OPT_LEN + 4];
		size_t olen;
		if (wire_tcp_options_build(&pk->tcp.opts, o, sizeof o, &olen) == WIRE_OK)
			save(optdir, name, o, olen);
	}
}

static void tcp(struct wire_packet *pk, int v, uint16_t flags, uint32_t seq, uint32_t ack,
		size_t plen)
{
	wire_packet_init(pk, v);
	wire_addr_parse(v == 4 ? "192.0.2.2" : "2001:db8::2", &pk->ip.src);
	wire_addr_parse(v == 4 ? "192.0.2.1" : "2001:db8::1", &pk->ip.dst);
	pk->tcp.sport = 40000;
	pk->tcp.dport = 8080;
	pk->tcp.seq = seq;
	pk->tcp.ack = ack;
	pk->tcp.flags = flags;
	pk->tcp.win = 65535;
	pk->tcp.payload_len = plen;
}

int main(int argc, char **argv)
{
	static const uint8_t cookie[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, lie[] = { 2, 9, 5, 0xb4 };
	static const uint8_t digest[16] = { 0xaa };
	static uint8_t quoted[4096];
	uint32_t sack[4] = { 1001, 2001, 3001, 4001 };
	struct wire_packet pk;
	size_t qlen;

	if (argc != 3) {
		fprintf(stderr, "usage: wire_seeds SEGMENT_DIR OPTIONS_DIR\n");
		return 2;
	}
	segdir = argv[1];
	optdir = argv[2];
	for (int v = 4; v <= 6; v += 2) {
		tcp(&pk, v, WIRE_TH_SYN, 0, 0, 0);
		wire_opt_add_mss(&pk.tcp.opts, 1460);
		wire_opt_add_sack_perm(&pk.tcp.opts);
		wire_opt_add_ts(&pk.tcp.opts, 100, 0);
		wire_opt_add_nop(&pk.tcp.opts);
		wire_opt_add_wscale(&pk.tcp.opts, 7);
		put(v == 4 ? "syn4" : "syn6", &pk);
		tcp(&pk, v, WIRE_TH_SYN | WIRE_TH_ACK | WIRE_TH_ECE, 5000, 1, 0);
		wire_opt_add_mss(&pk.tcp.opts, 1220);
		wire_opt_add_nop(&pk.tcp.opts);
		wire_opt_add_nop(&pk.tcp.opts);
		wire_opt_add_sack_perm(&pk.tcp.opts);
		put(v == 4 ? "synack4" : "synack6", &pk);
		tcp(&pk, v, WIRE_TH_PSH | WIRE_TH_ACK, 1, 1, 100);
		pk.ip.tos = WIRE_ECN_CE;
		put(v == 4 ? "data4" : "data6", &pk);
		tcp(&pk, v, WIRE_TH_ACK, 1, 1, 0);
		wire_opt_add_nop(&pk.tcp.opts);
		wire_opt_add_nop(&pk.tcp.opts);
		wire_opt_add_sack(&pk.tcp.opts, 2, sack);
		put(v == 4 ? "sack4" : "sack6", &pk);
	}
	tcp(&pk, 4, WIRE_TH_FIN | WIRE_TH_ACK, 101, 1, 0);
	put("fin", &pk);
	tcp(&pk, 4, WIRE_TH_RST, 101, 0, 0);
	put("rst", &pk);
	tcp(&pk, 4, WIRE_TH_SYN, 0, 0, 0);
	wire_opt_add_tfo(&pk.tcp.opts, false, cookie, sizeof cookie);
	wire_opt_add_md5(&pk.tcp.opts, digest);
	put("fastopen-md5", &pk);
	tcp(&pk, 4, WIRE_TH_SYN, 0, 0, 0);
	wire_opt_add_tfo(&pk.tcp.opts, true, NULL, 0);
	wire_opt_add_accecn(&pk.tcp.opts, 0, 3, 1, 2, 3);
	wire_opt_add_unknown(&pk.tcp.opts, 77, cookie, 4);
	put("tfo-exp-accecn", &pk);
	tcp(&pk, 4, WIRE_TH_ACK, 1, 1, 10);
	wire_opt_add_literal(&pk.tcp.opts, lie, sizeof lie);
	put("lying-option-length", &pk);
	tcp(&pk, 4, WIRE_TH_ACK, 1, 1, 10);
	pk.ovr.l4_csum = WIRE_CSUM_BAD;
	put("bad-checksum", &pk);
	tcp(&pk, 4, WIRE_TH_ACK | WIRE_TH_RES, 1, 1, 0);
	pk.ovr.tcp_doff = true;
	pk.tcp.doff = 4;
	put("short-doff-reserved-bits", &pk);
	tcp(&pk, 4, WIRE_TH_SYN, 0, 0, 0);
	pk.udp_encap = true;
	pk.udp.sport = 1234;
	pk.udp.dport = 9899;
	put("tcp-in-udp", &pk);
	tcp(&pk, 4, WIRE_TH_PSH | WIRE_TH_ACK, 1, 1, 100);
	if (wire_build(&pk, quoted, sizeof quoted, &qlen) == WIRE_OK) {
		static uint8_t icmp[4096];
		size_t ilen;
		if (wire_build_icmp_error(&pk.ip.dst, &pk.ip.src, WIRE_ICMP_UNREACH,
					  WIRE_ICMP_UNREACH_NEEDFRAG, 1200, quoted, qlen, 0,
					  icmp, sizeof icmp, &ilen) == WIRE_OK)
			save(segdir, "icmp-frag-needed", icmp, ilen);
	}
	return 0;
}
