/* tests/plugins/broken_caps.c: see broken.h. */
#define BROKEN_CAPS
#include "broken.h"
