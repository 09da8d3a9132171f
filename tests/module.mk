# tests/: command-line tests that span layers.  Unit tests for a module are
# registered in that module's own module.mk (UNIT_TESTS += test_NAME).
SHELL_TESTS += tests/cli_basic.sh tests/linux_md5.sh tests/linux_udp.sh tests/linux_compat.sh \
	tests/parity_tool.sh
# tcpspec report and the conformance suite on both targets (conformance helper)
SHELL_TESTS += tests/report_basic.sh tests/report_conformance.sh tests/html_site.sh \
	tests/conformance_levels.sh tests/conformance_variant.sh tests/report_causes.sh
# requirement IDs in script headers checked against RFC 9293 Appendix B
SHELL_TESTS += tests/requirement_ids.sh
# the ladder of run --html labels packets as tcpspec decode does
SHELL_TESTS += tests/ladder_decode.sh
# a failed code-block assert shows its operands, from code.c and from python3 alike
SHELL_TESTS += tests/code_assert_operands.sh
MANPAGES += docs/tcpspec-report.1
# exit codes and outputs a CI can trust: no false greens, no lost results
SHELL_TESTS += tests/run_exitcodes.sh tests/run_expect.sh tests/run_trust.sh tests/run_interrupt.sh tests/report_interrupt.sh
SHELL_TESTS += tests/decode_script.sh tests/run_outputs.sh tests/run_results_trust.sh
SHELL_TESTS += tests/report_ci_trust.sh
