/* Memory and string functions, as in C's <string.h> and <stdlib.h>. The one
 * copy is the support layer's lib/string.h, whose lib/string.c the kernel
 * and the user library both compile. */
#include <lib/stddef.h>

#include "../../../lib/string.h"
