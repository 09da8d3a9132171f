#!/bin/sh
# scripts/mutate itself (`make mutation` runs it over the whole suite; too long for
# `make check`): its curated list still applies to refstack/, a mutant the suite can
# see is killed, a mutant that changes nothing survives and is listed by file and line.
# Prints TAP.
cd "$(dirname "$0")/.." || exit 1
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if python3 scripts/mutate --list >"$tmp/list" 2>&1 && grep -q ' mutants, [0-9]* of them equivalent' "$tmp/list"; then
	ok "the mutants are made and every curated one still applies"
else
	notok "the mutants are made and every curated one still applies: $(tail -1 "$tmp/list")"
fi
# a known mutant: the left edge of a partly duplicate segment not trimmed (the old
# octets delivered in place of the new ones); an equivalent one: min() written with <=
printf '%s\t%s\t%s\t%s\n' \
	refstack/input.c 'if (data)\n\t\t\tdata += d;\n\t\tlen -= d;\n\t\tseq = ref_seq_add(seq, d);\n\t}\n\tref_seq_t wend' \
	'if (0)\n\t\t\tdata += d;\n\t\tlen -= d;\n\t\tseq = ref_seq_add(seq, d);\n\t}\n\tref_seq_t wend' 'left edge' \
	refstack/output.c 'static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }' \
	'static uint32_t min32(uint32_t a, uint32_t b) { return a <= b ? a : b; }' 'equivalent' \
	>"$tmp/mutants.txt"
python3 scripts/mutate --mutants "$tmp/mutants.txt" --listed-only --min-score 0 \
	--suite corpora/conformance/rfc9293/3.10.7.4-acceptability >"$tmp/out" 2>&1
if grep -q '^mutation: 1 killed / 2 mutants' "$tmp/out"; then
	ok "the left-edge mutant is killed, the equivalent one is not"
else
	notok "the left-edge mutant is killed, the equivalent one is not: $(tail -1 "$tmp/out")"
fi
if grep -q 'refstack/output.c:[0-9]*:[0-9]*.*min32' "$tmp/out" &&
   ! grep -q 'refstack/input.c:[0-9]*:.*LISTED' "$tmp/out"; then
	ok "the survivor is listed by file and line"
else
	notok "the survivor is listed by file and line"
fi
# with two suites, what each kills on its own: the left edge is a conformance script's,
# none of the URG scripts sees it
python3 scripts/mutate --mutants "$tmp/mutants.txt" --listed-only --min-score 0 \
	--suite corpora/conformance/rfc9293/3.10.7.4-acceptability,corpora/conformance/rfc9293/3.8.5-urgent \
	>"$tmp/out2" 2>&1
if grep -q '^  killed by corpora/conformance/rfc9293/3.10.7.4-acceptability alone: 1 / 2 ' "$tmp/out2" &&
   grep -q '^  killed by corpora/conformance/rfc9293/3.8.5-urgent alone: 0 / 2 ' "$tmp/out2"; then
	ok "with several suites, the kills of each alone are counted"
else
	notok "with several suites, the kills of each alone are counted: $(tail -3 "$tmp/out2")"
fi
# a list entry that no longer applies stops the tool
printf 'refstack/input.c\tno such text\tx\twhy\n' >"$tmp/stale.txt"
if python3 scripts/mutate --mutants "$tmp/stale.txt" --listed-only --list >"$tmp/o2" 2>&1; then
	notok "a stale list entry is an error"
else
	grep -q 'occurs 0 times' "$tmp/o2" && ok "a stale list entry is an error" ||
		notok "a stale list entry is an error: $(cat "$tmp/o2")"
fi
# a suite the unmutated stack fails would count every mutant as killed: refused
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 write(3, ..., 10) = 10\n' >"$tmp/fails.pkt"
# (any counted mutant will do; take the first one listed, so no line number goes stale)
first=$(python3 scripts/mutate --list 2>/dev/null | awk -F'\t' '$0 !~ /equivalent/ { sub(/^refstack\//, "", $1); print $1; exit }')
if python3 scripts/mutate --only "$first" --suite "$tmp/fails.pkt" >"$tmp/o4" 2>&1; then
	notok "a suite failing on the unmutated stack is refused"
else
	grep -q 'does not pass on the unmutated' "$tmp/o4" &&
		ok "a suite failing on the unmutated stack is refused" ||
		notok "a suite failing on the unmutated stack is refused: $(cat "$tmp/o4")"
fi
# an equivalence entry that no longer names a mutant stops the tool too
printf 'refstack/input.c\tROR\tno such line\twhy\n' >"$tmp/eq.txt"
if python3 scripts/mutate --equivalent "$tmp/eq.txt" --list >"$tmp/o3" 2>&1; then
	notok "a stale equivalence entry is an error"
else
	grep -q 'names 0 mutants' "$tmp/o3" && ok "a stale equivalence entry is an error" ||
		notok "a stale equivalence entry is an error: $(cat "$tmp/o3")"
fi
# the equivalent mutants the list names are marked and not run
if grep -q 'equivalent, not counted' "$tmp/list"; then
	ok "the listed equivalent mutants are marked"
else
	notok "the listed equivalent mutants are marked"
fi
echo "1..$n"
