#!/bin/sh
# The complete example that opens tcpspec-dialect(7) is a script that parses and
# passes as printed (on the reference target, and on linux with root), so the page
# cannot drift from what tcpspec reads.  Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
# the first .EX ... .EE after .SH EXAMPLE, with roff's escapes undone
sed -n '/^\.SH EXAMPLE/,/^\.SH /p' docs/tcpspec-dialect.7 | sed -n '/^\.EX/,/^\.EE/p' |
	sed '1d;$d' | sed 's/\\-/-/g; s/\\e/\\/g' > "$tmp/example.pkt"
[ "$(grep -c . "$tmp/example.pkt")" -gt 20 ] && grep -q 'accept(' "$tmp/example.pkt"
check $? "tcpspec-dialect(7) opens with a complete example ($(grep -c . "$tmp/example.pkt") lines)"
"$T" parse "$tmp/example.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/out"
check $rc "the example parses (exit $rc)"
"$T" run "$tmp/example.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/out"
check $rc "the example passes on the reference target (exit $rc)"
if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then
	"$T" run --target linux "$tmp/example.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/out"
	check $rc "the example passes on the linux target (exit $rc)"
else
	skip "the example passes on the linux target" "needs root and /dev/net/tun"
fi
grep -q 'under SEMANTICS in' docs/tcpspec-dialect.7 &&
	sed -n '/^\.SH DESCRIPTION/,/^\.SH EXAMPLE/p' docs/tcpspec-dialect.7 | grep -q '^\.BR tcpspec-run (1)\.' &&
	grep -q '^\.SH SEMANTICS' docs/tcpspec-run.1
check $? "the page sends the reader to tcpspec-run(1) SEMANTICS, where the semantics are"
echo "1..$n"
