#!/bin/sh
# Our own corpus (corpora/dsl) exercises every construct of the dialect: each script must
# parse (exit 0), and fmt must be idempotent on it.  Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp" "$tmp.2"' EXIT INT TERM
for f in corpora/dsl/*.pkt; do
	n=$((n + 1))
	if $T parse -q "$f" >/dev/null 2>"$tmp"; then echo "ok $n - parse $f"
	else echo "not ok $n - parse $f"; sed 's/^/# /' "$tmp"; fi
	n=$((n + 1))
	if $T fmt "$f" >"$tmp" 2>/dev/null && $T fmt "$tmp" >"$tmp.2" 2>/dev/null &&
	   cmp -s "$tmp" "$tmp.2"; then echo "ok $n - fmt idempotent on $f"
	else echo "not ok $n - fmt idempotent on $f"; fi
done
n=$((n + 1))
if [ "$(ls corpora/dsl/*.pkt | wc -l)" -ge 9 ]; then echo "ok $n - corpus present"
else echo "not ok $n - corpus present"; fi
echo "1..$n"
