#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of tcpspec's fuzz targets.  Runs in $SRC/tcpspec with
# the builder's CC, CFLAGS, LIB_FUZZING_ENGINE, SANITIZER, OUT and WORK.  The whole library
# is compiled with $CFLAGS (sanitizer and coverage flags included) into $WORK, each target
# is linked with $LIB_FUZZING_ENGINE, and next to each target in $OUT go its seed corpus
# (seeds plus every kept regression input) as TARGET_seed_corpus.zip, its dictionary as
# TARGET.dict and, when there is one, its TARGET.options.
b="$WORK/tcpspec-build"
# the fuzz targets' plumbing without coverage instrumentation, as in `make fuzz`
# (fuzz/coverage-ignore.txt); a coverage build (source-based, no -fsanitize-coverage)
# has nothing to leave out
if [ "${SANITIZER:-}" != coverage ]; then
	CFLAGS="$CFLAGS -fsanitize-coverage-ignorelist=$PWD/fuzz/coverage-ignore.txt"
fi
# dsl/ includes its generated header as build/dsl/parser.h whatever the build directory
make -s build/dsl/parser.h
nocmp= notwin=
if [ "${SANITIZER:-}" != coverage ]; then
	nocmp=-fno-sanitize-coverage=trace-cmp
	notwin=-fsanitize-coverage-ignorelist=$PWD/fuzz/coverage-twin.txt
fi
make -j"$(nproc)" B="$b" CC="$CC" CFLAGS="$CFLAGS" \
	LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" FUZZ_NO_TRACE_CMP="$nocmp" \
	FUZZ_TWIN_CFLAGS="$notwin" fuzz-bins
for t in $(make -s --no-print-directory fuzz-list); do
	cp "$b/fuzz/$t" "$OUT/$t"
	rm -f "$OUT/${t}_seed_corpus.zip"
	for d in "corpora/fuzz/$t" "corpora/fuzz/regressions/$t"; do
		if [ -d "$d" ] && [ -n "$(ls -A "$d")" ]; then
			# -j flattens; seed and regression names never collide (see corpora/fuzz/README)
			zip -q -j "$OUT/${t}_seed_corpus.zip" "$d"/*
		fi
	done
	cp "corpora/fuzz/$t.dict" "$OUT/$t.dict"
	if [ -f "corpora/fuzz/$t.options" ]; then
		cp "corpora/fuzz/$t.options" "$OUT/$t.options"
	fi
done
