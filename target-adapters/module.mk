# target-adapters/: the contract (target.h), the registry (target.c) and every adapter.
# Adapters are picked up by wildcard: target-adapters/NAME.c defines target_NAME_ops and
# the registry sees it through -DTARGET_HAVE_NAME (rebuilt when an adapter appears).
LIB_SRCS += $(wildcard target-adapters/*.c target-adapters/linux/*.c target-adapters/common/*.c \
	target-adapters/sdk/*.c)
TARGET_ADAPTER_NAMES := $(filter-out target,$(basename $(notdir $(wildcard target-adapters/*.c))))
$(B)/target-adapters/target.o: CPPFLAGS += $(foreach n,$(TARGET_ADAPTER_NAMES) $(if $(wildcard target-adapters/linux/*.c),linux),-DTARGET_HAVE_$(n))
$(B)/target-adapters/target.o: $(wildcard target-adapters/*.c target-adapters/linux/*.c) target-adapters/module.mk
UNIT_TESTS += test_engine_target test_shellmap test_pktq test_sdk test_tcpudp test_tickstart
