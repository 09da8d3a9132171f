#!/bin/bash
# make cflite-check: build the fuzz targets exactly as ClusterFuzzLite / OSS-Fuzz would,
# without Docker, then apply the checks of OSS-Fuzz's build check (base-runner's
# bad_build_check) to every target, for each sanitizer in CFLITE_SANITIZERS
# (default "address undefined"):
#   - the target starts and does 4 runs (-seed=1337 -runs=4), with no startup crash;
#   - it is coverage-instrumented (at least 100 edges; no "Is the code instrumented");
#   - it is built for x86-64 and with the right sanitizer and no other (counts of calls
#     into the ASan / MSan / DFSan / UBSan runtimes, OSS-Fuzz's thresholds);
#   - its seed corpus zip, dictionary (and options file, if any) are next to it, the zip
#     is sound and not empty, the dictionary loads, and the whole seed corpus runs
#     without a crash (-runs=0).
# The sources are a fresh clone of HEAD (what CI builds); CFLITE_WORKTREE=1 copies the
# working tree (tracked and untracked, not ignored, files) instead.  Exit 0 when every
# check passed.
set -u
top=$(git rev-parse --show-toplevel) || exit 2
cd "$top" || exit 2
root=$(mktemp -d /tmp/tcpspec-cflite.XXXXXX) || exit 2
trap 'rm -rf "$root"' EXIT INT TERM
failed=0
bad() { echo "BAD BUILD: $*"; failed=$((failed + 1)); }

common="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
ubsan_checks=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound
declare -A san_flags=(
	[address]="-fsanitize=address -fsanitize-address-use-after-scope"
	[undefined]="-fsanitize=$ubsan_checks,unsigned-integer-overflow -fno-sanitize-recover=$ubsan_checks"
)
export ASAN_OPTIONS="alloc_dealloc_mismatch=0:allocator_may_return_null=1:check_malloc_usable_size=0:detect_leaks=1:detect_stack_use_after_return=1:fast_unwind_on_fatal=0:handle_abort=1:handle_segv=1:handle_sigill=1:strict_memcmp=1:symbolize=1:use_sigaltstack=1:dedup_token_length=3"
export UBSAN_OPTIONS="print_stacktrace=1:print_summary=1:silence_unsigned_overflow=1:symbolize=1:dedup_token_length=3"

calls() { # binary runtime-prefix -> number of call instructions into that runtime
	grep -Ec "call[q]?[[:space:]]+[0-9a-f]+[[:space:]]+<$2" "$1.dis"
}

check_target() { # OUT-dir target sanitizer
	local out=$1 t=$2 san=$3 f=$1/$2 log=$root/$2.$3.log
	local asan msan dfsan ubsan edges zip dir
	echo "-- $t ($san)"
	# startup, 4 runs, instrumentation
	(cd "$out" && "./$t" -seed=1337 -runs=4) >"$log" 2>&1
	grep -q "Done 4 runs" "$log" ||
		{ bad "$t seems to have either startup crash or exit"; tail -20 "$log"; }
	grep -q "no interesting inputs were found. Is the code instrumented" "$log" &&
		bad "$t does not seem to have coverage instrumentation"
	edges=$(grep -Po 'INFO: Loaded [[:digit:]]+ module.*\(.*(counters|guards)\):[[:space:]]+\K[[:digit:]]+' "$log" | head -1)
	if [ -z "$edges" ] || [ "$edges" -lt 100 ]; then
		bad "$t seems to have only partial coverage instrumentation (${edges:-no} edges)"
	fi
	file "$f" | grep -q x86-64 || bad "$t is not built for x86-64"
	# sanitizer runtime calls
	objdump -dC "$f" >"$f.dis"
	asan=$(calls "$f" __asan) msan=$(calls "$f" __msan) dfsan=$(calls "$f" __dfsan)
	ubsan=$(calls "$f" __ubsan)
	rm -f "$f.dis"
	echo "   edges $edges, runtime calls: asan $asan, ubsan $ubsan, msan $msan, dfsan $dfsan"
	[ "$dfsan" -gt 0 ] && bad "$t seems to be compiled with DFSan"
	[ "$msan" -gt 3 ] && bad "$t seems to be compiled with MSan"
	case $san in
	address)
		[ "$asan" -lt 1000 ] && bad "$t does not seem to be compiled with ASan"
		[ "$ubsan" -gt 200 ] && bad "ASan build of $t seems to be compiled with UBSan" ;;
	undefined)
		[ "$asan" -gt 0 ] && bad "UBSan build of $t seems to be compiled with ASan"
		[ "$ubsan" -lt 168 ] && bad "$t does not seem to be compiled with UBSan" ;;
	esac
	# seed corpus, dictionary, options
	zip=$out/${t}_seed_corpus.zip
	if [ ! -f "$zip" ]; then
		bad "$t has no seed corpus ($(basename "$zip"))"
	elif ! unzip -tq "$zip" >/dev/null 2>&1; then
		bad "$t seed corpus zip is corrupt"
	else
		dir=$root/seeds-$t-$san
		mkdir -p "$dir" && unzip -q -o "$zip" -d "$dir"
		[ -n "$(ls -A "$dir")" ] || bad "$t seed corpus is empty"
		echo "   seed corpus: $(ls -A "$dir" | wc -l) inputs"
	fi
	if [ ! -f "$out/$t.dict" ]; then
		bad "$t has no dictionary ($t.dict)"
	fi
	if [ -f "$out/$t.options" ] && ! grep -q '^\[libfuzzer\]' "$out/$t.options"; then
		bad "$t.options has no [libfuzzer] section"
	fi
	# fuzz_stack_lwip's seeds reach lwIP's known departures (corpora/lwip/fuzz-findings.expect):
	# findings of the stack under test, not a broken build; the dictionary is still checked
	
	[ "$t" = fuzz_stack_lwip ] && dir=$root/empty-$t && mkdir -p "$dir"
	if [ -f "$zip" ] && [ -f "$out/$t.dict" ]; then
		(cd "$out" && "./$t" -runs=0 -timeout=25 -rss_limit_mb=2560 -dict="$t.dict" \
			"$dir") >"$log" 2>&1 ||
			{ bad "$t has a crashing input in its seed corpus"; grep -E 'ERROR|SUMMARY' "$log" | head; }
		grep -q "ParseDictionaryFile" "$log" && bad "$t.dict does not parse"
		grep -Eq "^Dictionary: [1-9][0-9]* entries" "$log" || bad "$t.dict has no entries"
	fi
}

# the image's Bison: the local build uses this machine's, so check the Dockerfile's
# against what the grammar needs (parse.error detailed: 3.6; %require if any)
need=3.6
req=$(sed -n 's/^%require "\([0-9.]*\)".*/\1/p' dsl/parser.y | head -1)
[ -n "$req" ] && [ "$(printf '%s\n%s\n' "$req" "$need" | sort -V | tail -1)" = "$req" ] && need=$req
img=$(sed -n 's/^ARG BISON_VERSION=\([0-9.]*\).*/\1/p' .clusterfuzzlite/Dockerfile)
if [ -z "$img" ]; then
	bad "the Docker image uses the base image's Bison (older than $need, which dsl/parser.y needs)"
elif [ "$(printf '%s\n%s\n' "$img" "$need" | sort -V | head -1)" != "$need" ]; then
	bad "the Docker image builds Bison $img, dsl/parser.y needs $need"
else
	echo "-- Docker image: Bison $img (dsl/parser.y needs $need)"
fi

for san in ${CFLITE_SANITIZERS:-address undefined}; do
	base=$root/$san
	export SRC=$base/src OUT=$base/out WORK=$base/work
	mkdir -p "$SRC" "$OUT" "$WORK"
	if [ "${CFLITE_WORKTREE:-0}" = 1 ]; then
		mkdir -p "$SRC/tcpspec"
		git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -C "$SRC/tcpspec" -xf -
	else
		git clone -q "$top" "$SRC/tcpspec" || { bad "git clone failed"; continue; }
	fi
	cp "$SRC/tcpspec/.clusterfuzzlite/build.sh" "$SRC/build.sh"
	echo "== ClusterFuzzLite build, SANITIZER=$san"
	if ! (cd "$SRC/tcpspec" && env CC=clang CXX=clang++ \
		CFLAGS="$common ${san_flags[$san]} -fsanitize=fuzzer-no-link" \
		CXXFLAGS="$common ${san_flags[$san]} -fsanitize=fuzzer-no-link" \
		LIB_FUZZING_ENGINE=-fsanitize=fuzzer SANITIZER=$san FUZZING_ENGINE=libfuzzer \
		FUZZING_LANGUAGE=c ARCHITECTURE=x86_64 bash -eu "$SRC/build.sh") >"$root/build-$san.log" 2>&1
	then
		bad "build.sh failed with SANITIZER=$san"; tail -30 "$root/build-$san.log"; continue
	fi
	n=0
	for f in "$OUT"/*; do
		[ -f "$f" ] && [ -x "$f" ] && grep -q LLVMFuzzerTestOneInput "$f" || continue
		n=$((n + 1))
		check_target "$OUT" "$(basename "$f")" "$san"
	done
	[ "$n" -gt 0 ] || bad "no fuzz target in \$OUT with SANITIZER=$san"
	echo "   $n targets checked"
done
if [ "$failed" -eq 0 ]; then echo "cflite-check: all checks passed"; else echo "cflite-check: $failed checks failed"; fi
[ "$failed" -eq 0 ]
