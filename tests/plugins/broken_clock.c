/* tests/plugins/broken_clock.c: see broken.h. */
#define BROKEN_CLOCK
#include "broken.h"
