# Sourced by the tests that drive build/tests/plugins/libfuzzbroken.so (the reference
# stack broken one rule at a time, TCPSPEC_BROKEN; tests/plugins/fuzzbroken.c) through
# tcpspec repro: $T, $SO, $tmp (removed on exit), tap, and b to write fuzz records
# (fuzz/records.h, fuzz/stackdrv.h) given as decimal bytes.  Fails when the plugin is
# not built.
set -u
T=./tcpspec
SO=build/tests/plugins/libfuzzbroken.so
n=0
tap() { n=$((n + 1)); echo "$1 $n - $2"; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ ! -f "$SO" ]; then
	tap "not ok" "$SO is built (make all)"; echo "1..$n"; exit 1
fi
b() { for x in "$@"; do printf "\\$(printf '%03o' "$x")"; done; }
