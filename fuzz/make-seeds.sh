#!/bin/sh
# Regenerate the seed corpora in corpora/fuzz/ (called by `make fuzz-seeds`, argument:
# the build directory holding fuzz/pkt2fuzz and fuzz/wire_seeds):
#   fuzz_wire_segment, fuzz_wire_options  packets and option areas built by wire/
#   fuzz_script                           the project's own .pkt scripts
#   fuzz_refstack                         the same scripts turned into records by pkt2fuzz
# Seeds are named seed-*; hand-written ones (seed-hand-*) and regression inputs
# (corpora/fuzz/regressions/, reg-*) are kept as they are.
set -eu
B=${1:-build}
for t in fuzz_wire_segment fuzz_wire_options fuzz_script fuzz_refstack; do
	mkdir -p "corpora/fuzz/$t"
	find "corpora/fuzz/$t" -name 'seed-*' ! -name 'seed-hand-*' -exec rm -f {} +
done
"$B/fuzz/wire_seeds" corpora/fuzz/fuzz_wire_segment corpora/fuzz/fuzz_wire_options
n=0 skipped=0
for f in $(find corpora -path corpora/fuzz -prune -o -name '*.pkt' -print | sort); do
	name=$(echo "$f" | sed 's|^corpora/||; s|\.pkt$||; s|/|-|g')
	cp "$f" "corpora/fuzz/fuzz_script/seed-$name.pkt"
	if "$B/fuzz/pkt2fuzz" "$f" "corpora/fuzz/fuzz_refstack/seed-$name" 2>/dev/null; then
		n=$((n + 1))
	else
		skipped=$((skipped + 1))
		rm -f "corpora/fuzz/fuzz_refstack/seed-$name"
	fi
done
# identical record streams are one seed
for t in fuzz_refstack fuzz_wire_options; do
	(cd "corpora/fuzz/$t" && md5sum seed-* | sort | awk 'seen[$1]++ { print $2 }' | xargs -r rm -f)
done
for t in fuzz_wire_segment fuzz_wire_options fuzz_script fuzz_refstack; do
	echo "corpora/fuzz/$t: $(ls "corpora/fuzz/$t" | wc -l) seeds"
done
echo "pkt2fuzz: $n scripts converted, $skipped not (parse errors or unsupported)"
