/* streak.c: buys after `streak` rising closes in a row, sells on the first falling close. */
#include <stdlib.h>
#include <string.h>

#include "CTrellis.h"

typedef struct streak {
    const trellis_host *host;
    int64_t needed, rising;
    double quantity, last, position;
    int pending; /* an order is on its way: wait for its outcome */
} streak;

static void order(streak *s, uint32_t instrument, int32_t side, uint32_t flags) {
    trellis_order o;
    memset(&o, 0, sizeof o); /* zero is a good-till-canceled market order in units */
    o.header.size = sizeof o;
    o.header.type = TRELLIS_EVENT_ORDER;
    o.header.instrument = instrument;
    o.side = side;
    o.quantity = s->quantity;
    o.order_flags = flags;
    if (s->host->emit(s->host->ctx, &o.header) == TRELLIS_OK) s->pending = 1; /* delivered after on_event returns */
}

static trellis_status on_event(void *node, const trellis_event_header *event) {
    streak *s = node;
    if (event->type == TRELLIS_EVENT_FILL) {
        s->position = ((const trellis_fill *)event)->position; /* our position after the fill */
    } else if (event->type == TRELLIS_EVENT_ORDER_UPDATE) {
        int32_t status = ((const trellis_order_update *)event)->status;
        if (status != TRELLIS_ORDER_ACCEPTED && status != TRELLIS_ORDER_PARTIALLY_FILLED) s->pending = 0;
    } else if (event->type == TRELLIS_EVENT_BAR) {
        const trellis_bar *bar = (const trellis_bar *)event;
        s->rising = bar->close > s->last ? s->rising + 1 : 0;
        if (!s->pending && s->position == 0 && s->rising >= s->needed) {
            order(s, event->instrument, TRELLIS_SIDE_BUY, 0);
        } else if (!s->pending && s->position > 0 && bar->close < s->last) {
            order(s, event->instrument, TRELLIS_SIDE_SELL, TRELLIS_ORDER_FLAG_CLOSE_POSITION);
        }
        s->last = bar->close;
    }
    return TRELLIS_OK;
}

static void destroy(void *node) { free(node); }

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
    streak *s = calloc(1, sizeof *s);
    if (s == NULL) return TRELLIS_ERR_NO_MEMORY;
    s->host = args->host;
    /* The host checked the parameters against the schema below and filled in the defaults. */
    args->params->get_integer(args->params->ctx, trellis_cstr("streak"), &s->needed);
    args->params->get_number(args->params->ctx, trellis_cstr("quantity"), &s->quantity);
    *out = s;
    return TRELLIS_OK;
}

static const trellis_node_methods methods = {
    .struct_size = sizeof methods,
    .on_event = on_event,
    .destroy = destroy, /* activate, deactivate and get_extension may stay NULL */
};

static const trellis_node_factory factory = {
    .struct_size = sizeof factory,
    .kind = TRELLIS_KIND_STRATEGY,
    .type = TRELLIS_STR_LIT("streak"),
    .version = TRELLIS_STR_LIT("1.0.0"),
    .description = TRELLIS_STR_LIT("Buys after a run of rising closes, sells on the first falling close."),
    .params_schema = TRELLIS_STR_LIT("{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
                                     "\"streak\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 100000, \"default\": 3},"
                                     "\"quantity\": {\"type\": \"number\", \"exclusiveMinimum\": 0, \"default\": 10}}}"),
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
    .id = TRELLIS_STR_LIT("streak-c"),
    .version = TRELLIS_STR_LIT("1.0.0"),
    .description = TRELLIS_STR_LIT("My first Trellis plugin."),
    .factory_count = 1,
    .get_factory = get_factory,
};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &plugin;
}
