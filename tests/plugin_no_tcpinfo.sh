#!/bin/sh
# Code blocks and a target without TCP_INFO.  A plugin whose table leaves tcp_info
# NULL (tests/plugins/ipv4only.c has none) makes a script whose code block reads a
# tcpi_* name a skip (exit 4) naming the missing operation, never a failure
# (tcpspec-plugin(7), ENTRY POINT AND TABLE).  The hint "(no TCP_INFO at that time:
# ...)" is given only when it is true: a tcpi_* name read before any socket is open,
# never on an assertion that fails for another reason.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
SO=build/tests/plugins/libipv4only.so

if [ ! -f "$SO" ]; then
	skip_all "$SO not built"
fi

S=corpora/conformance/blind/active-close-time-wait.pkt
$T run --target "plugin:$SO" "$S" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 4 ] && grep -q '^SKIP ' "$tmp/out" &&
   grep -q "reads tcpi_state, but the .* target has no tcp_info operation" "$tmp/out" &&
   ! grep -q 'NameError' "$tmp/out"; then
	ok "no tcp_info operation: a script reading tcpi_state is a skip naming the operation"
else
	notok "no tcp_info operation: exit $rc"; sed 's/^/# /' "$tmp/out"
fi

# the same script on the reference target (which has TCP_INFO) still passes
$T run --target reference "$S" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 0 ]; then
	ok "the reference target passes the same script"
else
	notok "reference target: exit $rc"; sed 's/^/# /' "$tmp/out"
fi

# tcpi_* before any socket: a failure with the hint (it is true there)
cat >"$tmp/early.pkt" <<'PKT'
0 %{ assert tcpi_state == TCP_LISTEN }%
+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
PKT
$T run --target reference "$tmp/early.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q "early.pkt:1: error in code block: NameError: name 'tcpi_state' is not defined (no TCP_INFO at that time: no socket open yet" "$tmp/out"; then
	ok "tcpi_state before any socket: a failure with the no-TCP_INFO hint"
else
	notok "tcpi_state before any socket: exit $rc"; sed 's/^/# /' "$tmp/out"
fi

# an assertion failing for another reason, with no socket: no hint
cat >"$tmp/other.pkt" <<'PKT'
0 %{
assert len(tcpspec_local_isns) == 1, len(tcpspec_local_isns)
}%
+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
PKT
$T run --target reference "$tmp/other.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q "assertion failed: assert len(tcpspec_local_isns) == 1" "$tmp/out" &&
   ! grep -q "no TCP_INFO at that time" "$tmp/out"; then
	ok "an assertion failing for another reason carries no no-TCP_INFO hint"
else
	notok "unrelated assertion: exit $rc"; sed 's/^/# /' "$tmp/out"
fi
echo "1..$n"
