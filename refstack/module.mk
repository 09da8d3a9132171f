# refstack/: the reference TCP (pure: time passed in, no globals, no I/O).
LIB_SRCS += $(filter-out refstack/bench_%.c,$(wildcard refstack/*.c))
UNIT_TESTS += test_refstack
