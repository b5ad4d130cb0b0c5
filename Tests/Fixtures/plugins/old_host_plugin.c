/*
 * A plugin built against an older, shorter host table: it knows only the fields below (as if an
 * earlier header had ended at `emit`). The host's table is longer; the plugin never reads past
 * what it knows, so it keeps working. Buys one unit on the first bar and closes on the third.
 */
#include <stdlib.h>
#include <string.h>

#include "CTrellis.h"

typedef struct old_host {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    void *ctx;
    trellis_status (*emit)(void *ctx, const trellis_event_header *event);
} old_host;

typedef struct node {
    const old_host *host;
    int bars;
} node;

/* With OLD_HOST_EXPORT_HELPER the helper is not static: a careless build exports it. */
#ifdef OLD_HOST_EXPORT_HELPER
#define HELPER
void send_order(node *n, uint32_t instrument, int32_t side, uint32_t flags);
#else
#define HELPER static
#endif

HELPER void send_order(node *n, uint32_t instrument, int32_t side, uint32_t flags) {
    trellis_order o;
    memset(&o, 0, sizeof o);
    o.header.size = sizeof o;
    o.header.type = TRELLIS_EVENT_ORDER;
    o.header.instrument = instrument;
    o.side = side;
    o.quantity = 1;
    o.order_flags = flags;
    n->host->emit(n->host->ctx, &o.header);
}

static trellis_status on_event(void *self, const trellis_event_header *event) {
    node *n = self;
    if (event->type != TRELLIS_EVENT_BAR) return TRELLIS_OK;
    if (n->bars == 0) send_order(n, event->instrument, TRELLIS_SIDE_BUY, 0);
    if (n->bars == 2) send_order(n, event->instrument, TRELLIS_SIDE_SELL, TRELLIS_ORDER_FLAG_CLOSE_POSITION);
    n->bars++;
    return TRELLIS_OK;
}

static trellis_status nothing(void *self) { (void)self; return TRELLIS_OK; }
static void destroy(void *self) { free(self); }

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
    node *n = calloc(1, sizeof *n);
    if (n == NULL) return TRELLIS_ERR_NO_MEMORY;
    n->host = (const old_host *)(const void *)args->host;
    if (n->host->struct_size < sizeof(old_host)) {
        free(n);
        return TRELLIS_ERR_UNSUPPORTED;
    }
    *out = n;
    return TRELLIS_OK;
}

static const trellis_node_methods methods = {sizeof(trellis_node_methods), 0, nothing, on_event, nothing, destroy, NULL};

#define STR(s) {s, sizeof(s) - 1}

static const trellis_node_factory factory = {
    sizeof(trellis_node_factory), TRELLIS_KIND_STRATEGY, STR("old-host"), STR("1.0.0"),
    STR("Uses only the fields of an older host table."), STR("{\"type\": \"object\"}"), create, &methods,
};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
    return index == 0 ? &factory : NULL;
}

static const trellis_plugin plugin = {
    sizeof(trellis_plugin), TRELLIS_ABI_MAJOR, 0, STR("old-host"), STR("1.0.0"), STR("Test fixture."), 1, 0, get_factory,
};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &plugin;
}
