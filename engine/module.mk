# engine/: running scripts, reports, captures, and the command line.
# Every engine/*.c but main.c goes into the library (tests link against it).
LIB_SRCS += $(filter-out engine/main.c,$(wildcard engine/*.c))
MANPAGES += docs/tcpspec.1
MANPAGES += docs/tcpspec-run.1
UNIT_TESTS += test_engine test_engine_code test_engine_virtual test_engine_optstruct test_html test_engine_mutate \
	test_offers test_causes
SHELL_TESTS += tests/run_unavailable.sh tests/engine_wrong.sh tests/run_linux_suite.sh \
	tests/run_cleanup.sh tests/run_timeout.sh tests/engine_optstruct.sh tests/engine_isns.sh \
	tests/engine_docs.sh tests/relax.sh tests/profile_freebsd.sh tests/run_shard.sh
BENCHES += engine/bench_run.sh engine/bench_html.sh
