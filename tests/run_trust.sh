#!/bin/sh
# No false green from how scripts are found, read and excused: broken links and link
# loops in a directory, '#' lines hiding other errors, report with nothing checked,
# expectations pinned to where a script fails, malformed level lines, and option
# values checked alike by every command.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
good=corpora/linux/passive-open.pkt

# ---- links inside a directory ---------------------------------------------------------
mkdir -p "$tmp/links/sub"
cp "$good" "$tmp/links/a.pkt"
ln -s ../nowhere.pkt "$tmp/links/b.pkt"
for cmd in run report; do
	"$T" $cmd "$tmp/links" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "links/b.pkt: broken symbolic link" "$tmp/out" &&
		! grep -q "passed" "$tmp/out"
	[ $? -eq 0 ] && ok "$cmd: a broken link in a directory is exit 2 with its path" ||
		{ sed 's/^/# /' "$tmp/out"; notok "$cmd: broken link (exit $rc)"; }
done
rm "$tmp/links/b.pkt"
ln -s .. "$tmp/links/sub/loop"
"$T" run "$tmp/links" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^ok ' "$tmp/out")" -eq 1 ] &&
	[ "$(grep -c 'already visited' "$tmp/out")" -eq 1 ] && grep -q "sub/loop" "$tmp/out"
[ $? -eq 0 ] && ok "a link loop: the script runs once, the loop said once" ||
	{ sed 's/^/# /' "$tmp/out"; notok "a link loop (exit $rc)"; }
ln -s a.pkt "$tmp/links/c.pkt"
"$T" run "$tmp/links" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^ok ' "$tmp/out")" -eq 1 ]
[ $? -eq 0 ] && ok "a link to a script in the same tree: run once" ||
	{ sed 's/^/# /' "$tmp/out"; notok "a script link (exit $rc)"; }
