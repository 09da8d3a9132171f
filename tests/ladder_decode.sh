#!/bin/sh
# The ladder of a run's page labels each packet as tcpspec decode prints it from the
# capture, also where a side's SYN is not in it (a FIN or RST with no handshake: both
# number that side from just before its first sequence number seen), on the reference
# target (where a later connection's ISN must not leak into the first one's labels)
# and on lwIP.  Prints TAP.
T=${TCPSPEC:-./tcpspec}
STACK=192.0.2.2         # the stack's address in every run (target defaults)
script=corpora/conformance/blind/fin-in-listen-and-syn-sent.pkt
n=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
compare() {  # compare TARGET
	mkdir -p "$tmp/$1/pcap"
	"$T" run --target "$1" --pcap "$tmp/$1/pcap" --html "$tmp/$1/site" "$script" \
		> "$tmp/$1/out" 2>&1
	"$T" decode --local $STACK "$tmp/$1/pcap/fin-in-listen-and-syn-sent.ipv4.pcap" |
		sed -n 's/^[-0-9.]* \([<>]\) \(.*\)$/\1 \2/p' | sed 's/^>/out/; s/^</in/; s| // .*||' \
		> "$tmp/$1/decoded"
	grep -o '<g class="pkt [a-z]*[^>]*><title>[^<]*</title>' \
		"$tmp/$1/site/runs/fin-in-listen-and-syn-sent.ipv4.html" |
		sed 's/^<g class="pkt \([a-z]*\).*: sent by the [a-z]*: \(.*\)<\/title>$/\1 \2/' |
		sed 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' > "$tmp/$1/arrows"
	n=$((n + 1))
	if [ "$(wc -l < "$tmp/$1/decoded")" -ge 3 ] && cmp -s "$tmp/$1/decoded" "$tmp/$1/arrows"; then
		echo "ok $n - $1: the ladder's labels are decode's, without a handshake too"
	else
		echo "not ok $n - $1: the ladder's labels are decode's, without a handshake too"
		diff "$tmp/$1/decoded" "$tmp/$1/arrows" | sed 's/^/# /'
		sed 's/^/#   /' "$tmp/$1/out"
	fi
}
compare reference
# the first packets are the peer's FIN (seq 1 as decode numbers it) and the stack's RST
n=$((n + 1))
if sed -n 1p "$tmp/reference/arrows" | grep -qx 'in F 1:1(0) win 1000' &&
   sed -n 3p "$tmp/reference/arrows" | grep -qx 'out R 1:1(0) win 0'; then
	echo "ok $n - reference: the FIN and the RST before any SYN read 1:1(0)"
else
	echo "not ok $n - reference: the FIN and the RST before any SYN read 1:1(0)"
	sed 's/^/#   /' "$tmp/reference/arrows"
fi
if "$T" run --target lwip "$script" > /dev/null 2>&1 || [ $? -ne 3 ]; then
	compare lwip
else
	n=$((n + 1)); echo "ok $n - lwip # SKIP no lwip target here"
fi
echo "1..$n"
