#!/bin/sh
# The conformance suite on the reference target: wall time next to the time the
# scripts describe (their last event), i.e. how much faster than real time it runs.
set -u
dir=${1:-corpora/conformance}
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT INT TERM
t0=$(date +%s%N)
./tcpspec run -q -j1 --json "$tmp" "$dir" >/dev/null 2>&1
t1=$(date +%s%N)
python3 - "$tmp" "$t0" "$t1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
wall_total = (int(sys.argv[3]) - int(sys.argv[2])) / 1e9
scripted = sum(x.get("scripted_seconds", 0) for x in r)
in_stack = sum(x.get("wall_seconds", 0) for x in r)
print("suite: %d runs, scripted time %.1f s" % (len(r), scripted))
print("suite wall time (tcpspec run -j1, a process per script): %.3f s  (%.0fx faster than real time)"
      % (wall_total, scripted / wall_total if wall_total else 0))
print("time inside the runs (engine + reference stack): %.4f s  (%.0fx faster than real time)"
      % (in_stack, scripted / in_stack if in_stack else 0))
PY
