# fuzz/: libFuzzer targets (LLVMFuzzerTestOneInput), their builds and the
# ClusterFuzzLite check.  Seeds, dictionaries and regression inputs live in corpora/fuzz/.
#
#   make fuzz          libFuzzer + ASan + UBSan       -> build-fuzz/fuzz/TARGET
#   make fuzz-ubsan    libFuzzer + UBSan only         -> build-fuzz-ubsan/fuzz/TARGET
#   make fuzz-plain    libFuzzer, no sanitizer (bench) -> build-fuzz-plain/fuzz/TARGET
#   make fuzz-afl      AFL++ (afl-clang-fast)         -> build-fuzz-afl/fuzz/TARGET
#   make cflite-check  .clusterfuzzlite/build.sh run as OSS-Fuzz would, then its build checks
#   make fuzz-seeds    regenerate the seed corpora in corpora/fuzz/ from the project's own
#                      scripts and packets
#
# Each variant is a sub-make with its own B, CC and CFLAGS building `fuzz-bins`, so the
# whole library is compiled with the variant's instrumentation.  `make fuzz` honours CC
# and CFLAGS when they come from the environment or the command line (OSS-Fuzz style:
# CFLAGS then carries every sanitizer and coverage flag) and LIB_FUZZING_ENGINE always.

FUZZ_ALL := fuzz_wire_segment fuzz_wire_options fuzz_script fuzz_refstack fuzz_stack \
	fuzz_stack_lwip

# The targets whose layer works; a target joins this list when the layer it drives
# lands (override on the command line to try one early: make fuzz FUZZ_TARGETS=...).
FUZZ_TARGETS ?= fuzz_wire_segment fuzz_wire_options fuzz_script fuzz_refstack fuzz_stack \
	fuzz_stack_lwip

# The record format of fuzz_refstack is shared with `tcpspec repro` and pkt2fuzz; it
# joins the library once the reference stack it drives works.
FUZZ_RECORDS ?= fuzz/records.c fuzz/stackdrv.c
LIB_SRCS += $(FUZZ_RECORDS)

LIB_FUZZING_ENGINE ?= -fsanitize=fuzzer
# the fuzz targets' plumbing gets no coverage instrumentation (fuzz/coverage-ignore.txt)
FUZZ_COV_IGNORE   := -fsanitize-coverage-ignorelist=$(CURDIR)/fuzz/coverage-ignore.txt
FUZZ_ASAN_CFLAGS  := -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	$(FUZZ_COV_IGNORE)
FUZZ_UBSAN_CFLAGS := -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,undefined -fno-sanitize-recover=undefined $(FUZZ_COV_IGNORE)
FUZZ_PLAIN_CFLAGS := -g -O2 -fsanitize=fuzzer-no-link $(FUZZ_COV_IGNORE)
FUZZ_AFL_CC       ?= afl-clang-fast
FUZZ_AFL_CFLAGS   := -g -O2

# The reference stack's comparisons are of sequence numbers, times and states that the
# records' relative fields never hold as such: tracing them (trace-cmp) feeds libFuzzer
# nothing it can put into an input and cost a third of fuzz_refstack's runs (29k against
# 19k a CPU-second under ASan+UBSan).  The same holds for fuzz_refstack's oracles (they
# compare the same TCB fields: 7% of its runs went to their traced comparisons) and for
# the lwIP mapping's clock and bookkeeping (lwip_plugin.c: virtual times, pcb pointers,
# a loop run for each of lwIP's timer ticks: 4% of fuzz_stack@lwip's).  Their edges stay
# instrumented.  The parsers (wire/, dsl/) keep theirs: option kinds, lengths and
# keywords are input bytes.  Set by the fuzz builds (below and
# .clusterfuzzlite/build.sh); empty in the others.
FUZZ_NO_TRACE_CMP ?=
$(B)/refstack/%.o $(B)/fuzz/fuzz_refstack.o $(B)/examples/plugin-lwip/lwip_plugin.o: ALL_CFLAGS += $(FUZZ_NO_TRACE_CMP)

fuzz_user_set = $(filter environment command,$(firstword $(origin $(1))))
FUZZ_CC     := $(if $(call fuzz_user_set,CC),$(CC),clang)
FUZZ_CFLAGS := $(if $(call fuzz_user_set,CFLAGS),$(CFLAGS),$(FUZZ_ASAN_CFLAGS))

FUZZ_BINS = $(addprefix $(B)/fuzz/,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-ubsan fuzz-plain fuzz-afl fuzz-bins fuzz-list fuzz-seeds cflite-check

# dsl/ includes its generated parser header as "build/dsl/parser.h", whatever B is:
# make sure that one exists before a variant builds into another directory.
FUZZ_PREP := $(if $(wildcard dsl/parser.y),build/dsl/parser.h)
fuzz fuzz-ubsan fuzz-plain fuzz-afl: $(FUZZ_PREP)

fuzz:
	+@$(MAKE) --no-print-directory B=build-fuzz CC='$(FUZZ_CC)' CFLAGS='$(FUZZ_CFLAGS)' \
		LIB_FUZZING_ENGINE='$(LIB_FUZZING_ENGINE)' \
		FUZZ_NO_TRACE_CMP=-fno-sanitize-coverage=trace-cmp fuzz-bins
fuzz-ubsan:
	+@$(MAKE) --no-print-directory B=build-fuzz-ubsan CC=clang CFLAGS='$(FUZZ_UBSAN_CFLAGS)' \
		LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
		FUZZ_NO_TRACE_CMP=-fno-sanitize-coverage=trace-cmp fuzz-bins
fuzz-plain:
	+@$(MAKE) --no-print-directory B=build-fuzz-plain CC=clang CFLAGS='$(FUZZ_PLAIN_CFLAGS)' \
		LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
		FUZZ_NO_TRACE_CMP=-fno-sanitize-coverage=trace-cmp fuzz-bins
# afl-clang-fast turns -fsanitize=fuzzer into AFL++'s libFuzzer-compatible driver.
# Sanitizers for AFL++ are chosen as usual: AFL_USE_ASAN=1 AFL_USE_UBSAN=1 make fuzz-afl.
fuzz-afl:
	+@$(MAKE) --no-print-directory B=build-fuzz-afl CC='$(FUZZ_AFL_CC)' CFLAGS='$(FUZZ_AFL_CFLAGS)' \
		LIB_FUZZING_ENGINE=-fsanitize=fuzzer fuzz-bins

# The targets of one variant; B, CC, CFLAGS and LIB_FUZZING_ENGINE come from the caller.
fuzz-bins: $(FUZZ_BINS) $(B)/fuzz/bench_null
	@echo "fuzz targets in $(B)/fuzz: $(FUZZ_TARGETS)"

# The targets link only the layers they drive (wire, dsl, refstack and the record
# driver), from their own archive: a fuzz build does not wait for, or break with, the
# engine and the adapters, and needs no libpcap.
FUZZ_LIB := $(B)/fuzz/libfuzzlayers.a
FUZZ_LIB_OBJS := $(patsubst %.c,$(B)/%.o,$(filter wire/% dsl/% refstack/% fuzz/%,$(LIB_SRCS))) \
	$(patsubst %.c,%.o,$(filter $(B)/dsl/%,$(GEN_SRCS)))
$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(filter-out %/fuzz_stack %/fuzz_stack_lwip,$(FUZZ_BINS)): $(B)/fuzz/%: $(B)/fuzz/%.o $(FUZZ_LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(FUZZ_LIB) $(LIB_FUZZING_ENGINE) -lm

# fuzz_stack drives targets through target.h: it links the adapters too (lwIP from
# Debian's shared liblwip, plugins with dlopen).  The stack driver is in FUZZ_LIB.
# (by wildcard: lwip.mk, which adds the lwIP mapping to LIB_SRCS, may be read after us)
FUZZ_ADAPTER_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard target-adapters/*.c \
	target-adapters/linux/*.c target-adapters/common/*.c target-adapters/sdk/*.c \
	examples/plugin-lwip/*.c))
# fuzz_stack_lwip is fuzz_stack with lwip as the default stack: a target of its own, for
# runners that cannot set TCPSPEC_FUZZ_TARGET (ClusterFuzzLite's nightly batch).
$(B)/fuzz/fuzz_stack_lwip.o: fuzz/fuzz_stack.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -DTCPSPEC_FUZZ_DEFAULT_TARGET='"lwip"' -MMD -MP \
		-c -o $@ $<
$(B)/fuzz/fuzz_stack: $(B)/fuzz/%: $(B)/fuzz/%.o $(B)/fuzz/crashguard.o $(FUZZ_ADAPTER_OBJS) \
		$(FUZZ_LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/fuzz/crashguard.o $(FUZZ_ADAPTER_OBJS) $(FUZZ_LIB) \
		$(LIB_FUZZING_ENGINE) $(LWIP_LIBS) -ldl -lm
# In fuzz_stack_lwip the reference stack is only the twin, the oracle, not what is
# fuzzed: it links a copy of refstack/ built without coverage (fuzz/coverage-twin.txt),
# whose objects come before the archive so that none of its refstack/ members is
# pulled in.  The twin's were 4,792 of the 7,857 edge counters, and libFuzzer's
# bookkeeping of their features took its share of a run from 15% to 38% (make bench's
# profile): the same 2,590 inputs replay 1.3-1.75 times faster, and in 30 CPU-seconds of fuzzing lwIP (equal budgets, ASan+UBSan, three
# seeds) the corpus reached 853, 812 and 789 of the (state, segment class, reply)
# counters against 755, 684 and 616 with the twin's coverage.
# fuzz_stack keeps the twin's coverage: on reference the twin's code is also the
# stack under test.
FUZZ_TWIN_CFLAGS ?= -fsanitize-coverage-ignorelist=$(CURDIR)/fuzz/coverage-twin.txt
FUZZ_TWIN_OBJS = $(patsubst %.c,$(B)/fuzz/twin/%.o,$(filter refstack/%,$(LIB_SRCS)))
$(B)/fuzz/twin/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(FUZZ_TWIN_CFLAGS) -MMD -MP -c -o $@ $<
$(B)/fuzz/fuzz_stack_lwip: $(B)/fuzz/fuzz_stack_lwip.o $(B)/fuzz/crashguard.o $(FUZZ_TWIN_OBJS) \
		$(FUZZ_ADAPTER_OBJS) $(FUZZ_LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/fuzz/crashguard.o $(FUZZ_TWIN_OBJS) \
		$(FUZZ_ADAPTER_OBJS) $(FUZZ_LIB) \
		$(LIB_FUZZING_ENGINE) $(LWIP_LIBS) -ldl -lm

# The benchmark baseline: libFuzzer's own cost with the same instrumentation.
$(B)/fuzz/bench_null: $(B)/fuzz/bench_null.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_FUZZING_ENGINE)

fuzz-list:
	@echo $(FUZZ_TARGETS)

# pkt2fuzz (seed inputs for fuzz_refstack from .pkt scripts) and the wire seed writer
# are ordinary programs of the normal build.
$(B)/fuzz/pkt2fuzz $(B)/fuzz/wire_seeds: $(B)/fuzz/%: $(B)/fuzz/%.o $(B)/libtcpspec.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBTCPSPEC) $(LDLIBS)

fuzz-seeds: $(B)/fuzz/pkt2fuzz $(B)/fuzz/wire_seeds
	sh fuzz/make-seeds.sh $(B)

cflite-check:
	bash ci/cflite-check.sh

SHELL_TESTS += tests/fuzz_smoke.sh tests/fuzz_repro.sh tests/fuzz_stack_oracles.sh tests/fuzz_planted.sh \
	tests/fuzz_plugin_campaign.sh tests/fuzz_repro_timeout.sh tests/fuzz_campaign_control.sh \
	tests/fuzz_findings.sh tests/fuzz_campaign_figures.sh tests/fuzz_campaign_guard.sh \
	tests/fuzz_campaign_minimise.sh
BENCHES += fuzz/bench.sh
MANPAGES += docs/tcpspec-repro.1
UNIT_TESTS += test_fuzz
