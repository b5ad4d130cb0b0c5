/*
 * A strategy plugin that misbehaves on purpose, for the fail-closed tests. Its `mode` parameter
 * says how, on bar `at` (counted from 0) unless said otherwise:
 *
 *   order           emits one order of `quantity` units (limit `price` when > 0) every bar
 *   activate-order  emits one market order of `quantity` units in activate, before any price
 *   nan-order       emits an order whose quantity is NaN
 *   inf-price       emits a limit order whose limit price is +infinity
 *   nan-signal      emits a signal whose value is NaN
 *   flood           emits `count` market orders of `quantity` in one on_event
 *   exit            calls exit(0) in on_event
 *   hang            loops forever in on_event
 *   segv-activate   raises SIGSEGV in activate
 *   stack-overflow  recurses without end in on_event
 *   thread-emit     a thread of its own calls emit from activate (which waits for its first tries)
 *                   to deactivate, and deactivate fails if the host ever accepted one
 *   overrun         writes `count` bytes into the create error buffer, ignoring its capacity
 *   noisy-log       logs a line with terminal control sequences and `count` bytes of text
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CTrellis.h"

typedef struct hostile {
    const trellis_host *host;
    char mode[32];
    int64_t at, bars, count;
    double quantity, price;
    pthread_t thread;
    int thread_started;
    volatile int stop;
    volatile int64_t accepted_off_thread; /* emits the host accepted from the other thread */
    volatile int64_t attempts_off_thread;
    uint32_t instrument;
} hostile;

static int is(const hostile *h, const char *mode) { return strcmp(h->mode, mode) == 0; }

static trellis_status order(hostile *h, uint32_t instrument, double quantity, double limit) {
    trellis_order o;
    memset(&o, 0, sizeof o);
    o.header.size = sizeof o;
    o.header.type = TRELLIS_EVENT_ORDER;
    o.header.instrument = instrument;
    o.side = TRELLIS_SIDE_BUY;
    o.quantity = quantity;
    if (limit != 0) {
        o.order_type = TRELLIS_ORDER_LIMIT;
        o.limit_price = limit;
    }
    return h->host->emit(h->host->ctx, &o.header);
}

static volatile int64_t depth_limit = INT64_MAX;

static int64_t depth(int64_t n) {
    volatile char pad[256];
    pad[0] = (char)n;
    return n >= depth_limit ? n : depth(n + 1) + pad[0];
}

static void *emit_from_thread(void *arg) {
    hostile *h = arg;
    while (!h->stop) {
        if (order(h, h->instrument ? h->instrument : 1, 1, 0) == TRELLIS_OK) h->accepted_off_thread++;
        h->attempts_off_thread++;
        struct timespec pause = {0, 50000};
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static trellis_status on_event(void *node, const trellis_event_header *event) {
    hostile *h = node;
    if (event->type != TRELLIS_EVENT_BAR) return TRELLIS_OK;
    h->instrument = event->instrument;
    int64_t bar = h->bars++;
    if (is(h, "order")) {
        order(h, event->instrument, h->quantity, h->price);
        return TRELLIS_OK;
    }
    if (bar != h->at) return TRELLIS_OK;
    if (is(h, "nan-order")) order(h, event->instrument, NAN, 0);
    if (is(h, "inf-price")) order(h, event->instrument, 1, INFINITY);
    if (is(h, "nan-signal")) {
        trellis_signal s;
        memset(&s, 0, sizeof s);
        s.header.size = sizeof s;
        s.header.type = TRELLIS_EVENT_SIGNAL;
        s.header.instrument = event->instrument;
        s.value = NAN;
        h->host->emit(h->host->ctx, &s.header);
    }
    if (is(h, "flood")) {
        for (int64_t i = 0; i < h->count; i++) order(h, event->instrument, h->quantity, 0);
    }
    if (is(h, "exit")) exit(0);
    if (is(h, "hang")) {
        for (;;) {
        }
    }
    if (is(h, "stack-overflow")) return (trellis_status)depth(0);
    if (is(h, "noisy-log")) {
        size_t size = (size_t)h->count + 64;
        char *text = malloc(size);
        if (text == NULL) return TRELLIS_ERR_NO_MEMORY;
        strcpy(text, "\x1b[2J\x1b[31mred\r\x07 bell\x1b]0;title\x07");
        size_t used = strlen(text);
        memset(text + used, 'x', (size_t)h->count);
        text[used + (size_t)h->count] = 0;
        h->host->log(h->host->ctx, TRELLIS_LOG_WARNING, (trellis_str){text, strlen(text)});
        free(text);
    }
    return TRELLIS_OK;
}

static trellis_status activate(void *node) {
    hostile *h = node;
    if (is(h, "segv-activate")) raise(SIGSEGV);
    if (is(h, "activate-order")) order(h, 1, h->quantity, 0);
    if (is(h, "thread-emit")) {
        h->thread_started = pthread_create(&h->thread, NULL, emit_from_thread, h) == 0;
        /* Wait (at most a second) until the thread has tried while this callback runs. */
        for (int i = 0; h->thread_started && h->attempts_off_thread < 3 && i < 20000; i++) {
            struct timespec pause = {0, 50000};
            nanosleep(&pause, NULL);
        }
    }
    return TRELLIS_OK;
}

/* Stops the emitting thread, if there is one; returns whether it ran. */
static int stop_thread(hostile *h) {
    if (!h->thread_started) return 0;
    h->stop = 1;
    pthread_join(h->thread, NULL);
    h->thread_started = 0;
    return 1;
}

static trellis_status deactivate(void *node) {
    hostile *h = node;
    if (stop_thread(h) && h->accepted_off_thread > 0) {
        h->host->log(h->host->ctx, TRELLIS_LOG_ERROR, trellis_cstr("the host accepted an emit from another thread"));
        return TRELLIS_ERR_PLUGIN;
    }
    return TRELLIS_OK;
}

static void destroy(void *node) {
    stop_thread(node);
    free(node);
}

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
    const trellis_params *params = args->params;
    hostile *h = calloc(1, sizeof *h);
    if (h == NULL) return TRELLIS_ERR_NO_MEMORY;
    h->host = args->host;
    trellis_str mode = {0, 0};
    params->get_string(params->ctx, trellis_cstr("mode"), &mode);
    memcpy(h->mode, mode.ptr, mode.len < sizeof h->mode - 1 ? mode.len : sizeof h->mode - 1);
    params->get_integer(params->ctx, trellis_cstr("at"), &h->at);
    params->get_integer(params->ctx, trellis_cstr("count"), &h->count);
    params->get_number(params->ctx, trellis_cstr("quantity"), &h->quantity);
    params->get_number(params->ctx, trellis_cstr("price"), &h->price);
    if (is(h, "overrun")) {
        memset(args->error, 'x', (size_t)h->count); /* ignores args->error_capacity */
        free(h);
        return TRELLIS_ERR_PLUGIN;
    }
    *out = h;
    return TRELLIS_OK;
}

static const char schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"mode\": {\"type\": \"string\", \"default\": \"order\"},"
    "\"at\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 1000000, \"default\": 2},"
    "\"count\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 10000000, \"default\": 1},"
    "\"quantity\": {\"type\": \"number\", \"default\": 1},"
    "\"price\": {\"type\": \"number\", \"default\": 0}}}";

static const trellis_node_methods methods = {sizeof(trellis_node_methods), 0, activate, on_event, deactivate, destroy, NULL};

#define STR(s) {s, sizeof(s) - 1}

static const trellis_node_factory factory = {
    sizeof(trellis_node_factory), TRELLIS_KIND_STRATEGY, STR("hostile"), STR("1.0.0"),
    STR("Misbehaves as its mode says."), {schema, sizeof(schema) - 1}, create, &methods,
};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
    return index == 0 ? &factory : NULL;
}

static const trellis_plugin plugin = {
    sizeof(trellis_plugin), TRELLIS_ABI_MAJOR, TRELLIS_ABI_MINOR, STR("hostile"), STR("1.0.0"), STR("Misbehaves on purpose."), 1, 0, get_factory,
};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &plugin;
}
