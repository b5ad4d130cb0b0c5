#ifndef CBENCHSUPPORT_H
#define CBENCHSUPPORT_H
#include <stddef.h>

/** Bytes of heap in use, by malloc's own count (glibc's mallinfo2: uordblks). */
size_t bench_heap_in_use(void);

/** Gives the heap's free memory back to the system (glibc's malloc_trim), so RSS shows what is in use. */
void bench_heap_trim(void);

/** The calling thread's CPU time, in ns (CLOCK_THREAD_CPUTIME_ID). */
long long bench_thread_cpu_ns(void);

#endif
