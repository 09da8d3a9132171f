/* fuzz_wire_segment: any bytes into the wire/ packet parser (an IP packet, no link
 * header; TCP in UDP to or from port 9899 is decoded as encapsulated TCP).
 *
 * Oracles: ASan (nothing outside the input is read: libFuzzer hands us an exactly sized
 * heap copy); the printer NUL-terminates and reports its length snprintf-style; and
 * whatever parses builds again and parses back to an equal packet.  The build keeps the
 * checksums the input carried (WIRE_CSUM_VALUE), so a packet with a bad checksum must
 * also come back with the same checksum and the same verdict on it.
 *
 * Two things the packet struct does not hold, by design (wire.h promises the bytes back
 * for valid packets only), so the comparison leaves them out:
 *  - bytes inside the IP payload after a UDP datagram shorter than it (legal padding):
 *    the IP and transport lengths are compared without them;
 *  - non-zero bytes after an EOL in the TCP option area (RFC 9293 says padding is zero;
 *    pad_nonzero flags them): build writes zeros, so the TCP checksum verdict may change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_wire_segment: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct wire_parse_cfg cfg = { .udp_encap_port = 9899 };
	static uint8_t out[2 * 65536 + 64];
	static struct wire_packet a, b;
	char why[160], text[1024];
	size_t len;
	int n, rc;

	if (wire_parse_cfg(data, size, &cfg, &a) != WIRE_OK)
		return 0;

	n = wire_print(text, sizeof text, &a, NULL);
	if (n < 0 || ((size_t)n < sizeof text && strlen(text) != (size_t)n) ||
	    ((size_t)n >= sizeof text && strlen(text) != sizeof text - 1))
		fail("wire_print length disagrees with the text it wrote", text);

	a.ovr.ip_csum = a.ovr.l4_csum = a.ovr.encap_csum = WIRE_CSUM_VALUE;
	rc = wire_build(&a, out, sizeof out, &len);
	if (rc != WIRE_OK)
		fail("a parsed packet does not build", wire_errname(rc));
	rc = wire_parse_cfg(out, len, &cfg, &b);
	if (rc != WIRE_OK)
		fail("the built packet does not parse", wire_errname(rc));
	b.ovr = a.ovr;
	if ((a.l4 == WIRE_L4_UDP || a.udp_encap) && (a.have & WIRE_HAVE_L4) &&
	    a.udp.len < a.l4_len) {
		b.ip.total_len = a.ip.total_len;
		b.ip.payload_len = a.ip.payload_len;
		b.l4_len = a.l4_len;
	}
	if (!wire_packet_equal(&a, &b, why, sizeof why))
		fail("parse -> build -> parse changed the packet", why);
	if ((a.ip.version == 4 && (a.ip.csum != b.ip.csum || a.ip.csum_ok != b.ip.csum_ok)) ||
	    (a.l4 == WIRE_L4_TCP && (a.tcp.csum != b.tcp.csum ||
				     (a.tcp.csum_ok != b.tcp.csum_ok && !a.tcp.opts.pad_nonzero))) ||
	    ((a.l4 == WIRE_L4_UDP || a.udp_encap) &&
	     (a.udp.csum != b.udp.csum || a.udp.csum_ok != b.udp.csum_ok)) ||
	    ((a.l4 == WIRE_L4_ICMP || a.l4 == WIRE_L4_ICMP6) &&
	     (a.icmp.csum != b.icmp.csum || a.icmp.csum_ok != b.icmp.csum_ok)))
		fail("parse -> build -> parse changed a checksum or its verdict", NULL);
	return 0;
}
