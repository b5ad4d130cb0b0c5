/* The guard's engine records and its watchdog thread (see CTrellisGuard.h). */
#define _GNU_SOURCE
#include "guard_internal.h"

#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static __thread int thread_has_stack;
static int watchdog_started;

/* ---- engines ---------------------------------------------------------------------------------- */

trellis_guard_engine *trellis_guard_new(int32_t count, const char *const *labels) {
    trellis_guard_engine *engine = calloc(1, sizeof *engine);
    if (engine == NULL) return NULL;
    engine->current = -1;
    engine->slot_count = count;
    engine->labels = calloc((size_t)count + 1, sizeof(char *));
    engine->code = calloc(2 * (size_t)count + 2, sizeof(uintptr_t));
    if (engine->labels == NULL || engine->code == NULL) {
        free(engine->labels);
        free(engine->code);
        free(engine);
        return NULL;
    }
    for (int32_t i = 0; i < count; i++) {
        engine->labels[i] = strdup(labels[i]);
        if (engine->labels[i] == NULL) engine->labels[i] = strdup("a node");
    }
    return engine;
}

static void free_strings(char **strings, int32_t count) {
    if (strings == NULL) return;
    for (int32_t i = 0; i < count; i++) free(strings[i]);
    free(strings);
}

void trellis_guard_release(trellis_guard_engine *engine) {
    if (engine == NULL) return;
    pthread_mutex_lock(&trellis_guard_registry_lock);
    for (trellis_guard_engine **link = &trellis_guard_watched; *link != NULL; link = &(*link)->next) {
        if (*link == engine) {
            *link = engine->next;
            break;
        }
    }
    pthread_mutex_unlock(&trellis_guard_registry_lock);
    free_strings(engine->labels, engine->slot_count);
    free_strings(engine->kill_paths, engine->kill_path_count);
    free(engine->budget_setting);
    free(engine->code);
    free(engine);
}

struct code_search {
    uintptr_t address, start, end;
};

static int find_code(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct code_search *search = data;
    uintptr_t start = UINTPTR_MAX, end = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_X)) continue;
        uintptr_t low = info->dlpi_addr + segment->p_vaddr, high = low + segment->p_memsz;
        if (low < start) start = low;
        if (high > end) end = high;
    }
    if (search->address >= start && search->address < end) {
        search->start = start;
        search->end = end;
        return 1;
    }
    return 0;
}

void trellis_guard_set_code(trellis_guard_engine *engine, int32_t slot, const void *function) {
    if (engine == NULL || slot < 0 || slot >= engine->slot_count || function == NULL) return;
    struct code_search search = {(uintptr_t)function, 0, 0};
    if (dl_iterate_phdr(find_code, &search)) {
        engine->code[2 * slot] = search.start;
        engine->code[2 * slot + 1] = search.end;
    }
}

trellis_guard_engine *trellis_guard_attach(trellis_guard_engine *engine) {
    trellis_guard_engine *before = trellis_guard_thread_engine;
    trellis_guard_thread_engine = engine;
    if (engine != NULL) {
        engine->thread = pthread_self();
        engine->attached = 1;
    }
    if (!thread_has_stack) {
        thread_has_stack = 1;
        stack_t current;
        if (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
            size_t size = 256 * 1024;
            void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (memory != MAP_FAILED) {
                stack_t stack = {.ss_sp = memory, .ss_size = size, .ss_flags = 0};
                sigaltstack(&stack, NULL);
            }
        }
    }
    return before;
}

void trellis_guard_detach(trellis_guard_engine *previous_engine) { trellis_guard_thread_engine = previous_engine; }

/* ---- the watchdog ----------------------------------------------------------------------------- */

static void report_stuck(trellis_guard_engine *engine, int64_t stuck_ns, int killed) {
    int32_t slot = engine->current;
    trellis_guard_say("\ntrellis: ");
    if (slot >= 0 && slot < engine->slot_count) {
        trellis_guard_say(engine->labels[slot]);
    } else {
        trellis_guard_say("a node");
    }
    trellis_guard_say(" has been ");
    trellis_guard_say(trellis_guard_phase_words(engine->phase));
    trellis_guard_say(" for ");
    trellis_guard_say_tenths((uint64_t)(stuck_ns / 100000000));
    if (killed) {
        trellis_guard_say(" s and did not return when 'trellis kill' asked the run to halt; the run is stopped (status 70)\n");
    } else {
        trellis_guard_say(" s, longer than the callback budget (");
        trellis_guard_say(engine->budget_setting != NULL ? engine->budget_setting : "limits.max_callback_seconds");
        trellis_guard_say("); the run is stopped (status 70): fix the plugin, or raise the budget if it needs that long\n");
    }
    _exit(TRELLIS_GUARD_EXIT_STATUS);
}

static int kill_file_present(const trellis_guard_engine *engine) {
    for (int32_t i = 0; i < engine->kill_path_count; i++) {
        struct stat info;
        if (stat(engine->kill_paths[i], &info) != 0) continue;
        int64_t modified = (int64_t)info.st_mtim.tv_sec * 1000000000 + info.st_mtim.tv_nsec;
        if (modified >= engine->kill_since_ns) return 1;
    }
    return 0;
}

static void *watchdog(void *unused) {
    (void)unused;
    struct timespec pause = {0, 50 * 1000 * 1000};
    for (;;) {
        nanosleep(&pause, NULL);
        int64_t now = trellis_guard_monotonic_ns();
        pthread_mutex_lock(&trellis_guard_registry_lock);
        for (trellis_guard_engine *engine = trellis_guard_watched; engine != NULL; engine = engine->next) {
            uint64_t calls = engine->calls;
            int busy = engine->current >= 0 && engine->phase != TRELLIS_GUARD_IDLE;
            if (!busy || calls != engine->seen_calls) {
                engine->seen_calls = calls;
                engine->stuck_since_ns = now;
            } else if (engine->budget_ns > 0 && (uint64_t)(now - engine->stuck_since_ns) >= engine->budget_ns) {
                report_stuck(engine, now - engine->stuck_since_ns, 0);
            }
            if (engine->kill_requested == 0 && engine->kill_path_count > 0 && kill_file_present(engine)) {
                engine->kill_seen_ns = now;
                engine->kill_requested = 1;
            }
            if (engine->kill_requested == 1 && busy && now - engine->kill_seen_ns > 2000000000LL && now - engine->stuck_since_ns > 2000000000LL) {
                report_stuck(engine, now - engine->stuck_since_ns, 1);
            }
        }
        pthread_mutex_unlock(&trellis_guard_registry_lock);
    }
    return NULL;
}

void trellis_guard_watch(trellis_guard_engine *engine) {
    pthread_mutex_lock(&trellis_guard_registry_lock);
    engine->stuck_since_ns = trellis_guard_monotonic_ns();
    engine->next = trellis_guard_watched;
    trellis_guard_watched = engine;
    if (!watchdog_started) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        watchdog_started = pthread_create(&thread, &attributes, watchdog, NULL) == 0;
        pthread_attr_destroy(&attributes);
    }
    pthread_mutex_unlock(&trellis_guard_registry_lock);
}

void trellis_guard_set_kill(trellis_guard_engine *engine, int32_t count, const char *const *paths, int64_t since_ns) {
    pthread_mutex_lock(&trellis_guard_registry_lock);
    free_strings(engine->kill_paths, engine->kill_path_count);
    engine->kill_paths = calloc((size_t)count + 1, sizeof(char *));
    for (int32_t i = 0; i < count; i++) engine->kill_paths[i] = strdup(paths[i]);
    engine->kill_path_count = count;
    engine->kill_since_ns = since_ns;
    pthread_mutex_unlock(&trellis_guard_registry_lock);
}

void trellis_guard_set_budget(trellis_guard_engine *engine, uint64_t budget_ns, const char *setting) {
    pthread_mutex_lock(&trellis_guard_registry_lock);
    free(engine->budget_setting);
    engine->budget_setting = setting != NULL ? strdup(setting) : NULL;
    engine->budget_ns = budget_ns;
    pthread_mutex_unlock(&trellis_guard_registry_lock);
}

