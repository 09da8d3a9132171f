/* The outbound packet queue of an in-process target (target_pktq_*): declared in
 * tcpspec/plugin.h, since plugins get it from the helper library too. */
#ifndef TARGET_PKTQ_H
#define TARGET_PKTQ_H

#include <tcpspec/plugin.h>

#endif
