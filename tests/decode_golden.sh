#!/bin/sh
# tcpspec decode: golden outputs on real and synthetic captures, an independent cross-
# check of flags, sequence ranges and acks against tcpdump's own decoding, and the
# error paths.  Prints TAP.
set -u
T=./tcpspec
W=tests/data/wire
D=tests/data/decode
n=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

golden() { # expected-file, capture, args...
	exp=$1 cap=$2; shift 2
	if $T decode "$@" "$cap" >"$tmp/out" 2>"$tmp/err" && diff -u "$exp" "$tmp/out" >"$tmp/diff"
	then ok "decode $* ${cap##*/} matches ${exp##*/}"
	else notok "decode $* ${cap##*/} matches ${exp##*/}"; sed 's/^/# /' "$tmp/diff" "$tmp/err"
	fi
}

golden $D/linux-v4-eth.out   $W/linux-v4-eth.pcap
golden $D/linux-v4-eth.out   $W/linux-v4-eth.pcapng
golden $D/linux-v6-eth.out   $W/linux-v6-eth.pcap
golden $D/linux-v6-eth-ipfields.out $W/linux-v6-eth.pcap --ip-fields
golden $D/linux-v4-sll.out   $W/linux-v4-sll.pcap
golden $D/linux-v4-sll-relative.out $W/linux-v4-sll.pcap --relative
golden $D/linux-v6-sll2.out  $W/linux-v6-sll2.pcap
golden $D/linux-v4-raw-client.out $W/linux-v4-raw.pcap --local 192.0.2.1
golden $D/linux-v6-null-absolute.out $W/linux-v6-null.pcap --absolute --local '[2001:db8::2]:8080'
golden $D/synthetic.out      $D/synthetic.pcap
golden $D/synthetic-checksums-encap.out $D/synthetic.pcap --checksums --udp-encap 9899
golden $D/two-peers.out      $D/two-peers.pcap

# several connections: the lines of every remote port but the first connection's say
# (rport N), the ICMP quoting such a connection's segment too, so that the decoded
# lines replay as a script between the calls of the script that made the capture
c=$(grep -c '(rport 40001)' $D/two-peers.out)
if [ "$c" -eq 6 ] && ! grep -q '(rport 40000)' $D/two-peers.out &&
   grep -q '^[0-9.]* < (rport 40001) icmp ' $D/two-peers.out
then ok "two-peers.out: (rport 40001) on the second peer's 5 segments and its ICMP only"
else notok "two-peers.out: (rport 40001) on the second peer's 5 segments and its ICMP only"
fi
replay() { # description, capture, target
	{ sed -n '/^0 /,/listen(/p' $D/two-peers.pkt; $T decode "$2"
	  grep 'accept(' $D/two-peers.pkt; } >"$tmp/replay.pkt"
	if $T run --target "$3" "$tmp/replay.pkt" >"$tmp/rout" 2>&1
	then ok "$1"
	else notok "$1"; sed 's/^/# /' "$tmp/rout"
	fi
}
mkdir "$tmp/pc"
if $T run --pcap "$tmp/pc" $D/two-peers.pkt >"$tmp/rout" 2>&1; then
	replay "a reference capture of two peers, decoded, replays on the reference target" \
		"$tmp/pc/two-peers.ipv4.pcap" reference
else
	notok "two-peers.pkt runs on the reference target"; sed 's/^/# /' "$tmp/rout"
fi
if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/net/tun ]; then
	skip "the linux capture of two peers, decoded, replays on linux" "needs root and /dev/net/tun"
else
	replay "the linux capture of two peers, decoded, replays on linux" $D/two-peers.pcap linux
fi

# the output is a script: every golden output parses with tcpspec parse
for f in $D/*.out; do
	cp "$f" "$tmp/decoded.pkt"
	if $T parse "$tmp/decoded.pkt" >"$tmp/perr" 2>&1
	then ok "${f##*/} parses as a script"
	else notok "${f##*/} parses as a script"; sed 's/^/# /' "$tmp/perr"
	fi
done

# the same connection through every link type prints the same TCP lines
for f in linux-v4-raw.pcap linux-v4-eth.pcapng linux-v4-loop.pcap linux-v4-ipv4.pcap; do
	if $T decode $W/$f | grep -v // >"$tmp/a" && $T decode $W/linux-v4-eth.pcap | grep -v // >"$tmp/b" &&
	   cmp -s "$tmp/a" "$tmp/b"
	then ok "$f decodes like linux-v4-eth.pcap"
	else notok "$f decodes like linux-v4-eth.pcap"
	fi
done

# --relative gaps add up to the absolute times
$T decode $D/synthetic.pcap | grep -v '^//' | awk '{print $1}' >"$tmp/abs"
$T decode --relative $D/synthetic.pcap | grep -v '^//' |
	awk '{ t += substr($1, 2); printf "%.6f\n", t }' >"$tmp/sum"
if [ -s "$tmp/abs" ] && cmp -s "$tmp/abs" "$tmp/sum"
then ok "--relative gaps add up to the absolute times"
else notok "--relative gaps add up to the absolute times"
fi

# cross-check against tcpdump: flags, relative sequence ranges and acks, line by line
if ! command -v tcpdump >/dev/null 2>&1; then
	skip "tcpdump cross-check" "tcpdump not installed"
elif ! command -v python3 >/dev/null 2>&1; then
	skip "tcpdump cross-check" "python3 not installed"
else
	for f in linux-v4-eth.pcap linux-v6-eth.pcap linux-v4-sll.pcap linux-v6-sll2.pcap; do
		tcpdump -n -r $W/$f tcp 2>/dev/null >"$tmp/td"
		$T decode $W/$f | grep -v '//' >"$tmp/ts"
		if python3 - "$tmp/td" "$tmp/ts" >"$tmp/why" 2>&1 <<'PY'
import re, sys
td = [l for l in open(sys.argv[1]) if "Flags [" in l]
ts = [l.split() for l in open(sys.argv[2])]
if len(td) != len(ts) or not td:
    sys.exit("%d tcpdump lines, %d decode lines" % (len(td), len(ts)))
for i, (a, b) in enumerate(zip(td, ts)):
    flags = re.search(r"Flags \[([^\]]*)\]", a).group(1)
    mine = b[2]
    if sorted(flags) != sorted(mine):
        sys.exit("line %d: flags %s vs %s" % (i + 1, flags, mine))
    m = re.search(r"seq (\d+):(\d+)", a)
    if m and "S" not in flags:
        rng = re.match(r"(\d+):(\d+)\((\d+)\)", b[3])
        if (m.group(1), m.group(2)) != (rng.group(1), rng.group(2)):
            sys.exit("line %d: seq %s:%s vs %s" % (i + 1, m.group(1), m.group(2), b[3]))
    m = re.search(r"ack (\d+)", a)
    if m and "S" not in flags:
        if b[b.index("ack") + 1] != m.group(1):
            sys.exit("line %d: ack %s vs %s" % (i + 1, m.group(1), b[b.index("ack") + 1]))
    w = re.search(r"win (\d+)", a).group(1)
    if b[b.index("win") + 1] != w:
        sys.exit("line %d: win %s" % (i + 1, w))
PY
		then ok "$f agrees with tcpdump on flags, sequence ranges, acks and windows"
		else notok "$f agrees with tcpdump"; sed 's/^/# /' "$tmp/why"
		fi
	done
fi

# error paths
check_exit() { # description, expected status, stderr pattern, args...
	desc=$1 want=$2 pat=$3; shift 3
	$T decode "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
	if [ "$got" -eq "$want" ] && grep -q -- "$pat" "$tmp/err" "$tmp/out"
	then ok "$desc"
	else notok "$desc (exit $got, want $want)"; sed 's/^/# /' "$tmp/err"
	fi
}
check_exit "--help exits 0 and documents --local" 0 "--local ADDR" --help
check_exit "a missing file is exit 2 and named" 2 "$tmp/none.pcap" "$tmp/none.pcap"
check_exit "a file that is not a capture is exit 2 and named" 2 "README" $W/README
check_exit "no file is a usage error" 2 "no capture file"
check_exit "two files are a usage error" 2 "one capture file" $W/linux-v4-eth.pcap $W/linux-v4-eth.pcap
check_exit "a bad --local is a usage error" 2 "not ADDR" --local 192.0.2.300 $W/linux-v4-eth.pcap
check_exit "an unknown option is a usage error" 2 "unknown option" --frobnicate $W/linux-v4-eth.pcap
check_exit "a --local that matches nothing warns" 0 "no packet to or from" --local 198.51.100.99 $W/linux-v4-eth.pcap
# a pcap of link type USER0 (147), which decode does not know
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\223\000\000\000' >"$tmp/user0.pcap"
check_exit "an unsupported link type is exit 4 and named" 4 "link type 147" "$tmp/user0.pcap"
# a capture cut short in the middle of a record
head -c 100 $W/linux-v4-eth.pcap >"$tmp/cut.pcap"
check_exit "a truncated capture is exit 2 and named" 2 "cut.pcap" "$tmp/cut.pcap"
# ... and the frames before the cut are printed
head -c 1000 $W/linux-v4-eth.pcap >"$tmp/cut.pcap"
$T decode "$tmp/cut.pcap" >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q "after frame 7" "$tmp/err" && head -7 $D/linux-v4-eth.out | cmp -s - "$tmp/out"
then ok "a capture cut after 7 frames prints those 7"
else notok "a capture cut after 7 frames prints those 7"; sed 's/^/# /' "$tmp/err"
fi
echo "1..$n"
