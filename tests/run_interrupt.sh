#!/bin/sh
# SIGINT / SIGTERM during tcpspec run (Ctrl-C, a CI job's time limit), and SIGHUP (a
# closed terminal), SIGUSR1, SIGALRM: the running script is stopped and marked
# interrupted, the summary is printed, every requested output file (--tap, --junit,
# --json) is written with what finished, and the exit status is 128 + the signal.  The script that runs long is a code block that sleeps (run by
# python3 on the reference target: no root needed).  Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP needs python3 (a code block that sleeps)"
	exit 0
fi
cp corpora/linux/passive-open.pkt "$tmp/a-first.pkt"
cat > "$tmp/b-sleeps.pkt" <<PKT
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 close(3) = 0
+0 %{
import time
open('$tmp/started', 'w').write('x')
time.sleep(600)
}%
PKT
cp corpora/linux/passive-open.pkt "$tmp/c-never.pkt"

for sig in INT TERM HUP USR1 ALRM; do
	case $sig in INT) want=130;; TERM) want=143;; HUP) want=129;; USR1) want=138;;
		ALRM) want=142;; esac
	rm -f "$tmp/started" "$tmp/r.tap" "$tmp/r.xml" "$tmp/r.json"
	"$T" run -j1 --timeout 0 --tap "$tmp/r.tap" --junit "$tmp/r.xml" --json "$tmp/r.json" \
		"$tmp/a-first.pkt" "$tmp/b-sleeps.pkt" "$tmp/c-never.pkt" > "$tmp/out" 2>&1 &
	pid=$!
	# wait (at most a minute, a bound against a hang, not a measurement) for the code
	# block to start: the first script is then done and the second running
	i=0
	while [ ! -e "$tmp/started" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	kill -$sig $pid
	wait $pid; rc=$?
	sed 's/^/# /' "$tmp/out"
	[ $rc -eq $want ]
	check $? "SIG$sig: exit $want (got $rc)"
	grep -q '^1 passed, 0 failed, 0 skipped, 1 interrupted, 1 not run$' "$tmp/out"
	check $? "SIG$sig: the summary is printed, counting the interrupted and unstarted scripts"
	grep -q "^INTERRUPTED .*b-sleeps.pkt" "$tmp/out" &&
		grep -q "b-sleeps.pkt:3: error: interrupted by SIG$sig" "$tmp/out"
	check $? "SIG$sig: the running script is marked interrupted with its line"
	grep -q '^ok 1 - .*a-first.pkt' "$tmp/r.tap" && grep -q '^not ok 2 - .*b-sleeps.pkt' "$tmp/r.tap" &&
		grep -q '^not ok 3 - .*c-never.pkt' "$tmp/r.tap" && grep -q '^1\.\.3$' "$tmp/r.tap"
	check $? "SIG$sig: the TAP file is written with every script"
	grep -q '<error type="interrupted"' "$tmp/r.xml" && grep -q '<error type="not run"' "$tmp/r.xml" &&
		grep -q 'errors="2"' "$tmp/r.xml"
	check $? "SIG$sig: the JUnit file is written, interrupted and unstarted scripts as errors"
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
st = [x["status"] for x in r["results"]]
assert st == ["pass", "interrupted", "not run"], st
assert r["summary"]["interrupted"] == 1 and r["summary"]["not_run"] == 1
' "$tmp/r.json"
	check $? "SIG$sig: the JSON file is written with each script's status"
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$tmp/r.xml"
		check $? "SIG$sig: the JUnit file is well-formed"
	else
		skip "SIG$sig: the JUnit file is well-formed" "xmllint is not installed"
	fi
done
# SIGKILL cannot be caught: the result files of an earlier run must not survive it
echo 'TAP version 13
1..1
ok 1 - an earlier run' > "$tmp/r.tap"
rm -f "$tmp/started"
"$T" run -j1 --timeout 0 --tap "$tmp/r.tap" "$tmp/b-sleeps.pkt" > "$tmp/out" 2>&1 &
pid=$!
i=0
while [ ! -e "$tmp/started" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL $pid
wait $pid
! grep -q 'an earlier run' "$tmp/r.tap"
check $? "SIGKILL: no earlier run's results are left in the output file"
# nor the index of an earlier --html site (a user's own file there stays)
mkdir -p "$tmp/site"
echo 'an earlier run index' > "$tmp/site/index.html"
echo 'mine' > "$tmp/site/notes.txt"
rm -f "$tmp/started"
"$T" run -j1 --timeout 0 --html "$tmp/site" "$tmp/b-sleeps.pkt" > "$tmp/out" 2>&1 &
pid=$!
i=0
while [ ! -e "$tmp/started" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL $pid
wait $pid
! grep -qs 'an earlier run' "$tmp/site/index.html" && grep -q mine "$tmp/site/notes.txt"
check $? "SIGKILL: no earlier run's --html index is left beside this run's pages"
echo "1..$n"
