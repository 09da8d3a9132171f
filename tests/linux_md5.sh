#!/bin/sh
# TCP MD5 signatures (RFC 2385): `md5 valid` signed and verified with --tcp_md5_secret,
# the key given to the linux target through setsockopt TCP_MD5SIG.  TAP.
#  - corpora/linux/md5-*.pkt pass on the linux target over IPv4, IPv6 and v4-mapped;
#  - the signature is checked: a stack key changed mid-connection fails the next
#    outbound packet with both digests; a wrong --tcp_md5_secret gets the SYN dropped;
#  - md5 valid without --tcp_md5_secret is a script error; the reference target skips
#    TCP_MD5SIG and md5 valid (exit 4).
T=${TCPSPEC:-./tcpspec}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
ok() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"
		[ -n "$3" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}
expect() {  # expect EXIT PATTERN NAME ARGS...
	want=$1 pat=$2 name=$3
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -q -- "$pat"; then ok "$name" 0
	else ok "$name (exit $rc, wanted $want and /$pat/)" 1 "$out"; fi
}
P=corpora/linux/md5-passive.pkt
A=corpora/linux/md5-active.pkt

expect 4 "md5-passive.pkt:9: unsupported: the reference target does not implement setsockopt" \
	"the reference target skips TCP_MD5SIG" $T run --target reference $P
grep -v 'TCP_MD5SIG' $P >"$tmp/nosockopt.pkt"
expect 4 "nosockopt.pkt:12: unsupported: the reference target has no TCP MD5 signatures" \
	"md5 valid on the reference target is a skip, not a failure" $T run --target reference "$tmp/nosockopt.pkt"
grep -v '^--tcp_md5_secret' $P >"$tmp/nokey.pkt"
expect 2 "nokey.pkt:13:.*'md5 valid' needs the key: give --tcp_md5_secret=SECRET" \
	"md5 valid without a key is a script error" $T run --target reference "$tmp/nokey.pkt"

if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/net/tun ]; then
	why="needs root (CAP_NET_ADMIN) and /dev/net/tun for the linux target"
	for t in "md5 scripts on linux" "a changed stack key is caught" "a wrong secret is not accepted"; do
		n=$((n + 1)); echo "ok $n - $t # SKIP $why"
	done
	echo "1..$n"; exit 0
fi
expect 0 "6 passed, 0 failed, 0 skipped" "md5 scripts on linux (ipv4, ipv6, v4-mapped)" \
	$T run --target linux --ip-version ipv4,ipv6,ipv4-mapped-ipv6 $P $A
sed 's/^+0    write(4, ..., 100) = 100/+0    setsockopt(4, IPPROTO_TCP, TCP_MD5SIG, {tcpm_key="other"}, 216) = 0\n&/' \
	$P >"$tmp/rekey.pkt"
expect 1 "rekey.pkt:20: error handling packet: md5: expected digest [0-9a-f]* (--tcp_md5_secret) but got" \
	"a changed stack key is caught on the next outbound packet" $T run --target linux "$tmp/rekey.pkt"
sed 's/^--tcp_md5_secret=s3cret/--tcp_md5_secret=wrong/' $P >"$tmp/wrong.pkt"
expect 1 "wrong.pkt:15: error handling packet: timed out waiting for the packet" \
	"a SYN signed with a wrong secret is dropped" $T run --target linux "$tmp/wrong.pkt"
echo "1..$n"
