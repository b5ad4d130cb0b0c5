/*
 * LD_PRELOAD library for tests and benchmarks: counts what code inside the library whose file
 * name contains $TRELLIS_COUNT_RETAINS_IN does, and prints the counts to stderr at exit as
 * "retains=N releases=M allocations=K":
 * - swift_retain and swift_release calls made directly from the library;
 * - heap allocations (malloc, calloc, realloc; Swift objects and array buffers end there) with
 *   the library in the 24 innermost frames and nearer than the program's own code: the standard
 *   library allocating for the library counts, the host allocating while it serves a call from
 *   the library (an emit) does not.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static uint64_t retains, releases, allocations;
static const char *target;
static __thread int inside;
/* Where the library's code is, once dlopen has loaded it (until then nothing is counted), and
 * where the program's is. */
static uintptr_t target_start, target_end, program_start, program_end;

static void code_range(struct dl_phdr_info *info, uintptr_t *start, uintptr_t *end) {
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_X)) continue;
        *start = info->dlpi_addr + segment->p_vaddr;
        *end = *start + segment->p_memsz;
    }
}

static int find_target(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size, (void)data;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, target) == NULL) return 0;
    code_range(info, &target_start, &target_end);
    return 1;
}

/* The first object the loader lists is the program. */
static int find_program(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size, (void)data;
    code_range(info, &program_start, &program_end);
    return 1;
}

void *dlopen(const char *file, int mode) {
    static void *(*real)(const char *, int);
    if (real == NULL) real = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
    void *handle = real(file, mode);
    if (handle != NULL && target != NULL && target_end == 0) dl_iterate_phdr(find_target, NULL);
    return handle;
}

static int from_target(void *caller) {
    Dl_info info;
    if (target == NULL || dladdr(caller, &info) == 0 || info.dli_fname == NULL) return 0;
    return strstr(info.dli_fname, target) != NULL;
}

/* Whether the library is on the calling thread's stack (never re-entered from backtrace). */
static int target_on_stack(void) {
    if (target_end == 0 || inside) return 0;
    inside = 1;
    void *frames[24];
    int count = backtrace(frames, 24), found = 0;
    for (int i = 2; i < count; i++) {
        uintptr_t address = (uintptr_t)frames[i];
        if (address >= program_start && address < program_end) break;
        if (address >= target_start && address < target_end) {
            found = 1;
            break;
        }
    }
    inside = 0;
    return found;
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

void *malloc(size_t size) {
    if (target_on_stack()) allocations++;
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    if (target_on_stack()) allocations++;
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    if (target_on_stack()) allocations++;
    return __libc_realloc(pointer, size);
}

__attribute__((constructor)) static void start(void) {
    const char *name = getenv("TRELLIS_COUNT_RETAINS_IN");
    void *frames[1];
    backtrace(frames, 1); /* loads the unwinder before counting starts */
    dl_iterate_phdr(find_program, NULL);
    target = name;
}

__attribute__((destructor)) static void finish(void) {
    if (target != NULL)
        fprintf(stderr, "retains=%llu releases=%llu allocations=%llu\n", (unsigned long long)retains, (unsigned long long)releases,
                (unsigned long long)allocations);
}
