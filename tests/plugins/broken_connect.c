/* tests/plugins/broken_connect.c: see broken.h. */
#define BROKEN_CONNECT
#include "broken.h"
