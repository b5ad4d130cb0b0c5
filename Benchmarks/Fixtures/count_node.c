/*
 * The smallest node there is, for the routing benchmark: an observer that counts the events it
 * receives. The harness times the host delivering to it and, as the baseline, a raw call of the
 * same on_event through a C function pointer.
 */
#include <stdint.h>
#include <stdlib.h>

#include "CTrellis.h"

typedef struct counter {
    uint64_t events;
    double sum;
} counter;

static trellis_status on_event(void *node, const trellis_event_header *event) {
    counter *c = node;
    c->events++;
    c->sum += (double)event->ts_ns;
    return TRELLIS_OK;
}

static void destroy(void *node) { free(node); }

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory, (void)args;
    counter *c = calloc(1, sizeof *c);
    if (c == NULL) return TRELLIS_ERR_NO_MEMORY;
    *out = c;
    return TRELLIS_OK;
}

static const trellis_node_methods methods = {.struct_size = sizeof methods, .on_event = on_event, .destroy = destroy};

static const trellis_node_factory factory = {
    .struct_size = sizeof factory,
    .kind = TRELLIS_KIND_OBSERVER,
    .type = TRELLIS_STR_LIT("count"),
    .version = TRELLIS_STR_LIT("1.0.0"),
    .description = TRELLIS_STR_LIT("Counts the events it receives."),
    .params_schema = TRELLIS_STR_LIT("{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {}}"),
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
    .id = TRELLIS_STR_LIT("bench-count"),
    .version = TRELLIS_STR_LIT("1.0.0"),
    .description = TRELLIS_STR_LIT("The routing benchmark's counting node."),
    .factory_count = 1,
    .get_factory = get_factory,
};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &plugin;
}
