/*
 * LD_PRELOAD library for tests and benchmarks: counts swift_retain and swift_release calls made
 * by code inside the library whose file name contains $TRELLIS_COUNT_RETAINS_IN, and prints the
 * counts to stderr at exit as "retains=N releases=M".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t retains, releases;
static const char *target;

static int from_target(void *caller) {
    Dl_info info;
    if (target == NULL || dladdr(caller, &info) == 0 || info.dli_fname == NULL) return 0;
    return strstr(info.dli_fname, target) != NULL;
}

void *swift_retain(void *object) {
    static void *(*real)(void *);
    if (real == NULL) real = (void *(*)(void *))dlsym(RTLD_NEXT, "swift_retain");
    if (from_target(__builtin_return_address(0))) retains++;
    return real(object);
}

void swift_release(void *object) {
    static void (*real)(void *);
    if (real == NULL) real = (void (*)(void *))dlsym(RTLD_NEXT, "swift_release");
    if (from_target(__builtin_return_address(0))) releases++;
    real(object);
}

__attribute__((constructor)) static void start(void) { target = getenv("TRELLIS_COUNT_RETAINS_IN"); }

__attribute__((destructor)) static void finish(void) {
    if (target != NULL) fprintf(stderr, "retains=%llu releases=%llu\n", (unsigned long long)retains, (unsigned long long)releases);
}
