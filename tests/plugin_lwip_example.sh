#!/bin/sh
# examples/plugin-lwip/ from an installed SDK alone: `make install DESTDIR=...`, then the
# example's own Makefile with pkg-config pointed into the DESTDIR (no path into this
# tree), and the plugin it builds gives the same verdict as the in-tree lwip target on
# every script of corpora/conformance (each IP version) and corpora/lwip, and the same
# `tcpspec report` figures.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh

if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists lwip 2>/dev/null &&
   [ ! -f /usr/include/lwip/lwip/tcp.h ]; then
	skip_all "pkg-config or lwIP's headers (liblwip-dev) missing"
fi
if ! $T run --target lwip corpora/lwip/blocking-calls.pkt >/dev/null 2>&1; then
	skip_all "the in-tree lwip target does not run here"
fi

dest="$tmp/dest"
make --no-print-directory -s install DESTDIR="$dest" prefix=/usr >"$tmp/log" 2>&1 ||
	{ notok "make install DESTDIR"; sed 's/^/# /' "$tmp/log" | tail -5; }
# a copy outside the tree, as a stack author would take it; lwIP comes from the host
# (the sysroot is tcpspec's DESTDIR only), so its flags are given as they are here
cp -r examples/plugin-lwip "$tmp/src"
lwc=$(pkg-config --cflags lwip 2>/dev/null || echo -I/usr/include/lwip)
lwl=$(pkg-config --libs lwip 2>/dev/null || echo -llwip)
if PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" \
	make --no-print-directory -C "$tmp/src" LWIP_CFLAGS="$lwc" LWIP_LIBS="$lwl" \
	>"$tmp/log" 2>&1 &&
   [ -f "$tmp/src/liblwip-plugin.so" ] && ! grep -q -- "-I$(pwd)" "$tmp/log"; then
	ok "examples/plugin-lwip builds from the installed SDK alone"
else
	notok "examples/plugin-lwip build"; sed 's/^/# /' "$tmp/log" | tail -20
fi
SO="$tmp/src/liblwip-plugin.so"

verdicts() {    # target, args...: "VERDICT PATH [VERSION]" per script, sorted
	t=$1; shift
	# raw verdicts (--no-expect): the in-tree target finds lwIP's expectations file, the
	# plugin (another target name) does not, and the stacks' verdicts are compared
	$T run --no-expect --target "$t" -j 2 "$@" 2>&1 | awk '/^(ok|FAIL|SKIP|ERROR) /{print $1, $2, $3}' | sort
}
for v in ipv4 ipv6 ipv4-mapped-ipv6; do
	verdicts lwip --ip-version $v corpora/conformance >"$tmp/a"
	verdicts "plugin:$SO" --ip-version $v corpora/conformance >"$tmp/b"
	if [ "$(wc -l <"$tmp/a")" -gt 100 ] && cmp -s "$tmp/a" "$tmp/b"; then
		ok "lwIP plugin, $v: the in-tree lwip target's verdict on all $(wc -l <"$tmp/a") conformance scripts ($(grep -c '^ok' "$tmp/a") pass)"
	else
		notok "lwIP plugin, $v: verdicts differ from the in-tree lwip target"
		diff "$tmp/a" "$tmp/b" | head -20 | sed 's/^/# /'
	fi
done
verdicts lwip corpora/lwip >"$tmp/a"
verdicts "plugin:$SO" corpora/lwip >"$tmp/b"
if [ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b"; then
	ok "lwIP plugin: the in-tree lwip target's verdict on corpora/lwip"
else
	notok "lwIP plugin: verdicts differ on corpora/lwip"; diff "$tmp/a" "$tmp/b" | head | sed 's/^/# /'
fi

# the report, side by side, with the same expectations
E=corpora/lwip/conformance.expect
$T report --target "lwip,plugin:$SO" --expect "lwip=$E" --expect "lwip-plugin=$E" \
	--json "$tmp/r.json" corpora/conformance >/dev/null 2>"$tmp/log"
a=$(grep '"name": "lwip",' "$tmp/r.json" | sed 's/.*"pass"/"pass"/; s/,$//')
b=$(grep '"name": "lwip-plugin",' "$tmp/r.json" | sed 's/.*"pass"/"pass"/; s/,$//')
if [ -n "$a" ] && [ "$a" = "$b" ]; then
	ok "tcpspec report: lwip and lwip-plugin columns agree ($a)"
else
	notok "report figures differ: lwip $a, lwip-plugin $b"; tail -5 "$tmp/log" | sed 's/^/# /'
fi

# The plugin's mem_malloc & co. must be what liblwip calls (the example is built with
# -fvisibility=hidden): else its reset frees none of lwIP's blocks and fuzz_stack, one
# fresh stack per input, grows with every input.  One input replayed 300 and 3000
# times in one fuzz_stack process (the sanitizer build, ASan's quarantine kept small):
# the peak RSS stays flat (a plugin that hid them grew by some 5 MB).
if nm -D --defined-only "$SO" 2>/dev/null | grep -q ' T mem_malloc$'; then
	ok "the lwIP plugin exports its mem_malloc (liblwip's allocations reach its reset)"
else
	notok "the lwIP plugin exports mem_malloc"; nm -D "$SO" | grep mem_ | sed 's/^/# /'
fi
FZ=build-fuzz/fuzz/fuzz_stack
if [ -x "$FZ" ] && [ -x /usr/bin/time ]; then
	in=corpora/fuzz/findings/lwip/ack-of-unsent-data-fin-taken.input
	rss() {
		TCPSPEC_FUZZ_TARGET="plugin:$SO" TCPSPEC_FUZZ_IGNORE=window,read,written,checksum,rst-rst,ack-unsent,seq-range,rfc5961-ack,fin,hang,diverge \
		ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=1 /usr/bin/time -f %M "$FZ" \
			-runs="$1" "$in" 2>&1 >/dev/null | tail -1
	}
	r1=$(rss 300) r2=$(rss 3000)
	if [ -n "$r1" ] && [ -n "$r2" ] && [ $((r2 - r1)) -lt 2048 ]; then
		ok "fuzz_stack on the lwIP plugin: RSS flat over 3000 resets (${r1} kB, ${r2} kB)"
	else
		notok "fuzz_stack on the lwIP plugin: RSS grows with resets (${r1} kB after 300, ${r2} kB after 3000)"
	fi
else
	ok "fuzz_stack on the lwIP plugin over many resets # SKIP $FZ not built (make fuzz)"
fi
echo "1..$n"
