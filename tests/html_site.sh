#!/bin/sh
# The HTML site (tcpspec run --html, tcpspec report --html) and decode --svg: every
# page and diagram is well-formed XML (xmllint), each arrow of a run's ladder is one
# packet of its capture, in order, with the label and direction tcpspec decode gives
# it; the failing run shows the script's packet beside the stack's with the differing
# fields marked and its failing line marked; text from scripts is escaped; the report's
# index holds the requirement x target matrix.  With chromium installed, the pages are
# also rendered by a headless browser and checked in its DOM.  Prints TAP.
T=${TCPSPEC:-./tcpspec}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; fi; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! command -v xmllint > /dev/null 2>&1; then
	skip "the site" "xmllint (libxml2-utils) is not installed"
	echo "1..$n"
	exit 0
fi
STACK=192.0.2.2         # the stack's address in every run (target defaults)
# a script lwIP fails on a flags difference, written here so that the suite's own
# scripts may change: 3000 octets without TCP_NODELAY into an MSS of 1200, so that
# lwIP's Nagle holds the write's tail (P. 1:3001 expected, . 1:1201 sent)
mkdir -p "$tmp/fail"
fail_script=$tmp/fail/active-open-nonblocking.pkt
cat > "$fail_script" <<'PKT'
// level: MUST
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0  connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0  > S 0:0(0) <...>
+0  poll([{fd=3, events=POLLOUT, revents=0}], 1, 0) = 0
+.2 < S. 0:0(0) ack 1 win 5792 <mss 1200,nop,nop,sackOK,nop,wscale 2>
+0  > . 1:1(0) ack 1
+0  poll([{fd=3, events=POLLOUT, revents=POLLOUT}], 1, 0) = 1
+0  getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0
+0  write(3, ..., 3000) = 3000
+0  > P. 1:3001(3000) ack 1
+.2 < . 1:1(0) ack 3001 win 5792
PKT
pass_script=corpora/conformance/rfc9293/3.5-establishing/active-open.pkt
[ -f "$pass_script" ] || pass_script=$(find corpora/conformance/rfc9293 -name 'active-open*.pkt' | head -1)

# a script whose text needs escaping, in a file whose name does too
weird="$tmp/scripts/a&b <\"c\">.pkt"
mkdir -p "$tmp/scripts"
{ echo '// <script>alert(1)</script> & "quotes" '"'"'too'"'"' </li></ol>'; cat "$pass_script"; } > "$weird"

# ---- run --html on the lwip target: one failure, one pass, the odd one ----------
mkdir -p "$tmp/pcap"
# (--no-expect: the failure lwIP's expectations document must stay a failure here)
"$T" run --target lwip --no-expect --pcap "$tmp/pcap" --html "$tmp/site" "$fail_script" "$pass_script" \
	"$weird" > "$tmp/run.out" 2>&1
rc=$?
[ $rc -eq 1 ] && [ -f "$tmp/site/index.html" ]
check $? "run --html writes DIR/index.html (exit $rc: one script fails)"
bad=0
for f in "$tmp/site/index.html" "$tmp/site/runs/"*.html; do
	xmllint --noout "$f" 2> "$tmp/xml.err" || { bad=1; sed 's/^/# /' "$tmp/xml.err"; }
done
check $bad "every page is well-formed (xmllint, $(ls "$tmp/site/runs" | wc -l) run pages)"
page="$tmp/site/runs/active-open-nonblocking.ipv4.html"
sed -n '/^<svg /,/^<\/svg>/p' "$page" > "$tmp/ladder.svg"
[ -s "$tmp/ladder.svg" ] && xmllint --noout "$tmp/ladder.svg"
check $? "the ladder diagram is a standalone well-formed SVG"

# arrows against the capture: the same packets, in the same order and direction
pcap="$tmp/pcap/active-open-nonblocking.ipv4.pcap"
"$T" decode --local $STACK "$pcap" | sed -n 's/^[-0-9.]* \([<>]\) \(.*\)$/\1 \2/p' |
	sed 's/^>/out/; s/^</in/' > "$tmp/decoded"
# the page: <g class="pkt out|in" ...><title>line N: sent by the ...: LABEL</title>
grep -o '<g class="pkt [a-z]*[^>]*><title>[^<]*</title>' "$page" |
	sed 's/^<g class="pkt \([a-z]*\).*: sent by the [a-z]*: \(.*\)<\/title>$/\1 \2/' |
	sed 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g; s/&#39;/'"'"'/g; s/&quot;/"/g' \
	> "$tmp/arrows"
npk=$(wc -l < "$tmp/decoded")
[ "$npk" -ge 4 ] && cmp -s "$tmp/decoded" "$tmp/arrows"
check $? "the ladder's arrows are the capture's $npk packets one for one (label and direction)"
[ $? -eq 0 ] || diff "$tmp/decoded" "$tmp/arrows" | sed 's/^/# /'

# several connections: the others' arrows say (rport N), as decode's lines do
multi=corpora/profiles/linux/rfc9293/3.10.7.2-listen/accept-in-arrival-order.pkt
mkdir -p "$tmp/mpcap"
"$T" run --pcap "$tmp/mpcap" --html "$tmp/msite" "$multi" > /dev/null 2>&1
"$T" decode --local $STACK "$tmp/mpcap/accept-in-arrival-order.ipv4.pcap" |
	sed -n 's/^[-0-9.]* \([<>]\) \(.*\)$/\1 \2/p' | sed 's/^>/out/; s/^</in/; s| // .*||' \
	> "$tmp/mdecoded"
grep -o '<g class="pkt [a-z]*[^>]*><title>[^<]*</title>' \
	"$tmp/msite/runs/accept-in-arrival-order.ipv4.html" |
	sed 's/^<g class="pkt \([a-z]*\).*: sent by the [a-z]*: \(.*\)<\/title>$/\1 \2/' |
	sed 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' > "$tmp/marrows"
[ "$(grep -c rport "$tmp/mdecoded")" -gt 4 ] && cmp -s "$tmp/mdecoded" "$tmp/marrows"
check $? "three connections: arrows and capture one for one, (rport N) on the others ($(wc -l < "$tmp/mdecoded") packets)"

grep -q '<g class="exp bad"' "$page" && grep -q '<tspan class="d">P\.</tspan>' "$page" &&
	grep -q '<g class="pkt out bad"' "$page"
check $? "the failing packet is drawn beside the script's, the differing flags marked"
line=$(sed -n 's/.*active-open-nonblocking.pkt:\([0-9]*\): error.*/\1/p' "$tmp/run.out" | head -1)
grep -q "<li id=\"L$line\" class=\"bad\">" "$page"
check $? "the script's failing line ($line) is marked"
grep -q '<g class="call"' "$page" && grep -q 'class="state"' "$page"
check $? "socket calls and the stack's TCP states are on the stack's side"
grep -q 'href="../pcap/active-open-nonblocking.ipv4.pcap"' "$page" ||
	grep -q 'href="[./]*[^"]*pcap/active-open-nonblocking.ipv4.pcap"' "$page"
check $? "the page links the run's capture"
wp=$(ls "$tmp/site/runs/" | grep '^a&b')
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;' "$tmp/site/runs/$wp" &&
	! grep -q '<script>' "$tmp/site/runs/$wp" && ! grep -q '<script' "$tmp/site/index.html"
check $? "script text and names are escaped; no page holds a script element"
first=$(grep -o '<tr class="r-[a-z]*"' "$tmp/site/index.html" | head -1)
[ "$first" = '<tr class="r-fail"' ] && grep -q 'id="f-fail"' "$tmp/site/index.html"
check $? "the index lists failures first and filters by verdict"
! grep -Eq '(src|href)="(https?:)?//' "$tmp/site/index.html" "$tmp/site/runs/"*.html
check $? "nothing is loaded from the network"

# a run stopped from outside (over --timeout) still gets its page, from tcpspec itself
if command -v python3 > /dev/null 2>&1; then
	printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n+0 %%{\nwhile True: pass\n}%%\n' \
		> "$tmp/loop.pkt"
	"$T" run --timeout 1 --html "$tmp/site2" "$tmp/loop.pkt" > /dev/null 2>&1
	xmllint --noout "$tmp/site2/runs/loop.ipv4.html" 2> /dev/null &&
		grep -q 'did not finish within 1 s' "$tmp/site2/runs/loop.ipv4.html"
	check $? "a run stopped at --timeout has a page with its message"
else
	skip "a run stopped at --timeout has a page" "python3 is not installed"
fi

# ---- decode --svg -----------------------------------------------------------------
"$T" decode --svg "$pcap" > "$tmp/decode.svg"
xmllint --noout "$tmp/decode.svg" &&
	[ "$(grep -c '<g class="pkt ' "$tmp/decode.svg")" -eq "$npk" ]
check $? "decode --svg draws the capture, one arrow per packet ($npk)"

# ---- report --html ----------------------------------------------------------------
"$T" report -q --target lwip,reference --expect lwip=corpora/lwip/conformance.expect \
	--json "$tmp/r.json" --html "$tmp/report" corpora/conformance/blind > /dev/null 2>&1
bad=0
for f in "$tmp/report/index.html" "$tmp/report"/*/index.html "$tmp/report"/*/runs/*.html; do
	xmllint --noout "$f" 2> "$tmp/xml.err" || { bad=1; sed 's/^/# /' "$tmp/xml.err" | head -5; }
done
check $bad "report --html: every page is well-formed"
reqs=$(grep -c '^<tr><td class="mono">RFC' "$tmp/report/index.html")
cells=$(sed -n '/<table id="matrix">/,/<\/table>/p' "$tmp/report/index.html" |
	grep -o '<td class="\(pass\|deviation\|fail\|skipped\|na\)"' | wc -l)
# the scripts table has the same cells: count only the matrix
[ "$reqs" -gt 10 ] && [ "$cells" -eq $((reqs * 2)) ]
check $? "the matrix has a cell per requirement and target ($reqs x 2)"
grep -q 'In TIME-WAIT state for 2MSL seconds' "$tmp/report/index.html" &&
	grep -q '<h2>Legend</h2>' "$tmp/report/index.html" && grep -q 'id="rollup"' "$tmp/report/index.html"
check $? "the index has requirement titles, a legend and the roll-up per RFC and level"
grep -q 'class="deviation"[^>]*><a href="lwip/runs/' "$tmp/report/index.html"
check $? "matrix cells link to the runs' ladder pages"
"$T" report -q --target lwip --expect lwip=/dev/null --baseline "$tmp/r.json" \
	--markdown "$tmp/b.md" corpora/conformance/blind > /dev/null 2>&1
grep -q '^- newly failing: `corpora/conformance/blind/' "$tmp/b.md"
check $? "--baseline lists the scripts newly failing (deviations without their expectations)"

# ---- a real browser -------------------------------------------------------------
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --dump-dom \
		"file://$tmp/site/runs/active-open-nonblocking.ipv4.html" > "$tmp/dom1" 2> /dev/null
	missing=0
	while read -r dir label; do
		grep -qF "$(printf '%s' "$label" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')" \
			"$tmp/dom1" || missing=$((missing + 1))
	done < "$tmp/decoded"
	[ -s "$tmp/dom1" ] && [ $missing -eq 0 ] &&
		[ "$(grep -o '<g class="pkt ' "$tmp/dom1" | wc -l)" -eq "$npk" ]
	check $? "chromium renders the run page with every arrow ($npk, $missing missing)"
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --dump-dom \
		"file://$tmp/report/index.html" > "$tmp/dom2" 2> /dev/null
	grep -q '<table id="matrix">' "$tmp/dom2"
	check $? "chromium renders the report's matrix"
else
	skip "chromium renders the run page with every arrow" "chromium is not installed (Debian package chromium)"
	skip "chromium renders the report's matrix" "chromium is not installed"
fi
echo "1..$n"
