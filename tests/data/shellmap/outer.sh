# set-up files may name other set-up files (relative to the script, as the shell's
# working directory is the script's)
./defaults.sh
sysctl -w net/ipv4/tcp_ecn=1
