/* The tunnel of TCP over UDP for the in-process targets (target-adapters/common/tcpudp.c):
 * the settings, what an inbound datagram gives the stack (the segment, its UDP port, the
 * checksum verdict), and how the stack's segments leave (in UDP from the tunneling port
 * to the connection's port, TCP checksum 0), through wire_build and wire_parse as the
 * reference target uses them.  Which connection goes how is the stack's
 * (tests/test_refstack.c, encaps_*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "target-adapters/common/tcpudp.h"

static struct wire_packet seg(bool from_peer, uint16_t flags)
{
	struct wire_packet w;
	wire_packet_init(&w, 4);
	wire_addr_parse(from_peer ? "192.0.2.1" : "192.168.0.1", &w.ip.src);
	wire_addr_parse(from_peer ? "192.168.0.1" : "192.0.2.1", &w.ip.dst);
	w.tcp.sport = from_peer ? 40000 : 8080;
	w.tcp.dport = from_peer ? 8080 : 40000;
	w.tcp.flags = flags;
	w.tcp.win = 100;
	return w;
}

#define PLAIN (-1)

/* w as it arrives: built (in UDP from uport unless PLAIN), parsed with e's port */
static bool arrive(const struct tcpudp *e, struct wire_packet w, int uport, bool bad_udp,
		   bool *csum_ok, uint16_t *peer_port)
{
	uint8_t buf[256];
	size_t n;
	if (uport != PLAIN) {
		w.udp_encap = true;
		w.udp.sport = (uint16_t)uport;
		w.udp.dport = 9811;
	}
	assert_int_equal(wire_build(&w, buf, sizeof buf, &n), WIRE_OK);
	if (bad_udp)
		buf[n - 1] ^= 1;        /* the last byte of the segment: only the UDP sum fails */
	struct wire_parse_cfg c = tcpudp_parse_cfg(e);
	struct wire_packet in;
	assert_int_equal(wire_parse_cfg(buf, n, &c, &in), WIRE_OK);
	return tcpudp_inbound(e, &in, csum_ok, peer_port);
}

/* a tunnel on FreeBSD's usual port */
static struct tcpudp tunnel(void)
{
	struct tcpudp e;
	tcpudp_init(&e);
	e.port = 9811;
	return e;
}

static void settings(void **state)
{
	(void)state;
	struct tcpudp e;
	tcpudp_init(&e);
	assert_int_equal(e.port, 0);
	assert_int_equal(e.overhead, 8);
	assert_int_equal(tcpudp_setting(&e, "net.inet.tcp.udp_tunneling_port", "9811"), 0);
	assert_int_equal(e.port, 9811);
	assert_int_equal(tcpudp_setting(&e, "net.inet.tcp.udp_tunneling_port", "65536"), -2);
	assert_int_equal(tcpudp_setting(&e, "net.inet.tcp.udp_tunneling_overhead", "x"), -2);
	assert_int_equal(tcpudp_setting(&e, "net.inet.tcp.udp_tunneling_overhead", "12"), 0);
	assert_int_equal(e.overhead, 12);
	assert_int_equal(tcpudp_setting(&e, "net.ipv4.tcp_sack", "1"), -1);
}

static void inbound_gives_the_udp_port(void **state)
{
	(void)state;
	struct tcpudp e = tunnel();
	bool ok;
	uint16_t port;
	struct wire_packet ack = seg(true, WIRE_TH_ACK);
	ack.tcp.payload_len = 4;
	/* in UDP from 5000: the segment, its port, the TCP checksum taken as good */
	assert_true(arrive(&e, ack, 5000, false, &ok, &port));
	assert_true(ok);
	assert_int_equal(port, 5000);
	/* plain: port 0, the TCP checksum's own verdict */
	assert_true(arrive(&e, ack, PLAIN, false, &ok, &port));
	assert_true(ok);
	assert_int_equal(port, 0);
	/* failing the UDP checksum, or from UDP port 0 (none: nothing could answer it):
	 * dropped */
	assert_false(arrive(&e, ack, 5000, true, &ok, &port));
	assert_false(arrive(&e, ack, 0, false, &ok, &port));
}

static void outbound_goes_to_the_port(void **state)
{
	(void)state;
	struct tcpudp e = tunnel();
	/* a segment for UDP port 5000 leaves from the tunneling port: TCP checksum 0, the
	 * options as the stack made them */
	struct wire_packet out = seg(false, WIRE_TH_SYN | WIRE_TH_ACK);
	wire_opt_add_mss(&out.tcp.opts, 1452);
	tcpudp_outbound(&e, &out, 5000);
	uint8_t buf[256];
	size_t n;
	assert_int_equal(wire_build(&out, buf, sizeof buf, &n), WIRE_OK);
	struct wire_parse_cfg c = tcpudp_parse_cfg(&e);
	struct wire_packet p;
	assert_int_equal(wire_parse_cfg(buf, n, &c, &p), WIRE_OK);
	assert_true(p.udp_encap);
	assert_int_equal(p.udp.sport, 9811);
	assert_int_equal(p.udp.dport, 5000);
	assert_true(p.udp.csum_ok);
	assert_int_equal(p.tcp.csum, 0);
	assert_int_equal(p.tcp.opts.opt[0].v.mss, 1452);
	/* port 0 is plain TCP; so is everything when the tunnel has no port */
	struct wire_packet plain = seg(false, WIRE_TH_ACK);
	tcpudp_outbound(&e, &plain, 0);
	assert_false(plain.udp_encap);
	struct tcpudp off;
	tcpudp_init(&off);
	tcpudp_outbound(&off, &plain, 5000);
	assert_false(plain.udp_encap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(settings),
		cmocka_unit_test(inbound_gives_the_udp_port),
		cmocka_unit_test(outbound_goes_to_the_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
