# wire/: the packet codec (parse, build, checksums, print) and its tests and bench.
LIB_SRCS += $(filter-out wire/bench_%.c,$(wildcard wire/*.c))
UNIT_TESTS += test_wire
