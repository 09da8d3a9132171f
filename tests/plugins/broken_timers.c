/* tests/plugins/broken_timers.c: see broken.h. */
#define BROKEN_TIMERS
#include "broken.h"
