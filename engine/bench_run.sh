#!/bin/sh
# Engine benchmark (run by `make bench`):
#  1. per-script overhead on the linux target: wall time of a trivial script (socket +
#     close, scripted time 0) from the command line, i.e. process, PID and network
#     namespaces, TUN device, addresses, parse, run, report; next to the baseline of a
#     bare `unshare -n true` (a network namespace and nothing else) in the same run.
#  2. the -j 2 speed-up over -j 1 on the linux corpus (ipv4).
#  3. per-script overhead on the reference target (virtual time), for comparison.
#  4. the conformance suite on the reference target: wall time against its scripted time,
#     as run now (reusable workers, simple asserts checked in process) next to the
#     baseline of a process per script with every code block in python3, same run.
# Figures only, no pass/fail threshold.
T=${TCPSPEC:-./tcpspec}
N=${BENCH_N:-100}
now() { date +%s%N; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n' > "$tmp/trivial.pkt"
i=0
while [ $i -lt $N ]; do ln -s "$tmp/trivial.pkt" "$tmp/t$i.pkt"; i=$((i + 1)); done

if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/net/tun ]; then
	echo "linux target: skipped (needs root and /dev/net/tun)"
else
	# baseline: a bare network namespace per iteration
	t0=$(now); i=0
	while [ $i -lt $N ]; do unshare -n true; i=$((i + 1)); done
	t1=$(now)
	base=$(( (t1 - t0) / N ))
	# one tcpspec invocation per script (what a user running one script pays)
	t0=$(now); i=0
	while [ $i -lt $N ]; do "$T" run --target linux -j1 -q "$tmp/t$i.pkt" >/dev/null; i=$((i + 1)); done
	t1=$(now)
	one=$(( (t1 - t0) / N ))
	# many scripts in one invocation, -j 1 (what a suite pays per script)
	t0=$(now)
	"$T" run --target linux -j1 -q "$tmp"/t*.pkt >/dev/null
	t1=$(now)
	suite=$(( (t1 - t0) / N ))
	# inside the script process: open to close, from the JSON report
	"$T" run --target linux -j1 -q --json "$tmp/r.json" "$tmp"/t*.pkt >/dev/null
	inner=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(int(1e9*sum(x["wall_seconds"]-x["scripted_seconds"] for x in r)/len(r)))' "$tmp/r.json" 2>/dev/null || echo 0)
	awk -v b="$base" -v o="$one" -v s="$suite" -v i="$inner" -v n="$N" 'BEGIN {
		printf "linux target, trivial script (scripted time 0), %d runs:\n", n
		printf "  per-script overhead, one tcpspec per script : %7.2f ms  (%.2fx baseline)\n", o/1e6, o/b
		printf "  per-script overhead, %d scripts in one run  : %7.2f ms  (%.2fx baseline)\n", n, s/1e6, s/b
		printf "  inside the script process (open..close)    : %7.2f ms\n", i/1e6
		printf "  baseline: unshare -n true                  : %7.2f ms\n", b/1e6
	}'
	t0=$(now); "$T" run --target linux -j1 -q corpora/linux >/dev/null; t1=$(now)
	t2=$(now); "$T" run --target linux -j2 -q corpora/linux >/dev/null; t3=$(now)
	awk -v a=$((t1 - t0)) -v b=$((t3 - t2)) 'BEGIN {
		printf "linux corpus (corpora/linux, ipv4): -j 1 %.2f s, -j 2 %.2f s: speed-up %.2fx\n", a/1e9, b/1e9, a/b }'
fi
t0=$(now)
"$T" run --target reference -j1 -q "$tmp"/t*.pkt >/dev/null 2>&1
t1=$(now)
t2=$(now); i=0
while [ $i -lt $N ]; do /bin/true; i=$((i + 1)); done
t3=$(now)
awk -v s=$(( (t1 - t0) / N )) -v b=$(( (t3 - t2) / N )) 'BEGIN {
	printf "reference target, trivial script: %.3f ms per script (baseline fork+exec /bin/true %.3f ms, %.2fx)\n", s/1e6, b/1e6, s/b }'
if [ -d corpora/conformance ]; then
	suite() {
		t0=$(now)
		"$T" run --target reference -j1 -q --json "$tmp/c.json" corpora/conformance >/dev/null 2>&1
		t1=$(now)
		echo $((t1 - t0))
	}
	new=$(suite)
	scripted=$(python3 -c 'import json,sys; print(sum(x["scripted_seconds"] for x in json.load(open(sys.argv[1]))["results"]))' "$tmp/c.json" 2>/dev/null || echo 0)
	old=$(TCPSPEC_FORK_PER_SCRIPT=1 TCPSPEC_CODE_PYTHON=1 suite)
	awk -v n="$new" -v o="$old" -v s="$scripted" 'BEGIN {
		printf "conformance suite, reference target, -j 1, scripted time %.1f s:\n", s
		printf "  workers + in-process asserts      : %.3f s  (%.0fx faster than scripted time)\n", n/1e9, s*1e9/n
		printf "  baseline: process per script, python3: %.3f s  (%.0fx faster than scripted time)\n", o/1e9, s*1e9/o
		printf "  speed-up over the baseline        : %.2fx\n", o/n }'
fi
