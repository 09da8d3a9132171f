#!/bin/sh
# Requirement IDs in '// requirements:' headers: an RFC 9293 ID its Appendix B does not
# have (RFC9293:MUST-99, a typo) is warned about with file:line by tcpspec parse and
# tcpspec report, and the report shows it with no level, never as a MUST; real IDs,
# sections and other RFCs' tags give no warning.  TAP.
T=${TCPSPEC:-./tcpspec}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
ok() {  # ok NAME RESULT [OUTPUT]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		[ -n "$3" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}
{ echo "// checks: tags"
  echo "// requirements: RFC9293:MUST-99 RFC9293:MUST-54, RFC9293:SHLD-40 RFC9293:3.9.2"
  echo "// requirements: RFC5681:3.1 RFC9293:MAY-18 RFC9293:REC-1 RFC9293:MAY-19"
  echo "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3"; } > "$tmp/tags.pkt"

out=$("$T" parse "$tmp/tags.pkt" 2>&1); rc=$?
r=1
if [ "$rc" = 0 ] &&
   printf '%s\n' "$out" | grep -qx "$tmp/tags.pkt:2: warning: RFC9293:MUST-99 is not an RFC 9293 requirement ID (Appendix B)" &&
   printf '%s\n' "$out" | grep -q "tags.pkt:2: warning: RFC9293:SHLD-40 is not" &&
   printf '%s\n' "$out" | grep -q "tags.pkt:3: warning: RFC9293:MAY-19 is not" &&
   [ "$(printf '%s\n' "$out" | grep -c warning)" = 3 ]; then
	r=0
fi
ok "parse warns about each unknown RFC 9293 ID at its line, and only those (exit $rc)" $r "$out"

out=$("$T" report -q --target reference --markdown "$tmp/r.md" --json "$tmp/r.json" "$tmp/tags.pkt" 2>&1); rc=$?
r=1
if [ "$rc" = 0 ] && printf '%s\n' "$out" | grep -q "tags.pkt:2: warning: RFC9293:MUST-99 is not" &&
   [ "$(printf '%s\n' "$out" | grep -c warning)" = 3 ]; then
	r=0
fi
ok "report warns too, and still reports (exit $rc)" $r "$out"
r=1
grep -q '| RFC9293:MUST-99 | not an RFC 9293 requirement ID |' "$tmp/r.md" &&
	! grep -q 'RFC9293:MUST-99 | MUST' "$tmp/r.md" &&
	grep -q '| RFC9293:MUST-54 | MUST' "$tmp/r.md" && r=0
ok "the report's matrix shows the unknown ID with no level, a real one as MUST" $r "$(grep RFC9293 "$tmp/r.md")"

# every tag the repository's corpora use has a title in the matrix (an RFC missing
# from engine/reqtitle.c's list reads as an empty cell)
tags=$(grep -rh '^// requirements:' corpora --include='*.pkt' | sed 's/^\/\/ requirements://' |
	tr ' ,' '\n\n' | grep '^RFC' | sort -u | tr '\n' ' ')
{ echo "// requirements: $tags"; echo "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3"; } > "$tmp/all.pkt"
"$T" report -q --target reference --markdown "$tmp/all.md" "$tmp/all.pkt" >/dev/null 2>&1
untitled=$(grep -E '^\| RFC[0-9]+:[^ ]* \|  \|' "$tmp/all.md")
r=1
[ -n "$tags" ] && [ -s "$tmp/all.md" ] && [ -z "$untitled" ] && r=0
ok "every requirement tag in corpora/ has a title in the report's matrix" $r "$untitled"
echo "1..$n"
