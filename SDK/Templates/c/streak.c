/* streak.c: buys after `streak` rising closes in a row, sells on the first falling close. */
#include <stdlib.h>
#include <string.h>

#include "CTrellis.h"

typedef struct streak {
    const trellis_host *host;
    int64_t needed, rising;
    double quantity, last;
    int holding;
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
    s->host->emit(s->host->ctx, &o.header); /* delivered after on_event returns */
}

static trellis_status on_event(void *node, const trellis_event_header *event) {
    streak *s = node;
    if (event->type != TRELLIS_EVENT_BAR) return TRELLIS_OK;
    const trellis_bar *bar = (const trellis_bar *)event;
    s->rising = bar->close > s->last ? s->rising + 1 : 0;
    if (!s->holding && s->rising >= s->needed) {
        order(s, event->instrument, TRELLIS_SIDE_BUY, 0);
        s->holding = 1;
    } else if (s->holding && bar->close < s->last) {
        order(s, event->instrument, TRELLIS_SIDE_SELL, TRELLIS_ORDER_FLAG_CLOSE_POSITION);
        s->holding = 0;
    }
    s->last = bar->close;
    return TRELLIS_OK;
}

static trellis_status nothing(void *node) { (void)node; return TRELLIS_OK; }
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

#define STR(text) {text, sizeof(text) - 1}

static const trellis_node_methods methods = {sizeof methods, 0, nothing, on_event, nothing, destroy, NULL};

static const trellis_node_factory factory = {
    sizeof factory, TRELLIS_KIND_STRATEGY, STR("streak"), STR("1.0.0"),
    STR("Buys after a run of rising closes, sells on the first falling close."),
    STR("{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
        "\"streak\": {\"type\": \"integer\", \"minimum\": 1, \"default\": 3},"
        "\"quantity\": {\"type\": \"number\", \"exclusiveMinimum\": 0, \"default\": 10}}}"),
    create, &methods,
};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
    return index == 0 ? &factory : NULL;
}

static const trellis_plugin plugin = {
    sizeof plugin, TRELLIS_ABI_MAJOR, TRELLIS_ABI_MINOR, STR("streak-c"), STR("1.0.0"),
    STR("My first Trellis plugin."), 1, 0, get_factory,
};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &plugin;
}
