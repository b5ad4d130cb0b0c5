/*
 * A feed node for tests of the live runtime (ABI 1.2): in activate it starts its own thread,
 * which reads daily bars from the CSV file `path` (the repository's ",Open,High,Low,Close,Volume"
 * layout) and posts them through `trellis.post/1`, `every_us` microseconds apart. Each bar is
 * stamped as the host's CSV feed stamps it: it opened at UTC midnight of its date, and
 * header.ts_ns is its end, a day later. deactivate joins the thread. It proves that events posted
 * from a plugin's thread reach the engine in order, and the simulated venue fills on them.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CTrellis.h"

typedef struct posting_feed {
    const trellis_host *host;
    const trellis_post_ext *post;
    char path[512];
    char symbol[64];
    int64_t every_us;
    uint32_t instrument;
    pthread_t thread;
    int started;
    volatile int stop;
    uint64_t posted, refused;
} posting_feed;

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void *run(void *argument) {
    posting_feed *f = argument;
    FILE *file = fopen(f->path, "r");
    if (file == NULL) return NULL;
    char line[512];
    if (fgets(line, sizeof line, file) == NULL) { fclose(file); return NULL; }
    while (!f->stop && fgets(line, sizeof line, file) != NULL) {
        int y, m, d;
        double open, high, low, close, volume;
        if (sscanf(line, "%d-%d-%d,%lf,%lf,%lf,%lf,%lf", &y, &m, &d, &open, &high, &low, &close, &volume) != 8) continue;
        trellis_bar bar;
        memset(&bar, 0, sizeof bar);
        bar.header.size = sizeof bar;
        bar.header.type = TRELLIS_EVENT_BAR;
        bar.header.instrument = f->instrument;
        bar.period_ns = 86400LL * 1000000000LL;
        bar.header.ts_ns = days_from_civil(y, m, d) * 86400LL * 1000000000LL + bar.period_ns;
        bar.open = open; bar.high = high; bar.low = low; bar.close = close; bar.volume = volume;
        if (f->post->post(f->host->ctx, &bar.header) == TRELLIS_OK) f->posted++; else f->refused++;
        if (f->every_us > 0) {
            struct timespec pause = {(time_t)(f->every_us / 1000000), (long)(f->every_us % 1000000) * 1000};
            nanosleep(&pause, NULL);
        }
    }
    fclose(file);
    return NULL;
}

static trellis_status activate(void *node) {
    posting_feed *f = node;
    trellis_str symbol = trellis_cstr(f->symbol);
    if (f->host->find_instrument(f->host->ctx, symbol, &f->instrument) != TRELLIS_OK) {
        const trellis_instruments_ext *instruments = f->host->get_extension(f->host->ctx, trellis_cstr(TRELLIS_EXT_INSTRUMENTS));
        trellis_instrument record;
        memset(&record, 0, sizeof record);
        record.struct_size = sizeof record;
        record.symbol = symbol;
        record.currency = trellis_cstr("USD");
        record.lot_size = 1;
        record.multiplier = 1;
        if (instruments == NULL || instruments->register_instrument(f->host->ctx, &record, &f->instrument) != TRELLIS_OK) return TRELLIS_ERR_NOT_FOUND;
    }
    f->post = f->host->get_extension(f->host->ctx, trellis_cstr(TRELLIS_EXT_POST));
    if (f->post == NULL) return TRELLIS_ERR_UNSUPPORTED;
    if (pthread_create(&f->thread, NULL, run, f) != 0) return TRELLIS_ERR_INTERNAL;
    f->started = 1;
    return TRELLIS_OK;
}

static trellis_status deactivate(void *node) {
    posting_feed *f = node;
    f->stop = 1;
    if (f->started) pthread_join(f->thread, NULL);
    f->started = 0;
    char message[128];
    snprintf(message, sizeof message, "posted %llu bars, %llu refused", (unsigned long long)f->posted, (unsigned long long)f->refused);
    f->host->log(f->host->ctx, TRELLIS_LOG_INFO, trellis_cstr(message));
    return TRELLIS_OK;
}

static void destroy(void *node) {
    posting_feed *f = node;
    if (f->started) { f->stop = 1; pthread_join(f->thread, NULL); }
    free(f);
}

static const trellis_node_methods methods = {sizeof(trellis_node_methods), 0, activate, NULL, deactivate, destroy, NULL};

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
    posting_feed *f = calloc(1, sizeof *f);
    if (f == NULL) return TRELLIS_ERR_NO_MEMORY;
    f->host = args->host;
    trellis_str text;
    if (args->params->get_string(args->params->ctx, trellis_cstr("path"), &text) != TRELLIS_OK || text.len >= sizeof f->path) {
        snprintf(args->error, args->error_capacity, "path: give the CSV file to post");
        free(f);
        return TRELLIS_ERR_INVALID;
    }
    memcpy(f->path, text.ptr, text.len);
    if (args->params->get_string(args->params->ctx, trellis_cstr("symbol"), &text) != TRELLIS_OK || text.len >= sizeof f->symbol) {
        snprintf(args->error, args->error_capacity, "symbol: give the symbol");
        free(f);
        return TRELLIS_ERR_INVALID;
    }
    memcpy(f->symbol, text.ptr, text.len);
    int64_t every = 0;
    if (args->params->get_integer(args->params->ctx, trellis_cstr("every_us"), &every) != TRELLIS_OK) every = 0;
    f->every_us = every;
    *out = f;
    return TRELLIS_OK;
}

static const trellis_node_factory factory = {
    sizeof(trellis_node_factory), TRELLIS_KIND_FEED, TRELLIS_STR_LIT("posting-feed"), TRELLIS_STR_LIT("1.0.0"),
    TRELLIS_STR_LIT("Posts a CSV file's daily bars from its own thread."),
    TRELLIS_STR_LIT("{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"symbol\":{\"type\":\"string\"},"
                    "\"every_us\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000000,\"default\":0}},\"required\":[\"path\",\"symbol\"]}"),
    create, &methods};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
    return index == 0 ? &factory : NULL;
}

static const trellis_plugin descriptor = {
    sizeof(trellis_plugin), TRELLIS_ABI_MAJOR, 2, TRELLIS_STR_LIT("posting-feed"), TRELLIS_STR_LIT("1.0.0"),
    TRELLIS_STR_LIT("A test feed that posts from its own thread."), 1, 0, get_factory};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &descriptor;
}
