#!/bin/sh
# Install the Debian packages tcpspec needs to build and test, when any is missing.
# Idempotent: a quick no-op when everything is present.  Called by `make run` and
# `make check`; safe to run by hand.
set -u
PKGS="flex bison libpcap-dev liblwip-dev libcmocka-dev clang libclang-rt-14-dev \
tcpdump iproute2 python3 libxml2-utils afl++ pkg-config chromium"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "tcpspec: missing Debian packages:$missing" >&2
	echo "tcpspec: install them as root with: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "tcpspec: installing missing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "tcpspec: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null || {
	echo "tcpspec: apt-get install failed for:$missing" >&2; exit 1; }
echo "tcpspec: packages installed" >&2
