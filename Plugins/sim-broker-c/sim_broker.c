/*
 * sim-broker in C: a broker and market-data node for the fake venue ("trellis-sim/1"), built on
 * the host's network services alone (trellis.http/1, trellis.websocket/1, trellis.secrets/1,
 * trellis.instruments/1, trellis.timer/1): proof that a broker needs nothing but CTrellis.h.
 *
 * This file: the descriptor, parameters, activation, the instruments, the WebSocket and its
 * market data. orders.c sends and follows orders; json.c reads and writes JSON.
 *
 * Modes: a backtest never touches the network (orders are rejected); a paper run streams market
 * data only; a live run also trades.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_broker.h"

TRELLIS_STATIC_ASSERT(TRELLIS_ABI_MAJOR == 1 && TRELLIS_ABI_MINOR >= 2, "sim-broker needs the 1.2 header");

/* ---------------------------------------------------------------------------------------------- */
/* Small helpers                                                                                   */
/* ---------------------------------------------------------------------------------------------- */

void sb_log(sim_broker *b, int32_t level, const char *format, ...) {
    char message[1024];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(message, sizeof message, format, args);
    va_end(args);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof message ? (size_t)n : sizeof message - 1;
    trellis_str text = {message, len};
    b->host->log(b->host->ctx, level, text);
}

void sb_emit(sim_broker *b, const trellis_event_header *event) {
    trellis_status status = b->host->emit(b->host->ctx, event);
    if (status != TRELLIS_OK) {
        b->stats.emit_failed++;
        if (b->stats.emit_failed <= 10 || b->stats.emit_failed % 1000 == 0) {
            sb_log(b, TRELLIS_LOG_WARNING, "the host refused an event of type %u (status %d; %llu so far)", (unsigned)event->type,
                   (int)status, (unsigned long long)b->stats.emit_failed);
        }
    }
}

int64_t sb_now(sim_broker *b) { return b->host->now_ns(b->host->ctx); }

static char *copy_text(const char *text, size_t len) {
    char *copy = malloc(len + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

/* Milliseconds since the epoch to ns; -1 when negative, not finite or beyond int64 ns. */
int sb_ms_to_ns(double ms, int64_t *out) {
    if (!isfinite(ms) || ms < 0 || ms > 9.0e12) return -1;
    double whole = floor(ms);
    *out = (int64_t)whole * 1000000 + (int64_t)((ms - whole) * 1e6);
    return 0;
}

void sb_schedule(sim_broker *b, uint64_t timer_id, uint32_t delay_ms) {
    int64_t at = sb_now(b) + (int64_t)delay_ms * 1000000;
    trellis_status status = b->timer->schedule(b->host->ctx, at, timer_id);
    if (status != TRELLIS_OK) sb_log(b, TRELLIS_LOG_ERROR, "could not schedule a timer (status %d)", (int)status);
}

/* ---------------------------------------------------------------------------------------------- */
/* Symbols: an open-addressing table of symbol -> instrument id (0: unknown, logged once)          */
/* ---------------------------------------------------------------------------------------------- */

static uint64_t hash_text(const char *text) {
    uint64_t h = 1469598103934665603ull;
    for (; *text != '\0'; text++) h = (h ^ (unsigned char)*text) * 1099511628211ull;
    return h;
}

static sb_symbol *table_find(sim_broker *b, const char *symbol) {
    if (b->table_capacity == 0) return NULL;
    size_t mask = b->table_capacity - 1;
    for (size_t i = (size_t)hash_text(symbol) & mask;; i = (i + 1) & mask) {
        if (b->table[i].symbol == NULL) return NULL;
        if (strcmp(b->table[i].symbol, symbol) == 0) return &b->table[i];
    }
}

/* Inserts or updates; 0 ok, -1 when full or out of memory. */
static int table_set(sim_broker *b, const char *symbol, uint32_t id) {
    sb_symbol *found = table_find(b, symbol);
    if (found != NULL) {
        found->id = id;
        return 0;
    }
    if (b->table_count >= SB_MAX_SYMBOLS) return -1;
    if ((b->table_count + 1) * 2 > b->table_capacity) {
        size_t capacity = b->table_capacity ? b->table_capacity * 2 : 64;
        sb_symbol *grown = calloc(capacity, sizeof *grown);
        if (grown == NULL) return -1;
        for (size_t i = 0; i < b->table_capacity; i++) {
            if (b->table[i].symbol == NULL) continue;
            size_t j = (size_t)hash_text(b->table[i].symbol) & (capacity - 1);
            while (grown[j].symbol != NULL) j = (j + 1) & (capacity - 1);
            grown[j] = b->table[i];
        }
        free(b->table);
        b->table = grown;
        b->table_capacity = capacity;
    }
    char *copy = copy_text(symbol, strlen(symbol));
    if (copy == NULL) return -1;
    size_t j = (size_t)hash_text(symbol) & (b->table_capacity - 1);
    while (b->table[j].symbol != NULL) j = (j + 1) & (b->table_capacity - 1);
    b->table[j].symbol = copy;
    b->table[j].id = id;
    b->table_count++;
    return 0;
}

uint32_t sb_instrument_id(sim_broker *b, const char *symbol) {
    if (symbol[0] == '\0') return 0;
    const sb_symbol *known = table_find(b, symbol);
    if (known != NULL) return known->id;
    uint32_t id = 0;
    if (b->host->find_instrument(b->host->ctx, trellis_cstr(symbol), &id) != TRELLIS_OK) id = 0;
    if (table_set(b, symbol, id) != 0) {
        if (!b->warned_table_full) sb_log(b, TRELLIS_LOG_WARNING, "more than %d symbols: no longer remembering new ones", SB_MAX_SYMBOLS);
        b->warned_table_full = 1;
    } else if (id == 0) {
        sb_log(b, TRELLIS_LOG_WARNING, "the venue sent data for '%s', an instrument the host does not know: skipped", symbol);
    }
    return id;
}

/* Whether `symbol` is one of the `symbols` parameter (always, when it is empty). */
static int wanted(const sim_broker *b, const char *symbol) {
    if (b->symbols == NULL) return 1;
    size_t n = strlen(symbol);
    for (const char *p = b->symbols; *p != '\0';) {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, symbol, n) == 0) return 1;
        if (end == NULL) break;
        p = end + 1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* HTTP                                                                                            */
/* ---------------------------------------------------------------------------------------------- */

static void on_instruments(sim_broker *b, const trellis_http_response *response);

static void on_http_response(void *user, const trellis_http_response *response) {
    sb_request *slot = user;
    sim_broker *b = slot->broker;
    sb_request request = *slot;
    slot->in_use = 0; /* free for the requests the handlers send */
    if (response == NULL || !TRELLIS_HAS_FIELD(response, trellis_http_response, error_text)) {
        sb_log(b, TRELLIS_LOG_ERROR, "the host gave an HTTP answer sim-broker cannot read");
        return;
    }
    if (request.kind == SB_REQ_INSTRUMENTS) on_instruments(b, response);
    else sb_on_http_order(b, &request, response);
}

trellis_status sb_http(sim_broker *b, int32_t kind, uint64_t client_order_id, const char *method, const char *path, const char *body) {
    char url[SB_URL_MAX + 128];
    int n = snprintf(url, sizeof url, "%s%s", b->base_url, path);
    if (n < 0 || (size_t)n >= sizeof url) return TRELLIS_ERR_INVALID;
    sb_request *slot = NULL;
    for (size_t i = 0; i < b->request_count; i++) {
        if (!b->requests[i]->in_use) {
            slot = b->requests[i];
            break;
        }
    }
    if (slot == NULL) {
        sb_request **grown = realloc(b->requests, (b->request_count + 1) * sizeof *grown);
        if (grown == NULL) return TRELLIS_ERR_NO_MEMORY;
        b->requests = grown;
        slot = calloc(1, sizeof *slot);
        if (slot == NULL) return TRELLIS_ERR_NO_MEMORY;
        b->requests[b->request_count++] = slot;
    }
    slot->broker = b;
    slot->in_use = 1;
    slot->kind = kind;
    slot->client_order_id = client_order_id;

    trellis_http_header headers[2];
    headers[0].name = trellis_cstr("X-API-Key");
    headers[0].value = trellis_cstr(b->api_key);
    headers[1].name = trellis_cstr("Content-Type");
    headers[1].value = trellis_cstr("application/json");
    trellis_http_request request;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.timeout_ms = b->timeout_ms;
    request.method = trellis_cstr(method);
    request.url = trellis_cstr(url);
    request.headers = headers;
    request.header_count = body != NULL ? 2 : 1;
    request.body = trellis_cstr(body);
    request.user = slot;
    request.on_response = on_http_response;
    uint64_t id = 0;
    trellis_status status = b->http->request(b->host->ctx, &request, &id);
    if (status != TRELLIS_OK) {
        slot->in_use = 0;
        sb_log(b, status == TRELLIS_ERR_DENIED ? TRELLIS_LOG_ERROR : TRELLIS_LOG_WARNING, "%s %s: the host refused the request (status %d%s)", method,
               path, (int)status, status == TRELLIS_ERR_DENIED ? ": list the venue's address under network: in the graph" : "");
    }
    return status;
}

/* ---------------------------------------------------------------------------------------------- */
/* Instruments and the WebSocket                                                                   */
/* ---------------------------------------------------------------------------------------------- */

static void request_instruments(sim_broker *b) {
    if (b->instruments_in_flight || b->denied) return;
    trellis_status status = sb_http(b, SB_REQ_INSTRUMENTS, 0, "GET", "/api/v1/instruments", NULL);
    if (status == TRELLIS_OK) b->instruments_in_flight = 1;
    else if (status == TRELLIS_ERR_DENIED) b->denied = 1;
    else sb_schedule(b, SB_TIMER_RECONNECT, b->backoff_ms);
}

static void retry_later(sim_broker *b) {
    if (b->stopping || b->denied) return;
    sb_schedule(b, SB_TIMER_RECONNECT, b->backoff_ms);
    uint32_t cap = b->reconnect_ms > SB_BACKOFF_CAP_MS ? b->reconnect_ms : SB_BACKOFF_CAP_MS;
    b->backoff_ms = b->backoff_ms >= cap / 2 ? cap : b->backoff_ms * 2;
}

static void on_ws_event(void *user, const trellis_ws_event *event);

static void open_socket(sim_broker *b) {
    if (b->socket_state != 0 || b->stopping || b->denied) return;
    trellis_http_header header = {trellis_cstr("X-API-Key"), trellis_cstr(b->api_key)};
    trellis_ws_open open;
    memset(&open, 0, sizeof open);
    open.struct_size = sizeof open;
    open.connect_timeout_ms = b->timeout_ms;
    open.url = trellis_cstr(b->ws_url);
    open.headers = &header;
    open.header_count = 1;
    open.ping_interval_ms = SB_PING_MS;
    open.user = b;
    open.on_event = on_ws_event;
    uint64_t id = 0;
    b->socket = 0;
    b->socket_state = 1;
    b->opening = 1;
    trellis_status status = b->ws->open(b->host->ctx, &open, &id);
    b->opening = 0;
    if (status != TRELLIS_OK) {
        b->socket_state = 0;
        if (status == TRELLIS_ERR_DENIED) {
            b->denied = 1;
            sb_log(b, TRELLIS_LOG_ERROR, "the host refused to open %s: list the venue's address under network: in the graph", b->ws_url);
        } else {
            sb_log(b, TRELLIS_LOG_WARNING, "could not open %s (status %d); retrying in %u ms", b->ws_url, (int)status, b->backoff_ms);
            retry_later(b);
        }
        return;
    }
    if (b->socket_state == 1 && b->socket == 0) b->socket = id;
}

static void on_instruments(sim_broker *b, const trellis_http_response *response) {
    b->instruments_in_flight = 0;
    if (b->stopping) return;
    if (response->error != TRELLIS_NET_OK || response->status != 200) {
        char what[256];
        sb_describe(response, what, sizeof what);
        sb_log(b, TRELLIS_LOG_WARNING, "GET /api/v1/instruments failed (%s); retrying in %u ms", what, b->backoff_ms);
        retry_later(b);
        return;
    }
    json_doc doc;
    char error[128];
    const json_node *list = NULL;
    if (json_parse(&doc, response->body.ptr, (size_t)response->body.len, error, sizeof error) != 0) {
        b->stats.malformed++;
        sb_log(b, TRELLIS_LOG_ERROR, "the venue's instruments are not JSON (%s); retrying in %u ms", error, b->backoff_ms);
        retry_later(b);
        return;
    }
    list = json_member(&doc, json_root(&doc), "instruments");
    if (list == NULL || list->type != JSON_ARRAY) {
        b->stats.malformed++;
        sb_log(b, TRELLIS_LOG_ERROR, "the venue's answer has no instruments array; retrying in %u ms", b->backoff_ms);
        json_free(&doc);
        retry_later(b);
        return;
    }
    size_t registered = 0, refused = 0;
    for (const json_node *item = json_first(&doc, list); item != NULL; item = json_next(&doc, item)) {
        char symbol[SB_SYMBOL_MAX], currency[16] = "";
        double tick = 0, lot = 0, min_quantity = 0, min_notional = 0, multiplier = 1;
        if (json_get_string(&doc, item, "symbol", symbol, sizeof symbol) != 1 || symbol[0] == '\0' ||
            json_get_string(&doc, item, "currency", currency, sizeof currency) < 0 || json_get_number(&doc, item, "tickSize", &tick) < 0 ||
            json_get_number(&doc, item, "lotSize", &lot) < 0 || json_get_number(&doc, item, "minQuantity", &min_quantity) < 0 ||
            json_get_number(&doc, item, "minNotional", &min_notional) < 0 || json_get_number(&doc, item, "multiplier", &multiplier) < 0) {
            refused++;
            continue;
        }
        if (!wanted(b, symbol)) continue;
        trellis_instrument instrument;
        memset(&instrument, 0, sizeof instrument);
        instrument.struct_size = sizeof instrument;
        instrument.symbol = trellis_cstr(symbol);
        instrument.venue = trellis_cstr("sim");
        instrument.currency = trellis_cstr(currency);
        instrument.tick_size = tick;
        instrument.lot_size = lot;
        instrument.min_quantity = min_quantity;
        instrument.min_notional = min_notional;
        instrument.multiplier = multiplier;
        uint32_t id = 0;
        trellis_status status = b->instruments->register_instrument(b->host->ctx, &instrument, &id);
        if (status != TRELLIS_OK || id == 0 || table_set(b, symbol, id) != 0) {
            sb_log(b, TRELLIS_LOG_WARNING, "could not register instrument '%s' (status %d)", symbol, (int)status);
            refused++;
            continue;
        }
        registered++;
    }
    json_free(&doc);
    sb_log(b, TRELLIS_LOG_INFO, "registered %zu instruments of the venue%s", registered, refused ? " (some were malformed or refused)" : "");
    b->instruments_loaded = 1;
    open_socket(b);
    sb_reconcile_continue(b);
}

static void on_reconnect_timer(sim_broker *b) {
    if (b->stopping || !b->active) return;
    if (!b->instruments_loaded) request_instruments(b);
    else open_socket(b);
}

/* ---------------------------------------------------------------------------------------------- */
/* Market data                                                                                     */
/* ---------------------------------------------------------------------------------------------- */

/* Reads the required numbers `keys` of `object` into `out`; -1 when one is missing or not a number. */
static int numbers(const json_doc *doc, const json_node *object, const char *const *keys, double *out, size_t count) {
    for (size_t i = 0; i < count; i++) {
        if (json_get_number(doc, object, keys[i], &out[i]) != 1) return -1;
    }
    return 0;
}

/* The instrument of a message's "symbol"; 0 (counted) when unknown, -1 when malformed. */
static int64_t message_instrument(sim_broker *b, const json_doc *doc, const json_node *object) {
    char symbol[SB_SYMBOL_MAX];
    if (json_get_string(doc, object, "symbol", symbol, sizeof symbol) != 1 || symbol[0] == '\0') return -1;
    uint32_t id = sb_instrument_id(b, symbol);
    if (id == 0) b->stats.unknown_symbol++;
    return id;
}

static int on_bar(sim_broker *b, const json_doc *doc, const json_node *object) {
    static const char *const keys[] = {"openTime", "closeTime", "open", "high", "low", "close", "volume"};
    double v[7];
    int64_t open_ns = 0, close_ns = 0;
    if (numbers(doc, object, keys, v, 7) != 0 || sb_ms_to_ns(v[0], &open_ns) != 0 || sb_ms_to_ns(v[1], &close_ns) != 0 || close_ns < open_ns) return -1;
    int64_t id = message_instrument(b, doc, object);
    if (id <= 0) return (int)id;
    trellis_bar bar;
    memset(&bar, 0, sizeof bar);
    bar.header.size = sizeof bar;
    bar.header.type = TRELLIS_EVENT_BAR;
    bar.header.ts_ns = close_ns;
    bar.header.instrument = (uint32_t)id;
    bar.period_ns = close_ns - open_ns;
    bar.open = v[2];
    bar.high = v[3];
    bar.low = v[4];
    bar.close = v[5];
    bar.volume = v[6];
    sb_emit(b, &bar.header);
    b->stats.bars++;
    return 0;
}

/* The trailing decimal digits of a venue id ("X-17" -> 17); 0 when none or too large. */
static uint64_t trailing_number(const char *text) {
    size_t end = strlen(text), start = end;
    while (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9') start--;
    if (start == end || end - start > 19) return 0;
    uint64_t value = 0;
    for (size_t i = start; i < end; i++) value = value * 10 + (uint64_t)(text[i] - '0');
    return value;
}

static int on_trade(sim_broker *b, const json_doc *doc, const json_node *object) {
    static const char *const keys[] = {"time", "price", "quantity"};
    double v[3];
    int64_t ts = 0;
    char trade_id[64] = "", side[8] = "";
    if (numbers(doc, object, keys, v, 3) != 0 || sb_ms_to_ns(v[0], &ts) != 0 || json_get_string(doc, object, "tradeId", trade_id, sizeof trade_id) < 0 ||
        json_get_string(doc, object, "side", side, sizeof side) < 0)
        return -1;
    int64_t id = message_instrument(b, doc, object);
    if (id <= 0) return (int)id;
    trellis_trade trade;
    memset(&trade, 0, sizeof trade);
    trade.header.size = sizeof trade;
    trade.header.type = TRELLIS_EVENT_TRADE;
    trade.header.ts_ns = ts;
    trade.header.instrument = (uint32_t)id;
    trade.price = v[1];
    trade.quantity = v[2];
    trade.aggressor = strcmp(side, "BUY") == 0 ? TRELLIS_SIDE_BUY : strcmp(side, "SELL") == 0 ? TRELLIS_SIDE_SELL : 0;
    trade.trade_id = trailing_number(trade_id);
    sb_emit(b, &trade.header);
    b->stats.trades++;
    return 0;
}

static int on_quote(sim_broker *b, const json_doc *doc, const json_node *object) {
    static const char *const keys[] = {"time", "bid", "ask", "bidSize", "askSize"};
    double v[5];
    int64_t ts = 0;
    if (numbers(doc, object, keys, v, 5) != 0 || sb_ms_to_ns(v[0], &ts) != 0) return -1;
    int64_t id = message_instrument(b, doc, object);
    if (id <= 0) return (int)id;
    trellis_quote quote;
    memset(&quote, 0, sizeof quote);
    quote.header.size = sizeof quote;
    quote.header.type = TRELLIS_EVENT_QUOTE;
    quote.header.ts_ns = ts;
    quote.header.instrument = (uint32_t)id;
    quote.bid = v[1];
    quote.ask = v[2];
    quote.bid_size = v[3];
    quote.ask_size = v[4];
    sb_emit(b, &quote.header);
    b->stats.quotes++;
    return 0;
}

static void malformed(sim_broker *b, const char *why) {
    b->stats.malformed++;
    if (b->stats.malformed <= 10 || b->stats.malformed % 1000 == 0) {
        sb_log(b, TRELLIS_LOG_WARNING, "malformed message from the venue (%s); %llu so far", why, (unsigned long long)b->stats.malformed);
    }
}

static void on_message(sim_broker *b, const trellis_ws_event *event) {
    b->stats.messages++;
    if (event->binary) {
        malformed(b, "a binary message");
        return;
    }
    json_doc doc;
    char error[128];
    if (json_parse(&doc, event->data.ptr, (size_t)event->data.len, error, sizeof error) != 0) {
        malformed(b, error);
        return;
    }
    const json_node *root = json_root(&doc);
    char type[32];
    double seq = 0;
    if (root->type != JSON_OBJECT || json_get_string(&doc, root, "type", type, sizeof type) != 1 || json_get_number(&doc, root, "seq", &seq) != 1 ||
        seq < 1 || seq > 9007199254740992.0 || seq != floor(seq)) {
        json_free(&doc);
        malformed(b, "no type or no valid seq");
        return;
    }
    uint64_t sequence = (uint64_t)seq;
    int late = sequence <= b->last_seq;
    int live = b->mode == TRELLIS_MODE_LIVE;
    if (late && !(live && strcmp(type, "fill") == 0)) {
        /* The venue may repeat or reorder: what is not newer than the last message is stale. */
        b->stats.dropped_seq++;
        json_free(&doc);
        return;
    }
    if (!late) b->last_seq = sequence;
    int status = 0;
    if (strcmp(type, "bar") == 0) status = on_bar(b, &doc, root);
    else if (strcmp(type, "trade") == 0) status = on_trade(b, &doc, root);
    else if (strcmp(type, "quote") == 0) status = on_quote(b, &doc, root);
    else if (strcmp(type, "order") == 0) status = live ? sb_apply_order(b, &doc, root, 0) : 0;
    else if (strcmp(type, "fill") == 0) {
        /* A late fill is not stale: it is kept unless its trade was already reported. */
        if (late) b->stats.late_fills++;
        status = live ? sb_apply_fill(b, &doc, root, 0) : 0;
    } else if (strcmp(type, "end") == 0) sb_log(b, TRELLIS_LOG_INFO, "the venue's data ended");
    json_free(&doc);
    if (status < 0) malformed(b, type);
}

static void on_ws_event(void *user, const trellis_ws_event *event) {
    sim_broker *b = user;
    if (event == NULL || !TRELLIS_HAS_FIELD(event, trellis_ws_event, data)) return;
    if (b->opening && b->socket == 0) b->socket = event->socket;
    if (event->socket != b->socket || b->socket_state == 0) return; /* an old socket's last words */
    if (event->kind == TRELLIS_NET_EVENT_OPEN) {
        b->socket_state = 2;
        b->backoff_ms = b->reconnect_ms;
        sb_log(b, TRELLIS_LOG_INFO, "connected to %s", b->ws_url);
        if (b->subscribe != NULL) {
            trellis_status status = b->ws->send(b->host->ctx, b->socket, 0, trellis_cstr(b->subscribe));
            if (status != TRELLIS_OK) sb_log(b, TRELLIS_LOG_ERROR, "could not send the subscription (status %d)", (int)status);
        }
        if (b->ever_opened && b->mode == TRELLIS_MODE_LIVE) sb_reconcile(b);
        b->ever_opened = 1;
    } else if (event->kind == TRELLIS_NET_EVENT_MESSAGE) {
        if (b->socket_state == 2) on_message(b, event);
    } else if (event->kind == TRELLIS_NET_EVENT_CLOSE) {
        b->socket_state = 0;
        b->socket = 0;
        if (b->stopping) return;
        size_t reason = event->data.len < 200 ? (size_t)event->data.len : 200;
        sb_log(b, TRELLIS_LOG_WARNING, "the venue's stream closed (network %d, code %d%s%.*s); reconnecting in %u ms", (int)event->error, (int)event->code,
               reason ? ": " : "", (int)reason, event->data.ptr ? event->data.ptr : "", b->backoff_ms);
        retry_later(b);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* The node                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

static trellis_status on_event(void *node, const trellis_event_header *event) {
    sim_broker *b = node;
    if (event->type == TRELLIS_EVENT_ORDER) {
        sb_on_order_intent(b, (const trellis_order *)event);
    } else if (event->type == TRELLIS_EVENT_TIMER && TRELLIS_EVENT_HAS_FIELD((const trellis_timer *)event, trellis_timer, timer_id)) {
        uint64_t id = ((const trellis_timer *)event)->timer_id;
        if (b->stopping || b->mode == TRELLIS_MODE_BACKTEST) return TRELLIS_OK;
        if (id == SB_TIMER_RECONNECT) on_reconnect_timer(b);
        else if (id == SB_TIMER_FILLS) sb_on_fills_timer(b);
        else if (id == SB_TIMER_RECONCILE) sb_on_reconcile_timer(b);
        else if (id >= SB_TIMER_QUERY_BASE) sb_on_query_timer(b, id - SB_TIMER_QUERY_BASE);
    }
    return TRELLIS_OK;
}

static const void *extension(sim_broker *b, const char *id) {
    const void *found = b->host->get_extension(b->host->ctx, trellis_cstr(id));
    if (found == NULL) sb_log(b, TRELLIS_LOG_ERROR, "the host does not offer %s: sim-broker cannot run", id);
    return found;
}

static trellis_status activate(void *node) {
    sim_broker *b = node;
    if (b->mode == TRELLIS_MODE_BACKTEST) {
        sb_log(b, TRELLIS_LOG_DEBUG, "a backtest: sim-broker stays off the network and rejects orders");
        return TRELLIS_OK;
    }
    b->http = extension(b, TRELLIS_EXT_HTTP);
    b->ws = extension(b, TRELLIS_EXT_WEBSOCKET);
    b->secrets = extension(b, TRELLIS_EXT_SECRETS);
    b->instruments = extension(b, TRELLIS_EXT_INSTRUMENTS);
    b->timer = extension(b, TRELLIS_EXT_TIMER);
    if (b->http == NULL || b->ws == NULL || b->secrets == NULL || b->instruments == NULL || b->timer == NULL) return TRELLIS_ERR_UNSUPPORTED;
    if (!TRELLIS_HAS_FIELD(b->http, trellis_http_ext, request) || !TRELLIS_HAS_FIELD(b->ws, trellis_websocket_ext, close) ||
        !TRELLIS_HAS_FIELD(b->secrets, trellis_secrets_ext, get) || !TRELLIS_HAS_FIELD(b->instruments, trellis_instruments_ext, register_instrument) ||
        !TRELLIS_HAS_FIELD(b->timer, trellis_timer_ext, cancel)) {
        sb_log(b, TRELLIS_LOG_ERROR, "the host's network extensions are older than sim-broker needs");
        return TRELLIS_ERR_UNSUPPORTED;
    }
    uint64_t len = 0;
    trellis_status status = b->secrets->get(b->host->ctx, trellis_cstr(b->key_name), b->api_key, sizeof b->api_key, &len);
    if (status != TRELLIS_OK || len == 0 || len >= sizeof b->api_key || strlen(b->api_key) != len || strpbrk(b->api_key, "\r\n") != NULL) {
        const char *why = status == TRELLIS_ERR_NOT_FOUND ? "not found (set it in the environment or the secrets file)"
                          : status == TRELLIS_ERR_DENIED  ? "denied (list it under secrets: for this node)"
                          : status == TRELLIS_ERR_TOO_SMALL ? "longer than 1023 bytes"
                          : status != TRELLIS_OK ? "unreadable"
                                                 : "empty or not a valid header value";
        memset(b->api_key, 0, sizeof b->api_key);
        sb_log(b, TRELLIS_LOG_ERROR, "the API key secret '%s' is %s", b->key_name, why);
        return status != TRELLIS_OK ? status : TRELLIS_ERR_INVALID;
    }
    b->active = 1;
    b->backoff_ms = b->reconnect_ms;
    sb_log(b, TRELLIS_LOG_INFO, "%s: streaming from %s%s", b->mode == TRELLIS_MODE_LIVE ? "live" : "paper", b->base_url,
           b->mode == TRELLIS_MODE_LIVE ? ", trading" : ", not trading (the host's simulated venue fills the orders)");
    request_instruments(b);
    return TRELLIS_OK;
}

static trellis_status deactivate(void *node) {
    sim_broker *b = node;
    if (!b->active) return TRELLIS_OK;
    if (b->mode == TRELLIS_MODE_LIVE) sb_release_held(b, UINT64_MAX);
    b->stopping = 1;
    b->timer->cancel(b->host->ctx, SB_TIMER_RECONNECT);
    b->timer->cancel(b->host->ctx, SB_TIMER_FILLS);
    b->timer->cancel(b->host->ctx, SB_TIMER_RECONCILE);
    for (size_t i = 0; i < b->order_count; i++) {
        if (b->orders[i].state == SB_ORDER_UNKNOWN) b->timer->cancel(b->host->ctx, SB_TIMER_QUERY_BASE + i);
    }
    if (b->socket_state != 0) b->ws->close(b->host->ctx, b->socket, 1000);
    size_t unknown = sb_unknown_orders(b);
    if (unknown > 0) sb_log(b, TRELLIS_LOG_ERROR, "%zu orders end the run with their status at the venue unknown", unknown);
    const sb_stats *s = &b->stats;
    sb_log(b, TRELLIS_LOG_INFO,
           "%llu messages: %llu bars, %llu trades, %llu quotes, %llu order updates, %llu fills; %llu stale dropped, %llu late fills, %llu malformed, "
           "%llu for unknown symbols",
           (unsigned long long)s->messages, (unsigned long long)s->bars, (unsigned long long)s->trades, (unsigned long long)s->quotes,
           (unsigned long long)s->updates, (unsigned long long)s->fills, (unsigned long long)s->dropped_seq, (unsigned long long)s->late_fills,
           (unsigned long long)s->malformed, (unsigned long long)s->unknown_symbol);
    return TRELLIS_OK;
}

static void destroy(void *node) {
    sim_broker *b = node;
    for (size_t i = 0; i < b->table_capacity; i++) free(b->table[i].symbol);
    free(b->table);
    sb_free_orders(b);
    sb_reconcile_free(b);
    for (size_t i = 0; i < b->request_count; i++) free(b->requests[i]);
    free(b->requests);
    free(b->symbols);
    free(b->subscribe);
    volatile char *key = b->api_key;
    for (size_t i = 0; i < sizeof b->api_key; i++) key[i] = 0;
    free(b);
}

static void fail(const trellis_create_args *args, const char *message) {
    if (args->error != NULL && args->error_capacity > 0) snprintf(args->error, args->error_capacity, "%s", message);
}

static int has_control(trellis_str text) {
    for (uint64_t i = 0; i < text.len; i++) {
        unsigned char c = (unsigned char)text.ptr[i];
        if (c <= 0x20 || c == 0x7f) return 1;
    }
    return 0;
}

/* url -> base_url and ws_url; -1 when it is not http(s)://host[:port][/path]. */
static int set_url(sim_broker *b, trellis_str url) {
    size_t scheme;
    const char *ws;
    if (url.len >= 7 && memcmp(url.ptr, "http://", 7) == 0) { scheme = 7; ws = "ws://"; }
    else if (url.len >= 8 && memcmp(url.ptr, "https://", 8) == 0) { scheme = 8; ws = "wss://"; }
    else return -1;
    if (url.len >= SB_URL_MAX - 16 || has_control(url) || memchr(url.ptr, '?', url.len) != NULL || memchr(url.ptr, '#', url.len) != NULL) return -1;
    size_t len = (size_t)url.len;
    while (len > scheme && url.ptr[len - 1] == '/') len--;
    size_t authority = scheme;
    while (authority < len && url.ptr[authority] != '/') authority++;
    if (authority == scheme) return -1;
    memcpy(b->base_url, url.ptr, len);
    b->base_url[len] = '\0';
    snprintf(b->ws_url, sizeof b->ws_url, "%s%.*s/ws", ws, (int)(authority - scheme), url.ptr + scheme);
    return 0;
}

/* symbols "A, B" -> "A,B" and the subscribe message; -1 when malformed. */
static int set_symbols(sim_broker *b, trellis_str list) {
    if (list.len == 0) return 0;
    if (list.len > 1000000) return -1;
    size_t n = (size_t)list.len;
    b->symbols = malloc(n + 1);
    size_t capacity = n * 6 + 64;
    b->subscribe = malloc(capacity);
    if (b->symbols == NULL || b->subscribe == NULL) return -1;
    json_writer w;
    jw_init(&w, b->subscribe, capacity);
    jw_raw(&w, "{\"type\":\"subscribe\",\"symbols\":[");
    size_t out = 0, count = 0;
    for (size_t i = 0; i <= n;) {
        size_t end = i;
        while (end < n && list.ptr[end] != ',') end++;
        size_t start = i, stop = end;
        while (start < stop && list.ptr[start] == ' ') start++;
        while (stop > start && list.ptr[stop - 1] == ' ') stop--;
        trellis_str symbol = {list.ptr + start, stop - start};
        if (symbol.len == 0 || symbol.len >= SB_SYMBOL_MAX || has_control(symbol) || memchr(symbol.ptr, '"', symbol.len) != NULL) return -1;
        if (count++ > 0) {
            b->symbols[out++] = ',';
            jw_raw(&w, ",");
        }
        memcpy(b->symbols + out, symbol.ptr, symbol.len);
        out += symbol.len;
        jw_string(&w, symbol.ptr, symbol.len);
        i = end + 1;
    }
    b->symbols[out] = '\0';
    jw_raw(&w, "]}");
    return w.failed ? -1 : 0;
}

static trellis_status create(const trellis_node_factory *factory, const trellis_create_args *args, void **out) {
    (void)factory;
    const trellis_params *p = args->params;
    trellis_str url = {0, 0}, key_secret = {0, 0}, symbols = {0, 0};
    int64_t reconnect_ms = 0, timeout_ms = 0;
    if (p->get_string(p->ctx, trellis_cstr("url"), &url) != TRELLIS_OK || p->get_string(p->ctx, trellis_cstr("key_secret"), &key_secret) != TRELLIS_OK ||
        p->get_string(p->ctx, trellis_cstr("symbols"), &symbols) != TRELLIS_OK ||
        p->get_integer(p->ctx, trellis_cstr("reconnect_ms"), &reconnect_ms) != TRELLIS_OK ||
        p->get_integer(p->ctx, trellis_cstr("request_timeout_ms"), &timeout_ms) != TRELLIS_OK) {
        fail(args, "missing or mistyped parameter (url, key_secret, symbols, reconnect_ms, request_timeout_ms)");
        return TRELLIS_ERR_INVALID;
    }
    if (reconnect_ms < 10 || reconnect_ms > 60000 || timeout_ms < 100 || timeout_ms > 60000) {
        fail(args, "reconnect_ms must lie in 10..60000 and request_timeout_ms in 100..60000");
        return TRELLIS_ERR_INVALID;
    }
    int32_t mode = TRELLIS_HAS_FIELD(args, trellis_create_args, run_mode) ? args->run_mode : TRELLIS_MODE_BACKTEST;
    if (mode != TRELLIS_MODE_BACKTEST && mode != TRELLIS_MODE_PAPER && mode != TRELLIS_MODE_LIVE) {
        fail(args, "unknown run mode");
        return TRELLIS_ERR_UNSUPPORTED;
    }
    sim_broker *b = calloc(1, sizeof *b);
    if (b == NULL) {
        fail(args, "out of memory");
        return TRELLIS_ERR_NO_MEMORY;
    }
    b->host = args->host;
    b->mode = mode;
    b->reconnect_ms = (uint32_t)reconnect_ms;
    b->timeout_ms = (uint32_t)timeout_ms;
    b->backoff_ms = b->reconnect_ms;
    const char *problem = NULL;
    if (set_url(b, url) != 0) problem = "url must be http://host:port or https://host:port (an optional path, no query)";
    else if (key_secret.len == 0 || key_secret.len >= sizeof b->key_name || has_control(key_secret)) problem = "key_secret must name a secret";
    else if (set_symbols(b, symbols) != 0) problem = "symbols must be a comma-separated list of symbols (or empty)";
    if (problem != NULL) {
        fail(args, problem);
        destroy(b);
        return TRELLIS_ERR_INVALID;
    }
    memcpy(b->key_name, key_secret.ptr, key_secret.len);
    *out = b;
    return TRELLIS_OK;
}

static const char schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"url\": {\"type\": \"string\", \"default\": \"http://127.0.0.1:8765\", \"description\": \"The venue's base URL; its WebSocket is ws://HOST:PORT/ws.\"},"
    "\"key_secret\": {\"type\": \"string\", \"default\": \"sim_key\", \"description\": \"Name of the secret (trellis.secrets/1) that holds the API key.\"},"
    "\"symbols\": {\"type\": \"string\", \"default\": \"\", \"description\": \"Comma-separated symbols to subscribe to; empty: every stream of the venue.\"},"
    "\"reconnect_ms\": {\"type\": \"integer\", \"minimum\": 10, \"maximum\": 60000, \"default\": 500, \"description\": \"First reconnect delay (doubling to 10 s) and order re-query interval.\"},"
    "\"request_timeout_ms\": {\"type\": \"integer\", \"minimum\": 100, \"maximum\": 60000, \"default\": 5000, \"description\": \"Timeout of each HTTP request and of connecting.\"}}}";

static trellis_status reconcile(void *node, const trellis_reconcile_request *request) { return sb_reconcile_start(node, request); }

static const trellis_broker_ext broker_ext = {sizeof(trellis_broker_ext), 0, reconcile};

static const void *get_extension(void *node, trellis_str id) {
    (void)node;
    static const char name[] = TRELLIS_EXT_BROKER;
    return id.len == sizeof(name) - 1 && memcmp(id.ptr, name, sizeof(name) - 1) == 0 ? &broker_ext : NULL;
}

static const trellis_node_methods methods = {
    sizeof(trellis_node_methods), 0, activate, on_event, deactivate, destroy, get_extension,
};

#define STR(s) {s, sizeof(s) - 1}

static const trellis_node_factory factory = {
    sizeof(trellis_node_factory), TRELLIS_KIND_BROKER,
    STR("sim-broker"), STR("1.0.0"),
    STR("Broker and market data for the trellis-sim/1 fake venue, over the host's HTTP and WebSocket services."),
    {schema, sizeof(schema) - 1},
    create, &methods,
};

static const trellis_node_factory *get_factory(const trellis_plugin *plugin, uint32_t index) {
    (void)plugin;
    return index == 0 ? &factory : NULL;
}

static const trellis_plugin plugin = {
    sizeof(trellis_plugin), 1, 2,
    STR("sim-broker-c"), STR("1.0.0"), STR("A broker for the fake venue, in C, through the host's network services."),
    1, 0, get_factory,
};

TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info) {
    (void)info;
    return &plugin;
}
