#!/bin/sh
# Run every test program given as an argument and total their TAP output.
# A test program prints TAP ("ok N ...", "not ok N ...", "ok N ... # SKIP reason");
# cmocka programs are switched to TAP with CMOCKA_MESSAGE_OUTPUT.  An escaped '\#'
# in a description starts no directive (TAP 13).  A program that
# exits non-zero without reporting a failure counts as one failure.
# The last line is the plain summary "N passed, N failed, N skipped".
set -u
export CMOCKA_MESSAGE_OUTPUT=TAP
pass=0 fail=0 skip=0
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT INT TERM
for t in "$@"; do
	echo "# ---- $t"
	case "$t" in
	*.sh) sh "$t" >"$out" 2>&1 ;;
	*) "$t" >"$out" 2>&1 ;;
	esac
	rc=$?
	cat "$out"
	counts=$(awk '
		/^ok / { if ($0 ~ /(^|[^\\])# *[Ss][Kk][Ii][Pp]/) s++; else p++ }
		/^not ok / { if ($0 ~ /(^|[^\\])# *[Tt][Oo][Dd][Oo]/) s++; else f++ }
		END { printf "%d %d %d\n", p, f, s }' "$out")
	p=${counts%% *}; rest=${counts#* }; f=${rest%% *}; s=${rest#* }
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited with status $rc"
		f=1
	fi
	if [ $((p + f + s)) -eq 0 ]; then
		echo "not ok - $t reported no test"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
