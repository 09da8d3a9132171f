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
# report STATUS DESCRIPTION FILE...: the TAP line of one check (ok when STATUS is 0),
# the files shown as comments when it failed
report() {
	n=$((n + 1))
	st=$1 d=$2
	shift 2
	if [ "$st" = 0 ]; then echo "ok $n - $d"; else echo "not ok $n - $d"; sed 's/^/# /' "$@"; fi
}
# Any target: an iovec longer than the 16 entries of target_call.iov_len[] reaches the
# stack whole (zerocopy/maxfrags sends 18 and 64); one past Linux's UIO_MAXIOV (1024) is
# refused (skipped, with the count), never cut short.
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
hs = ['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3',
      '+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0',
      '+0 bind(3, ..., ...) = 0', '+0 listen(3, 1) = 0',
      '+0 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>',
      '+0 > S. 0:0(0) ack 1 <...>',
      '+.01 < . 1:1(0) ack 1 win 257', '+0 accept(3, ..., ...) = 4']
def iov(k):
    return '[' + ', '.join('{..., %d}' % (1 + i % 3) for i in range(k)) + ']'
n20 = sum(1 + i % 3 for i in range(20))
open(d + '/iov20.pkt', 'w').write('\n'.join(hs + [
    '+0 writev(4, %s, 20) = %d' % (iov(20), n20),
    '+0 > P. 1:%d(%d) ack 1' % (n20 + 1, n20)]) + '\n')
open(d + '/iov1025.pkt', 'w').write('\n'.join(hs + [
    '+0 writev(4, %s, 1025) = 1025' % iov(1025)]) + '\n')
PY
"$T" run "$tmp/iov20.pkt" > "$tmp/out" 2>&1
rc=$?
"$T" run "$tmp/iov1025.pkt" > "$tmp/out2" 2>&1
rc2=$?
[ $rc = 0 ] && [ $rc2 = 4 ] && grep -q 'iovec of 1025 entries (at most 1024' "$tmp/out2"
report $? "an iovec of 20 entries is sent whole (exit $rc), one of 1025 refused as \
unsupported (exit $rc2)" "$tmp/out" "$tmp/out2"
# TCP over UDP (--udp_encapsulation=tcp, /udp(SRC > DST), FreeBSD's tunneling port):
# parsed (ICMP quotes too); the reference target carries it (corpora/dsl/tcp-over-udp.pkt:
# in UDP both ways, MSS less 8, a segment in another encapsulation answered as for no
# connection); a target
# without it skips the script with the reason (exit 4), never runs it as plain TCP.
printf '%s\n' '--udp_encapsulation=tcp' '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' \
	'+0 bind(3, ..., ...) = 0' '+0 listen(3, 1) = 0' \
	'+0 < S 0:0(0) win 65535 <mss 1440>/udp(5000 > 9811)' \
	'+0 > S. 0:0(0) ack 1 <...>/udp(9811 > 5000)' \
	'+0 < icmp unreachable port_unreachable [0:0(0)/udp(5000 > 9811)]' > "$tmp/tou.pkt"
"$T" parse "$tmp/tou.pkt" > "$tmp/out" 2>&1
rcp=$?
"$T" run --profile freebsd corpora/dsl/tcp-over-udp.pkt > "$tmp/out2" 2>&1
rc=$?
"$T" run --target lwip corpora/dsl/tcp-over-udp.pkt > "$tmp/out3" 2>&1
rc3=$?
[ $rcp = 0 ] && [ $rc = 0 ] && [ $rc3 = 4 ] &&
	grep -q 'unsupported: TCP over UDP (--udp_encapsulation=tcp): the lwip target has none' "$tmp/out3"
report $? "TCP over UDP parses (exit $rcp), runs on the reference target (exit $rc), is \
skipped with the reason on lwip (exit $rc3)" "$tmp/out" "$tmp/out2" "$tmp/out3"
if [ -n "$why" ]; then
	n=$((n + 1))
	echo "ok $n - TCP over UDP on the linux target is skipped, Linux has none # SKIP $why"
else
	"$T" run --target linux "$tmp/tou.pkt" > "$tmp/out" 2>&1
	rc=$?
	[ $rc = 4 ] && grep -q "Linux has none (FreeBSD's net.inet.tcp.udp_tunneling_port)" "$tmp/out"
	report $? "TCP over UDP on the linux target is skipped, Linux has none (exit $rc)" \
		"$tmp/out"
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
	# a line that goes on past the refused qdisc: the script runs without it, and its
	# failure names what the namespace lacked
	printf '%s\n' '`tc qdisc replace dev tun0 root nosuchqdisc2; true`' \
		'0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' '+0 close(3) = -1' > "$tmp/q2.pkt"
	"$T" run --target linux "$tmp/q.pkt" > "$tmp/q.out" 2>&1
	"$T" run --target linux "$tmp/q2.pkt" > "$tmp/q2.out" 2>&1
	"$T" run --target linux "$tmp/cc.pkt" > "$tmp/cc.out" 2>&1
	if grep -q "no qdisc 'nosuchqdisc' in the namespace" "$tmp/q.out" &&
	   grep -q "note: line 1 sets a qdisc (the kernel offers no qdisc 'nosuchqdisc2'" \
		"$tmp/q2.out" &&
	   grep -q 'no congestion control nosuchcc (tcp_available_congestion_control:' \
		"$tmp/cc.out"; then
		echo "ok $n - a missing qdisc and congestion control are named"
	else
		echo "not ok $n - a missing qdisc and congestion control are named"
		sed 's/^/# /' "$tmp/q.out" "$tmp/q2.out" "$tmp/cc.out"
	fi
fi
# A qdisc line that went through is not probed for a missing qdisc while the script runs
# (that takes tc twice more while the kernel's timers run on, and held back the next
# packets); it is asked only when the script fails.  tc is counted by a wrapper first on
# PATH.
n=$((n + 1))
if [ -n "$why" ]; then
	echo "ok $n - a qdisc line that went through is probed only on failure # SKIP $why"
else
	mkdir "$tmp/bin"
	real_tc=$(command -v tc)
	printf '#!/bin/sh\necho "$*" >> %s/tc.log\nexec %s "$@"\n' "$tmp" "$real_tc" \
		> "$tmp/bin/tc"
	chmod +x "$tmp/bin/tc"
	printf '%s\n' '`tc qdisc replace dev tun0 root pfifo limit 1000`' \
		'0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' > "$tmp/qok.pkt"
	PATH="$tmp/bin:$PATH" "$T" run --target linux "$tmp/qok.pkt" > "$tmp/qok.out" 2>&1
	rc=$?
	calls=$(wc -l < "$tmp/tc.log")
	if [ "$rc" = 0 ] && [ "$calls" = 1 ]; then
		echo "ok $n - a qdisc line that went through is probed only on failure"
	else
		echo "not ok $n - a qdisc line that went through is probed only on failure" \
			"(exit $rc, tc run $calls times, want 0 and 1)"
		sed 's/^/# /' "$tmp/qok.out" "$tmp/tc.log"
	fi
fi
# A timing failure on a kernel whose tick is coarser than 1 ms names its CONFIG_HZ (the
# suites were written for HZ=1000); on a 1000 Hz kernel no such note.
hz=$({ zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null; } |
	sed -n 's/^CONFIG_HZ=//p' | head -1)
if [ -n "$why" ]; then
	n=$((n + 1))
	echo "ok $n - a timing failure names a coarse CONFIG_HZ # SKIP $why"
elif [ -z "$hz" ]; then
	n=$((n + 1))
	echo "ok $n - a timing failure names a coarse CONFIG_HZ # SKIP no kernel configuration to read"
else
	printf '%s\n' '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' \
		'+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0' \
		'+0 bind(3, ..., ...) = 0' '+0 listen(3, 1) = 0' \
		'+0 < S 0:0(0) win 32792 <mss 1000>' '+0.5 > S. 0:0(0) ack 1 <...>' > "$tmp/hz.pkt"
	"$T" run -v --target linux "$tmp/hz.pkt" > "$tmp/out" 2>&1
	rc=$?
	if [ "$hz" -lt 1000 ]; then
		grep -q "timing error" "$tmp/out" &&
			grep -q "note: this kernel ticks at CONFIG_HZ=$hz" "$tmp/out"
	else
		! grep -q "CONFIG_HZ" "$tmp/out"
	fi
	st=$?
	[ $st = 0 ] && [ $rc = 1 ]
	report $? "a timing failure names a coarse CONFIG_HZ (here $hz, exit $rc)" "$tmp/out"
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
