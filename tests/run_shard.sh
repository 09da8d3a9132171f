#!/bin/sh
# tcpspec run --shard K/N: the shares of a suite together run every script exactly once,
# a script keeps its share when other scripts are added, each shard writes its own
# JUnit file; and the progress line shows on a terminal and nowhere else.
# Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
suite=corpora/conformance

# the scripts a run ran, one path a line, from its TAP file
ran() { sed -n 's/^\(not \)\{0,1\}ok [0-9]* - \(.*\) \[[^]]*\].*/\2/p' "$1"; }

"$T" run -q --tap "$tmp/all.tap" "$suite" > /dev/null 2>&1
ran "$tmp/all.tap" | sort > "$tmp/all"
total=$(wc -l < "$tmp/all")
: > "$tmp/union"
for k in 1 2 3; do
	"$T" run -q --shard $k/3 --tap "$tmp/s$k.tap" --junit "$tmp/s$k.xml" "$suite" \
		> "$tmp/s$k.out" 2>&1
	ran "$tmp/s$k.tap" | sort > "$tmp/s$k"
	cat "$tmp/s$k" >> "$tmp/union"
done
sort "$tmp/union" > "$tmp/union.sorted"
[ "$total" -gt 100 ] && cmp -s "$tmp/all" "$tmp/union.sorted"
check $? "shards 1/3, 2/3, 3/3 together run every one of the $total scripts exactly once ($(wc -l < "$tmp/s1") + $(wc -l < "$tmp/s2") + $(wc -l < "$tmp/s3"))"
[ -s "$tmp/s1" ] && [ -s "$tmp/s2" ] && [ -s "$tmp/s3" ]
check $? "no share is empty"
ok_junit=0
for k in 1 2 3; do
	c=$(grep -c '<testcase ' "$tmp/s$k.xml")
	[ "$c" -eq "$(wc -l < "$tmp/s$k")" ] || ok_junit=1
done
check $ok_junit "each shard's JUnit file holds that shard's runs"

# the same again: the same shares
"$T" run -q --shard 2/3 --tap "$tmp/again.tap" "$suite" > /dev/null 2>&1
ran "$tmp/again.tap" | sort | cmp -s - "$tmp/s2"
check $? "a shard is the same run after run"

# a copy of part of the suite elsewhere, then one script more: the others stay put
mkdir -p "$tmp/copy/a" "$tmp/copy/b"
cp -r "$suite"/rfc9293/3.5-* "$tmp/copy/a/"
cp -r "$suite"/rfc5961 "$tmp/copy/b/"
shares() {
	for k in 1 2 3 4; do
		rm -f "$tmp/x.tap"
		"$T" run -q --shard $k/4 --tap "$tmp/x.tap" "$1" > /dev/null 2>&1
		ran "$tmp/x.tap" | sed "s|^$1/||; s|\$| $k|"
	done | sort
}
shares "$tmp/copy" > "$tmp/before"
cp "$(find "$suite"/rfc5961 -name '*.pkt' | head -1)" "$tmp/copy/b/new-one.pkt"
shares "$tmp/copy" | grep -v new-one > "$tmp/after"
[ -s "$tmp/before" ] && cmp -s "$tmp/before" "$tmp/after"
check $? "adding a script moves no other script to another share ($(wc -l < "$tmp/before") scripts)"
# and the shares depend on the path below the directory given, not where it is
mv "$tmp/copy" "$tmp/moved"
shares "$tmp/moved" | grep -v new-one > "$tmp/moved.out"
[ -s "$tmp/before" ] && cmp -s "$tmp/before" "$tmp/moved.out"
check $? "the shares are the same wherever the suite lies"

"$T" run --shard 4/3 "$suite" > /dev/null 2>&1
check $(( $? != 2 )) "--shard 4/3 is a usage error"
"$T" run --shard x "$suite" > /dev/null 2>&1
check $(( $? != 2 )) "--shard x is a usage error"

# progress: on a terminal (a pty) the line "[done/total] N failed, M:SS elapsed" is
# drawn on stderr; through a pipe stderr stays free of it
if command -v python3 > /dev/null 2>&1; then
	python3 - "$T" "$suite/rfc9293" > "$tmp/pty.out" 2>&1 <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    # stdout to /dev/null, stderr the terminal
    nul = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nul, 1)
    os.environ["TERM"] = "xterm"
    os.execv(sys.argv[1], [sys.argv[1], "run", "-j1", sys.argv[2]])
out = b""
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace").replace("\r", "<CR>").replace("\x1b", "<ESC>"))
PY
	grep -q '\[ *[0-9]*/[0-9]*\] 0 failed, 0:[0-9][0-9] elapsed' "$tmp/pty.out"
	check $? "on a terminal stderr shows runs done/total, failures, elapsed time"
	"$T" run -j1 "$suite/rfc9293" 2> "$tmp/err" > /dev/null
	! grep -q 'elapsed' "$tmp/err"
	check $? "stderr that is not a terminal gets no progress line"
else
	skip "progress on a terminal" "python3 is not installed"
	skip "no progress when not a terminal" "python3 is not installed"
fi
echo "1..$n"
