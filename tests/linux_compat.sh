#!/bin/sh
# Scripts written for packetdrill, run unchanged on the linux target: each
# corpora/linux/compat-*.pkt shows one thing such scripts rely on (its first comment says
# which) and must pass, on every IP version unless the script names its own.  TAP.
T=${TCPSPEC:-./tcpspec}
n=0
why=""
if [ "$(id -u)" -ne 0 ]; then why="needs root (CAP_NET_ADMIN) for the linux target"
elif [ ! -e /dev/net/tun ]; then why="needs /dev/net/tun for the linux target"
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
for f in corpora/linux/compat-*.pkt; do
	n=$((n + 1))
	if [ -n "$why" ]; then
		echo "ok $n - $f # SKIP $why"
		continue
	fi
	v=ipv4,ipv6,ipv4-mapped-ipv6
	grep -q '^--ip_version' "$f" && v=""
	if "$T" run -q --target linux --tolerance_usecs=10000 ${v:+--ip-version "$v"} "$f" \
		> "$tmp/out" 2>&1; then
		echo "ok $n - $f"
	else
		echo "not ok $n - $f"
		sed 's/^/# /' "$tmp/out"
	fi
done
echo "1..$n"
