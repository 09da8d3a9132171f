#!/bin/sh
# tcpspec plugin-check: every check passes on the example plugin (and the lwIP example,
# built from examples/plugin-lwip when lwIP's headers are here), and each check fails on
# the test plugin built to break the rule it checks (tests/plugins/broken_*.c), naming
# the section of tcpspec-plugin(7) to read; a plugin that dies is a failed check, not a
# crashed tcpspec.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
P=build/tests/plugins

if [ ! -f build/examples/plugin/libexample.so ] || [ ! -f $P/libbroken_abi.so ]; then
	skip_all "test plugins not built"
fi
checks="abi open-close clock timers connect accept pending poll-timeout errno tcp_info settings caps stdout"

allok() {       # $1 plugin, $2 what
	$T plugin-check "$1" >"$tmp/out" 2>"$tmp/err"; rc=$?
	nchecks=$(grep -c '^\(ok\|FAIL\|SKIP\) ' "$tmp/out")
	if [ $rc = 0 ] && [ "$nchecks" = 13 ] && ! grep -q '^FAIL' "$tmp/out" &&
	   ! grep -q '^SKIP' "$tmp/out"; then
		ok "plugin-check passes every check on $2"
	else
		notok "plugin-check on $2: exit $rc"; sed 's/^/# /' "$tmp/out" "$tmp/err"
	fi
}
allok build/examples/plugin/libexample.so "the example plugin"

if pkg-config --exists lwip 2>/dev/null || [ -f /usr/include/lwip/lwip/tcp.h ]; then
	dest="$tmp/dest"
	make --no-print-directory -s install DESTDIR="$dest" prefix=/usr >"$tmp/log" 2>&1
	cp -r examples/plugin-lwip "$tmp/src"
	PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" \
		make --no-print-directory -s -C "$tmp/src" \
		LWIP_CFLAGS="$(pkg-config --cflags lwip 2>/dev/null || echo -I/usr/include/lwip)" \
		LWIP_LIBS="$(pkg-config --libs lwip 2>/dev/null || echo -llwip)" >"$tmp/log" 2>&1
	if [ -f "$tmp/src/liblwip-plugin.so" ]; then
		allok "$tmp/src/liblwip-plugin.so" "the lwIP example"
	else
		notok "the lwIP example builds"; sed 's/^/# /' "$tmp/log" | tail -5
	fi
else
	ok "lwIP example # SKIP lwIP's headers (liblwip-dev) are not installed"
fi

# each check fails on the plugin that breaks its rule, with the man page section
for c in $checks; do
	b=$c
	case $c in open-close) b=open ;; tcp_info) b=tcpinfo ;; poll-timeout) b=polltimeout ;; esac
	$T plugin-check "$P/libbroken_$b.so" >"$tmp/out" 2>&1; rc=$?
	line=$(grep "^FAIL  $c " "$tmp/out")
	if [ $rc = 1 ] && [ -n "$line" ] && echo "$line" | grep -q '(tcpspec-plugin(7), [A-Z_ ]*)$'; then
		ok "check $c fails on broken_$b: $(echo "$line" | cut -c20-92)..."
	else
		notok "check $c on broken_$b: exit $rc"; sed 's/^/# /' "$tmp/out"
	fi
done

# a plugin writing to its standard output: never a line of run's or report's results
# (the scripts' processes send it to stderr), and plugin-check's stdout check names it
$T run --target "plugin:$P/libbroken_stdout.so" corpora/conformance/blind/active-close-time-wait.pkt \
	>"$tmp/out" 2>"$tmp/err"; rc=$?
$T report --target "plugin:$P/libbroken_stdout.so" corpora/conformance/blind/active-close-time-wait.pkt \
	>"$tmp/rep" 2>>"$tmp/err"; rc2=$?
if [ $rc = 0 ] && [ $rc2 = 0 ] && ! grep -q "a line from the plugin" "$tmp/out" "$tmp/rep" &&
   grep -q "a line from the plugin" "$tmp/err"; then
	ok "a plugin's stdout goes to stderr in run and report, never among the results"
else
	notok "plugin stdout: run exit $rc, report exit $rc2"; sed 's/^/# /' "$tmp/out" "$tmp/rep"
fi
$T plugin-check "$P/libbroken_stdout.so" >"$tmp/out" 2>&1
if grep -q '^FAIL  stdout .*during [a-z_-]*: "ok    a line from the plugin"' "$tmp/out" &&
   [ "$(grep -c '^ok    a line' "$tmp/out")" = 0 ]; then
	ok "plugin-check quotes the plugin's stdout in the failed check, not as a line of its own"
else
	notok "plugin-check stdout quoting"; sed 's/^/# /' "$tmp/out"
fi

# a version 1 plugin without tcp_info or settings: those are skips that say why
$T plugin-check $P/libipv4only.so >"$tmp/out" 2>&1; rc=$?
if [ $rc = 0 ] && grep -q '^SKIP  tcp_info  *the caps lack TARGET_TCP_INFO' "$tmp/out" &&
   grep -q '^SKIP  settings  *ABI version 1 has no setting()' "$tmp/out"; then
	ok "a version 1 plugin: checks that do not apply are skips with the reason"
else
	notok "plugin-check on a version 1 plugin: exit $rc"; sed 's/^/# /' "$tmp/out"
fi

# a plugin that crashes: failed checks, tcpspec itself carries on
$T plugin-check $P/libcrashv6.so >"$tmp/out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q '^FAIL  caps .*crashed (signal 11)' "$tmp/out" &&
   grep -q '^ok    errno' "$tmp/out"; then
	ok "a plugin crashing in one check fails that check; the others run"
else
	notok "crashing plugin: exit $rc"; sed 's/^/# /' "$tmp/out"
fi

# usage
$T plugin-check >/dev/null 2>&1; rc1=$?
$T plugin-check --only nosuch $P/libbroken_abi.so >/dev/null 2>&1; rc2=$?
$T plugin-check "$tmp/nonexistent.so" >"$tmp/out" 2>&1; rc3=$?
if [ $rc1 = 2 ] && [ $rc2 = 2 ] && [ $rc3 = 1 ] && grep -q '^FAIL  abi .*nonexistent.so' "$tmp/out"; then
	ok "usage errors exit 2; a missing file fails the abi check naming it"
else
	notok "usage: exits $rc1 $rc2 $rc3"; sed 's/^/# /' "$tmp/out"
fi
echo "1..$n"
