#!/bin/sh
# The linux-target corpus on ipv4, ipv6 and ipv4-mapped-ipv6, with every report:
# at least 40 scripts pass on each IP version and none fails; the TAP is accepted by
# prove, the JUnit XML by xmllint, the JSON by python3, and a capture read back by
# tcpdump shows the handshake in both directions.  Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
why=""
if [ "$(id -u)" -ne 0 ]; then why="needs root (CAP_NET_ADMIN) for the linux target"
elif [ ! -e /dev/net/tun ]; then why="needs /dev/net/tun for the linux target"
fi
if [ -n "$why" ]; then
	for d in "suite passes on ipv4, ipv6, ipv4-mapped-ipv6" "TAP accepted by prove" \
		 "JUnit accepted by xmllint" "JSON parses" "pcap read back by tcpdump"; do
		skip "$d" "$why"
	done
	echo "1..$n"; exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/pcap"
# 10 ms of timing tolerance instead of the default 4: the machines CI runs on are shared
# 2-core boxes where an injection can be a few ms late under load.  Timing failures
# themselves are asserted, with exact messages, by tests/engine_wrong.sh.
"$T" run --target linux -j 2 --tolerance_usecs=10000 --ip-version ipv4,ipv6,ipv4-mapped-ipv6 --pcap "$tmp/pcap" \
	--tap "$tmp/r.tap" --junit "$tmp/r.xml" --json "$tmp/r.json" corpora/linux \
	> "$tmp/out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/out" | grep -v '^# ok ' 
last=$(tail -n 1 "$tmp/out")
failed=$(echo "$last" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
# A script that failed only on timing (late beyond the tolerance on a loaded machine) is
# run once more alone; it counts as passed only if that run passes.
awk '/^FAIL / { p = $2; v = $3; gsub(/[][]/, "", v); getline why
	if (why ~ /timing error|timed out waiting/) print p, v }' "$tmp/out" > "$tmp/late"
while read -r p v; do
	if "$T" run -q --target linux --tolerance_usecs=10000 --ip-version "$v" "$p" \
		> "$tmp/again" 2>&1; then
		echo "# late on the loaded machine, passed when run again alone: $p [$v]"
		failed=$((failed - 1))
		sed -i "s|^FAIL  $p \[$v\]|ok    $p [$v]|" "$tmp/out"
	fi
done < "$tmp/late"
[ "$failed" = 0 ] && [ "$rc" = 1 ] && rc=0     # every failure passed when run again
good=1
for v in ipv4 ipv6 ipv4-mapped-ipv6; do
	c=$(grep -c "^ok .*\[$v\]" "$tmp/out")
	echo "# $v: $c scripts passed"
	[ "$c" -ge 40 ] || good=0
done
[ "$failed" = 0 ] || good=0
case $rc in 0|4) ;; *) good=0 ;; esac
check $((1 - good)) "suite passes on ipv4, ipv6, ipv4-mapped-ipv6 (>= 40 each, none failed; exit $rc)"

if command -v prove >/dev/null 2>&1; then
	prove -e cat "$tmp/r.tap" > "$tmp/prove.out" 2>&1
	check $? "TAP accepted by prove"
else skip "TAP accepted by prove" "prove is not installed"; fi

if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$tmp/r.xml" && grep -q '<testcase ' "$tmp/r.xml"
	check $? "JUnit accepted by xmllint"
else skip "JUnit accepted by xmllint" "xmllint is not installed"; fi

if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["results"]) >= 120' "$tmp/r.json"
	check $? "JSON parses"
else skip "JSON parses" "python3 is not installed"; fi

p="$tmp/pcap/passive-open.ipv4.pcap"
if command -v tcpdump >/dev/null 2>&1; then
	tcpdump -nn -r "$p" > "$tmp/dump" 2>/dev/null
	grep -q '192.0.2.1.40000 > 192.0.2.2.8080: Flags \[S\]' "$tmp/dump" &&
	grep -q '192.0.2.2.8080 > 192.0.2.1.40000: Flags \[S.\]' "$tmp/dump" &&
	tcpdump -nn --nano -r "$tmp/pcap/passive-open.ipv6.pcap" 2>/dev/null |
		grep -q '2001:db8::2.8080 > 2001:db8::1.40000: Flags \[S.\]'
	check $? "pcap read back by tcpdump shows the exchange (ipv4, ipv6)"
	sed 's/^/#   /' "$tmp/dump"
	# both directions with correct checksums (offloaded ones are completed on capture)
	tcpdump -vv -nn -r "$tmp/pcap/data-both.ipv4.pcap" 2>/dev/null > "$tmp/dump2"
	good=$(grep -c 'cksum 0x[0-9a-f]* (correct)' "$tmp/dump2")
	bad=$(grep -c 'incorrect' "$tmp/dump2")
	[ "$good" -ge 8 ] && [ "$bad" -eq 0 ]
	check $? "captured checksums verify ($good correct, $bad incorrect)"
else skip "pcap read back by tcpdump" "tcpdump is not installed"; fi
echo "1..$n"
