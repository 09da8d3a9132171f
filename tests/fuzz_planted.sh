#!/bin/sh
# A bug planted in the reference stack goes through the fuzz campaign to a script that
# states the rule: build/tests/libplanted.so is the reference stack built with
# REF_PLANTED_BUG_DATA_AFTER_FIN (data accepted in CLOSE-WAIT, after the peer's FIN).
# scripts/fuzz-campaign fuzzes it with fuzz_stack for FUZZ_PLANTED_SECS seconds (default
# 50, seed 1); the fin oracle must catch it, and the finding's repro.pkt must fail on
# the planted build ("before the fix") and pass on the same stack built without the bug
# (the example plugin, "after the fix") and on reference.  Prints TAP.
. "$(dirname "$0")/fuzz_campaign_lib.sh"
SECS=${FUZZ_PLANTED_SECS:-50}
# fuzz_refstack fuzzes the reference stack alone: built with the bug, it found
# tests/data/planted-data-after-fin.input (oracle: data or sequence space accepted after
# the peer's FIN, record 9).  Its script must state the rule, not what the buggy stack
# did: fail on the planted build, pass on the stack without the bug.
$MAKE -s --no-print-directory all >/dev/null 2>&1
rtmp=$(mktemp -d) || exit 1
./tcpspec repro fuzz_refstack tests/data/planted-data-after-fin.input \
	--finding "data or sequence space accepted after the peer's FIN (record 9)" \
	-o "$rtmp/r.pkt" 2>"$rtmp/err"
grep -q "^// record 9 broke fuzz_refstack's oracle \[fuzz_refstack\]: data or sequence space" \
	"$rtmp/r.pkt" && grep -q "^// The rule, stated after the record: " "$rtmp/r.pkt" &&
	tap ok "fuzz_refstack's repro names the oracle and the record, and states the rule" ||
	{ tap "not ok" "fuzz_refstack's repro names the oracle, the record and the rule"; sed 's/^/# /' "$rtmp/r.pkt" "$rtmp/err" | head -30; }
if ./tcpspec run -q --target plugin:build/tests/libplanted.so "$rtmp/r.pkt" >"$rtmp/b" 2>&1; then
	tap "not ok" "fuzz_refstack's repro fails on the planted build (before the fix)"
elif grep -q "r.pkt:[0-9]*: error handling packet: ack: expected" "$rtmp/b"; then
	tap ok "fuzz_refstack's repro fails on the planted build (before the fix)"
else
	tap "not ok" "fuzz_refstack's repro fails on the planted build for the rule"; sed 's/^/# /' "$rtmp/b"
fi
./tcpspec run -q "$rtmp/r.pkt" >"$rtmp/a" 2>&1 &&
	./tcpspec run -q --target plugin:build/examples/plugin/libexample.so "$rtmp/r.pkt" >>"$rtmp/a" 2>&1 &&
	tap ok "fuzz_refstack's repro passes without the bug (after the fix)" ||
	{ tap "not ok" "fuzz_refstack's repro passes without the bug"; sed 's/^/# /' "$rtmp/a"; }
rm -rf "$rtmp"
campaign_setup "planted bug through the campaign"
PL=build/tests/libplanted.so
campaign "$PL" "$SECS" 0.5
dir=$(grep -l '^fuzz_stack: \[fin\]' "$tmp"/out/crashes/*/signature 2>/dev/null | head -1)
dir=${dir%/signature}
if [ -n "$dir" ] && [ -f "$dir/repro.pkt" ]; then
	tap ok "the campaign finds the planted bug (oracle fin) and writes repro.pkt"
else
	tap "not ok" "the campaign finds the planted bug (oracle fin) and writes repro.pkt"
	sed 's/^/# /' "$tmp/campaign.log" | tail -20; echo "1..$n"; exit 1
fi
grep -q '^// Finding: \[fin\]' "$dir/repro.pkt" &&
	grep -q '^// record [0-9]* (segment) broke the oracle \[fin\]' "$dir/repro.pkt" &&
	tap ok "repro.pkt names the oracle and the record" ||
	tap "not ok" "repro.pkt names the oracle and the record"
if ./tcpspec run -q --target "plugin:$PL" "$dir/repro.pkt" >"$tmp/before.log" 2>&1; then
	tap "not ok" "repro.pkt fails on the planted build (before the fix)"
else
	tap ok "repro.pkt fails on the planted build (before the fix)"
fi
if ./tcpspec run -q --target plugin:build/examples/plugin/libexample.so "$dir/repro.pkt" \
	>"$tmp/after.log" 2>&1 && ./tcpspec run -q "$dir/repro.pkt" >>"$tmp/after.log" 2>&1; then
	tap ok "repro.pkt passes on the same stack without the bug and on reference (after the fix)"
else
	tap "not ok" "repro.pkt passes after the fix"; sed 's/^/# /' "$tmp/after.log" | head -20
fi
no_artifacts_in_tree
echo "1..$n"
