/* tests/plugins/broken_errno.c: see broken.h. */
#define BROKEN_ERRNO
#include "broken.h"
