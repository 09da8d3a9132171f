#!/bin/sh
# scripts/fuzz-campaign as a user drives it, on build/tests/plugins/libseqblind.so (a
# plugin with findings, so triage and minimisation compete with the budget):
# - --minutes ends the whole campaign (triage, merge and figures included) by its
#   budget: the run must not exceed it by more than SLACK seconds (default 10: killing
#   the process groups and writing the summary; the old campaign ran over by its
#   30 s minimisations and the merge);
# - a progress line every --progress seconds while it runs;
# - the directories are named as its --help says (fuzz_stack@plugin-FILE);
# - SIGINT and SIGTERM: exit 130 / 143, no Python traceback, the summary printed and
#   written to summary.json, no process of the campaign left.
# Prints TAP.
. "$(dirname "$0")/fuzz_campaign_lib.sh"
SLACK=${FUZZ_CAMPAIGN_SLACK:-10}
campaign_setup "the campaign's budget and signals"
PL=build/tests/plugins/libseqblind.so
run_bg() { # OUT MINUTES: a campaign in the background, its pid in $pid
	scripts/fuzz-campaign --no-build --minutes "$2" --round-minutes 0.25 --seed 1 \
		--progress 3 --target "plugin:$PL" --out "$tmp/$1" fuzz_stack >"$tmp/$1.log" 2>&1 &
	pid=$!
}
left_over() { ps -eo args 2>/dev/null | grep -F "$tmp/$1" | grep -v grep | head -3; }

start=$(date +%s)
run_bg budget 0.5
wait $pid; rc=$?
took=$(($(date +%s) - start))
if [ "$rc" -eq 1 ] && [ "$took" -le $((30 + SLACK)) ]; then
	tap ok "--minutes 0.5 ends the campaign in ${took}s, findings triaged, exit 1"
else
	tap "not ok" "--minutes 0.5: exit $rc (want 1) after ${took}s (budget 30 s + $SLACK)"
	sed 's/^/# /' "$tmp/budget.log" | tail -15
fi
np=$(grep -c '\] [0-9]*m[0-9]*s/[0-9]*m[0-9]*s ' "$tmp/budget.log")
if [ "$np" -ge 4 ]; then
	tap ok "progress lines every 3 s ($np lines)"
else
	tap "not ok" "progress lines every 3 s: $np in ${took}s"
fi
if [ -d "$tmp/budget/corpus/fuzz_stack@plugin-libseqblind" ] &&
   ls -d "$tmp"/budget/crashes/fuzz_stack@plugin-libseqblind-* >/dev/null 2>&1 &&
   grep -q '"target": "fuzz_stack@plugin-libseqblind"' "$tmp/budget/summary.json" &&
   scripts/fuzz-campaign --help | grep -q 'fuzz_stack@plugin-FILE'; then
	tap ok "directories named fuzz_stack@plugin-FILE, as --help says"
else
	tap "not ok" "directories named fuzz_stack@plugin-FILE"; ls "$tmp/budget" "$tmp/budget/crashes" | sed 's/^/# /'
fi

for sig in INT TERM; do
	want=130; [ $sig = TERM ] && want=143
	run_bg sig$sig 2
	i=0     # until a progress line shows executions
	while [ $i -lt 60 ] && ! grep -q ' execs [1-9]' "$tmp/sig$sig.log" 2>/dev/null; do
		sleep 0.5; i=$((i + 1))
	done
	kill -$sig $pid
	wait $pid; rc=$?
	sleep 1
	rest=$(left_over sig$sig)
	if [ "$rc" -eq $want ] && ! grep -q Traceback "$tmp/sig$sig.log" &&
	   grep -q "^summary.*INTERRUPTED by SIG$sig" "$tmp/sig$sig.log" &&
	   grep -q "\"interrupted\": \"SIG$sig\"" "$tmp/sig$sig/summary.json" &&
	   grep -q '"execs": [1-9]' "$tmp/sig$sig/summary.json" && [ -z "$rest" ]; then
		tap ok "SIG$sig: exit $want, summary printed and in summary.json, no process left"
	else
		tap "not ok" "SIG$sig: exit $rc (want $want), summary, no traceback, nothing left"
		sed 's/^/# /' "$tmp/sig$sig.log" | tail -12
		echo "$rest" | sed 's/^/# left: /'
	fi
done
no_artifacts_in_tree
echo "1..$n"
