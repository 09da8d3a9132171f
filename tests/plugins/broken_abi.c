/* tests/plugins/broken_abi.c: see broken.h. */
#define BROKEN_ABI
#include "broken.h"
