//! The C ABI of `SDK/CTrellis/include/CTrellis.h`, version 1.0, mirrored field for field.
//! The layout checks at the bottom fail the build if a struct drifts from the header.
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_void};
use core::mem::{offset_of, size_of};

pub const TRELLIS_ABI_MAJOR: u16 = 1;
pub const TRELLIS_ABI_MINOR: u16 = 1;

pub type trellis_status = i32;
pub const TRELLIS_OK: i32 = 0;
pub const TRELLIS_ERR_INVALID: i32 = -1;
pub const TRELLIS_ERR_UNSUPPORTED: i32 = -2;
pub const TRELLIS_ERR_NOT_FOUND: i32 = -3;
pub const TRELLIS_ERR_TOO_SMALL: i32 = -4;
pub const TRELLIS_ERR_STATE: i32 = -5;
pub const TRELLIS_ERR_DENIED: i32 = -6;
pub const TRELLIS_ERR_NO_MEMORY: i32 = -7;
pub const TRELLIS_ERR_INTERNAL: i32 = -8;
pub const TRELLIS_ERR_PLUGIN: i32 = -100;

pub const TRELLIS_KIND_FEED: i32 = 1;
pub const TRELLIS_KIND_MODEL: i32 = 2;
pub const TRELLIS_KIND_STRATEGY: i32 = 3;
pub const TRELLIS_KIND_RISK: i32 = 4;
pub const TRELLIS_KIND_BROKER: i32 = 5;
pub const TRELLIS_KIND_OBSERVER: i32 = 6;

pub const TRELLIS_EVENT_BAR: u16 = 1;
pub const TRELLIS_EVENT_TRADE: u16 = 2;
pub const TRELLIS_EVENT_QUOTE: u16 = 3;
pub const TRELLIS_EVENT_SIGNAL: u16 = 4;
pub const TRELLIS_EVENT_ORDER: u16 = 5;
pub const TRELLIS_EVENT_ORDER_UPDATE: u16 = 6;
pub const TRELLIS_EVENT_FILL: u16 = 7;
pub const TRELLIS_EVENT_POSITION: u16 = 8;
pub const TRELLIS_EVENT_ACCOUNT: u16 = 9;
pub const TRELLIS_EVENT_TIMER: u16 = 10;
pub const TRELLIS_EVENT_CUSTOM: u16 = 11;

pub const TRELLIS_SIDE_BUY: i32 = 1;
pub const TRELLIS_SIDE_SELL: i32 = -1;
pub const TRELLIS_ACTION_NEW: i32 = 0;
pub const TRELLIS_ACTION_CANCEL: i32 = 1;
pub const TRELLIS_ORDER_MARKET: i32 = 0;
pub const TRELLIS_ORDER_LIMIT: i32 = 1;
pub const TRELLIS_ORDER_STOP: i32 = 2;
pub const TRELLIS_ORDER_STOP_LIMIT: i32 = 3;
pub const TRELLIS_SIZE_UNITS: i32 = 0;
pub const TRELLIS_SIZE_EQUITY: i32 = 1;
pub const TRELLIS_SIZE_NOTIONAL: i32 = 2;
pub const TRELLIS_ORDER_FLAG_REDUCE_ONLY: u32 = 1;
pub const TRELLIS_ORDER_FLAG_CLOSE_POSITION: u32 = 2;

pub const TRELLIS_TIF_GTC: i32 = 0;
pub const TRELLIS_TIF_IOC: i32 = 1;
pub const TRELLIS_TIF_FOK: i32 = 2;
pub const TRELLIS_TIF_DAY: i32 = 3;

pub const TRELLIS_ORDER_SUBMITTED: i32 = 1;
pub const TRELLIS_ORDER_ACCEPTED: i32 = 2;
pub const TRELLIS_ORDER_PARTIALLY_FILLED: i32 = 3;
pub const TRELLIS_ORDER_FILLED: i32 = 4;
pub const TRELLIS_ORDER_CANCELED: i32 = 5;
pub const TRELLIS_ORDER_REJECTED: i32 = 6;
pub const TRELLIS_ORDER_EXPIRED: i32 = 7;
pub const TRELLIS_ORDER_DENIED: i32 = 8;

pub const TRELLIS_REASON_NONE: i32 = 0;
pub const TRELLIS_REASON_INVALID: i32 = 1;
pub const TRELLIS_REASON_UNSUPPORTED: i32 = 2;
pub const TRELLIS_REASON_INSUFFICIENT_FUNDS: i32 = 3;
pub const TRELLIS_REASON_ZERO_SIZE: i32 = 4;
pub const TRELLIS_REASON_NO_POSITION: i32 = 5;
pub const TRELLIS_REASON_DUPLICATE_ID: i32 = 6;
pub const TRELLIS_REASON_RISK: i32 = 7;
pub const TRELLIS_REASON_LIMIT: i32 = 8;
pub const TRELLIS_REASON_CANCELED: i32 = 9;
pub const TRELLIS_REASON_DATA_ENDED: i32 = 10;
pub const TRELLIS_REASON_EXPIRED: i32 = 11;
pub const TRELLIS_REASON_VENUE: i32 = 12;

pub const TRELLIS_LOG_TRACE: i32 = 0;
pub const TRELLIS_LOG_DEBUG: i32 = 1;
pub const TRELLIS_LOG_INFO: i32 = 2;
pub const TRELLIS_LOG_WARNING: i32 = 3;
pub const TRELLIS_LOG_ERROR: i32 = 4;

pub const TRELLIS_LABEL_MAX: usize = 31;
pub const TRELLIS_REASON_MAX: usize = 95;
pub const TRELLIS_EVENT_MAX_SIZE: u32 = 65536;

pub const TRELLIS_EXT_TIMER: &str = "trellis.timer/1";
pub const TRELLIS_EXT_RISK: &str = "trellis.risk/1";
pub const TRELLIS_EXT_NODE_WARMUP: &str = "trellis.node.warmup/1";

#[repr(C)]
#[derive(Clone, Copy)]
pub struct trellis_str {
    pub ptr: *const c_char,
    pub len: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_event_header {
    pub size: u32,
    pub r#type: u16,
    pub flags: u16,
    pub ts_ns: i64,
    pub instrument: u32,
    pub source: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_bar {
    pub header: trellis_event_header,
    pub period_ns: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_trade {
    pub header: trellis_event_header,
    pub price: f64,
    pub quantity: f64,
    pub aggressor: i32,
    pub _reserved: u32,
    pub trade_id: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_quote {
    pub header: trellis_event_header,
    pub bid: f64,
    pub ask: f64,
    pub bid_size: f64,
    pub ask_size: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_signal {
    pub header: trellis_event_header,
    pub label: [u8; TRELLIS_LABEL_MAX + 1],
    pub value: f64,
    pub confidence: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_order {
    pub header: trellis_event_header,
    pub order_id: u64,
    pub origin: u32,
    pub action: i32,
    pub side: i32,
    pub order_type: i32,
    pub time_in_force: i32,
    pub size_mode: i32,
    pub order_flags: u32,
    pub _reserved: u32,
    pub quantity: f64,
    pub limit_price: f64,
    pub stop_price: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_fill {
    pub header: trellis_event_header,
    pub order_id: u64,
    pub origin: u32,
    pub side: i32,
    pub quantity: f64,
    pub price: f64,
    pub commission: f64,
    pub position: f64,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct trellis_order_update {
    pub header: trellis_event_header,
    pub order_id: u64,
    pub origin: u32,
    pub status: i32,
    pub side: i32,
    pub reporter: u32,
    pub quantity: f64,
    pub filled_quantity: f64,
    pub average_price: f64,
    pub reason_code: i32,
    pub venue_code: i32,
    pub reason: [u8; TRELLIS_REASON_MAX + 1],
}

impl Default for trellis_order_update {
    fn default() -> Self {
        // All fields are plain numbers and bytes: all-zero is a valid value.
        unsafe { core::mem::zeroed() }
    }
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_position {
    pub header: trellis_event_header,
    pub quantity: f64,
    pub average_price: f64,
    pub realized_pnl: f64,
    pub unrealized_pnl: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_account {
    pub header: trellis_event_header,
    pub cash: f64,
    pub equity: f64,
    pub realized_pnl: f64,
    pub commission: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_timer {
    pub header: trellis_event_header,
    pub timer_id: u64,
    pub scheduled_ns: i64,
}

/// A custom event; `length` payload bytes follow it.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_custom {
    pub header: trellis_event_header,
    pub custom_type: u32,
    pub length: u32,
}

/// Custom type of a feature vector: a `trellis_feature_vector`, then `count` f64 values.
pub const TRELLIS_CUSTOM_FEATURE_VECTOR: u32 = 1;
/// Custom type of the names of a node's vectors: a `trellis_feature_vector`, then `count`
/// NUL-terminated UTF-8 names; sent once before the first vector.
pub const TRELLIS_CUSTOM_FEATURE_NAMES: u32 = 2;
/// Some values of this vector are NaN (still warming up).
pub const TRELLIS_FEATURES_INCOMPLETE: u32 = 0x0001;

/// The payload header of feature vectors and their names.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct trellis_feature_vector {
    pub count: u32,
    pub flags: u32,
    /// FNV-1a (64-bit) of the names joined by '\n'.
    pub names_hash: u64,
    /// The bar's length: it opened at `header.ts_ns - period_ns`.
    pub period_ns: i64,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct trellis_instrument {
    pub struct_size: u32,
    pub id: u32,
    pub symbol: trellis_str,
    pub venue: trellis_str,
    pub currency: trellis_str,
    pub tick_size: f64,
    pub lot_size: f64,
    pub min_quantity: f64,
    pub min_notional: f64,
    pub multiplier: f64,
}

#[repr(C)]
pub struct trellis_host {
    pub struct_size: u32,
    pub abi_major: u16,
    pub abi_minor: u16,
    pub ctx: *mut c_void,
    pub emit: Option<unsafe extern "C" fn(*mut c_void, *const trellis_event_header) -> trellis_status>,
    pub log: Option<unsafe extern "C" fn(*mut c_void, i32, trellis_str)>,
    pub now_ns: Option<unsafe extern "C" fn(*mut c_void) -> i64>,
    pub instrument_count: Option<unsafe extern "C" fn(*mut c_void) -> u32>,
    pub instrument: Option<unsafe extern "C" fn(*mut c_void, u32, *mut trellis_instrument) -> trellis_status>,
    pub find_instrument: Option<unsafe extern "C" fn(*mut c_void, trellis_str, *mut u32) -> trellis_status>,
    pub get_extension: Option<unsafe extern "C" fn(*mut c_void, trellis_str) -> *const c_void>,
}

#[repr(C)]
pub struct trellis_params {
    pub struct_size: u32,
    pub _reserved: u32,
    pub ctx: *mut c_void,
    pub json: trellis_str,
    pub get_number: Option<unsafe extern "C" fn(*mut c_void, trellis_str, *mut f64) -> trellis_status>,
    pub get_integer: Option<unsafe extern "C" fn(*mut c_void, trellis_str, *mut i64) -> trellis_status>,
    pub get_bool: Option<unsafe extern "C" fn(*mut c_void, trellis_str, *mut i32) -> trellis_status>,
    pub get_string: Option<unsafe extern "C" fn(*mut c_void, trellis_str, *mut trellis_str) -> trellis_status>,
}

#[repr(C)]
pub struct trellis_create_args {
    pub struct_size: u32,
    pub node_id: u32,
    pub host: *const trellis_host,
    pub node_name: trellis_str,
    pub params: *const trellis_params,
    pub error: *mut c_char,
    pub error_capacity: u64,
}

#[repr(C)]
pub struct trellis_node_methods {
    pub struct_size: u32,
    pub _reserved: u32,
    pub activate: Option<unsafe extern "C" fn(*mut c_void) -> trellis_status>,
    pub on_event: Option<unsafe extern "C" fn(*mut c_void, *const trellis_event_header) -> trellis_status>,
    pub deactivate: Option<unsafe extern "C" fn(*mut c_void) -> trellis_status>,
    pub destroy: Option<unsafe extern "C" fn(*mut c_void)>,
    pub get_extension: Option<unsafe extern "C" fn(*mut c_void, trellis_str) -> *const c_void>,
}

#[repr(C)]
pub struct trellis_node_factory {
    pub struct_size: u32,
    pub kind: i32,
    pub r#type: trellis_str,
    pub version: trellis_str,
    pub description: trellis_str,
    pub params_schema: trellis_str,
    pub create: Option<unsafe extern "C" fn(*const trellis_node_factory, *const trellis_create_args, *mut *mut c_void) -> trellis_status>,
    pub methods: *const trellis_node_methods,
}

#[repr(C)]
pub struct trellis_loader_info {
    pub struct_size: u32,
    pub abi_major_min: u16,
    pub abi_major_max: u16,
    pub abi_minor: u16,
    pub _reserved0: u16,
    pub _reserved1: u32,
    pub host_name: trellis_str,
    pub host_version: trellis_str,
}

#[repr(C)]
pub struct trellis_plugin {
    pub struct_size: u32,
    pub abi_major: u16,
    pub abi_minor: u16,
    pub id: trellis_str,
    pub version: trellis_str,
    pub description: trellis_str,
    pub factory_count: u32,
    pub _reserved: u32,
    pub get_factory: Option<unsafe extern "C" fn(*const trellis_plugin, u32) -> *const trellis_node_factory>,
}

#[repr(C)]
pub struct trellis_timer_ext {
    pub struct_size: u32,
    pub _reserved: u32,
    pub schedule: Option<unsafe extern "C" fn(*mut c_void, i64, u64) -> trellis_status>,
    pub cancel: Option<unsafe extern "C" fn(*mut c_void, u64) -> trellis_status>,
}

#[repr(C)]
pub struct trellis_risk_ext {
    pub struct_size: u32,
    pub _reserved: u32,
    pub approve: Option<unsafe extern "C" fn(*mut c_void, u32, u64, f64, i32) -> trellis_status>,
    pub deny: Option<unsafe extern "C" fn(*mut c_void, u32, u64, i32, trellis_str) -> trellis_status>,
    // 1.1
    pub close_position: Option<unsafe extern "C" fn(*mut c_void, u32, u32, trellis_str) -> trellis_status>,
    pub cancel: Option<unsafe extern "C" fn(*mut c_void, u32, u64, trellis_str) -> trellis_status>,
}

#[repr(C)]
pub struct trellis_node_warmup_ext {
    pub struct_size: u32,
    pub _reserved: u32,
    pub bars: Option<unsafe extern "C" fn(*mut c_void) -> u32>,
}

// Descriptors are immutable static data shared by every thread.
unsafe impl Sync for trellis_str {}
unsafe impl Sync for trellis_plugin {}
unsafe impl Sync for trellis_node_factory {}
unsafe impl Sync for trellis_node_methods {}
unsafe impl Sync for trellis_node_warmup_ext {}

// The layout is the ABI: these match every _Static_assert of CTrellis.h.
const _: () = {
    assert!(size_of::<trellis_event_header>() == 24);
    assert!(offset_of!(trellis_event_header, ts_ns) == 8);
    assert!(offset_of!(trellis_event_header, instrument) == 16);
    assert!(offset_of!(trellis_event_header, source) == 20);
    assert!(size_of::<trellis_bar>() == 72);
    assert!(offset_of!(trellis_bar, open) == 32);
    assert!(offset_of!(trellis_bar, close) == 56);
    assert!(size_of::<trellis_trade>() == 56);
    assert!(size_of::<trellis_quote>() == 56);
    assert!(size_of::<trellis_signal>() == 72);
    assert!(offset_of!(trellis_signal, value) == 56);
    assert!(size_of::<trellis_order>() == 88);
    assert!(offset_of!(trellis_order, origin) == 32);
    assert!(offset_of!(trellis_order, quantity) == 64);
    assert!(size_of::<trellis_order_update>() == 176);
    assert!(offset_of!(trellis_order_update, reason_code) == 72);
    assert!(offset_of!(trellis_order_update, reason) == 80);
    assert!(size_of::<trellis_fill>() == 72);
    assert!(offset_of!(trellis_fill, price) == 48);
    assert!(size_of::<trellis_position>() == 56);
    assert!(size_of::<trellis_account>() == 56);
    assert!(size_of::<trellis_timer>() == 40);
    assert!(size_of::<trellis_custom>() == 32);
    assert!(size_of::<trellis_feature_vector>() == 24);
    assert!(size_of::<trellis_instrument>() == 96);
    assert!(size_of::<trellis_host>() == 72);
    assert!(offset_of!(trellis_host, emit) == 16);
    assert!(offset_of!(trellis_host, get_extension) == 64);
    assert!(size_of::<trellis_params>() == 64);
    assert!(size_of::<trellis_create_args>() == 56);
    assert!(size_of::<trellis_node_methods>() == 48);
    assert!(offset_of!(trellis_node_methods, on_event) == 16);
    assert!(size_of::<trellis_node_factory>() == 88);
    assert!(offset_of!(trellis_node_factory, create) == 72);
    assert!(size_of::<trellis_loader_info>() == 48);
    assert!(size_of::<trellis_plugin>() == 72);
    assert!(offset_of!(trellis_plugin, abi_major) == 4);
    assert!(offset_of!(trellis_plugin, get_factory) == 64);
    assert!(size_of::<trellis_timer_ext>() == 24);
    assert!(size_of::<trellis_node_warmup_ext>() == 16);
    assert!(size_of::<trellis_risk_ext>() == 40);
};

/// The bytes of a borrowed `trellis_str`; `ptr` may be NULL when `len` is 0.
///
/// # Safety
/// `text` must point at `len` readable bytes for the lifetime `'a`.
pub unsafe fn str_bytes<'a>(text: trellis_str) -> &'a [u8] {
    if text.ptr.is_null() || text.len == 0 {
        &[]
    } else {
        core::slice::from_raw_parts(text.ptr as *const u8, text.len as usize)
    }
}

/// A `trellis_str` for a static string, usable in constants.
pub const fn static_str(text: &'static str) -> trellis_str {
    trellis_str { ptr: text.as_ptr() as *const c_char, len: text.len() as u64 }
}
