#!/bin/sh
# The scripts of fuzz_stack's findings (corpora/fuzz/findings/TARGET/, one directory per
# stack under test: lwip, listed with the triage in corpora/lwip/fuzz-findings.expect;
# plugin-NAME, the test plugin build/tests/plugins/libNAME.so): each states what the reference
# stack does, so it passes on reference, and fails on its stack AT the record that broke
# the oracle (the line after the script's "// record N (...) broke the oracle" comment or
# later), not before it on a difference the finding is not about (where the stack made
# another allowed choice before, the script takes what it sends unchecked: '> ...');
# a crash finding fails with the stack's process dying.  A listed script that passes on
# lwip is stale; an unlisted one is a test failure.  Prints TAP.
cd "$(dirname "$0")/.." || exit 1
T=./tcpspec
EXP=corpora/lwip/fuzz-findings.expect
n=0
tap() { n=$((n + 1)); echo "$1 $n - $2"; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
lwip_ok=1
if ! $T run --target lwip corpora/lwip/passive-open-data-close.pkt >"$tmp/probe" 2>&1 &&
   grep -q "not available" "$tmp/probe"; then
	lwip_ok=0
	tap ok "lwip findings # SKIP lwip target not available: $(head -1 "$tmp/probe")"
fi
for f in corpora/fuzz/findings/*/*.pkt; do
	[ -f "$f" ] || continue
	b=$(basename "$f") dir=$(basename "$(dirname "$f")")
	case $dir in
	lwip)	[ $lwip_ok = 1 ] || continue
		target=lwip
		if ! grep -q "^\.\./fuzz/findings/lwip/$b	" "$EXP"; then
			tap "not ok" "$b is listed in $EXP with its triage"
			continue
		fi ;;
	plugin-*) target=plugin:build/tests/plugins/lib${dir#plugin-}.so
		if [ ! -f "${target#plugin:}" ]; then
			tap "not ok" "$dir/$b: ${target#plugin:} is built (make all)"; continue
		fi ;;
	*)	tap "not ok" "$dir/$b: a findings directory names its stack (lwip, plugin-NAME)"
		continue ;;
	esac
	mark=$(grep -n "^// record [0-9]* ([a-z]*) broke the oracle \[" "$f" | head -1 | cut -d: -f1)
	oracle=$(sed -n "${mark:-0}s/.*broke the oracle \[\([a-z0-9-]*\)\].*/\1/p" "$f")
	if [ -z "$mark" ]; then
		tap "not ok" "$dir/$b names the record that broke the oracle"
		continue
	fi
	if ! $T run -q "$f" >"$tmp/ref" 2>&1; then
		tap "not ok" "$dir/$b passes on reference"; sed 's/^/# /' "$tmp/ref" | head -5
		continue
	fi
	if $T run -q --no-expect --target "$target" "$f" >"$tmp/out" 2>&1; then
		tap "not ok" "$dir/$b fails on $target (it passes: the finding is stale)"
		continue
	fi
	at=$(grep -o "$b:[0-9]*:" "$tmp/out" | head -1 | tr -dc 0-9)
	if [ -z "$at" ] || [ "$at" -le "$mark" ]; then
		tap "not ok" "$dir/$b fails on $target at its record (line > $mark), not before"
		sed 's/^/# /' "$tmp/out" | head -5
	elif [ "$oracle" = crash ] && ! grep -q "died without a verdict" "$tmp/out"; then
		tap "not ok" "$dir/$b: the [crash] finding makes $target's process die"
		sed 's/^/# /' "$tmp/out" | head -5
	else
		tap ok "$dir/$b passes on reference and fails on $target at its record [$oracle]"
	fi
done
echo "1..$n"
