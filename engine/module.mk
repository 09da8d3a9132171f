# engine/: running scripts, reports, captures, and the command line.
# Every engine/*.c but main.c goes into the library (tests link against it).
LIB_SRCS += $(filter-out engine/main.c,$(wildcard engine/*.c))
MANPAGES += docs/tcpspec.1
