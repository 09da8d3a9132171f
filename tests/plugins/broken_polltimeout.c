/* tests/plugins/broken_polltimeout.c: see broken.h. */
#define BROKEN_POLLTIMEOUT
#include "broken.h"
