#!/bin/sh
# Documented deviations in tcpspec run: --expect FILE, and TARGET.expect beside the
# scripts (or TARGET/NAME.expect next to the suite) found by themselves, as tcpspec
# report does.  A listed script that fails is a DEVIATION in the lines, the summary,
# TAP (a TODO), JUnit (skipped of type deviation) and JSON, and does not fail the run;
# a listed script that passes is reported as a stale expectation.  Only an ordinary
# failure can be a deviation: parse errors and timeouts keep their status.  With root, the
# linux target on a part of the conformance suite passes with its deviations shown.
# Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

mkdir -p "$tmp/suite/sub" "$tmp/reference"
cp corpora/linux/passive-open.pkt "$tmp/suite/passes.pkt"
cp corpora/linux/passive-open.pkt "$tmp/suite/sub/listed-passes.pkt"
cat > "$tmp/suite/sub/deviates.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 read(3, ..., 10) = -1 ETIMEDOUT
PKT
cat > "$tmp/suite/fails.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 read(3, ..., 10) = 0
PKT
printf '# reasons\nsub/deviates.pkt\tthe stack says ENOTCONN here, documented\nsub/listed-passes.pkt\tused to fail\n' \
	> "$tmp/suite/reference.expect"

# found by itself beside the scripts (the suite's directory is a parent of sub/)
"$T" run --junit "$tmp/r.xml" --tap "$tmp/r.tap" --json "$tmp/r.json" "$tmp/suite/sub" \
	> "$tmp/out" 2> "$tmp/err"; rc=$?
sed 's/^/# /' "$tmp/out" "$tmp/err"
[ $rc -eq 0 ]
check $? "a documented deviation does not fail the run (exit $rc)"
grep -q "^DEVIATION .*sub/deviates.pkt" "$tmp/out" &&
	grep -q "documented deviation by .*suite/reference.expect:2: the stack says ENOTCONN here, documented" "$tmp/out"
check $? "the deviation is shown as such, with its reason"
grep -q '^1 passed, 0 failed, 0 skipped, 1 documented deviation, 1 stale expectation$' "$tmp/out"
check $? "the summary counts deviations and stale expectations"
grep -q "reference.expect:3: .*listed-passes.pkt passes on reference, although listed as a deviation (stale expectation)" "$tmp/err"
check $? "a stale expectation is reported with the line that lists it"
grep -q '^not ok 1 - .*deviates.pkt \[ipv4\] # TODO documented deviation: the stack says' "$tmp/r.tap"
check $? "TAP: the deviation is a TODO"
grep -q '<skipped type="deviation" message="documented deviation: the stack says' "$tmp/r.xml" &&
	grep -q '<property name="tcpspec.status" value="deviation"/>' "$tmp/r.xml" &&
	grep -q 'failures="0"' "$tmp/r.xml"
check $? "JUnit: the deviation is marked (skipped of type deviation), no failure"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
d = {x["script"].split("/")[-1]: x for x in r["results"]}
assert d["deviates.pkt"]["status"] == "deviation", d
assert d["listed-passes.pkt"]["stale_expectation"] is True
assert r["summary"]["deviation"] == 1
' "$tmp/r.json"
check $? "JSON: status deviation, stale_expectation true"

# an unlisted failure still fails, beside a deviation
"$T" run -q "$tmp/suite" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "^FAIL .*fails.pkt" "$tmp/out"
check $? "an unlisted failure still fails the run (exit $rc)"
"$T" run -q --no-expect "$tmp/suite/sub" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ]
check $? "--no-expect: the deviation fails again (exit $rc)"

# --expect FILE given explicitly, from elsewhere
mv "$tmp/suite/reference.expect" "$tmp/mine.expect"
sed -i 's#^sub/#suite/sub/#' "$tmp/mine.expect"
"$T" run -q "$tmp/suite/sub" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ]
check $? "without the file the script fails (exit $rc)"
"$T" run -q --expect "$tmp/mine.expect" "$tmp/suite/sub/deviates.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "^DEVIATION" "$tmp/out"
check $? "--expect FILE: the listed failure is a deviation (exit $rc)"
"$T" run -q --expect "$tmp/nonexistent.expect" "$tmp/suite/sub/deviates.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ]
check $? "--expect of a missing file is a usage error (exit $rc)"

# a target's own list kept with the target: SUITE/../TARGET/NAME.expect
printf '../suite/sub/deviates.pkt\tkept with the target\n' > "$tmp/reference/suite.expect"
"$T" run -q "$tmp/suite/sub" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "kept with the target" "$tmp/out"
check $? "run finds TARGET/NAME.expect kept next to the suite (exit $rc)"
"$T" report -q --target reference,lwip --json "$tmp/rep.json" corpora/conformance/rfc6298-rto \
	> /dev/null 2>&1; rc=$?
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
t = {x["name"]: x for x in r["targets"]}
assert "corpora/lwip/conformance.expect" in t["lwip"]["expectations"], t["lwip"]
assert t["lwip"]["fail"] == 0 and t["lwip"]["deviation"] > 0, t["lwip"]
' "$tmp/rep.json" && [ $rc -eq 0 ]
check $? "report --target reference,lwip finds corpora/lwip/conformance.expect by itself (exit $rc)"
"$T" run -q --target lwip corpora/conformance/rfc6298-rto > "$tmp/out" 2>&1; rc=$?
# (4: some of them are skipped on lwIP; a deviation would otherwise be a failure, 1)
[ $rc -eq 4 ] || [ $rc -eq 0 ]
[ $? -eq 0 ] && grep -q "^DEVIATION" "$tmp/out" && grep -q " 0 failed, " "$tmp/out"
check $? "run --target lwip uses it too: deviations, no failure (exit $rc)"

# Only an ordinary failure (the stack departed from the script) can be a deviation: a
# listed script with a typo or no event keeps its usage error (exit 2), one stopped by
# --timeout its failure (exit 1), in run and in report alike.
mkdir -p "$tmp/bad"
cat > "$tmp/bad/typo.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 wirte(3, ..., 10) = 10
PKT
: > "$tmp/bad/empty.pkt"
printf 'typo.pkt\ttypo listed\nempty.pkt\tempty listed\nslow.pkt\tslow listed\n' \
	> "$tmp/bad/reference.expect"
for s in typo empty; do
	"$T" run "$tmp/bad/$s.pkt" > "$tmp/out" 2>&1; rc=$?
	sed 's/^/# /' "$tmp/out"
	[ $rc -eq 2 ] && grep -q "^ERROR .*$s.pkt" "$tmp/out" && ! grep -q "DEVIATION" "$tmp/out"
	check $? "run: a listed script with a parse error ($s) stays an error, not a deviation (exit $rc)"
	"$T" report -q "$tmp/bad/$s.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -ne 0 ] && grep -q "$s.pkt\`: fail: " "$tmp/out" && ! grep -q "deviation: $s listed" "$tmp/out"
	check $? "report: a listed script with a parse error ($s) fails, not a deviation (exit $rc)"
done
if command -v python3 >/dev/null 2>&1; then
	cat > "$tmp/bad/slow.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 close(3) = 0
+0 %{
while True: pass
}%
PKT
	"$T" run --timeout 0.2 "$tmp/bad/slow.pkt" > "$tmp/out" 2>&1; rc=$?
	sed 's/^/# /' "$tmp/out"
	[ $rc -eq 1 ] && grep -q "^FAIL .*slow.pkt" "$tmp/out" && grep -q -- "--timeout" "$tmp/out" &&
		! grep -q "DEVIATION" "$tmp/out"
	check $? "run: a listed script stopped by --timeout fails, not a deviation (exit $rc)"
	"$T" report -q --timeout 0.2 "$tmp/bad/slow.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 1 ] && grep -q "slow.pkt\`: fail: .*--timeout" "$tmp/out"
	check $? "report: a listed script stopped by --timeout fails, not a deviation (exit $rc)"
else
	skip "run: a listed script stopped by --timeout fails, not a deviation" "python3 is not installed"
	skip "report: a listed script stopped by --timeout fails, not a deviation" "python3 is not installed"
fi

# the linux target: a part of the suite with listed deviations passes, JUnit marks them
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	skip "linux: listed deviations pass the run and are marked in JUnit" "needs root and /dev/net/tun"
else
	"$T" run --target linux --junit "$tmp/l.xml" corpora/conformance/rfc7323 > "$tmp/out" 2>&1; rc=$?
	grep -v '^ok ' "$tmp/out" | sed 's/^/# /'
	[ $rc -eq 0 ] && grep -q '^DEVIATION' "$tmp/out" && grep -q 'type="deviation"' "$tmp/l.xml"
	check $? "linux: listed deviations pass the run and are marked in JUnit (exit $rc)"
fi
echo "1..$n"
