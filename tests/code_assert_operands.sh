#!/bin/sh
# A failed code-block assert without a message of its own shows the values of its
# comparison's operands, the same whether engine/code.c evaluated it or python3 did
# (a second line that only python3 can run sends the block there).  TAP.
T=${TCPSPEC:-./tcpspec}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
res() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %%{ assert tcpi_state == TCP_FIN_WAIT2 }%%\n' > "$tmp/c.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %%{\nx = 1\nassert tcpi_state == TCP_FIN_WAIT2\n}%%\n' > "$tmp/py.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %%{\nx = 1\nassert tcpi_state == 5 and x == 1\n}%%\n' > "$tmp/and.pkt"
out=$("$T" run "$tmp/c.pkt" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "c.pkt:2: error in code block: assertion failed: assert tcpi_state == TCP_FIN_WAIT2 (operands 7 == 5)$"
res $? "a simple assert (engine/code.c): the operands' values (got $rc: $out)"
if command -v python3 >/dev/null 2>&1; then
	out=$("$T" run "$tmp/py.pkt" 2>&1); rc=$?
	[ $rc -eq 1 ] && echo "$out" | grep -q "py.pkt:4: error in code block: assertion failed: assert tcpi_state == TCP_FIN_WAIT2 (operands 7 == 5)$"
	res $? "the same assert run by python3: the same message (got $rc: $out)"
	out=$("$T" run "$tmp/and.pkt" 2>&1); rc=$?
	[ $rc -eq 1 ] && echo "$out" | grep -q "and.pkt:4: error in code block: assertion failed: assert tcpi_state == 5 and x == 1$"
	res $? "no single comparison: no operands claimed (got $rc: $out)"
else
	n=$((n + 1)); echo "ok $n - python3 path # SKIP python3 not installed"
fi
echo "1..$n"
