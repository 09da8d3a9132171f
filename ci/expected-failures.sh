#!/bin/sh
# ci/expected-failures.sh TAP EXPECT...: exit 0 when every script TAP reports as failing
# ("not ok") is listed in one of the expectations files EXPECT (paths relative to the
# file's directory, as tcpspec report reads them), else 1 with the unexplained ones.  For
# CI jobs that run a share of a suite with tcpspec run --shard and must fail only on
# failures nobody documented.
tap=$1
[ $# -ge 2 ] && [ -f "$tap" ] || { echo "usage: $0 TAP EXPECT..." >&2; exit 2; }
shift
listed=$(mktemp) || exit 2
trap 'rm -f "$listed"' EXIT
for exp in "$@"; do
	[ -f "$exp" ] || { echo "$0: $exp: no such file" >&2; exit 2; }
	dir=$(dirname "$exp")
	for e in $(sed -n 's/^\([^#[:space:]][^[:space:]]*\).*/\1/p' "$exp"); do
		realpath -m "$dir/$e"
	done
done > "$listed"
bad=0
# the path of each "not ok" line: before its " [ipv4]", after an unescaped '#' is a
# directive; tcpspec writes '#' and '\' in paths as '\#' and '\\' (TAP 13)
failing=$(mktemp) || exit 2
trap 'rm -f "$listed" "$failing"' EXIT
sed -n 's/^not ok [0-9]* - //p' "$tap" |
	sed 's/\(^\|[^\\]\)\(\\\\\)*#.*//; s/ \[[^]]*\] *$//; s/\\\(.\)/\1/g' |
	sort -u > "$failing"
while IFS= read -r s; do
	if ! grep -qxF "$(realpath -m "$s")" "$listed"; then
		echo "unexplained failure: $s" >&2
		bad=1
	fi
done < "$failing"
exit $bad
