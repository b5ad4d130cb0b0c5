/*
 * sim-broker: reconciliation after a host restart (trellis.broker/1). One request at a time: for
 * each order the host's journal holds open, its fills (GET /api/v1/fills?clientOrderId=) and then
 * its state (GET /api/v1/orders/{id}; 404 means the venue never got it, so it is rejected, never
 * sent again); then every open order (the host reports those it never sent); then the account's
 * positions, one TRELLIS_EVENT_POSITION each. Everything is emitted flagged RECOVERED; then
 * `done`. A request that fails is asked again a few times; then `done` says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_broker.h"

static void finish(sim_broker *b, trellis_status status, const char *problem) {
    sb_reconciliation *r = &b->reconciliation;
    void (*done)(void *, trellis_status, trellis_str) = r->done;
    void *ctx = r->host_ctx;
    sb_reconcile_free(b);
    if (status == TRELLIS_OK) sb_log(b, TRELLIS_LOG_INFO, "reconciled with the venue");
    else sb_log(b, TRELLIS_LOG_ERROR, "could not reconcile: %s", problem);
    if (done != NULL) done(ctx, status, trellis_cstr(problem));
}

/* Sends the request of the current step. */
static void ask(sim_broker *b) {
    sb_reconciliation *r = &b->reconciliation;
    char path[96];
    switch (r->step) {
    case SB_RECONCILE_FILLS:
        snprintf(path, sizeof path, "/api/v1/fills?clientOrderId=%llu", (unsigned long long)r->ids[r->index]);
        break;
    case SB_RECONCILE_ORDER:
        snprintf(path, sizeof path, "/api/v1/orders/%llu", (unsigned long long)r->ids[r->index]);
        break;
    case SB_RECONCILE_OPEN:
        snprintf(path, sizeof path, "/api/v1/orders?status=open");
        break;
    case SB_RECONCILE_ACCOUNT:
        snprintf(path, sizeof path, "/api/v1/account");
        break;
    default:
        return;
    }
    r->attempts++;
    if (sb_http(b, SB_REQ_RECONCILE, 0, "GET", path, NULL) != TRELLIS_OK) {
        char problem[160];
        snprintf(problem, sizeof problem, "the host refused GET %s", path);
        finish(b, TRELLIS_ERR_STATE, problem);
    }
}

/* Moves to the next step (or the next order of this one) and asks. */
static void advance(sim_broker *b) {
    sb_reconciliation *r = &b->reconciliation;
    r->attempts = 0;
    if (r->step == SB_RECONCILE_FILLS) {
        r->step = SB_RECONCILE_ORDER;
    } else if (r->step == SB_RECONCILE_ORDER) {
        r->index++;
        r->step = r->index < r->count ? SB_RECONCILE_FILLS : SB_RECONCILE_OPEN;
    } else if (r->step == SB_RECONCILE_OPEN) {
        r->step = SB_RECONCILE_ACCOUNT;
    } else {
        finish(b, TRELLIS_OK, "");
        return;
    }
    ask(b);
}

static void begin(sim_broker *b) {
    sb_reconciliation *r = &b->reconciliation;
    sb_log(b, TRELLIS_LOG_INFO, "reconciling: %zu orders the host holds open, then the venue's open orders and positions", r->count);
    r->index = 0;
    r->attempts = 0;
    r->step = r->count > 0 ? SB_RECONCILE_FILLS : SB_RECONCILE_OPEN;
    ask(b);
}

trellis_status sb_reconcile_start(sim_broker *b, const trellis_reconcile_request *request) {
    if (request == NULL || !TRELLIS_HAS_FIELD(request, trellis_reconcile_request, done) || request->done == NULL) return TRELLIS_ERR_INVALID;
    if (b->mode != TRELLIS_MODE_LIVE || !b->active || b->stopping) return TRELLIS_ERR_STATE;
    if (b->reconciliation.step != SB_RECONCILE_NONE) return TRELLIS_ERR_STATE;
    if (request->open_count > 1000000 || (request->open_count > 0 && request->open_client_order_ids == NULL)) return TRELLIS_ERR_INVALID;
    sb_reconciliation *r = &b->reconciliation;
    memset(r, 0, sizeof *r);
    if (request->open_count > 0) {
        r->ids = malloc((size_t)request->open_count * sizeof *r->ids);
        if (r->ids == NULL) return TRELLIS_ERR_NO_MEMORY;
        memcpy(r->ids, request->open_client_order_ids, (size_t)request->open_count * sizeof *r->ids);
    }
    r->count = (size_t)request->open_count;
    r->host_ctx = request->host_ctx;
    r->done = request->done;
    r->step = SB_RECONCILE_WAITING;
    if (b->instruments_loaded) begin(b);
    return TRELLIS_OK;
}

void sb_reconcile_continue(sim_broker *b) {
    if (b->reconciliation.step == SB_RECONCILE_WAITING) begin(b);
}

/* The positions of an account answer, emitted one by one; 0 ok, -1 unreadable, -2 an unknown symbol. */
static int emit_positions(sim_broker *b, const trellis_http_response *response, char *symbol_out, size_t capacity) {
    json_doc doc;
    if (sb_parse_body(response, &doc) != 0) return -1;
    const json_node *list = json_member(&doc, json_root(&doc), "positions");
    if (list == NULL || list->type != JSON_ARRAY) {
        json_free(&doc);
        return -1;
    }
    int result = 0;
    for (const json_node *item = json_first(&doc, list); item != NULL && result == 0; item = json_next(&doc, item)) {
        char symbol[SB_SYMBOL_MAX];
        double quantity = 0, average = 0;
        if (json_get_string(&doc, item, "symbol", symbol, sizeof symbol) != 1 || json_get_number(&doc, item, "quantity", &quantity) != 1 ||
            json_get_number(&doc, item, "averagePrice", &average) < 0) {
            result = -1;
            break;
        }
        if (quantity == 0) continue;
        uint32_t id = sb_instrument_id(b, symbol);
        if (id == 0) {
            snprintf(symbol_out, capacity, "%s", symbol);
            result = -2;
            break;
        }
        trellis_position p;
        memset(&p, 0, sizeof p);
        p.header.size = sizeof p;
        p.header.type = TRELLIS_EVENT_POSITION;
        p.header.flags = TRELLIS_EVENT_FLAG_RECOVERED;
        p.header.ts_ns = sb_now(b);
        p.header.instrument = id;
        p.quantity = quantity;
        p.average_price = average;
        sb_emit(b, &p.header);
    }
    json_free(&doc);
    return result;
}

/* The fills of one order's answer, applied (the host drops those it has). 0 ok, -1 unreadable. */
static int apply_fills(sim_broker *b, const trellis_http_response *response) {
    json_doc doc;
    if (sb_parse_body(response, &doc) != 0) return -1;
    const json_node *list = json_member(&doc, json_root(&doc), "fills");
    int result = list != NULL && list->type == JSON_ARRAY ? 0 : -1;
    for (const json_node *item = list != NULL ? json_first(&doc, list) : NULL; item != NULL && result == 0; item = json_next(&doc, item)) {
        if (sb_apply_fill(b, &doc, item, TRELLIS_EVENT_FLAG_RECOVERED) != 0) result = -1;
    }
    json_free(&doc);
    return result;
}

/* The state of one order: applied, or rejected when the venue definitely does not know it. */
static int apply_order(sim_broker *b, const trellis_http_response *response, uint64_t cid) {
    if (response->status == 404) {
        long index = -1;
        for (size_t i = b->order_count; i > 0 && index < 0; i--) {
            if (b->orders[i - 1].client_order_id == cid) index = (long)(i - 1);
        }
        if (index < 0) {
            trellis_order_update u;
            memset(&u, 0, sizeof u);
            u.header.size = sizeof u;
            u.header.type = TRELLIS_EVENT_ORDER_UPDATE;
            u.header.flags = TRELLIS_EVENT_FLAG_RECOVERED;
            u.header.ts_ns = sb_now(b);
            u.client_order_id = cid;
            u.status = TRELLIS_ORDER_REJECTED;
            u.reason_code = TRELLIS_REASON_VENUE;
            u.venue_code = 404;
            snprintf(u.reason, sizeof u.reason, "not received by the venue (the host stopped before it was sent)");
            sb_emit(b, &u.header);
            return 0;
        }
        if (b->orders[index].state != SB_ORDER_FINAL) {
            sb_reject_record(b, (size_t)index, "not received by the venue (the host stopped before it was sent)", 404, TRELLIS_EVENT_FLAG_RECOVERED);
        }
        return 0;
    }
    json_doc doc;
    if (sb_parse_body(response, &doc) != 0) return -1;
    int result = sb_apply_order(b, &doc, json_root(&doc), TRELLIS_EVENT_FLAG_RECOVERED);
    json_free(&doc);
    return result;
}

void sb_on_http_reconcile(sim_broker *b, const trellis_http_response *response) {
    sb_reconciliation *r = &b->reconciliation;
    if (r->step <= SB_RECONCILE_WAITING || b->stopping) return;
    char what[256];
    sb_describe(response, what, sizeof what);
    int ok = response->error == TRELLIS_NET_OK && (response->status == 200 || (response->status == 404 && r->step == SB_RECONCILE_ORDER));
    int result = -1;
    char symbol[SB_SYMBOL_MAX] = "";
    if (ok) {
        switch (r->step) {
        case SB_RECONCILE_FILLS: result = apply_fills(b, response); break;
        case SB_RECONCILE_ORDER: result = apply_order(b, response, r->ids[r->index]); break;
        case SB_RECONCILE_OPEN: result = sb_apply_open_orders(b, response, TRELLIS_EVENT_FLAG_RECOVERED); break;
        case SB_RECONCILE_ACCOUNT: result = emit_positions(b, response, symbol, sizeof symbol); break;
        default: break;
        }
        if (result == -1) snprintf(what, sizeof what, "an unreadable answer");
    }
    if (result == 0) {
        advance(b);
        return;
    }
    if (result == -2) {
        char problem[160];
        snprintf(problem, sizeof problem, "the venue holds a position in '%s', an instrument the host does not know", symbol);
        finish(b, TRELLIS_ERR_INVALID, problem);
        return;
    }
    if (r->attempts < SB_RECONCILE_ATTEMPTS && response->error != TRELLIS_NET_CANCELED) {
        sb_log(b, TRELLIS_LOG_WARNING, "reconciling: the venue did not answer (%s); asking again in %u ms", what, b->reconnect_ms);
        sb_schedule(b, SB_TIMER_RECONCILE, b->reconnect_ms);
        return;
    }
    char problem[320];
    snprintf(problem, sizeof problem, "the venue did not answer after %d attempts (%s)", (int)r->attempts, what);
    finish(b, TRELLIS_ERR_STATE, problem);
}

void sb_on_reconcile_timer(sim_broker *b) {
    if (b->reconciliation.step > SB_RECONCILE_WAITING) ask(b);
}

void sb_reconcile_free(sim_broker *b) {
    free(b->reconciliation.ids);
    memset(&b->reconciliation, 0, sizeof b->reconciliation);
}
