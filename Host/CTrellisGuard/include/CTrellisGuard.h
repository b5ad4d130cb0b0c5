/* The host's guard against plugins that misbehave: it names the node whose code crashed the process
 * (on an alternate stack, so a stack overflow is named too), ends a run whose plugin calls exit()
 * or hangs in a callback, turns a bus error in a mapped input file into a message, and finds a
 * plugin that writes past a buffer the host lent it. Written in C because signal handlers and a
 * watchdog thread must only touch memory prepared in advance (async-signal-safe). */
#ifndef TRELLIS_GUARD_H
#define TRELLIS_GUARD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* What the engine is doing with its current node. */
enum {
    TRELLIS_GUARD_IDLE = 0,
    TRELLIS_GUARD_CREATE,
    TRELLIS_GUARD_ACTIVATE,
    TRELLIS_GUARD_EVENT,
    TRELLIS_GUARD_DEACTIVATE,
    TRELLIS_GUARD_DESTROY,
};

/* The exit status of a run ended because a plugin called exit() or hung in a callback. */
#define TRELLIS_GUARD_EXIT_STATUS 70

/* What one engine shares with the signal handlers and the watchdog. The engine thread writes
 * `current`, `phase` and `calls` as it calls into nodes; the watchdog writes `kill_requested`. */
typedef struct trellis_guard_engine {
    volatile int32_t current;        /* the slot whose code runs, or -1 */
    volatile int32_t phase;          /* TRELLIS_GUARD_* */
    volatile uint64_t calls;         /* callbacks begun so far: the watchdog sees progress by it */
    volatile int32_t kill_requested; /* 1 once a kill request file appeared, 2 once the engine saw it */
    volatile int32_t live;           /* from the first create to the last destroy: plugin code may run */
    int32_t slot_count;
    char **labels;                   /* per slot, "node 'x' (plugin 'y', /path)" */
    uintptr_t *code;                 /* per slot, the start and end of its library's code */
    pthread_t thread;                /* the engine's thread, once attached */
    volatile int32_t attached;
    uint64_t budget_ns;              /* wall-clock budget per callback; 0 for none */
    char *budget_setting;            /* how the graph set it, for the message */
    char **kill_paths;               /* files whose appearance halts the run */
    int32_t kill_path_count;
    int64_t kill_since_ns;           /* requests older than this (Unix ns) are ignored */
    /* The watchdog's own bookkeeping. */
    uint64_t seen_calls;
    int64_t stuck_since_ns;
    int64_t kill_seen_ns;
    struct trellis_guard_engine *next;
} trellis_guard_engine;

/* Installs the signal handlers (on an alternate stack) and the exit hook, once per process. */
void trellis_guard_install(void);

/* A new engine record with `count` labels (copied); free it with trellis_guard_release. */
trellis_guard_engine *trellis_guard_new(int32_t count, const char *const *labels);
/* Stops watching the engine and frees the record. */
void trellis_guard_release(trellis_guard_engine *engine);

/* Notes where slot `slot`'s library has its code (the library holding `function`), so that a
 * crash can say whether the fault is in the plugin's own code. */
void trellis_guard_set_code(trellis_guard_engine *engine, int32_t slot, const void *function);

/* Makes `engine` the calling thread's engine (for the crash and exit messages and the thread check
 * of emit) and gives the thread an alternate signal stack; returns the engine it replaces. */
trellis_guard_engine *trellis_guard_attach(trellis_guard_engine *engine);
/* Restores the thread's previous engine (what trellis_guard_attach returned). */
void trellis_guard_detach(trellis_guard_engine *previous);

/* Watches `engine` from the watchdog thread: its callback budget and its kill request files.
 * Set budget_ns, budget_setting and the kill fields (trellis_guard_set_kill) first. */
void trellis_guard_watch(trellis_guard_engine *engine);
/* The kill request files (copied) and the time (Unix ns) before which they are stale. */
void trellis_guard_set_kill(trellis_guard_engine *engine, int32_t count, const char *const *paths, int64_t since_ns);
/* The budget (0: none) and the setting that gave it, e.g. "limits.max_callback_seconds: 30". */
void trellis_guard_set_budget(trellis_guard_engine *engine, uint64_t budget_ns, const char *setting);

/* Notes that the calling thread is loading the plugin library `path` (its constructors and entry
 * point run), or, with NULL, that it is done: a crash or an exit() meanwhile names the library. */
void trellis_guard_loading(const char *path);

/* Whether the calling thread is the engine's. */
static inline int trellis_guard_on_engine_thread(const trellis_guard_engine *engine) {
    return engine->attached && pthread_equal(engine->thread, pthread_self());
}

/* A bus error inside [base, base + length) is reported as "`name` changed while it was being
 * read" and ends the process with status 1. Returns a token for trellis_guard_unwatch_file, or -1
 * when too many files are watched at once (the read goes on unwatched). */
int32_t trellis_guard_watch_file(const void *base, size_t length, const char *name);
void trellis_guard_unwatch_file(int32_t token);

/* A buffer of `capacity` bytes followed by a canary of TRELLIS_GUARD_CANARY bytes and an
 * inaccessible page: an overrun within the canary is found by trellis_guard_buffer_intact, a
 * larger one faults at once (and the crash message names the node). */
#define TRELLIS_GUARD_CANARY (64 * 1024)

/* A sealed in-memory copy of the file open as `fd` (memfd_create, then no write, grow or shrink
 * is possible), so that what is hashed is what loads; -1 when the system cannot make one. */
int trellis_guard_sealed_copy(int fd);
char *trellis_guard_buffer_new(size_t capacity);
int trellis_guard_buffer_intact(const char *buffer, size_t capacity);
void trellis_guard_buffer_free(char *buffer, size_t capacity);

#endif
