# The plugin SDK: tcpspec/plugin.h (the ABI, self-contained), libtcpspec-plugin.a (the
# helpers it declares, position-independent, hidden inside the plugin that links them;
# also as the one object tcpspec-plugin.o)
# and tcpspec-plugin.pc, so that a plugin builds out of tree with
#   cc -shared -fPIC -o libmystack.so mystack.c $(pkg-config --cflags --libs tcpspec-plugin)
# `make install` installs the three (Makefile).
SDK_HEADER := target-adapters/include/tcpspec/plugin.h
SDK_LIB    := $(B)/sdk/libtcpspec-plugin.a
SDK_OBJ    := $(B)/sdk/tcpspec-plugin.o
SDK_PC     := $(B)/sdk/tcpspec-plugin.pc
SDK_FILES  := $(SDK_HEADER) $(SDK_LIB) $(SDK_OBJ) $(SDK_PC)
SDK_OBJS   := $(patsubst %.c,$(B)/sdk/pic/%.o,$(wildcard target-adapters/sdk/*.c))

all: $(SDK_LIB) $(SDK_OBJ) $(SDK_PC)

$(B)/sdk/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) -Itarget-adapters/include $(CPPFLAGS) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c -o $@ $<

$(SDK_LIB): $(SDK_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# The same objects as one relocatable object, which is what pkg-config names: an object
# is linked whole wherever it stands on the command line (`cc -shared $(pkg-config ...)
# x.c` names it before the plugin's own objects, where a plain -l would pull nothing
# in), and a path ending in .o is a flag Go's cgo accepts in `#cgo pkg-config:`, where
# -Wl,--whole-archive and -Wl,--push-state are refused.
$(SDK_OBJ): $(SDK_OBJS)
	@mkdir -p $(@D)
	$(CC) -nostdlib -r -o $@ $^

# Rewritten when prefix, includedir or libdir change (`make install prefix=/usr`).
.PHONY: sdk-pc-check
$(SDK_PC): sdk-pc-check
	@mkdir -p $(@D)
	@printf '%s\n' 'prefix=$(prefix)' 'includedir=$(includedir)' 'libdir=$(libdir)' '' \
	  'Name: tcpspec-plugin' \
	  'Description: build a TCP stack as a tcpspec plugin (tcpspec-plugin(7))' \
	  'Version: 2' \
	  'Cflags: -I$${includedir}' \
	  'Libs: $${libdir}/tcpspec-plugin.o' \
	  >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; echo "wrote $@"; fi

SHELL_TESTS += tests/plugin_sdk.sh
