/* The guard's signal handlers and exit hook (see CTrellisGuard.h): they only read memory
 * prepared in advance and call write(2), sigaction(2), raise(3) and _exit(2). */
#define _GNU_SOURCE
#include "guard_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

__thread trellis_guard_engine *trellis_guard_thread_engine;
__thread char trellis_guard_thread_loading[512];
pid_t trellis_guard_installed_pid;
pthread_mutex_t trellis_guard_registry_lock = PTHREAD_MUTEX_INITIALIZER;
trellis_guard_engine *trellis_guard_watched;

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
static struct sigaction previous[NSIG];
static atomic_int installed;

#define WATCHED_FILES 256
static struct {
    atomic_int used;
    uintptr_t start, end;
    char name[256];
} files[WATCHED_FILES];

/* ---- writing without stdio ------------------------------------------------------------------- */

void trellis_guard_say(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t written = write(2, text, length);
        if (written <= 0) {
            if (written < 0 && errno == EINTR) continue;
            return;
        }
        text += written;
        length -= (size_t)written;
    }
}

/* `value` in tenths, e.g. 105 -> "10.5". */
void trellis_guard_say_tenths(uint64_t value) {
    char digits[32];
    int at = (int)sizeof digits - 1;
    digits[at] = 0;
    digits[--at] = (char)('0' + value % 10);
    digits[--at] = '.';
    value /= 10;
    do {
        digits[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && at > 0);
    trellis_guard_say(digits + at);
}

static const char *signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "segmentation fault";
    case SIGBUS: return "bus error";
    case SIGILL: return "illegal instruction";
    case SIGFPE: return "arithmetic error";
    case SIGABRT: return "abort";
    default: return "fatal signal";
    }
}

const char *trellis_guard_phase_words(int32_t phase) {
    switch (phase) {
    case TRELLIS_GUARD_CREATE: return "being created";
    case TRELLIS_GUARD_ACTIVATE: return "being activated";
    case TRELLIS_GUARD_EVENT: return "handling an event";
    case TRELLIS_GUARD_DEACTIVATE: return "being deactivated";
    case TRELLIS_GUARD_DESTROY: return "being destroyed";
    default: return "running";
    }
}

int64_t trellis_guard_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* ---- fatal signals ---------------------------------------------------------------------------- */

static uintptr_t fault_pc(void *context) {
    ucontext_t *uc = context;
    if (uc == NULL) return 0;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    return 0;
#endif
}

/* Ends the process by `sig` with its default action, whatever handled it before. */
static void die_by(int sig) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

static void on_fatal(int sig, siginfo_t *info, void *context) {
    if (sig == SIGBUS && info != NULL) {
        uintptr_t address = (uintptr_t)info->si_addr;
        for (int i = 0; i < WATCHED_FILES; i++) {
            if (atomic_load(&files[i].used) && address >= files[i].start && address < files[i].end) {
                trellis_guard_say("\ntrellis: ");
                trellis_guard_say(files[i].name);
                trellis_guard_say(" changed while it was being read (it was truncated or rewritten); run again once it is complete\n");
                _exit(1);
            }
        }
    }
    if (trellis_guard_thread_loading[0] != 0) {
        trellis_guard_say("\ntrellis: the process crashed (");
        trellis_guard_say(signal_name(sig));
        trellis_guard_say(") while loading the plugin library ");
        trellis_guard_say(trellis_guard_thread_loading);
        trellis_guard_say(" (its start-up code or its entry point); the fault is in that library\n");
        die_by(sig);
    }
    trellis_guard_engine *engine = trellis_guard_thread_engine;
    if (engine != NULL && engine->current >= 0 && engine->current < engine->slot_count) {
        int32_t slot = engine->current;
        uintptr_t pc = fault_pc(context);
        int inside = pc != 0 && engine->code != NULL && pc >= engine->code[2 * slot] && pc < engine->code[2 * slot + 1];
        trellis_guard_say("\ntrellis: the process crashed (");
        trellis_guard_say(signal_name(sig));
        trellis_guard_say(") while ");
        trellis_guard_say(engine->labels[slot]);
        trellis_guard_say(" was ");
        trellis_guard_say(trellis_guard_phase_words(engine->phase));
        trellis_guard_say(inside ? "; the fault is in that plugin's code\n" : "; the fault is in that plugin or in a function it called\n");
        /* The plugin's fault: the process ends by the signal now. A runtime's own crash handler
         * (Swift's backtracer) is not run: it can return for a signal the plugin raised itself,
         * and the run would go on as if nothing happened. */
        die_by(sig);
    }
    /* A signal sent rather than a fault (raise, kill, abort's own): it ends the process now,
     * whatever handler came before (one that returns would let the process go on). */
    if (info == NULL || info->si_code <= 0) die_by(sig);
    /* The host's own fault: the handler this one replaced (Swift's backtracer) reports it, as if
     * this one were not there: returning re-runs the faulting instruction, which faults again
     * into that handler. */
    sigaction(sig, &previous[sig], NULL);
}

/* ---- exit() from plugin code ------------------------------------------------------------------ */

static void on_exit_hook(void) {
    if (getpid() != trellis_guard_installed_pid) return; /* a child a plugin forked: its exit is its own */
    if (trellis_guard_thread_loading[0] != 0) {
        trellis_guard_say("\ntrellis: the plugin library ");
        trellis_guard_say(trellis_guard_thread_loading);
        trellis_guard_say(" called exit() while being loaded; the command is stopped (status 70)\n");
        _exit(TRELLIS_GUARD_EXIT_STATUS);
    }
    trellis_guard_engine *engine = trellis_guard_thread_engine;
    if (engine != NULL && engine->current >= 0 && engine->current < engine->slot_count) {
        trellis_guard_say("\ntrellis: ");
        trellis_guard_say(engine->labels[engine->current]);
        trellis_guard_say(" called exit() while ");
        trellis_guard_say(trellis_guard_phase_words(engine->phase));
        trellis_guard_say("; the run is stopped (status 70): a plugin must return an error status, not end the process\n");
        _exit(TRELLIS_GUARD_EXIT_STATUS);
    }
    /* Any engine whose nodes exist means plugin code may be running on some thread. The lock is
     * only tried: the thread that held it may be the one that is gone. */
    int running = 0;
    int locked = pthread_mutex_trylock(&trellis_guard_registry_lock) == 0;
    for (trellis_guard_engine *e = trellis_guard_watched; e != NULL; e = e->next) {
        if ((e->live || e->phase != TRELLIS_GUARD_IDLE) && e != engine) running = 1;
    }
    if (locked) pthread_mutex_unlock(&trellis_guard_registry_lock);
    if (running) {
        trellis_guard_say("\ntrellis: a thread that is not the engine's called exit() while a run was going on (a plugin's own thread?); "
            "the run is stopped (status 70)\n");
        _exit(TRELLIS_GUARD_EXIT_STATUS);
    }
}

void trellis_guard_install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return;
    trellis_guard_installed_pid = getpid();
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = on_fatal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigaction(fatal_signals[i], &action, &previous[fatal_signals[i]]);
    }
    atexit(on_exit_hook);
}

/* ---- mapped files ----------------------------------------------------------------------------- */

int32_t trellis_guard_watch_file(const void *base, size_t length, const char *name) {
    for (int32_t i = 0; i < WATCHED_FILES; i++) {
        int expected = 0;
        if (atomic_load(&files[i].used) != 0) continue;
        /* Claim the entry with 2 (being filled), publish it with 1. */
        if (!atomic_compare_exchange_strong(&files[i].used, &expected, 2)) continue;
        files[i].start = (uintptr_t)base;
        files[i].end = (uintptr_t)base + length;
        strncpy(files[i].name, name, sizeof files[i].name - 1);
        files[i].name[sizeof files[i].name - 1] = 0;
        atomic_store(&files[i].used, 1);
        return i;
    }
    return -1;
}

void trellis_guard_unwatch_file(int32_t token) {
    if (token >= 0 && token < WATCHED_FILES) atomic_store(&files[token].used, 0);
}


void trellis_guard_loading(const char *path) {
    if (path == NULL) {
        trellis_guard_thread_loading[0] = 0;
        return;
    }
    strncpy(trellis_guard_thread_loading, path, sizeof trellis_guard_thread_loading - 1);
    trellis_guard_thread_loading[sizeof trellis_guard_thread_loading - 1] = 0;
}
