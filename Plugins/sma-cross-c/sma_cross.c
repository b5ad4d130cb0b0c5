/*
 * sma-cross in C: buys when the fast simple moving average of closes crosses above the slow one
 * and sells when it crosses below; with `short`, reverses into a short position instead of going
 * flat. The same strategy as the Swift (Plugins/SMACross) and Rust (Plugins/sma-cross-rust)
 * plugins; the three must produce identical runs.
 *
 * Build: gcc -std=c11 -O2 -fPIC -shared -fvisibility=hidden -I ../../SDK/CTrellis/include \
 *            -o libsma_cross_c.so sma_cross.c
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CTrellis.h"

/* Streaming rolling mean computed exactly as pandas' Series.rolling(n).mean(): one Kahan
 * compensation for additions, another for removals. */
typedef struct rolling_mean {
    int period, next, count, negatives, same_run;
    double sum, add_compensation, remove_compensation, previous;
    double *window;
} rolling_mean;

static int rolling_init(rolling_mean *m, int period) {
    memset(m, 0, sizeof *m);
    m->period = period;
    m->previous = NAN;
    m->window = calloc((size_t)period, sizeof(double));
    return m->window != NULL;
}

static void rolling_add(rolling_mean *m, double x) {
    double y = x - m->add_compensation;
    double t = m->sum + y;
    m->add_compensation = t - m->sum - y;
    m->sum = t;
    if (signbit(x)) m->negatives++;
    m->same_run = (x == m->previous) ? m->same_run + 1 : 1;
    m->previous = x;
}

static void rolling_remove(rolling_mean *m, double x) {
    double y = -x - m->remove_compensation;
    double t = m->sum + y;
    m->remove_compensation = t - m->sum - y;
    m->sum = t;
    if (signbit(x)) m->negatives--;
}

/* Adds a value; returns the mean of the last `period` values, or NAN while warming up. */
static double rolling_update(rolling_mean *m, double x) {
    if (m->count == m->period) rolling_remove(m, m->window[m->next]);
    else m->count++;
    rolling_add(m, x);
    m->window[m->next] = x;
    m->next = (m->next + 1 == m->period) ? 0 : m->next + 1;
    if (m->count < m->period) return NAN;
    double result = m->sum / (double)m->period;
    if (m->same_run >= m->period) return m->previous;
    if (m->negatives == 0 && result < 0) return 0;
    if (m->negatives == m->period && result > 0) return 0;
    return result;
}

typedef struct sma_cross {
    const trellis_host *host;
    rolling_mean fast, slow;
    double quantity, previous_fast, previous_slow, position;
    int32_t size_mode;
    int go_short;
    uint32_t instrument;
    uint64_t next_order_id;
} sma_cross;

static void send(sma_cross *s, int32_t side, int close) {
    trellis_order order;
    memset(&order, 0, sizeof order);
    order.header.size = sizeof order;
    order.header.type = TRELLIS_EVENT_ORDER;
    order.header.instrument = s->instrument;
    order.order_id = s->next_order_id++;
    order.side = side;
    if (close) {
        order.order_flags = TRELLIS_ORDER_FLAG_CLOSE_POSITION;
    } else {
        order.quantity = s->quantity;
        order.size_mode = s->size_mode;
    }
    s->host->emit(s->host->ctx, &order.header);
}

static void on_bar(sma_cross *s, const trellis_bar *bar) {
    if (s->instrument == 0) s->instrument = bar->header.instrument;
    if (bar->header.instrument != s->instrument) return;
    double fast = rolling_update(&s->fast, bar->close);
    double slow = rolling_update(&s->slow, bar->close);
    if (s->previous_fast < s->previous_slow && fast > slow) {
        if (s->position < 0) send(s, TRELLIS_SIDE_BUY, 1);
        if (s->position <= 0) send(s, TRELLIS_SIDE_BUY, 0);
    } else if (s->previous_fast > s->previous_slow && fast < slow) {
        if (s->position > 0) send(s, TRELLIS_SIDE_SELL, 1);
        if (s->go_short && s->position >= 0) send(s, TRELLIS_SIDE_SELL, 0);
    }
    s->previous_fast = fast;
    s->previous_slow = slow;
}

static trellis_status on_event(void *node, const trellis_event_header *event) {
    sma_cross *s = node;
    if (event->type == TRELLIS_EVENT_BAR) {
        on_bar(s, (const trellis_bar *)event);
    } else if (event->type == TRELLIS_EVENT_FILL) {
        const trellis_fill *fill = (const trellis_fill *)event;
        if (fill->header.instrument == s->instrument) s->position = fill->position;
    }
    return TRELLIS_OK;
}

static trellis_status activate(void *node) { (void)node; return TRELLIS_OK; }
static trellis_status deactivate(void *node) { (void)node; return TRELLIS_OK; }

static void destroy(void *node) {
    sma_cross *s = node;
    free(s->fast.window);
    free(s->slow.window);
    free(s);
}

static uint32_t warmup_bars(void *node) { return (uint32_t)((sma_cross *)node)->slow.period + 1; }

static const trellis_node_warmup_ext warmup_ext = {sizeof(trellis_node_warmup_ext), 0, warmup_bars};

static const void *get_extension(void *node, trellis_str id) {
    (void)node;
    trellis_str want = trellis_cstr(TRELLIS_EXT_NODE_WARMUP);
    if (id.len == want.len && memcmp(id.ptr, want.ptr, want.len) == 0) return &warmup_ext;
    return NULL;
}

static void fail(const trellis_create_args *args, const char *message) {
    if (args->error != NULL && args->error_capacity > 0) snprintf(args->error, args->error_capacity, "%s", message);
}

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
    const trellis_params *p = args->params;
    int64_t fast = 0, slow = 0;
    int32_t go_short = 0;
    double quantity = 0;
    trellis_str sizing = {0, 0};
    if (p->get_integer(p->ctx, trellis_cstr("fast"), &fast) != TRELLIS_OK ||
        p->get_integer(p->ctx, trellis_cstr("slow"), &slow) != TRELLIS_OK ||
        p->get_number(p->ctx, trellis_cstr("quantity"), &quantity) != TRELLIS_OK ||
        p->get_string(p->ctx, trellis_cstr("sizing"), &sizing) != TRELLIS_OK ||
        p->get_bool(p->ctx, trellis_cstr("short"), &go_short) != TRELLIS_OK) {
        fail(args, "missing or mistyped parameter (fast, slow, quantity, sizing, short)");
        return TRELLIS_ERR_INVALID;
    }
    /* The schema says 1..100000; a host that did not check it must not make us truncate. */
    if (fast < 1 || slow < 2 || fast > 100000 || slow > 100000) {
        char message[96];
        snprintf(message, sizeof message, "fast (%lld) and slow (%lld) must lie in 1..100000", (long long)fast, (long long)slow);
        fail(args, message);
        return TRELLIS_ERR_INVALID;
    }
    if (fast >= slow) {
        char message[96];
        snprintf(message, sizeof message, "fast (%lld) must be shorter than slow (%lld)", (long long)fast, (long long)slow);
        fail(args, message);
        return TRELLIS_ERR_INVALID;
    }
    sma_cross *s = calloc(1, sizeof *s);
    if (s == NULL || !rolling_init(&s->fast, (int)fast) || !rolling_init(&s->slow, (int)slow)) {
        if (s != NULL) destroy(s);
        fail(args, "out of memory");
        return TRELLIS_ERR_NO_MEMORY;
    }
    s->host = args->host;
    s->quantity = quantity;
    s->size_mode = (sizing.len == 6 && memcmp(sizing.ptr, "equity", 6) == 0) ? TRELLIS_SIZE_EQUITY : TRELLIS_SIZE_UNITS;
    s->go_short = go_short;
    s->previous_fast = NAN;
    s->previous_slow = NAN;
    s->next_order_id = 1;
    *out = s;
    return TRELLIS_OK;
}

static const char schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"fast\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 100000, \"default\": 10, \"description\": \"Bars in the fast average.\"},"
    "\"slow\": {\"type\": \"integer\", \"minimum\": 2, \"maximum\": 100000, \"default\": 20, \"description\": \"Bars in the slow average.\"},"
    "\"quantity\": {\"type\": \"number\", \"exclusiveMinimum\": 0, \"default\": 1, \"description\": \"Order size: units, or a fraction of equity with sizing: equity.\"},"
    "\"sizing\": {\"enum\": [\"units\", \"equity\"], \"default\": \"units\", \"description\": \"How quantity is read.\"},"
    "\"short\": {\"type\": \"boolean\", \"default\": false, \"description\": \"Reverse into a short position on a down-cross instead of going flat.\"}}}";

static const trellis_node_methods methods = {
    sizeof(trellis_node_methods), 0, activate, on_event, deactivate, destroy, get_extension,
};

#define STR(s) {s, sizeof(s) - 1}

static const trellis_node_factory factory = {
    sizeof(trellis_node_factory), TRELLIS_KIND_STRATEGY,
    STR("sma-cross"), STR("1.0.0"),
    STR("Moving-average crossover: long when the fast SMA of closes is above the slow one."),
    {schema, sizeof(schema) - 1},
    create, &methods,
};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
    return index == 0 ? &factory : NULL;
}

static const trellis_plugin plugin = {
    sizeof(trellis_plugin), TRELLIS_ABI_MAJOR, TRELLIS_ABI_MINOR,
    STR("sma-cross-c"), STR("1.0.0"), STR("SMA crossover strategy, in C."),
    1, 0, get_factory,
};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &plugin;
}
