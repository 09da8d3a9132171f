# tcpspec: a TCP conformance and fuzz-testing harness.
# Plain GNU make.  Every layer keeps its sources and rules in DIR/module.mk; this file
# only holds the variables, the pattern rules and the top-level targets.

prefix     ?= /usr/local
bindir     ?= $(prefix)/bin
mandir     ?= $(prefix)/share/man
includedir ?= $(prefix)/include
libdir     ?= $(prefix)/lib
DESTDIR    ?=

CC         ?= cc
CFLAGS     ?= -O2 -g
CPPFLAGS   ?=
LDFLAGS    ?=
FLEX       ?= flex
BISON      ?= bison

-include config.mk

B          := build
WARN       := -Wall -Wextra -Wno-unused-parameter
ALL_CPPFLAGS = -I. -I$(B) -Itarget-adapters/include $(CPPFLAGS)
ALL_CFLAGS   = -std=gnu11 $(WARN) $(CFLAGS)
LDLIBS     += -lpcap -lm

# Modules append to these in their module.mk.  LIB_SRCS are paths of .c files in the
# tree (objects go to build/PATH.o); generated sources (flex, bison) are listed in
# GEN_SRCS as build/... paths and need their own rule in the module.mk.
# UNIT_TESTS are names NAME of tests/NAME.c (cmocka).  SHELL_TESTS are TAP scripts.
# BENCHES are programs or .sh scripts run by `make bench`.
LIB_SRCS   :=
GEN_SRCS   :=
UNIT_TESTS :=
SHELL_TESTS :=
MANPAGES   :=
BENCHES    :=

.PHONY: all deps run check unit-check bench install uninstall clean fuzz mutation parity
all: tcpspec

MODULES := wire dsl refstack target-adapters engine tests fuzz
include $(wildcard $(addsuffix /module.mk,$(MODULES)))
# Adapters with their own link needs keep them in target-adapters/NAME.mk.
include $(filter-out target-adapters/module.mk,$(wildcard target-adapters/*.mk))

LIB_OBJS  := $(patsubst %.c,$(B)/%.o,$(LIB_SRCS)) $(patsubst %.c,%.o,$(GEN_SRCS))
MAIN_OBJ  := $(B)/engine/main.o
LIBTCPSPEC := $(B)/libtcpspec.a

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBTCPSPEC): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

tcpspec: $(MAIN_OBJ) $(LIBTCPSPEC)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIBTCPSPEC) $(LDLIBS)

# Unit tests: tests/NAME.c -> build/tests/NAME, linked with cmocka.
UNIT_BINS := $(addprefix $(B)/tests/,$(UNIT_TESTS))
$(B)/tests/%: $(B)/tests/%.o $(LIBTCPSPEC)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBTCPSPEC) -lcmocka $(LDLIBS)

deps:
	@sh scripts/bootstrap-deps.sh

# The main job: the conformance suite on the reference target.
run: deps
	@$(MAKE) --no-print-directory all
	./tcpspec run corpora/conformance

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS)
	@sh scripts/run-tests.sh $(UNIT_BINS) $(SHELL_TESTS)

# packetdrill and tcpspec's linux target side by side on a suite (scripts/parity.py):
# PACKETDRILL=path/to/packetdrill PARITY_DIR=suite [PARITY_RUNNER=google|kselftest]
# [PARITY_JOBS=2].  Without PACKETDRILL it says it skipped and succeeds, so CI needs none.
PARITY_RUNNER ?= google
PARITY_JOBS ?= 2
parity: all
	@python3 scripts/parity.py --packetdrill "$(PACKETDRILL)" --runner $(PARITY_RUNNER) \
		-j $(PARITY_JOBS) $(PARITY_DIR)

unit-check: all $(UNIT_BINS)
	@sh scripts/run-tests.sh $(UNIT_BINS)

# The mutation score of the reference stack's test suite (corpora/conformance and
# corpora/profiles/linux): mutants of refstack/ made by scripts/mutate, the suite run
# on each (about a minute; not part of `make check`).
mutation: all
	python3 scripts/mutate $(MUTATE_FLAGS)

# `make print-VAR`: a variable's value, for scripts that build as make does
print-%:
	@echo '$($*)'

bench: all $(BENCHES)
	@sh scripts/run-bench.sh $(BENCHES)

# The plugin SDK (target-adapters/sdk.mk) goes with the program: tcpspec/plugin.h,
# libtcpspec-plugin.a, the same helpers as one object tcpspec-plugin.o (what the .pc
# links) and tcpspec-plugin.pc.
install: tcpspec $(SDK_FILES)
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man7
	install -m 755 tcpspec $(DESTDIR)$(bindir)/tcpspec
	for m in $(MANPAGES); do \
	  s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(mandir)/man$$s/; done
	install -d $(DESTDIR)$(includedir)/tcpspec $(DESTDIR)$(libdir)/pkgconfig
	install -m 644 $(SDK_HEADER) $(DESTDIR)$(includedir)/tcpspec/plugin.h
	install -m 644 $(SDK_LIB) $(DESTDIR)$(libdir)/libtcpspec-plugin.a
	install -m 644 $(SDK_OBJ) $(DESTDIR)$(libdir)/tcpspec-plugin.o
	install -m 644 $(SDK_PC) $(DESTDIR)$(libdir)/pkgconfig/tcpspec-plugin.pc

uninstall:
	rm -f $(DESTDIR)$(bindir)/tcpspec
	rm -f $(DESTDIR)$(includedir)/tcpspec/plugin.h $(DESTDIR)$(libdir)/libtcpspec-plugin.a \
	  $(DESTDIR)$(libdir)/tcpspec-plugin.o \
	  $(DESTDIR)$(libdir)/pkgconfig/tcpspec-plugin.pc
	-rmdir $(DESTDIR)$(includedir)/tcpspec 2>/dev/null
	for m in $(MANPAGES); do \
	  s=$${m##*.}; rm -f $(DESTDIR)$(mandir)/man$$s/$${m##*/}; done

clean:
	rm -rf $(B) tcpspec

-include $(shell find $(B) -name '*.d' 2>/dev/null)
