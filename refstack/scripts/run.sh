#!/bin/sh
# Scripts for behaviours of the reference stack beyond the conformance suite, run on
# the reference target in every IP version (TAP on stdout); then a check that two runs
# of these scripts and of the conformance suite write the same pcap bytes.
set -u
cd "$(dirname "$0")/../.." || exit 1
./tcpspec run -q -j2 --target reference --ip-version ipv4,ipv6,ipv4-mapped-ipv6 \
	--tap - refstack/scripts 2>&1 | grep -v '^1\.\.[0-9]*$'
a=$(mktemp -d) && b=$(mktemp -d) || exit 1
trap 'rm -rf "$a" "$b"' EXIT INT TERM
dirs="refstack/scripts"
[ -d corpora/conformance ] && dirs="$dirs corpora/conformance"
./tcpspec run -q -j2 --pcap "$a" $dirs >/dev/null 2>&1
./tcpspec run -q -j2 --pcap "$b" $dirs >/dev/null 2>&1
# on a virtual-time target the capture clock starts at the Unix epoch: the two runs'
# files must be identical to the byte, and there must be one file per script
na=$(ls "$a" | wc -l)
nscripts=$(find $dirs -name '*.pkt' | wc -l)
if [ "$na" -gt 0 ] && diff -r "$a" "$b" >/dev/null; then
	echo "ok - reference target: $na captures byte-identical in two runs"
else
	echo "not ok - reference target: captures differ between two runs:" \
		"$(diff -rq "$a" "$b" 2>&1 | head -3)"
fi
if [ "$na" -eq "$nscripts" ]; then
	echo "ok - one capture per script ($na), none overwritten by a namesake"
else
	echo "not ok - $na captures for $nscripts scripts: scripts with the same name overwrote each other"
fi
