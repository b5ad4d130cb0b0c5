/* The header's layout assertions are checked when this file compiles; it defines no symbols, so a
 * plugin that links the SDK still exports only its entry point. */
#include "CTrellis.h"
