/* tests/plugins/broken_settings.c: see broken.h. */
#define BROKEN_SETTINGS
#include "broken.h"
