#!/bin/bash
# A suite's set-up file, written the way public suites write theirs.
set -e

# a fresh stack: nothing cached yet
ip tcp_metrics flush all > /dev/null 2>&1

sysctl -q net.ipv4.tcp_rmem="4096 131072 $((32*1024*1024))"
sysctl -q net.ipv4.tcp_timestamps=1 \
	net.ipv4.tcp_sack=1
echo 0 > /proc/sys/net/ipv4/tcp_dsack   # a comment after a command
