# dsl/: the script language (reentrant flex scanner, pure bison grammar, AST, printer).
LIB_SRCS += dsl/build.c dsl/parse.c dsl/print.c dsl/equal.c dsl/optnames.c dsl/preproc.c dsl/mutation.c \
	dsl/suggest.c dsl/names.c
GEN_SRCS += $(B)/dsl/lexer.c $(B)/dsl/parser.c
UNIT_TESTS += test_dsl test_dsl_realworld
SHELL_TESTS += $(wildcard tests/dsl_*.sh)
MANPAGES += $(wildcard docs/tcpspec-parse.1 docs/tcpspec-fmt.1 docs/tcpspec-dialect.7)
BENCHES += $(B)/dsl/bench_parse

$(B)/dsl/parser.c: dsl/parser.y
	@mkdir -p $(@D)
	$(BISON) -Wall -Werror --defines=$(B)/dsl/parser.h -o $(B)/dsl/parser.c $<
$(B)/dsl/parser.h: $(B)/dsl/parser.c ;

$(B)/dsl/lexer.c: dsl/lexer.l
	@mkdir -p $(@D)
	$(FLEX) -o $@ $<

# Generated code: compiled with our flags minus the warnings flex/bison do not promise.
$(B)/dsl/parser.o: $(B)/dsl/parser.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
$(B)/dsl/lexer.o: $(B)/dsl/lexer.c $(B)/dsl/parser.h
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Wno-sign-compare -Wno-unused-function -MMD -MP -c -o $@ $<

# Everything that includes the generated header must wait for it.
$(B)/dsl/build.o $(B)/dsl/parse.o: $(B)/dsl/parser.h

$(B)/dsl/bench_parse: $(B)/dsl/bench_parse.o $(B)/libtcpspec.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libtcpspec.a $(LDLIBS)
