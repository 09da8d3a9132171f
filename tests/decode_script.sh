#!/bin/sh
# tcpspec decode --script: a capture made by a run turns back into a script that
# replays and passes on the reference target -- the socket calls the capture implies
# (socket/bind/listen/accept when the peer opened, socket/connect when the local
# endpoint did; write, read, close) and the option lines for its addresses and ports.
# The capture says which side is the stack under test (its packets are marked
# outgoing), so no --local is needed.  On IPv4 and IPv6, with absolute and relative
# times.  Prints TAP.
T=${TCPSPEC:-./tcpspec}
D=tests/data/replay
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

"$T" run -q --pcap "$tmp/cap" --ip-version ipv4,ipv6 $D/server.pkt $D/client.pkt > "$tmp/out" 2>&1
check $? "the scripts pass and leave their captures"
for v in ipv4 ipv6; do
	"$T" decode --script "$tmp/cap/server.$v.pcap" > "$tmp/server-$v.pkt" 2> "$tmp/err"
	rc=$?
	grep -q '^+0 listen(3, 1) = 0$' "$tmp/server-$v.pkt" &&
		grep -q ' accept(3, ..., ...) = 4$' "$tmp/server-$v.pkt" &&
		grep -q "^--ip_version=$v\$" "$tmp/server-$v.pkt" &&
		grep -q '^--bind_port=8080$' "$tmp/server-$v.pkt" && [ $rc -eq 0 ]
	check $? "$v server: listen and accept, as the peer sent the first SYN (exit $rc)"
	"$T" run -q "$tmp/server-$v.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/server-$v.pkt" "$tmp/out"
	check $rc "$v server: the written script replays and passes (exit $rc)"
	"$T" decode --script --relative "$tmp/cap/server.$v.pcap" > "$tmp/server-rel-$v.pkt"
	"$T" run -q "$tmp/server-rel-$v.pkt" > "$tmp/out" 2>&1; rc=$?
	check $rc "$v server, --relative: passes too (exit $rc)"
	case $v in ipv4) local=192.0.2.2 ;; *) local=2001:db8::2 ;; esac
	# no --local: the capture itself says the stack under test sent the first SYN
	"$T" decode --script "$tmp/cap/client.$v.pcap" > "$tmp/client-$v.pkt"
	grep -q ' connect(3, ..., ...) = -1 EINPROGRESS$' "$tmp/client-$v.pkt" &&
		! grep -q 'listen(' "$tmp/client-$v.pkt" &&
		grep -q "^--local_ip=$local\$" "$tmp/client-$v.pkt"
	check $? "$v client, no --local: connect, as the stack under test ($local) sent the first SYN"
	"$T" decode "$tmp/cap/client.$v.pcap" | head -1 | grep -q '^0.000000 > S 0:0(0)'
	check $? "$v client, no --local: the stack's SYN is printed as sent (>)"
	"$T" run -q "$tmp/client-$v.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/client-$v.pkt" "$tmp/out"
	check $rc "$v client: the written script replays and passes (exit $rc)"
done
"$T" decode "$tmp/cap/server.ipv4.pcap" > "$tmp/plain.pkt"
"$T" run -q "$tmp/plain.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ]
check $? "without --script the lines alone do not replay (nothing listens): exit $rc"
echo "1..$n"
