/* tests/plugins/broken_tcpinfo.c: see broken.h. */
#define BROKEN_TCPINFO
#include "broken.h"
