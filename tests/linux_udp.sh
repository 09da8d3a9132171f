#!/bin/sh
# UDP sockets: socket(SOCK_DGRAM), connect/bind, write/sendto/recv/recvfrom, `< udp(N)`
# and `> udp(N)` lines.  TAP.
#  - corpora/linux/udp-{connected,unconnected}.pkt pass on the linux target over IPv4,
#    IPv6 and v4-mapped (skipped without root or /dev/net/tun);
#  - an ICMP error quoting the stack's datagram ([udp(N)]) reaches the socket;
#  - the datagram's length is checked, and the script's datagrams go to the port the
#    stack sent from: a wrong length fails, a datagram before the stack sent one goes
#    to the default port and is never read;
#  - the reference and lwip targets report a UDP socket unsupported (exit 4); other
#    socket kinds (raw, UDP-Lite) stay unsupported at parse time.
T=${TCPSPEC:-./tcpspec}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
ok() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"
		[ -n "$3" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}
expect() {  # expect EXIT PATTERN NAME ARGS...
	want=$1 pat=$2 name=$3
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -q -- "$pat"; then ok "$name" 0
	else ok "$name (exit $rc, wanted $want and /$pat/)" 1 "$out"; fi
}
C=corpora/linux/udp-connected.pkt
U=corpora/linux/udp-unconnected.pkt

expect 4 "udp-connected.pkt:4: unsupported: the reference target only has TCP sockets" \
	"the reference target skips a UDP socket" $T run --target reference $C
if $T run --target lwip $C >"$tmp/lw" 2>&1 || ! grep -q "not available" "$tmp/lw"; then
	expect 4 "udp-connected.pkt:4: unsupported: .*lwip.* TCP sockets only" \
		"the lwip target skips a UDP socket" $T run --target lwip $C
else n=$((n + 1)); echo "ok $n - the lwip target skips a UDP socket # SKIP $(head -1 "$tmp/lw")"; fi
printf '0 socket(..., SOCK_RAW, IPPROTO_UDP) = 3\n' >"$tmp/raw.pkt"
expect 4 "raw.pkt:1:.*SOCK_RAW sockets are not supported" "a raw socket stays unsupported" \
	$T parse "$tmp/raw.pkt"

if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/net/tun ]; then
	why="needs root (CAP_NET_ADMIN) and /dev/net/tun for the linux target"
	for t in "udp scripts on linux" "the ICMP error matters" "a wrong length fails" "datagrams go to the stack's port"; do
		n=$((n + 1)); echo "ok $n - $t # SKIP $why"
	done
	echo "1..$n"; exit 0
fi
I=corpora/linux/udp-icmp-refused.pkt
expect 0 "9 passed, 0 failed, 0 skipped" "udp scripts on linux (ipv4, ipv6, v4-mapped)" \
	$T run --target linux --ip-version ipv4,ipv6,ipv4-mapped-ipv6 $C $U $I
grep -v '< icmp' $I >"$tmp/noicmp.pkt"
expect 1 "noicmp.pkt:7: error handling syscall: write: expected -1 with errno ECONNREFUSED (Connection refused) but got 100" \
	"without the ICMP quoting its datagram the socket sees no error" $T run --target linux "$tmp/noicmp.pkt"
sed 's/^+0    > udp(100)$/+0    > udp(99)/' $C >"$tmp/len.pkt"
expect 1 "len.pkt:8: error handling packet: len: expected 99 but got 100" \
	"a wrong datagram length fails" $T run --target linux "$tmp/len.pkt"
# the reply sent before the stack's first datagram goes to the default local port,
# where no socket listens: the read finds nothing
awk 'NR==4{print "+0    < udp(200)"} {print}' $U | sed 's/^+.1   < udp(200)$//' >"$tmp/early.pkt"
expect 1 "early.pkt:6: error handling packet: protocol: expected UDP but got 1" "a datagram before the stack's first goes to the default port, not the socket's" \
	$T run --target linux "$tmp/early.pkt"
echo "1..$n"
