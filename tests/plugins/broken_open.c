/* tests/plugins/broken_open.c: see broken.h. */
#define BROKEN_OPEN
#include "broken.h"
