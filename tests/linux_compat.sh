#!/bin/sh
# Scripts written for packetdrill, run unchanged on the linux target: each
# corpora/linux/compat-*.pkt shows one thing such scripts rely on (its first comment says
# which) and must pass, on every IP version unless the script names its own.  TAP.
T=${TCPSPEC:-./tcpspec}
n=0
why=""
if [ "$(id -u)" -ne 0 ]; then why="needs root (CAP_NET_ADMIN) for the linux target"
elif [ ! -e /dev/net/tun ]; then why="needs /dev/net/tun for the linux target"
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
# Any target: an iovec longer than tcpspec takes is refused (skipped, with the count),
# never cut short.
n=$((n + 1))
python3 -c "print('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3'); print('+0 writev(3, [' +
	', '.join(['{..., 1}'] * 17) + '], 17) = 17')" > "$tmp/iov.pkt"
"$T" run "$tmp/iov.pkt" > "$tmp/out" 2>&1
rc=$?
if [ $rc = 4 ] && grep -q 'iovec of 17 entries' "$tmp/out"; then
	echo "ok $n - an iovec of 17 entries is refused as unsupported"
else
	echo "not ok $n - an iovec of 17 entries is refused as unsupported (exit $rc)"
	sed 's/^/# /' "$tmp/out"
fi
# Any target: an ICMP word left undefined (`icmp unreachable CODE` without -D CODE=...)
# fails the script, as packetdrill fails it, instead of being skipped.
n=$((n + 1))
printf '%s\n' '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' '+0 < icmp unreachable CODE' \
	> "$tmp/icmp.pkt"
"$T" run "$tmp/icmp.pkt" > "$tmp/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q 'ICMP word CODE is not defined (give --define CODE=VALUE)' "$tmp/out"
then
	echo "ok $n - an undefined ICMP word fails the script"
else
	echo "not ok $n - an undefined ICMP word fails the script (exit $rc)"
	sed 's/^/# /' "$tmp/out"
fi
# What the namespace cannot do is named in the run's output: a qdisc the kernel does
# not offer, a congestion control it does not have.
n=$((n + 1))
if [ -n "$why" ]; then
	echo "ok $n - a missing qdisc and congestion control are named # SKIP $why"
else
	printf '%s\n' '`tc qdisc replace dev tun0 root nosuchqdisc`' \
		'0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' > "$tmp/q.pkt"
	printf '%s\n' '`sysctl -q net.ipv4.tcp_congestion_control=nosuchcc; true`' \
		'0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' > "$tmp/cc.pkt"
	"$T" run --target linux "$tmp/q.pkt" > "$tmp/q.out" 2>&1
	"$T" run --target linux "$tmp/cc.pkt" > "$tmp/cc.out" 2>&1
	if grep -q "no qdisc 'nosuchqdisc' in the namespace" "$tmp/q.out" &&
	   grep -q 'no congestion control nosuchcc (tcp_available_congestion_control:' \
		"$tmp/cc.out"; then
		echo "ok $n - a missing qdisc and congestion control are named"
	else
		echo "not ok $n - a missing qdisc and congestion control are named"
		sed 's/^/# /' "$tmp/q.out" "$tmp/cc.out"
	fi
fi
for f in corpora/linux/compat-*.pkt; do
	n=$((n + 1))
	if [ -n "$why" ]; then
		echo "ok $n - $f # SKIP $why"
		continue
	fi
	v=ipv4,ipv6,ipv4-mapped-ipv6
	grep -q '^--ip_version' "$f" && v=""
	if "$T" run -q --target linux --tolerance_usecs=10000 ${v:+--ip-version "$v"} "$f" \
		> "$tmp/out" 2>&1; then
		echo "ok $n - $f"
	else
		echo "not ok $n - $f"
		sed 's/^/# /' "$tmp/out"
	fi
done
echo "1..$n"
