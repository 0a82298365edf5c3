/* The user side of an ABI header the kernel shares: the one copy is the
 * support layer's lib/abi/vmmap-text.h (docs/mm.md, "Layers"). */
#include "../../../lib/abi/vmmap-text.h"
