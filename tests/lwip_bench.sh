#!/bin/sh
# Benchmark: wall time per script of corpora/conformance on the lwip target and through
# the example plugin, next to the built-in reference target measured in the same run
# (the baseline).  Figures and ratios only, no threshold.
cd "$(dirname "$0")/.." || exit 1
T=./tcpspec
SO=build/examples/plugin/libexample.so
n=$(find corpora/conformance -name '*.pkt' | wc -l)
[ "$n" -gt 0 ] || { echo "no scripts"; exit 1; }
now() { date +%s%N; }
run() {   # target, jobs -> nanoseconds
	t0=$(now)
	$T run --target "$1" -j "$2" corpora/conformance >/dev/null 2>&1
	t1=$(now)
	echo $((t1 - t0))
}
for j in 1 2; do
	base=$(run reference $j)
	printf 'reference  -j %d: %d scripts in %d ms, %.2f ms/script (baseline)\n' $j "$n" \
		$((base / 1000000)) "$(echo "$base $n" | awk '{print $1 / $2 / 1e6}')"
	for tg in lwip "plugin:$SO"; do
		case $tg in plugin:*) [ -f "$SO" ] || continue ;; esac
		v=$(run "$tg" $j)
		printf '%-10s -j %d: %d scripts in %d ms, %.2f ms/script, %.2fx the reference\n' \
			"${tg%%:*}" $j "$n" $((v / 1000000)) \
			"$(echo "$v $n" | awk '{print $1 / $2 / 1e6}')" \
			"$(echo "$v $base" | awk '{print $1 / $2}')"
	done
done
