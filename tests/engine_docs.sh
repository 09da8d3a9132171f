#!/bin/sh
# tcpspec-run(1) "Shell lines on in-process targets" lists the Linux settings the
# reference and lwip targets map: every name their adapters map is listed, every name
# listed is mapped, and a listed setting at its listed value passes on the reference
# target while an unlisted name is skipped with the line.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
MAN=docs/tcpspec-run.1

# the section, from its heading to the next one
sed -n '/^\.SS Shell lines on in-process targets/,/^\.S[HS] [^S]/p' $MAN >"$tmp/sec"
if [ -s "$tmp/sec" ]; then ok "the man page has the section"; else notok "the man page has the section"; fi
sed -n '/maps these Linux settings/,$p' "$tmp/sec" | grep -o '\b\(tcp\|ip\)_[a-z0-9_]*' |
	sort -u >"$tmp/listed"
# the lwip target's mapping is the lwIP plugin example's (see target-adapters/lwip.c)
src_reference=target-adapters/reference.c
src_lwip=examples/plugin-lwip/lwip_plugin.c
for a in reference lwip; do
	eval src=\$src_$a
	grep -o '"net\.ipv4\.[a-z0-9_]*"' "$src" | tr -d '"' |
		sed 's/^net\.ipv4\.//' | sort -u >"$tmp/$a"
	missing=$(comm -23 "$tmp/$a" "$tmp/listed" | tr '\n' ' ')
	if [ -z "$missing" ]; then ok "every setting the $a target maps is listed"
	else notok "every setting the $a target maps is listed (missing: $missing)"
	fi
done
sort -u "$tmp/reference" "$tmp/lwip" >"$tmp/mapped"
extra=$(comm -13 "$tmp/mapped" "$tmp/listed" | tr '\n' ' ')
if [ -z "$extra" ]; then ok "every listed setting is mapped by a target"
else notok "every listed setting is mapped by a target (not mapped: $extra)"
fi

# a few settings at their listed values, as sysctl lines and as /proc writes
cat >"$tmp/set.pkt" <<'PKT'
`sysctl -q net.ipv4.tcp_timestamps=0 net.ipv4.tcp_reordering=3
echo 1 > /proc/sys/net/ipv4/tcp_no_metrics_save; sysctl -w net.ipv4.tcp_base_mss=1024`
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
PKT
if $T run "$tmp/set.pkt" >"$tmp/out" 2>&1; then ok "listed settings at their values pass on the reference target"
else notok "listed settings at their values pass on the reference target"; sed 's/^/# /' "$tmp/out"
fi
# a value other than the fixed one, an unlisted name, another command: skipped, with the line
for line in 'sysctl -q net.ipv4.tcp_reordering=5' 'sysctl -q net.inet.tcp.blackhole=2' 'ifconfig lo up'; do
	printf '`%s`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' "$line" >"$tmp/skip.pkt"
	$T run "$tmp/skip.pkt" >"$tmp/out" 2>&1; rc=$?
	if [ $rc -eq 4 ] && grep -q "skip.pkt:1: unsupported: .*reference target" "$tmp/out"
	then ok "\`$line\` is skipped on the reference target (exit 4, FILE:LINE)"
	else notok "\`$line\` is skipped on the reference target (exit $rc)"; sed 's/^/# /' "$tmp/out"
	fi
done
# a set-up file: the message names its FILE:LINE
printf '#!/bin/sh\nsysctl -q net.ipv4.tcp_sack=1\nifconfig tun0 up\n' >"$tmp/setup.sh"
chmod +x "$tmp/setup.sh"
printf '`./setup.sh`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' >"$tmp/file.pkt"
$T run "$tmp/file.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 4 ] && grep -q "setup.sh:3, run by \`./setup.sh\`" "$tmp/out"
then ok "a set-up file's unmapped line is skipped with FILE:LINE"
else notok "a set-up file's unmapped line is skipped with FILE:LINE (exit $rc)"; sed 's/^/# /' "$tmp/out"
fi
echo "1..$n"
