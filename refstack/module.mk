# refstack/: the reference TCP (pure: time passed in, no globals, no I/O).
LIB_SRCS += $(filter-out refstack/bench_%.c,$(wildcard refstack/*.c))
UNIT_TESTS += test_refstack test_refstack_adapter test_refstack_window
BENCHES += $(B)/refstack/bench_refstack refstack/bench_suite.sh
$(B)/refstack/bench_refstack: $(B)/refstack/bench_refstack.o $(LIBTCPSPEC)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBTCPSPEC) $(LDLIBS)
SHELL_TESTS += refstack/scripts/run.sh tests/mutate_tool.sh
