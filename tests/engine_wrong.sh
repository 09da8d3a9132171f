#!/bin/sh
# Deliberately wrong scripts (corpora/wrong/NAME.pkt) must fail on the linux target with
# exactly the message in NAME.expected: one line per message line, '*' matching a value
# that depends on timing.  Exit codes: 1 for a failed script, 2 for a bad option.  TAP.
T=${TCPSPEC:-./tcpspec}
n=0
dir=corpora/wrong
why=""
if [ "$(id -u)" -ne 0 ]; then why="needs root (CAP_NET_ADMIN) for the linux target"
elif [ ! -e /dev/net/tun ]; then why="needs /dev/net/tun for the linux target"
fi
for f in "$dir"/*.pkt; do
	n=$((n + 1))
	exp=${f%.pkt}.expected
	name="wrong script $f fails with the expected message"
	if [ -n "$why" ]; then echo "ok $n - $name # SKIP $why"; continue; fi
	out=$("$T" run --target linux -j1 "$f" 2>&1); rc=$?
	want_rc=1
	case "$f" in *unknown-option.pkt|*no-win.pkt) want_rc=2 ;; esac
	got=$(printf '%s\n' "$out" | sed -n '2,$p' | grep '^      ' | sed 's/^      //')
	ok=1
	[ "$rc" -eq "$want_rc" ] || ok=0
	[ "$(printf '%s\n' "$got" | wc -l)" -eq "$(wc -l < "$exp")" ] || ok=0
	i=0
	while IFS= read -r pat; do
		i=$((i + 1))
		line=$(printf '%s\n' "$got" | sed -n "${i}p")
		# the expected line is a glob pattern; escape nothing but keep '*'
		case "$line" in $pat) ;; *) ok=0 ;; esac
	done < "$exp"
	if [ $ok -eq 1 ]; then echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $rc, want $want_rc)"
		printf '%s\n' "$got" | sed 's/^/#   got: /'
		sed 's/^/#  want: /' "$exp"
	fi
done
echo "1..$n"
