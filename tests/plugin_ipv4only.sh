#!/bin/sh
# A plugin whose caps have IPv4 only (tests/plugins/ipv4only.c, ABI version 1): every
# IPv6 and ipv4-mapped run of it is a skip (exit 4) that says why, labelled with the IP
# version it was asked for -- never a crash, never a failure, never [ipv4].  Its IPv4
# runs still pass.  A plugin that does crash (tests/plugins/crashv6.c) is a failure
# labelled with the IP version it ran.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
SO=build/tests/plugins/libipv4only.so

if [ ! -f "$SO" ]; then
	skip_all "$SO not built"
fi

# verdict lines "VERDICT PATH [VERSION]" and, under each SKIP, its reason
check_all_skipped() {     # $1 output, $2 the version label every line must carry
	bad=$(awk -v want="[$2]" '
		/^(ok|FAIL|SKIP|ERROR) / { if (v == "SKIP" && !why) print "no reason: " p
					   v = $1; p = $2; why = 0
					   if ($1 != "SKIP") print $1 " " $2
					   else if ($3 != want) print "labelled " $3 ": " $2
					   next }
		/^      ./ { why = 1 }
		END { if (v == "SKIP" && !why) print "no reason: " p }' "$1")
	[ -z "$bad" ]
}

for v in ipv6 ipv4-mapped-ipv6; do
	$T run --target "plugin:$SO" -j 2 --ip-version $v corpora/conformance >"$tmp/out" 2>&1; rc=$?
	total=$(grep -c '^SKIP ' "$tmp/out")
	if [ $rc = 4 ] && [ "$total" -gt 100 ] && check_all_skipped "$tmp/out" $v; then
		ok "ipv4-only plugin, --ip-version $v: all $total scripts skipped with a reason, labelled [$v]"
	else
		notok "ipv4-only plugin, --ip-version $v: exit $rc"
		echo "$bad" | head -10 | sed 's/^/# /'
		tail -3 "$tmp/out" | sed 's/^/# /'
	fi
	cap=TARGET_IPV6; [ $v = ipv6 ] || cap=TARGET_IPV4_MAPPED
	if grep -q "plugin ipv4only has no $v sockets (its caps lack $cap)" "$tmp/out"; then
		ok "ipv4-only plugin, $v: the reason names the missing cap $cap"
	else
		notok "ipv4-only plugin, $v: no reason naming $cap"
	fi
done

# scripts pinned to IPv6 by their option line, run without --ip-version
pinned=$(grep -rl --include='*.pkt' -e '--ip_version=ipv6' corpora/conformance | head -5)
if [ -n "$pinned" ]; then
	# shellcheck disable=SC2086
	$T run --target "plugin:$SO" $pinned >"$tmp/out" 2>&1; rc=$?
	if [ $rc = 4 ] && check_all_skipped "$tmp/out" ipv6; then
		ok "ipv4-only plugin: IPv6-pinned scripts are skips labelled [ipv6]"
	else
		notok "ipv4-only plugin: IPv6-pinned scripts gave exit $rc"
		sed 's/^/# /' "$tmp/out" | head -10
	fi
else
	notok "corpora/conformance has IPv6-pinned scripts"
fi

# its IPv4 runs are real runs
$T run --target "plugin:$SO" corpora/linux/data-both.pkt >"$tmp/out" 2>&1; rc=$?
if [ $rc = 0 ] && grep -q '^ok .*\[ipv4\]' "$tmp/out"; then
	ok "ipv4-only plugin: an IPv4 run passes"
else
	notok "ipv4-only plugin: IPv4 run exit $rc"; sed 's/^/# /' "$tmp/out"
fi
# a plugin that dies in an IPv6 run: a failure with the signal, labelled [ipv6]
CR=build/tests/plugins/libcrashv6.so
$T run --target "plugin:$CR" corpora/conformance/blind/passive-open-ipv6.pkt \
	corpora/linux/data-both.pkt >"$tmp/out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q '^FAIL .*passive-open-ipv6.pkt \[ipv6\]' "$tmp/out" &&
   grep -q 'signal 11' "$tmp/out" && grep -q '^ok .*data-both.pkt \[ipv4\]' "$tmp/out"; then
	ok "a plugin dying in an IPv6 run: FAIL [ipv6] with the signal, the next script runs"
else
	notok "crashing plugin: exit $rc"; sed 's/^/# /' "$tmp/out"
fi
echo "1..$n"
