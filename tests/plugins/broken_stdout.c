/* tests/plugins/broken_stdout.c: see broken.h. */
#define BROKEN_STDOUT
#include "broken.h"
