/*
 * The latency benchmark's strategy: a market order of `quantity` units on every `every`-th trade
 * it receives, of any instrument (0: never), buying and selling in turn per instrument so the
 * account stays near flat. Quotes and warm-up events are only counted. It does as little as a
 * strategy can, so the benchmark times the host's path, not a strategy's arithmetic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "CTrellis.h"

#define SIDES 4096

typedef struct every_nth {
    const trellis_host *host;
    int64_t every;
    double quantity;
    uint64_t trades, events, next_order_id;
    uint8_t sold[SIDES]; /* per instrument id (mod SIDES): the last order sold */
} every_nth;

static void on_trade(every_nth *s, const trellis_event_header *event) {
    s->trades++;
    if (s->every <= 0 || s->trades % (uint64_t)s->every != 0) return;
    uint8_t *sold = &s->sold[event->instrument % SIDES];
    trellis_order order;
    memset(&order, 0, sizeof order);
    order.header.size = sizeof order;
    order.header.type = TRELLIS_EVENT_ORDER;
    order.header.instrument = event->instrument;
    order.order_id = s->next_order_id++;
    order.action = TRELLIS_ACTION_NEW;
    order.side = *sold ? TRELLIS_SIDE_BUY : TRELLIS_SIDE_SELL;
    order.order_type = TRELLIS_ORDER_MARKET;
    order.time_in_force = TRELLIS_TIF_GTC;
    order.size_mode = TRELLIS_SIZE_UNITS;
    order.quantity = s->quantity;
    *sold = !*sold;
    s->host->emit(s->host->ctx, &order.header);
}

static trellis_status on_event(void *node, const trellis_event_header *event) {
    every_nth *s = node;
    s->events++;
    if (event->type == TRELLIS_EVENT_TRADE && (event->flags & TRELLIS_EVENT_FLAG_WARMUP) == 0) on_trade(s, event);
    return TRELLIS_OK;
}

static void destroy(void *node) { free(node); }

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
    const trellis_params *p = args->params;
    every_nth *s = calloc(1, sizeof *s);
    if (s == NULL) return TRELLIS_ERR_NO_MEMORY;
    if (p->get_integer(p->ctx, trellis_cstr("every"), &s->every) != TRELLIS_OK ||
        p->get_number(p->ctx, trellis_cstr("quantity"), &s->quantity) != TRELLIS_OK) {
        free(s);
        return TRELLIS_ERR_INVALID;
    }
    s->host = args->host;
    s->next_order_id = 1;
    *out = s;
    return TRELLIS_OK;
}

static const trellis_node_methods methods = {.struct_size = sizeof methods, .on_event = on_event, .destroy = destroy};

static const char schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"every\": {\"type\": \"integer\", \"minimum\": 0, \"default\": 10, \"description\": \"An order on every this many trades; 0: never.\"},"
    "\"quantity\": {\"type\": \"number\", \"exclusiveMinimum\": 0, \"default\": 1, \"description\": \"Units per order.\"}}}";

static const trellis_node_factory factory = {
    .struct_size = sizeof factory,
    .kind = TRELLIS_KIND_STRATEGY,
    .type = TRELLIS_STR_LIT("every-nth-trade"),
    .version = TRELLIS_STR_LIT("1.0.0"),
    .description = TRELLIS_STR_LIT("A market order on every n-th trade of any instrument, buying and selling in turn."),
    .params_schema = {schema, sizeof(schema) - 1},
    .create = create,
    .methods = &methods,
};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
    return index == 0 ? &factory : NULL;
}

static const trellis_plugin plugin = {
    .struct_size = sizeof plugin,
    .abi_major = TRELLIS_ABI_MAJOR,
    .abi_minor = TRELLIS_ABI_MINOR,
    .id = TRELLIS_STR_LIT("bench-latency"),
    .version = TRELLIS_STR_LIT("1.0.0"),
    .description = TRELLIS_STR_LIT("The latency benchmark's strategy."),
    .factory_count = 1,
    .get_factory = get_factory,
};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &plugin;
}
