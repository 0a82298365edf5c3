/* The user side of an ABI header the kernel shares: the one copy is the
 * support layer's lib/abi/abi.h (docs/mm.md, "Layers"). */
#include "../../../lib/abi/abi.h"
