#!/bin/sh
# What a CI reads from tcpspec run stays true: --non_fatal mismatches are kept in the
# TAP, JUnit and JSON files (a pass with warnings is not a clean one) and its values
# are checked; a result file on stdout keeps stdout to itself; result files that clash
# with each other or with a script are a usage error that overwrites nothing; --expect
# by an absolute path and a run from inside a suite find the documented deviations; an
# empty shard says so; a -D name no script mentions is reported.
# Prints TAP.
. tests/lib/tap.sh
T=$PWD/tcpspec          # absolute: some runs are made from other directories
check() { if [ "$1" -eq 0 ]; then ok "$2"; else notok "$2"; fi; }
good=$PWD/corpora/linux/passive-open.pkt

# a window and a return value the stack does not give: two non-fatal mismatches
cat > "$tmp/nf.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 32792 <mss 1000>
+0 > S. 0:0(0) ack 1 win 1234 <mss 1460>
+.1 < . 1:1(0) ack 1 win 257
+0 accept(3, ..., ...) = 4
+0 close(4) = 5
PKT
"$T" run --non_fatal --tap "$tmp/nf.tap" --junit "$tmp/nf.xml" --json "$tmp/nf.json" \
	"$tmp/nf.pkt" > "$tmp/out" 2>&1; rc=$?
sed 's/^/# /' "$tmp/out"
[ $rc -eq 0 ] && grep -q "2 non-fatal mismatches let through by --non_fatal" "$tmp/out"
check $? "bare --non_fatal: both kinds pass as warnings, and the run's line counts them (exit $rc)"
grep -q "^# 2 non-fatal mismatches (--non_fatal):" "$tmp/nf.tap" &&
	grep -q "^# .*nf.pkt:6: warning: .*win: expected 1234" "$tmp/nf.tap" &&
	grep -q "^# .*nf.pkt:9: warning: .*close: expected 5 but got 0" "$tmp/nf.tap"
check $? "TAP keeps the non-fatal mismatches as comments under the test line"
grep -q '<property name="tcpspec.warnings" value="2"/>' "$tmp/nf.xml" &&
	grep -q "<system-err>2 non-fatal mismatches" "$tmp/nf.xml" &&
	grep -q "nf.pkt:9: warning: error handling syscall: close" "$tmp/nf.xml"
check $? "JUnit keeps them: a tcpspec.warnings property and the warnings in system-err"
if command -v python3 > /dev/null 2>&1; then
	python3 - "$tmp/nf.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
assert r["status"] == "pass" and r["warnings_count"] == 2, r
assert "win: expected 1234" in r["warnings"][0] and "script packet" in r["warnings"][0]
assert "close: expected 5" in r["warnings"][1]
PY
	check $? "JSON keeps them: warnings_count and one warnings entry per mismatch"
else
	grep -q '"warnings_count": 2' "$tmp/nf.json"
	check $? "JSON keeps them: warnings_count"
fi
"$T" run --tap "$tmp/clean.tap" --junit "$tmp/clean.xml" "$good" > /dev/null 2>&1
! grep -q "non-fatal" "$tmp/clean.tap" && ! grep -q "tcpspec.warnings" "$tmp/clean.xml"
check $? "a clean pass carries no warnings"
for v in "--non_fatal=" "--non_fatal=pakcet" "--non_fatal=packet,"; do
	"$T" run "$v" "$tmp/nf.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "packet, syscall or packet,syscall" "$tmp/out"
	check $? "$v is a usage error naming the accepted values (exit $rc)"
done
printf -- '--non_fatal=\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' > "$tmp/nfline.pkt"
"$T" run "$tmp/nfline.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "nfline.pkt:1:1: error: bad value for --non_fatal: ''" "$tmp/out"
check $? "an option line --non_fatal= is a parse error with its place (exit $rc)"

# a result file on stdout: nothing else there
"$T" run --tap - "$good" "$tmp/nf.pkt" > "$tmp/stdout" 2> "$tmp/stderr"; rc=$?
sed 's/^/# out: /' "$tmp/stdout"
[ $rc -eq 1 ] && head -1 "$tmp/stdout" | grep -q "^TAP version 13" &&
	! grep -v -e '^TAP version' -e '^1\.\.' -e '^ok ' -e '^not ok ' -e '^#' "$tmp/stdout" |
		grep -q . &&
	grep -q "^0 passed\|^1 passed" "$tmp/stderr" && grep -q "^FAIL .*nf.pkt" "$tmp/stderr"
check $? "--tap -: stdout holds TAP alone, the run's lines and summary go to stderr (exit $rc)"
"$T" run --json - "$good" 2> /dev/null | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null ||
	! command -v python3 > /dev/null
check $? "--json -: stdout is one JSON document"

# clashing result files: a usage error that overwrites nothing
cp "$good" "$tmp/script.pkt"
cp "$good" "$tmp/keep.pkt"
"$T" run --junit "$tmp/x.xml" --json "$tmp/x.xml" "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q -- "--junit and --json name the same file" "$tmp/out"
check $? "--junit X --json X is a usage error (exit $rc)"
"$T" run --junit "$tmp/x.xml" --tap "$tmp/./x.xml" "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ]
check $? "--junit X --tap ./X: the same file written differently is found (exit $rc)"
"$T" run --tap - --json - "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "same file (-)" "$tmp/out"
check $? "two result files on stdout are a usage error (exit $rc)"
"$T" run --junit "$tmp/keep.pkt" --junit "$tmp/y.xml" "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q -- "--junit given twice" "$tmp/out" && cmp -s "$tmp/keep.pkt" "$good"
check $? "--junit twice with different paths is a usage error, the first file untouched (exit $rc)"
"$T" run --json "$tmp/script.pkt" "$tmp" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "is a script of the run" "$tmp/out" && cmp -s "$tmp/script.pkt" "$good"
check $? "a result file that is one of the scripts is refused and the script kept (exit $rc)"
"$T" run --junit "$tmp/same.xml" --junit "$tmp/same.xml" "$good" > /dev/null 2>&1
check $? "the same flag twice with the same path is accepted"

# expectations: an absolute --expect, a run from inside the suite
mkdir -p "$tmp/suite/sub/deeper"
cat > "$tmp/suite/sub/deeper/deviates.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 read(3, ..., 10) = -1 ETIMEDOUT
PKT
printf 'sub/deeper/deviates.pkt\tthe stack says ENOTCONN here, documented\n' \
	> "$tmp/suite/reference.expect"
mkdir -p "$tmp/elsewhere"
cp "$tmp/suite/reference.expect" "$tmp/elsewhere/list"
(cd "$tmp/suite" && "$T" run --expect "$tmp/elsewhere/list" sub/deeper/deviates.pkt) \
	> "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && ! grep -q "^DEVIATION" "$tmp/out"
check $? "a list elsewhere names its scripts relative to itself: no match there (exit $rc)"
mv "$tmp/elsewhere/list" "$tmp/suite/list"
(cd "$tmp/suite" && "$T" run --expect "$tmp/suite/list" sub/deeper/deviates.pkt) \
	> "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "^DEVIATION" "$tmp/out"
check $? "--expect /absolute/path matches a script given by a relative path (exit $rc)"
"$T" run --expect "$tmp/suite/reference.expect" "$tmp/suite/sub/deeper/deviates.pkt" \
	> "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "^DEVIATION" "$tmp/out"
check $? "--expect /absolute/path matches a script given by an absolute path (exit $rc)"
(cd "$tmp/suite/sub/deeper" && "$T" run deviates.pkt) > "$tmp/out" 2>&1; rc=$?
sed 's/^/# /' "$tmp/out"
[ $rc -eq 0 ] && grep -q "^DEVIATION" "$tmp/out"
check $? "run from inside the suite (cd sub/deeper; run deviates.pkt) finds the suite's list (exit $rc)"
(cd "$tmp/suite/sub/deeper" && "$T" run .) > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "^DEVIATION" "$tmp/out"
check $? "run . from inside the suite finds the suite's list (exit $rc)"
(cd "$tmp/suite/sub/deeper" && "$T" run --no-expect .) > /dev/null 2>&1; rc=$?
[ $rc -eq 1 ]
check $? "the same run with --no-expect fails (the list is what made it pass) (exit $rc)"

# an empty shard: said, and a pass on purpose
"$T" run --shard 5/5 "$good" "$tmp/keep.pkt" --junit "$tmp/shard.xml" > "$tmp/out" 2>&1; rc=$?
sed 's/^/# /' "$tmp/out"
[ $rc -eq 0 ] && grep -q "^shard 5/5: no script$" "$tmp/out" &&
	grep -q 'tests="0"' "$tmp/shard.xml"
check $? "an empty shard says 'shard 5/5: no script' and exits 0 with a valid JUnit file (exit $rc)"

# -D names: one no script mentions is reported, one some script uses is not
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n' > "$tmp/d1.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = MY_FD\n+0 close(MY_FD) = 0\n' > "$tmp/d2.pkt"
"$T" run -D MY_FD=3 -D MY_FDD=3 "$tmp/d1.pkt" "$tmp/d2.pkt" > "$tmp/out" 2> "$tmp/err"; rc=$?
sed 's/^/# /' "$tmp/err"
[ $rc -eq 0 ] && grep -q "warning: -D MY_FDD: no script of the run mentions MY_FDD" "$tmp/err" &&
	! grep -q "warning: -D MY_FD:" "$tmp/err"
check $? "-D MY_FDD (misspelt, used by no script) is warned about, -D MY_FD (used by one script) is not (exit $rc)"
echo "1..$n"
