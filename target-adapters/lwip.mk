# The lwip target: lwIP 2.1 from Debian's liblwip-dev (lwip.pc), raw API, in process.
# Its mapping is examples/plugin-lwip/ (the out-of-tree plugin), linked in here.
LWIP_CFLAGS ?= $(shell pkg-config --cflags lwip 2>/dev/null || echo -I/usr/include/lwip)
LWIP_LIBS   ?= $(shell pkg-config --libs lwip 2>/dev/null || echo -llwip)
LWIP_PLUGIN_SRCS := $(wildcard examples/plugin-lwip/*.c)
LIB_SRCS += $(LWIP_PLUGIN_SRCS)
$(patsubst %.c,$(B)/%.o,$(LWIP_PLUGIN_SRCS)): CPPFLAGS += $(LWIP_CFLAGS)
LDLIBS += $(LWIP_LIBS)

# corpora/conformance on lwip against corpora/lwip/conformance.expect, and corpora/lwip/
SHELL_TESTS += tests/lwip_conformance.sh
UNIT_TESTS += test_lwip
BENCHES += tests/lwip_bench.sh
