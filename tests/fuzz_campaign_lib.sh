# tests/fuzz_campaign_lib.sh: sourced (not run) by the tests that put a plugin through
# scripts/fuzz-campaign (fuzz_planted.sh, fuzz_plugin_campaign.sh): TAP helpers, the
# build, one campaign of fuzz_stack on a plugin, and the check that the campaign wrote
# nothing into the tree.
set -u
MAKE=${MAKE:-make}
n=0
tap() { n=$((n + 1)); echo "$1 $n - $2"; }
skip() { tap ok "$1 # SKIP $2"; echo "1..$n"; exit 0; }

# campaign_setup WHAT: skips WHAT without clang or python3; makes $tmp and the builds
campaign_setup() {
	command -v clang >/dev/null 2>&1 || skip "$1" "clang is not installed"
	command -v python3 >/dev/null 2>&1 || skip "$1" "python3 is missing"
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT INT TERM
	if ! $MAKE -s --no-print-directory fuzz all >"$tmp/build.log" 2>&1; then
		tap "not ok" "make fuzz all"; sed 's/^/# /' "$tmp/build.log" | tail -20
		echo "1..$n"; exit 1
	fi
}

# campaign PLUGIN SECONDS ROUND-MINUTES: fuzz_stack on plugin:PLUGIN, seed 1, into
# $tmp/out, its output in $tmp/campaign.log; a progress line every $PROGRESS seconds
# when set
campaign() {
	scripts/fuzz-campaign --no-build --minutes "$(echo "$2" | awk '{ print $1 / 60 }')" \
		${PROGRESS:+--progress "$PROGRESS"} --round-minutes "$3" --seed 1 \
		--target "plugin:$1" --out "$tmp/out" fuzz_stack \
		>"$tmp/campaign.log" 2>&1
}

no_artifacts_in_tree() {
	if git status --porcelain 2>/dev/null | grep -q 'crash-\|leak-\|timeout-'; then
		tap "not ok" "the campaign writes no artifact into the tree"
	else
		tap ok "the campaign writes no artifact into the tree"
	fi
}
