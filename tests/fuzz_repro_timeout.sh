#!/bin/sh
# tcpspec repro keeps time itself: a stack under test that blocks for good with every
# signal blocked (build/tests/plugins/libfuzzbroken.so, TCPSPEC_BROKEN=block-masked,
# as a real-time stack whose own threads take the signals) is a hang finding after
# --timeout seconds, not a repro that never returns; bad --timeout values are usage
# errors.  The command runs under timeout(1), so a repro that hangs fails the test
# instead of hanging it.  Prints TAP.
. "$(dirname "$0")/fuzz_broken_lib.sh"
# passive open (SYN with MSS, ACK, accept), then recv: the broken stack blocks in recv
{ b 0 2 0 0 0 0 255 255 0 1; b 0 16 0 0 0 0 255 255 0 0; b 2 0 0; b 2 2 3; } >"$tmp/in"

TCPSPEC_BROKEN=block-masked timeout -s KILL 60 $T repro fuzz_stack "$tmp/in" \
	--target "plugin:$SO" --timeout 2 -o "$tmp/h.pkt" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && grep -q '^// Finding: \[hang\] .*within 2 s (a hang)' "$tmp/h.pkt"; then
	tap ok "a stack blocked with its signals masked is a hang finding after --timeout 2"
else
	tap "not ok" "a stack blocked with its signals masked: exit $rc (124/137: repro hung)"
	sed 's/^/# /' "$tmp/err" "$tmp/h.pkt" 2>/dev/null | head -10
fi
# the hung child is gone with it: nothing of this test's left running
sleep 1
if ps -eo args 2>/dev/null | grep -F "$tmp/in" | grep -qv grep; then
	tap "not ok" "the first pass's child was ended"
else
	tap ok "the first pass's child was ended"
fi
for v in 0 x 99999999; do
	$T repro fuzz_stack "$tmp/in" --timeout "$v" >/dev/null 2>&1; rc=$?
	[ "$rc" -eq 2 ] && tap ok "--timeout $v is a usage error" ||
		tap "not ok" "--timeout $v is a usage error (exit $rc)"
done
if $T repro --help 2>&1 | grep -q -- '--timeout SECS'; then
	tap ok "--help names --timeout"
else
	tap "not ok" "--help names --timeout"
fi
echo "1..$n"
