/* plugin_abi.h: the plugin ABI, for plugins built inside tcpspec's source tree (the
 * example and the test plugins, which also use the in-tree adapters through target.h).
 * The ABI itself -- both versions of the table, the types, the conventions -- is
 * tcpspec/plugin.h, the header `make install` installs; see tcpspec-plugin(7). */
#ifndef TCPSPEC_PLUGIN_ABI_H
#define TCPSPEC_PLUGIN_ABI_H

#include <tcpspec/plugin.h>

#include "target-adapters/target.h"

#endif
