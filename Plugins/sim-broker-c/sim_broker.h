/*
 * sim-broker in C: internal declarations shared by sim_broker.c (the node, its market data and
 * the WebSocket), orders.c (orders over HTTP) and json.c (a small bounded JSON reader and writer).
 * Not part of any ABI: only trellis_plugin_entry leaves the library.
 */
#ifndef SIM_BROKER_H
#define SIM_BROKER_H

#include <stddef.h>
#include <stdint.h>

#include "CTrellis.h"

/* ---------------------------------------------------------------------------------------------- */
/* JSON                                                                                            */
/* ---------------------------------------------------------------------------------------------- */

#define JSON_NULL 0
#define JSON_FALSE 1
#define JSON_TRUE 2
#define JSON_NUMBER 3
#define JSON_STRING 4
#define JSON_ARRAY 5
#define JSON_OBJECT 6

#define JSON_MAX_DEPTH 16           /* Nesting the reader accepts; deeper input is refused. */
#define JSON_MAX_INPUT (16u << 20)  /* Bytes. */
#define JSON_MAX_NODES (1u << 20)   /* Values in one document. */
#define JSON_MAX_NUMBER 64          /* Characters of one number literal. */

/* One value. Spans are offsets into the parsed text; strings are kept raw (escapes undone on read). */
typedef struct json_node {
    uint8_t type;
    uint8_t escaped;     /* The string has backslash escapes. */
    uint8_t key_escaped; /* The member key has backslash escapes. */
    uint8_t _pad;
    uint32_t next;       /* Next sibling (array element or object member); 0: none. */
    uint32_t first;      /* First child of an array or object; 0: none. */
    uint32_t key_off, key_len; /* Member key (object members only), inside the quotes. */
    uint32_t str_off, str_len; /* String contents, inside the quotes. */
    double number;
} json_node;

typedef struct json_doc {
    const char *text;
    size_t len;
    json_node *nodes; /* nodes[0] is the root. */
    uint32_t count, capacity;
} json_doc;

/* Parses `len` bytes of `text` (never more, NUL not needed). Returns 0, or -1 with a reason in `error`. */
int json_parse(json_doc *doc, const char *text, size_t len, char *error, size_t error_capacity);
void json_free(json_doc *doc);
const json_node *json_root(const json_doc *doc);
/* The member `key` of an object (the first one when repeated), or NULL. */
const json_node *json_member(const json_doc *doc, const json_node *object, const char *key);
/* Children of an array or object, and siblings. NULL at the end. */
const json_node *json_first(const json_doc *doc, const json_node *parent);
const json_node *json_next(const json_doc *doc, const json_node *node);
/* Copies a string value, escapes undone, NUL-terminated. 0 ok, -1 when it does not fit or is not a string. */
int json_string_value(const json_doc *doc, const json_node *node, char *out, size_t capacity, size_t *out_len);
/* Members by type: 1 when present with that type (and, for strings, fitting), 0 when absent, -1 otherwise. */
int json_get_number(const json_doc *doc, const json_node *object, const char *key, double *out);
int json_get_string(const json_doc *doc, const json_node *object, const char *key, char *out, size_t capacity);

/* A writer into a fixed buffer; `failed` is set (and stays set) on overflow or a non-finite number. */
typedef struct json_writer {
    char *buf;
    size_t capacity, len;
    int failed;
} json_writer;

void jw_init(json_writer *w, char *buf, size_t capacity);
void jw_raw(json_writer *w, const char *text);
void jw_string(json_writer *w, const char *text, size_t len);
void jw_number(json_writer *w, double value);

/* ---------------------------------------------------------------------------------------------- */
/* The node                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

#define SB_URL_MAX 512
#define SB_KEY_MAX 1024
#define SB_SYMBOL_MAX 64
#define SB_MAX_SYMBOLS 65536     /* Symbols the node remembers (known or not). */
#define SB_QUERY_ATTEMPTS 10     /* Queries of an order whose status is unknown. */
#define SB_BACKOFF_CAP_MS 10000
#define SB_PING_MS 5000

/* Timer ids. */
#define SB_TIMER_RECONNECT 1u
#define SB_TIMER_FILLS 2u
#define SB_TIMER_RECONCILE 3u
#define SB_TIMER_QUERY_BASE 0x100000000ull /* + order index: the next query of an unknown order. */

/* What an order record knows. */
#define SB_ORDER_SENDING 1 /* POST in flight. */
#define SB_ORDER_UNKNOWN 2 /* POST timed out or failed on the venue's side: being queried. */
#define SB_ORDER_OPEN 3    /* The venue has it. */
#define SB_ORDER_FINAL 4   /* A final state was reported; nothing more is emitted for it. */

/* HTTP request kinds. */
#define SB_REQ_INSTRUMENTS 1
#define SB_REQ_POST 2
#define SB_REQ_QUERY 3
#define SB_REQ_DELETE 4
#define SB_REQ_OPEN_ORDERS 5
#define SB_REQ_FILLS 6
#define SB_REQ_RECONCILE 7 /* A step of a reconciliation (reconcile.c). */

typedef char sb_venue_id[TRELLIS_VENUE_ID_MAX + 1];

typedef struct sb_order {
    uint64_t client_order_id;
    uint64_t order_id; /* The originating node's id and node, when the intent came through here. */
    uint32_t origin;
    uint32_t instrument;
    int32_t side;
    int32_t state;        /* SB_ORDER_*. */
    int32_t last_status;  /* Last TRELLIS_ORDER_* emitted; 0: none. */
    int32_t cancel_wanted;
    int32_t query_attempts;
    int32_t query_in_flight;
    int32_t has_held;     /* A final update waits for its fills. */
    int32_t seen;         /* Listed by the last open-orders answer. */
    uint64_t held_generation; /* b->fills_generation when the update was held. */
    uint64_t held_fill_seq;   /* b->last_fill_seq when the update was held: its fills come after. */
    double quantity, last_filled, filled_by_fills;
    trellis_order_update held;
    char symbol[SB_SYMBOL_MAX];
    sb_venue_id *trades;  /* Trade ids already reported. */
    size_t trade_count, trade_capacity;
} sb_order;

typedef struct sb_symbol {
    char *symbol; /* NULL: empty slot. */
    uint32_t id;  /* 0: the host does not know it (logged once). */
} sb_symbol;

struct sim_broker;

typedef struct sb_request {
    struct sim_broker *broker;
    int32_t in_use;
    int32_t kind;
    uint64_t client_order_id;
} sb_request;

/* A reconciliation the host asked for after a restart (trellis.broker/1; reconcile.c). */
typedef struct sb_reconciliation {
    int32_t step;      /* SB_RECONCILE_*. */
    int32_t attempts;  /* Of the request of this step. */
    size_t index;      /* The order of the request being asked about. */
    uint64_t *ids;     /* The orders the host's journal holds open. */
    size_t count;
    void *host_ctx;
    void (*done)(void *host_ctx, trellis_status status, trellis_str problem);
} sb_reconciliation;

#define SB_RECONCILE_NONE 0
#define SB_RECONCILE_WAITING 1 /* for the instruments */
#define SB_RECONCILE_FILLS 2   /* of order ids[index] */
#define SB_RECONCILE_ORDER 3   /* state of order ids[index] */
#define SB_RECONCILE_OPEN 4    /* every open order */
#define SB_RECONCILE_ACCOUNT 5 /* positions */
#define SB_RECONCILE_ATTEMPTS 5

typedef struct sb_stats {
    uint64_t messages, dropped_seq, late_fills, malformed, unknown_symbol, bars, trades, quotes, updates, fills, emit_failed;
} sb_stats;

typedef struct sim_broker {
    const trellis_host *host;
    int32_t mode;
    int32_t active, stopping;
    char name[64];
    char base_url[SB_URL_MAX]; /* No trailing slash. */
    char ws_url[SB_URL_MAX];
    char key_name[128];
    char api_key[SB_KEY_MAX];
    char *symbols;        /* Normalised "A,B,C", or NULL for every symbol. */
    char *subscribe;      /* The subscribe message, or NULL. */
    uint32_t reconnect_ms, timeout_ms, backoff_ms;

    const trellis_http_ext *http;
    const trellis_websocket_ext *ws;
    const trellis_secrets_ext *secrets;
    const trellis_instruments_ext *instruments;
    const trellis_timer_ext *timer;

    uint64_t socket;
    int32_t socket_state; /* 0 none, 1 connecting, 2 open. */
    int32_t ever_opened;
    int32_t instruments_loaded, instruments_in_flight;
    int32_t denied;  /* The graph refuses our address: no retry. */
    int32_t opening; /* Inside websocket open(): an event may name the socket before open returns. */
    int32_t held_count;
    uint64_t last_seq, last_fill_seq;
    uint64_t fills_generation; /* Fill requests sent so far. */

    sb_symbol *table;
    size_t table_capacity, table_count;

    sb_order *orders;
    size_t order_count, order_capacity;

    sb_request **requests;
    size_t request_count;

    sb_reconciliation reconciliation;
    sb_stats stats;
    int32_t warned_binary, warned_table_full;
} sim_broker;

/* sim_broker.c */
void sb_log(sim_broker *b, int32_t level, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
uint32_t sb_instrument_id(sim_broker *b, const char *symbol);
void sb_emit(sim_broker *b, const trellis_event_header *event);
int64_t sb_now(sim_broker *b);
/* Sends a request to base_url + path; returns the host's status (the answer comes to orders.c or the instruments handler). */
trellis_status sb_http(sim_broker *b, int32_t kind, uint64_t client_order_id, const char *method, const char *path, const char *body);
void sb_schedule(sim_broker *b, uint64_t timer_id, uint32_t delay_ms);
int sb_ms_to_ns(double ms, int64_t *out);

/* orders.c */
void sb_on_order_intent(sim_broker *b, const trellis_order *order);
void sb_on_http_order(sim_broker *b, const sb_request *request, const trellis_http_response *response);
/* An order object or a fill object (from the stream or a REST answer); 0 ok, -1 malformed. */
int sb_apply_order(sim_broker *b, const json_doc *doc, const json_node *object, uint16_t flags);
int sb_apply_fill(sim_broker *b, const json_doc *doc, const json_node *object, uint16_t flags);
/* "HTTP 503 (CODE: message)" or "network error 1: text", for logs and reasons. */
void sb_describe(const trellis_http_response *response, char *out, size_t capacity);
void sb_on_query_timer(sim_broker *b, uint64_t index);
void sb_on_fills_timer(sim_broker *b);
void sb_reconcile(sim_broker *b);
/* Emits the held final updates held before fill request `before_generation` (all: UINT64_MAX). */
void sb_release_held(sim_broker *b, uint64_t before_generation);
size_t sb_unknown_orders(const sim_broker *b);
void sb_free_orders(sim_broker *b);
/* Emits an update of recorded order `index`: rejected, with `reason`. */
void sb_reject_record(sim_broker *b, size_t index, const char *reason, int32_t venue_code, uint16_t flags);
/* Lists the venue's open orders (applied with `flags`); 0 ok, -1 an unreadable answer. */
int sb_apply_open_orders(sim_broker *b, const trellis_http_response *response, uint16_t flags);
int sb_parse_body(const trellis_http_response *response, json_doc *doc);

/* reconcile.c */
trellis_status sb_reconcile_start(sim_broker *b, const trellis_reconcile_request *request);
/* The instruments are known: a reconciliation waiting for them goes on. */
void sb_reconcile_continue(sim_broker *b);
void sb_on_http_reconcile(sim_broker *b, const trellis_http_response *response);
void sb_on_reconcile_timer(sim_broker *b);
void sb_reconcile_free(sim_broker *b);

#endif /* SIM_BROKER_H */
