#!/bin/sh
# The campaign's crash guard (fuzz/crashguard.h, scripts/fuzz-campaign --help): a crash
# of the stack itself, once triaged, no longer ends the fuzzing process.  The stack is
# build/tests/plugins/libfuzzbroken.so with TCPSPEC_BROKEN=abort: the reference stack
# that aborts after an assertion message on an inbound segment with URG and FIN (a
# shallow crash: without the guard every fork-mode job soon ends on it).
# - the campaign finds the crash and writes its guard line (the record's context and the
#   assertion line) to guard-TARGET.txt and crashes/ID/guard;
# - with that file the crash's input ends without a crash, counted by fuzz_stack's
#   TCPSPEC_FUZZ_STATS line, where without it the input crashes;
# - a guard line with another crash's text at the same context does not hide this crash
#   (a new crash where a known one was is still found);
# - the campaign adds a pattern of the flag bits the crash's segments share, which ends
#   most inputs without a child once 95% of 50 tries crashed.
# Prints TAP.
. "$(dirname "$0")/fuzz_campaign_lib.sh"
campaign_setup "the campaign's crash guard"
export TCPSPEC_BROKEN=abort
PL=build/tests/plugins/libfuzzbroken.so
campaign "$PL" 40 0.25
label=fuzz_stack@plugin-libfuzzbroken
dir=$(grep -l '^assertion: planted: URG and FIN' "$tmp"/out/crashes/*/signature 2>/dev/null |
	head -1 | xargs -r dirname)
guard=$tmp/out/guard-$label.txt
if [ -n "$dir" ] && [ -s "$dir/guard" ] && grep -q "^seg flags=0x[0-9a-f]* twin=[0-9]*	Assertion \"planted: URG and FIN\" failed at line [0-9]* in " "$guard"; then
	tap ok "the planted crash is found and listed for the guard ($(wc -l <"$guard") context(s))"
else
	tap "not ok" "the planted crash is found and listed for the guard"
	sed 's/^/# /' "$tmp/campaign.log" | tail -15; cat "$guard" 2>/dev/null | sed 's/^/# guard: /'
	echo "1..$n"; exit 1
fi

in=$dir/input
bin=build-fuzz/fuzz/fuzz_stack
export TCPSPEC_FUZZ_TARGET="plugin:$PL" TCPSPEC_FUZZ_STATS=1
# the crash's own context (the last one printed before it)
ctx=$(TCPSPEC_FUZZ_CONTEXT=1 $bin -runs=1 "$in" 2>&1 | sed -n 's/^fuzz_stack: context: \(.*\) (record [0-9]*)$/\1/p' | tail -1)
grep "^$ctx	" "$guard" >"$tmp/own"
if [ -s "$tmp/own" ] && TCPSPEC_FUZZ_CRASH_FILE="$tmp/own" $bin -runs=1 "$in" >"$tmp/g.out" 2>&1 &&
   grep -q "^fuzz_stack: crash guard: [1-9][0-9]* record(s) tried in a child, [1-9][0-9]* input(s) ended before a known crash (0 untried)" "$tmp/g.out"; then
	tap ok "with the guard line the input ends before the crash ($ctx)"
else
	tap "not ok" "with the guard line the input ends before the crash ($ctx)"; tail -5 "$tmp/g.out" | sed 's/^/# /'
fi
if ! $bin -runs=1 "$in" >"$tmp/n.out" 2>&1 && grep -q 'Assertion "planted: URG and FIN" failed' "$tmp/n.out"; then
	tap ok "without it the input crashes"
else
	tap "not ok" "without it the input crashes"; tail -5 "$tmp/n.out" | sed 's/^/# /'
fi
printf '%s\tAssertion "another one" failed\n' "$ctx" >"$tmp/other"
if ! TCPSPEC_FUZZ_CRASH_FILE="$tmp/other" $bin -runs=1 "$in" >"$tmp/o.out" 2>&1 &&
   grep -q 'Assertion "planted: URG and FIN" failed' "$tmp/o.out" &&
   grep -q "ERROR: libFuzzer: deadly signal" "$tmp/o.out"; then
	tap ok "another crash's line at the same context does not hide it"
else
	tap "not ok" "another crash's line at the same context does not hide it"; tail -5 "$tmp/o.out" | sed 's/^/# /'
fi
# the pattern of the flag bits the crash's segments share (URG and FIN among them), and
# once it is sure (95% of 50 tries) most records end the input without a child
pat=$(grep '^seg mask=0x[0-9a-f]* value=0x[0-9a-f]*	Assertion "planted' "$guard" | head -1)
mask=$(echo "$pat" | sed -n 's/^seg mask=0x\([0-9a-f]*\) .*/\1/p')
echo "$pat" >"$tmp/pat"
if [ -n "$mask" ] && [ $((0x$mask & 0x21)) -eq $((0x21)) ] &&
   TCPSPEC_FUZZ_CRASH_FILE="$tmp/pat" $bin -runs=100 "$in" >"$tmp/p.out" 2>&1 &&
   grep -q "^fuzz_stack: crash guard: [1-9][0-9]* record(s) tried in a child, 1[0-9][0-9] input(s) ended before a known crash ([1-9][0-9]* untried)" "$tmp/p.out"; then
	tap ok "a pattern of the shared flags (mask 0x$mask), sure after 50 tries: $(grep -o '[0-9]* record(s) tried in a child' "$tmp/p.out")"
else
	tap "not ok" "a pattern of the shared flags, sure after 50 tries ('$pat')"; tail -3 "$tmp/p.out" | sed 's/^/# /'
fi
no_artifacts_in_tree
echo "1..$n"
