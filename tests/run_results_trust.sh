#!/bin/sh
# Result files a CI can trust, whatever happens to them: a write error (a full disk,
# /dev/full, a closed pipe) is reported as "cannot write FILE: REASON" with exit 2
# and never leaves half a file; SIGPIPE does not kill a run before its files are
# written; result files that name one file by different paths (sub/../x, /dev/stdout,
# a script through a missing directory) are refused by run and report; JSON and
# JUnit stay valid UTF-8 for any path or message; a '#' in a TAP description is
# escaped; a capture is a valid pcap also for a run stopped by --timeout or SIGTERM.
# Prints TAP.
. tests/lib/tap.sh
check() { if [ "$1" -eq 0 ]; then ok "$2"; else notok "$2"; fi; }
T=$PWD/tcpspec
good=$PWD/corpora/linux/passive-open.pkt
mkdir -p "$tmp/suite/a"
cp "$good" "$tmp/suite/a/one.pkt"
cp "$good" "$tmp/suite/two.pkt"
cd "$tmp" || exit 1

# ---- write errors ----
"$T" run -q --tap - suite > /dev/full 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "tcpspec run: cannot write stdout: No space left on device" err
check $? "--tap - to a full stdout: exit 2 with the reason (exit $rc)"
for f in tap junit json; do
	"$T" run -q --$f /dev/full suite > /dev/null 2> err; rc=$?
	[ $rc -eq 2 ] && grep -q "tcpspec run: cannot write /dev/full: No space left on device" err
	check $? "--$f /dev/full: exit 2 with the reason (exit $rc)"
done
"$T" run -q --json /dev/full --tap ok.tap suite > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q '^1\.\.2$' ok.tap
check $? "a file that cannot be written does not stop the others (exit $rc)"
"$T" report --target reference --markdown - suite > /dev/full 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "tcpspec report: cannot write stdout: No space left on device" err
check $? "report --markdown - to a full stdout: exit 2 with the reason (exit $rc)"
"$T" report --target reference --json /dev/full --markdown r.md suite > /dev/null 2> err
rc=$?
[ $rc -eq 2 ] && grep -q "cannot write /dev/full" err && grep -q "tcpspec conformance report" r.md
check $? "report --json /dev/full: exit 2, the markdown still written (exit $rc)"
# a full file system: a small tmpfs in a mount namespace of our own (root only)
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	mkdir -p full
	# the file system filled up by a pad file, the result files' names still free
	unshare -m sh -c "mount -t tmpfs -o size=64k tmpfs '$tmp/full' &&
		{ dd if=/dev/zero of='$tmp/full/pad' bs=4k > /dev/null 2>&1; true; } &&
		'$T' run -q --junit '$tmp/full/j.xml' --tap '$tmp/full/t.tap' suite \
			> '$tmp/out' 2> '$tmp/err'; echo \$? > '$tmp/rc';
		ls -A '$tmp/full' > '$tmp/ls'; wc -c < '$tmp/full/j.xml' > '$tmp/jsize'"
	rc=$(cat rc)
	[ "$rc" = 2 ] && grep -q "cannot write $tmp/full/j.xml: No space left on device" err &&
		[ "$(cat jsize)" = 0 ] && ! grep -q '\.tmp' ls
	check $? "a full file system: exit 2 with the reason, no half JUnit file, no .tmp left (exit $rc)"
else
	ok "a full file system # SKIP needs root and unshare -m for a small tmpfs"
fi
# written whole beside the file and renamed: through a symbolic link the file it
# names is replaced, the link stays
echo old > target.tap
ln -s target.tap link.tap
"$T" run -q --tap link.tap suite > /dev/null 2>&1
[ -L link.tap ] && grep -q '^1\.\.2$' target.tap && ! [ -e link.tap.tmp ] && ! [ -e target.tap.tmp ]
check $? "a result file through a symbolic link: the link stays, the file it names is written"
# SIGPIPE: a reader that goes away (| head -1) does not cost the result files
{ "$T" run --junit pp.xml suite 2> err; echo $? > rc; } | head -1 > /dev/null
rc=$(cat rc)
[ "$rc" = 2 ] && grep -q "cannot write stdout: Broken pipe" err && grep -q '</testsuites>' pp.xml
check $? "run | head -1: the JUnit file is written, stdout's EPIPE is exit 2 (exit $rc)"

# ---- clashing result files ----
"$T" report --target reference --json suite/a/one.pkt suite > /dev/null 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "is a script of the run" err && cmp -s suite/a/one.pkt "$good"
check $? "report --json naming a script: exit 2, the script untouched (exit $rc)"
echo keep > same.out
"$T" report --target reference --markdown same.out --json same.out suite > /dev/null 2> err
rc=$?
[ $rc -eq 2 ] && grep -q "name the same file" err && [ "$(cat same.out)" = keep ]
check $? "report --markdown and --json one file: exit 2, nothing overwritten (exit $rc)"
"$T" report --target reference --markdown - --json - suite > out 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "name the same file" err && ! [ -s out ]
check $? "report --markdown - --json -: exit 2 (exit $rc)"
echo keep > r1
"$T" run --tap r1 --json sub/../r1 suite > /dev/null 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "name the same file" err && [ "$(cat r1)" = keep ] && ! [ -e sub ]
check $? "run --tap r1 --json sub/../r1 (no sub): one file, refused (exit $rc)"
"$T" run --tap - --json /dev/stdout suite > f 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "name the same file" err
check $? "run --tap - --json /dev/stdout: one file, refused (exit $rc)"
"$T" run --tap - --json f2 suite > f2 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "name the same file" err
check $? "run --tap - --json F with stdout on F: one file by its inode, refused (exit $rc)"
"$T" run --junit nonexist/../suite/a/one.pkt suite > /dev/null 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "is a script of the run" err && cmp -s suite/a/one.pkt "$good"
check $? "run --junit nonexist/../SCRIPT: the script untouched (exit $rc)"

# ---- UTF-8 in JSON and JUnit ----
bad=$(printf 'bad\377')
mkdir -p "u8/$bad"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 7\n' > "u8/$bad/x.pkt"
# paths long enough (2-byte characters) that the 2048-byte message is cut: at an odd
# and an even byte offset, so one of them falls inside a character
e=$(printf '\303\251'); d=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do d="$d$e"; done
long="$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d/$d"
for p in a ab; do
	mkdir -p "u8/$p/$long"
	printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 7\n' > "u8/$p/$long/y.pkt"
done
"$T" run -q --junit u.xml --json u.json --tap u.tap u8 > /dev/null 2>&1
if command -v xmllint > /dev/null 2>&1; then
	xmllint --noout u.xml 2>&1 | head -3 | sed 's/^/# /'
	xmllint --noout u.xml 2> /dev/null && grep -q "$(printf 'bad\357\277\275/x.pkt')" u.xml
	check $? "JUnit is well-formed UTF-8 with a 0xFF path and cut messages (U+FFFD)"
else
	ok "JUnit is well-formed UTF-8 # SKIP xmllint is not installed"
fi
python3 -m json.tool u.json > /dev/null 2> err
check $? "JSON is valid UTF-8 with a 0xFF path and cut messages"
"$T" report --target reference --json ur.json u8 > /dev/null 2>&1
python3 -m json.tool ur.json > /dev/null
check $? "report's JSON is valid UTF-8 with a 0xFF path"

# ---- '#' in TAP descriptions ----
mkdir -p "tp/wip # TODO"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 7\n' > "tp/wip # TODO/bad.pkt"
"$T" run -q --tap t.tap tp > /dev/null 2>&1
grep -q '^not ok 1 - tp/wip \\# TODO/bad.pkt \[ipv4\]$' t.tap
check $? "a '#' in a TAP description is written '\\#': no TODO directive"
if command -v prove > /dev/null 2>&1; then
	! prove -e cat t.tap > /dev/null 2>&1
	check $? "prove counts it as a failure"
fi
awk '/^not ok / { if ($0 ~ /(^|[^\\])# *[Tt][Oo][Dd][Oo]/) s++; else f++ } END { exit f != 1 }' t.tap
check $? "the test runner's TAP reading (scripts/run-tests.sh) counts it as a failure"
mkdir -p 'tq/a#b'
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 7\n' > 'tq/a#b/bad.pkt'
printf 'a#b/bad.pkt a documented deviation\n' > tq/reference.expect
"$T" run -q --no-expect --tap tq.tap tq > /dev/null 2>&1
sh "$OLDPWD/ci/expected-failures.sh" tq.tap tq/reference.expect > /dev/null 2> err
check $? "ci/expected-failures.sh reads the escaped path back"

# ---- captures of stopped runs ----
# a passive open up to the SYN-ACK: the capture of a run stopped after it holds two
# packets
cat > handshake <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 32792 <mss 1000>
+0 > S. 0:0(0) ack 1 <...>
PKT
pcap_ok() {  # FILE: a pcap header (nanosecond magic, Linux cooked)
	[ "$(od -An -tx1 -N4 "$1" | tr -d ' ')" = "4d3cb2a1" ]
}
"$T" run -q --pcap pc --timeout 0.001 suite/two.pkt > /dev/null 2>&1
[ -e pc/two.ipv4.pcap ] && pcap_ok pc/two.ipv4.pcap
check $? "--timeout 0.001 (the least): the run still has a valid capture"
if command -v python3 > /dev/null 2>&1; then
	{ cat handshake; cat <<PKT; } > sleeps.pkt
+0 %{
import time
open('$tmp/started', 'w').write('x')
time.sleep(600)
}%
PKT
	"$T" run -q --timeout 0 --pcap pc2 sleeps.pkt > /dev/null 2>&1 &
	pid=$!
	# a bound against a hang (a minute), not a measurement
	i=0
	while [ ! -e started ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	kill -TERM $pid
	wait $pid; rc=$?
	# header 24 bytes, then two packets (16-byte record header, 16-byte cooked header)
	size=$(wc -c < pc2/sleeps.ipv4.pcap 2>/dev/null || echo 0)
	[ $rc -eq 143 ] && pcap_ok pc2/sleeps.ipv4.pcap && [ "$size" -gt 100 ]
	check $? "SIGTERM: the capture keeps the packets before it (exit $rc, $size bytes)"
else
	ok "SIGTERM capture # SKIP needs python3 (a code block that sleeps)"
fi
# the linux target (root, /dev/net/tun): its process is killed at --timeout
{ cat handshake; cat <<'PKT'; } > waits.pkt
+30 < . 1:1(0) ack 1 win 257
PKT
"$T" run -q --target linux --timeout 1 --pcap pc3 waits.pkt > out 2>&1; rc=$?
if [ $rc -eq 3 ]; then
	ok "linux --timeout: the capture keeps the packets # SKIP $(head -1 out)"
else
	size=$(wc -c < pc3/waits.ipv4.pcap 2>/dev/null || echo 0)
	[ $rc -eq 1 ] && pcap_ok pc3/waits.ipv4.pcap && [ "$size" -gt 100 ]
	check $? "linux --timeout: the capture keeps the packets before it (exit $rc, $size bytes)"
fi
echo "1..$n"
