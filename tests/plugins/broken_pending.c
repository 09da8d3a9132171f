/* tests/plugins/broken_pending.c: see broken.h. */
#define BROKEN_PENDING
#include "broken.h"
