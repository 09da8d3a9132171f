#!/bin/sh
# --timeout: a script that never finishes (a shell line `sleep`, a code block that
# loops) fails at the wall-clock limit with the line it was at, the next script still
# runs, and nothing it started is left behind (processes; the namespace's interfaces
# never reach the host).
# Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
good=$PWD/corpora/linux/passive-open.pkt

# reference target (workers): a code block that loops forever and notes its pid
if command -v python3 >/dev/null 2>&1; then
	cat > "$tmp/loop.pkt" <<PKT
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 close(3) = 0
+0 %{
import os
open('$tmp/loop.pid', 'w').write(str(os.getpid()))
while True: pass
}%
PKT
	t0=$(ms)
	"$T" run --timeout 1 -j1 "$tmp/loop.pkt" "$good" > "$tmp/out1" 2>&1; rc=$?
	t1=$(ms)
	sed 's/^/# /' "$tmp/out1"
	grep -q "loop.pkt:3: error: the script did not finish within 1 s of wall time (--timeout)" "$tmp/out1" &&
		grep -q '^ok .*passive-open.pkt' "$tmp/out1" && [ $rc -eq 1 ] &&
		[ $((t1 - t0)) -lt 5000 ]
	check $? "reference: a looping code block fails at --timeout 1 with its line, the next script runs (exit $rc, $((t1 - t0)) ms)"
	pid=$(cat "$tmp/loop.pid" 2>/dev/null)
	sleep 0.2
	# gone, or a zombie waiting for init to reap it (it no longer runs)
	[ -n "$pid" ] && { [ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"; }
	check $? "reference: the looping python3 (pid ${pid:-?}) no longer runs"
else
	skip "reference: a looping code block fails at --timeout" "python3 is not installed"
	skip "reference: the looping python3 is gone" "python3 is not installed"
fi

# a bad value is a usage error
"$T" run --timeout x "$good" > /dev/null 2>&1
check $(( $? != 2 )) "--timeout x is a usage error (exit 2)"

why=""
if [ "$(id -u)" -ne 0 ]; then why="needs root (CAP_NET_ADMIN) for the linux target"
elif [ ! -e /dev/net/tun ]; then why="needs /dev/net/tun for the linux target"
fi
if [ -n "$why" ]; then
	skip "linux: a shell line sleeping fails at --timeout" "$why"
	skip "linux: nothing left behind" "$why"
	echo "1..$n"; exit 0
fi
mark=$((900000 + $$ % 90000))
cat > "$tmp/sleep.pkt" <<PKT
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 \`ip tuntap add tcpspec-to$$ mode tun; sleep $mark\`
+0 close(3) = 0
PKT
t0=$(ms)
"$T" run --target linux --timeout 1.5 -j2 "$tmp/sleep.pkt" "$good" > "$tmp/out2" 2>&1; rc=$?
t1=$(ms)
sed 's/^/# /' "$tmp/out2"
grep -q "sleep.pkt:2: error: the script did not finish within 1.5 s of wall time (--timeout)" "$tmp/out2" &&
	grep -q '^ok .*passive-open.pkt' "$tmp/out2" && [ $rc -eq 1 ] && [ $((t1 - t0)) -lt 6000 ]
check $? "linux: a shell line sleeping fails at --timeout 1.5 with its line (exit $rc, $((t1 - t0)) ms)"
sleep 0.3
left=0
pgrep -f "sleep $mark" > /dev/null && left=1
ip link show "tcpspec-to$$" > /dev/null 2>&1 && left=1
check $left "linux: no sleep process and no interface in the host left behind"
echo "1..$n"
