#!/bin/sh
# A third-party stack through the fuzz campaign, end to end: build/tests/plugins/
# libseqblind.so (tests/plugins/seqblind.c: an ABI version 1 plugin without TCP_INFO
# whose stack takes every data segment as the next in order, whatever its sequence
# number) is fuzzed by scripts/fuzz-campaign with fuzz_stack for FUZZ_PLUGIN_SECS
# seconds (default 40, seed 1).  It must give at least one distinct finding, and every
# finding's repro.pkt must pass on reference and fail on the plugin at the record that
# broke the oracle (not before it).  The time to the first finding is printed.
# Prints TAP.
. "$(dirname "$0")/fuzz_campaign_lib.sh"
SECS=${FUZZ_PLUGIN_SECS:-40}
campaign_setup "a plugin through the campaign"
PL=build/tests/plugins/libseqblind.so
start=$(date +%s)
campaign "$PL" "$SECS" 0.25
first=$(grep -m1 ' NEW finding ' "$tmp/campaign.log" | cut -d' ' -f1)
nf=$(ls -d "$tmp"/out/crashes/*/ 2>/dev/null | wc -l)
if [ "$nf" -gt 0 ]; then
	tap ok "the campaign finds the plugin's bug: $nf distinct finding(s), the first at $first (started $(date -d @"$start" +%T))"
else
	tap "not ok" "the campaign finds the plugin's bug"; sed 's/^/# /' "$tmp/campaign.log" | tail -20
	echo "1..$n"; exit 1
fi
for d in "$tmp"/out/crashes/*/; do
	id=$(basename "$d") f="$d/repro.pkt"
	mark=$(grep -n "^// record [0-9]* ([a-z]*) broke the oracle \[" "$f" 2>/dev/null | head -1 | cut -d: -f1)
	if [ -z "$mark" ]; then
		tap "not ok" "$id: repro.pkt names the record that broke the oracle"; continue
	fi
	if ! ./tcpspec run -q "$f" >"$tmp/ref" 2>&1; then
		tap "not ok" "$id: repro.pkt passes on reference"; sed 's/^/# /' "$tmp/ref" | head -5
		continue
	fi
	./tcpspec run -q --target "plugin:$PL" "$f" >"$tmp/pl" 2>&1
	at=$(grep -o "repro.pkt:[0-9]*:" "$tmp/pl" | head -1 | tr -dc 0-9)
	if [ -n "$at" ] && [ "$at" -gt "$mark" ]; then
		tap ok "$id: repro.pkt passes on reference, fails on the plugin at its record ($(sed -n 's/^\/\/ Finding: \[\([a-z-]*\)\].*/\1/p' "$f"))"
	else
		tap "not ok" "$id: repro.pkt fails on the plugin at its record (after line $mark)"
		sed 's/^/# /' "$tmp/pl" | head -5
	fi
done
no_artifacts_in_tree
echo "1..$n"
