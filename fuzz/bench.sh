#!/bin/sh
# `make bench`, fuzz part: executions per second of every fuzz target, built plain
# (coverage instrumentation only) and with ASan + UBSan, each run for BENCH_SECS seconds
# (default 5) on one core from its seed corpus with a fixed -seed.  The machine's load
# average is printed with the figures: other work on the cores lowers them.  The baseline
# is bench_null: libFuzzer alone, a target that does nothing, with the same
# instrumentation.  It runs once at the start for each build and again, under ASan+UBSan,
# right before every target's ASan+UBSan run (null-asan/cpu, for half the time): the
# target's figure and libFuzzer's own limit side by side, measured under the same load.
# Each figure is given per second of wall clock (libFuzzer's own) and per second of CPU
# time the run used; the ratios (to bench_null, and ASan+UBSan to plain) use the CPU-time
# figures.  bench_null's rate is libFuzzer's fixed cost per run only: its per-feature
# bookkeeping grows with the coverage a target gives, which BENCH_PROFILE=1 shows (a line
# under each row: where an ASan+UBSan run's time goes, sampled with perf).
# fuzz_stack is measured on three stacks: reference, lwip and the example plugin (the
# reference stack as a plugin), with every finding set aside (TCPSPEC_FUZZ_IGNORE) so
# that a run is not cut short; the stacks other than reference run in fuzz_stack_lwip,
# whose twin has no coverage (fuzz/module.mk), and lwip also in fuzz_stack, whose twin
# has ("twin cov").  There is no pass/fail threshold.
set -u
MAKE=${MAKE:-make}
SECS=${BENCH_SECS:-5}
NULL_SECS=$(( (SECS + 1) / 2 ))
if ! command -v clang >/dev/null 2>&1; then echo "fuzz bench: skipped, clang is not installed"; exit 0; fi
$MAKE -s --no-print-directory fuzz fuzz-plain >/dev/null || { echo "fuzz bench: build failed"; exit 1; }
targets=$($MAKE -s --no-print-directory fuzz-list)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

seeds() { # seed-dir: writes the -seed_inputs list of corpora/fuzz/DIR to $tmp/seeds
	ls -d "corpora/fuzz/$1"/* 2>/dev/null | tr '\n' ',' | sed 's/,$//' >"$tmp/seeds"
}

execs() { # binary seed-dir [seconds] -> "E C": libFuzzer's executions per second (wall clock) and
	# executions per second of CPU time used (steadier when others share the cores).
	# Seeds go in with -seed_inputs and no corpus directory is given, so that new units
	# stay in memory: the figure is fuzzing, not writing files.
	secs=${3:-$SECS}
	seeds "$2"
	if [ -s "$tmp/seeds" ]; then set -- "$1" "-seed_inputs=@$tmp/seeds"; else set -- "$1"; fi
	ASAN_OPTIONS=detect_leaks=0 /usr/bin/time -f "%U %S %e" -o "$tmp/cpu" "$@" -seed=1 \
		-max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$tmp/" >"$tmp/log" 2>&1
	r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/log")
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log")
	# a run a crash ended (an lwIP assertion) prints no final figures: its last status line
	[ -n "$n" ] || n=$(grep -o '^#[0-9]*' "$tmp/log" | tail -1 | tr -d '#')
	[ -n "$r" ] && [ "$r" != 0 ] || r=$(tail -1 "$tmp/cpu" | awk -v n="${n:-0}" '{ printf "%d", ($3 > 0 ? n / $3 : 0) }')
	c=$(tail -1 "$tmp/cpu" | awk -v n="${n:-0}" '{ t = $1 + $2; printf "%d", (t > 0 ? n / t : 0) }')
	echo "${r:-0} ${c:-0}"
}

profile() { # binary seed-dir: BENCH_PROFILE=1 adds, under each row, where the time of
	# an ASan+UBSan run (another run, sampled by perf) goes.  "callback" is the share of
	# samples inside LLVMFuzzerTestOneInput (the code under test, the harness, and their
	# sanitizer and coverage callbacks), from those whose stack shows it to those plus
	# the samples whose stack cannot be walked (code without frame pointers: liblwip, the
	# sanitizer runtime; page faults) unless libFuzzer's own: were that code free, the
	# rate could grow by a factor of 100/(100 - callback) at most; the rest is libFuzzer's.
	# Then by symbol: libFuzzer's loop and feature bookkeeping; the comparison tracing
	# callbacks (trace-cmp, UBSan's checks included); the sanitizer runtimes (allocator,
	# interceptors' range checks); the kernel (page faults of fresh heap, libFuzzer's
	# output); the C library; and the rest: the code under test and the harness.
	if ! command -v perf >/dev/null 2>&1; then echo "    profile: perf is not installed"; return; fi
	seeds "$2"
	if [ -s "$tmp/seeds" ]; then set -- "$1" "-seed_inputs=@$tmp/seeds"; else set -- "$1"; fi
	ASAN_OPTIONS=detect_leaks=0 perf record -q -g -F 999 -o "$tmp/perf.data" "$@" -seed=1 \
		-max_total_time="$SECS" -artifact_prefix="$tmp/" >/dev/null 2>&1
	perf script -i "$tmp/perf.data" -F comm,ip,sym,dso 2>/dev/null | awk '
	function flush() {
		if (!depth) return
		t++
		if (leafdso ~ /kernel/) c = "kernel"
		else if (leaf ~ /^fuzzer::/) c = "libFuzzer"
		else if (leaf ~ /^__sanitizer_cov_trace_(const_)?cmp|^__sanitizer_cov_trace_switch/) c = "cmp-tracing"
		else if (leaf ~ /^(__asan|__ubsan|__sanitizer|__interceptor|__lsan)/) c = "sanitizer-rt"
		else if (leafdso ~ /\/libc\.so|\/ld-linux/) c = "libc"
		else c = "code-under-test+harness"
		s[c]++
		if (incb) cb++
		else if (!infz && leaf !~ /^fuzzer::/) unk++
		depth = 0; incb = 0; infz = 0
	}
	/^[ \t]*$/ { flush(); next }
	/^\t/ { line = $0; sub(/^\t *[0-9a-f]+ /, "", line)
		dso = line; sub(/.* \(/, "", dso); sub(/\)$/, "", dso)
		sym = line; sub(/ \([^(]*\)$/, "", sym); sub(/\+0x[0-9a-f]+$/, "", sym)
		if (!depth) { leaf = sym; leafdso = dso }
		if (sym == "LLVMFuzzerTestOneInput") incb = 1
		if (sym ~ /^fuzzer::/) infz = 1
		depth++ }
	END { flush()
		if (!t) { print "    profile: no samples (perf not permitted?)"; exit }
		printf "    profile: callback %.0f-%.0f%%;", 100 * cb / t, 100 * (cb + unk) / t
		n = split("libFuzzer cmp-tracing sanitizer-rt kernel libc code-under-test+harness", o, " ")
		for (i = 1; i <= n; i++) printf " %s %.0f%%", o[i], 100 * s[o[i]] / t
		printf "\n" }'
	rm -f "$tmp/perf.data"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
fmt='%-30s %10s %10s %7s %12s %12s %12s %7s %8s\n'
printf "$fmt" target plain/s plain/cpu-s /null asan+ubsan/s asan/cpu-s null-asan/cpu /null asan/plain
set -- $(execs build-fuzz-plain/fuzz/bench_null bench_null); np=$1 npc=$2
set -- $(execs build-fuzz/fuzz/bench_null bench_null); na=$1 nac=$2
printf "$fmt" "bench_null (base)" "$np" "$npc" 1.000 "$na" "$nac" "$nac" 1.000 "$(ratio "$nac" "$npc")"
row() { # label binary-name seed-dir
	set -- "$1" "$2" "$3"
	label=$1 bin=$2 seeds=$3
	set -- $(execs "build-fuzz-plain/fuzz/$bin" "$seeds"); p=$1 pc=$2
	# libFuzzer alone under ASan+UBSan again, right before the target's ASan run, so
	# that the two figures side by side saw the same load
	set -- $(execs build-fuzz/fuzz/bench_null bench_null "$NULL_SECS"); nrc=$2
	set -- $(execs "build-fuzz/fuzz/$bin" "$seeds"); a=$1 ac=$2
	printf "$fmt" "$label" "$p" "$pc" "$(ratio "$pc" "$npc")" \
		"$a" "$ac" "$nrc" "$(ratio "$ac" "$nrc")" "$(ratio "$ac" "$pc")"
	[ -z "${BENCH_PROFILE:-}" ] || profile "build-fuzz/fuzz/$bin" "$seeds"
}
export TCPSPEC_FUZZ_IGNORE=window,read,written,checksum,rst-rst,ack-unsent,seq-range,rfc5961-ack,fin,hang,diverge
for t in $targets; do
	[ "$t" = fuzz_stack_lwip ] && continue          # with fuzz_stack below
	if [ "$t" = fuzz_stack ]; then
		TCPSPEC_FUZZ_TARGET=reference row fuzz_stack@reference fuzz_stack fuzz_stack
		TCPSPEC_FUZZ_TARGET=lwip row "fuzz_stack@lwip (twin cov)" fuzz_stack fuzz_stack
		TCPSPEC_FUZZ_TARGET=lwip row fuzz_stack_lwip@lwip fuzz_stack_lwip fuzz_stack
		TCPSPEC_FUZZ_TARGET=plugin:build/examples/plugin/libexample.so \
			row fuzz_stack_lwip@example-plugin fuzz_stack_lwip fuzz_stack
		continue
	fi
	row "$t" "$t" "$t"
done
