# The plugin:PATH.so target (plugin.c, plugin_abi.h) and the example plugin: tcpspec's
# reference stack built position-independent into build/examples/plugin/libexample.so,
# with only the ABI entry point exported.
LDLIBS += -ldl

PLUGIN_EXAMPLE := $(B)/examples/plugin/libexample.so
# the reference stack position-independent, for the example and the test plugins
PLUGIN_REF_SRCS := target-adapters/reference.c \
	target-adapters/target.c $(wildcard target-adapters/common/*.c target-adapters/sdk/*.c) \
	$(filter-out %/bench_refstack.c,$(wildcard refstack/*.c)) \
	$(filter-out %/bench_wire.c,$(wildcard wire/*.c))
PLUGIN_REF_OBJS := $(patsubst %.c,$(B)/examples/plugin/pic/%.o,$(PLUGIN_REF_SRCS))
PLUGIN_EX_OBJS := $(B)/examples/plugin/pic/examples/plugin/example_plugin.o $(PLUGIN_REF_OBJS)

# Test plugins (tests/plugins/NAME.c over the same reference stack) for the plugin
# tests: build/tests/plugins/libNAME.so.
TEST_PLUGINS := $(patsubst tests/plugins/%.c,$(B)/tests/plugins/lib%.so,$(wildcard tests/plugins/*.c))

all: $(PLUGIN_EXAMPLE) $(TEST_PLUGINS)

$(B)/examples/plugin/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c -o $@ $<

$(PLUGIN_EXAMPLE): $(PLUGIN_EX_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-Bsymbolic -Wl,-z,defs -o $@ $^ -lm

$(B)/tests/plugins/lib%.so: $(B)/examples/plugin/pic/tests/plugins/%.o $(PLUGIN_REF_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-Bsymbolic -Wl,-z,defs -o $@ $^ -lm

SHELL_TESTS += tests/plugin_example.sh tests/plugin_ipv4only.sh tests/plugin_no_tcpinfo.sh tests/plugin_lwip_example.sh \
	tests/plugin_check.sh tests/plugin_report.sh
MANPAGES += docs/tcpspec-plugin.7 docs/tcpspec-plugin-check.1

# The reference stack with a bug planted on purpose (data accepted after the peer's FIN,
# refstack/input.c under REF_PLANTED_BUG_DATA_AFTER_FIN), as a plugin: the fuzz campaign
# must find it (tests/fuzz_planted.sh) and fuzz_stack's fin oracle must fire on it.
PLANTED_PLUGIN := $(B)/tests/libplanted.so
PLANTED_OBJS := $(patsubst %.c,$(B)/tests/planted/%.o,examples/plugin/example_plugin.c \
	$(PLUGIN_REF_SRCS))
all: $(PLANTED_PLUGIN)
$(B)/tests/planted/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -DREF_PLANTED_BUG_DATA_AFTER_FIN -fPIC \
		-fvisibility=hidden -MMD -MP -c -o $@ $<
$(PLANTED_PLUGIN): $(PLANTED_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-Bsymbolic -Wl,-z,defs -o $@ $^ -lm
