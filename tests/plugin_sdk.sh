#!/bin/sh
# The plugin SDK from an installed tree: `make install DESTDIR=...` puts tcpspec/plugin.h,
# libtcpspec-plugin.a and tcpspec-plugin.pc there, and a plugin (tests/sdk/minimal.c)
# builds out of tree with exactly `cc -shared -fPIC $(pkg-config --cflags --libs
# tcpspec-plugin)`, pkg-config pointed into the DESTDIR.  The plugin then runs: its own
# name in reports and NAME.expect, its settings, TARGET_UNSUPPORTED as a skip.
# Prints TAP.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
top=$(pwd)

if ! command -v pkg-config >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
	skip_all "pkg-config or cc missing"
fi

dest="$tmp/dest"
if make --no-print-directory -s install DESTDIR="$dest" prefix=/usr >"$tmp/install.log" 2>&1 &&
   [ -f "$dest/usr/include/tcpspec/plugin.h" ] && [ -f "$dest/usr/lib/libtcpspec-plugin.a" ] &&
   [ -f "$dest/usr/lib/tcpspec-plugin.o" ] &&
   [ -f "$dest/usr/lib/pkgconfig/tcpspec-plugin.pc" ]; then
	ok "make install DESTDIR puts the header, the helper library and the .pc in place"
else
	notok "make install DESTDIR"; sed 's/^/# /' "$tmp/install.log" | tail -5
fi

export PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs tcpspec-plugin 2>"$tmp/pc.err")
case "$flags" in
*"-I$dest/usr/include"*"$dest/usr/lib/tcpspec-plugin.o"*) ok "pkg-config --cflags --libs tcpspec-plugin points into the DESTDIR" ;;
*) notok "pkg-config gave: $flags"; sed 's/^/# /' "$tmp/pc.err" ;;
esac

# the header alone, from a directory outside the tree, strict C and C++-free
mkdir "$tmp/out-of-tree" && cp tests/sdk/minimal.c "$tmp/out-of-tree/"
cd "$tmp/out-of-tree" || exit 1
# shellcheck disable=SC2086
if cc -shared -fPIC $flags -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-o libminimal.so minimal.c 2>"$tmp/cc.err"; then
	ok "a plugin builds out of tree: cc -shared -fPIC \$(pkg-config --cflags --libs tcpspec-plugin)"
else
	notok "out-of-tree build"; sed 's/^/# /' "$tmp/cc.err" | head -20
fi
cd "$top" || exit 1
SO="$tmp/out-of-tree/libminimal.so"

# Go: `#cgo pkg-config: tcpspec-plugin` must pass cgo's flag allow-list as it is (no
# CGO_LDFLAGS_ALLOW), and link the helpers into a c-shared library
if command -v go >/dev/null 2>&1; then
	mkdir "$tmp/goplug"
	cat >"$tmp/goplug/main.go" <<'GO'
package main

// #cgo pkg-config: tcpspec-plugin
// #include <stdint.h>
// #include <tcpspec/plugin.h>
// static int push_one(void) {
//	struct target_pktq q = { 0 };
//	uint8_t b = 1;
//	return target_pktq_push(&q, 0, &b, 1);
// }
import "C"

func main() { C.push_one() }
GO
	if (cd "$tmp/goplug" && env -u CGO_LDFLAGS_ALLOW -u CGO_CFLAGS_ALLOW GO111MODULE=off \
		GOPROXY=off GOFLAGS= GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath" \
		go build -buildmode=c-shared -o libgoplug.so .) >"$tmp/go.err" 2>&1 &&
	   nm -D --defined-only "$tmp/goplug/libgoplug.so" >"$tmp/go.nm" &&
	   ! grep -q target_pktq_push "$tmp/go.nm" &&
	   nm "$tmp/goplug/libgoplug.so" | grep -q ' t target_pktq_push$'; then
		ok "Go's cgo takes the .pc as it is (no CGO_LDFLAGS_ALLOW) and links the helpers hidden"
	else
		notok "cgo with #cgo pkg-config: tcpspec-plugin"; sed 's/^/# /' "$tmp/go.err" | head -10
	fi
else
	ok "# SKIP go missing: the cgo build of the .pc is not checked"
fi

cat >"$tmp/sock.pkt" <<'PKT'
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    close(3) = 0
+0    close(3) = -1 EBADF (Bad file descriptor)
PKT
cat >"$tmp/conn.pkt" <<'PKT'
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
PKT
cat >"$tmp/sack0.pkt" <<'PKT'
0     `sysctl -q net.ipv4.tcp_sack=0`
+0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
PKT
cat >"$tmp/sack1.pkt" <<'PKT'
0     `sysctl -q net.ipv4.tcp_sack=1`
+0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
PKT

$T run --target "plugin:$SO" "$tmp/sock.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 0 ]; then ok "the out-of-tree plugin runs a script (fds from the helper library)"
else notok "sock.pkt: exit $rc"; sed 's/^/# /' "$tmp/out"; fi

$T run --target "plugin:$SO" "$tmp/conn.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 4 ] && grep -q "minimal has no connect()" "$tmp/out"; then
	ok "call() returning TARGET_UNSUPPORTED skips the script with the plugin's sentence"
else notok "conn.pkt: exit $rc"; sed 's/^/# /' "$tmp/out"; fi

$T run --target "plugin:$SO" "$tmp/sack0.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 0 ]; then ok "a sysctl line reaches setting() through the shared mapper"
else notok "sack0.pkt: exit $rc"; sed 's/^/# /' "$tmp/out"; fi

$T run --target "plugin:$SO" "$tmp/sack1.pkt" >"$tmp/out" 2>&1; rc=$?
if [ $rc = 4 ] && grep -q "cannot take net.ipv4.tcp_sack = 1: minimal has no SACK" "$tmp/out"; then
	ok "a setting the plugin refuses skips the script with its reason"
else notok "sack1.pkt: exit $rc"; sed 's/^/# /' "$tmp/out"; fi

# its own name and version in the report; its expectations in minimal.expect
mkdir "$tmp/suite" && cp "$tmp/sock.pkt" "$tmp/conn.pkt" "$tmp/suite/"
cat >"$tmp/suite/wrong.pkt" <<'PKT'
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    close(3) = -1 EBADF (Bad file descriptor)
PKT
printf 'wrong.pkt\tclose() of an open fd succeeds, for the test\n' >"$tmp/suite/minimal.expect"
$T report --target "plugin:$SO" --json "$tmp/r.json" --markdown "$tmp/r.md" "$tmp/suite" \
	>"$tmp/out" 2>&1; rc=$?
if grep -q '"name": "minimal", "version": "0.1"' "$tmp/r.json" &&
   grep -q '| minimal (0.1) |' "$tmp/r.md"; then
	ok "report: the plugin's own name and version (JSON and Markdown)"
else
	notok "report names: exit $rc"; head -5 "$tmp/r.json" | sed 's/^/# /'
fi
if grep -q 'minimal.expect' "$tmp/r.md" && grep -q '"pass": 1, "deviation": 1, "fail": 0, "skipped": 1' "$tmp/r.json"; then
	ok "report: NAME.expect (minimal.expect) is the plugin's expectations file"
else
	notok "report: minimal.expect not used"; sed 's/^/# /' "$tmp/r.md" | head -12
fi
# where tcpspec-plugin(7) says the name and version appear, they do: the Summary row
# reads "name (version)", the matrices head the column with the name alone, JSON and
# JUnit carry the name, TAP lines none (and the page says so)
man=$(tr '\n' ' ' <docs/tcpspec-plugin.7)
if grep -q '^| minimal (0.1) | ' "$tmp/r.md" && grep -q '^| requirement | title | scripts | minimal |$' "$tmp/r.md" &&
   echo "$man" | grep -q 'its row in the Summary table of .BR tcpspec\\-report (1) reads .IB name " (" version ) , the matrices head its column with .I name alone' &&
   ! echo "$man" | grep -q 'column in .BR tcpspec\\-report (1) reads'; then
	ok "report: name (version) in the Summary row, the name in matrix columns, as the man page says"
else
	notok "report: name and version where tcpspec-plugin(7) says"; grep '^| ' "$tmp/r.md" | head -20 | sed 's/^/# /'
fi
$T run --target "plugin:$SO" --tap "$tmp/r.tap" --junit "$tmp/r.xml" "$tmp/sock.pkt" >/dev/null 2>&1
if grep -q 'minimal' "$tmp/r.xml" && ! grep -q 'minimal' "$tmp/r.tap" &&
   ! echo "$man" | grep -q 'JSON, TAP and JUnit' && echo "$man" | grep -q 'TAP lines name the script'; then
	ok "run: JUnit names the plugin, TAP does not, and the man page says no more"
else
	notok "run: target names in TAP/JUnit against the man page"; sed 's/^/# /' "$tmp/r.tap"
fi
echo "1..$n"
