#!/bin/sh
# The scripts of fuzz_stack's lwIP findings (corpora/fuzz/findings/lwip/, listed with
# their triage in corpora/lwip/fuzz-findings.expect): each states what the reference
# stack does, so it passes on reference, and fails on lwip (lwIP departs from the rule
# there).  A listed script that passes on lwip is stale; an unlisted one is a test
# failure.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
T=./tcpspec
EXP=corpora/lwip/fuzz-findings.expect
DIR=corpora/fuzz/findings/lwip
n=0
tap() { n=$((n + 1)); echo "$1 $n - $2"; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! $T run --target lwip corpora/lwip/passive-open-data-close.pkt >"$tmp/probe" 2>&1 &&
   grep -q "not available" "$tmp/probe"; then
	echo "1..0 # SKIP lwip target not available: $(head -1 "$tmp/probe")"
	exit 0
fi
for f in "$DIR"/*.pkt; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	if ! grep -q "^\.\./fuzz/findings/lwip/$b	" "$EXP"; then
		tap "not ok" "$b is listed in $EXP with its triage"
		continue
	fi
	if ! $T run -q "$f" >"$tmp/ref" 2>&1; then
		tap "not ok" "$b passes on reference"; sed 's/^/# /' "$tmp/ref" | head -5
	elif $T run -q --target lwip "$f" >"$tmp/lw" 2>&1; then
		tap "not ok" "$b fails on lwip (it passes: the expectation is stale)"
	else
		tap ok "$b passes on reference and fails on lwip"
	fi
done
echo "1..$n"
