#include <malloc.h>
#include <time.h>

#include "CBenchSupport.h"

size_t bench_heap_in_use(void) { return mallinfo2().uordblks; }

void bench_heap_trim(void) { malloc_trim(0); }

long long bench_thread_cpu_ns(void) {
    struct timespec time;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time);
    return (long long)time.tv_sec * 1000000000LL + time.tv_nsec;
}
