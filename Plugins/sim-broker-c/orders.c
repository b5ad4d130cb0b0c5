/*
 * sim-broker: orders. A new order is POSTed once under the host's client order id and never again;
 * when the answer does not say what became of it (a timeout, a 5xx, a dropped connection, a 409),
 * the order is looked up by that id until the venue says (404: it never arrived, so it is
 * rejected). Updates and fills are reported by client id (the host fills in order_id and origin);
 * a final update waits for the fills it announces, so the host books every execution before it
 * forgets the order. After a reconnect the open orders and the fills since the last one seen are
 * asked for again.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_broker.h"

/* ---------------------------------------------------------------------------------------------- */
/* Records                                                                                         */
/* ---------------------------------------------------------------------------------------------- */

static long find_order(const sim_broker *b, uint64_t client_order_id) {
    for (size_t i = b->order_count; i > 0; i--) {
        if (b->orders[i - 1].client_order_id == client_order_id) return (long)(i - 1);
    }
    return -1;
}

static long add_order(sim_broker *b, uint64_t client_order_id) {
    if (b->order_count == b->order_capacity) {
        size_t capacity = b->order_capacity ? b->order_capacity * 2 : 16;
        sb_order *grown = realloc(b->orders, capacity * sizeof *grown);
        if (grown == NULL) return -1;
        b->orders = grown;
        b->order_capacity = capacity;
    }
    sb_order *o = &b->orders[b->order_count];
    memset(o, 0, sizeof *o);
    o->client_order_id = client_order_id;
    return (long)b->order_count++;
}

static int has_trade(const sb_order *o, const char *trade_id) {
    for (size_t i = 0; i < o->trade_count; i++) {
        if (strcmp(o->trades[i], trade_id) == 0) return 1;
    }
    return 0;
}

static void add_trade(sb_order *o, const char *trade_id) {
    if (o->trade_count == o->trade_capacity) {
        size_t capacity = o->trade_capacity ? o->trade_capacity * 2 : 4;
        sb_venue_id *grown = realloc(o->trades, capacity * sizeof *grown);
        if (grown == NULL) return; /* the host still drops a repeated trade */
        o->trades = grown;
        o->trade_capacity = capacity;
    }
    snprintf(o->trades[o->trade_count++], sizeof(sb_venue_id), "%s", trade_id);
}

void sb_free_orders(sim_broker *b) {
    for (size_t i = 0; i < b->order_count; i++) free(b->orders[i].trades);
    free(b->orders);
    b->orders = NULL;
    b->order_count = b->order_capacity = 0;
}

size_t sb_unknown_orders(const sim_broker *b) {
    size_t n = 0;
    for (size_t i = 0; i < b->order_count; i++) n += b->orders[i].state == SB_ORDER_UNKNOWN || b->orders[i].state == SB_ORDER_SENDING;
    return n;
}

/* ---------------------------------------------------------------------------------------------- */
/* Helpers                                                                                         */
/* ---------------------------------------------------------------------------------------------- */

/* A decimal client order id: 1 to 20 digits, no sign, fits 64 bits, not 0. */
static int parse_client_id(const char *text, uint64_t *out) {
    size_t n = strlen(text);
    if (n == 0 || n > 20) return -1;
    uint64_t value = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9') return -1;
        uint64_t digit = (uint64_t)(text[i] - '0');
        if (value > (UINT64_MAX - digit) / 10) return -1;
        value = value * 10 + digit;
    }
    if (value == 0) return -1;
    *out = value;
    return 0;
}

static int map_status(const char *text, int32_t *status, int32_t *reason_code) {
    static const struct { const char *name; int32_t status, reason; } map[] = {
        {"NEW", TRELLIS_ORDER_ACCEPTED, TRELLIS_REASON_NONE},
        {"PARTIALLY_FILLED", TRELLIS_ORDER_PARTIALLY_FILLED, TRELLIS_REASON_NONE},
        {"FILLED", TRELLIS_ORDER_FILLED, TRELLIS_REASON_NONE},
        {"CANCELED", TRELLIS_ORDER_CANCELED, TRELLIS_REASON_CANCELED},
        {"REJECTED", TRELLIS_ORDER_REJECTED, TRELLIS_REASON_VENUE},
        {"EXPIRED", TRELLIS_ORDER_EXPIRED, TRELLIS_REASON_EXPIRED},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(text, map[i].name) == 0) {
            *status = map[i].status;
            *reason_code = map[i].reason;
            return 0;
        }
    }
    return -1;
}

static int is_final(int32_t status) {
    return status == TRELLIS_ORDER_FILLED || status == TRELLIS_ORDER_CANCELED || status == TRELLIS_ORDER_REJECTED || status == TRELLIS_ORDER_EXPIRED;
}

static int32_t parse_side(const char *text) {
    return strcmp(text, "BUY") == 0 ? TRELLIS_SIDE_BUY : strcmp(text, "SELL") == 0 ? TRELLIS_SIDE_SELL : 0;
}

/* Copies `src` into `dst` (capacity > 0), cutting at a UTF-8 character boundary. */
static void copy_text(char *dst, size_t capacity, const char *src) {
    size_t n = strlen(src);
    if (n >= capacity) {
        n = capacity - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80) n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void sb_describe(const trellis_http_response *r, char *out, size_t capacity) {
    if (r->error != TRELLIS_NET_OK) {
        size_t n = r->error_text.len < 200 ? (size_t)r->error_text.len : 200;
        snprintf(out, capacity, "network error %d%s%.*s", (int)r->error, n ? ": " : "", (int)n, r->error_text.ptr ? r->error_text.ptr : "");
        return;
    }
    char code[48] = "", message[160] = "";
    json_doc doc;
    if (json_parse(&doc, r->body.ptr, (size_t)r->body.len, NULL, 0) == 0) {
        char text[512];
        if (json_get_string(&doc, json_root(&doc), "code", text, sizeof text) == 1) copy_text(code, sizeof code, text);
        if (json_get_string(&doc, json_root(&doc), "message", text, sizeof text) == 1) copy_text(message, sizeof message, text);
        json_free(&doc);
    }
    snprintf(out, capacity, "HTTP %d%s%s%s%s%s", (int)r->status, code[0] || message[0] ? " (" : "", code, code[0] && message[0] ? ": " : "", message,
             code[0] || message[0] ? ")" : "");
}

static void emit_update(sim_broker *b, trellis_order_update *u, uint16_t flags) {
    u->header.size = sizeof *u;
    u->header.type = TRELLIS_EVENT_ORDER_UPDATE;
    u->header.flags = flags;
    if (u->header.ts_ns == 0) u->header.ts_ns = sb_now(b);
    sb_emit(b, &u->header);
    b->stats.updates++;
}

/* Rejects an intent without sending it. */
static void reject_intent(sim_broker *b, const trellis_order *order, uint64_t client_order_id, int32_t reason_code, const char *reason) {
    trellis_order_update u;
    memset(&u, 0, sizeof u);
    u.header.instrument = order->header.instrument;
    u.order_id = order->order_id;
    u.origin = order->origin;
    u.client_order_id = client_order_id;
    u.status = TRELLIS_ORDER_REJECTED;
    u.side = order->side;
    u.quantity = order->size_mode == TRELLIS_SIZE_UNITS && isfinite(order->quantity) ? order->quantity : 0;
    u.reason_code = reason_code;
    copy_text(u.reason, sizeof u.reason, reason);
    emit_update(b, &u, 0);
}

/* Rejects a recorded order the venue never took. */
static void reject_record(sim_broker *b, size_t index, const char *reason, int32_t venue_code) { sb_reject_record(b, index, reason, venue_code, 0); }

void sb_reject_record(sim_broker *b, size_t index, const char *reason, int32_t venue_code, uint16_t flags) {
    sb_order *o = &b->orders[index];
    trellis_order_update u;
    memset(&u, 0, sizeof u);
    u.header.instrument = o->instrument;
    u.client_order_id = o->client_order_id;
    u.status = TRELLIS_ORDER_REJECTED;
    u.side = o->side;
    u.quantity = o->quantity;
    u.reason_code = TRELLIS_REASON_VENUE;
    u.venue_code = venue_code;
    copy_text(u.reason, sizeof u.reason, reason);
    o->state = SB_ORDER_FINAL;
    o->last_status = TRELLIS_ORDER_REJECTED;
    emit_update(b, &u, flags);
}

/* ---------------------------------------------------------------------------------------------- */
/* Requests                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

static void send_delete(sim_broker *b, uint64_t client_order_id) {
    char path[64];
    snprintf(path, sizeof path, "/api/v1/orders/%llu", (unsigned long long)client_order_id);
    if (sb_http(b, SB_REQ_DELETE, client_order_id, "DELETE", path, NULL) != TRELLIS_OK) {
        sb_log(b, TRELLIS_LOG_ERROR, "could not send the cancel of order %llu", (unsigned long long)client_order_id);
    }
}

static uint32_t query_delay(const sim_broker *b, int32_t attempts) {
    uint64_t delay = b->reconnect_ms;
    uint32_t cap = b->reconnect_ms > SB_BACKOFF_CAP_MS ? b->reconnect_ms : SB_BACKOFF_CAP_MS;
    for (int32_t i = 1; i < attempts && delay < cap; i++) delay *= 2;
    return delay > cap ? cap : (uint32_t)delay;
}

/* Asks the venue about order `index`; for an order whose status is unknown, counts the attempt. */
static void start_query(sim_broker *b, size_t index) {
    sb_order *o = &b->orders[index];
    if (o->query_in_flight || b->stopping) return;
    if (o->state == SB_ORDER_UNKNOWN) o->query_attempts++;
    char path[64];
    snprintf(path, sizeof path, "/api/v1/orders/%llu", (unsigned long long)o->client_order_id);
    if (sb_http(b, SB_REQ_QUERY, o->client_order_id, "GET", path, NULL) == TRELLIS_OK) {
        o->query_in_flight = 1;
    } else if (o->state == SB_ORDER_UNKNOWN && o->query_attempts < SB_QUERY_ATTEMPTS) {
        sb_schedule(b, SB_TIMER_QUERY_BASE + index, query_delay(b, o->query_attempts));
    }
}

/* A query of an order whose status is unknown got no answer: ask again later, a bounded number of times. */
static void query_again(sim_broker *b, size_t index, const char *why) {
    sb_order *o = &b->orders[index];
    if (o->query_attempts < SB_QUERY_ATTEMPTS) {
        uint32_t delay = query_delay(b, o->query_attempts);
        sb_log(b, TRELLIS_LOG_ERROR, "order %llu: its status at the venue is unknown (%s); asking again in %u ms (%d of %d)",
               (unsigned long long)o->client_order_id, why, delay, (int)o->query_attempts + 1, SB_QUERY_ATTEMPTS);
        sb_schedule(b, SB_TIMER_QUERY_BASE + index, delay);
    } else {
        sb_log(b, TRELLIS_LOG_ERROR, "order %llu: its status at the venue is still unknown after %d queries (%s); the next reconnect asks again",
               (unsigned long long)o->client_order_id, SB_QUERY_ATTEMPTS, why);
    }
}

void sb_on_query_timer(sim_broker *b, uint64_t index) {
    if (index >= b->order_count || b->orders[index].state != SB_ORDER_UNKNOWN) return;
    start_query(b, (size_t)index);
}

/* Asks for the fills after the last one seen, or after the oldest point a held update waits from. */
static trellis_status request_fills(sim_broker *b) {
    uint64_t since = b->last_fill_seq;
    for (size_t i = 0; i < b->order_count; i++) {
        if (b->orders[i].has_held && b->orders[i].held_fill_seq < since) since = b->orders[i].held_fill_seq;
    }
    char path[80];
    snprintf(path, sizeof path, "/api/v1/fills?since=%llu", (unsigned long long)since);
    uint64_t generation = b->fills_generation + 1;
    trellis_status status = sb_http(b, SB_REQ_FILLS, generation, "GET", path, NULL);
    if (status == TRELLIS_OK) b->fills_generation = generation;
    return status;
}

void sb_on_fills_timer(sim_broker *b) {
    if (b->held_count > 0 && request_fills(b) != TRELLIS_OK) sb_release_held(b, UINT64_MAX);
}

void sb_reconcile(sim_broker *b) {
    if (b->stopping) return;
    sb_log(b, TRELLIS_LOG_INFO, "reconnected: asking the venue for open orders and fills since seq %llu", (unsigned long long)b->last_fill_seq);
    sb_http(b, SB_REQ_OPEN_ORDERS, 0, "GET", "/api/v1/orders?status=open", NULL);
    request_fills(b);
    for (size_t i = 0; i < b->order_count; i++) {
        if (b->orders[i].state != SB_ORDER_UNKNOWN) continue;
        b->orders[i].query_attempts = 0;
        start_query(b, i);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* Intents                                                                                         */
/* ---------------------------------------------------------------------------------------------- */

static void on_cancel(sim_broker *b, uint64_t client_order_id) {
    if (client_order_id == 0) {
        sb_log(b, TRELLIS_LOG_WARNING, "a cancel without a client order id: nothing to cancel at the venue");
        return;
    }
    long index = find_order(b, client_order_id);
    if (index >= 0) {
        sb_order *o = &b->orders[index];
        if (o->state == SB_ORDER_FINAL || o->has_held) return; /* already done: its final update is (being) reported */
        if (o->state != SB_ORDER_OPEN) {
            o->cancel_wanted = 1; /* sent once the venue is known to have it */
            return;
        }
    }
    send_delete(b, client_order_id);
}

void sb_on_order_intent(sim_broker *b, const trellis_order *order) {
    uint64_t cid = TRELLIS_EVENT_HAS_FIELD(order, trellis_order, client_order_id) ? order->client_order_id : 0;
    if (order->action == TRELLIS_ACTION_CANCEL) {
        if (b->mode == TRELLIS_MODE_LIVE && b->active) on_cancel(b, cid);
        return;
    }
    if (order->action != TRELLIS_ACTION_NEW) return;
    int limit = order->order_type == TRELLIS_ORDER_LIMIT;
    trellis_instrument instrument;
    memset(&instrument, 0, sizeof instrument);
    instrument.struct_size = sizeof instrument;
    const char *problem = NULL;
    int32_t code = TRELLIS_REASON_UNSUPPORTED;
    if (b->mode == TRELLIS_MODE_BACKTEST) problem = "sim-broker: no venue in a backtest";
    else if (b->mode != TRELLIS_MODE_LIVE) problem = "sim-broker: a paper run sends no order";
    else if (order->size_mode != TRELLIS_SIZE_UNITS) problem = "sim-broker: quantities in units only";
    else if (order->order_flags != 0) problem = "sim-broker: no reduce-only or close-position orders";
    else if (order->order_type != TRELLIS_ORDER_MARKET && !limit) problem = "sim-broker: market and limit orders only";
    else if (order->time_in_force != TRELLIS_TIF_GTC && order->time_in_force != TRELLIS_TIF_IOC) problem = "sim-broker: time in force GTC or IOC only";
    else {
        code = TRELLIS_REASON_INVALID;
        if (cid == 0) problem = "sim-broker: the order has no client order id";
        else if ((order->side != TRELLIS_SIDE_BUY && order->side != TRELLIS_SIDE_SELL) || !isfinite(order->quantity) || order->quantity <= 0 ||
                 (limit && (!isfinite(order->limit_price) || order->limit_price <= 0)))
            problem = "sim-broker: bad side, quantity or limit price";
        else if (b->host->instrument(b->host->ctx, order->header.instrument, &instrument) != TRELLIS_OK || instrument.symbol.len == 0 ||
                 instrument.symbol.ptr == NULL || instrument.symbol.len >= SB_SYMBOL_MAX ||
                 memchr(instrument.symbol.ptr, '\0', (size_t)instrument.symbol.len) != NULL)
            problem = "sim-broker: unknown instrument";
        else if (!b->active) {
            code = TRELLIS_REASON_VENUE;
            problem = "sim-broker: not connected";
        }
    }
    if (problem != NULL) {
        reject_intent(b, order, cid, code, problem);
        return;
    }
    if (find_order(b, cid) >= 0) {
        /* Never the same client order id twice: the venue would refuse it, or worse, take it twice. */
        sb_log(b, TRELLIS_LOG_ERROR, "order %llu was already sent: not sending it again", (unsigned long long)cid);
        return;
    }

    char body[512];
    char id_text[24];
    json_writer w;
    snprintf(id_text, sizeof id_text, "%llu", (unsigned long long)cid);
    jw_init(&w, body, sizeof body);
    jw_raw(&w, "{\"clientOrderId\":\"");
    jw_raw(&w, id_text);
    jw_raw(&w, "\",\"symbol\":");
    jw_string(&w, instrument.symbol.ptr, (size_t)instrument.symbol.len);
    jw_raw(&w, order->side == TRELLIS_SIDE_BUY ? ",\"side\":\"BUY\"" : ",\"side\":\"SELL\"");
    jw_raw(&w, limit ? ",\"type\":\"LIMIT\",\"quantity\":" : ",\"type\":\"MARKET\",\"quantity\":");
    jw_number(&w, order->quantity);
    if (limit) {
        jw_raw(&w, ",\"price\":");
        jw_number(&w, order->limit_price);
    }
    jw_raw(&w, order->time_in_force == TRELLIS_TIF_IOC ? ",\"timeInForce\":\"IOC\"}" : ",\"timeInForce\":\"GTC\"}");
    long index = w.failed ? -1 : add_order(b, cid);
    if (index < 0) {
        reject_intent(b, order, cid, TRELLIS_REASON_INVALID, w.failed ? "sim-broker: the order cannot be written as JSON" : "sim-broker: out of memory");
        return;
    }
    sb_order *o = &b->orders[index];
    o->order_id = order->order_id;
    o->origin = order->origin;
    o->instrument = order->header.instrument;
    o->side = order->side;
    o->quantity = order->quantity;
    o->state = SB_ORDER_SENDING;
    memcpy(o->symbol, instrument.symbol.ptr, (size_t)instrument.symbol.len);
    o->symbol[instrument.symbol.len] = '\0';
    trellis_status status = sb_http(b, SB_REQ_POST, cid, "POST", "/api/v1/orders", body);
    if (status != TRELLIS_OK) {
        char reason[64];
        snprintf(reason, sizeof reason, "sim-broker: the host did not send it (status %d)", (int)status);
        reject_record(b, (size_t)index, reason, 0);
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* What the venue reports                                                                          */
/* ---------------------------------------------------------------------------------------------- */

static void emit_held(sim_broker *b, sb_order *o) {
    o->has_held = 0;
    o->state = SB_ORDER_FINAL;
    o->last_status = o->held.status;
    o->last_filled = o->held.filled_quantity;
    b->held_count--;
    emit_update(b, &o->held, o->held.header.flags);
}

void sb_release_held(sim_broker *b, uint64_t before_generation) {
    for (size_t i = 0; i < b->order_count; i++) {
        sb_order *o = &b->orders[i];
        if (!o->has_held || o->held_generation >= before_generation) continue;
        sb_log(b, TRELLIS_LOG_WARNING, "order %llu: reporting its final state with %.17g of %.17g filled reported by fills", (unsigned long long)o->client_order_id,
               o->filled_by_fills, o->held.filled_quantity);
        emit_held(b, o);
    }
}

static int fills_behind(const sb_order *o, double filled) {
    return filled - o->filled_by_fills > 1e-9 * (fabs(filled) > 1 ? fabs(filled) : 1);
}

int sb_apply_order(sim_broker *b, const json_doc *doc, const json_node *object, uint16_t flags) {
    char id_text[32], status_text[24], venue_id[TRELLIS_VENUE_ID_MAX + 1] = "", symbol[SB_SYMBOL_MAX] = "", side_text[8] = "", reason[512] = "";
    double quantity = 0, filled = 0, leaves = 0, average = 0;
    uint64_t cid = 0;
    int32_t status = 0, reason_code = 0;
    if (object == NULL || object->type != JSON_OBJECT || json_get_string(doc, object, "clientOrderId", id_text, sizeof id_text) != 1 ||
        parse_client_id(id_text, &cid) != 0 || json_get_string(doc, object, "status", status_text, sizeof status_text) != 1 ||
        map_status(status_text, &status, &reason_code) != 0 || json_get_string(doc, object, "orderId", venue_id, sizeof venue_id) < 0 ||
        json_get_string(doc, object, "symbol", symbol, sizeof symbol) < 0 || json_get_string(doc, object, "side", side_text, sizeof side_text) < 0 ||
        json_get_string(doc, object, "reason", reason, sizeof reason) < 0 || json_get_number(doc, object, "quantity", &quantity) < 0 ||
        json_get_number(doc, object, "filledQuantity", &filled) < 0 || json_get_number(doc, object, "leavesQuantity", &leaves) < 0 ||
        json_get_number(doc, object, "averagePrice", &average) < 0)
        return -1;
    long index = find_order(b, cid);
    if (index < 0) {
        index = add_order(b, cid);
        if (index < 0) return 0;
        sb_order *o = &b->orders[index];
        o->state = SB_ORDER_OPEN;
        o->side = parse_side(side_text);
        o->quantity = quantity;
        copy_text(o->symbol, sizeof o->symbol, symbol);
        o->instrument = sb_instrument_id(b, symbol);
    }
    sb_order *o = &b->orders[index];
    if (o->state == SB_ORDER_FINAL || o->has_held) return 0;
    if (o->state != SB_ORDER_SENDING && status == o->last_status && filled == o->last_filled) return 0; /* nothing new */
    trellis_order_update u;
    memset(&u, 0, sizeof u);
    u.header.instrument = o->instrument != 0 ? o->instrument : sb_instrument_id(b, symbol);
    u.client_order_id = cid;
    u.status = status;
    u.side = o->side != 0 ? o->side : parse_side(side_text);
    u.quantity = quantity;
    u.filled_quantity = filled;
    u.leaves_quantity = is_final(status) ? 0 : leaves;
    u.average_price = average;
    u.reason_code = reason_code;
    copy_text(u.reason, sizeof u.reason, reason);
    copy_text(u.venue_order_id, sizeof u.venue_order_id, venue_id);
    int was_pending = o->state == SB_ORDER_SENDING || o->state == SB_ORDER_UNKNOWN;
    if (is_final(status) && fills_behind(o, filled)) {
        /* Report the fills first: the host forgets an order once it is final. */
        u.header.ts_ns = sb_now(b);
        u.header.flags = flags;
        u.header.size = sizeof u;
        u.header.type = TRELLIS_EVENT_ORDER_UPDATE;
        o->held = u;
        o->has_held = 1;
        o->held_generation = b->fills_generation;
        o->held_fill_seq = b->last_fill_seq;
        o->state = SB_ORDER_OPEN;
        if (b->held_count++ == 0) sb_schedule(b, SB_TIMER_FILLS, b->reconnect_ms);
        return 0;
    }
    o->state = is_final(status) ? SB_ORDER_FINAL : SB_ORDER_OPEN;
    o->last_status = status;
    o->last_filled = filled;
    emit_update(b, &u, flags);
    if (was_pending && o->cancel_wanted && o->state == SB_ORDER_OPEN) send_delete(b, cid);
    return 0;
}

int sb_apply_fill(sim_broker *b, const json_doc *doc, const json_node *object, uint16_t flags) {
    char id_text[32], venue_id[TRELLIS_VENUE_ID_MAX + 1] = "", trade_id[TRELLIS_VENUE_ID_MAX + 1] = "", symbol[SB_SYMBOL_MAX] = "", side_text[8] = "";
    double quantity = 0, price = 0, commission = 0, time = -1, seq = 0;
    uint64_t cid = 0;
    int64_t ts = 0;
    if (object == NULL || object->type != JSON_OBJECT || json_get_string(doc, object, "clientOrderId", id_text, sizeof id_text) != 1 ||
        parse_client_id(id_text, &cid) != 0 || json_get_string(doc, object, "orderId", venue_id, sizeof venue_id) < 0 ||
        json_get_string(doc, object, "tradeId", trade_id, sizeof trade_id) < 0 || json_get_string(doc, object, "symbol", symbol, sizeof symbol) < 0 ||
        json_get_string(doc, object, "side", side_text, sizeof side_text) != 1 || parse_side(side_text) == 0 ||
        json_get_number(doc, object, "quantity", &quantity) != 1 || !(quantity > 0) || json_get_number(doc, object, "price", &price) != 1 ||
        json_get_number(doc, object, "commission", &commission) < 0 || json_get_number(doc, object, "time", &time) < 0 ||
        json_get_number(doc, object, "seq", &seq) < 0 || (time >= 0 && sb_ms_to_ns(time, &ts) != 0))
        return -1;
    if (seq > (double)b->last_fill_seq && seq <= 9007199254740992.0) b->last_fill_seq = (uint64_t)seq;
    long index = find_order(b, cid);
    if (index < 0) {
        index = add_order(b, cid);
        if (index < 0) return 0;
        sb_order *o = &b->orders[index];
        o->state = SB_ORDER_OPEN;
        o->side = parse_side(side_text);
        copy_text(o->symbol, sizeof o->symbol, symbol);
        o->instrument = sb_instrument_id(b, symbol);
    }
    sb_order *o = &b->orders[index];
    if (o->state == SB_ORDER_FINAL) return 0;              /* reported and forgotten: the host has its fills */
    if (trade_id[0] != '\0' && has_trade(o, trade_id)) return 0; /* a repeat */
    trellis_fill f;
    memset(&f, 0, sizeof f);
    f.header.size = sizeof f;
    f.header.type = TRELLIS_EVENT_FILL;
    f.header.flags = flags;
    f.header.ts_ns = ts != 0 ? ts : sb_now(b);
    f.header.instrument = o->instrument != 0 ? o->instrument : sb_instrument_id(b, symbol);
    f.client_order_id = cid;
    f.side = parse_side(side_text);
    f.quantity = quantity;
    f.price = price;
    f.commission = commission;
    copy_text(f.venue_order_id, sizeof f.venue_order_id, venue_id);
    copy_text(f.venue_trade_id, sizeof f.venue_trade_id, trade_id);
    if (trade_id[0] != '\0') add_trade(o, trade_id);
    o->filled_by_fills += quantity;
    int was_pending = o->state == SB_ORDER_SENDING || o->state == SB_ORDER_UNKNOWN;
    if (was_pending) o->state = SB_ORDER_OPEN; /* the venue has it */
    sb_emit(b, &f.header);
    b->stats.fills++;
    if (o->has_held && !fills_behind(o, o->held.filled_quantity)) emit_held(b, o);
    else if (was_pending && o->cancel_wanted) send_delete(b, cid);
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* HTTP answers                                                                                    */
/* ---------------------------------------------------------------------------------------------- */

int sb_parse_body(const trellis_http_response *r, json_doc *doc) {
    if (json_parse(doc, r->body.ptr, (size_t)r->body.len, NULL, 0) != 0) return -1;
    if (json_root(doc)->type != JSON_OBJECT) {
        json_free(doc);
        return -1;
    }
    return 0;
}

/* The answer carries one order object; applies it. -1 when it is unreadable. */
static int apply_answer(sim_broker *b, const trellis_http_response *r, uint64_t cid) {
    json_doc doc;
    if (sb_parse_body(r, &doc) != 0) return -1;
    char id_text[32];
    uint64_t answered = 0;
    int result = -1;
    if (json_get_string(&doc, json_root(&doc), "clientOrderId", id_text, sizeof id_text) == 1 && parse_client_id(id_text, &answered) == 0 &&
        answered == cid)
        result = sb_apply_order(b, &doc, json_root(&doc), 0);
    json_free(&doc);
    if (result != 0) b->stats.malformed++;
    return result;
}

static int unknown_outcome(const trellis_http_response *r) {
    return (r->error == TRELLIS_NET_OK && r->status >= 500) || r->error == TRELLIS_NET_TIMEOUT || r->error == TRELLIS_NET_CLOSED ||
           r->error == TRELLIS_NET_PROTOCOL || r->error == TRELLIS_NET_CANCELED;
}

static void on_post(sim_broker *b, size_t index, const trellis_http_response *r) {
    sb_order *o = &b->orders[index];
    uint64_t cid = o->client_order_id;
    char what[256];
    sb_describe(r, what, sizeof what);
    if (o->state != SB_ORDER_SENDING) return;
    if (r->error == TRELLIS_NET_OK && r->status == 200) {
        if (apply_answer(b, r, cid) == 0) return;
        snprintf(what, sizeof what, "an unreadable answer");
    } else if (r->error == TRELLIS_NET_OK && r->status == 409) {
        sb_log(b, TRELLIS_LOG_WARNING, "order %llu: the venue already has this client order id; asking for its status", (unsigned long long)cid);
        o->state = SB_ORDER_UNKNOWN;
        start_query(b, index);
        return;
    } else if (!unknown_outcome(r)) {
        /* Refused before it reached the venue, or refused by the venue (400, 401, ...). */
        char reason[TRELLIS_REASON_MAX + 1];
        copy_text(reason, sizeof reason, what);
        sb_log(b, TRELLIS_LOG_WARNING, "order %llu: not taken (%s)", (unsigned long long)cid, what);
        reject_record(b, index, reason, r->error == TRELLIS_NET_OK ? r->status : 0);
        return;
    }
    o->state = SB_ORDER_UNKNOWN;
    if (r->error == TRELLIS_NET_CANCELED) {
        sb_log(b, TRELLIS_LOG_ERROR, "order %llu: the run ended before the venue answered; its status is unknown", (unsigned long long)cid);
        return;
    }
    sb_log(b, TRELLIS_LOG_ERROR, "order %llu: status unknown (%s); asking the venue", (unsigned long long)cid, what);
    start_query(b, index);
}

static void on_query(sim_broker *b, size_t index, const trellis_http_response *r) {
    sb_order *o = &b->orders[index];
    uint64_t cid = o->client_order_id;
    o->query_in_flight = 0;
    if (o->state == SB_ORDER_FINAL) return;
    char what[256];
    sb_describe(r, what, sizeof what);
    if (r->error == TRELLIS_NET_OK && r->status == 200) {
        if (apply_answer(b, r, cid) == 0) return;
        snprintf(what, sizeof what, "an unreadable answer");
    } else if (r->error == TRELLIS_NET_OK && r->status == 404) {
        if (o->state == SB_ORDER_UNKNOWN) reject_record(b, index, "not received by the venue", 404);
        else sb_log(b, TRELLIS_LOG_WARNING, "order %llu: the venue does not know it", (unsigned long long)cid);
        return;
    }
    if (o->state == SB_ORDER_UNKNOWN && r->error != TRELLIS_NET_CANCELED) query_again(b, index, what);
    else sb_log(b, TRELLIS_LOG_WARNING, "order %llu: the venue did not say its status (%s)", (unsigned long long)cid, what);
}

static void on_open_orders(sim_broker *b, const trellis_http_response *r) {
    char what[256];
    sb_describe(r, what, sizeof what);
    if (r->error != TRELLIS_NET_OK || r->status != 200 || sb_apply_open_orders(b, r, TRELLIS_EVENT_FLAG_RECOVERED) != 0) {
        sb_log(b, TRELLIS_LOG_WARNING, "could not list the open orders (%s)", r->error == TRELLIS_NET_OK && r->status == 200 ? "an unreadable answer" : what);
        return;
    }
    /* What we thought open and the venue no longer lists ended while we were away: ask how. */
    for (size_t i = 0; i < b->order_count; i++) {
        if (b->orders[i].state == SB_ORDER_OPEN && !b->orders[i].seen && !b->orders[i].has_held) start_query(b, i);
    }
}

int sb_apply_open_orders(sim_broker *b, const trellis_http_response *r, uint16_t flags) {
    json_doc doc;
    const json_node *list = NULL;
    if (sb_parse_body(r, &doc) != 0) return -1;
    list = json_member(&doc, json_root(&doc), "orders");
    if (list == NULL || list->type != JSON_ARRAY) {
        b->stats.malformed++;
        json_free(&doc);
        return -1;
    }
    for (size_t i = 0; i < b->order_count; i++) b->orders[i].seen = 0;
    for (const json_node *item = json_first(&doc, list); item != NULL; item = json_next(&doc, item)) {
        if (sb_apply_order(b, &doc, item, flags) != 0) {
            b->stats.malformed++;
            continue;
        }
        char id_text[32];
        uint64_t cid = 0;
        if (json_get_string(&doc, item, "clientOrderId", id_text, sizeof id_text) == 1 && parse_client_id(id_text, &cid) == 0) {
            long index = find_order(b, cid);
            if (index >= 0) b->orders[index].seen = 1;
        }
    }
    json_free(&doc);
    return 0;
}

static void on_fills(sim_broker *b, uint64_t generation, const trellis_http_response *r) {
    json_doc doc;
    const json_node *list = NULL;
    if (r->error == TRELLIS_NET_OK && r->status == 200 && sb_parse_body(r, &doc) == 0) {
        list = json_member(&doc, json_root(&doc), "fills");
        if (list != NULL && list->type == JSON_ARRAY) {
            for (const json_node *item = json_first(&doc, list); item != NULL; item = json_next(&doc, item)) {
                if (sb_apply_fill(b, &doc, item, TRELLIS_EVENT_FLAG_RECOVERED) != 0) b->stats.malformed++;
            }
        } else {
            b->stats.malformed++;
        }
        json_free(&doc);
    } else {
        char what[256];
        sb_describe(r, what, sizeof what);
        sb_log(b, TRELLIS_LOG_WARNING, "could not list the fills (%s)", what);
    }
    /* What was held before this list was asked for and is still held will not get more fills;
     * what was held since waits for the next list. */
    if (b->stopping) return;
    sb_release_held(b, generation);
    if (b->held_count > 0) sb_schedule(b, SB_TIMER_FILLS, b->reconnect_ms);
}

void sb_on_http_order(sim_broker *b, const sb_request *request, const trellis_http_response *response) {
    if (request->kind == SB_REQ_RECONCILE) {
        sb_on_http_reconcile(b, response);
        return;
    }
    if (request->kind == SB_REQ_OPEN_ORDERS) {
        on_open_orders(b, response);
        return;
    }
    if (request->kind == SB_REQ_FILLS) {
        on_fills(b, request->client_order_id, response);
        return;
    }
    long index = find_order(b, request->client_order_id);
    if (request->kind == SB_REQ_DELETE) {
        char what[256];
        if (response->error == TRELLIS_NET_OK && response->status == 200 && apply_answer(b, response, request->client_order_id) == 0) return;
        sb_describe(response, what, sizeof what);
        sb_log(b, TRELLIS_LOG_WARNING, "the cancel of order %llu failed (%s)%s", (unsigned long long)request->client_order_id, what,
               index >= 0 && unknown_outcome(response) ? "; asking for its status" : "");
        if (index >= 0 && unknown_outcome(response) && response->error != TRELLIS_NET_CANCELED) start_query(b, (size_t)index);
        return;
    }
    if (index < 0) return;
    if (request->kind == SB_REQ_POST) on_post(b, (size_t)index, response);
    else if (request->kind == SB_REQ_QUERY) on_query(b, (size_t)index, response);
}
