# Sourced by the TAP shell tests once they are at the repository root: the tcpspec
# binary as $T, a scratch directory $tmp removed on every exit, and the TAP line
# printers.  ok/notok number their lines; skip_all ends the test as a whole skip
# with its reason, which the test runner counts as skipped (never as passed).
T=./tcpspec
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
