/* The host's guard against plugins that misbehave (see CTrellisGuard.h). Everything the signal
 * handlers and the exit hook read is prepared before a run: they only read memory and call
 * write(2), sigaction(2), raise(3) and _exit(2). */
#define _GNU_SOURCE
#include "CTrellisGuard.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static __thread trellis_guard_engine *thread_engine;
static __thread int thread_has_stack;
static __thread char thread_loading[512];
static pid_t installed_pid;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static trellis_guard_engine *watched;
static int watchdog_started;

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

static void say(const char *text) {
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
static void say_tenths(uint64_t value) {
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
    say(digits + at);
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

static const char *phase_words(int32_t phase) {
    switch (phase) {
    case TRELLIS_GUARD_CREATE: return "being created";
    case TRELLIS_GUARD_ACTIVATE: return "being activated";
    case TRELLIS_GUARD_EVENT: return "handling an event";
    case TRELLIS_GUARD_DEACTIVATE: return "being deactivated";
    case TRELLIS_GUARD_DESTROY: return "being destroyed";
    default: return "running";
    }
}

static int64_t monotonic_ns(void) {
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
                say("\ntrellis: ");
                say(files[i].name);
                say(" changed while it was being read (it was truncated or rewritten); run again once it is complete\n");
                _exit(1);
            }
        }
    }
    if (thread_loading[0] != 0) {
        say("\ntrellis: the process crashed (");
        say(signal_name(sig));
        say(") while loading the plugin library ");
        say(thread_loading);
        say(" (its start-up code or its entry point); the fault is in that library\n");
        die_by(sig);
    }
    trellis_guard_engine *engine = thread_engine;
    if (engine != NULL && engine->current >= 0 && engine->current < engine->slot_count) {
        int32_t slot = engine->current;
        uintptr_t pc = fault_pc(context);
        int inside = pc != 0 && engine->code != NULL && pc >= engine->code[2 * slot] && pc < engine->code[2 * slot + 1];
        say("\ntrellis: the process crashed (");
        say(signal_name(sig));
        say(") while ");
        say(engine->labels[slot]);
        say(" was ");
        say(phase_words(engine->phase));
        say(inside ? "; the fault is in that plugin's code\n" : "; the fault is in that plugin or in a function it called\n");
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
    if (getpid() != installed_pid) return; /* a child a plugin forked: its exit is its own */
    if (thread_loading[0] != 0) {
        say("\ntrellis: the plugin library ");
        say(thread_loading);
        say(" called exit() while being loaded; the command is stopped (status 70)\n");
        _exit(TRELLIS_GUARD_EXIT_STATUS);
    }
    trellis_guard_engine *engine = thread_engine;
    if (engine != NULL && engine->current >= 0 && engine->current < engine->slot_count) {
        say("\ntrellis: ");
        say(engine->labels[engine->current]);
        say(" called exit() while ");
        say(phase_words(engine->phase));
        say("; the run is stopped (status 70): a plugin must return an error status, not end the process\n");
        _exit(TRELLIS_GUARD_EXIT_STATUS);
    }
    /* Any engine whose nodes exist means plugin code may be running on some thread. The lock is
     * only tried: the thread that held it may be the one that is gone. */
    int running = 0;
    int locked = pthread_mutex_trylock(&registry_lock) == 0;
    for (trellis_guard_engine *e = watched; e != NULL; e = e->next) {
        if ((e->live || e->phase != TRELLIS_GUARD_IDLE) && e != engine) running = 1;
    }
    if (locked) pthread_mutex_unlock(&registry_lock);
    if (running) {
        say("\ntrellis: a thread that is not the engine's called exit() while a run was going on (a plugin's own thread?); "
            "the run is stopped (status 70)\n");
        _exit(TRELLIS_GUARD_EXIT_STATUS);
    }
}

void trellis_guard_install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return;
    installed_pid = getpid();
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
    pthread_mutex_lock(&registry_lock);
    for (trellis_guard_engine **link = &watched; *link != NULL; link = &(*link)->next) {
        if (*link == engine) {
            *link = engine->next;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
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
    trellis_guard_engine *before = thread_engine;
    thread_engine = engine;
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

void trellis_guard_detach(trellis_guard_engine *previous_engine) { thread_engine = previous_engine; }

void trellis_guard_loading(const char *path) {
    if (path == NULL) {
        thread_loading[0] = 0;
        return;
    }
    strncpy(thread_loading, path, sizeof thread_loading - 1);
    thread_loading[sizeof thread_loading - 1] = 0;
}

/* ---- the watchdog ----------------------------------------------------------------------------- */

static void report_stuck(trellis_guard_engine *engine, int64_t stuck_ns, int killed) {
    int32_t slot = engine->current;
    say("\ntrellis: ");
    if (slot >= 0 && slot < engine->slot_count) {
        say(engine->labels[slot]);
    } else {
        say("a node");
    }
    say(" has been ");
    say(phase_words(engine->phase));
    say(" for ");
    say_tenths((uint64_t)(stuck_ns / 100000000));
    if (killed) {
        say(" s and did not return when 'trellis kill' asked the run to halt; the run is stopped (status 70)\n");
    } else {
        say(" s, longer than the callback budget (");
        say(engine->budget_setting != NULL ? engine->budget_setting : "limits.max_callback_seconds");
        say("); the run is stopped (status 70): fix the plugin, or raise the budget if it needs that long\n");
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
        int64_t now = monotonic_ns();
        pthread_mutex_lock(&registry_lock);
        for (trellis_guard_engine *engine = watched; engine != NULL; engine = engine->next) {
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
        pthread_mutex_unlock(&registry_lock);
    }
    return NULL;
}

void trellis_guard_watch(trellis_guard_engine *engine) {
    pthread_mutex_lock(&registry_lock);
    engine->stuck_since_ns = monotonic_ns();
    engine->next = watched;
    watched = engine;
    if (!watchdog_started) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        watchdog_started = pthread_create(&thread, &attributes, watchdog, NULL) == 0;
        pthread_attr_destroy(&attributes);
    }
    pthread_mutex_unlock(&registry_lock);
}

void trellis_guard_set_kill(trellis_guard_engine *engine, int32_t count, const char *const *paths, int64_t since_ns) {
    pthread_mutex_lock(&registry_lock);
    free_strings(engine->kill_paths, engine->kill_path_count);
    engine->kill_paths = calloc((size_t)count + 1, sizeof(char *));
    for (int32_t i = 0; i < count; i++) engine->kill_paths[i] = strdup(paths[i]);
    engine->kill_path_count = count;
    engine->kill_since_ns = since_ns;
    pthread_mutex_unlock(&registry_lock);
}

void trellis_guard_set_budget(trellis_guard_engine *engine, uint64_t budget_ns, const char *setting) {
    pthread_mutex_lock(&registry_lock);
    free(engine->budget_setting);
    engine->budget_setting = setting != NULL ? strdup(setting) : NULL;
    engine->budget_ns = budget_ns;
    pthread_mutex_unlock(&registry_lock);
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

/* ---- buffers lent to plugins ------------------------------------------------------------------ */

static size_t page_size(void) {
    long size = sysconf(_SC_PAGESIZE);
    return size > 0 ? (size_t)size : 4096;
}

static size_t usable_size(size_t capacity) {
    size_t page = page_size();
    return (capacity + TRELLIS_GUARD_CANARY + page - 1) / page * page;
}

char *trellis_guard_buffer_new(size_t capacity) {
    size_t usable = usable_size(capacity);
    char *memory = mmap(NULL, usable + page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return NULL;
    if (mprotect(memory + usable, page_size(), PROT_NONE) != 0) {
        munmap(memory, usable + page_size());
        return NULL;
    }
    memset(memory, 0, capacity);
    memset(memory + capacity, 0xA5, usable - capacity);
    return memory;
}

int trellis_guard_buffer_intact(const char *buffer, size_t capacity) {
    size_t usable = usable_size(capacity);
    for (size_t i = capacity; i < usable; i++) {
        if ((unsigned char)buffer[i] != 0xA5) return 0;
    }
    return 1;
}

void trellis_guard_buffer_free(char *buffer, size_t capacity) {
    if (buffer != NULL) munmap(buffer, usable_size(capacity) + page_size());
}

/* ---- sealed copies of plugin libraries -------------------------------------------------------- */

int trellis_guard_sealed_copy(int fd) {
    int copy = memfd_create("trellis-plugin", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (copy < 0) return -1;
    char buffer[1 << 16];
    off_t offset = 0;
    for (;;) {
        ssize_t count = pread(fd, buffer, sizeof buffer, offset);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) {
            close(copy);
            return -1;
        }
        if (count == 0) break;
        for (ssize_t done = 0; done < count;) {
            ssize_t written = write(copy, buffer + done, (size_t)(count - done));
            if (written < 0 && errno == EINTR) continue;
            if (written <= 0) {
                close(copy);
                return -1;
            }
            done += written;
        }
        offset += count;
    }
    if (fcntl(copy, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
        close(copy);
        return -1;
    }
    return copy;
}
