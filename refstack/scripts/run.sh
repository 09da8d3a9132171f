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
# the capture clock starts at the wall time of the run: compare packet bytes and the
# times relative to the first packet
python3 - "$a" "$b" <<'PY'
import os, struct, sys
def packets(path):
    d = open(path, "rb").read()
    if len(d) < 24:
        return []
    end = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out, off, t0 = [], 24, None
    while off + 16 <= len(d):
        s, frac, incl, _ = struct.unpack(end + "IIII", d[off:off + 16])
        t = s * 10**9 + frac
        t0 = t if t0 is None else t0
        out.append((t - t0, d[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out
a, b = sys.argv[1], sys.argv[2]
names = sorted(os.listdir(a))
bad = [n for n in names if packets(os.path.join(a, n)) != packets(os.path.join(b, n))]
if names and not bad and sorted(os.listdir(b)) == names:
    print("ok - reference target: %d captures with the same bytes and times in two runs" % len(names))
else:
    print("not ok - reference target: captures differ between two runs: %s" % (bad[:5] or "none written"))
PY
