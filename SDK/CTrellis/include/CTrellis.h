/*
 * CTrellis.h — the Trellis plugin ABI, version 1.2.
 *
 * This header is the whole contract between the Trellis host and a plugin. A plugin is a shared
 * library that exports exactly one function, `trellis_plugin_entry`, and builds against this file
 * alone. It compiles as C11 and C++17 with -Wall -Wextra -Werror -pedantic.
 *
 * Rules that hold for everything below:
 *
 *  - Structs that cross the boundary begin with `uint32_t struct_size` and only ever grow: new
 *    fields are appended in later minor versions. A reader checks TRELLIS_HAS_FIELD before reading
 *    a field and treats a field beyond `struct_size` as absent. Events carry their size in
 *    `header.size` instead and follow the same rule.
 *  - No C enums and no `bool` inside structs: fixed-width integers with #defined values. Padding is
 *    explicit (`_reserved` fields, always written as zero; readers ignore them unless a type says
 *    otherwise, as order intents do).
 *  - Strings are `trellis_str` {pointer, length}: UTF-8, not necessarily NUL-terminated.
 *  - Memory: whoever allocates frees. Inputs are borrowed for the duration of the call. Outputs are
 *    static, owned by the caller (a buffer with a capacity), or live as long as stated. Nothing is
 *    freed across the boundary.
 *  - Errors: functions return a `trellis_status` (0 ok, negative error). No C++ exception, Swift
 *    error or Rust panic may cross the boundary.
 *  - Threading: every node callback runs on the engine thread of its graph, one call at a time, so
 *    a node needs no locks. Host functions may be called only from inside a node callback on that
 *    thread unless they are marked thread-safe. Callbacks on the event path must not block.
 *
 * Versioning: the major version changes only when a released struct or function changes meaning;
 * minor versions only append fields, functions, constants and extensions.
 */
#ifndef CTRELLIS_H
#define CTRELLIS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TRELLIS_ABI_MAJOR 1
#define TRELLIS_ABI_MINOR 2

/** Marks the one function a plugin library exports. Build with -fvisibility=hidden. */
#define TRELLIS_EXPORT __attribute__((visibility("default")))

#ifdef __cplusplus
#define TRELLIS_STATIC_ASSERT(condition, message) static_assert(condition, message)
#else
#define TRELLIS_STATIC_ASSERT(condition, message) _Static_assert(condition, message)
#endif

TRELLIS_STATIC_ASSERT(sizeof(void *) == 8, "the Trellis ABI v1 is defined for 64-bit targets");
TRELLIS_STATIC_ASSERT(sizeof(double) == 8, "the Trellis ABI v1 needs IEEE-754 binary64 doubles");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Trellis ABI v1 is defined for little-endian targets"
#endif

#ifdef __cplusplus
/** True when `ptr`, a struct that starts with `struct_size`, is large enough to hold `field`. */
#define TRELLIS_HAS_FIELD(ptr, type, field) ((ptr)->struct_size >= offsetof(type, field) + sizeof(type::field))
/** True when `event` (a record with a `header`) is large enough to hold `field` of `type`. */
#define TRELLIS_EVENT_HAS_FIELD(event, type, field) \
    ((event)->header.size >= offsetof(type, field) + sizeof(type::field))
#else
#define TRELLIS_HAS_FIELD(ptr, type, field) \
    ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))
#define TRELLIS_EVENT_HAS_FIELD(event, type, field) \
    ((event)->header.size >= offsetof(type, field) + sizeof(((type *)0)->field))
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Status codes                                                                                    */
/* ---------------------------------------------------------------------------------------------- */

typedef int32_t trellis_status;

#define TRELLIS_OK 0
#define TRELLIS_ERR_INVALID (-1)     /**< An argument is malformed or out of range. */
#define TRELLIS_ERR_UNSUPPORTED (-2) /**< The callee does not offer what was asked. */
#define TRELLIS_ERR_NOT_FOUND (-3)   /**< No such instrument, key, timer or extension. */
#define TRELLIS_ERR_TOO_SMALL (-4)   /**< A caller's buffer or struct is too small. */
#define TRELLIS_ERR_STATE (-5)       /**< Not allowed now (e.g. emit outside a callback). */
#define TRELLIS_ERR_DENIED (-6)      /**< The host refused (limits, halted, permissions). */
#define TRELLIS_ERR_NO_MEMORY (-7)
#define TRELLIS_ERR_INTERNAL (-8)
#define TRELLIS_ERR_PLUGIN (-100) /**< Plugin-specific failures use this value and below. */

/* ---------------------------------------------------------------------------------------------- */
/* Strings                                                                                         */
/* ---------------------------------------------------------------------------------------------- */

/** A borrowed UTF-8 string. `ptr` may be NULL when `len` is 0. Frozen: never grows. */
typedef struct trellis_str {
    const char *ptr;
    uint64_t len;
} trellis_str;

TRELLIS_STATIC_ASSERT(sizeof(trellis_str) == 16, "trellis_str layout");

/** A `trellis_str` initializer for a string literal, for static data: `TRELLIS_STR_LIT("grid")`. */
#define TRELLIS_STR_LIT(text) {text, sizeof(text) - 1}

/** A `trellis_str` for a NUL-terminated string. The string must outlive the use of the result. */
static inline trellis_str trellis_cstr(const char *s) {
    trellis_str out;
    uint64_t n = 0;
    out.ptr = s;
    if (s != NULL) {
        while (s[n] != '\0') { n++; }
    }
    out.len = n;
    return out;
}

/* ---------------------------------------------------------------------------------------------- */
/* Constants                                                                                       */
/* ---------------------------------------------------------------------------------------------- */

/* Node kinds (trellis_node_factory.kind). */
#define TRELLIS_KIND_FEED 1     /**< Produces market data. */
#define TRELLIS_KIND_MODEL 2    /**< Turns data into signals or features. */
#define TRELLIS_KIND_STRATEGY 3 /**< Turns data and signals into order intents. */
#define TRELLIS_KIND_RISK 4     /**< Approves, resizes or denies order intents. */
#define TRELLIS_KIND_BROKER 5   /**< Sends orders to a venue and reports fills. */
#define TRELLIS_KIND_OBSERVER 6 /**< Watches; may emit signals, never orders. */

/* Event types (trellis_event_header.type). */
#define TRELLIS_EVENT_BAR 1
#define TRELLIS_EVENT_TRADE 2
#define TRELLIS_EVENT_QUOTE 3
#define TRELLIS_EVENT_SIGNAL 4
#define TRELLIS_EVENT_ORDER 5 /**< An order intent: new order or cancel. */
#define TRELLIS_EVENT_ORDER_UPDATE 6
#define TRELLIS_EVENT_FILL 7
#define TRELLIS_EVENT_POSITION 8
#define TRELLIS_EVENT_ACCOUNT 9
#define TRELLIS_EVENT_TIMER 10
#define TRELLIS_EVENT_CUSTOM 11

/* Event flags (trellis_event_header.flags). */
#define TRELLIS_EVENT_FLAG_WARMUP 0x0001 /**< History replayed before live trading starts. */
#define TRELLIS_EVENT_FLAG_SHADOW 0x0002 /**< Belongs to a shadow (challenger) branch. */
#define TRELLIS_EVENT_FLAG_RECOVERED 0x0004 /**< 1.2: learnt from the venue after a restart, not as it happened. */

/* Run modes (trellis_create_args.run_mode, 1.2). Zero is a backtest: a node that does not know the
 * field, or a 1.1 host that does not send it, never reaches a venue. */
#define TRELLIS_MODE_BACKTEST 0 /**< Historical data, simulated venue; no network. */
#define TRELLIS_MODE_PAPER 1    /**< Live data, simulated venue: a broker feeds data but sends no order. */
#define TRELLIS_MODE_LIVE 2     /**< Live data, orders to the broker (testnet unless the operator asked for real money). */

/** Largest event record the host accepts from `emit`, header included. Fixed for all of 1.x. */
#define TRELLIS_EVENT_MAX_SIZE 65536u

/* Sides. */
#define TRELLIS_SIDE_BUY 1
#define TRELLIS_SIDE_SELL (-1)

/* Order actions (trellis_order.action). Zero is a new order. */
#define TRELLIS_ACTION_NEW 0
#define TRELLIS_ACTION_CANCEL 1 /**< Cancel the node's order `order_id`. */

/* Order types (trellis_order.order_type). Zero is a market order. */
#define TRELLIS_ORDER_MARKET 0
#define TRELLIS_ORDER_LIMIT 1
#define TRELLIS_ORDER_STOP 2
#define TRELLIS_ORDER_STOP_LIMIT 3

/* Time in force (trellis_order.time_in_force). Zero is good-till-canceled. */
#define TRELLIS_TIF_GTC 0
#define TRELLIS_TIF_IOC 1
#define TRELLIS_TIF_FOK 2
#define TRELLIS_TIF_DAY 3

/* How trellis_order.quantity is read (trellis_order.size_mode). Zero is units. */
#define TRELLIS_SIZE_UNITS 0         /**< Quantity in instrument units (shares, coins, lots). */
#define TRELLIS_SIZE_EQUITY 1        /**< Fraction of account equity in (0, 1], sized at fill. */
#define TRELLIS_SIZE_NOTIONAL 2      /**< Amount of quote currency, sized at fill. */

/* Order flags (trellis_order.order_flags). */
#define TRELLIS_ORDER_FLAG_REDUCE_ONLY 0x0001    /**< May only reduce the node's position. */
#define TRELLIS_ORDER_FLAG_CLOSE_POSITION 0x0002 /**< Close the node's whole position; quantity ignored. */

/* Order states (trellis_order_update.status). */
#define TRELLIS_ORDER_INITIALIZED 0 /**< 1.2: created and journaled, not yet sent (the journal's first state). */
#define TRELLIS_ORDER_SUBMITTED 1
#define TRELLIS_ORDER_ACCEPTED 2
#define TRELLIS_ORDER_PARTIALLY_FILLED 3
#define TRELLIS_ORDER_FILLED 4
#define TRELLIS_ORDER_CANCELED 5
#define TRELLIS_ORDER_REJECTED 6 /**< Refused by the venue. */
#define TRELLIS_ORDER_EXPIRED 7
#define TRELLIS_ORDER_DENIED 8 /**< Refused by a risk node or the host's hard limits. */
#define TRELLIS_ORDER_PENDING_CANCEL 9
#define TRELLIS_ORDER_PENDING_UPDATE 10

/* Log levels (trellis_host.log). */
#define TRELLIS_LOG_TRACE 0
#define TRELLIS_LOG_DEBUG 1
#define TRELLIS_LOG_INFO 2
#define TRELLIS_LOG_WARNING 3
#define TRELLIS_LOG_ERROR 4

/* ---------------------------------------------------------------------------------------------- */
/* Events                                                                                          */
/* ---------------------------------------------------------------------------------------------- */
/*
 * Events are flat records: a common header followed by type-specific fields, with no pointers, so
 * one memcpy of `header.size` bytes copies an event. Every event a node receives holds at least the
 * 1.0 fields of its type; a field a later minor version appends is read only when
 * TRELLIS_EVENT_HAS_FIELD says it is there, and reads as zero when it is not. Prices are in the
 * instrument's quote currency, quantities in instrument units, times in nanoseconds since the
 * Unix epoch (UTC).
 *
 * An event passed to `on_event` is borrowed for the duration of that call only and is 8-byte
 * aligned. The event header is 24 bytes for all of 1.x: new fields go into the types that need them.
 */

/** The common header of every event. 24 bytes. */
typedef struct trellis_event_header {
    uint32_t size;       /**< Bytes of the whole record, this header included. */
    uint16_t type;       /**< TRELLIS_EVENT_*. */
    uint16_t flags;      /**< TRELLIS_EVENT_FLAG_*. */
    int64_t ts_ns;       /**< When the event happened or became known; for a bar, its close. */
    uint32_t instrument; /**< Instrument id (see trellis_host.instrument); 0 when none. */
    uint32_t source;     /**< Id of the feed or node that emitted the event; set by the host. */
} trellis_event_header;

/**
 * TRELLIS_EVENT_BAR: one OHLCV bar. `header.ts_ns` is the bar's end, the moment its close became
 * known, in backtests as in live runs; the bar opened at `header.ts_ns - period_ns`.
 */
typedef struct trellis_bar {
    trellis_event_header header;
    int64_t period_ns; /**< Bar length. */
    double open;
    double high;
    double low;
    double close;
    double volume;
} trellis_bar;

/** TRELLIS_EVENT_TRADE: one trade print. */
typedef struct trellis_trade {
    trellis_event_header header;
    double price;
    double quantity;
    int32_t aggressor; /**< TRELLIS_SIDE_BUY, TRELLIS_SIDE_SELL, or 0 when unknown. */
    uint32_t _reserved;
    uint64_t trade_id; /**< Venue's id; 0 when unknown. */
} trellis_trade;

/** TRELLIS_EVENT_QUOTE: top of book. */
typedef struct trellis_quote {
    trellis_event_header header;
    double bid;
    double ask;
    double bid_size;
    double ask_size;
} trellis_quote;

/** Longest signal label in bytes, not counting the terminating NUL. */
#define TRELLIS_LABEL_MAX 31

/** TRELLIS_EVENT_SIGNAL: a label with a value and a confidence, e.g. "ranging", 0.0, 0.8. */
typedef struct trellis_signal {
    trellis_event_header header;
    char label[TRELLIS_LABEL_MAX + 1]; /**< UTF-8, NUL-terminated, zero-filled after the NUL. */
    double value;
    double confidence; /**< In [0, 1]. */
} trellis_signal;

/**
 * TRELLIS_EVENT_ORDER: an order intent. Zero-initialised, it is a good-till-canceled market order
 * in units; set `header.instrument`, `side` and `quantity` (and a price for limit and stop orders).
 * Strategy and risk nodes emit intents of their own; a risk node that receives an intent passes it
 * on or refuses it through TRELLIS_EXT_RISK; the venue of the run mode executes what reaches it.
 *
 * The host refuses (TRELLIS_ERR_UNSUPPORTED) an intent with a value it does not know in `action`,
 * `side`, `order_type`, `time_in_force`, `size_mode` or `order_flags`, a non-zero `_reserved`, or
 * non-zero bytes past the fields it knows: an intent never means less than its sender asked.
 */
typedef struct trellis_order {
    trellis_event_header header;
    uint64_t order_id;      /**< Chosen by the originating node, larger than any it used before; 0: the
                                 host assigns one (with the top bit set) and reports it in the updates. */
    uint32_t origin;        /**< Originating node id; set by the host. */
    int32_t action;         /**< TRELLIS_ACTION_*. */
    int32_t side;           /**< TRELLIS_SIDE_BUY or TRELLIS_SIDE_SELL. */
    int32_t order_type;     /**< TRELLIS_ORDER_*. */
    int32_t time_in_force;  /**< TRELLIS_TIF_*. */
    int32_t size_mode;      /**< TRELLIS_SIZE_*. */
    uint32_t order_flags;   /**< TRELLIS_ORDER_FLAG_*. */
    uint32_t _reserved;
    double quantity;        /**< Read according to size_mode; > 0 (ignored with CLOSE_POSITION). */
    double limit_price;     /**< Limit and stop-limit orders. */
    double stop_price;      /**< Stop and stop-limit orders. */
    /* 1.2 */
    uint64_t client_order_id; /**< Set by the host (write 0): the order's id at the venue's side, unique
                                   across restarts of a deployment; brokers send it as the venue's
                                   client order id and report by it. */
} trellis_order;

/** Longest venue order or trade id in bytes (1.2), not counting the terminating NUL. */
#define TRELLIS_VENUE_ID_MAX 47

/** Longest reason text in an order update, not counting the terminating NUL. */
#define TRELLIS_REASON_MAX 95

/* Why an order was rejected, denied, canceled or expired (trellis_order_update.reason_code). */
#define TRELLIS_REASON_NONE 0
#define TRELLIS_REASON_INVALID 1            /**< Malformed: unknown instrument, bad side or quantity. */
#define TRELLIS_REASON_UNSUPPORTED 2        /**< The venue does not offer this order type or option. */
#define TRELLIS_REASON_INSUFFICIENT_FUNDS 3 /**< The account cannot pay for it. */
#define TRELLIS_REASON_ZERO_SIZE 4          /**< It sizes to zero lots. */
#define TRELLIS_REASON_NO_POSITION 5        /**< Nothing to close or reduce. */
#define TRELLIS_REASON_DUPLICATE_ID 6       /**< Its order id is not larger than the node's last one. */
#define TRELLIS_REASON_RISK 7               /**< Denied by a risk node. */
#define TRELLIS_REASON_LIMIT 8              /**< Denied by a host hard limit or a halted host. */
#define TRELLIS_REASON_CANCELED 9           /**< Canceled by its node. */
#define TRELLIS_REASON_DATA_ENDED 10        /**< The run ended before it could fill. */
#define TRELLIS_REASON_EXPIRED 11           /**< Its time in force ran out. */
#define TRELLIS_REASON_VENUE 12             /**< Refused by the venue; see venue_code. */

/** TRELLIS_EVENT_ORDER_UPDATE: a change of an order's state, routed back to its origin. */
typedef struct trellis_order_update {
    trellis_event_header header;
    uint64_t order_id;       /**< The originating node's id for the order. */
    uint32_t origin;         /**< Originating node id. */
    int32_t status;          /**< TRELLIS_ORDER_*. */
    int32_t side;
    uint32_t reporter;       /**< Risk node that denied the order, or 0 for the venue and the host. */
    double quantity;         /**< Quantity in units: as ordered, or as sized at the fill (0 before). */
    double filled_quantity;  /**< Cumulative filled quantity. */
    double average_price;    /**< Average fill price; 0 before the first fill. */
    int32_t reason_code;     /**< TRELLIS_REASON_*. */
    int32_t venue_code;      /**< The venue's own error code (e.g. an exchange's), 0 when none. */
    char reason[TRELLIS_REASON_MAX + 1]; /**< Why, for people; UTF-8, NUL-terminated. */
    /* 1.2 */
    uint64_t client_order_id; /**< The host's client order id (trellis_order.client_order_id). A broker
                                   may report by it alone: the host fills order_id and origin. */
    double leaves_quantity;   /**< Still open at the venue; 0 once the order is final. */
    char venue_order_id[TRELLIS_VENUE_ID_MAX + 1]; /**< The venue's id for the order; UTF-8, NUL-terminated, "" when unknown. */
} trellis_order_update;

/** TRELLIS_EVENT_FILL: an execution, routed back to the order's origin and the risk nodes on its path. */
typedef struct trellis_fill {
    trellis_event_header header;
    uint64_t order_id; /**< The originating node's id for the order. */
    uint32_t origin;   /**< Originating node id. */
    int32_t side;
    double quantity;   /**< Filled in this execution, > 0. */
    double price;
    double commission; /**< In quote currency. */
    double position;   /**< The origin's net position in the instrument after this fill. */
    /* 1.2 */
    uint64_t client_order_id; /**< As in trellis_order_update: a broker may report by it alone. */
    char venue_order_id[TRELLIS_VENUE_ID_MAX + 1]; /**< The venue's id for the order, "" when unknown. */
    char venue_trade_id[TRELLIS_VENUE_ID_MAX + 1]; /**< The venue's id for this execution: the host
                                                         drops a second fill with the same id for the
                                                         same order (a broker that reconnects may
                                                         report it twice); "" when unknown. */
} trellis_fill;

/** TRELLIS_EVENT_POSITION: a node's (or, with source 0, the account's) position in one instrument. */
typedef struct trellis_position {
    trellis_event_header header;
    double quantity; /**< Net: positive long, negative short. */
    double average_price;
    double realized_pnl;
    double unrealized_pnl;
} trellis_position;

/**
 * TRELLIS_EVENT_ACCOUNT: the account's balances in its currency. Since 1.1 every risk node
 * receives one (source 0) after each timestamp of the market, marked at its last prices.
 */
typedef struct trellis_account {
    trellis_event_header header;
    double cash;
    double equity;
    double realized_pnl;
    double commission; /**< Total paid so far. */
} trellis_account;

/** TRELLIS_EVENT_TIMER: a timer scheduled through the TRELLIS_EXT_TIMER extension has fired. */
typedef struct trellis_timer {
    trellis_event_header header;
    uint64_t timer_id;
    int64_t scheduled_ns;
} trellis_timer;

/**
 * TRELLIS_EVENT_CUSTOM: `length` bytes of payload follow this struct directly (see
 * TRELLIS_CUSTOM_PAYLOAD); `header.size` is sizeof(trellis_custom) + length. The payload's layout
 * is named by `custom_type`; documented layouts are listed in the Trellis docs.
 */
typedef struct trellis_custom {
    trellis_event_header header;
    uint32_t custom_type;
    uint32_t length;
} trellis_custom;

/**
 * Custom types below 0x10000 are reserved for layouts Trellis defines (docs/abi.md); a plugin's own
 * layouts use values from 0x10000 up, e.g. a hash of a reverse-DNS name.
 */
#define TRELLIS_CUSTOM_RESERVED_LIMIT 0x10000u

/**
 * TRELLIS_CUSTOM_FEATURE_VECTOR: one row of features for one bar (the `features` and `ffi` node
 * types emit it; a model consumes it). The payload is a `trellis_feature_vector` followed by
 * `count` doubles, in the order of the names. `header.ts_ns` and `header.instrument` are those
 * of the bar described. A value still warming up is NaN (and TRELLIS_FEATURES_INCOMPLETE set).
 */
#define TRELLIS_CUSTOM_FEATURE_VECTOR 1u
/**
 * TRELLIS_CUSTOM_FEATURE_NAMES: the names of the values of the vectors a node emits, sent once
 * before its first vector: a `trellis_feature_vector` header (`count` names, the same
 * `names_hash`) followed by `count` NUL-terminated UTF-8 names.
 */
#define TRELLIS_CUSTOM_FEATURE_NAMES 2u

/**
 * Shadow A/B (docs/shadow.md). The host sends a tester (a node under `shadow:`) the challengers
 * once before the first timestamp: TRELLIS_CUSTOM_SHADOW_BRANCHES, a `trellis_shadow_branches`
 * followed by `count` pairs of NUL-terminated UTF-8 names (the challenger, the champion node it
 * replaces). Challenger `i` is the i-th pair, from 0.
 */
#define TRELLIS_CUSTOM_SHADOW_BRANCHES 3u
/**
 * After each timestamp: a `trellis_shadow_branches` followed by 2 × `count` doubles, for each
 * challenger the equity of its champion side and then its own, both marked at the last prices.
 * Each side starts with the venue's cash; a side's equity moves by the realised and unrealised
 * profit, less commission, of the orders its nodes originated.
 */
#define TRELLIS_CUSTOM_SHADOW_EQUITY 4u
/** A round trip of one side closed (wholly or partly): a `trellis_shadow_trade`. */
#define TRELLIS_CUSTOM_SHADOW_TRADE 5u
/** A tester's verdict on one challenger, with its figures: a `trellis_shadow_verdict`. The host journals it. */
#define TRELLIS_CUSTOM_SHADOW_VERDICT 6u

/* Verdicts (trellis_shadow_verdict.verdict); a tester's signal carries the same words as its label. */
#define TRELLIS_VERDICT_INSUFFICIENT_DATA 0 /**< "insufficient-data": too few returns to judge yet. */
#define TRELLIS_VERDICT_CHALLENGER_BETTER 1 /**< "challenger-better". */
#define TRELLIS_VERDICT_CHAMPION_BETTER 2   /**< "champion-better". */
#define TRELLIS_VERDICT_NO_DIFFERENCE 3     /**< "no-difference": no difference luck could not explain, so far. */

/** The payload header of TRELLIS_CUSTOM_SHADOW_BRANCHES and TRELLIS_CUSTOM_SHADOW_EQUITY. */
typedef struct trellis_shadow_branches {
    uint32_t count; /**< Challengers. */
    uint32_t flags; /**< TRELLIS_SHADOW_FINAL or 0. */
} trellis_shadow_branches;

/** The last equity event of a run: the ledgers after the data ended and positions were settled. */
#define TRELLIS_SHADOW_FINAL 0x0001u

/** The payload of TRELLIS_CUSTOM_SHADOW_TRADE. */
typedef struct trellis_shadow_trade {
    uint32_t challenger;    /**< Index of the challenger, from 0. */
    uint32_t side;          /**< 0: the champion's side; 1: the challenger's. */
    int64_t entry_ns;       /**< When the trade opened; header.ts_ns is when it closed. */
    double quantity;        /**< Positive long, negative short. */
    double entry_price;
    double exit_price;
    double net_profit;      /**< After commission. */
    double return_fraction; /**< Net return on the entry notional. */
} trellis_shadow_trade;

/** The payload of TRELLIS_CUSTOM_SHADOW_VERDICT. Means and differences are of per-period or per-trade returns. */
typedef struct trellis_shadow_verdict {
    uint32_t challenger;       /**< Index of the challenger, from 0. */
    int32_t verdict;           /**< TRELLIS_VERDICT_*. */
    uint32_t champion_count;   /**< Returns judged on each side. */
    uint32_t challenger_count;
    double champion_mean;
    double challenger_mean;
    double difference;         /**< challenger_mean − champion_mean. */
    double effect_size;        /**< Cohen's d: the difference in standard deviations. */
    double p_value;            /**< Always valid under repeated looks (the sequential guard): the verdict uses it. */
    double naive_p_value;      /**< Welch's t-test at this look alone; NaN when not computable. */
    double interval_low;       /**< Bootstrap confidence interval of the difference; NaN when not computed. */
    double interval_high;
    uint32_t judged_by;        /**< 0: per-period returns; 1: per-trade returns. */
    uint32_t period_seconds;   /**< The periods' length in seconds (judged_by 0), e.g. 86400; 0 for trades. */
} trellis_shadow_verdict;

/** Some values of this vector are NaN: their indicators are still warming up. */
#define TRELLIS_FEATURES_INCOMPLETE 0x0001u

/** The payload header of TRELLIS_CUSTOM_FEATURE_VECTOR and TRELLIS_CUSTOM_FEATURE_NAMES. */
typedef struct trellis_feature_vector {
    uint32_t count;      /**< Values (or names) that follow. */
    uint32_t flags;      /**< TRELLIS_FEATURES_*; 0 in a names event. */
    uint64_t names_hash; /**< FNV-1a (64-bit) of the names joined by '\n': the layout's identity. */
    int64_t period_ns;   /**< The bar's length, as in trellis_bar: it opened at header.ts_ns − period_ns; 0 in a names event. */
    /* double values[count] follow (a vector), or count NUL-terminated names (a names event). */
} trellis_feature_vector;

/** The values of a TRELLIS_CUSTOM_FEATURE_VECTOR event. */
#ifdef __cplusplus
#define TRELLIS_FEATURE_VALUES(event) \
    (reinterpret_cast<const double *>(TRELLIS_CUSTOM_PAYLOAD(event) + sizeof(trellis_feature_vector)))
#else
#define TRELLIS_FEATURE_VALUES(event) ((const double *)(TRELLIS_CUSTOM_PAYLOAD(event) + sizeof(trellis_feature_vector)))
#endif

/** The payload bytes of a custom event. */
#ifdef __cplusplus
#define TRELLIS_CUSTOM_PAYLOAD(event) (reinterpret_cast<const uint8_t *>(event) + sizeof(trellis_custom))
#else
#define TRELLIS_CUSTOM_PAYLOAD(event) ((const uint8_t *)(event) + sizeof(trellis_custom))
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Instruments                                                                                     */
/* ---------------------------------------------------------------------------------------------- */

/**
 * An instrument in the host's table. Ids are dense, start at 1 and stay fixed for the run. The
 * caller sets `struct_size`; the host fills the fields that fit. Strings live until the run ends.
 */
typedef struct trellis_instrument {
    uint32_t struct_size;
    uint32_t id;
    trellis_str symbol;    /**< "GOOG", "BTCUSDT". */
    trellis_str venue;     /**< "sim", "binance"; empty when unknown. */
    trellis_str currency;  /**< Quote currency; empty when unknown. */
    double tick_size;      /**< Price increment; 0 when any price is allowed. */
    double lot_size;       /**< Quantity increment; 0 when any quantity is allowed. */
    double min_quantity;   /**< 0 when none. */
    double min_notional;   /**< 0 when none. */
    double multiplier;     /**< Contract size; 1 for cash instruments. */
} trellis_instrument;

/* ---------------------------------------------------------------------------------------------- */
/* The host table: what the host offers a node                                                    */
/* ---------------------------------------------------------------------------------------------- */

/**
 * The host's functions, one table per node instance. `ctx` identifies the node to the host and is
 * passed back as the first argument of every function. The table and `ctx` stay valid until the
 * node's `destroy` returns. Every function of a 1.0 table is non-NULL.
 */
typedef struct trellis_host {
    uint32_t struct_size;
    uint16_t abi_major; /**< The ABI the host speaks to this plugin. */
    uint16_t abi_minor;
    void *ctx;

    /**
     * Sends an event downstream of this node (signals, orders, custom events). The host copies
     * `header.size` bytes and sets `header.source` (and `origin` on new orders); the event is
     * borrowed only for the call. Delivery happens after the current callback returns, in order,
     * so a node is never re-entered. Returns TRELLIS_ERR_STATE outside a callback,
     * TRELLIS_ERR_INVALID for a malformed event, TRELLIS_ERR_DENIED when the node's kind may not
     * send this event type, TRELLIS_ERR_UNSUPPORTED for an order intent it cannot honour in full
     * (see trellis_order). Engine thread only.
     */
    trellis_status (*emit)(void *ctx, const trellis_event_header *event);

    /** Writes a line to the host's log, tagged with the node. `message` is borrowed. Thread-safe. */
    void (*log)(void *ctx, int32_t level, trellis_str message);

    /** The engine's clock in ns since the Unix epoch: simulated time in a backtest. Engine thread only. */
    int64_t (*now_ns)(void *ctx);

    /** Number of instruments; ids run from 1 to this number. Engine thread only. */
    uint32_t (*instrument_count)(void *ctx);

    /**
     * Fills `out` (whose `struct_size` the caller sets) for instrument `id`. Returns
     * TRELLIS_ERR_NOT_FOUND for an unknown id, TRELLIS_ERR_TOO_SMALL when `out->struct_size` is
     * below the 1.0 size. Engine thread only.
     */
    trellis_status (*instrument)(void *ctx, uint32_t id, trellis_instrument *out);

    /** Looks up an instrument id by symbol; `symbol` is borrowed. Not for the event path. Engine thread only. */
    trellis_status (*find_instrument)(void *ctx, trellis_str symbol, uint32_t *out_id);

    /**
     * Returns the host extension named `id` (e.g. TRELLIS_EXT_TIMER), or NULL when the host does not
     * offer it. The returned struct starts with `struct_size`, is owned by the host and lives as
     * long as this table. Ask once, in create or activate, not per event. Engine thread only.
     */
    const void *(*get_extension)(void *ctx, trellis_str id);
} trellis_host;

/* ---------------------------------------------------------------------------------------------- */
/* Parameters                                                                                      */
/* ---------------------------------------------------------------------------------------------- */

/**
 * A node's parameters, already checked against the factory's JSON Schema, with the schema's
 * defaults filled in. Valid only during `create`, on the thread that calls it; copy what you keep.
 * Keys are borrowed for the call. Every accessor returns TRELLIS_ERR_NOT_FOUND for a missing key
 * and TRELLIS_ERR_INVALID for a value of another type (an integer is also a number).
 */
typedef struct trellis_params {
    uint32_t struct_size;
    uint32_t _reserved;
    void *ctx;
    trellis_str json; /**< The whole parameter object as JSON. */
    trellis_status (*get_number)(void *ctx, trellis_str key, double *out);
    trellis_status (*get_integer)(void *ctx, trellis_str key, int64_t *out);
    trellis_status (*get_bool)(void *ctx, trellis_str key, int32_t *out);
    /** The string is borrowed until `create` returns. */
    trellis_status (*get_string)(void *ctx, trellis_str key, trellis_str *out);
} trellis_params;

/* ---------------------------------------------------------------------------------------------- */
/* Nodes: factories and instances                                                                  */
/* ---------------------------------------------------------------------------------------------- */

/** What `create` receives. Borrowed for the duration of the call except `host` (see trellis_host). */
typedef struct trellis_create_args {
    uint32_t struct_size;
    uint32_t node_id;          /**< The node's id in this graph (the `source` of what it emits). */
    const trellis_host *host;  /**< Keep it: valid until `destroy` returns. */
    trellis_str node_name;     /**< The node's name in the graph, e.g. "trend". */
    const trellis_params *params;
    char *error;               /**< On failure, write a NUL-terminated reason here... */
    uint64_t error_capacity;   /**< ...of at most this many bytes, the NUL included. */
    /* 1.2 */
    int32_t run_mode;          /**< TRELLIS_MODE_*: check TRELLIS_HAS_FIELD; absent means a backtest. */
    uint32_t real_money;       /**< 1 only in a live run whose command said --real-money and whose graph
                                    says real_money: true; otherwise a broker uses the venue's testnet
                                    or sandbox. */
} trellis_create_args;

/**
 * The functions of a node instance. `node` is the pointer `create` returned. All run on the engine
 * thread of the node's graph, one at a time, never re-entered. Nodes of different graphs (and so
 * of different threads) may run at the same time: state shared by all instances of a plugin must be
 * thread-safe. `destroy` is required; the others may be NULL when there is nothing to do.
 */
typedef struct trellis_node_methods {
    uint32_t struct_size;
    uint32_t _reserved;

    /** Called once after every node of the graph is created and before the first event. */
    trellis_status (*activate)(void *node);

    /**
     * Delivers one event; `event` is borrowed for the call. Must not block. A negative status is
     * logged and counted; it does not stop the run. May be NULL for a node that needs no events.
     */
    trellis_status (*on_event)(void *node, const trellis_event_header *event);

    /** Called once after the last event; the node may still emit (e.g. to close positions). */
    trellis_status (*deactivate)(void *node);

    /** Frees the node. Called exactly once, also when activate failed. Must not emit. */
    void (*destroy)(void *node);

    /** Returns the node extension named `id`, or NULL. Same lifetime rules as the host's. */
    const void *(*get_extension)(void *node, trellis_str id);
} trellis_node_methods;

/** Describes one node type a plugin provides. Static: lives as long as the library is loaded. */
typedef struct trellis_node_factory {
    uint32_t struct_size;
    int32_t kind;              /**< TRELLIS_KIND_*. */
    trellis_str type;          /**< The name graphs use in `use:`, e.g. "sma-cross". */
    trellis_str version;       /**< Semantic version of this node type, e.g. "1.0.0". */
    trellis_str description;   /**< One human sentence. */
    trellis_str params_schema; /**< JSON Schema (object) of the parameters; see docs for the subset. */

    /**
     * Creates an instance. On success writes the instance pointer to `*out_node` and returns
     * TRELLIS_OK; on failure writes a reason into `args->error` and returns a negative status.
     * Called on the engine thread before the run; may allocate.
     */
    trellis_status (*create)(const struct trellis_node_factory *factory,
                             const trellis_create_args *args, void **out_node);

    const trellis_node_methods *methods; /**< Static; shared by every instance of this type. */
} trellis_node_factory;

/* ---------------------------------------------------------------------------------------------- */
/* The plugin and its entry point                                                                  */
/* ---------------------------------------------------------------------------------------------- */

/**
 * What the host tells the plugin when it loads it. Borrowed for the duration of the entry call. As
 * the entry point is the same for every major version, so is this struct: it only grows.
 */
typedef struct trellis_loader_info {
    uint32_t struct_size;
    uint16_t abi_major_min; /**< The host speaks every major version from abi_major_min... */
    uint16_t abi_major_max; /**< ...to abi_major_max, */
    uint16_t abi_minor;     /**< and, of abi_major_max, minor versions up to this one. */
    uint16_t _reserved0;
    uint32_t _reserved1;
    trellis_str host_name;
    trellis_str host_version;
} trellis_loader_info;

/**
 * The plugin's description. Static: lives as long as the library is loaded. The first 8 bytes
 * (struct_size, abi_major, abi_minor) are frozen for every major version, so a host can always
 * tell which ABI a plugin speaks.
 */
typedef struct trellis_plugin {
    uint32_t struct_size;
    uint16_t abi_major; /**< The ABI this plugin speaks; TRELLIS_ABI_MAJOR when built with this header. */
    uint16_t abi_minor;
    trellis_str id;          /**< Unique plugin id, e.g. "sma-cross-c". */
    trellis_str version;     /**< Semantic version of the library. */
    trellis_str description; /**< One human sentence. */
    uint32_t factory_count;
    uint32_t _reserved;
    /**
     * Returns factory `index` (0 <= index < factory_count); `plugin` is this descriptor. Thread-safe;
     * the result is static.
     */
    const struct trellis_node_factory *(*get_factory)(const struct trellis_plugin *plugin,
                                                      uint32_t index);
} trellis_plugin;

/**
 * The entry point, the only symbol a plugin exports. The host calls it once after loading the
 * library. Negotiation: return your descriptor; the host accepts it when `abi_major` lies in
 * [info->abi_major_min, info->abi_major_max]. Return NULL to decline (for example when the host's
 * minor version lacks something you need). Called on any thread, once per process.
 */
typedef const trellis_plugin *(*trellis_plugin_entry_fn)(const trellis_loader_info *info);

#define TRELLIS_ENTRY_SYMBOL "trellis_plugin_entry"

#if !defined(__swift__)
TRELLIS_EXPORT const trellis_plugin *trellis_plugin_entry(const trellis_loader_info *info);
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Extensions                                                                                      */
/* ---------------------------------------------------------------------------------------------- */
/*
 * Optional capabilities are found by string id through get_extension, on the host table and on
 * node instances. An id ends in its version ("/1"); a released extension struct is frozen except
 * for appended fields, and an incompatible change gets a new id.
 */

/** Host extension: timers in engine time. Fires TRELLIS_EVENT_TIMER to the scheduling node. */
#define TRELLIS_EXT_TIMER "trellis.timer/1"

typedef struct trellis_timer_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    /**
     * Schedules a timer event at `at_ns` (engine time; a time in the past fires at once, after the
     * current event). Re-using a pending `timer_id` moves it. Engine thread only.
     */
    trellis_status (*schedule)(void *host_ctx, int64_t at_ns, uint64_t timer_id);
    /** Cancels a pending timer; TRELLIS_ERR_NOT_FOUND when none. Engine thread only. */
    trellis_status (*cancel)(void *host_ctx, uint64_t timer_id);
} trellis_timer_ext;

/**
 * Host extension for risk nodes: the verdict on an order intent the node received. A risk node
 * holds each intent it receives until it calls one of these, in the same callback or a later one
 * (the order waits meanwhile). It never re-emits the intent: what it emits itself are its own
 * orders. `origin` and `order_id` name the intent as received.
 */
#define TRELLIS_EXT_RISK "trellis.risk/1"

typedef struct trellis_risk_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    /**
     * Passes the intent on to the next risk node or the venue, sized `quantity` read by
     * `size_mode` (pass the intent's own to leave it unchanged; a close-position intent ignores
     * them). TRELLIS_ERR_NOT_FOUND when the node holds no such intent; TRELLIS_ERR_INVALID for a
     * quantity that is not > 0. Engine thread only.
     */
    trellis_status (*approve)(void *host_ctx, uint32_t origin, uint64_t order_id, double quantity, int32_t size_mode);
    /**
     * Refuses the intent: its origin (and the risk nodes before this one) receive a
     * TRELLIS_ORDER_DENIED update with `reason_code`, this node as `reporter`, and `reason`
     * (borrowed). TRELLIS_ERR_NOT_FOUND when the node holds no such intent. Engine thread only.
     */
    trellis_status (*deny)(void *host_ctx, uint32_t origin, uint64_t order_id, int32_t reason_code, trellis_str reason);
    /* 1.1: a risk node acts on what already passed it. Check TRELLIS_HAS_FIELD before calling. */
    /**
     * Closes node `origin`'s position in `instrument` at market, on the origin's behalf: a
     * close-position order with a host-assigned id leaves this node for the rest of the path (the
     * risk nodes after this one and the host's limits judge it as any order), and its updates and
     * fills go to the origin and to the risk nodes on its path. The origin first receives a
     * TRELLIS_ORDER_SUBMITTED update with this node as `reporter`, TRELLIS_REASON_RISK and `reason`
     * (borrowed). TRELLIS_ERR_NOT_FOUND when `origin` does not send its orders through this node
     * or holds no position there. Engine thread only.
     */
    trellis_status (*close_position)(void *host_ctx, uint32_t origin, uint32_t instrument, trellis_str reason);
    /**
     * Cancels an order of `origin` that passed this node and rests at the venue; the cancel
     * update names this node as `reporter`, with TRELLIS_REASON_RISK and `reason` (borrowed).
     * TRELLIS_ERR_NOT_FOUND when no such order rests there. Engine thread only.
     */
    trellis_status (*cancel)(void *host_ctx, uint32_t origin, uint64_t order_id, trellis_str reason);
} trellis_risk_ext;

/**
 * Node extension: how many bars of history the node needs before its output means anything. The
 * host uses it to load history before paper and live runs and shows it in run summaries.
 */
#define TRELLIS_EXT_NODE_WARMUP "trellis.node.warmup/1"

typedef struct trellis_node_warmup_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    /** Bars of warm-up for this instance. Engine thread only. */
    uint32_t (*bars)(void *node);
} trellis_node_warmup_ext;

/* ---------------------------------------------------------------------------------------------- */
/* 1.2: the live runtime                                                                           */
/* ---------------------------------------------------------------------------------------------- */
/*
 * The host offers the extensions below only to plugins that declare ABI minor 2 or later. Their
 * callbacks (HTTP responses, WebSocket and TCP events) run on the engine thread as callbacks of the
 * node that asked, one at a time like on_event: the node may emit from them. They arrive between
 * `activate` and the return of `deactivate`; after that the host closes what the node left open and
 * drops what still arrives. Every network address a node may reach is listed in its graph entry
 * (`network:`); anything else is refused with TRELLIS_ERR_DENIED and logged.
 */

/**
 * Host extension: a way into the engine from any thread, and the wall clock. What a node posts is
 * copied into a queue that the engine thread drains in arrival order and then handled as if the
 * node had emitted it at that moment (the same checks; `header.source` set by the host). A feed
 * posts bars, trades and quotes; a broker also posts order updates, fills, positions and accounts.
 */
#define TRELLIS_EXT_POST "trellis.post/1"

typedef struct trellis_post_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    /**
     * Copies `event` (`header.size` bytes) into the engine's queue. Thread-safe; valid from the
     * start of `activate` until `deactivate` returns, TRELLIS_ERR_STATE outside that time.
     * TRELLIS_ERR_INVALID for a malformed event, TRELLIS_ERR_DENIED when the queue is full (the
     * host counts it: a node that posts faster than the engine drains loses events). Market data
     * posted after a stop was asked for is refused with TRELLIS_ERR_STATE.
     */
    trellis_status (*post)(void *host_ctx, const trellis_event_header *event);
    /** The wall clock (CLOCK_REALTIME) in ns since the Unix epoch. Thread-safe. */
    int64_t (*wall_ns)(void *host_ctx);
} trellis_post_ext;

/**
 * Host extension for brokers and feeds: instruments as the venue describes them. Registering a
 * symbol the host knows updates its metadata (a venue's tick and lot sizes are what orders are
 * rounded to); a new symbol gets the next id. `currency` is the quote currency.
 */
#define TRELLIS_EXT_INSTRUMENTS "trellis.instruments/1"

typedef struct trellis_instruments_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    /**
     * Registers or updates `instrument` by its symbol (`id` is ignored) and writes its id to
     * `*out_id`. Strings are copied. TRELLIS_ERR_INVALID for an empty symbol, one longer than 64
     * bytes, or a size that is negative, NaN, infinite or above 1e12; TRELLIS_ERR_NO_MEMORY when
     * the run holds as many instruments as it may (the graph's live.max_instruments more than its
     * feeds'). Engine thread only.
     */
    trellis_status (*register_instrument)(void *host_ctx, const trellis_instrument *instrument, uint32_t *out_id);
} trellis_instruments_ext;

/**
 * Host extension: named secrets (API keys, tokens) from the environment (`TRELLIS_SECRET_<NAME>`,
 * the name upper-cased, other characters than letters and digits as '_') or the operator's secrets
 * file (`name = value` lines; a file that its group or others may read is refused). A node reads
 * only the secrets its graph entry lists under `secrets:`. Secrets never enter the graph, the
 * journal, the logs or the reports: keep them out of what you log and emit.
 */
#define TRELLIS_EXT_SECRETS "trellis.secrets/1"

typedef struct trellis_secrets_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    /**
     * Copies secret `name` and a terminating NUL into `out` (`capacity` bytes) and writes its
     * length to `*out_len`. TRELLIS_ERR_NOT_FOUND when no source has it, TRELLIS_ERR_DENIED when
     * the graph does not list it for this node or the secrets file is readable by others,
     * TRELLIS_ERR_TOO_SMALL (with `*out_len` set) when `capacity` is too small. Thread-safe.
     */
    trellis_status (*get)(void *host_ctx, trellis_str name, char *out, uint64_t capacity, uint64_t *out_len);
} trellis_secrets_ext;

/* Network outcomes (trellis_http_response.error, trellis_ws_event.error, trellis_tcp_event.error). */
#define TRELLIS_NET_OK 0
#define TRELLIS_NET_TIMEOUT 1   /**< No answer in time: for an order, its status is unknown. */
#define TRELLIS_NET_REFUSED 2   /**< Could not connect (refused, unreachable, DNS, TLS). */
#define TRELLIS_NET_CLOSED 3    /**< The peer closed or reset the connection. */
#define TRELLIS_NET_DENIED 4    /**< The graph does not allow this address for this node. */
#define TRELLIS_NET_CANCELED 5  /**< The run is ending; the host dropped it. */
#define TRELLIS_NET_PROTOCOL 6  /**< The peer broke the protocol (bad HTTP, bad frame). */

/** One HTTP header; both strings borrowed. */
typedef struct trellis_http_header {
    trellis_str name;
    trellis_str value;
} trellis_http_header;

/** An HTTP response, borrowed for the duration of the callback. */
typedef struct trellis_http_response {
    uint32_t struct_size;
    int32_t error;           /**< TRELLIS_NET_*; `status` is 0 unless TRELLIS_NET_OK. */
    int32_t status;          /**< The HTTP status code, e.g. 200, 429. */
    uint32_t _reserved;
    uint64_t request_id;     /**< As returned by `request`. */
    const trellis_http_header *headers; /**< Response headers, names in lower case. */
    uint64_t header_count;
    trellis_str body;
    trellis_str error_text;  /**< What went wrong, for people; empty when TRELLIS_NET_OK. */
    int64_t elapsed_ns;      /**< From sending to the last byte of the answer. */
} trellis_http_response;

/** An HTTP request; borrowed for the call to `request` (the host copies what it needs). */
typedef struct trellis_http_request {
    uint32_t struct_size;
    uint32_t timeout_ms;     /**< Whole request; 0: 10,000 ms. */
    trellis_str method;      /**< "GET", "POST", "DELETE", "PUT". */
    trellis_str url;         /**< http:// or https://, with the query string. */
    const trellis_http_header *headers;
    uint64_t header_count;
    trellis_str body;
    void *user;              /**< Passed back to on_response. */
    /** Called once on the engine thread with the answer or the failure. */
    void (*on_response)(void *user, const trellis_http_response *response);
} trellis_http_request;

/** Host extension: an HTTP/1.1 and HTTP/2 client with connection reuse (libcurl). */
#define TRELLIS_EXT_HTTP "trellis.http/1"

typedef struct trellis_http_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    /**
     * Sends `request` and returns at once with its id in `*out_request_id`; the answer arrives
     * through `on_response`. TRELLIS_ERR_DENIED when the graph does not allow the URL's host and
     * port, TRELLIS_ERR_INVALID for a malformed request. Engine thread only.
     */
    trellis_status (*request)(void *host_ctx, const trellis_http_request *request, uint64_t *out_request_id);
} trellis_http_ext;

/* WebSocket and TCP event kinds (trellis_ws_event.kind, trellis_tcp_event.kind). */
#define TRELLIS_NET_EVENT_OPEN 1    /**< Connected (WebSocket: upgraded) / a peer connected to a listener. */
#define TRELLIS_NET_EVENT_MESSAGE 2 /**< A WebSocket message / bytes from a TCP peer. */
#define TRELLIS_NET_EVENT_CLOSE 3   /**< Closed; `error` and `code` say why. Nothing follows. */
#define TRELLIS_NET_EVENT_LISTENING 4 /**< A TCP listener is bound; `port` is its port. */

/** A WebSocket event, borrowed for the duration of the callback. */
typedef struct trellis_ws_event {
    uint32_t struct_size;
    int32_t kind;            /**< TRELLIS_NET_EVENT_OPEN, _MESSAGE or _CLOSE. */
    uint64_t socket;         /**< As returned by `open`. */
    int32_t binary;          /**< A message: 1 binary, 0 text (UTF-8). */
    int32_t error;           /**< A close: TRELLIS_NET_*. */
    int32_t code;            /**< A close: the close code (1000 normal, 1006 abnormal...). */
    uint32_t _reserved;
    trellis_str data;        /**< A message's payload; a close's reason. */
} trellis_ws_event;

/** What `open` needs; borrowed for the call. */
typedef struct trellis_ws_open {
    uint32_t struct_size;
    uint32_t connect_timeout_ms; /**< 0: 10,000 ms. */
    trellis_str url;             /**< ws:// or wss://. */
    const trellis_http_header *headers; /**< Sent with the upgrade request. */
    uint64_t header_count;
    uint32_t ping_interval_ms;   /**< The host pings this often and closes with TRELLIS_NET_TIMEOUT when no
                                      pong comes back within the next interval; 0: never. The host
                                      always answers the peer's pings. */
    uint32_t _reserved;
    void *user;
    /** Called on the engine thread for each event of the socket; CLOSE is the last. */
    void (*on_event)(void *user, const trellis_ws_event *event);
} trellis_ws_open;

/** Host extension: a WebSocket client (ws and wss) over SwiftNIO. Reconnecting is the node's job. */
#define TRELLIS_EXT_WEBSOCKET "trellis.websocket/1"

typedef struct trellis_websocket_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    /** Connects; OPEN or CLOSE follows. TRELLIS_ERR_DENIED as for HTTP. Engine thread only. */
    trellis_status (*open)(void *host_ctx, const trellis_ws_open *open, uint64_t *out_socket);
    /** Sends one message (copied). TRELLIS_ERR_NOT_FOUND when the socket is not open. Engine thread only. */
    trellis_status (*send)(void *host_ctx, uint64_t socket, int32_t binary, trellis_str data);
    /** Closes with `code` (1000 when 0); CLOSE follows. Engine thread only. */
    trellis_status (*close)(void *host_ctx, uint64_t socket, int32_t code);
} trellis_websocket_ext;

/** A TCP event, borrowed for the duration of the callback. */
typedef struct trellis_tcp_event {
    uint32_t struct_size;
    int32_t kind;            /**< TRELLIS_NET_EVENT_*. */
    uint64_t listener;       /**< As returned by `listen`. */
    uint64_t connection;     /**< The peer's connection; 0 for LISTENING and a listener's CLOSE. */
    int32_t error;           /**< A close: TRELLIS_NET_*. */
    uint32_t port;           /**< LISTENING: the bound port (useful after asking for port 0). */
    trellis_str data;        /**< MESSAGE: bytes as they arrived (no framing); OPEN: the peer's address. */
} trellis_tcp_event;

/** What `listen` needs; borrowed for the call. */
typedef struct trellis_tcp_listen {
    uint32_t struct_size;
    uint32_t port;           /**< 0: any free port (LISTENING says which). */
    trellis_str address;     /**< "127.0.0.1" when empty. */
    void *user;
    /** Called on the engine thread for each event of the listener and its connections. */
    void (*on_event)(void *user, const trellis_tcp_event *event);
} trellis_tcp_listen;

/** Host extension: a TCP listener (for peers that can only connect out, such as MetaTrader's). */
#define TRELLIS_EXT_TCP "trellis.tcp/1"

typedef struct trellis_tcp_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    /** Starts listening; LISTENING or CLOSE follows. TRELLIS_ERR_DENIED unless the graph lists the address under `network.listen`. Engine thread only. */
    trellis_status (*listen)(void *host_ctx, const trellis_tcp_listen *listen, uint64_t *out_listener);
    /** Sends bytes (copied) to a connection. TRELLIS_ERR_NOT_FOUND when it is closed. Engine thread only. */
    trellis_status (*send)(void *host_ctx, uint64_t connection, trellis_str data);
    /** Closes a connection or a listener (and its connections). Engine thread only. */
    trellis_status (*close)(void *host_ctx, uint64_t id);
} trellis_tcp_ext;

/**
 * What the host asks a broker after a restart (`trellis run --resume`); borrowed for the call:
 * copy what is needed. The host trades only after `done`.
 */
typedef struct trellis_reconcile_request {
    uint32_t struct_size;
    uint32_t _reserved;
    /** Orders the journal holds open at this broker: ask the venue for each by client order id. */
    const uint64_t *open_client_order_ids;
    uint64_t open_count;
    void *host_ctx;
    /**
     * Call once, on the engine thread, after the answer was emitted; the request's other
     * pointers are no longer valid then, this one and `host_ctx` are. TRELLIS_OK, or an error
     * with why (e.g. "the venue did not answer"): the host then halts trading, failing closed.
     */
    void (*done)(void *host_ctx, trellis_status status, trellis_str problem);
} trellis_reconcile_request;

/**
 * Node extension for brokers: reconciliation after a restart. A broker answers `reconcile` by
 * asking its venue and emitting, flagged TRELLIS_EVENT_FLAG_RECOVERED and by client order id:
 *  - for each order of the request, its state now (an order update) and every fill it had
 *    (the host drops those it booked before, by venue trade id); an order the venue definitely
 *    does not know is reported TRELLIS_ORDER_REJECTED, so it is never sent again under a new id;
 *  - an order update for every other order open at the venue (the host reports those it
 *    never sent as differences);
 *  - one TRELLIS_EVENT_POSITION (source: the broker; `quantity` net) per instrument the account
 *    holds; an instrument it does not report is taken as flat;
 * then it calls `done`. Engine thread only.
 */
#define TRELLIS_EXT_BROKER "trellis.broker/1"

typedef struct trellis_broker_ext {
    uint32_t struct_size;
    uint32_t _reserved;
    trellis_status (*reconcile)(void *node, const trellis_reconcile_request *request);
} trellis_broker_ext;

/* ---------------------------------------------------------------------------------------------- */
/* Layout checks: these sizes and offsets are the ABI                                              */
/* ---------------------------------------------------------------------------------------------- */

TRELLIS_STATIC_ASSERT(sizeof(trellis_event_header) == 24, "event header");
TRELLIS_STATIC_ASSERT(offsetof(trellis_event_header, ts_ns) == 8, "event header ts_ns");
TRELLIS_STATIC_ASSERT(offsetof(trellis_event_header, instrument) == 16, "event header instrument");
TRELLIS_STATIC_ASSERT(offsetof(trellis_event_header, source) == 20, "event header source");
TRELLIS_STATIC_ASSERT(sizeof(trellis_bar) == 72, "bar");
TRELLIS_STATIC_ASSERT(offsetof(trellis_bar, open) == 32, "bar open");
TRELLIS_STATIC_ASSERT(offsetof(trellis_bar, close) == 56, "bar close");
TRELLIS_STATIC_ASSERT(sizeof(trellis_trade) == 56, "trade");
TRELLIS_STATIC_ASSERT(sizeof(trellis_quote) == 56, "quote");
TRELLIS_STATIC_ASSERT(sizeof(trellis_signal) == 72, "signal");
TRELLIS_STATIC_ASSERT(offsetof(trellis_signal, value) == 56, "signal value");
TRELLIS_STATIC_ASSERT(sizeof(trellis_order) == 96, "order");
TRELLIS_STATIC_ASSERT(offsetof(trellis_order, client_order_id) == 88, "order client_order_id (1.2)");
TRELLIS_STATIC_ASSERT(offsetof(trellis_order, origin) == 32, "order origin");
TRELLIS_STATIC_ASSERT(offsetof(trellis_order, quantity) == 64, "order quantity");
TRELLIS_STATIC_ASSERT(sizeof(trellis_order_update) == 240, "order update");
TRELLIS_STATIC_ASSERT(offsetof(trellis_order_update, client_order_id) == 176, "order update client_order_id (1.2)");
TRELLIS_STATIC_ASSERT(offsetof(trellis_order_update, reason_code) == 72, "order update reason_code");
TRELLIS_STATIC_ASSERT(offsetof(trellis_order_update, reason) == 80, "order update reason");
TRELLIS_STATIC_ASSERT(sizeof(trellis_fill) == 176, "fill");
TRELLIS_STATIC_ASSERT(offsetof(trellis_fill, client_order_id) == 72, "fill client_order_id (1.2)");
TRELLIS_STATIC_ASSERT(offsetof(trellis_fill, price) == 48, "fill price");
TRELLIS_STATIC_ASSERT(sizeof(trellis_position) == 56, "position");
TRELLIS_STATIC_ASSERT(sizeof(trellis_account) == 56, "account");
TRELLIS_STATIC_ASSERT(sizeof(trellis_timer) == 40, "timer");
TRELLIS_STATIC_ASSERT(sizeof(trellis_custom) == 32, "custom");
TRELLIS_STATIC_ASSERT(sizeof(trellis_feature_vector) == 24, "feature vector");
TRELLIS_STATIC_ASSERT(sizeof(trellis_shadow_branches) == 8, "shadow branches");
TRELLIS_STATIC_ASSERT(sizeof(trellis_shadow_trade) == 56, "shadow trade");
TRELLIS_STATIC_ASSERT(sizeof(trellis_shadow_verdict) == 88, "shadow verdict");
TRELLIS_STATIC_ASSERT(sizeof(trellis_instrument) == 96, "instrument");
TRELLIS_STATIC_ASSERT(sizeof(trellis_host) == 72, "host table");
TRELLIS_STATIC_ASSERT(offsetof(trellis_host, emit) == 16, "host emit");
TRELLIS_STATIC_ASSERT(offsetof(trellis_host, get_extension) == 64, "host get_extension");
TRELLIS_STATIC_ASSERT(sizeof(trellis_params) == 64, "params");
TRELLIS_STATIC_ASSERT(sizeof(trellis_create_args) == 64, "create args");
TRELLIS_STATIC_ASSERT(offsetof(trellis_create_args, run_mode) == 56, "create args run_mode (1.2)");
TRELLIS_STATIC_ASSERT(sizeof(trellis_node_methods) == 48, "node methods");
TRELLIS_STATIC_ASSERT(sizeof(trellis_reconcile_request) == 40, "reconcile request");
TRELLIS_STATIC_ASSERT(sizeof(trellis_broker_ext) == 16, "broker extension");
TRELLIS_STATIC_ASSERT(offsetof(trellis_node_methods, on_event) == 16, "node on_event");
TRELLIS_STATIC_ASSERT(sizeof(trellis_node_factory) == 88, "node factory");
TRELLIS_STATIC_ASSERT(offsetof(trellis_node_factory, create) == 72, "factory create");
TRELLIS_STATIC_ASSERT(sizeof(trellis_loader_info) == 48, "loader info");
TRELLIS_STATIC_ASSERT(sizeof(trellis_plugin) == 72, "plugin");
TRELLIS_STATIC_ASSERT(offsetof(trellis_plugin, abi_major) == 4, "plugin abi_major is frozen");
TRELLIS_STATIC_ASSERT(offsetof(trellis_plugin, get_factory) == 64, "plugin get_factory");
TRELLIS_STATIC_ASSERT(sizeof(trellis_timer_ext) == 24, "timer extension");
TRELLIS_STATIC_ASSERT(sizeof(trellis_node_warmup_ext) == 16, "warm-up extension");
TRELLIS_STATIC_ASSERT(sizeof(trellis_risk_ext) == 40, "risk extension");
TRELLIS_STATIC_ASSERT(sizeof(trellis_post_ext) == 24, "post extension");
TRELLIS_STATIC_ASSERT(sizeof(trellis_instruments_ext) == 16, "instruments extension");
TRELLIS_STATIC_ASSERT(sizeof(trellis_secrets_ext) == 16, "secrets extension");
TRELLIS_STATIC_ASSERT(sizeof(trellis_http_response) == 80, "http response");
TRELLIS_STATIC_ASSERT(sizeof(trellis_http_request) == 88, "http request");
TRELLIS_STATIC_ASSERT(sizeof(trellis_http_ext) == 16, "http extension");
TRELLIS_STATIC_ASSERT(sizeof(trellis_ws_event) == 48, "websocket event");
TRELLIS_STATIC_ASSERT(sizeof(trellis_ws_open) == 64, "websocket open");
TRELLIS_STATIC_ASSERT(sizeof(trellis_websocket_ext) == 32, "websocket extension");
TRELLIS_STATIC_ASSERT(sizeof(trellis_tcp_event) == 48, "tcp event");
TRELLIS_STATIC_ASSERT(sizeof(trellis_tcp_listen) == 40, "tcp listen");
TRELLIS_STATIC_ASSERT(sizeof(trellis_tcp_ext) == 32, "tcp extension");

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CTRELLIS_H */
