#!/bin/sh
# The command line itself: help, version, unknown commands, exit codes.  Prints TAP.
T=./tcpspec
n=0
check() { # description, expected exit, command...
	desc=$1 want=$2; shift 2
	n=$((n + 1))
	"$@" >/dev/null 2>&1; got=$?
	if [ "$got" -eq "$want" ]; then echo "ok $n - $desc"
	else echo "not ok $n - $desc (exit $got, want $want)"; fi
}
check "--help exits 0" 0 $T --help
check "--version exits 0" 0 $T --version
check "no arguments is a usage error" 2 $T
check "unknown command is a usage error" 2 $T frobnicate
n=$((n + 1))
if $T --help | grep -q '^  run '; then echo "ok $n - --help lists run"; else echo "not ok $n - --help lists run"; fi
echo "1..$n"
