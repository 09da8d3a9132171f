# The plugin:PATH.so target (plugin.c, plugin_abi.h) and the example plugin: tcpspec's
# reference stack built position-independent into build/examples/plugin/libexample.so,
# with only the ABI entry point exported.
LDLIBS += -ldl

PLUGIN_EXAMPLE := $(B)/examples/plugin/libexample.so
PLUGIN_EX_SRCS := examples/plugin/example_plugin.c target-adapters/reference.c \
	target-adapters/target.c $(wildcard target-adapters/common/*.c) \
	$(filter-out %/bench_refstack.c,$(wildcard refstack/*.c)) \
	$(filter-out %/bench_wire.c,$(wildcard wire/*.c))
PLUGIN_EX_OBJS := $(patsubst %.c,$(B)/examples/plugin/pic/%.o,$(PLUGIN_EX_SRCS))

all: $(PLUGIN_EXAMPLE)

$(B)/examples/plugin/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c -o $@ $<

$(PLUGIN_EXAMPLE): $(PLUGIN_EX_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-Bsymbolic -Wl,-z,defs -o $@ $^ -lm

SHELL_TESTS += tests/plugin_example.sh
MANPAGES += docs/tcpspec-plugin.7
