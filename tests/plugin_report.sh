#!/bin/sh
# What a partly mapped stack meets in `tcpspec report` (tests/plugins/partial.c): a code
# block reading a TCP_INFO field the stack leaves invalid is a skip naming the field
# (never a Python NameError counted as a failure), a misspelt field is still a failure,
# and --timeout stops a script whose stack hangs and the report goes on.  A plugin
# answering out of the ABI's ranges (tests/plugins/garbage.c) fails scripts with the
# reason, never crashes them.  A plugin file missing or not a shared object is a usage
# error (exit 2) in report and run.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
SO=build/tests/plugins/libpartial.so

if [ ! -f "$SO" ]; then
	skip_all "$SO not built"
fi
mkdir "$tmp/s"
cat >"$tmp/s/cwnd.pkt" <<'PKT'
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 32792 <mss 1000>
+0    > S. 0:0(0) ack 1 <...>
+0    < . 1:1(0) ack 1 win 32792
+0    accept(3, ..., ...) = 4
+0    %{ assert tcpi_state == TCP_ESTABLISHED
assert tcpi_snd_cwnd >= 1 }%
PKT
sed 's/tcpi_snd_cwnd/tcpi_snd_cwdn/' "$tmp/s/cwnd.pkt" >"$tmp/typo.pkt"
cat >"$tmp/s/hang.pkt" <<'PKT'
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    connect(3, ..., ...) = 0
PKT

$T run --target "plugin:$SO" "$tmp/s/cwnd.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 4 ] && grep -q "cwnd.pkt:9: unsupported: the code block reads tcpi_snd_cwnd, which the partial target does not report" "$tmp/out"; then
	ok "a TCP_INFO field the stack lacks: skip (exit 4) naming the field and the line"
else
	notok "missing tcpi field: exit $rc"; sed 's/^/# /' "$tmp/out"
fi
$T run --target reference "$tmp/s/cwnd.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 0 ]; then ok "the same script passes where the field is known (reference)"
else notok "reference: exit $rc"; sed 's/^/# /' "$tmp/out"; fi
$T run --target "plugin:$SO" "$tmp/typo.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q "NameError: name 'tcpi_snd_cwdn' is not defined" "$tmp/out"; then
	ok "a name that is no TCP_INFO field is still a failure"
else
	notok "misspelt field: exit $rc"; sed 's/^/# /' "$tmp/out"
fi

$T report --target "plugin:$SO" --timeout 1 -j 1 --json "$tmp/r.json" "$tmp/s" \
	>"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc = 1 ] && grep -q '"name": "partial".*"fail": 1, "skipped": 1' "$tmp/r.json" &&
   grep -q "hang.pkt.*did not finish within 1 s" "$tmp/err"; then
	ok "report --timeout 1: the hanging script fails after 1 s, the report is written"
else
	notok "report --timeout: exit $rc"; sed 's/^/# /' "$tmp/err" | tail -5; head -4 "$tmp/r.json" | sed 's/^/# /'
fi
$T report --timeout x "$tmp/s" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc = 2 ] && grep -q "bad --timeout 'x'" "$tmp/err"; then ok "report --timeout x: usage error"
else notok "report --timeout x: exit $rc"; fi
# a plugin answering out of the ABI's ranges: failures that say so, no crash
G=build/tests/plugins/libgarbage.so
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n' >"$tmp/g1.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 poll([{fd=3, events=POLLOUT, revents=POLLOUT|POLLHUP}], 1, 0) = 1\n' >"$tmp/g2.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 4\n+0 bind(4, ..., ...) = 0\n' >"$tmp/g3.pkt"
$T run --target "plugin:$G" "$tmp/g1.pkt" "$tmp/g2.pkt" "$tmp/g3.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q "g1.pkt:3: .*call() returned 42, which is no target_status" "$tmp/out" &&
   grep -q "g2.pkt:2: .*call() returned a result whose nfds is out of range" "$tmp/out" &&
   grep -q "g3.pkt:3: .*call() returned ERROR without saying why" "$tmp/out" &&
   ! grep -q "signal" "$tmp/out"; then
	ok "a plugin answering out of range: each script fails naming what was wrong"
else
	notok "garbage plugin: exit $rc"; sed 's/^/# /' "$tmp/out"
fi
# a plugin whose advance() leaves its clock behind: the script fails at once saying so,
# instead of the engine advancing to the same time until --timeout
$T run --target plugin:build/tests/plugins/libbroken_timers.so --timeout 60 \
	corpora/linux/data-both.pkt >"$tmp/out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q "advance([0-9]*) left its clock at [0-9]*: advance() sets the clock to now_ns" "$tmp/out" &&
   ! grep -q "did not finish within" "$tmp/out"; then
	ok "a clock advance() leaves behind: the script fails naming it, no hang"
else
	notok "clock left behind: exit $rc"; sed 's/^/# /' "$tmp/out"
fi
# a plugin path that is not there, or not a shared object, is a usage error (exit 2)
# in report as in run -- never a report that exits 0 with the plugin "not run here"
echo "not an ELF file" >"$tmp/notelf.so"
for bad in "$tmp/nonexistent.so" "$tmp/notelf.so"; do
	$T report --target "reference,plugin:$bad" --json "$tmp/r.json" "$tmp/s/cwnd.pkt" \
		>"$tmp/out" 2>&1; rc=$?
	$T run --target "plugin:$bad" "$tmp/s/cwnd.pkt" >>"$tmp/out" 2>&1; rc2=$?
	if [ $rc = 2 ] && [ $rc2 = 2 ] && [ "$(grep -c "cannot load plugin: .*$(basename "$bad")" "$tmp/out")" = 2 ]; then
		ok "plugin:$(basename "$bad"): report and run exit 2 naming the file"
	else
		notok "plugin:$(basename "$bad"): report exit $rc, run exit $rc2"; sed 's/^/# /' "$tmp/out"
	fi
done
echo "1..$n"
