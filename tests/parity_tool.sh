#!/bin/sh
# make parity / scripts/parity.py: without a packetdrill binary it says it skipped and
# succeeds; with one (here a stand-in that fails the scripts named *pdfail* and passes the
# others, so the comparison is known in advance) over a small suite on the linux target,
# it runs each script in the runner's modes, reruns the disagreements, and prints the confusion
# table (a skip never agrees with a failure) with the first message of each side.  TAP.
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
out=$(make -s parity PACKETDRILL= 2>&1); rc=$?
if [ $rc = 0 ] && echo "$out" | grep -q 'skipped: no packetdrill binary given'; then
	ok "make parity without PACKETDRILL skips with the reason and succeeds"
else
	nok "make parity without PACKETDRILL skips with the reason and succeeds (exit $rc: $out)"
fi
if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/net/tun ]; then
	n=$((n + 1)); echo "ok $n - comparison on the linux target # SKIP needs root and /dev/net/tun"
	echo "1..$n"; exit 0
fi
mkdir -p "$tmp/suite/common"
# the stand-in fails the scripts whose name says pdfail, passes the others
printf '#!/bin/sh\ncase "$*" in *pdfail*) echo "error: stand-in fails"; exit 1;; esac\nexit 0\n' \
	> "$tmp/pd"
chmod +x "$tmp/pd"
printf '#!/bin/sh\nsysctl -q net.ipv4.tcp_congestion_control=cubic\n' > "$tmp/suite/common/defaults.sh"
chmod +x "$tmp/suite/common/defaults.sh"
cat > "$tmp/suite/good.pkt" <<'PKT'
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  close(3) = 0
PKT
cat > "$tmp/suite/bad-v4.pkt" <<'PKT'
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  close(3) = -1 EBADF (Bad file descriptor)
PKT
# tcpspec skips this one (unsupported); packetdrill fails it: no agreement
cat > "$tmp/suite/unsup-pdfail.pkt" <<'PKT'
0   socket(..., SOCK_RAW, IPPROTO_TCP) = 3
PKT
python3 scripts/parity.py --packetdrill "$tmp/pd" --reruns 1 --json "$tmp/r.json" \
	"$tmp/suite" > "$tmp/out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/out"
# good.pkt, unsup-pdfail.pkt: ipv4, ipv4-mapped-ipv6, ipv6; bad-v4.pkt: not ipv6
if grep -q '3 scripts, 8 runs' "$tmp/out"; then ok "the runner's modes (v4-only script not over IPv6)"
else nok "the runner's modes (v4-only script not over IPv6)"; fi
if grep -q 'same verdict: 3 of 8' "$tmp/out" && [ $rc = 1 ] &&
   grep -q 'unsup-pdfail.pkt (ipv6) \[stable\] packetdrill fail/fail, tcpspec skip/skip' "$tmp/out"
then
	ok "confusion table: 3 of 8 agree (a skip is no failure), exit 1"
else
	nok "confusion table: 3 of 8 agree (a skip is no failure), exit 1 (exit $rc)"
fi
# progress on stderr while each side runs, ending on the whole count; tcpspec's counts
# the runs whose verdict is not packetdrill's (5 of 8: bad-v4 twice, unsup-pdfail thrice)
if grep -q '^parity: packetdrill 8/8 runs$' "$tmp/out" &&
   grep -q '^parity: tcpspec 8/8 runs, 5 differ$' "$tmp/out"; then
	ok "a progress line per side, the last with the whole count and the runs that differ"
else
	nok "a progress line per side, the last with the whole count and the runs that differ"
fi
if grep -q 'bad-v4.pkt (ipv4) \[stable\] packetdrill pass/pass, tcpspec fail/fail' "$tmp/out" &&
   grep -q 'tcpspec: .*bad-v4.pkt:2: .*close' "$tmp/out"; then
	ok "the disagreement is rerun, stable, with tcpspec's first message"
else
	nok "the disagreement is rerun, stable, with tcpspec's first message"
fi
if grep -q 'route-level congestion control in: common/defaults.sh' "$tmp/out"; then
	ok "packetdrill's copy of the suite puts the congestion control on the routes"
else
	nok "packetdrill's copy of the suite puts the congestion control on the routes"
fi
# the kernel's ksft_runner.sh: ipv4 and ipv6, or the one version a script names on a
# --ip_version= line of its own
mkdir -p "$tmp/ksft"
cp "$tmp/suite/good.pkt" "$tmp/ksft/both.pkt"
printf '%s\n' '--ip_version=ipv4' '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' \
	'+0 close(3) = 0' > "$tmp/ksft/own.pkt"
python3 scripts/parity.py --packetdrill "$tmp/pd" --reruns 1 --runner kselftest \
	--json "$tmp/k.json" "$tmp/ksft" > "$tmp/kout" 2>&1
rc=$?
sed 's/^/# /' "$tmp/kout"
if [ $rc = 0 ] && grep -q '2 scripts, 3 runs (kselftest runner)' "$tmp/kout" &&
   grep -q 'same verdict: 3 of 3' "$tmp/kout" &&
   python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['runs']
sys.exit(sorted((x['script'],x['mode']) for x in r) != [('both.pkt','ipv4'),('both.pkt','ipv6'),('own.pkt','ipv4')])" "$tmp/k.json"
then
	ok "kselftest runner: both versions, or only the one a script names"
else
	nok "kselftest runner: both versions, or only the one a script names (exit $rc)"
fi
echo "1..$n"
