#!/bin/sh
# No false green from how scripts are found, read and excused: broken links and link
# loops in a directory, '#' lines hiding other errors, report with nothing checked,
# expectations pinned to where a script fails, malformed level lines, and option
# values checked alike by every command.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
good=corpora/linux/passive-open.pkt
# res STATUS WHAT WHY: the TAP line for a check whose status is STATUS; on failure
# $tmp/out is shown and WHY (with the exit code) names the test
res() {
	if [ "$1" -eq 0 ]; then ok "$2"; else sed 's/^/# /' "$tmp/out"; notok "$3"; fi
}

# ---- links inside a directory ---------------------------------------------------------
mkdir -p "$tmp/links/sub"
cp "$good" "$tmp/links/a.pkt"
ln -s ../nowhere.pkt "$tmp/links/b.pkt"
for cmd in run report; do
	"$T" $cmd "$tmp/links" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "links/b.pkt: broken symbolic link" "$tmp/out" &&
		! grep -q "passed" "$tmp/out"
	res $? "$cmd: a broken link in a directory is exit 2 with its path" "$cmd: broken link (exit $rc)"
done
rm "$tmp/links/b.pkt"
ln -s .. "$tmp/links/sub/loop"
"$T" run "$tmp/links" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^ok ' "$tmp/out")" -eq 1 ] &&
	[ "$(grep -c 'already visited' "$tmp/out")" -eq 1 ] && grep -q "sub/loop" "$tmp/out"
res $? "a link loop: the script runs once, the loop said once" "a link loop (exit $rc)"
ln -s a.pkt "$tmp/links/c.pkt"
"$T" run "$tmp/links" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^ok ' "$tmp/out")" -eq 1 ]
res $? "a link to a script in the same tree: run once" "a script link (exit $rc)"

# ---- a FIFO (or device) named x.pkt: refused, not opened (open() would block for ever) --
mkdir -p "$tmp/fifo"
cp "$good" "$tmp/fifo/a.pkt"
mkfifo "$tmp/fifo/x.pkt"
for cmd in run report parse; do
	for arg in "$tmp/fifo/x.pkt" "$tmp/fifo"; do
		# the KILL only ends a hang (the bug): no time is measured
		timeout -s KILL 60 "$T" $cmd "$arg" > "$tmp/out" 2>&1; rc=$?
		[ $rc -eq 2 ] && grep -q "fifo/x.pkt:.*not a regular file" "$tmp/out"
		res $? "$cmd ${arg#"$tmp/"}: a FIFO is exit 2 'not a regular file'" \
			"$cmd ${arg#"$tmp/"}: FIFO (exit $rc)"
	done
done
rm -r "$tmp/fifo"

# ---- linux target: /dev/net/tun present but unusable -----------------------------------
# The state is made in a private mount namespace only (a read-only file bound over the
# device's name there; the host's device is not touched): run and report must both say
# "not available here" (3), report's JSON "available": false, not a column of skips (4).
name="/dev/net/tun there but unusable: run and report exit 3, available false"
touch "$tmp/tunfake"
if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/net/tun ] || ! command -v unshare > /dev/null ||
   ! unshare -m --propagation private sh -c "mount --bind '$tmp/tunfake' /dev/net/tun &&
	mount -o remount,bind,ro /dev/net/tun" 2> /dev/null; then
	n=$((n + 1)); echo "ok $n - $name # SKIP needs root, /dev/net/tun and mount namespaces"
else
	unshare -m --propagation private sh -c "mount --bind '$tmp/tunfake' /dev/net/tun &&
		mount -o remount,bind,ro /dev/net/tun &&
		{ '$T' run --target linux '$good'; echo \"run \$?\";
		  '$T' report --target reference,linux --json '$tmp/tun.json' '$good';
		  echo \"report \$?\"; }" > "$tmp/out" 2>&1
	grep -q '^run 3$' "$tmp/out" && grep -q '^report 3$' "$tmp/out" &&
		grep -q '"name": "linux", "version": null, "available": false' "$tmp/tun.json"
	res $? "$name" "tun unusable: $(grep -E '^(run|report) ' "$tmp/out" | tr '\n' ' ')"
fi

# ---- '#' lines: a directive is unsupported, other '#' lines and typos are errors --------
typo='+0 getsockop(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0'
printf '#if 0\n#endif\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n%s\n' "$typo" > "$tmp/ifzero.pkt"
"$T" parse "$tmp/ifzero.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "ifzero.pkt:4:4: error: unknown system call getsockop()" "$tmp/out"
res $? "a typo beside an unsupported #if is shown, exit 2 before 4" "typo beside #if (exit $rc)"
for line in '# note: written later' '#!/usr/bin/env packetdrill'; do
	printf '%s\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n%s\n' "$line" "$typo" > "$tmp/hash.pkt"
	"$T" parse "$tmp/hash.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "hash.pkt:1:1: error: .* is not a preprocessor directive" "$tmp/out" &&
		grep -q "hash.pkt:3:4: error: unknown system call getsockop()" "$tmp/out"
	res $? "'$line': an error at its line, and the typo shown too" "'$line' (exit $rc)"
	"$T" report "$tmp/hash.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ]
	res $? "report on it: exit 2" "report '$line' (exit $rc)"
done
printf 'TAP version 13\n# a test\nok 1 - x\n1..1\n' > "$tmp/tap.pkt"
"$T" run "$tmp/tap.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "^ERROR" "$tmp/out"
res $? "a TAP file named .pkt is a syntax error, not a skip" "TAP file as .pkt (exit $rc)"
printf '#define X 1\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' > "$tmp/define.pkt"
"$T" run "$tmp/define.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 4 ] && grep -q "unsupported: preprocessor line '#define X 1'" "$tmp/out"
res $? "a real directive alone stays unsupported (exit 4)" "#define alone (exit $rc)"

# ---- report: nothing checked is never a pass --------------------------------------------
mkdir "$tmp/allskip"
printf '#define X 1\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' > "$tmp/allskip/a.pkt"
"$T" report -q "$tmp/allskip" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 4 ]
res $? "report: every script skipped on a target is exit 4" "report all skipped (exit $rc)"
cp "$good" "$tmp/allskip/b.pkt"
"$T" report -q "$tmp/allskip" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ]
res $? "report: a skip beside a script that ran is a survey's 0" "report some skipped (exit $rc)"
unpriv=
[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
	unpriv="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ "$(id -u)" -eq 0 ] && [ -z "$unpriv" ]; then
	echo "ok $((n = n + 1)) - report with linux unavailable # SKIP needs setpriv"
else
	chmod -R a+rX "$tmp"; chmod a+rx "$tmp"
	$unpriv "$T" report -q --target linux,reference "$tmp/allskip/b.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 3 ]
	res $? "report --target linux,reference without root: exit 3" "report linux unavailable (exit $rc)"
fi
"$T" run --target plugin:"$(ls /lib/*/libm.so.6 /usr/lib/*/libm.so.6 2>/dev/null | head -1)" \
	"$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "is not a tcpspec plugin" "$tmp/out"
res $? "a shared object that is no tcpspec plugin (libm): exit 2" "libm as plugin (exit $rc)"

# ---- level lines: exactly one of MUST, SHOULD, MAY ---------------------------------------
for lv in 'MAY, MUST' 'SHOLD'; do
	{ printf '// level: %s\n' "$lv"; cat "$good"; } > "$tmp/level.pkt"
	"$T" report -q "$tmp/level.pkt" > "$tmp/out" 2>&1; rc=$?
	"$T" parse "$tmp/level.pkt" >> "$tmp/out" 2>&1; rc2=$?
	[ $rc -eq 2 ] && [ $rc2 -eq 2 ] &&
		grep -q "level.pkt:1:1: error: bad level line '$lv': the level is one of MUST, SHOULD or MAY" "$tmp/out"
	res $? "'// level: $lv' is a parse error naming the accepted forms" "level '$lv' (report $rc, parse $rc2)"
done
{ printf '// level: SHOULD\n// level: MUST\n'; cat "$good"; } > "$tmp/level.pkt"
for cmd in run report parse; do
	"$T" $cmd "$tmp/level.pkt" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "level.pkt:2:1: error: a second level line (line 2; the first is line 1)" "$tmp/out"
	res $? "$cmd: a second '// level:' line is a parse error naming both" "$cmd: two level lines (exit $rc)"
done
{ printf '// level: should\n'; cat "$good"; } > "$tmp/level.pkt"
"$T" parse -q "$tmp/level.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok "'// level: should' stays accepted" || notok "level should (exit $rc)"

# ---- expectations: which entry excused a deviation, and pinned to a line ----------------
mkdir "$tmp/ex"
sed 's/^\(+0 *> S\. 0:0(0)\) ack 1 /\1 ack 2 /' "$good" > "$tmp/ex/f.pkt"
fl=$(grep -n 'ack 2 ' "$tmp/ex/f.pkt" | cut -d: -f1)
printf '# a comment\nf.pkt:%s\tthe ack is off by one on purpose\n' "$fl" > "$tmp/ex/reference.expect"
"$T" run "$tmp/ex" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "documented deviation by .*ex/reference.expect:2: the ack is off" "$tmp/out" &&
	grep -q "f.pkt:$fl: error handling packet" "$tmp/out"
res $? "a deviation names the expectations file:line and its own failure line" "deviation line (exit $rc)"
printf 'f.pkt:%s\tthe ack is off by one on purpose\n' "$((fl + 3))" > "$tmp/ex/reference.expect"
"$T" run "$tmp/ex" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "^FAIL" "$tmp/out" &&
	grep -q "not the documented deviation (.*reference.expect:1 pins it to line $((fl + 3)); this failure is at line $fl)" "$tmp/out"
res $? "run: a failure at another line than the pinned one fails" "pinned elsewhere (exit $rc)"
"$T" report -q "$tmp/ex" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ]
res $? "report: the same, a fail" "report pinned elsewhere (exit $rc)"
printf 'f.pkt\tthe ack is off by one on purpose\n' > "$tmp/ex/reference.expect"
"$T" run "$tmp/ex" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "^DEVIATION" "$tmp/out"
res $? "an entry without a line still excuses any failure" "unpinned (exit $rc)"
mkdir "$tmp/ex/sub"
cp "$tmp/ex/f.pkt" "$tmp/ex/sub/f.pkt"
printf 'sub/f.pkt\tthe ack is off\n# between\n./sub/f.pkt:%s\tthe ack, pinned\n' "$fl" \
	> "$tmp/ex/reference.expect"
for cmd in run report; do
	"$T" $cmd "$tmp/ex" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q "ex/reference.expect:3: error: ./sub/f.pkt is listed already at line 1" "$tmp/out"
	res $? "$cmd: two entries for one script in an expectations file: exit 2 at file:line" \
		"$cmd: duplicate expectation (exit $rc)"
done
rm -r "$tmp/ex/sub"

# ---- options: one validation, limits named, every form alike ------------------------------
for form in "--define=NOPE" "--define=NOPE=1" "-D NOPE" "-DNOPE=2"; do
	"$T" run -q $form "$good" > "$tmp/out" 2>&1
	grep -q "no script of the run mentions NOPE" "$tmp/out" &&
		ok "run $form: warns that no script mentions NOPE" ||
		{ sed 's/^/# /' "$tmp/out"; notok "run $form: no warning"; }
done
"$T" report -q --define=NOPE "$good" > /dev/null 2> "$tmp/out"
grep -q "no script of the run mentions NOPE" "$tmp/out" && ok "report --define=NOPE: the same warning" ||
	{ sed 's/^/# /' "$tmp/out"; notok "report --define=NOPE: no warning"; }
for o in "--mtu=67:least MTU of IPv4, 68 octets" "--bind_port=65536:1 to 65535" "--relax=wn:known: syn-options" \
	 "--ip_version=ipv5:ipv4, ipv6 or ipv4-mapped-ipv6" "--local_ip=300.1.1.1:an IPv4 or IPv6 address" \
	 "--tcp_md5_secret=$(printf '%081d' 0):a key of 1 to 80 bytes"; do
	opt=${o%%:*} want=${o#*:}
	printf '%s\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' "$opt" > "$tmp/opt.pkt"
	r=""
	for cmd in parse fmt run; do
		"$T" $cmd "$tmp/opt.pkt" > "$tmp/out" 2>&1; rc=$?
		[ $rc -eq 2 ] && grep -q "opt.pkt:1:1: error: bad value for ${opt%%=*}: .*$want" "$tmp/out" ||
			{ r="$r $cmd:$rc"; sed 's/^/# /' "$tmp/out"; }
	done
	[ -z "$r" ] && ok "option line ${opt%%=*}: parse, fmt and run refuse it at 1:1 naming '$want'" ||
		notok "option line $opt:$r"
done
printf -- '--ip_version=ipv6\n--local_ip=192.0.2.1\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' > "$tmp/fam.pkt"
"$T" run "$tmp/fam.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "fam.pkt:2:1: error: --local_ip=192.0.2.1 is not an IPv6 address" "$tmp/out"
res $? "an address of the wrong family: its option line named" "address family (exit $rc)"
"$T" run --tolerance_usecs 5000 "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "needs a value, written --tolerance_usecs=VALUE" "$tmp/out"
res $? "--tolerance_usecs 5000: says the form is --tolerance_usecs=N" "tolerance with a space (exit $rc)"
"$T" run --timeout 0.0000001 "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "below the resolution of 0.001 s" "$tmp/out"
res $? "--timeout below 1 ms: refused naming the resolution" "tiny timeout (exit $rc)"
"$T" run --shard 1/20000 "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "N <= 10000" "$tmp/out"
res $? "--shard: the maximum N named" "shard (exit $rc)"
for args in "run --target lwip --target reference" "run --shard 1/2 --shard=2/2" \
	    "report --target reference --target=lwip"; do
	opt=$(echo "$args" | sed 's/^[a-z]* \(--[a-z]*\).*/\1/')
	# shellcheck disable=SC2086
	"$T" $args "$good" > "$tmp/out" 2>&1; rc=$?
	[ $rc -eq 2 ] && grep -q -e "$opt given twice" "$tmp/out" && ! grep -q "^ok" "$tmp/out"
	res $? "$args: a repeated option is a usage error naming it" "$args (exit $rc)"
done
"$T" run --expect "$tmp" "$good" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "is a directory, not an expectations file" "$tmp/out"
res $? "--expect DIR: refused" "--expect DIR (exit $rc)"
mkdir "$tmp/fmtlink"
printf '0   socket(..., SOCK_STREAM, IPPROTO_TCP)   = 3\n' > "$tmp/fmtlink/real.pkt"
ln -s real.pkt "$tmp/fmtlink/link.pkt"
"$T" fmt -w "$tmp/fmtlink/link.pkt" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ -L "$tmp/fmtlink/link.pkt" ] &&
	grep -q '^0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3$' "$tmp/fmtlink/real.pkt"
res $? "fmt -w through a symbolic link: the link stays, its file is formatted" "fmt -w link (exit $rc)"
"$T" report --help | head -1 | grep -q '^usage: tcpspec report \[--target' &&
	ok "report --help: --target optional" || notok "report --help: --target shown required"
"$T" run --help > "$tmp/out"
grep -q "either form defines NAME" "$tmp/out" && grep -q "ipv4|ipv6|ipv4-mapped-ipv6" "$tmp/out" &&
	grep -q "1 to 80 bytes" "$tmp/out" && grep -q "N <= 10000" "$tmp/out"
[ $? -eq 0 ] && ok "run --help: -D forms, --ip_version values and the limits" || notok "run --help"
echo "1..$n"
