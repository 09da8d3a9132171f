#!/bin/sh
# The conformance suite against stacks that make other choices the RFCs leave open.  TAP.
# The example plugin (the reference stack as a plugin) takes TCPSPEC_EXAMPLE_SETTINGS,
# so the same suite runs against: an initial window of one or two segments (RFC 5681
# 3.1 bounds IW only from above); no delayed ACKs (RFC 9293 3.8.6.3 SHLD-18); a 200 ms
# delayed-ACK timer; no timestamps, no SACK, no window scaling (optional, RFC 7323 and
# 2018); a receive buffer of 4096 octets (the window a stack offers is its own, RFC
# 9293 3.8.6, and so is the window scale it asks for); all of these at once; data
# segments 36 octets below the MSS on SACK connections (gVisor's netstack keeps that
# room for SACK blocks), also without delayed ACKs; 36 and 100 octets below it on every
# connection (a stack with small buffers, or one keeping option room whatever was
# negotiated); a minimum RTO of 1 s (RFC 6298 2.4 rounds up to 1 s, Linux keeps
# 200 ms); no D-SACK blocks (RFC 2883, an extension used without negotiation); no RTT
# sample from the handshake (RFC 6298 2.2 lets the first come from data; RTO stays 1 s
# until then, 2.1); no RTT sample from the timestamps of an ACK for retransmitted data
# (RFC 6298 3 allows one); keep-alives with one garbage octet (RFC 9293 3.8.4
# MAY-6, as Windows sends them).  No script may fail a MUST for such
# a choice: `tcpspec report` shows 0 fail (a SHOULD the choice departs from is a
# deviation of that level), and the runs with every SHOULD kept (IW 1 or 2, the options
# off) pass or are not applicable.
# The settings must take effect: an initial window of ten segments (above RFC 5681's
# bound) fails the initial-window script, and no delayed ACKs fail the Linux profile's
# delayed-ACK script; a reserve on every connection makes a connection without SACK
# send segments below the MSS; no sample from the handshake keeps a 1 s RTO after it.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
P=plugin:build/examples/plugin/libexample.so
S=corpora/conformance
# res NAME CONDITION-RESULT OUTPUT: a TAP line, the output's failures under a failure
res() {
	if [ "$2" = 0 ]; then
		ok "$1"
	else
		notok "$1"
		printf '%s\n' "$3" | grep -E 'FAIL|fail|error' | head -20 | sed 's/^/#   /'
	fi
}
# strict SETTINGS [LEFT-OUT]: every script passes or is not applicable (exit 0 or 4, no
# failure); the TCP over UDP scripts are skipped for what the plugin ABI does not
# carry; LEFT-OUT, scripts under $S, are not run, and the TAP line names them
strict() {
	set -- "$1" "${2:-}"
	files=$S
	# shellcheck disable=SC2086 # $2: names without blanks, one a word
	if [ -n "$2" ]; then
		files=$(find "$S" -name '*.pkt' | sort |
			grep -vxF "$(printf "$S/%s\n" $2)")
	fi
	# shellcheck disable=SC2086 # $files: paths without blanks, one a word
	out=$(TCPSPEC_EXAMPLE_SETTINGS="$1" "$T" run -q --target "$P" $files 2>&1); rc=$?
	r=1
	if { [ "$rc" = 0 ] || [ "$rc" = 4 ]; } &&
	   printf '%s\n' "$out" | tail -1 | grep -q ' 0 failed' &&
	   ! printf '%s\n' "$out" | grep '^      ' | grep -v 'not applicable' |
	     grep -v 'TCP over UDP (--udp_encapsulation=tcp): the .* target has none' | grep -q .; then
		r=0
	fi
	res "stack with $1: no failure, skips only not applicable (exit $rc)${2:+, not run: $2}" \
		$r "$out"
}
# graded SETTINGS: report finds no MUST failure
graded() {
	out=$(TCPSPEC_EXAMPLE_SETTINGS="$1" "$T" report --target "$P" "$S" 2>&1); rc=$?
	r=1
	printf '%s\n' "$out" | grep -q "^tcpspec report: example: .* 0 fail," && [ "$rc" = 0 ] && r=0
	res "stack with $1: report grades no failure (exit $rc)" $r "$out"
}
strict "refstack.init_cwnd=1"
strict "refstack.init_cwnd=2"
strict "net.ipv4.tcp_timestamps=0"
strict "net.ipv4.tcp_sack=0"
strict "net.ipv4.tcp_window_scaling=0"
# ';' separates settings when one holds blanks
strict "net.ipv4.tcp_rmem=4096 4096 4096;"
# a send buffer of 4096 octets: a write queuing more may block (not applicable)
strict "net.ipv4.tcp_wmem=4096 4096 4096;"
strict "refstack.mss_reserve=36"
# segments below the MSS on every connection: scripts that count the stack's
# congestion window in segments of exactly the MSS through writes the stack's smaller
# segments cut (the initial and restart window, ECN's halving) are left out until
# they are rewritten; with 100 octets, also the two SACK scripts whose writes assume
# at most 40 octets of option room
flat_later="blind-rfc/restart-window-after-idle.pkt rfc3168/ece-halves-cwnd-once-cwr.pkt \
rfc5681-congestion/initial-window-upper-bound.pkt"
strict "refstack.mss_reserve=36 refstack.mss_reserve_all=1" "$flat_later"
strict "refstack.mss_reserve=100 refstack.mss_reserve_all=1" \
	"$flat_later rfc6675/sack-recovery-pipe.pkt rfc6675/two-holes-islost.pkt"
strict "net.ipv4.tcp_rto_min_us=1000000"
strict "refstack.handshake_rtt_sample=0"
graded "net.ipv4.tcp_dsack=0"
graded "refstack.ts_rtt_retransmit=0"
graded "refstack.delayed_ack=0"
graded "refstack.delack_ms=200"
graded "refstack.init_cwnd=2 refstack.delayed_ack=0 net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0 net.ipv4.tcp_window_scaling=0"
graded "refstack.delayed_ack=0 refstack.mss_reserve=36"
graded "refstack.keepalive_garbage=1"
# the settings reach the stack, and the suite still catches what breaks an RFC
out=$(TCPSPEC_EXAMPLE_SETTINGS="refstack.init_cwnd=10" "$T" run --target "$P" \
	"$S/rfc5681-congestion/initial-window-upper-bound.pkt" 2>&1); rc=$?
res "an initial window of ten segments fails the RFC 5681 3.1 bound (exit $rc)" \
	$([ "$rc" = 1 ]; echo $?) "$out"
out=$(TCPSPEC_EXAMPLE_SETTINGS="refstack.delayed_ack=0" "$T" run --target "$P" \
	corpora/profiles/linux/rfc9293/3.8.6.3-delayed-ack/first-segment-delayed.pkt 2>&1); rc=$?
res "no delayed ACKs fail the profile's delayed-ACK script (exit $rc)" \
	$([ "$rc" = 1 ]; echo $?) "$out"
out=$(TCPSPEC_EXAMPLE_SETTINGS="net.ipv4.tcp_rto_min_us=1000000" "$T" run --target "$P" \
	corpora/profiles/linux/blind/rto-short-rtt.pkt 2>&1); rc=$?
res "a minimum RTO of 1 s fails the profile's 200 ms RTO script (exit $rc)" \
	$([ "$rc" = 1 ]; echo $?) "$out"
out=$(TCPSPEC_EXAMPLE_SETTINGS="net.ipv4.tcp_dsack=0" "$T" run --target "$P" \
	"$S/rfc2883/dsack-duplicate-segment.pkt" 2>&1); rc=$?
res "no D-SACK fails the D-SACK script (level MAY, exit $rc)" \
	$([ "$rc" = 1 ]; echo $?) "$out"
# the garbage octet reaches the wire: the SHLD-12 script fails (level SHOULD), as does a
# probe written exact without 'keepalive'; the others pass
ka=$S/rfc9293/3.8.4-keepalive
out=$(TCPSPEC_EXAMPLE_SETTINGS="refstack.keepalive_garbage=1" "$T" run --target "$P" \
	"$ka/keepalive-no-data.pkt" 2>&1); rc=$?
sed 's/ keepalive$//' "$ka/keepalive-probe-after-idle.pkt" > "$tmp/ka-exact.pkt"
out2=$(TCPSPEC_EXAMPLE_SETTINGS="refstack.keepalive_garbage=1" "$T" run --target "$P" \
	"$tmp/ka-exact.pkt" "$ka/keepalive-probe-after-idle.pkt" 2>&1); rc2=$?
res "keep-alives with a garbage octet fail the no-data script and an exact probe only (exit $rc, $rc2)" \
	$([ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q "len: expected 0 but got 1" &&
	  printf '%s\n' "$out2" | tail -1 | grep -q '^1 passed, 1 failed'; echo $?) "$out$out2"
# a 0.5 s handshake: sampled, RTO 1.5 s (RFC 6298 2.2); not sampled, still 1 s (2.1)
printf -- '--ip_version=ipv4\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 65535 <mss 1000>\n+0 > S. 0:0(0) ack 1 <...>\n+.5 < . 1:1(0) ack 1 win 65535\n+0 accept(3, ..., ...) = 4\n+0 write(4, ..., 100) = 100\n+0 > P. 1:101(100) ack 1\n+1.5 > P. 1:101(100) ack 1\n' > "$tmp/hs.pkt"
out=$(TCPSPEC_EXAMPLE_SETTINGS="refstack.handshake_rtt_sample=0" "$T" run --target "$P" "$tmp/hs.pkt" 2>&1); rc=$?
out2=$("$T" run --target "$P" "$tmp/hs.pkt" 2>&1); rc2=$?
res "no RTT sample from the handshake: RTO stays 1 s after a 0.5 s handshake (exit $rc, $rc2 with the sample)" \
	$([ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q "expected the packet at 2.000000 sec but it came at 1.500000 sec" && [ "$rc2" = 0 ]; echo $?) "$out"
out=$(TCPSPEC_EXAMPLE_SETTINGS="refstack.ts_rtt_retransmit=0" "$T" run --target "$P" \
	"$S/blind/rto-karn-timestamps.pkt" 2>&1); rc=$?
res "no sample from the timestamps of a retransmission fails that script (level MAY, exit $rc)" \
	$([ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q 'tcpi_backoff (value 1)'; echo $?) "$out"
printf -- '--ip_version=ipv4\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 1000 <mss 1000>\n+0 > S. 0:0(0) ack 1 win 4096 <mss ...>\n' > "$tmp/win.pkt"
out=$(TCPSPEC_EXAMPLE_SETTINGS="net.ipv4.tcp_rmem=4096 4096 4096;" "$T" run --target "$P" "$tmp/win.pkt" 2>&1); rc=$?
out2=$("$T" run --target "$P" "$tmp/win.pkt" 2>&1); rc2=$?
res "a receive buffer of 4096 octets reaches the stack: its SYN,ACK offers 4096 (exit $rc, $rc2 without)" \
	$([ "$rc" = 0 ] && [ "$rc2" = 1 ]; echo $?) "$out"
# segments below the MSS on a SACK connection: a script pinning MSS-sized segments fails
cat > "$tmp/full.pkt" <<'EOF'
--strict_segments
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 20000 <mss 500,sackOK,nop,nop>
+0  > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 20000
+0  accept(3, ..., ...) = 4
+0  write(4, ..., 1000) = 1000
+0  > . 1:501(500) ack 1
+0  > P. 501:1001(500) ack 1
EOF
out=$(TCPSPEC_EXAMPLE_SETTINGS="refstack.mss_reserve=36" "$T" run --target "$P" "$tmp/full.pkt" 2>&1); rc=$?
res "a reserve of 36 octets sends 464-octet segments to an MSS of 500 (exit $rc)" \
	$([ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q "len: expected 500 but got 464"; echo $?) "$out"
out=$("$T" run --target "$P" "$tmp/full.pkt" 2>&1); rc=$?
res "without it, 500-octet segments (exit $rc)" $([ "$rc" = 0 ]; echo $?) "$out"
# the reserve on every connection: without SACK too, and only with mss_reserve_all
sed 's/,sackOK,nop,nop>/>/' "$tmp/full.pkt" > "$tmp/full-nosack.pkt"
out=$(TCPSPEC_EXAMPLE_SETTINGS="refstack.mss_reserve=36 refstack.mss_reserve_all=1" "$T" run \
	--target "$P" "$tmp/full-nosack.pkt" 2>&1); rc=$?
res "a reserve of 36 on every connection sends 464-octet segments without SACK (exit $rc)" \
	$([ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q "len: expected 500 but got 464"; echo $?) "$out"
out=$(TCPSPEC_EXAMPLE_SETTINGS="refstack.mss_reserve=36" "$T" run --target "$P" \
	"$tmp/full-nosack.pkt" 2>&1); rc=$?
res "a reserve for SACK connections leaves one without SACK at the MSS (exit $rc)" \
	$([ "$rc" = 0 ]; echo $?) "$out"
# a blocked write is not applicable only when it queues more than the 4096 octets a
# stack is assumed to hold: 2000 octets blocked by a 1024-octet buffer still fail
for q in 2000 8000; do
	printf -- '--ip_version=ipv4\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 65535 <mss 1000>\n+0 > S. 0:0(0) ack 1 <...>\n+0 < . 1:1(0) ack 1 win 65535\n+0 accept(3, ..., ...) = 4\n+0 write(4, ..., %s) = %s\n+0 > . 1:1001(1000) ack 1\n' $q $q > "$tmp/w$q.pkt"
done
out=$(TCPSPEC_EXAMPLE_SETTINGS="net.ipv4.tcp_wmem=1024 1024 1024;" "$T" run --target "$P" "$tmp/w2000.pkt" 2>&1); rc=$?
res "a 2000-octet write blocked by a 1024-octet send buffer fails (exit $rc)" \
	$([ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q 'expected the call to return at once but it blocked'; echo $?) "$out"
out=$(TCPSPEC_EXAMPLE_SETTINGS="net.ipv4.tcp_wmem=1024 1024 1024;" "$T" run --target "$P" "$tmp/w8000.pkt" 2>&1); rc=$?
res "an 8000-octet write it blocks is not applicable, with the count (exit $rc)" \
	$([ "$rc" = 4 ] && printf '%s\n' "$out" | grep -q "not applicable: the stack's send buffer took fewer than the 8000 octets"; echo $?) "$out"
out=$(TCPSPEC_EXAMPLE_SETTINGS="no.such.setting=1" "$T" run --target "$P" \
	"$S/rfc5681-congestion/initial-window-upper-bound.pkt" 2>&1); rc=$?
res "an unknown setting makes the plugin unavailable (exit $rc)" \
	$([ "$rc" = 3 ] && printf '%s\n' "$out" | grep -q "cannot apply no.such.setting"; echo $?) "$out"
echo "1..$n"
