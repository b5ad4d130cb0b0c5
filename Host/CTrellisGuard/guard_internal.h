/* What the parts of the guard share (see CTrellisGuard.h); not part of its interface. */
#ifndef TRELLIS_GUARD_INTERNAL_H
#define TRELLIS_GUARD_INTERNAL_H

#include "CTrellisGuard.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

/* The calling thread's engine, and the library it is loading ("" when none). */
extern __thread trellis_guard_engine *trellis_guard_thread_engine;
extern __thread char trellis_guard_thread_loading[512];
/* The process that installed the guard: a forked child's exit is its own. */
extern pid_t trellis_guard_installed_pid;

/* The engines being watched, and the lock that guards the list. */
extern pthread_mutex_t trellis_guard_registry_lock;
extern trellis_guard_engine *trellis_guard_watched;

/* Writing without stdio, from signal handlers and the watchdog. */
void trellis_guard_say(const char *text);
void trellis_guard_say_tenths(uint64_t value);
const char *trellis_guard_phase_words(int32_t phase);
int64_t trellis_guard_monotonic_ns(void);

#endif
