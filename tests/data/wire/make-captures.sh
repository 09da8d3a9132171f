#!/bin/sh
# Regenerate the captures of real Linux TCP connections used by tests/test_wire.c and
# the tcpspec decode golden tests.  Needs root, iproute2, tcpdump and python3.
#
# Everything happens in two private network namespaces (one from `unshare -n` for this
# script, one held by a `sleep` child for the peer), joined by a veth pair, with
# documentation addresses only; both disappear with the processes.  Checksum offload is
# switched off on the veth ends (ETHTOOL_STXCSUM ioctl) so the captured checksums are the
# ones the kernel computed in software.
#
# Usage: sh tests/data/wire/make-captures.sh OUTDIR
set -eu
out=$(cd "${1:?usage: make-captures.sh OUTDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if [ "${TCPSPEC_IN_NS:-}" != 1 ]; then
	TCPSPEC_IN_NS=1 exec unshare -n sh "$0" "$out"
fi

sleep 600 &
peer=$!
# the peer's own namespace: a child that unshares and sleeps
unshare -n sleep 600 &
peerns=$!
sleep 0.2
trap 'kill $peer $peerns 2>/dev/null || true' EXIT
kill $peer

ip link set lo up
ip link add veth0 type veth peer name veth1
ip link set veth1 netns "$peerns"
P="nsenter -t $peerns -n"
$P ip link set lo up
ip addr add 192.0.2.1/24 dev veth0
ip -6 addr add 2001:db8::1/64 dev veth0 nodad
$P ip addr add 192.0.2.2/24 dev veth1
$P ip -6 addr add 2001:db8::2/64 dev veth1 nodad
# fixed MAC addresses so that the captures are the same every time
ip link set veth0 address 02:00:00:00:00:01
$P ip link set veth1 address 02:00:00:00:00:02
ip link set veth0 up
$P ip link set veth1 up
python3 "$here/csum-offload-off.py" veth0
$P python3 "$here/csum-offload-off.py" veth1
sleep 1

capture() { # file, tcpdump options...
	f=$1; shift
	tcpdump -U -n -s 0 -w "$out/$f" "$@" 2>"$out/.tcpdump.log" &
	td=$!
	i=0
	while ! grep -q listening "$out/.tcpdump.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
stop() {
	sleep 0.5
	kill -INT $td
	wait $td || true
	rm -f "$out/.tcpdump.log"
}

conn() { # server address, port, [udp probe port]
	$P python3 "$here/peer.py" server "$1" "$2" &
	srv=$!
	sleep 0.3
	python3 "$here/peer.py" client "$1" "$2" ${3:-}
	wait $srv
}

capture linux-v4-eth.pcap -i veth0 'not arp'
conn 192.0.2.2 8080 9
stop

capture linux-v6-eth.pcap -i veth0 'tcp or udp or (icmp6 and ip6[40] < 128)'
conn 2001:db8::2 8080 9
stop

capture linux-v4-sll.pcap -i any -y LINUX_SLL 'tcp and port 8081'
conn 192.0.2.2 8081
stop

capture linux-v6-sll2.pcap -i any -y LINUX_SLL2 'tcp and port 8082'
conn 2001:db8::2 8082
stop

# link types tcpdump cannot capture on Linux, converted from the captures above
python3 "$here/relink.py" raw "$out/linux-v4-eth.pcap" "$out/linux-v4-raw.pcap"
python3 "$here/relink.py" null "$out/linux-v6-eth.pcap" "$out/linux-v6-null.pcap"
python3 "$here/relink.py" pcapng "$out/linux-v4-eth.pcap" "$out/linux-v4-eth.pcapng"
python3 "$here/relink.py" loop "$out/linux-v4-eth.pcap" "$out/linux-v4-loop.pcap"
python3 "$here/relink.py" ipv4 "$out/linux-v4-eth.pcap" "$out/linux-v4-ipv4.pcap"
