/* TCP over UDP for the in-process targets (target-adapters/common/tcpudp.c): the
 * settings, what an inbound segment does to its connection's encapsulation, and how the
 * stack's segments leave (in UDP from the tunneling port, TCP checksum 0, MSS less the
 * overhead), through wire_build and wire_parse as the reference target uses them. */
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

/* w as it arrives: built (in UDP from uport when uport != 0), parsed with e's port */
static bool arrive(struct tcpudp *e, struct wire_packet w, uint16_t uport, bool bad_udp,
		   bool *csum_ok)
{
	uint8_t buf[256];
	size_t n;
	if (uport) {
		w.udp_encap = true;
		w.udp.sport = uport;
		w.udp.dport = 9811;
	}
	assert_int_equal(wire_build(&w, buf, sizeof buf, &n), WIRE_OK);
	if (bad_udp)
		buf[n - 1] ^= 1;        /* the last byte of the segment: only the UDP sum fails */
	struct wire_parse_cfg c = tcpudp_parse_cfg(e);
	struct wire_packet in;
	assert_int_equal(wire_parse_cfg(buf, n, &c, &in), WIRE_OK);
	return tcpudp_inbound(e, &in, csum_ok);
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

static void a_connection_keeps_its_encapsulation(void **state)
{
	(void)state;
	struct tcpudp e = tunnel();
	bool ok;
	/* a SYN in UDP from port 5000 opens an encapsulated connection */
	struct wire_packet syn = seg(true, WIRE_TH_SYN);
	wire_opt_add_mss(&syn.tcp.opts, 1452);
	assert_true(arrive(&e, syn, 5000, false, &ok));
	assert_true(ok);
	/* its segments: plain, from another UDP port, or failing the UDP sum are dropped */
	struct wire_packet ack = seg(true, WIRE_TH_ACK);
	ack.tcp.payload_len = 4;
	assert_false(arrive(&e, ack, 0, false, &ok));
	assert_false(arrive(&e, ack, 5001, false, &ok));
	assert_false(arrive(&e, ack, 5000, true, &ok));
	assert_true(arrive(&e, ack, 5000, false, &ok));
	assert_true(ok);
	/* the stack's answer leaves in UDP from the tunneling port to 5000: TCP checksum
	 * 0, the SYN,ACK's MSS 8 smaller */
	struct wire_packet out = seg(false, WIRE_TH_SYN | WIRE_TH_ACK);
	wire_opt_add_mss(&out.tcp.opts, 1460);
	tcpudp_outbound(&e, &out);
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
}

static void a_plain_connection_stays_plain(void **state)
{
	(void)state;
	struct tcpudp e = tunnel();
	bool ok;
	/* the stack opens plainly: its SYN is not wrapped, and a segment in UDP for that
	 * connection is dropped while a plain one passes */
	struct wire_packet syn = seg(false, WIRE_TH_SYN);
	tcpudp_outbound(&e, &syn);
	assert_false(syn.udp_encap);
	struct wire_packet rst = seg(true, WIRE_TH_RST | WIRE_TH_ACK);
	assert_false(arrive(&e, rst, 1, false, &ok));
	assert_true(arrive(&e, rst, 0, false, &ok));
	/* with no tunneling port nothing is decapsulated: TCP only */
	struct tcpudp off;
	tcpudp_init(&off);
	struct wire_packet s2 = seg(false, WIRE_TH_ACK);
	tcpudp_outbound(&off, &s2);
	assert_false(s2.udp_encap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(settings),
		cmocka_unit_test(a_connection_keeps_its_encapsulation),
		cmocka_unit_test(a_plain_connection_stays_plain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
