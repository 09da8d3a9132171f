#!/bin/sh
# Run each benchmark given as an argument in turn; each prints its own figures.
set -u
for b in "$@"; do
	echo "== $b"
	case "$b" in
	*.sh) sh "$b" ;;
	*) "$b" ;;
	esac || echo "benchmark $b failed (exit $?)"
done
