#!/bin/sh
# Option structures (struct timeval, struct tcp_info) on both targets that read them:
# the corpus scripts pass on the reference target, and on linux when it is available
# here, in the three IP versions; the wrong scripts fail on the reference target with
# the same message as on linux (corpora/wrong/NAME.expected).  TAP.
T=${TCPSPEC:-./tcpspec}
n=0
scripts="corpora/linux/getsockopt-tcp-info.pkt corpora/linux/rcvtimeo-sndtimeo.pkt"
wrong="tcp-info rcvtimeo tcp-info-short"
why=""
if [ "$(id -u)" -ne 0 ]; then why="needs root (CAP_NET_ADMIN) for the linux target"
elif [ ! -e /dev/net/tun ]; then why="needs /dev/net/tun for the linux target"
fi
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT INT TERM
for t in reference linux; do
	n=$((n + 1))
	name="option structure scripts pass on $t in ipv4, ipv6, ipv4-mapped-ipv6"
	if [ $t = linux ] && [ -n "$why" ]; then echo "ok $n - $name # SKIP $why"; continue; fi
	# shellcheck disable=SC2086
	"$T" run --target $t -j1 --ip-version ipv4,ipv6,ipv4-mapped-ipv6 $scripts >"$tmp" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp")" = "6 passed, 0 failed, 0 skipped" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $rc)"; sed 's/^/#   /' "$tmp"
	fi
done
for w in $wrong; do
	n=$((n + 1))
	f=corpora/wrong/$w.pkt
	name="$f fails on reference with the message in $w.expected"
	"$T" run --target reference -j1 "$f" >"$tmp" 2>&1; rc=$?
	got=$(sed -n '2,$p' "$tmp" | grep '^      ' | sed 's/^      //')
	if [ $rc -eq 1 ] && [ "$got" = "$(cat "corpora/wrong/$w.expected")" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $rc)"; sed 's/^/#   /' "$tmp"
	fi
done
echo "1..$n"
