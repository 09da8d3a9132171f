#!/bin/sh
# Every oracle of fuzz_stack fires on a stack that breaks its rule: build/tests/plugins/libfuzzbroken.so
# is the reference stack broken one rule at a time (TCPSPEC_BROKEN, tests/plugins/fuzzbroken.c);
# build/tests/libplanted.so has a bug planted in refstack/ itself (data after the FIN).
# For each rule a hand-made input is played by fuzz_stack's driver (through
# `tcpspec repro fuzz_stack`, which names the finding in its script) against the broken
# stack, and must break that oracle; the same input against the unbroken stack breaks
# none.  The script written for one finding passes on reference and fails on the broken
# stack.  Prints TAP.
. "$(dirname "$0")/fuzz_broken_lib.sh"
syn()    { b 0 2 0 0 0 0 255 255 0 1; }              # SYN, MSS option
ack()    { b 0 16 0 0 0 0 255 255 0 0; }             # ACK at RCV.NXT, SND.MAX
acc()    { b 2 0 0; }                                # accept
open3()  { syn; ack; acc; }                          # passive open, accepted
input() { # MODE: the input that makes the broken stack break MODE's rule
	case $1 in
	checksum)    open3; b 0 16 252 24 0 0 255 255 10 32 ;;   # old data, bad checksum
	window)      b 0 2 0 0 0 0 0 100 0 1; b 0 16 0 0 0 0 0 100 0 0; acc; b 2 1 62 ;;
	read)        open3; b 0 24 0 0 0 0 255 255 20 0; b 2 2 3 ;;
	written)     open3; b 2 1 0 ;;
	rst-rst)     open3; b 0 4 0 10 0 0 255 255 0 0 ;;      # RST in window, not RCV.NXT
	ack-unsent)  syn ;;
	seq-range)   open3; b 2 1 0 ;;
	rfc5961-ack) open3; b 0 17 0 0 3 232 255 255 0 0 ;;    # FIN, ACK of 1000 unsent
	hang)        open3; b 2 2 3 ;;
	fin)         open3; b 0 17 0 0 0 0 255 255 0 0; b 0 24 0 0 0 0 255 255 10 0 ;;
	diverge)     ack ;;                                    # ACK to the listener
	esac
}

for mode in checksum window read written rst-rst ack-unsent seq-range rfc5961-ack hang diverge \
	    fin; do
	input "$mode" >"$tmp/$mode.in"
	so=$SO
	[ "$mode" = fin ] && so=build/tests/libplanted.so       # a bug in refstack itself
	TCPSPEC_BROKEN=$mode $T repro fuzz_stack "$tmp/$mode.in" --target "plugin:$so" \
		-o "$tmp/$mode.pkt" 2>"$tmp/err"
	got=$(sed -n 's|^// Finding: \[\([a-z0-9-]*\)\].*|\1|p' "$tmp/$mode.pkt")
	$T repro fuzz_stack "$tmp/$mode.in" --target "plugin:$SO" -o "$tmp/$mode-ok.pkt" 2>>"$tmp/err"
	clean=$(sed -n 's|^// Finding: \[\([a-z0-9-]*\)\].*|\1|p' "$tmp/$mode-ok.pkt")
	if [ "$got" = "$mode" ] && [ -z "$clean" ]; then
		tap ok "oracle $mode fires on a stack that breaks its rule, not on the reference stack"
	else
		tap "not ok" "oracle $mode: broken stack gave [${got:-none}], unbroken [${clean:-none}]"
		sed 's/^/# /' "$tmp/err" "$tmp/$mode.pkt" | head -30
	fi
done

# the script of a finding states the rule: passes on reference, fails on the broken stack
# (at the finding's record: the first outbound line after the finding's comment)
mode=diverge
line=$(awk '/^\/\/ The lines below/ { on = 1 } on && / > / { print NR; exit }' "$tmp/$mode.pkt")
if $T run -q --target reference "$tmp/$mode.pkt" >"$tmp/ref.log" 2>&1 &&
   ! TCPSPEC_BROKEN=$mode $T run --target "plugin:$SO" "$tmp/$mode.pkt" >"$tmp/br.log" 2>&1 &&
   grep -q "$mode.pkt:$line: error handling packet" "$tmp/br.log"; then
	tap ok "the $mode finding's script passes on reference and fails on the broken stack"
else
	tap "not ok" "the $mode finding's script: reference and broken runs"
	sed 's/^/# /' "$tmp/ref.log" "$tmp/br.log" "$tmp/$mode.pkt" | head -40
fi
echo "1..$n"
