/* tests/plugins/broken_accept.c: see broken.h. */
#define BROKEN_ACCEPT
#include "broken.h"
