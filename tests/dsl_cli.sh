#!/bin/sh
# tcpspec parse and tcpspec fmt from the command line: exit codes, messages with a caret,
# --quiet, the summary line, directory recursion, fmt -w in place.  Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT INT TERM
mkdir -p "$d/tree/sub" "$d/mixed"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n' >"$d/tree/good.pkt"
printf '0 < S 0:0(0) win 1 <mss 1460>\n' >"$d/tree/sub/also-good.pkt"
printf 'this is not a script\n' >"$d/tree/sub/notes.txt"
printf '0 close(3) = 0\n+0\t< Q 0:0(0) win 1\n+0 f(1)) = 0\n' >"$d/bad.pkt"
printf '0 > sctp: INIT[flgs=0, tag=1]\n' >"$d/sctp.pkt"
cp "$d/bad.pkt" "$d/sctp.pkt" "$d/mixed/"

ln -s .. "$d/tree/sub/loop"
ln -s .. "$d/tree/sub/loop2"
$T parse "$d/tree" >"$d/out" 2>"$d/err"; rc=$?
check "parse of a good tree exits 0" '[ $rc -eq 0 ]'
check "directories are searched for *.pkt only" 'grep -q "^2 files: 2 ok, 0 unsupported, 0 errors$" "$d/out"'
check "without --quiet every file gets a line" 'grep -q "good.pkt: ok$" "$d/out" && grep -q "also-good.pkt: ok$" "$d/out"'
$T parse --quiet "$d/tree" >"$d/out" 2>"$d/err"
check "--quiet prints only the summary when all is well" '[ "$(cat "$d/out")" = "2 files: 2 ok, 0 unsupported, 0 errors" ] && [ ! -s "$d/err" ]'

$T parse -q "$d/bad.pkt" >"$d/out" 2>"$d/err"; rc=$?
check "a syntax error exits 2" '[ $rc -eq 2 ]'
check "errors read file:line:col: error: message" 'grep -q "^$d/bad.pkt:2:6: error: unknown TCP flag '"'"'Q'"'"'$" "$d/err"'
check "the source line follows the message" 'grep -q "^  +0	< Q 0:0(0) win 1$" "$d/err"'
check "a caret sits under the column (tabs kept)" 'grep -q "^    	  ^$" "$d/err"'
check "several errors in one file are reported" '[ "$(grep -c ": error: " "$d/err")" -eq 2 ] && grep -q "bad.pkt:3:" "$d/err"'
check "the summary counts the error" 'grep -q "^1 files: 0 ok, 0 unsupported, 1 errors$" "$d/out"'

$T parse -q "$d/sctp.pkt" >"$d/out" 2>"$d/err"; rc=$?
check "an unsupported file exits 4" '[ $rc -eq 4 ]'
check "unsupported is reported with its line" 'grep -q "sctp.pkt:1:.*: unsupported: SCTP packets are not supported" "$d/err"'
$T parse -q "$d/mixed" >"$d/out" 2>"$d/err"; rc=$?
check "a syntax error wins over unsupported (exit 2)" '[ $rc -eq 2 ]'
check "summary with both" 'grep -q "^2 files: 0 ok, 1 unsupported, 1 errors$" "$d/out"'
$T parse "$d/missing.pkt" >/dev/null 2>&1; rc=$?
check "a missing file exits 2" '[ $rc -eq 2 ]'
$T parse >/dev/null 2>&1; rc=$?
check "parse without arguments is a usage error" '[ $rc -eq 2 ]'
$T parse --bogus "$d/tree" >/dev/null 2>&1; rc=$?
check "an unknown option is a usage error" '[ $rc -eq 2 ]'
$T parse --help >"$d/out" 2>&1; rc=$?
check "parse --help exits 0 and documents --quiet and the exit codes" '[ $rc -eq 0 ] && grep -q -- "--quiet" "$d/out" && grep -q "exit status" "$d/out"'

# fmt
printf -- '--tolerance_usecs=1000 // why\n0   socket(..., SOCK_STREAM,   IPPROTO_TCP)=3\n+.1 < S.E 0:0(0)  win 1 <mss 1000 , nop>\n\n\n// tail\n' >"$d/f.pkt"
cat >"$d/want" <<'W'
--tolerance_usecs=1000 // why
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0.1 < SE. 0:0(0) win 1 <mss 1000,nop>

// tail
W
$T fmt "$d/f.pkt" >"$d/out" 2>"$d/err"; rc=$?
check "fmt prints the canonical layout" '[ $rc -eq 0 ] && cmp -s "$d/out" "$d/want"'
$T fmt "$d/out" >"$d/out2"
check "fmt is idempotent" 'cmp -s "$d/out" "$d/out2"'
cp "$d/f.pkt" "$d/g.pkt"; chmod 640 "$d/g.pkt"
$T fmt -w "$d/g.pkt" >"$d/out" 2>"$d/err"; rc=$?
check "fmt -w rewrites in place and prints nothing" '[ $rc -eq 0 ] && [ ! -s "$d/out" ] && cmp -s "$d/g.pkt" "$d/want"'
check "fmt -w keeps the file mode" '[ "$(stat -c %a "$d/g.pkt")" = 640 ]'
check "fmt -w leaves no temporary file" '[ "$(ls "$d" | grep -c fmt)" -eq 0 ]'
cp "$d/bad.pkt" "$d/b2.pkt"
$T fmt -w "$d/b2.pkt" >/dev/null 2>"$d/err"; rc=$?
check "fmt -w of a broken file exits 2 and leaves it untouched" '[ $rc -eq 2 ] && cmp -s "$d/b2.pkt" "$d/bad.pkt"'
check "fmt reports the error with its position" 'grep -q "b2.pkt:2:6: error:" "$d/err"'
cp "$d/sctp.pkt" "$d/s2.pkt"
$T fmt -w "$d/s2.pkt" >/dev/null 2>&1; rc=$?
check "fmt of an unsupported file exits 4 and leaves it untouched" '[ $rc -eq 4 ] && cmp -s "$d/s2.pkt" "$d/sctp.pkt"'
$T fmt >/dev/null 2>&1; rc=$?
check "fmt without a file is a usage error" '[ $rc -eq 2 ]'
$T fmt --help >"$d/out" 2>&1; rc=$?
check "fmt --help exits 0 and documents -w" '[ $rc -eq 0 ] && grep -q -- "-w" "$d/out"'
echo "1..$n"
