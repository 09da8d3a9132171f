#!/bin/sh
# tcpspec report: verdict classification (pass, deviation, fail, skipped), the
# requirement matrix, expectations files, JSON and Markdown output, exit codes.
# Runs small generated scripts on the reference target (virtual time).  Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else notok "$2"; fi; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ ! -x "$T" ]; then
	echo "1..0 # SKIP $T is not built"
	exit 0
fi

$T report --help >/dev/null 2>&1; check $? "--help exits 0"
$T report >/dev/null 2>&1; [ $? -eq 2 ]; check $? "no script is a usage error (exit 2)"
$T report --frobnicate x >/dev/null 2>&1; [ $? -eq 2 ]; check $? "unknown option is a usage error"

# -- fixtures: a passing script, a failing one, a documented deviation, an untagged one
d=$tmp/suite
mkdir -p "$d/sub"
prelude='0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+.1   < S 0:0(0) win 65535 <mss 1000>'
{ echo "// requirements: TEST:A TEST:B"; echo "// checks: a SYN is answered"
  echo "$prelude"; echo "+0    > S. 0:0(0) ack 1 <...>"; } > "$d/pass.pkt"
{ echo "// requirements: TEST:A"; echo "// checks: wrong on purpose"
  echo "$prelude"; echo "+0    > S. 0:0(0) ack 2 <...>"; } > "$d/fail.pkt"
{ echo "// requirements: TEST:C"; echo "// checks: wrong on purpose, but explained"
  echo "$prelude"; echo "+0    > R. 0:0(0) ack 1"; } > "$d/sub/dev.pkt"
{ echo "// no header tags here"
  echo "$prelude"; echo "+0    > S. 0:0(0) ack 1 <...>"; } > "$d/untagged.pkt"
printf '# expectations for the reference target\n\nsub/dev.pkt\tthe stack answers with SYN,ACK (documented)\n' \
	> "$d/reference.expect"

if ! $T run "$d/pass.pkt" >/dev/null 2>&1; then
	echo "1..$n # SKIP the reference target does not run here"
	exit 0
fi

$T report -q --target reference --json "$tmp/r.json" --markdown "$tmp/r.md" "$d" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ]; check $? "a failing script makes the report exit 1 (got $rc)"
[ ! -s "$tmp/out" ]; check $? "with --json and --markdown nothing goes to stdout"

python3 - "$tmp/r.json" "$d" >"$tmp/py" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
d = sys.argv[2]
bad = []
def expect(cond, what):
    if not cond:
        bad.append(what)
s = {x["path"].replace(d + "/", ""): x for x in r["scripts"]}
expect(sorted(s) == ["fail.pkt", "pass.pkt", "sub/dev.pkt", "untagged.pkt"], "script list %s" % sorted(s))
res = lambda p: s[p]["results"]["reference"]
expect(res("pass.pkt")["status"] == "pass", "pass.pkt passes")
expect(res("fail.pkt")["status"] == "fail", "fail.pkt fails")
expect("ack" in res("fail.pkt")["reason"], "fail.pkt keeps the engine's message")
expect(res("sub/dev.pkt")["status"] == "deviation", "dev.pkt is a deviation")
expect(res("sub/dev.pkt")["reason"] == "the stack answers with SYN,ACK (documented)", "deviation reason")
expect(s["pass.pkt"]["requirements"] == ["TEST:A", "TEST:B"], "tags read")
expect(s["pass.pkt"]["checks"] == "a SYN is answered", "checks line read")
req = {x["id"]: x for x in r["requirements"]}
expect(sorted(req) == ["(untagged)", "TEST:A", "TEST:B", "TEST:C"], "requirements %s" % sorted(req))
a = req["TEST:A"]["results"]["reference"]
expect(req["TEST:A"]["scripts"] == 2 and a["status"] == "fail" and a["pass"] == 1 and a["fail"] == 1, "TEST:A fail 1/2")
expect(req["TEST:B"]["results"]["reference"]["status"] == "pass", "TEST:B pass")
expect(req["TEST:C"]["results"]["reference"]["status"] == "deviation", "TEST:C deviation")
t = r["targets"][0]
expect(t["name"] == "reference" and t["available"] and (t["pass"], t["deviation"], t["fail"], t["skipped"]) == (2, 1, 1, 0), "target counts %s" % t)
expect(t["expectations"] == [d + "/reference.expect"], "expectations file named")
print("\n".join(bad) if bad else "all good")
sys.exit(1 if bad else 0)
PY
check $? "JSON: verdicts, reasons, tags and the requirement matrix ($(tail -1 "$tmp/py"))"

grep -q '^| TEST:A |  | 2 | fail 1/2 |$' "$tmp/r.md"; check $? "Markdown matrix row for a mixed requirement"
grep -q '^| TEST:C |  | 1 | deviation |$' "$tmp/r.md"; check $? "Markdown matrix row for a deviation"
grep -q '^| reference | 2 | 1 | 1 | 0 |' "$tmp/r.md"; check $? "Markdown summary counts"
grep -q 'sub/dev.pkt`: deviation: the stack answers with SYN,ACK (documented)' "$tmp/r.md"
check $? "Markdown details give the deviation's reason"

# stdout default is Markdown; without the failing script the exit status is 0
rm "$d/fail.pkt"
$T report -q "$d" >"$tmp/out2" 2>/dev/null
rc=$?
[ $rc -eq 0 ]; check $? "deviations alone do not fail the report (got $rc)"
head -1 "$tmp/out2" | grep -q '^# tcpspec conformance report'; check $? "Markdown on stdout by default"

# an expectation for a script that passes is reported as stale
printf 'suite/pass.pkt\tshould fail but does not\n' > "$tmp/stale.expect"
$T report -q --expect reference="$tmp/stale.expect" --json "$tmp/s.json" "$d" >/dev/null 2>&1
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
t = r["targets"][0]
p = [x for x in r["scripts"] if x["path"].endswith("/pass.pkt")][0]["results"]["reference"]
dev = [x for x in r["scripts"] if x["path"].endswith("/dev.pkt")][0]["results"]["reference"]
sys.exit(0 if t["stale_expectations"] == 1 and p["status"] == "pass" and p["stale_expectation"]
         and dev["status"] == "fail" else 1)' "$tmp/s.json"
check $? "--expect replaces the default file; a listed script that passes is stale"

# an expectation line without a reason is an error
printf 'pass.pkt\n' > "$tmp/bad.expect"
$T report -q --expect reference="$tmp/bad.expect" "$d" >/dev/null 2>"$tmp/err3"
rc=$?
[ $rc -eq 2 ] && grep -q 'bad.expect:1: error: no reason given' "$tmp/err3"
check $? "expectation without a reason: exit 2 with file and line (got $rc)"

# a known target that cannot run here (the linux target without root; a plugin that
# is no tcpspec plugin is a usage error instead): every cell skipped with the reason,
# exit 3, also beside a target that ran
echo 'int not_a_tcpspec_plugin;' | ${CC:-cc} -shared -fPIC -x c - -o "$tmp/noentry.so"
$T report -q --target "reference,plugin:$tmp/noentry.so" "$d" >"$tmp/np" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "noentry.so is not a tcpspec plugin" "$tmp/np"
check $? "a shared object that is no tcpspec plugin: usage error, exit 2 (got $rc)"
unpriv=
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 &&
		unpriv="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod -R a+rX "$tmp"; chmod a+rwx "$tmp"
fi
if [ "$(id -u)" -eq 0 ] && [ -z "$unpriv" ]; then
	echo "ok $((n = n + 1)) - unavailable target # SKIP needs setpriv to drop root"
	echo "ok $((n = n + 1)) - two targets # SKIP needs setpriv to drop root"
else
$unpriv $T report -q --target linux --json "$tmp/u.json" "$d" >/dev/null 2>&1
rc=$?
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
t = r["targets"][0]
ok = not t["available"] and t["reason"] and t["skipped"] == 3 and t["pass"] == 0
ok = ok and all(x["results"][t["name"]]["status"] == "skipped" for x in r["scripts"])
sys.exit(0 if ok else 1)' "$tmp/u.json" && [ $rc -eq 3 ]
check $? "unavailable target: all skipped with the reason, exit 3 (got $rc)"

# two targets side by side: the unavailable one does not hide the other, and is no pass
$unpriv $T report -q --target "reference,linux" --json "$tmp/two.json" "$d" >/dev/null 2>&1
rc=$?
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
names = [t["name"] for t in r["targets"]]
req = {x["id"]: x for x in r["requirements"]}
ok = len(names) == 2 and r["targets"][0]["pass"] == 2
ok = ok and set(req["TEST:B"]["results"]) == set(names)
sys.exit(0 if ok else 1)' "$tmp/two.json" && [ $rc -eq 3 ]
check $? "two targets in one matrix, the unavailable one exit 3 (got $rc)"
fi

# the suite's expectations apply when only a subdirectory or one script is run
$T report -q --json "$tmp/sub.json" "$d/sub" >/dev/null 2>&1
rc1=$?
$T report -q --json "$tmp/one.json" "$d/sub/dev.pkt" >/dev/null 2>&1
rc2=$?
python3 -c '
import json, sys
for f in sys.argv[1:]:
    r = json.load(open(f))
    res = r["scripts"][0]["results"]["reference"]
    if len(r["scripts"]) != 1 or res["status"] != "deviation":
        sys.exit(1)' "$tmp/sub.json" "$tmp/one.json" && [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]
check $? "a parent directory's expectations apply to a subdirectory or a single script"

# an expectations file elsewhere may name scripts through ".."
mkdir -p "$tmp/other"
printf '../suite/sub/dev.pkt\tlisted from a sibling directory\n' > "$tmp/other/ref.expect"
$T report -q --expect reference="$tmp/other/ref.expect" --json "$tmp/dd.json" "$d" >/dev/null 2>&1
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
dev = [x for x in r["scripts"] if x["path"].endswith("/dev.pkt")][0]["results"]["reference"]
sys.exit(0 if dev["status"] == "deviation" and dev["reason"] == "listed from a sibling directory" else 1)' "$tmp/dd.json"
check $? "expectation paths with .. are resolved"

# grading by level: a MUST failure fails the report; a SHOULD or MAY failure, or an
# explained one, is a deviation of its level (the expectation's "LEVEL:" prefix, else
# the script's); the summary line, the by-level table and the JSON count per level
l=$tmp/levels
mkdir -p "$l"
for s in must-fail:MUST should-fail:SHOULD may-fail:MAY exp-should:MUST exp-plain:MUST; do
	{ echo "// requirements: TEST:L"; echo "// level: ${s#*:}"; echo "// checks: wrong on purpose"
	  echo "$prelude"; echo "+0    > S. 0:0(0) ack 2 <...>"; } > "$l/${s%%:*}.pkt"
done
{ echo "// requirements: TEST:L"; echo "// level: SHOULD"; echo "// checks: right"
  echo "$prelude"; echo "+0    > S. 0:0(0) ack 1 <...>"; } > "$l/should-pass.pkt"
printf 'exp-should.pkt\tSHOULD: RFC 0000 1.1: the stack may differ here\nexp-plain.pkt\tdocumented, no level given\n' \
	> "$l/reference.expect"
$T report -q --json "$tmp/l.json" --markdown "$tmp/l.md" "$l" >/dev/null 2>"$tmp/l.err"
rc=$?
[ $rc -eq 1 ]; check $? "an unexplained MUST failure fails the report (got $rc)"
python3 - "$tmp/l.json" >"$tmp/lpy" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = {x["path"].split("/")[-1]: x for x in r["scripts"]}
bad = []
def want(p, status, level):
    got = (s[p]["results"]["reference"]["status"], s[p]["results"]["reference"]["level"])
    if got != (status, level):
        bad.append("%s: %s, wanted %s" % (p, got, (status, level)))
want("must-fail.pkt", "fail", "MUST")
want("should-fail.pkt", "deviation", "SHOULD")
want("may-fail.pkt", "deviation", "MAY")
want("exp-should.pkt", "deviation", "SHOULD")
want("exp-plain.pkt", "deviation", "MUST")
want("should-pass.pkt", "pass", "SHOULD")
# a deviation an expectation explains is "documented"; a SHOULD/MAY failure is not
for p, d in (("should-fail.pkt", False), ("may-fail.pkt", False), ("exp-should.pkt", True),
             ("exp-plain.pkt", True), ("must-fail.pkt", False)):
    if s[p]["results"]["reference"]["documented"] != d:
        bad.append("%s: documented is not %s" % (p, d))
if (r["targets"][0]["deviation_documented"], r["targets"][0]["deviation_undocumented"]) != (2, 2):
    bad.append("documented counts %s" % r["targets"][0])
if s["should-fail.pkt"]["level"] != "SHOULD":
    bad.append("script level not read")
t = r["targets"][0]
lv = t["levels"]
if (t["pass"], t["deviation"], t["fail"], t["skipped"], t["not_applicable"]) != (1, 4, 1, 0, 0):
    bad.append("totals %s" % t)
if (lv["MUST"]["fail"], lv["MUST"]["deviation"], lv["SHOULD"]["deviation"], lv["SHOULD"]["pass"],
        lv["MAY"]["deviation"]) != (1, 1, 2, 1, 1):
    bad.append("levels %s" % lv)
print("\n".join(bad) if bad else "all good")
sys.exit(1 if bad else 0)
PY
check $? "JSON: each result graded by its level, counts per level ($(tail -1 "$tmp/lpy"))"
grep -q 'should-fail.pkt`: deviation (SHOULD)' "$tmp/l.md"; check $? "Markdown names a deviation's level"
grep -q '^| reference | SHOULD | 1 | 2 | 0 | 0 | 0 |$' "$tmp/l.md"; check $? "Markdown by-level table"
grep -q 'Of its 4 deviations, 2 are documented in an expectations file and 2 are SHOULD or MAY failures no expectations file documents' "$tmp/l.md"
check $? "headline tells documented deviations from SHOULD/MAY failures nobody documented"
grep -q '^- 1 script, documented in the expectations file: SHOULD: RFC 0000 1.1' "$tmp/l.md" &&
	grep -q '^- 1 script, a SHOULD or MAY failure, not documented: ' "$tmp/l.md"
check $? "deviations by cause say which are documented"
grep -q '^tcpspec report: reference: 1 pass, 1 fail, 4 deviation (2 documented in an expectations file; MUST 1, SHOULD 2, MAY 1, no level 0), 0 skipped (0 of them not verified: the stack lacks what they need), 0 not applicable$' "$tmp/l.err"
check $? "summary line on stderr counts deviations per level"
rm "$l/must-fail.pkt"
$T report -q "$l" >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ]; check $? "SHOULD and MAY failures alone do not fail the report (got $rc)"

echo "1..$n"
