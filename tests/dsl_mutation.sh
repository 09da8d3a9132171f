#!/bin/sh
# The adversarial packetdrill fork's mutation steps ({rep ...}, {ins ...}, {trun ...}).  TAP.
#  - corpora/mutation passes on the reference, lwip and linux targets (linux skipped
#    without root or /dev/net/tun, lwip when the target is not built), and the
#    version-neutral scripts over IPv6 too;
#  - each adjustment is needed: a script that undoes it (or leaves the checksum alone)
#    fails at the line the bytes change;
#  - an ipv4 step on an IPv6 run is a skip (exit 4) with the reason; mut/del are
#    unsupported; bad steps are errors with file:line; fmt prints them back stably.
T=${TCPSPEC:-./tcpspec}
D=corpora/mutation
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
ok() {  # ok NAME STATUS [OUTPUT]
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"
		[ -n "$3" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# expect EXIT PATTERN NAME ARGS...: the run's exit code and a line of its output
expect() {
	want=$1 pat=$2 name=$3
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -q -- "$pat"; then ok "$name" 0
	else ok "$name (exit $rc, wanted $want and /$pat/)" 1 "$out"; fi
}

count=$(ls $D/*.pkt | wc -l)
expect 0 "$count passed, 0 failed, 0 skipped" "corpora/mutation on the reference target" \
	$T run --target reference $D
if $T run --target lwip $D >"$tmp/lwip" 2>&1 || ! grep -q "not available" "$tmp/lwip"; then
	expect 0 "$count passed, 0 failed, 0 skipped" "corpora/mutation on the lwip target" \
		$T run --target lwip $D
else skip "corpora/mutation on the lwip target" "$(head -1 "$tmp/lwip")"; fi
if [ "$(id -u)" -ne 0 ]; then skip "corpora/mutation on the linux target" "needs root (CAP_NET_ADMIN)"
elif [ ! -e /dev/net/tun ]; then skip "corpora/mutation on the linux target" "needs /dev/net/tun"
else expect 0 "$count passed, 0 failed, 0 skipped" "corpora/mutation on the linux target" \
	$T run --target linux -j 2 $D; fi
expect 0 "3 passed, 0 failed, 0 skipped" "tcp steps over IPv6 (payload length, checksum)" \
	$T run --target reference --ip_version=ipv6 $D/ins-tcp-option.pkt \
	$D/rep-checksum-kept.pkt $D/trun-tcp-payload.pkt

# Each adjustment matters: undo it and the script fails where the bytes change.
sed 's/{ins tcp 20 0x020401f4}/{ins tcp 20 0x020401f4; rep tcp data_off 0x5}/' \
	$D/ins-tcp-option.pkt >"$tmp/no-doff.pkt"
expect 1 "no-doff.pkt:17: error handling packet" "ins without the data offset grown: the MSS is data" \
	$T run --target reference "$tmp/no-doff.pkt"
sed 's/{trun tcp 25; rep tcp data_off 0x5}/{trun tcp 25}/' $D/trun-tcp-payload.pkt >"$tmp/doff-down.pkt"
expect 1 "doff-down.pkt:15: error handling packet: timed out" "trun tcp lowers the data offset (3 words: dropped)" \
	$T run --target reference "$tmp/doff-down.pkt"
sed 's/{ins ipv4 20 0x01010101}/{ins ipv4 20 0x01010101; rep ipv4 ihl 0x5}/' \
	$D/ins-ipv4-option.pkt >"$tmp/no-ihl.pkt"
expect 1 "no-ihl.pkt:11:" "ins ipv4 without the IHL grown: the options read as TCP" \
	$T run --target reference "$tmp/no-ihl.pkt"
sed 's/{rep tcp checksum 0x0001}/{rep tcp win_size 0x1000}/' $D/rep-checksum-kept.pkt >"$tmp/csum.pkt"
expect 1 "csum.pkt:11:" "any other rep: the checksum is computed again and the SYN answered" \
	$T run --target reference "$tmp/csum.pkt"

grep -v '^--ip_version' $D/ins-ipv4-option.pkt >"$tmp/v4step.pkt"
expect 4 "v4step.pkt:9: unsupported: a mutation of the ipv4 header, and this run sends IPv6" \
	"an ipv4 step on an IPv6 run is a skip" \
	$T run --target reference --ip-version ipv6 "$tmp/v4step.pkt"

printf '0 < S 0:0(0) win 1 {mut tcp data_offset 0xFF; ins tcp 20 0x02040000}\n' >"$tmp/mut.pkt"
expect 4 "mut.pkt:1:.*'{mut ...}' is not supported" "mut (random) is unsupported" $T parse "$tmp/mut.pkt"
printf '0 < S 0:0(0) win 1 {ins tcp mss 0x0204}\n' >"$tmp/named.pkt"
expect 4 "named.pkt:1:.*'ins' at a named place is not supported" "ins at a named place is unsupported" \
	$T parse "$tmp/named.pkt"
printf '0 < S 0:0(0) win 1 {rep tcp data_of 0x1}\n' >"$tmp/e1.pkt"
expect 2 "e1.pkt:1:.*unknown tcp field 'data_of'" "unknown field: error with file:line" $T parse "$tmp/e1.pkt"
printf '0 < S 0:0(0) win 1 {rep tcp data_off 0x10}\n' >"$tmp/e2.pkt"
expect 2 "e2.pkt:1:.*does not fit in tcp data_off (4 bits)" "too wide a value is an error" $T parse "$tmp/e2.pkt"
printf '0 < S 0:0(0) win 1 {rep udp checksum 0}\n' >"$tmp/e3.pkt"
expect 2 "e3.pkt:1:.*no udp header" "a udp step on a TCP packet is an error" $T parse "$tmp/e3.pkt"
printf '0 > S 0:0(0) win 1 {trun tcp 20}\n' >"$tmp/e4.pkt"
expect 2 "e4.pkt:1:.*inbound TCP packets only" "steps on an outbound packet are an error" $T parse "$tmp/e4.pkt"

cat >"$tmp/fmt.pkt" <<'EOF'
0 < S 0:0(0) win 1 <mss 1000> {csum bad, rep ipv4 ttl 3; ins tcp 24 0x0101; trun tcp 20 4; trun ipv4 20;}
0 < S 0:0(0) win 1 {rep ipv6 flow_label 0xfffff; rep tcp syn 0}
EOF
$T fmt "$tmp/fmt.pkt" >"$tmp/f1" 2>&1 && cp "$tmp/f1" "$tmp/f1.pkt" && $T fmt "$tmp/f1.pkt" >"$tmp/f2" 2>&1
cmp -s "$tmp/f1" "$tmp/f2" && grep -q '{csum bad, rep ipv4 ttl 0x03; ins tcp 24 0x0101; trun tcp 20 4; trun ipv4 20}' "$tmp/f1"
ok "fmt prints the steps back, stably" $? "$(cat "$tmp/f1")"

echo "1..$n"
