#include <malloc.h>

#include "CBenchSupport.h"

size_t bench_heap_in_use(void) { return mallinfo2().uordblks; }
