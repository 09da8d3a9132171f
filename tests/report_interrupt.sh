#!/bin/sh
# SIGINT / SIGTERM during tcpspec report: like run, the report files (--json,
# --markdown) are emptied when it starts, and written on the signal with what finished
# (the stopped and unstarted scripts marked), the summary is printed and the exit status
# is 130 / 143.  The long script is a code block that sleeps (python3, reference
# target: no root needed).  Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP needs python3 (a code block that sleeps)"
	exit 0
fi
mkdir "$tmp/d"
cp corpora/linux/passive-open.pkt "$tmp/d/a-first.pkt"
cat > "$tmp/d/b-sleeps.pkt" <<PKT
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 close(3) = 0
+0 %{
import time
open('$tmp/started', 'w').write('x')
time.sleep(600)
}%
PKT
cp corpora/linux/passive-open.pkt "$tmp/d/c-never.pkt"

for sig in INT TERM; do
	want=$([ $sig = INT ] && echo 130 || echo 143)
	rm -f "$tmp/started"
	# an earlier report, all green: it must not survive
	echo '{"stale": "green"}' > "$tmp/rp.json"
	echo 'stale green report' > "$tmp/rp.md"
	"$T" report --target reference -j1 --timeout 0 --json "$tmp/rp.json" \
		--markdown "$tmp/rp.md" "$tmp/d" > "$tmp/out" 2>&1 &
	pid=$!
	# wait (at most a minute, a bound against a hang, not a measurement) for the
	# code block to start: the first script is then done and the second running
	i=0
	while [ ! -e "$tmp/started" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	# the files of the earlier report are gone while it runs
	! grep -q stale "$tmp/rp.json" "$tmp/rp.md"
	check $? "SIG$sig: the earlier report's files are emptied when the report starts"
	kill -$sig $pid
	wait $pid; rc=$?
	sed 's/^/# /' "$tmp/out"
	[ $rc -eq $want ]
	check $? "SIG$sig: exit $want (got $rc)"
	grep -q '^tcpspec report: reference: 1 pass, 0 fail' "$tmp/out" &&
		grep -q 'tcpspec report: interrupted' "$tmp/out"
	check $? "SIG$sig: the summary is printed"
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["interrupted"] is True, r.get("interrupted")
res = {s["path"].rsplit("/", 1)[1]: s for s in r["scripts"]}
assert len(res) == 3, res.keys()
txt = json.dumps(res)
assert "interrupted by SIG" + sys.argv[2] in json.dumps(res["b-sleeps.pkt"]), res["b-sleeps.pkt"]
assert "not run" in json.dumps(res["c-never.pkt"]), res["c-never.pkt"]
' "$tmp/rp.json" $sig
	check $? "SIG$sig: the JSON report is written, the stopped and unstarted scripts marked"
	grep -q "Interrupted by SIG$sig" "$tmp/rp.md" && grep -q 'c-never.pkt' "$tmp/rp.md"
	check $? "SIG$sig: the Markdown report is written and says it was interrupted"
done
echo "1..$n"
