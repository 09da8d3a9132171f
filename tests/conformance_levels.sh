#!/bin/sh
# Every conformance script says the requirement level it enforces (// level: MUST,
# SHOULD or MAY) in its header: scripts/audit-levels lists none lacking one in
# corpora/conformance, and does list the scripts of a fixture that lack one or give
# a wrong value.  Prints TAP.
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
A=scripts/audit-levels
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if out=$(sh $A corpora/conformance 2>&1); then
	ok "every script of corpora/conformance has a level ($(sh $A --count corpora/conformance))"
else
	notok "scripts of corpora/conformance without a valid level line"
	echo "$out" | sed 's/^/# /'
fi

printf '// requirements: T:1\n// level: SHOULD\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' > "$tmp/good.pkt"
printf '// requirements: T:1\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n// level: MUST\n' > "$tmp/late.pkt"
printf '// level: RECOMMENDED\n' > "$tmp/word.pkt"
printf '// level: MUST\n// level: MAY\n' > "$tmp/twice.pkt"
sh $A "$tmp" > "$tmp/out" 2>&1
rc=$?
want="$tmp/late.pkt: no // level: line
$tmp/twice.pkt: 2 // level: lines
$tmp/word.pkt: level \"RECOMMENDED\" is not MUST, SHOULD or MAY"
if [ $rc -eq 1 ] && [ "$(cat "$tmp/out")" = "$want" ]; then
	ok "scripts without a valid level are listed (exit 1)"
else
	notok "audit of a fixture (exit $rc)"
	sed 's/^/# /' "$tmp/out"
fi
sh $A "$tmp/good.pkt" >/dev/null 2>&1 && ok "a script with a level passes the audit" ||
	notok "a script with a level fails the audit"
echo "1..$n"
