#!/bin/sh
# tcpspec_local_isns in code blocks: the stack's ISNs as they were on the wire (absolute,
# in order, a retransmitted SYN once), each code block seeing those sent before it.
# Checked against the capture (--pcap, read by tcpdump) on the reference target, and on
# the linux target when root.  TAP.
T=${TCPSPEC:-./tcpspec}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/isns.pkt" <<'PKT'
--strict_segments
--ip_version=ipv4
0     %{ assert tcpspec_local_isns == [], tcpspec_local_isns }%
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+.1   < S 0:0(0) win 65535 <mss 1000>
+0    > S. 0:0(0) ack 1 <...>
+0    %{ assert len(tcpspec_local_isns) == 1, tcpspec_local_isns }%
+0    < R. 1:1(0) ack 1 win 0
+0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 4
+0    fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0    connect(4, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0    > S 0:0(0) <...>
+1    > S 0:0(0) <...>
+0    %{ assert 0, tcpspec_local_isns }%
PKT
n=0
for target in reference linux; do
	n=$((n + 1))
	name="tcpspec_local_isns on $target: the SYN-ACK's and the SYN's numbers from the capture"
	if [ $target = linux ] && { [ "$(id -u)" -ne 0 ] || [ ! -e /dev/net/tun ]; }; then
		echo "ok $n - $name # SKIP needs root and /dev/net/tun"; continue
	fi
	if ! command -v tcpdump > /dev/null; then echo "ok $n - $name # SKIP no tcpdump"; continue; fi
	rm -rf "$tmp/pcap"; mkdir "$tmp/pcap"
	out=$("$T" run --target $target -j1 --pcap "$tmp/pcap" "$tmp/isns.pkt" 2>&1)
	# the last block fails on purpose to show the list; the earlier two must hold
	got=$(printf '%s\n' "$out" | sed -n 's/.*isns.pkt:17: error in code block: assertion failed: assert 0, tcpspec_local_isns (value \[\(.*\)\])$/\1/p' | tr -d ' ')
	# what the stack (192.0.2.2) sent with SYN set, a repeated (port, seq) once
	want=$(tcpdump -nn -S -r "$tmp/pcap/isns.ipv4.pcap" 2>/dev/null |
		awk '$3 ~ /^192\.0\.2\.2\./ && $7 ~ /^\[S/ { s = $9; sub(",", "", s)
			k = $3 " " s; if (k != last) { printf "%s%s", sep, s; sep = "," } last = k }')
	if [ -n "$got" ] && [ "$got" = "$want" ] && [ "$(printf '%s' "$want" | tr ',' '\n' | wc -l)" -eq 1 ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		printf '%s\n' "$out" | sed 's/^/#   /'
		echo "#   capture: [$want]"
	fi
done
# what a code block prints goes to the run's log, never into the verdict: a printed
# number must not be taken for the line of the failing assert
cat > "$tmp/print.pkt" <<'PKT'
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    %{ print(12345) }%
+0    %{ assert tcpi_state == 99 }%
PKT
n=$((n + 1))
out=$("$T" run -j1 "$tmp/print.pkt" 2>&1)
if printf '%s\n' "$out" | grep -q 'print.pkt:3: error in code block: assertion failed: assert tcpi_state == 99' &&
   printf '%s\n' "$out" | grep -q '^12345'; then
	echo "ok $n - a code block's own output goes to the log, the failing assert keeps its line"
else
	echo "not ok $n - a code block's own output goes to the log, the failing assert keeps its line"
	printf '%s\n' "$out" | sed 's/^/#   /'
fi
echo "1..$n"
