# wire/: the packet codec (parse, build, checksums, print) and its tests and bench.
LIB_SRCS += $(filter-out wire/bench_%.c,$(wildcard wire/*.c))
UNIT_TESTS += test_wire
SHELL_TESTS += tests/decode_golden.sh
MANPAGES += docs/tcpspec-decode.1
BENCHES += $(B)/wire/bench_wire

$(B)/wire/bench_wire: $(B)/wire/bench_wire.o $(B)/libtcpspec.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libtcpspec.a $(LDLIBS)
