#!/bin/sh
# `make bench`, fuzz part: executions per second of every fuzz target, built plain
# (coverage instrumentation only) and with ASan + UBSan, each run for BENCH_SECS seconds
# (default 5) on one core from its seed corpus with a fixed -seed.  The machine's load
# average is printed with the figures: other work on the cores lowers them.  The baseline, measured
# in the same run with the same instrumentation, is bench_null: libFuzzer alone, a target
# that does nothing.  Each figure is given per second of wall clock (libFuzzer's own) and
# per second of CPU time the run used; the ratios (to bench_null, and ASan+UBSan to
# plain) use the CPU-time figures.  fuzz_stack is measured on three stacks: reference,
# lwip and the example plugin (the reference stack as a plugin), with every finding set
# aside (TCPSPEC_FUZZ_IGNORE) so that a run is not cut short.  There is no pass/fail
# threshold.
set -u
MAKE=${MAKE:-make}
SECS=${BENCH_SECS:-5}
if ! command -v clang >/dev/null 2>&1; then echo "fuzz bench: skipped, clang is not installed"; exit 0; fi
$MAKE -s --no-print-directory fuzz fuzz-plain >/dev/null || { echo "fuzz bench: build failed"; exit 1; }
targets=$($MAKE -s --no-print-directory fuzz-list)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

execs() { # binary target -> "E C": libFuzzer's executions per second (wall clock) and
	# executions per second of CPU time used (steadier when others share the cores).
	# Seeds go in with -seed_inputs and no corpus directory is given, so that new units
	# stay in memory: the figure is fuzzing, not writing files.
	ls -d "corpora/fuzz/$2"/* 2>/dev/null | tr '\n' ',' | sed 's/,$//' >"$tmp/seeds"
	if [ -s "$tmp/seeds" ]; then set -- "$1" "-seed_inputs=@$tmp/seeds"; else set -- "$1"; fi
	ASAN_OPTIONS=detect_leaks=0 /usr/bin/time -f "%U %S %e" -o "$tmp/cpu" "$@" -seed=1 \
		-max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$tmp/" >"$tmp/log" 2>&1
	r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/log")
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log")
	# a run a crash ended (an lwIP assertion) prints no final figures: its last status line
	[ -n "$n" ] || n=$(grep -o '^#[0-9]*' "$tmp/log" | tail -1 | tr -d '#')
	[ -n "$r" ] && [ "$r" != 0 ] || r=$(tail -1 "$tmp/cpu" | awk -v n="${n:-0}" '{ printf "%d", ($3 > 0 ? n / $3 : 0) }')
	c=$(tail -1 "$tmp/cpu" | awk -v n="${n:-0}" '{ t = $1 + $2; printf "%d", (t > 0 ? n / t : 0) }')
	echo "${r:-0} ${c:-0}"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
printf '%-18s %10s %10s %7s %12s %12s %7s %8s\n' target plain/s plain/cpu-s /null \
	asan+ubsan/s asan/cpu-s /null asan/plain
set -- $(execs build-fuzz-plain/fuzz/bench_null bench_null); np=$1 npc=$2
set -- $(execs build-fuzz/fuzz/bench_null bench_null); na=$1 nac=$2
printf '%-18s %10s %10s %7s %12s %12s %7s %8s\n' "bench_null (base)" "$np" "$npc" 1.000 \
	"$na" "$nac" 1.000 "$(ratio "$nac" "$npc")"
row() { # label binary-name seed-dir
	set -- "$1" "$2" "$3"
	label=$1 bin=$2 seeds=$3
	set -- $(execs "build-fuzz-plain/fuzz/$bin" "$seeds"); p=$1 pc=$2
	set -- $(execs "build-fuzz/fuzz/$bin" "$seeds"); a=$1 ac=$2
	printf '%-18s %10s %10s %7s %12s %12s %7s %8s\n' "$label" "$p" "$pc" "$(ratio "$pc" "$npc")" \
		"$a" "$ac" "$(ratio "$ac" "$nac")" "$(ratio "$ac" "$pc")"
}
export TCPSPEC_FUZZ_IGNORE=window,read,written,checksum,rst-rst,ack-unsent,seq-range,rfc5961-ack,fin,hang,diverge
for t in $targets; do
	[ "$t" = fuzz_stack_lwip ] && continue          # fuzz_stack@lwip below
	if [ "$t" = fuzz_stack ]; then
		for s in reference lwip plugin:build/examples/plugin/libexample.so; do
			case $s in plugin:*) l=example-plugin ;; *) l=$s ;; esac
			TCPSPEC_FUZZ_TARGET=$s row "fuzz_stack@$l" fuzz_stack fuzz_stack
		done
		continue
	fi
	row "$t" "$t" "$t"
done
