#!/bin/sh
# The plugin:PATH.so target end to end: the example plugin (the reference stack as a
# .so) runs scripts of corpora/ with the same verdicts as the built-in reference
# target; a missing or broken .so is exit 3 with a message naming the problem.
# Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
SO=build/examples/plugin/libexample.so

if [ ! -f "$SO" ]; then
	skip_all "$SO not built"
fi

# scripts the reference stack passes: they must pass through the plugin too
scripts="corpora/linux/passive-open.pkt corpora/linux/active-open.pkt
corpora/linux/data-both.pkt corpora/linux/close-active.pkt
corpora/linux/read-blocking.pkt corpora/linux/poll-blocking.pkt
corpora/linux/code-block.pkt
corpora/conformance/rfc9293/3.6-closing/fin-retransmitted.pkt
corpora/conformance/rfc9293/3.8.4-keepalive/keepalive-probe-after-idle.pkt
corpora/conformance/rfc9293/3.10.7.1-rst-generation/closed-port-ack.pkt
corpora/conformance/rfc6298-rto/rto-exponential-backoff.pkt"

for s in $scripts; do
	[ -f "$s" ] || { notok "$s exists"; continue; }
	$T run --target reference "$s" >"$tmp/ref" 2>&1; want=$?
	if [ "$want" != 0 ]; then
		ok "$s # SKIP fails on the reference target itself (exit $want)"
		continue
	fi
	$T run --target "plugin:$SO" "$s" >"$tmp/plug" 2>&1; got=$?
	if [ "$got" = 0 ] && grep -q "^ok " "$tmp/plug"; then
		ok "plugin: $s passes, as on the reference target"
	else
		notok "plugin: exit $got on $s, which passes on the reference target"
		sed 's/^/# /' "$tmp/plug"
	fi
done

# the whole conformance suite: the same verdict per script as the built-in target, but
# for TCP over UDP, which only the reference target carries (a plugin skips it, with the
# reason)
$T run --target "plugin:$SO" -j 2 corpora/conformance >"$tmp/plug-all" 2>&1
awk '/^SKIP /{p = $2; getline why; if (why ~ /TCP over UDP/) print p}' "$tmp/plug-all" >"$tmp/tou"
verdicts() { awk -v skip="$tmp/tou" 'BEGIN { while ((getline l < skip) > 0) tou[l] = 1 }
	/^(ok|FAIL|SKIP|ERROR) / && !($2 in tou) {print $1, $2}' | sort; }
$T run --target reference -j 2 corpora/conformance 2>&1 | verdicts >"$tmp/v-ref"
verdicts <"$tmp/plug-all" >"$tmp/v-plug"
if [ -s "$tmp/v-ref" ] && cmp -s "$tmp/v-ref" "$tmp/v-plug"; then
	ok "plugin: same verdict as reference on all $(wc -l <"$tmp/v-ref") conformance scripts"
else
	notok "plugin: verdicts differ from reference on corpora/conformance"
	diff "$tmp/v-ref" "$tmp/v-plug" | sed 's/^/# /' | head -20
fi

# a script the plugin must fail: the stack's SYN-ACK is not a RST
cat >"$tmp/wrong.pkt" <<'PKT'
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0    < S 0:0(0) win 32792 <mss 1000>
+0    > R 0:0(0)
PKT
$T run --target "plugin:$SO" "$tmp/wrong.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q "wrong.pkt:5" "$tmp/out"; then
	ok "plugin: a wrong script fails (exit 1) at its line"
else
	notok "plugin: wrong script gave exit $rc"; sed 's/^/# /' "$tmp/out"
fi

# IPv6 and ipv4-mapped runs go through the plugin too
for v in ipv6 ipv4-mapped-ipv6; do
	$T run --target "plugin:$SO" --ip-version $v corpora/linux/data-both.pkt >"$tmp/out" 2>&1; rc=$?
	if [ $rc = 0 ]; then ok "plugin: $v run passes"; else notok "plugin: $v run exit $rc"; sed 's/^/# /' "$tmp/out"; fi
done

# missing .so: a usage error (exit 2), the path named
$T run --target "plugin:$tmp/nonexistent.so" corpora/dsl/passive-open.pkt >"$tmp/out" 2>&1; rc=$?
if [ $rc = 2 ] && grep -q "nonexistent.so" "$tmp/out"; then
	ok "missing plugin: exit 2 naming the file"
else
	notok "missing plugin: exit $rc"; sed 's/^/# /' "$tmp/out"
fi

# not a shared object at all
echo "not an ELF file" >"$tmp/broken.so"
$T run --target "plugin:$tmp/broken.so" corpora/dsl/passive-open.pkt >"$tmp/out" 2>&1; rc=$?
if [ $rc = 2 ] && grep -q "cannot load plugin" "$tmp/out"; then
	ok "broken plugin: exit 2 (usage), cannot load"
else
	notok "broken plugin: exit $rc"; sed 's/^/# /' "$tmp/out"
fi

# a shared object without the entry point: not a tcpspec plugin, a usage error
if command -v cc >/dev/null 2>&1; then
	echo 'int not_a_plugin(void) { return 1; }' >"$tmp/np.c"
	if cc -shared -fPIC -o "$tmp/np.so" "$tmp/np.c" 2>/dev/null; then
		$T run --target "plugin:$tmp/np.so" corpora/dsl/passive-open.pkt >"$tmp/out" 2>&1; rc=$?
		if [ $rc = 2 ] && grep -q "tcpspec_plugin_v1" "$tmp/out"; then
			ok "plugin without the entry point: exit 2 (a wrong argument), the symbol named"
		else
			notok "plugin without the entry point: exit $rc"; sed 's/^/# /' "$tmp/out"
		fi
		# a plugin speaking another ABI version
		cat >"$tmp/v2.c" <<'C'
#include <stdint.h>
struct hdr { uint32_t abi_version, size; };
static const struct hdr h = { 2, sizeof h };
const void *tcpspec_plugin_v1(uint32_t abi) { (void)abi; return &h; }
C
		cc -shared -fPIC -o "$tmp/v2.so" "$tmp/v2.c" 2>/dev/null
		$T run --target "plugin:$tmp/v2.so" corpora/dsl/passive-open.pkt >"$tmp/out" 2>&1; rc=$?
		if [ $rc = 3 ] && grep -q "ABI version 2" "$tmp/out"; then
			ok "plugin of another ABI version: exit 3, both versions named"
		else
			notok "plugin of another ABI version: exit $rc"; sed 's/^/# /' "$tmp/out"
		fi
		# a plugin built against another layout of target.h
		cat >"$tmp/lay.c" <<'C'
#include "target-adapters/plugin_abi.h"
static const struct tcpspec_plugin_v1 t = { TCPSPEC_PLUGIN_V1_HEADER, .call_size = 8 };
const struct tcpspec_plugin_v1 *tcpspec_plugin_v1(uint32_t abi) { (void)abi; return &t; }
C
		cc -shared -fPIC -I. -Itarget-adapters/include -o "$tmp/lay.so" "$tmp/lay.c" 2>/dev/null
		$T run --target "plugin:$tmp/lay.so" corpora/dsl/passive-open.pkt >"$tmp/out" 2>&1; rc=$?
		if [ $rc = 3 ] && grep -q "struct target_call is 8 bytes there" "$tmp/out"; then
			ok "plugin built against another tcpspec/plugin.h: exit 3, the struct named"
		else
			notok "plugin with another layout: exit $rc"; sed 's/^/# /' "$tmp/out"
		fi
	fi
fi
# a plugin built before target_call and target_result grew (their earlier sizes)
OLD=build/tests/plugins/liboldlayout.so
if [ -f "$OLD" ]; then
	$T run --target "plugin:$OLD" corpora/linux/data-both.pkt corpora/linux/read-blocking.pkt \
		>"$tmp/out" 2>&1; rc=$?
	if [ $rc = 0 ]; then
		ok "plugin built against an earlier layout of the growing structs: loads and passes"
	else
		notok "plugin with an earlier layout: exit $rc"; sed 's/^/# /' "$tmp/out"
	fi
	# an iovec longer than its target_call holds (16) is refused, never cut short; a
	# plugin built with iov_lens gets it whole
	{
		printf '%s\n' '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' \
			'+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0' \
			'+0 bind(3, ..., ...) = 0' '+0 listen(3, 1) = 0' \
			'+0 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>' \
			'+0 > S. 0:0(0) ack 1 <...>' '+.01 < . 1:1(0) ack 1 win 257' \
			'+0 accept(3, ..., ...) = 4'
		printf '+0 writev(4, [{..., 2}'
		i=1; while [ $i -lt 20 ]; do printf ', {..., 2}'; i=$((i + 1)); done
		printf '], 20) = 40\n+0 > P. 1:41(40) ack 1\n'
	} > "$tmp/iov20.pkt"
	$T run --target "plugin:$OLD" "$tmp/iov20.pkt" >"$tmp/out" 2>&1; rc=$?
	$T run --target "plugin:$SO" "$tmp/iov20.pkt" >"$tmp/out2" 2>&1; rc2=$?
	if [ $rc = 4 ] && grep -q "iovec of 20 entries: .* holds 16" "$tmp/out" && [ $rc2 = 0 ]
	then
		ok "an iovec of 20: refused by a plugin built before iov_lens, whole to one after"
	else
		notok "iovec of 20: old plugin exit $rc (want 4), current exit $rc2 (want 0)"
		sed 's/^/# /' "$tmp/out" "$tmp/out2"
	fi
fi
echo "1..$n"
