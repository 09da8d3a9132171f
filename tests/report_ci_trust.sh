#!/bin/sh
# Verdicts a CI can trust, as an outside user meets them from the manuals: the level
# line is read only where the run reads the script, nested expectations files (the
# nearest wins), stale entries warned with their file:line, hidden names skipped in
# directories, scripts that check nothing never passing, and report --ip-version.
# Reference target only (virtual time).  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
[ -x "$T" ] || skip_all "$T is not built"

# check STATUS WHAT: a TAP line; on failure $tmp/out is shown
check() {
	if [ "$1" -eq 0 ]; then ok "$2"; else sed 's/^/# /' "$tmp/out"; notok "$2"; fi
}
# status JSON SCRIPT-SUFFIX: the reference verdict and level of one script
status() {
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["scripts"]:
    if s["path"].endswith(sys.argv[2]):
        x = s["results"]["reference"]
        print(x["status"], s["level"])
' "$1" "$2"
}

prelude='0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+.1   < S 0:0(0) win 65535 <mss 1000>'
good='+0    > S. 0:0(0) ack 1 <...>'
bad='+0    > S. 0:0(0) ack 2 <...>'
mkdir -p "$tmp/lv"
{ echo "$prelude"; echo "$good"; } > "$tmp/probe.pkt"
"$T" run "$tmp/probe.pkt" >/dev/null 2>&1 || skip_all "the reference target does not run here"

# ---- the level line: only a live one counts -------------------------------------------
{ echo "#ifdef NOT_DEFINED"; echo "// level: MAY"; echo "#endif"; echo "// level: MUST"
  echo "$prelude"; echo "$bad"; } > "$tmp/lv/ifdef.pkt"
{ echo "#ifndef NOT_DEFINED"; echo "#else"; echo "// level: SHOULD"; echo "#endif"
  echo "$prelude"; echo "$bad"; } > "$tmp/lv/else.pkt"
{ echo "/* an old header:"; echo "// level: MAY"; echo "*/"; echo "// level: MUST"
  echo "$prelude"; echo "$bad"; } > "$tmp/lv/block.pkt"
{ echo "/*"; echo "// level: MAY"; echo "*/"; echo "$prelude"; echo "$bad"; } > "$tmp/lv/blockonly.pkt"
"$T" report -q --json "$tmp/lv.json" "$tmp/lv" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ]; check $? "a MUST failure whose excluded or commented level line says MAY fails the report (exit $rc)"
for s in ifdef.pkt:"fail MUST" else.pkt:"fail none" block.pkt:"fail MUST" blockonly.pkt:"fail none"; do
	got=$(status "$tmp/lv.json" "/${s%%:*}")
	[ "$got" = "${s#*:}" ]; check $? "${s%%:*}: graded '${s#*:}' (got '$got')"
done
# the same script with the name defined: two live level lines, an error at the second
"$T" report -q -D NOT_DEFINED=1 --json "$tmp/lv2.json" "$tmp/lv/ifdef.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q 'ifdef.pkt:4:1: error: a second level line' "$tmp/lv2.json"
check $? "-D bringing a second level line into play is a parse error at its file:line (exit $rc)"
# the #else branch taken: its SHOULD line is live, the failure a SHOULD deviation
"$T" report -q -D NOT_DEFINED=1 --json "$tmp/lv3.json" "$tmp/lv/else.pkt" > "$tmp/out" 2>&1; rc=$?
got=$(status "$tmp/lv3.json" /else.pkt)
[ $rc -eq 0 ] && [ "$got" = "deviation SHOULD" ]; check $? "a level line in the live #else branch grades (exit $rc, '$got')"
# tcpspec parse reads every branch: a level line in a block is no second one
"$T" parse "$tmp/lv/ifdef.pkt" > "$tmp/out" 2>&1; check $? "tcpspec parse accepts a level line inside an #ifdef block beside a live one"
{ echo "// level: MUST"; echo "// level: MAY"; echo "$prelude"; echo "$good"; } > "$tmp/two.pkt"
"$T" parse "$tmp/two.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q 'two.pkt:2:1: error: a second level line' "$tmp/out"
check $? "two live level lines stay a parse error (exit $rc)"

# the other header lines likewise: a requirement tag in a comment block is no tag
{ echo "// requirements: TEST:LIVE"; echo "/*"; echo "// requirements: TEST:DEAD"; echo "*/"
  echo "#ifdef NOT_DEFINED"; echo "// requirements: TEST:OFF"; echo "#endif"
  echo "$prelude"; echo "$good"; } > "$tmp/tags.pkt"
"$T" report -q --json "$tmp/tags.json" "$tmp/tags.pkt" > "$tmp/out" 2>&1; rc=$?
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(r["scripts"][0]["requirements"] != ["TEST:LIVE"])' "$tmp/tags.json"
check $? "requirement tags in a /* */ comment or an excluded #ifdef branch are not read (exit $rc)"

# ---- a script that checks nothing is never a pass -------------------------------------
mkdir -p "$tmp/none"
printf '`true`\n+0 `true`\n' > "$tmp/none/shell.pkt"
printf '%%{ x = 1 }%%\n' > "$tmp/none/code.pkt"
printf -- '--tolerance_usecs=10000\n`true`\n' > "$tmp/none/opt.pkt"
for f in shell code opt; do
	"$T" run "$tmp/none/$f.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 4 ] && grep -q "SKIP" "$tmp/out" && grep -q "$f.pkt:[0-9]*: checks nothing" "$tmp/out"
	check $? "run: $f.pkt (no packet, no system call) is skipped as checking nothing, exit 4 (got $rc)"
done
"$T" run --allow_empty "$tmp/none/shell.pkt" > "$tmp/out" 2>&1
check $? "run --allow_empty runs a shell-only script"
"$T" report -q --json "$tmp/none.json" "$tmp/none" > "$tmp/out" 2>&1; rc=$?
got=$(status "$tmp/none.json" /shell.pkt)
[ $rc -eq 4 ] && [ "$got" = "skipped none" ]; check $? "report: a suite of such scripts checked nothing, exit 4 (got $rc, '$got')"
{ echo "$prelude"; echo "$good"; } > "$tmp/none/real.pkt"
"$T" run "$tmp/none" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 4 ] && grep -q "1 passed, 0 failed, 3 skipped" "$tmp/out"
check $? "run: beside a real script, the three are counted skipped (exit $rc)"

# ---- hidden names: not searched in a directory, run when given by name ----------------
mkdir -p "$tmp/hid/.old" "$tmp/hid/sub"
{ echo "$prelude"; echo "$good"; } > "$tmp/hid/sub/a.pkt"
{ echo "$prelude"; echo "$bad"; } > "$tmp/hid/.b.pkt"
{ echo "$prelude"; echo "$bad"; } > "$tmp/hid/.old/c.pkt"
for cmd in run report; do
	"$T" $cmd -q "$tmp/hid" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 0 ] && ! grep -q 'b.pkt\|c.pkt' "$tmp/out"
	check $? "$cmd: a hidden file and a hidden directory inside a directory are not searched (exit $rc)"
	"$T" $cmd -q "$tmp/hid/.b.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 1 ]; check $? "$cmd: a hidden script given by name runs (and fails here: exit $rc)"
	"$T" $cmd -q "$tmp/hid/.old" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 1 ]; check $? "$cmd: a hidden directory given by name is searched (exit $rc)"
done
mkdir -p "$tmp/onlyhid"
cp "$tmp/hid/.b.pkt" "$tmp/onlyhid/.b.pkt"
"$T" run "$tmp/onlyhid" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "no .pkt script found in it (names starting with '.' are not searched" "$tmp/out"
check $? "a directory with hidden scripts only: exit 2, and the message says why (got $rc)"

# ---- nested expectations files: the nearest wins; stale and gone entries warned -------
mkdir -p "$tmp/nest/sub"
for f in x y; do { echo "$prelude"; echo "$bad"; } > "$tmp/nest/sub/$f.pkt"; done
{ echo "$prelude"; echo "$good"; } > "$tmp/nest/sub/ok.pkt"
printf 'sub/x.pkt  OUTER reason\n' > "$tmp/nest/reference.expect"
printf '# the subdirectory'"'"'s own list\nx.pkt  INNER reason\ny.pkt  only the inner list\nok.pkt  passes anyway\ngone.pkt  a removed script\n' \
	> "$tmp/nest/sub/reference.expect"
reasons() {
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(";".join("%s=%s:%s" % (s["path"].rsplit("/", 1)[1], s["results"]["reference"]["status"],
                             s["results"]["reference"]["reason"]) for s in sorted(r["scripts"], key=lambda s: s["path"])))
' "$1"
}
want="ok.pkt=pass:passes anyway;x.pkt=deviation:INNER reason;y.pkt=deviation:only the inner list"
for given in "$tmp/nest" "$tmp/nest/sub" "$tmp/nest/sub/x.pkt $tmp/nest/sub/y.pkt $tmp/nest/sub/ok.pkt"; do
	what=$(echo "$given" | sed "s|$tmp/||g")
	"$T" report -q --json "$tmp/nest.json" $given > "$tmp/out" 2>&1; rc=$?
	got=$(reasons "$tmp/nest.json")
	[ $rc -eq 0 ] && [ "$got" = "$want" ]
	check $? "report $what: the subdirectory's list is found and the nearer entry wins (exit $rc, $got)"
	grep -q "nest/reference.expect:1: .*sub/x.pkt is listed for reference at .*nest/sub/reference.expect:2 too, nearer" "$tmp/out"
	check $? "report $what: the overridden entry is warned about with its file:line"
	grep -q "warning: .*nest/sub/reference.expect:4: .*ok.pkt passes on reference, although listed" "$tmp/out"
	check $? "report $what: a stale entry is warned about with its file:line"
	"$T" report -q --markdown "$tmp/nest.md" $given > /dev/null 2>&1
	grep -q "ok.pkt\`: pass, although listed as a deviation at .*nest/sub/reference.expect:4 (a stale" "$tmp/nest.md"
	check $? "report $what: the Markdown details name the stale entry's file:line"
	grep -q "warning: .*nest/sub/reference.expect:5: the expectations of reference list .*gone.pkt, which does not exist" "$tmp/out"
	check $? "report $what: an entry whose script is gone is warned about with its file:line"
done
"$T" run -q "$tmp/nest" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "INNER reason" "$tmp/out" && ! grep -q "OUTER" "$tmp/out" &&
	grep -q "1 passed, 0 failed, 0 skipped, 2 documented deviations, 1 stale expectation" "$tmp/out"
check $? "run: the same precedence (exit $rc)"

# ---- report --ip-version, as run has it -------------------------------------------------
mkdir -p "$tmp/ipv"
{ echo "$prelude"; echo "$good"; } > "$tmp/ipv/any.pkt"
{ echo "--ip_version=ipv4"; echo "$prelude"; echo "$good"; } > "$tmp/ipv/v4only.pkt"
"$T" report -q --ip-version ipv4,ipv6 --json "$tmp/ipv.json" "$tmp/ipv" > "$tmp/out" 2>&1; rc=$?
python3 - "$tmp/ipv.json" > "$tmp/py" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = [(x["name"], x["ip_version"], x["pass"], x["skipped"]) for x in r["targets"]]
assert t == [("reference/ipv4", "ipv4", 2, 0), ("reference/ipv6", "ipv6", 1, 1)], t
s = {x["path"].rsplit("/", 1)[1]: x["results"] for x in r["scripts"]}
assert s["v4only.pkt"]["reference/ipv6"]["status"] == "skipped", s
assert "ipv4 only" in s["v4only.pkt"]["reference/ipv6"]["reason"], s
print("good")
PY
[ $rc -eq 0 ] && grep -q good "$tmp/py"; check $? "report --ip-version ipv4,ipv6: a column per version, a pinned script skipped on the other (exit $rc: $(tail -1 "$tmp/py"))"
"$T" report -q --ip-version ipv6 --json "$tmp/ipv1.json" "$tmp/ipv/any.pkt" > "$tmp/out" 2>&1; rc=$?
python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["targets"][0]; sys.exit(not (t["name"]=="reference" and t["ip_version"]=="ipv6" and t["pass"]==1))' "$tmp/ipv1.json"
check $? "report --ip-version ipv6 (space-separated, one version): the target's column runs IPv6 (exit $rc)"
"$T" report --ip-version ipv6 "$tmp/ipv/any.pkt" 2>&1 | grep -q "^ok .*any.pkt \[ipv6\]"
check $? "report --ip-version ipv6: the run is on IPv6"
"$T" report --ip-version ipv5 "$tmp/ipv" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown IP version 'ipv5'" "$tmp/out"; check $? "report --ip-version ipv5 is a usage error (exit $rc)"

# ---- no expectations file: no deviation is called documented ---------------------------
mkdir -p "$tmp/lg"
{ echo "// level: SHOULD"; echo "$prelude"; echo "$bad"; } > "$tmp/lg/s.pkt"
{ echo "// level: MAY"; echo "$prelude"; echo "$bad"; } > "$tmp/lg/m.pkt"
"$T" report -q --markdown "$tmp/lg.md" --json "$tmp/lg.json" "$tmp/lg" > "$tmp/out" 2>&1; rc=$?
cp "$tmp/lg.md" "$tmp/out"
[ $rc -eq 0 ] && grep -q '| reference .* | none |$' "$tmp/lg.md" &&
	grep -q 'All its 2 deviations are SHOULD or MAY failures: no expectations file is in use for it, so none is documented' "$tmp/lg.md" &&
	! grep -q 'documented in the expectations file\|[1-9][0-9]* are documented' "$tmp/lg.md" &&
	grep -q '"deviation_documented": 0' "$tmp/lg.json"
check $? "expectations none: the headline says no deviation is documented, and none is shown as such (exit $rc)"

# ---- report takes --profile and --relax as run does ------------------------------------
"$T" report -q --profile freebsd --json "$tmp/pf.json" "$tmp/ipv/any.pkt" > "$tmp/out" 2>&1
check $? "report --profile freebsd (a separate value) runs"
"$T" report -q --relax psh,win "$tmp/ipv/any.pkt" > "$tmp/out" 2>&1
check $? "report --relax psh,win (a separate value) runs"
"$T" report -q --profile nosuch "$tmp/ipv/any.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown profile 'nosuch'" "$tmp/out"; check $? "report --profile nosuch: a usage error (exit $rc)"

echo "1..$n"
