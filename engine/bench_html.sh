#!/bin/sh
# HTML site benchmark (run by `make bench`): the whole conformance suite on the lwip
# target as a report, without and with --html DIR (the site: index, matrix and a page
# with a ladder diagram per run), side by side in the same run: the extra seconds, the
# ratio, and the site's size.  Figures only, no pass/fail threshold.
T=${TCPSPEC:-./tcpspec}
R=${BENCH_REPEAT:-3}
SUITE=corpora/conformance
EXP=corpora/lwip/conformance.expect
now() { date +%s%N; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
"$T" run --target lwip -q "$SUITE/rfc9293/3.1-header" > /dev/null 2>&1
if [ $? -eq 3 ]; then
	echo "html site: skipped (the lwip target is not available here)"
	exit 0
fi
# the best of R runs of each, interleaved, so both see the same machine load
best_plain=0 best_html=0 i=0
while [ $i -lt $R ]; do
	t0=$(now)
	"$T" report -q --target lwip --expect lwip=$EXP --json "$tmp/plain.json" "$SUITE" > /dev/null 2>&1
	t1=$(now)
	rm -rf "$tmp/site"
	"$T" report -q --target lwip --expect lwip=$EXP --json "$tmp/html.json" --html "$tmp/site" \
		"$SUITE" > /dev/null 2>&1
	t2=$(now)
	p=$(( (t1 - t0) / 1000000 )) h=$(( (t2 - t1) / 1000000 ))
	[ $best_plain -eq 0 ] || [ $p -lt $best_plain ] && best_plain=$p
	[ $best_html -eq 0 ] || [ $h -lt $best_html ] && best_html=$h
	i=$((i + 1))
done
pages=$(find "$tmp/site" -name '*.html' | wc -l)
kb=$(du -sk "$tmp/site" | cut -f1)
scripts=$(find "$SUITE" -name '*.pkt' | wc -l)
echo "html site: tcpspec report --target lwip on $SUITE ($scripts scripts), best of $R"
echo "  without --html: $best_plain ms   with --html: $best_html ms   extra: $((best_html - best_plain)) ms" \
	"  ratio: $(awk -v a=$best_html -v b=$best_plain 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
echo "  site: $pages pages, $kb KiB ($(awk -v k=$kb -v n=$pages 'BEGIN { if (n) printf "%.1f", k / n }') KiB a page)"
