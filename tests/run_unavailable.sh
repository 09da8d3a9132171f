#!/bin/sh
# The target is not available here -> exit 3 with what is missing, never a pass:
# no root for the linux target, no /dev/net/tun (an unknown target is a usage error, 2).  And the tests that
# need the linux target report skipped, with the reason, when run without root.
# Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
res() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skp() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
script=corpora/linux/passive-open.pkt

out=$("$T" run --target nosuchstack "$script" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "unknown target 'nosuchstack'"
res $? "unknown target: a usage error (exit 2) naming it, not 'unavailable' (got $rc)"

if [ "$(id -u)" -ne 0 ]; then
	out=$("$T" run --target linux "$script" 2>&1); rc=$?
	[ $rc -eq 3 ] && echo "$out" | grep -q "needs root"
	res $? "linux target without root: exit 3 saying it needs root (got $rc)"
	skp "linux target without /dev/net/tun: exit 3" "needs root to hide /dev/net/tun"
	skp "root-only tests report skipped without root" "already running without root"
	echo "1..$n"; exit 0
fi
if ! command -v setpriv >/dev/null 2>&1; then
	skp "linux target without root: exit 3" "needs setpriv (util-linux) to drop root"
else
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$T" run --target linux "$script" 2>&1)
	rc=$?
	[ $rc -eq 3 ] && echo "$out" | grep -q "needs root (CAP_NET_ADMIN)" && ! echo "$out" | grep -q passed
	res $? "linux target without root: exit 3 saying it needs root (got $rc: $out)"

	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups sh tests/engine_wrong.sh 2>&1)
	total=$(echo "$out" | grep -c '^ok ')
	skipped=$(echo "$out" | grep -c '^ok .*# SKIP needs root')
	[ "$total" -gt 0 ] && [ "$total" -eq "$skipped" ]
	res $? "root-only tests report skipped with the reason without root ($skipped of $total)"
fi
if command -v unshare >/dev/null 2>&1; then
	# a private mount namespace where /dev/net is empty: the host's is untouched
	out=$(unshare -m sh -c 'mount -t tmpfs none /dev/net && exec "$0" run --target linux "$1"' \
		"$T" "$script" 2>&1)
	rc=$?
	[ $rc -eq 3 ] && echo "$out" | grep -q "/dev/net/tun"
	res $? "linux target without /dev/net/tun: exit 3 naming it (got $rc: $out)"
else
	skp "linux target without /dev/net/tun: exit 3" "needs unshare (util-linux)"
fi
if command -v unshare >/dev/null 2>&1; then
	# no python3 (hidden in a private mount namespace): simple asserts are checked
	# without it (passing and failing as they should); a block that needs python3 is
	# skipped, exit 4, saying why -- never passed
	hide=""
	for p in /usr/bin/python3 /usr/local/bin/python3 /bin/python3; do
		[ -e "$p" ] && hide="$hide mount --bind /dev/null $p &&"
	done
	ctmp=$(mktemp -d) || exit 1
	printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %%{ assert tcpi_state == TCP_CLOSE, tcpi_state }%%\n' > "$ctmp/simple.pkt"
	printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %%{ assert tcpi_state == 1, tcpi_state }%%\n' > "$ctmp/simple-wrong.pkt"
	printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %%{ assert tcpi_state in (7, 1), tcpi_state }%%\n' > "$ctmp/python.pkt"
	nopy() {
		PATH=/usr/sbin:/usr/bin:/sbin:/bin unshare -m sh -c "$hide exec \"\$0\" run \"\$1\"" "$T" "$1" 2>&1
	}
	out=$(nopy "$ctmp/simple.pkt"); rc=$?
	[ $rc -eq 0 ]
	res $? "simple asserts without python3: checked here, pass (got $rc)"
	out=$(nopy "$ctmp/simple-wrong.pkt"); rc=$?
	[ $rc -eq 1 ] && echo "$out" | grep -q "simple-wrong.pkt:2: error in code block: assertion failed: assert tcpi_state == 1, tcpi_state (value 7)"
	res $? "a failing simple assert without python3: fails with python3's message (got $rc)"
	out=$(nopy "$ctmp/python.pkt"); rc=$?
	rm -rf "$ctmp"
	[ $rc -eq 4 ] && echo "$out" | grep -q "code blocks need python3" &&
		echo "$out" | grep -q "0 passed, 0 failed, 1 skipped"
	res $? "code block that needs python3, without python3: skipped, exit 4 (got $rc)"
fi
echo "1..$n"
