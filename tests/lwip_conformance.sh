#!/bin/sh
# The conformance suite on the lwip target: every script passes, is skipped (a feature
# lwIP or the adapter does not have: never counted as passed), or fails in a way
# corpora/lwip/conformance.expect documents.  A reviewed script (conformance.reviewed)
# failing without a listed reason is a test failure; so is a listed script that passes
# (a stale expectation).  A script added to the suite since the review that fails on
# lwip is reported as TODO (to review), so other layers adding scripts do not turn the
# build red.  Then lwIP's own scripts in corpora/lwip/ must pass for every IP version,
# and those tagged `// targets: lwip linux` on the linux target as well.
# Prints TAP.
cd "$(dirname "$0")/.." || exit 1
T=./tcpspec
EXP=corpora/lwip/conformance.expect
REV=corpora/lwip/conformance.reviewed
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! $T run --target lwip corpora/lwip/passive-open-data-close.pkt >"$tmp/probe" 2>&1 &&
   grep -q "not available" "$tmp/probe"; then
	echo "1..0 # SKIP lwip target not available: $(head -1 "$tmp/probe")"
	exit 0
fi

$T run --target lwip -j 2 corpora/conformance >"$tmp/out" 2>&1
# listed scripts, as paths from the top of the tree
sed -n 's|^\.\./conformance/\([^	 ]*\).*|corpora/conformance/\1|p' "$EXP" | sort >"$tmp/listed"
sed -n 's|^\.\./conformance/\([^	 ]*\).*|corpora/conformance/\1|p' "$REV" | sort >"$tmp/reviewed"

awk -v listed="$tmp/listed" -v reviewed="$tmp/reviewed" '
BEGIN { while ((getline l < listed) > 0) lst[l] = 1
	while ((getline l < reviewed) > 0) rev[l] = 1 }
/^(ok|FAIL|SKIP|ERROR) / {
	v = $1; p = $2; n++
	if (v == "ok" && (p in lst)) print "not ok " n " - " p " passes but is listed in the expectations (stale)"
	else if (v == "ok") print "ok " n " - " p
	else if (v == "SKIP") { getline why; sub(/^ */, "", why); print "ok " n " - " p " # SKIP " why }
	else if (v == "FAIL" && (p in lst)) print "ok " n " - " p " (documented lwIP difference)"
	else if (v == "FAIL" && !(p in rev)) { getline why; sub(/^ */, "", why)
		print "not ok " n " - " p ": " why " # TODO new script, not reviewed on lwip yet" }
	else { getline why; sub(/^ */, "", why); print "not ok " n " - " p ": " why }
}
END { print "#", n, "scripts" }' "$tmp/out" >"$tmp/tap"
n=$(grep -c '^\(not \)\{0,1\}ok ' "$tmp/tap")
cat "$tmp/tap"
for v in ipv4 ipv6 ipv4-mapped-ipv6; do
	for s in corpora/lwip/*.pkt; do
		n=$((n + 1))
		$T run --target lwip --ip-version $v "$s" >"$tmp/one" 2>&1
		case $? in
		0) echo "ok $n - $s [$v]" ;;
		4) grep -q "written for .* only" "$tmp/one" &&
			echo "ok $n - $s [$v] # SKIP pinned to another IP version" ||
			{ echo "not ok $n - $s [$v] skipped"; sed 's/^/# /' "$tmp/one"; } ;;
		*) echo "not ok $n - $s [$v]"; sed 's/^/# /' "$tmp/one" ;;
		esac
	done
done
# scripts tagged `// targets: lwip linux` check the socket emulation against the
# kernel: they must pass on the linux target too (skipped where it is not available)
for s in $(grep -l '^// targets:.*linux' corpora/lwip/*.pkt); do
	n=$((n + 1))
	$T run --target linux "$s" >"$tmp/one" 2>&1
	case $? in
	0) echo "ok $n - $s [linux target: the same script]" ;;
	3) echo "ok $n - $s [linux target] # SKIP $(grep -m1 -v '^SKIP\|^ERROR' "$tmp/one" | sed 's/^ *//')" ;;
	*) echo "not ok $n - $s [linux target]"; sed 's/^/# /' "$tmp/one" ;;
	esac
done
# virtual time: the same script gives the same bytes at the same offsets every run
if command -v tcpdump >/dev/null 2>&1; then
	n=$((n + 1))
	for i in 1 2; do
		mkdir -p "$tmp/pcap$i"
		$T run --target lwip --pcap "$tmp/pcap$i" corpora/lwip/tcp-info.pkt >/dev/null 2>&1
		tcpdump -nr "$tmp/pcap$i/tcp-info.ipv4.pcap" -ttt -xx >"$tmp/dump$i" 2>/dev/null
	done
	if [ -s "$tmp/dump1" ] && cmp -s "$tmp/dump1" "$tmp/dump2"; then
		echo "ok $n - two runs give identical packets and inter-packet times"
	else
		echo "not ok $n - two runs of corpora/lwip/tcp-info.pkt differ"
		diff "$tmp/dump1" "$tmp/dump2" | head -10 | sed 's/^/# /'
	fi
fi
echo "# $(tail -1 "$tmp/out") (conformance on lwip)"
echo "1..$n"
