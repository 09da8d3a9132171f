#!/bin/sh
# tcpspec report: failures grouped by their first difference (Markdown, JSON, stderr),
# and a requirement whose scripts were skipped because the stack lacks what they need
# shown as "not verified (the stack lacks: ...)", apart from a skip for a feature
# tcpspec lacks.  On the reference target, with scripts that fail or skip on purpose.
# TAP.
T=${TCPSPEC:-./tcpspec}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
res() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
d=$tmp/s
mkdir -p "$d"
head='// requirements: RFC9293:3.10.7.4
// level: MUST
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 32792 <mss 1000>'
# three scripts whose first difference is the same missing option, with other lengths
for i in 1 2 3; do
	printf '%s\n+0    > S. 0:0(0) ack 1 <...>\n+.01  < . 1:1(0) ack 1 win 257\n+0    accept(3, ..., ...) = 4\n+0    write(4, ..., %d) = %d\n+0    > P. 1:%d(%d) ack 1 <nop,nop,TS val 1 ecr 1>\n' \
		"$head" $((10 * i)) $((10 * i)) $((10 * i + 1)) $((10 * i)) > "$d/ts$i.pkt"
done
printf '%s\n+0    > S. 0:0(0) ack 2 <...>\n' "$head" > "$d/ack.pkt"
printf '// requirements: RFC9293:3.9.2\n// level: MUST\n0 `sysctl -q net.ipv4.tcp_no_such_knob=1`\n+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' > "$d/lacks.pkt"
printf '// requirements: RFC9293:MUST-2\n// level: MUST\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' > "$d/ok.pkt"
printf '// requirements: RFC9293:3.9.1\n// level: MUST\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < icmp nosuchtype nosuchcode\n' > "$d/icmp.pkt"
"$T" report -q --markdown "$tmp/r.md" --json "$tmp/r.json" "$d" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ]
res $? "the report fails (exit $rc)"
grep -q '^- 3 scripts: packet: missing option TS on a non-SYN segment (`.*ts1.pkt`, `.*ts2.pkt`, `.*ts3.pkt`)$' "$tmp/r.md" &&
	grep -q '^- 1 script: packet ack: expected N but got N' "$tmp/r.md" &&
	grep -q '^## Failures by first difference' "$tmp/r.md"
res $? "Markdown: the failures grouped by first difference, the largest group first"
grep -q 'first difference of 3 of its 4 failing or deviating scripts: packet: missing option TS on a non-SYN segment' "$tmp/err"
res $? "stderr names the largest group"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fd = d["targets"][0]["first_differences"]
assert fd[0]["cause"] == "packet: missing option TS on a non-SYN segment", fd
assert fd[0]["scripts"] == 3 and len(fd[0]["examples"]) == 3, fd
req = {r["id"]: r["results"]["reference"] for r in d["requirements"]}
assert req["RFC9293:3.9.2"]["not_verified_stack_lacks"] == 1, req
assert "tcp_no_such_knob" in req["RFC9293:3.9.2"]["stack_lacks"], req
assert req["RFC9293:3.9.1"]["not_verified_stack_lacks"] == 0, req
lacks = {s["path"].rsplit("/", 1)[1]: s["results"]["reference"]["stack_lacks"] for s in d["scripts"]}
assert lacks["lacks.pkt"] and not lacks["icmp.pkt"], lacks
t = d["targets"][0]
assert t["skipped"] == 2 and t["skipped_stack_lacks"] == 1, t
PY
	res $? "JSON: first_differences, and stack_lacks per requirement and script"
fi
grep -q '^| RFC9293:3.9.2 | .* | not verified (the stack lacks: the reference target has no setting net.ipv4.tcp_no_such_knob) |$' "$tmp/r.md" &&
	grep -q '^| RFC9293:3.9.1 | .* | skipped |$' "$tmp/r.md" &&
	grep -q '^- \*\*not verified (the stack lacks X)\*\*: ' "$tmp/r.md"
res $? "a skip for the stack's sake is 'not verified', one for tcpspec's stays 'skipped', the legend says which"
"$T" report -q --html "$tmp/site" "$d" >/dev/null 2>&1
grep -q 'lacks.ipv4.html">not verified (the stack lacks it)' "$tmp/site/index.html" &&
	grep -q 'icmp.ipv4.html">skipped' "$tmp/site/index.html"
res $? "HTML: the same cells read 'not verified (the stack lacks it)' and 'skipped'"
grep -q 'Of the 1 RFC 9293 Appendix B MUST requirement tagged (MUST-n IDs), 1 is met, 0 only deviate and 0 fail\.' "$tmp/r.md"
res $? "the headline's grammar: 1 is met, and it says which MUSTs it counts"
# the MUST-level scripts tagged with sections only (the ts and ack ones fail, lacks and
# icmp are skipped) are counted apart, not left out
grep -q ' 6 more MUST-level scripts tag no such ID (only sections or other RFCs): 0 pass, 4 fail\.' "$tmp/r.md"
res $? "the headline counts the MUST-level scripts under other tags" "$(grep -A3 '^## Headline' "$tmp/r.md")"
# a skip because the stack lacks it is a skip everywhere, and said so
grep -q '^- \*\*skipped\*\*: .*or the stack lacks what the script needs (those are counted as skipped too' "$tmp/r.md" &&
	grep -q 'only deviates is one whose failing scripts are SHOULD- or MAY-level' "$tmp/r.md" &&
	grep -q '^- \*\*fail\*\*: a script whose level is MUST (or which has no level line)' "$tmp/r.md" &&
	grep -q ', 2 skipped (1 of them not verified: the stack lacks what they need), 0 not applicable$' "$tmp/err"
res $? "legend and stderr summary agree on what skipped counts; the legend defines fail and 'only deviates'" "$(grep -E 'skipped|fail' "$tmp/r.md" "$tmp/err" | head)"
echo "1..$n"
