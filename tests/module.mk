# tests/: command-line tests that span layers.  Unit tests for a module are
# registered in that module's own module.mk (UNIT_TESTS += test_NAME).
SHELL_TESTS += tests/cli_basic.sh
