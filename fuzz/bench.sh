#!/bin/sh
# `make bench`, fuzz part: executions per second of every fuzz target, built plain
# (coverage instrumentation only) and with ASan + UBSan, each run for BENCH_SECS seconds
# (default 5) on one core from its seed corpus with a fixed -seed.  The machine's load
# average is printed with the figures: other work on the cores lowers them.  The baseline, measured
# in the same run with the same instrumentation, is bench_null: libFuzzer alone, a target
# that does nothing.  Figures are printed as ratios to it; there is no pass/fail threshold.
set -u
MAKE=${MAKE:-make}
SECS=${BENCH_SECS:-5}
if ! command -v clang >/dev/null 2>&1; then echo "fuzz bench: skipped, clang is not installed"; exit 0; fi
$MAKE -s --no-print-directory fuzz fuzz-plain >/dev/null || { echo "fuzz bench: build failed"; exit 1; }
targets=$($MAKE -s --no-print-directory fuzz-list)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

execs() { # binary target -> prints libFuzzer's average executions per second
	# Seeds go in with -seed_inputs and no corpus directory is given, so that new units
	# stay in memory: the figure is fuzzing, not writing files.
	ls -d "corpora/fuzz/$2"/* 2>/dev/null | tr '\n' ',' | sed 's/,$//' >"$tmp/seeds"
	if [ -s "$tmp/seeds" ]; then set -- "$1" "-seed_inputs=@$tmp/seeds"; else set -- "$1"; fi
	ASAN_OPTIONS=detect_leaks=0 "$@" -seed=1 -max_total_time="$SECS" -print_final_stats=1 \
		-artifact_prefix="$tmp/" >"$tmp/log" 2>&1
	r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/log")
	echo "${r:-0}"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
printf '%-20s %12s %8s %12s %8s %9s\n' target plain/s "/null" asan+ubsan/s "/null" asan/plain
np=$(execs build-fuzz-plain/fuzz/bench_null bench_null)
na=$(execs build-fuzz/fuzz/bench_null bench_null)
printf '%-20s %12s %8s %12s %8s %9s\n' "bench_null (base)" "$np" 1.00 "$na" 1.00 \
	"$(awk "BEGIN { printf \"%.2f\", $na / ($np ? $np : 1) }")"
for t in $targets; do
	p=$(execs "build-fuzz-plain/fuzz/$t" "$t")
	a=$(execs "build-fuzz/fuzz/$t" "$t")
	printf '%-20s %12s %8s %12s %8s %9s\n' "$t" "$p" \
		"$(awk "BEGIN { printf \"%.3f\", $p / ($np ? $np : 1) }")" "$a" \
		"$(awk "BEGIN { printf \"%.3f\", $a / ($na ? $na : 1) }")" \
		"$(awk "BEGIN { printf \"%.2f\", $a / ($p ? $p : 1) }")"
done
