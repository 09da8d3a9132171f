#!/bin/sh
# Relaxed matching (--relax), "not applicable" skips, and #ifdef blocks.  TAP.
#  - a script in another stack's layout fails strictly, passes with --relax all, and
#    fails again without any one relaxation (each is needed, none is a no-op);
#  - a relaxation never hides a sequence number, an ACK number, a flag other than PSH,
#    a segment length or a missing segment: mutants of that script fail under --relax
#    all and under each relaxation alone, at the mutated line;
#  - option-layout: ACKs with SACK blocks and a timestamp in another stack's order and
#    padding fail strictly and pass relaxed; a missing option, a wrong value, SACK
#    blocks in another order, an extra option still fail;
#  - rst-ack: a '> R' line passes a RST,ACK, and still fails a wrong sequence number, a
#    missing RST, another flag, a wrong ack where the line writes one;
#  - a script that needs timestamps, SACK, window scaling or ECN the stack did not
#    offer is skipped (exit 4) "not applicable: the stack did not offer X", strictly
#    and relaxed, with the setting written in Linux's and in FreeBSD's names; and on
#    lwIP, which has no timestamps;
#  - #ifdef / #ifndef / #else / #endif against -D, and errors for unbalanced blocks.
T=${TCPSPEC:-./tcpspec}
D=${TCPSPEC_TESTDATA:-tests/data/relax}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
ok() {  # ok NAME CONDITION-RESULT [OUTPUT]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		[ -n "$3" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}
# run EXPECTED-EXIT MESSAGE-PATTERN NAME ARGS...: exit code and message checked
run() {
	want=$1 pat=$2 name=$3
	shift 3
	out=$("$T" run -j1 "$@" 2>&1)
	rc=$?
	r=1
	if [ "$rc" = "$want" ] && { [ -z "$pat" ] || printf '%s\n' "$out" | grep -q -- "$pat"; }; then
		r=0
	fi
	ok "$name (exit $rc)" $r "$out"
}

base=$D/freebsd-layout.pkt
all=syn-options,win,psh,ts-val,sockbuf,rst-ack,option-layout
run 1 "freebsd-layout.pkt:12: error handling packet: options" "strict: the foreign SYN,ACK layout fails" "$base"
run 0 "1 passed" "--relax all passes the foreign layout" --relax all "$base"
run 0 "1 passed" "--relax with every name passes it too" --relax "$all" "$base"
for r in syn-options win psh ts-val sockbuf; do
	rest=$(printf '%s' "$all" | tr ',' '\n' | grep -vx "$r" | paste -sd, -)
	run 1 "error handling" "without $r the script fails (the relaxation is needed)" --relax "$rest" "$base"
done
# the same relaxations as an option line of the script
{ echo "--relax=$all"; cat "$base"; } > "$tmp/optline.pkt"
run 0 "1 passed" "--relax as a script option line" "$tmp/optline.pkt"
run 2 "unknown relaxation 'bogus'" "an unknown relaxation is a usage error" --relax win,bogus "$base"

# Mutants: line 12 is the SYN,ACK, 17 the data segment, 19-20 the close and its FIN.
mutate() {  # mutate NAME SED-EXPR LINE FIELD-PATTERN
	sed "$2" "$base" > "$tmp/$1.pkt"
	for r in all syn-options win psh ts-val sockbuf rst-ack option-layout; do
		out=$("$T" run -j1 --relax $r "$tmp/$1.pkt" 2>&1)
		rc=$?
		res=1
		if [ $r = all ]; then
			# with every relaxation on, the failure is the mutation's own
			[ $rc = 1 ] && printf '%s\n' "$out" | grep -q "$1.pkt:$3: .*$4" && res=0
		else
			[ $rc = 1 ] && res=0
		fi
		ok "mutant $1 fails under --relax $r" $res "$out"
	done
}
mutate seq '17s/1:101(100)/2:102(100)/' 17 'seq: expected 2 but got 1'
mutate ack '17s/ack 1 win/ack 2 win/' 17 'ack: expected 2 but got 1'
mutate synack-ack '12s/ack 1 win/ack 2 win/' 12 'ack: expected 2 but got 1'
mutate flag-fin '17s/> \./> F./' 17 'flags: expected F\. but got'
mutate flag-syn '12s/> S\./> S/' 12 'flags: expected S but got S\.'
mutate len '17s/1:101(100)/1:91(90)/' 17 'len: expected 90 but got 100'
mutate missing '19d' 19 'timed out waiting for the packet'
mutate option-absent '12s/sackOK,/sackOK,sack 1:2,/' 12 'options: expected .*in any order'

# option-layout: the reference pads TS and SACK with two NOPs each, in front
lay=$D/option-layout.pkt
run 1 "option-layout.pkt:12: error handling packet: options: expected <sack 101:201,TS" \
	"strict: another stack's option order and padding fail" "$lay"
run 0 "1 passed" "option-layout: they pass" --relax option-layout "$lay"
run 0 "1 passed" "option-layout is part of all" --relax all "$lay"
layout() {  # layout NAME SED-EXPR LINE MESSAGE-PATTERN TEST-NAME
	sed "$2" "$lay" > "$tmp/lay-$1.pkt"
	run 1 "lay-$1.pkt:$3: error handling packet: $4" "option-layout: $5" \
		--relax option-layout "$tmp/lay-$1.pkt"
}
layout missing '14s/,eol>/,md5>/' 14 'options: expected .*in any order, under --relax option-layout' \
	"a missing option fails"
layout extra '12s/<sack 101:201,/</' 12 'options: expected <TS .*no other option but NOP and EOL' \
	"an extra option (the SACK the script left out) fails"
layout ecr '14s/ecr 110/ecr 111/' 14 'TS ecr: expected 111 but got 110' "a wrong TS ecr fails"
layout block '14s/101:201,/101:202,/' 14 'sack: expected 301:401 101:202 but got 301:401 101:201' \
	"a wrong SACK block fails"
layout order '14s/sack 301:401 101:201/sack 101:201 301:401/' 14 \
	'sack: expected 101:201 301:401 but got 301:401 101:201' \
	"SACK blocks in another order fail (RFC 2018 4: the first is the latest)"

# rst-ack: the reference answers a SYN to a port nobody listens on with RST,ACK
# (RFC 9293 3.10.7.1, the SYN carries no ACK), which a '> R' line takes under rst-ack
rst() {  # rst NAME REPLY-LINE
	printf '%s\n' '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' \
		'+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0' '+0 bind(3, ..., ...) = 0' \
		'+0 < S 0:0(0) win 1000 <mss 1000>' "$2" > "$tmp/rst-$1.pkt"
}
rst plain '+0 > R 0:0(0)'
run 1 "rst-plain.pkt:5: error handling packet: flags: expected R but got R\." \
	"strict: a RST,ACK does not match a '> R' line" "$tmp/rst-plain.pkt"
run 0 "1 passed" "rst-ack: it does" --relax rst-ack "$tmp/rst-plain.pkt"
run 0 "1 passed" "rst-ack is part of all" --relax all "$tmp/rst-plain.pkt"
rst seq '+0 > R 1:1(0)'
run 1 "rst-seq.pkt:5: .*seq: expected 1 but got 0" "rst-ack: a wrong sequence number fails" --relax all "$tmp/rst-seq.pkt"
rst fin '+0 > RF 0:0(0)'
run 1 "rst-fin.pkt:5: .*flags: expected FR but got R" "rst-ack: another flag fails" --relax all "$tmp/rst-fin.pkt"
rst ack '+0 > R. 0:0(0) ack 5'
run 1 "rst-ack.pkt:5: .*ack: expected 5 but got 1" "rst-ack: an ack the line writes is compared" --relax all "$tmp/rst-ack.pkt"
rst none '+0 > . 0:0(0)'
run 1 "rst-none.pkt:5: .*flags: expected \. but got R\." "rst-ack: a '> .' line still wants no RST" --relax all "$tmp/rst-none.pkt"

# Not applicable: the stack's handshake did not offer an optional mechanism.
na() {  # na NAME SETTING FEATURE SCRIPT [RELAX]
	{ echo "0 \`sysctl -w $2\`"; cat "$4"; } > "$tmp/na-$1.pkt"
	run 4 "not applicable: the stack did not offer $3" "$1: $2 makes it not applicable ($3)" \
		${5:+--relax $5} "$tmp/na-$1.pkt"
}
na ts-strict net.ipv4.tcp_timestamps=0 timestamps "$base"
na ts-relaxed net.ipv4.tcp_timestamps=0 timestamps "$base" all
na sack net.ipv4.tcp_sack=0 SACK "$base" all
na wscale net.ipv4.tcp_window_scaling=0 "window scaling" "$base" all
na bsd-rfc1323 net.inet.tcp.rfc1323=0 timestamps "$base" all
na bsd-rfc1323-ts-only net.inet.tcp.rfc1323=3 "window scaling" "$base" all
na bsd-sack net.inet.tcp.sack.enable=0 SACK "$base" all
na later-ts net.ipv4.tcp_timestamps=0 timestamps "$D/later-ts.pkt"
na ecn net.ipv4.tcp_ecn=0 ECN "$D/ecn.pkt"
run 0 "1 passed" "the later-TS script passes on a stack that offers timestamps" "$D/later-ts.pkt"
run 0 "1 passed" "the ECN script passes on a stack that offers ECN" "$D/ecn.pkt"
# not applicable only where the stack was free to offer: a SYN-ACK may carry TS,
# SACK-permitted, window scaling or ECN only if the script's SYN did (RFC 7323 3.2 and
# 2.2, RFC 2018 2, RFC 3168 6.1.1), so expecting one the script's SYN left out is the
# script's mistake: a failure at the line, with a note saying why
sed '11s/<mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>/<mss 1460>/' "$base" > "$tmp/syn-no-ts.pkt"
run 1 "syn-no-ts.pkt:12: error handling packet: .*note: the script's SYN did not offer timestamps (RFC 7323 3.2" \
	"a SYN-ACK with TS expected for a SYN without one fails, not n/a" --relax all "$tmp/syn-no-ts.pkt"
sed '11s/<mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>/<mss 1460,nop,wscale 6,TS val 100 ecr 0>/' \
	"$base" > "$tmp/syn-no-sack.pkt"
run 1 "syn-no-sack.pkt:12: .*did not offer SACK (RFC 2018" \
	"SACK-permitted expected for a SYN without it fails" --relax all "$tmp/syn-no-sack.pkt"
sed '11s/<mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>/<mss 1460,sackOK,TS val 100 ecr 0>/' \
	"$base" > "$tmp/syn-no-ws.pkt"
run 1 "syn-no-ws.pkt:12: .*did not offer window scaling (RFC 7323 2.2" \
	"wscale expected for a SYN without it fails" --relax all "$tmp/syn-no-ws.pkt"
sed 's/< SEW 0:0(0)/< S 0:0(0)/' "$D/ecn.pkt" > "$tmp/syn-no-ecn.pkt"
run 1 "syn-no-ecn.pkt:9: .*did not offer ECN (RFC 3168 6.1.1" \
	"an ECN-setup SYN-ACK expected for a SYN without ECN fails" "$tmp/syn-no-ecn.pkt"
# later segments too: TS expected on data after a handshake whose SYN had none
sed -e '11s/<mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>/<mss 1460>/' -e '12s/<.*>/<...>/' \
	-e '13s/ <nop,nop,TS val 110 ecr 5000>//' "$base" > "$tmp/later-no-ts.pkt"
run 1 "later-no-ts.pkt:17: .*did not offer timestamps" \
	"TS expected on data after a SYN without TS fails, not n/a" --relax all "$tmp/later-no-ts.pkt"
# and the same scripts stay not applicable where the script's SYN did offer
{ echo '0 `sysctl -w net.ipv4.tcp_timestamps=0`'; sed '11,12s/sackOK,TS/TS/' "$base"; } \
	> "$tmp/na-ts-no-sack.pkt"
run 4 "not applicable: the stack did not offer timestamps" \
	"a SYN that offered TS keeps n/a for a stack that declines it" --relax all "$tmp/na-ts-no-sack.pkt"
# what an earlier SYN of the same connection offered is no longer optional: a
# retransmitted SYN dropping ECN where the script still expects it is a failure
sed 's/maxretries=1/maxretries=0/' corpora/conformance/rfc3168/ecn-setup-syn-retried-before-fallback.pkt \
	> "$tmp/ecn-fallback.pkt"
run 1 "ecn-fallback.pkt:14: error handling packet: flags: expected SEW but got S" \
	"a retransmitted SYN without the ECN its first one offered fails, not n/a" "$tmp/ecn-fallback.pkt"
if "$T" run --target lwip "$D/ecn.pkt" > /dev/null 2>&1 || [ $? -ne 3 ]; then
	run 4 "not applicable: the stack did not offer timestamps" \
		"lwIP (no timestamps) is not applicable to the TS layout" --target lwip --relax all "$base"
else
	n=$((n + 1)); echo "ok $n - lwIP not applicable # SKIP no lwip target here"
fi

# #ifdef blocks
run 0 "1 passed" "#ifdef: no definition takes the #else and #ifndef paths" "$D/ifdef.pkt"
run 0 "1 passed" "#ifdef: -D QUIET takes the other paths" -D QUIET "$D/ifdef.pkt"
run 0 "1 passed" "#ifdef: -DQUIET=1 (glued, with a value) defines QUIET" -DQUIET=1 "$D/ifdef.pkt"
run 1 "ifdef.pkt:15: error handling packet: timed out" "#ifdef: -D WRONG takes the failing block" \
	-D WRONG "$D/ifdef.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#ifdef A\n' > "$tmp/open.pkt"
run 2 "open.pkt:2:1: error: #ifdef without #endif" "an unclosed #ifdef is a parse error at its line" "$tmp/open.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n\n#endif\n' > "$tmp/stray.pkt"
run 2 "stray.pkt:3:1: error: #endif without #ifdef" "a stray #endif is a parse error at its line" "$tmp/stray.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#define X 1\n' > "$tmp/define.pkt"
run 4 "preprocessor line '#define X 1' is not supported" "other directives stay unsupported" "$tmp/define.pkt"
# an #if block cannot be evaluated: unsupported at the #if line, its #else and #endif
# still close it (no "#endif without #ifdef"); inside a block not taken it is left out
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#if defined(FreeBSD)\n+0 close(3) = 0\n#else\n+0 close(3) = 0\n#endif\n' > "$tmp/if.pkt"
run 4 "if.pkt:2:1: unsupported: preprocessor line '#if defined(FreeBSD)' is not supported" \
	"an #if block is unsupported at its line" "$tmp/if.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#ifdef X\n#if 1\n#elif 2\n#endif\n#endif\n+0 close(3) = 0\n' > "$tmp/if-out.pkt"
run 0 "1 passed" "an #if block inside a branch not taken is left out" "$tmp/if-out.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#ifdef X\n#elif defined(Y)\n#endif\n+0 close(3) = 0\n' > "$tmp/elif.pkt"
run 4 "elif.pkt:3:1: unsupported: preprocessor line '#elif defined(Y)'" "an #elif is unsupported at its line" "$tmp/elif.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#if A\n' > "$tmp/if-open.pkt"
run 2 "if-open.pkt:2:1: error: #if without #endif" "an unclosed #if is a parse error at its line" "$tmp/if-open.pkt"
# tcpspec parse and fmt read #ifdef blocks as written: every branch parses, the
# nesting is checked, fmt keeps the directives (and their indentation) in place
out=$("$T" parse "$D/ifdef.pkt" 2>&1); rc=$?
r=1; [ "$rc" = 0 ] && printf '%s\n' "$out" | grep -q "ifdef.pkt: ok" && r=0
ok "parse reads a script with #ifdef blocks (exit $rc)" $r "$out"
out=$("$T" parse "$tmp/stray.pkt" 2>&1); rc=$?
r=1; [ "$rc" = 2 ] && printf '%s\n' "$out" | grep -q "stray.pkt:3:1: error: #endif without #ifdef" && r=0
ok "parse: a stray #endif is an error at its line (exit $rc)" $r "$out"
"$T" fmt "$D/ifdef.pkt" > "$tmp/fmt1.pkt" 2>"$tmp/fmt.err"; rc=$?
r=1
if [ "$rc" = 0 ] && grep -qx '#ifdef WRONG' "$tmp/fmt1.pkt" && grep -qx '  #ifndef QUIET' "$tmp/fmt1.pkt" &&
   [ "$(grep -c '^ *#' "$tmp/fmt1.pkt")" = "$(grep -c '^ *#' "$D/ifdef.pkt")" ]; then
	r=0
fi
ok "fmt keeps the #ifdef blocks as written (exit $rc)" $r "$(cat "$tmp/fmt.err" "$tmp/fmt1.pkt")"
"$T" fmt "$tmp/fmt1.pkt" > "$tmp/fmt2.pkt" 2>&1
cmp -s "$tmp/fmt1.pkt" "$tmp/fmt2.pkt"; ok "fmt of fmt's output changes nothing" $?
run 0 "1 passed" "fmt's output still runs, blocks evaluated" -D QUIET "$tmp/fmt1.pkt"
echo "1..$n"
