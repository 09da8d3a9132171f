#!/bin/sh
# Killing `tcpspec run --target linux` with SIGINT, SIGTERM or SIGKILL in the middle of
# scripts leaves nothing behind: no script process, no process a shell line started in
# the background, no network namespace (and so no TUN device), no temporary file.
# Prints TAP.
T=${TCPSPEC:-./tcpspec}
T=$(cd "$(dirname "$T")" && pwd)/$(basename "$T")
n=0
why=""
if [ "$(id -u)" -ne 0 ]; then why="needs root (CAP_NET_ADMIN) for the linux target"
elif [ ! -e /dev/net/tun ]; then why="needs /dev/net/tun for the linux target"
elif ! command -v nsenter >/dev/null 2>&1; then why="needs nsenter (util-linux)"
fi
if [ -n "$why" ]; then
	for s in INT TERM KILL; do n=$((n + 1)); echo "ok $n - SIG$s leaves nothing behind # SKIP $why"; done
	echo "1..$n"; exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
netns_users() { # inode -> number of processes in that network namespace
	c=0
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/net" 2>/dev/null)" = "$1" ] && c=$((c + 1))
	done
	echo $c
}
host_had_tun0=0
ip link show tun0 >/dev/null 2>&1 && host_had_tun0=1
k=0
for sig in INT TERM KILL; do
	k=$((k + 1))
	mark=98765$k
	mkdir -p "$tmp/$sig/tmp"
	for j in 1 2; do
		cat > "$tmp/$sig/s$j.pkt" <<EOS
// started in the background by a shell line: must die with the script
\`sleep $mark$j >/dev/null 2>&1 &\`
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+20 < S 0:0(0) win 32792 <mss 1000>
EOS
	done
	TMPDIR="$tmp/$sig/tmp" "$T" run --target linux -j 2 "$tmp/$sig/s1.pkt" "$tmp/$sig/s2.pkt" \
		> "$tmp/$sig/out" 2>&1 &
	pid=$!
	# wait until both background sleeps run
	i=0
	while [ "$(pgrep -f "sleep $mark" | wc -l)" -lt 2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	sp=$(pgrep -f "sleep ${mark}1" | head -n 1)
	ns=$(readlink "/proc/$sp/ns/net" 2>/dev/null)
	had_tun=0
	nsenter -t "$sp" -n ip link show tun0 >/dev/null 2>&1 && had_tun=1
	kill -s "$sig" "$pid"
	wait "$pid" 2>/dev/null; rc=$?
	# the kernel finishes tearing down in the background: give it a moment
	i=0
	while [ $i -lt 50 ]; do
		left=$(pgrep -f "sleep $mark" | wc -l)
		users=$(netns_users "$ns")
		scripts=$(pgrep -f "$tmp/$sig/" | wc -l)
		[ "$left" -eq 0 ] && [ "$users" -eq 0 ] && [ "$scripts" -eq 0 ] && break
		sleep 0.1; i=$((i + 1))
	done
	files=$(find "$tmp/$sig/tmp" -mindepth 1 | wc -l)
	# the (persistent) TUN device dies with its namespace; it never lands on the host
	host_tun=0
	[ "$host_had_tun0" -eq 0 ] && ip link show tun0 >/dev/null 2>&1 && host_tun=1
	n=$((n + 1))
	desc="SIG$sig leaves nothing behind (exit $rc; namespace had tun0: $had_tun)"
	if [ -n "$ns" ] && [ "$had_tun" -eq 1 ] && [ "$left" -eq 0 ] && [ "$users" -eq 0 ] &&
	   [ "$scripts" -eq 0 ] && [ "$files" -eq 0 ] && [ "$host_tun" -eq 0 ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc: ns=$ns sleeps=$left netns-users=$users script-procs=$scripts tmpfiles=$files host-tun=$host_tun"
		sed 's/^/#   /' "$tmp/$sig/out"
	fi
done
echo "1..$n"
