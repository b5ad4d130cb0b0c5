/*
 * A small strategy plugin for the loader and engine tests. It buys `quantity` units on bar
 * `buy_at`, closes on bar `sell_at` (bars counted from 0), and fails create with the message
 * `fail` when that parameter is not empty. With `check_extensions`, create fails unless the host
 * offers trellis.timer/1 and answers NULL for an unknown extension. Each -D variant below breaks
 * one ABI rule:
 *
 *   FIXTURE_NO_ENTRY          exports no trellis_plugin_entry
 *   FIXTURE_DECLINE           the entry returns NULL
 *   FIXTURE_ABI_MAJOR         the descriptor claims ABI 2.0
 *   FIXTURE_SMALL_DESCRIPTOR  the descriptor's struct_size is 40
 *   FIXTURE_NULL_FACTORY      get_factory returns NULL
 *   FIXTURE_SMALL_METHODS     the methods table is too small to hold destroy
 *   FIXTURE_SHORT_METHODS     (valid) the methods table ends before get_extension, which traps
 *   FIXTURE_CRASH_IN_CREATE   create dereferences NULL
 *   FIXTURE_CRASH_ON_EVENT    on_event dereferences NULL on the third bar
 *   FIXTURE_EXIT_IN_ENTRY     the entry point calls exit(0)
 *   FIXTURE_CONSTRUCTOR_MARKER (valid) a constructor creates the file $TRELLIS_FIXTURE_MARKER names,
 *                             so a test can tell whether any of the library's code ran
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CTrellis.h"

#ifdef FIXTURE_CONSTRUCTOR_MARKER
__attribute__((constructor)) static void leave_marker(void) {
    const char *path = getenv("TRELLIS_FIXTURE_MARKER");
    if (path == NULL) return;
    FILE *marker = fopen(path, "w");
    if (marker != NULL) fclose(marker);
}
#endif

typedef struct probe {
    const trellis_host *host;
    int64_t buy_at, sell_at, bars;
    double quantity;
} probe;

static void order(probe *p, uint32_t instrument, int32_t side, uint32_t flags) {
    trellis_order o;
    memset(&o, 0, sizeof o);
    o.header.size = sizeof o;
    o.header.type = TRELLIS_EVENT_ORDER;
    o.header.instrument = instrument;
    o.side = side;
    o.quantity = p->quantity;
    o.order_flags = flags;
    p->host->emit(p->host->ctx, &o.header);
}

#if defined(FIXTURE_CRASH_IN_CREATE) || defined(FIXTURE_CRASH_ON_EVENT)
static void crash(void) {
    volatile int *nowhere = NULL;
    *nowhere = 1;
}
#endif

static trellis_status on_event(void *node, const trellis_event_header *event) {
    probe *p = node;
    if (event->type != TRELLIS_EVENT_BAR) return TRELLIS_OK;
#ifdef FIXTURE_CRASH_ON_EVENT
    if (p->bars == 2) crash();
#endif
    if (p->bars == p->buy_at) order(p, event->instrument, TRELLIS_SIDE_BUY, 0);
    if (p->bars == p->sell_at) order(p, event->instrument, TRELLIS_SIDE_SELL, TRELLIS_ORDER_FLAG_CLOSE_POSITION);
    p->bars++;
    return TRELLIS_OK;
}

static trellis_status activate(void *node) { (void)node; return TRELLIS_OK; }
static trellis_status deactivate(void *node) { (void)node; return TRELLIS_OK; }
static void destroy(void *node) { free(node); }

static const void *get_extension(void *node, trellis_str id) {
    (void)node;
    (void)id;
#ifdef FIXTURE_SHORT_METHODS
    abort(); /* beyond struct_size: the host must not call it */
#else
    return NULL;
#endif
}

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
#ifdef FIXTURE_CRASH_IN_CREATE
    crash();
#endif
    const trellis_params *params = args->params;
    trellis_str fail = {0, 0};
    if (params->get_string(params->ctx, trellis_cstr("fail"), &fail) == TRELLIS_OK && fail.len > 0) {
        snprintf(args->error, args->error_capacity, "asked to fail: %.*s", (int)fail.len, fail.ptr);
        return TRELLIS_ERR_PLUGIN;
    }
    int32_t check = 0;
    if (params->get_bool(params->ctx, trellis_cstr("check_extensions"), &check) == TRELLIS_OK && check) {
        const trellis_host *host = args->host;
        if (!TRELLIS_HAS_FIELD(host, trellis_host, get_extension)) {
            snprintf(args->error, args->error_capacity, "the host table has no get_extension");
            return TRELLIS_ERR_PLUGIN;
        }
        const trellis_timer_ext *timer = host->get_extension(host->ctx, trellis_cstr(TRELLIS_EXT_TIMER));
        if (timer == NULL || !TRELLIS_HAS_FIELD(timer, trellis_timer_ext, cancel)) {
            snprintf(args->error, args->error_capacity, "no usable %s", TRELLIS_EXT_TIMER);
            return TRELLIS_ERR_PLUGIN;
        }
        if (host->get_extension(host->ctx, trellis_cstr("trellis.timer/2")) != NULL ||
            host->get_extension(host->ctx, trellis_cstr("no.such.extension/1")) != NULL) {
            snprintf(args->error, args->error_capacity, "an unknown extension id did not give NULL");
            return TRELLIS_ERR_PLUGIN;
        }
    }
    probe *p = calloc(1, sizeof *p);
    if (p == NULL) return TRELLIS_ERR_NO_MEMORY;
    p->host = args->host;
    params->get_integer(params->ctx, trellis_cstr("buy_at"), &p->buy_at);
    params->get_integer(params->ctx, trellis_cstr("sell_at"), &p->sell_at);
    params->get_number(params->ctx, trellis_cstr("quantity"), &p->quantity);
    *out = p;
    return TRELLIS_OK;
}

static const char schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"buy_at\": {\"type\": \"integer\", \"minimum\": 0, \"default\": 0},"
    "\"sell_at\": {\"type\": \"integer\", \"minimum\": 0, \"default\": 5},"
    "\"quantity\": {\"type\": \"number\", \"exclusiveMinimum\": 0, \"default\": 1},"
    "\"fail\": {\"type\": \"string\", \"default\": \"\"},"
    "\"check_extensions\": {\"type\": \"boolean\", \"default\": false}}}";

#if defined(FIXTURE_SMALL_METHODS)
#define METHODS_SIZE 24
#elif defined(FIXTURE_SHORT_METHODS)
#define METHODS_SIZE offsetof(trellis_node_methods, get_extension)
#else
#define METHODS_SIZE sizeof(trellis_node_methods)
#endif

static const trellis_node_methods methods = {METHODS_SIZE, 0, activate, on_event, deactivate, destroy, get_extension};

#define STR(s) {s, sizeof(s) - 1}

static const trellis_node_factory factory = {
    sizeof(trellis_node_factory), TRELLIS_KIND_STRATEGY, STR("probe"), STR("1.0.0"),
    STR("Buys on one bar and closes on another."), {schema, sizeof(schema) - 1}, create, &methods,
};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
#ifdef FIXTURE_NULL_FACTORY
    (void)index;
    (void)factory;
    return NULL;
#else
    return index == 0 ? &factory : NULL;
#endif
}

#if defined(FIXTURE_ABI_MAJOR)
#define ABI_MAJOR 2
#else
#define ABI_MAJOR TRELLIS_ABI_MAJOR
#endif

#if defined(FIXTURE_SMALL_DESCRIPTOR)
#define DESCRIPTOR_SIZE 40
#else
#define DESCRIPTOR_SIZE sizeof(trellis_plugin)
#endif

static const trellis_plugin plugin = {
    DESCRIPTOR_SIZE, ABI_MAJOR, 0, STR("fixture"), STR("1.0.0"), STR("Test fixture."), 1, 0, get_factory,
};

#ifndef FIXTURE_NO_ENTRY
TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
#ifdef FIXTURE_EXIT_IN_ENTRY
    exit(0);
#endif
#ifdef FIXTURE_DECLINE
    (void)plugin;
    return NULL;
#else
    return &plugin;
#endif
}
#else
TRELLIS_EXPORT int trellis_not_the_entry(void) { return plugin.factory_count == 1; }
#endif
