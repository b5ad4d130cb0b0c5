#ifndef CBENCHSUPPORT_H
#define CBENCHSUPPORT_H
#include <stddef.h>

/** Bytes of heap in use, by malloc's own count (glibc's mallinfo2: uordblks). */
size_t bench_heap_in_use(void);

#endif
