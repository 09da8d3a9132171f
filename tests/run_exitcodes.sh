#!/bin/sh
# Exit codes and outputs a CI can trust: no false green from an empty or misnamed
# file, a misspelt call, symbol, errno, option or target; one test per exit code;
# output directories made; numeric options checked with their limits in the message;
# errno named in mismatches; the indent of failure lines kept under -q; nothing in the
# shipped suite prints into a run.  Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
show() { sed 's/^/# /' "$1"; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
good=corpora/linux/passive-open.pkt

# ---- a script with no event, and a file that is not a script -------------------------
: > "$tmp/empty.pkt"
printf '// a placeholder, to be written\n/* later */\n' > "$tmp/comment.pkt"
printf -- '--tolerance_usecs=10000\n// options only\n' > "$tmp/options.pkt"
: > "$tmp/notpkt.txt"
for f in empty.pkt comment.pkt options.pkt notpkt.txt; do
	"$T" run "$tmp/$f" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "$f:1:1: error: the script has no event" "$tmp/out" &&
		! grep -q "^1 passed" "$tmp/out"
	check $? "run $f: exit 2, 'no event' at $f:1:1, never a pass (exit $rc)"
	"$T" parse "$tmp/$f" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "error: the script has no event" "$tmp/out"
	check $? "parse $f: exit 2 (exit $rc)"
done
printf -- '--allow_empty\n// nothing to check, on purpose\n' > "$tmp/allowed.pkt"
"$T" run "$tmp/allowed.pkt" > "$tmp/out" 2>&1; rc=$?
check $rc "an option line --allow_empty lets an empty script pass (exit $rc)"
"$T" run -q --allow_empty "$tmp/empty.pkt" > "$tmp/out" 2>&1; rc=$?
check $rc "so does --allow_empty on the command line (exit $rc)"
mkdir "$tmp/nothing"
"$T" parse "$tmp/nothing" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "no .pkt script found" "$tmp/out"
check $? "parse of a directory with no script: exit 2 as run (exit $rc)"
"$T" run "$tmp/nothing" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "no .pkt script found" "$tmp/out"
check $? "run of a directory with no script: exit 2 (exit $rc)"

# ---- misspelt names are parse errors with a hint; real unsupported ones stay 4 --------
cat > "$tmp/typo-call.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 raed(3, ..., 1000) = 100
PKT
"$T" run "$tmp/typo-call.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "typo-call.pkt:2:4: error: unknown system call raed(); did you mean read?" "$tmp/out"
check $? "run: a misspelt call is a parse error at file:line:col with a hint (exit $rc)"
"$T" parse "$tmp/typo-call.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown system call raed(); did you mean read?" "$tmp/out"
check $? "parse: the same check (exit $rc)"
printf '0 socket(..., SOCK_STREEM, IPPROTO_TCP) = 3\n' > "$tmp/typo-sym.pkt"
"$T" run "$tmp/typo-sym.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "typo-sym.pkt:1:15: error: unknown symbol SOCK_STREEM; did you mean SOCK_STREAM?" "$tmp/out"
check $? "a misspelt symbol: exit 2 with a hint (exit $rc)"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 read(3, ..., 1) = -1 ETIMEOUT\n' > "$tmp/typo-errno.pkt"
"$T" parse "$tmp/typo-errno.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown errno name ETIMEOUT; did you mean ETIMEDOUT?" "$tmp/out"
check $? "a misspelt errno name: exit 2 with a hint (exit $rc)"
printf -- '--tolerence_usecs=10000\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' > "$tmp/typo-opt.pkt"
"$T" parse "$tmp/typo-opt.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown option --tolerence_usecs; did you mean --tolerance_usecs?" "$tmp/out"
check $? "a misspelt option line: exit 2 with a hint (exit $rc)"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 1000 <msss 1000>\n' > "$tmp/typo-tcpopt.pkt"
"$T" run "$tmp/typo-tcpopt.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown TCP option 'msss'; did you mean mss?" "$tmp/out"
check $? "a misspelt TCP option is an error with a hint, not an unsupported one (exit $rc)"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) wni 1000\n' > "$tmp/typo-field.pkt"
"$T" run "$tmp/typo-field.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown packet field 'wni'; did you mean win?" "$tmp/out"
check $? "a misspelt packet field is an error with a hint (exit $rc)"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 socketpair(AF_UNIX, SOCK_STREAM, 0, [4, 5]) = 0\n' > "$tmp/real-unsupported.pkt"
"$T" run "$tmp/real-unsupported.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 4 ] && grep -q "socketpair() is not supported" "$tmp/out"
check $? "a real call tcpspec does not run stays unsupported, exit 4 (exit $rc)"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 getsockopt(3, SOL_SOCKET, SO_TIMESTAMPING, [0], [4]) = 0\n' > "$tmp/real-symbol.pkt"
"$T" run "$tmp/real-symbol.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 4 ]
check $? "a real symbol tcpspec gives no value stays unsupported, exit 4 (exit $rc)"
"$T" run -D MYPORT=8080 "$tmp/typo-sym.pkt" > /dev/null 2>&1
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 setsockopt(3, SOL_SOCKET, SO_RCVBUF, [MYSIZE], 4) = 0\n' > "$tmp/defined.pkt"
"$T" parse -D MYSIZE=65536 "$tmp/defined.pkt" > "$tmp/out" 2>&1; rc1=$?
"$T" run -q -D MYSIZE=65536 "$tmp/defined.pkt" > "$tmp/out" 2>&1; rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]
check $? "a name the command line defines (-D) is known to parse and run (exit $rc1, $rc2)"
"$T" parse -q corpora/conformance corpora/linux corpora/lwip corpora/dsl > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] || show "$tmp/out"
check $rc "every shipped suite still parses (exit $rc)"

# ---- one test per exit code ------------------------------------------------------------
"$T" run -q "$good" > "$tmp/out" 2>&1; rc=$?
check $rc "exit 0: every script passed (exit $rc)"
cat > "$tmp/fails.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 read(3, ..., 10) = -1 ETIMEDOUT
PKT
"$T" run -q "$tmp/fails.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ]
check $? "exit 1: a script failed (exit $rc)"
"$T" run --target linx "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown target 'linx'; did you mean linux?" "$tmp/out"
check $? "exit 2: an unknown target is a usage error with a hint, not 'unavailable' (exit $rc)"
"$T" run --target plugin "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "plugin:PATH.so" "$tmp/out"
check $? "exit 2: the plugin target without its path is a usage error (exit $rc)"
"$T" report --target linx "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "did you mean linux?" "$tmp/out"
check $? "exit 2: report too (exit $rc)"
"$T" rnu "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown command 'rnu'; did you mean run?" "$tmp/out"
check $? "exit 2: an unknown command, with a hint (exit $rc)"
"$T" run --frobnicate "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ]
check $? "exit 2: an unknown option (exit $rc)"
if [ "$(id -u)" -ne 0 ]; then
	"$T" run --target linux "$good" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 3 ]
	check $? "exit 3: the linux target without root (exit $rc)"
elif command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T" run --target linux "$PWD/$good" \
		> "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 3 ] && grep -q "needs root" "$tmp/out"
	check $? "exit 3: the linux target without root (exit $rc)"
else
	skip "exit 3: the linux target without root" "needs setpriv (util-linux) to drop root"
fi
"$T" run -q "$tmp/real-unsupported.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 4 ]
check $? "exit 4: a script needs an unsupported feature (exit $rc)"
grep -q '^\.SH EXIT STATUS' docs/tcpspec.1 && grep -q '^\.TS' docs/tcpspec.1 &&
	grep -q '^130' docs/tcpspec.1 && grep -q '^143' docs/tcpspec.1
check $? "tcpspec(1) has the exit status table"

# ---- outputs, numeric limits, messages --------------------------------------------------
"$T" run -q --pcap "$tmp/outdir/pcap" --junit "$tmp/outdir/j/r.xml" --tap "$tmp/outdir/t/r.tap" \
	--json "$tmp/outdir/s/r.json" "$good" > "$tmp/out.txt" 2>&1; rc=$?
[ $rc -eq 0 ] && [ -s "$tmp/outdir/pcap/passive-open.ipv4.pcap" ] && [ -s "$tmp/outdir/j/r.xml" ] &&
	[ -s "$tmp/outdir/t/r.tap" ] && [ -s "$tmp/outdir/s/r.json" ]
check $? "--pcap, --junit, --tap, --json: missing directories are created (exit $rc)"
"$T" report -q --markdown "$tmp/outdir/m/r.md" --json "$tmp/outdir/n/r.json" "$good" \
	> "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ -s "$tmp/outdir/m/r.md" ] && [ -s "$tmp/outdir/n/r.json" ]
check $? "report --markdown, --json: missing directories are created (exit $rc)"
"$T" run --timeout nan "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "604800" "$tmp/out"
check $? "--timeout nan is refused (exit $rc)"
"$T" run --timeout 1000000000 "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "0 (no limit) to 604800" "$tmp/out"
check $? "--timeout 1000000000 is refused naming the limit (exit $rc)"
for v in 0x10 1e3 inf -1 .; do
	"$T" run --timeout "$v" "$good" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "plain decimal" "$tmp/out"
	check $? "run --timeout $v is refused saying the accepted form (exit $rc)"
	"$T" report -q --timeout "$v" "$good" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "plain decimal" "$tmp/out"
	check $? "report --timeout $v is refused saying the accepted form (exit $rc)"
done
"$T" run --timeout 2.5 "$good" > "$tmp/out" 2>&1
check $? "--timeout 2.5 is accepted"
# a typo in a call: exit 2 in report and fmt too, as in parse and run
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 raed(3, ..., 10) = 10\n' > "$tmp/typo.pkt"
"$T" report -q --markdown "$tmp/typo.md" "$tmp/typo.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "did you mean read" "$tmp/typo.md" "$tmp/out" && [ -s "$tmp/typo.md" ]
check $? "report: a script with a misspelt call is exit 2, the report still written (exit $rc)"
"$T" fmt "$tmp/typo.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown system call raed(); did you mean read?" "$tmp/out"
check $? "fmt: a misspelt call is exit 2 with the hint (exit $rc)"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = MYFD\n' > "$tmp/defd.pkt"
"$T" fmt -D MYFD=3 "$tmp/defd.pkt" > "$tmp/out" 2>&1
check $? "fmt -D MYFD=3 knows the name the run will define"
printf '// nothing yet\n' > "$tmp/nothing.pkt"
"$T" parse "$tmp/nothing.pkt" > "$tmp/out" 2>&1; rc=$?
"$T" parse --allow_empty "$tmp/nothing.pkt" > "$tmp/out" 2>&1; rc2=$?
[ $rc -eq 2 ] && [ $rc2 -eq 0 ]
check $? "parse: a script with no event is exit 2, with --allow_empty 0 (exit $rc, $rc2)"
"$T" run -j 0 "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "1 to 256" "$tmp/out"
check $? "-j 0 is refused naming the limits (exit $rc)"
"$T" run --tolerance_percent=nan "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "0 to 100" "$tmp/out"
check $? "--tolerance_percent=nan is refused naming the limits (exit $rc)"
"$T" run -q "$tmp/fails.pkt" > "$tmp/out" 2>&1
grep -q "expected -1 with errno ETIMEDOUT (Connection timed out) but got -1 with errno ENOTCONN" "$tmp/out"
check $? "an errno mismatch names both errnos as the script does"
cat > "$tmp/packet.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 32792 <mss 1000>
+0 > S. 0:0(0) ack 1 win 1 <mss 1000>
PKT
"$T" run -q "$tmp/packet.pkt" > "$tmp/out" 2>&1
grep -q '^      script packet: ' "$tmp/out" && grep -q '^      actual packet: ' "$tmp/out" &&
	! grep -q '^script packet' "$tmp/out"
check $? "-q keeps the indent of the script packet / actual packet lines"
"$T" run -q corpora/conformance > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && [ "$(wc -l < "$tmp/out")" -eq 1 ]
check $? "no script of corpora/conformance prints into a run (exit $rc, $(wc -c < "$tmp/err") bytes on stderr)"
[ -s "$tmp/err" ] && show "$tmp/err" | head -5
# shell lines run only on the linux target: those scripts there, whatever their verdict
if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then
	"$T" run -q --target linux $(grep -rl '`' corpora/conformance --include='*.pkt') \
		> "$tmp/out" 2> "$tmp/err"
	[ ! -s "$tmp/err" ]
	check $? "no shell line of corpora/conformance prints into a linux run ($(wc -c < "$tmp/err") bytes on stderr)"
	show "$tmp/err" | head -5
else
	skip "no shell line of corpora/conformance prints into a linux run" "needs root and /dev/net/tun"
fi

# ---- a usage error must not leave an earlier run's passing results behind -----------
stale() { for f in j.xml r.json t.tap rp.json rp.md; do echo 'stale green' > "$tmp/$f"; done; }
nostale() { ! grep -qs 'stale green' "$@"; }
mkdir -p "$tmp/emptydir"
for args in "--target linx $good" "$tmp/emptydir" "-j 0 $good" "--timeout x $good"; do
	stale
	# shellcheck disable=SC2086
	"$T" run --junit "$tmp/j.xml" --json "$tmp/r.json" --tap "$tmp/t.tap" $args \
		> /dev/null 2>&1; rc=$?
	[ $rc -eq 2 ] && nostale "$tmp/j.xml" "$tmp/r.json" "$tmp/t.tap"
	check $? "run $args: exit 2 (got $rc) and no earlier result file left as it was"
	# shellcheck disable=SC2086
	"$T" report --json "$tmp/rp.json" --markdown "$tmp/rp.md" $args > /dev/null 2>&1; rc=$?
	[ $rc -eq 2 ] && nostale "$tmp/rp.json" "$tmp/rp.md"
	check $? "report $args: exit 2 (got $rc) and no earlier report file left as it was"
done

# ---- a target not available here (exit 3): valid files, each script unavailable -----
# the linux target as an unprivileged user (setpriv when root, else as we are)
asuser=
[ "$(id -u)" -eq 0 ] && asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ -n "$asuser" ] && ! command -v setpriv >/dev/null 2>&1; then
	skip "an unavailable target writes valid result files" "root without setpriv"
else
	mkdir -p "$tmp/u3" && chmod 777 "$tmp/u3" && chmod 755 "$tmp"
	$asuser "$T" run --target linux --junit "$tmp/u3/j.xml" --json "$tmp/u3/r.json" \
		"$good" "$good" > /dev/null 2>&1; rc=$?
	[ $rc -eq 3 ] && python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
st = [x["status"] for x in r["results"]]
assert st == ["unavailable", "unavailable"], st
' "$tmp/u3/r.json" && grep -q 'tests="2"' "$tmp/u3/j.xml" &&
		{ ! command -v xmllint >/dev/null 2>&1 || xmllint --noout "$tmp/u3/j.xml"; }
	check $? "an unavailable target (exit 3, got $rc) writes valid JUnit and JSON, each script unavailable"
fi
echo "1..$n"
