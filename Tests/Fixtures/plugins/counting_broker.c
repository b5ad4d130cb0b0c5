/*
 * A broker node for tests: counts every request it receives (new orders and cancels), answers
 * each new order with "accepted" and one fill at the order's limit price, or at `price` for a
 * market order, and on deactivate writes one line per request to the file `report`:
 * "<new|cancel> <origin> <order id>". It proves which orders reached the real-venue side.
 * With `stale: 1` it then reports ACCEPTED and FILLED once more, as a venue that reorders and
 * repeats its messages would: the host must drop both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CTrellis.h"

typedef struct request {
    int cancel;
    uint32_t origin;
    uint64_t order_id;
} request;

typedef struct counting_broker {
    const trellis_host *host;
    double price;
    int64_t stale;
    char report[512];
    request *requests;
    size_t count, capacity;
} counting_broker;

static void answer(counting_broker *b, const trellis_order *order) {
    trellis_order_update update;
    memset(&update, 0, sizeof update);
    update.header.size = sizeof update;
    update.header.type = TRELLIS_EVENT_ORDER_UPDATE;
    update.header.instrument = order->header.instrument;
    update.order_id = order->order_id;
    update.origin = order->origin;
    update.client_order_id = order->client_order_id;
    update.side = order->side;
    update.quantity = order->quantity;
    update.status = order->action == TRELLIS_ACTION_CANCEL ? TRELLIS_ORDER_CANCELED : TRELLIS_ORDER_ACCEPTED;
    b->host->emit(b->host->ctx, &update.header);
    if (order->action == TRELLIS_ACTION_CANCEL || order->quantity <= 0) return;
    trellis_fill fill;
    memset(&fill, 0, sizeof fill);
    fill.header.size = sizeof fill;
    fill.header.type = TRELLIS_EVENT_FILL;
    fill.header.instrument = order->header.instrument;
    fill.order_id = order->order_id;
    fill.origin = order->origin;
    fill.client_order_id = order->client_order_id;
    fill.side = order->side;
    fill.quantity = order->quantity;
    fill.price = order->limit_price > 0 ? order->limit_price : b->price;
    b->host->emit(b->host->ctx, &fill.header);
    update.status = TRELLIS_ORDER_FILLED;
    update.filled_quantity = order->quantity;
    update.average_price = fill.price;
    b->host->emit(b->host->ctx, &update.header);
    if (!b->stale) return;
    update.status = TRELLIS_ORDER_ACCEPTED;
    b->host->emit(b->host->ctx, &update.header);
    update.status = TRELLIS_ORDER_FILLED;
    b->host->emit(b->host->ctx, &update.header);
}

static trellis_status on_event(void *node, const trellis_event_header *event) {
    counting_broker *b = node;
    if (event->type != TRELLIS_EVENT_ORDER) return TRELLIS_OK;
    const trellis_order *order = (const trellis_order *)event;
    if (b->count == b->capacity) {
        size_t capacity = b->capacity ? b->capacity * 2 : 64;
        request *grown = realloc(b->requests, capacity * sizeof *grown);
        if (grown == NULL) return TRELLIS_ERR_NO_MEMORY;
        b->requests = grown;
        b->capacity = capacity;
    }
    b->requests[b->count++] = (request){order->action == TRELLIS_ACTION_CANCEL, order->origin, order->order_id};
    answer(b, order);
    return TRELLIS_OK;
}

static trellis_status activate(void *node) { (void)node; return TRELLIS_OK; }

static trellis_status deactivate(void *node) {
    counting_broker *b = node;
    FILE *file = fopen(b->report, "w");
    if (file == NULL) return TRELLIS_ERR_INTERNAL;
    for (size_t i = 0; i < b->count; i++) {
        fprintf(file, "%s %u %llu\n", b->requests[i].cancel ? "cancel" : "new", b->requests[i].origin,
                (unsigned long long)b->requests[i].order_id);
    }
    fclose(file);
    return TRELLIS_OK;
}

static void destroy(void *node) {
    counting_broker *b = node;
    free(b->requests);
    free(b);
}

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
    const trellis_params *p = args->params;
    trellis_str report = {0, 0};
    double price = 0;
    int64_t stale = 0;
    if (p->get_string(p->ctx, trellis_cstr("report"), &report) != TRELLIS_OK || p->get_number(p->ctx, trellis_cstr("price"), &price) != TRELLIS_OK ||
        p->get_integer(p->ctx, trellis_cstr("stale"), &stale) != TRELLIS_OK || report.len == 0 || report.len >= 512) {
        snprintf(args->error, args->error_capacity, "report (a file path) and price are needed");
        return TRELLIS_ERR_INVALID;
    }
    counting_broker *b = calloc(1, sizeof *b);
    if (b == NULL) return TRELLIS_ERR_NO_MEMORY;
    b->host = args->host;
    b->price = price;
    b->stale = stale;
    memcpy(b->report, report.ptr, report.len);
    *out = b;
    return TRELLIS_OK;
}

static const char schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"report\"], \"properties\": {"
    "\"report\": {\"type\": \"string\", \"description\": \"File the requests are written to on deactivate.\"},"
    "\"price\": {\"type\": \"number\", \"default\": 100, \"description\": \"Fill price of market orders.\"},"
    "\"stale\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 1, \"default\": 0, \"description\": \"1: repeat ACCEPTED and FILLED after each fill.\"}}}";

static const trellis_node_methods methods = {sizeof(trellis_node_methods), 0, activate, on_event, deactivate, destroy, NULL};

#define STR(s) {s, sizeof(s) - 1}

static const trellis_node_factory factory = {
    sizeof(trellis_node_factory), TRELLIS_KIND_BROKER, STR("counting-broker"), STR("1.0.0"),
    STR("Counts the requests it receives; fills them at a fixed price."), {schema, sizeof(schema) - 1}, create, &methods,
};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
    return index == 0 ? &factory : NULL;
}

static const trellis_plugin plugin = {
    sizeof(trellis_plugin), TRELLIS_ABI_MAJOR, TRELLIS_ABI_MINOR, STR("counting-broker"), STR("1.0.0"), STR("A broker for tests."), 1, 0, get_factory,
};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &plugin;
}
