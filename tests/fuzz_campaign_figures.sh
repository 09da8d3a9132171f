#!/bin/sh
# scripts/fuzz-campaign's figures as a user reads them, on a copy of the test plugin
# build/tests/plugins/libseqblind.so under a long file name (a stack with findings):
# - the summary table and the findings table are aligned: every cell of a column starts
#   where its heading starts (words) or ends where it ends (numbers), whatever the
#   length of the target's name;
# - every heading of the summary table and every label of the progress line is
#   explained under FIGURES in --help, and the progress line does not show libFuzzer's
#   fork-mode "cov" (not an edge count) nor an unlabelled exec/s sum;
# - the figures add up: the findings' input counts sum to the "triaged" column, and
#   inputs = triaged + to-triage in a fresh output directory;
# - a second campaign into the same directory keeps the first one's summary
#   (runs/summary-START.json), summary.json being the latest.
# Prints TAP.
. "$(dirname "$0")/fuzz_campaign_lib.sh"
campaign_setup "the campaign's figures"
PL=$tmp/libseqblind-a-stack-with-a-rather-long-file-name-for-the-table.so
cp build/tests/plugins/libseqblind.so "$PL"
PROGRESS=5 campaign "$PL" 30 0.25
sed -n '/^target  /,/^$/p' "$tmp/campaign.log" | grep -v '^$\|^  ' >"$tmp/table"
sed -n '/^finding  /,/^$/p' "$tmp/campaign.log" | sed '/^$/d' >"$tmp/ftable"

# aligned: NCOLS (0: all) of each row against the heading's columns
aligned() { # FILE NCOLS
	awk -v nc="$2" '
	function cells(line, s, e,   i, k, inw) {
		k = 0; inw = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (c != " " && !inw) { k++; s[k] = i; inw = 1 }
			if (c == " " && inw) { e[k] = i - 1; inw = 0 }
		}
		if (inw) e[k] = length(line)
		return k
	}
	NR == 1 { nh = cells($0, hs, he); if (nc == 0 || nc > nh) nc = nh; next }
	{
		k = cells($0, rs, re)
		if (k < nc) { bad = bad " row " NR ": " k " cells"; next }
		for (i = 1; i <= nc; i++)
			if (rs[i] != hs[i] && re[i] != he[i]) bad = bad " row " NR " column " i
	}
	END { if (NR < 2) bad = "no rows"; if (bad != "") { print bad; exit 1 } }' "$1"
}
if out=$(aligned "$tmp/table" 0); then
	tap ok "the summary table is aligned with a long target name"
else
	tap "not ok" "the summary table is aligned with a long target name:$out"
	sed 's/^/# /' "$tmp/campaign.log" | tail -12
fi
if out=$(aligned "$tmp/ftable" 2); then
	tap ok "the findings table is aligned ($(($(wc -l <"$tmp/ftable") - 1)) findings)"
else
	tap "not ok" "the findings table is aligned:$out"; sed 's/^/# /' "$tmp/ftable"
fi

# every heading and progress label explained under FIGURES
scripts/fuzz-campaign --help | sed -n '/^FIGURES/,$p' >"$tmp/help"
missing=
for w in $(head -1 "$tmp/table") execs "per worker" "summed over" ft corpus \
	 "findings N distinct" inputs "to triage" "job restarts"; do
	grep -q -- "$w" "$tmp/help" || missing="$missing '$w'"
done 2>/dev/null
prog=$(grep -m1 '\] [0-9]*m[0-9]*s/[0-9]*m[0-9]*s fuzzing ' "$tmp/campaign.log")
for w in "per worker" "summed over" " ft " " corpus " " distinct " " inputs " "job restarts"; do
	case $prog in *"$w"*) ;; *) missing="$missing progress:'$w'" ;; esac
done
case $prog in *" cov "*) missing="$missing progress-shows-fork-cov" ;; esac
if [ -n "$prog" ] && [ -z "$missing" ]; then
	tap ok "every figure printed is explained under FIGURES in --help"
else
	tap "not ok" "every figure printed is explained under FIGURES in --help:$missing"
	echo "# $prog"
fi

# the figures add up
set -- $(sed -n 2p "$tmp/table")
shift $(($# - 3)); inputs=$1 triaged=$2 left=$3
sum=$(awk 'NR > 1 { s += $2 } END { print s + 0 }' "$tmp/ftable")
if [ -n "$inputs" ] && [ "$sum" = "$triaged" ] && [ "$inputs" = $((triaged + left)) ] &&
   [ "$sum" -gt 0 ]; then
	tap ok "the findings' inputs ($sum) add up to triaged, inputs = triaged + to-triage"
else
	tap "not ok" "the figures add up: findings' inputs $sum, inputs '$inputs', triaged '$triaged', to-triage '$left'"
	sed 's/^/# /' "$tmp/table" "$tmp/ftable"
fi

# a second campaign keeps the first one's summary
first=$(ls "$tmp"/out/runs/summary-*.json 2>/dev/null)
cp "$tmp/out/summary.json" "$tmp/first.json" 2>/dev/null
sleep 1
campaign "$PL" 10 0.25
n_runs=$(ls "$tmp"/out/runs/summary-*.json 2>/dev/null | wc -l)
latest=$(ls "$tmp"/out/runs/summary-*.json 2>/dev/null | sort | tail -1)
if [ -n "$first" ] && [ "$n_runs" -eq 2 ] && cmp -s "$first" "$tmp/first.json" &&
   cmp -s "$latest" "$tmp/out/summary.json" && ! cmp -s "$first" "$latest" &&
   scripts/fuzz-campaign --help | grep -q 'runs/summary-START.json'; then
	tap ok "a second campaign keeps the first one's summary in runs/, summary.json the latest"
else
	tap "not ok" "a second campaign keeps the first one's summary ($n_runs in runs/)"
	ls -l "$tmp/out" "$tmp/out/runs" 2>&1 | sed 's/^/# /'
fi
no_artifacts_in_tree
echo "1..$n"
