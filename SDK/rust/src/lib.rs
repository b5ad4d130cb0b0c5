//! Write Trellis plugins in Rust with no crates: implement [`Node`] and call [`export_plugin!`].
//!
//! ```ignore
//! struct Echo { host: trellis_sdk::Host }
//! impl trellis_sdk::Node for Echo {
//!     const TYPE: &'static str = "echo";
//!     const KIND: i32 = trellis_sdk::abi::TRELLIS_KIND_OBSERVER;
//!     const VERSION: &'static str = "1.0.0";
//!     const DESCRIPTION: &'static str = "Logs every bar.";
//!     const PARAMETERS: &'static str = r#"{"type": "object", "additionalProperties": false}"#;
//!     fn create(host: trellis_sdk::Host, _: &trellis_sdk::Params) -> Result<Self, String> { Ok(Echo { host }) }
//!     fn on_event(&mut self, event: trellis_sdk::Event) { if let Some(bar) = event.bar() { self.host.log(&format!("{}", bar.close)) } }
//! }
//! trellis_sdk::export_plugin!(id: "echo-rust", version: "1.0.0", description: "Echo.", nodes: [Echo]);
//! ```
//!
//! Callbacks run on the engine thread, one at a time, never re-entered; a panic in a callback is
//! caught and turned into an error status, so it never crosses into the host.

pub mod abi;

use abi::*;
use core::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The host as one node sees it.
#[derive(Clone, Copy)]
pub struct Host {
    table: *const trellis_host,
}

impl Host {
    /// Sends an event downstream; it is delivered after the current callback returns.
    pub fn emit<E>(&self, event: &E) -> trellis_status {
        unsafe {
            let table = &*self.table;
            table.emit.map_or(TRELLIS_ERR_UNSUPPORTED, |emit| emit(table.ctx, event as *const E as *const trellis_event_header))
        }
    }

    /// Writes an information line to the host's log.
    pub fn log(&self, message: &str) {
        unsafe {
            let table = &*self.table;
            if let Some(log) = table.log {
                log(table.ctx, TRELLIS_LOG_INFO, trellis_str { ptr: message.as_ptr() as *const c_char, len: message.len() as u64 });
            }
        }
    }

    /// The engine's clock in ns since the Unix epoch.
    pub fn now(&self) -> i64 {
        unsafe { (*self.table).now_ns.map_or(0, |now| now((*self.table).ctx)) }
    }

    /// The host extension `id`, or NULL when the host does not offer it.
    pub fn extension(&self, id: &str) -> *const c_void {
        unsafe {
            let table = &*self.table;
            let fits = table.struct_size as usize >= core::mem::offset_of!(trellis_host, get_extension) + core::mem::size_of::<usize>();
            match table.get_extension {
                Some(get) if fits => get(table.ctx, trellis_str { ptr: id.as_ptr() as *const c_char, len: id.len() as u64 }),
                _ => core::ptr::null(),
            }
        }
    }

    /// The host's risk verdicts, or None when it offers none. Ask once, in `create`.
    pub fn risk(&self) -> Option<Risk> {
        let ext = self.extension(TRELLIS_EXT_RISK) as *const trellis_risk_ext;
        (!ext.is_null()).then(|| Risk { ext, ctx: unsafe { (*self.table).ctx } })
    }
}

/// A node's parameters, checked by the host against the node's schema, defaults filled in.
pub struct Params {
    table: *const trellis_params,
}

impl Params {
    fn key(name: &str) -> trellis_str {
        trellis_str { ptr: name.as_ptr() as *const c_char, len: name.len() as u64 }
    }

    pub fn integer(&self, name: &str) -> Result<i64, String> {
        let mut value = 0i64;
        let status = unsafe { ((*self.table).get_integer.unwrap())((*self.table).ctx, Self::key(name), &mut value) };
        if status == TRELLIS_OK { Ok(value) } else { Err(format!("parameter '{name}' is missing or not an integer")) }
    }

    pub fn number(&self, name: &str) -> Result<f64, String> {
        let mut value = 0f64;
        let status = unsafe { ((*self.table).get_number.unwrap())((*self.table).ctx, Self::key(name), &mut value) };
        if status == TRELLIS_OK { Ok(value) } else { Err(format!("parameter '{name}' is missing or not a number")) }
    }

    pub fn boolean(&self, name: &str) -> Result<bool, String> {
        let mut value = 0i32;
        let status = unsafe { ((*self.table).get_bool.unwrap())((*self.table).ctx, Self::key(name), &mut value) };
        if status == TRELLIS_OK { Ok(value != 0) } else { Err(format!("parameter '{name}' is missing or not a boolean")) }
    }

    pub fn string(&self, name: &str) -> Result<String, String> {
        let mut value = trellis_str { ptr: core::ptr::null(), len: 0 };
        let status = unsafe { ((*self.table).get_string.unwrap())((*self.table).ctx, Self::key(name), &mut value) };
        if status != TRELLIS_OK {
            return Err(format!("parameter '{name}' is missing or not a string"));
        }
        Ok(String::from_utf8_lossy(unsafe { str_bytes(value) }).into_owned())
    }
}

/// A borrowed event, valid during the callback that received it.
pub struct Event<'a> {
    header: &'a trellis_event_header,
}

impl<'a> Event<'a> {
    pub fn header(&self) -> &trellis_event_header {
        self.header
    }

    /// The record as `T` when it has type `kind`: a copy, with fields the record is too short to
    /// hold (fields of a later ABI version than its sender's) read as zero.
    fn record<T: Copy + Default>(&self, kind: u16) -> Option<T> {
        if self.header.r#type != kind {
            return None;
        }
        let mut out = T::default();
        let size = (self.header.size as usize).min(core::mem::size_of::<T>());
        unsafe { core::ptr::copy_nonoverlapping(self.header as *const _ as *const u8, &mut out as *mut T as *mut u8, size) };
        Some(out)
    }

    pub fn bar(&self) -> Option<trellis_bar> { self.record(TRELLIS_EVENT_BAR) }
    pub fn trade(&self) -> Option<trellis_trade> { self.record(TRELLIS_EVENT_TRADE) }
    pub fn quote(&self) -> Option<trellis_quote> { self.record(TRELLIS_EVENT_QUOTE) }
    pub fn signal(&self) -> Option<trellis_signal> { self.record(TRELLIS_EVENT_SIGNAL) }
    pub fn order(&self) -> Option<trellis_order> { self.record(TRELLIS_EVENT_ORDER) }
    pub fn order_update(&self) -> Option<trellis_order_update> { self.record(TRELLIS_EVENT_ORDER_UPDATE) }
    pub fn fill(&self) -> Option<trellis_fill> { self.record(TRELLIS_EVENT_FILL) }
    pub fn timer(&self) -> Option<trellis_timer> { self.record(TRELLIS_EVENT_TIMER) }
}

impl trellis_order {
    /// A new good-till-canceled market order for `quantity` units; change fields for others.
    pub fn market(instrument: u32, side: i32, quantity: f64) -> Self {
        let mut order = trellis_order::default();
        order.header.size = core::mem::size_of::<trellis_order>() as u32;
        order.header.r#type = TRELLIS_EVENT_ORDER;
        order.header.instrument = instrument;
        order.side = side;
        order.quantity = quantity;
        order
    }

    /// An order that closes the node's whole position in `instrument`.
    pub fn close_position(instrument: u32, side: i32) -> Self {
        let mut order = Self::market(instrument, side, 0.0);
        order.order_flags = TRELLIS_ORDER_FLAG_CLOSE_POSITION;
        order
    }
}

/// A risk node's verdicts on the order intents it receives (`trellis.risk/1`).
#[derive(Clone, Copy)]
pub struct Risk {
    ext: *const trellis_risk_ext,
    ctx: *mut c_void,
}

impl Risk {
    /// Passes `order` on, sized `quantity` read by `size_mode`.
    pub fn approve(&self, order: &trellis_order, quantity: f64, size_mode: i32) -> trellis_status {
        unsafe { ((*self.ext).approve.unwrap())(self.ctx, order.origin, order.order_id, quantity, size_mode) }
    }

    /// Refuses `order` with a TRELLIS_REASON_* code and a reason for people.
    pub fn deny(&self, order: &trellis_order, code: i32, reason: &str) -> trellis_status {
        let text = trellis_str { ptr: reason.as_ptr() as *const c_char, len: reason.len() as u64 };
        unsafe { ((*self.ext).deny.unwrap())(self.ctx, order.origin, order.order_id, code, text) }
    }

    /// Closes node `origin`'s position in `instrument` at market on its behalf (host 1.1);
    /// TRELLIS_ERR_UNSUPPORTED from an older host.
    pub fn close_position(&self, origin: u32, instrument: u32, reason: &str) -> trellis_status {
        let text = trellis_str { ptr: reason.as_ptr() as *const c_char, len: reason.len() as u64 };
        let offset = core::mem::offset_of!(trellis_risk_ext, close_position);
        match unsafe { self.has(offset).then(|| core::ptr::addr_of!((*self.ext).close_position).read()).flatten() } {
            Some(close) => unsafe { close(self.ctx, origin, instrument, text) },
            None => TRELLIS_ERR_UNSUPPORTED,
        }
    }

    /// Cancels an order of `origin` that passed this node and rests at the venue (host 1.1);
    /// TRELLIS_ERR_UNSUPPORTED from an older host.
    pub fn cancel(&self, origin: u32, order_id: u64, reason: &str) -> trellis_status {
        let text = trellis_str { ptr: reason.as_ptr() as *const c_char, len: reason.len() as u64 };
        let offset = core::mem::offset_of!(trellis_risk_ext, cancel);
        match unsafe { self.has(offset).then(|| core::ptr::addr_of!((*self.ext).cancel).read()).flatten() } {
            Some(cancel) => unsafe { cancel(self.ctx, origin, order_id, text) },
            None => TRELLIS_ERR_UNSUPPORTED,
        }
    }

    /// Whether the host's table reaches the function pointer at `offset`.
    fn has(&self, offset: usize) -> bool {
        unsafe { (*self.ext).struct_size as usize >= offset + core::mem::size_of::<usize>() }
    }
}

/// A node type. Implement it for your node's state and name it in [`export_plugin!`].
pub trait Node: Sized + 'static {
    const TYPE: &'static str;
    const KIND: i32;
    const VERSION: &'static str;
    const DESCRIPTION: &'static str;
    /// JSON Schema of the parameters.
    const PARAMETERS: &'static str;

    fn create(host: Host, params: &Params) -> Result<Self, String>;
    fn on_event(&mut self, event: Event);
    fn activate(&mut self) {}
    fn deactivate(&mut self) {}
    /// Bars of history the node needs; `None` when not applicable.
    fn warmup_bars(&self) -> Option<u32> {
        None
    }
}

/// The factory of node type `N`, for [`export_plugin!`].
pub const fn factory<N: Node>() -> trellis_node_factory {
    trellis_node_factory {
        struct_size: core::mem::size_of::<trellis_node_factory>() as u32,
        kind: N::KIND,
        r#type: static_str(N::TYPE),
        version: static_str(N::VERSION),
        description: static_str(N::DESCRIPTION),
        params_schema: static_str(N::PARAMETERS),
        create: Some(create::<N>),
        methods: &Methods::<N>::TABLE,
    }
}

struct Methods<N>(core::marker::PhantomData<N>);

impl<N: Node> Methods<N> {
    const TABLE: trellis_node_methods = trellis_node_methods {
        struct_size: core::mem::size_of::<trellis_node_methods>() as u32,
        _reserved: 0,
        activate: Some(activate::<N>),
        on_event: Some(on_event::<N>),
        deactivate: Some(deactivate::<N>),
        destroy: Some(destroy::<N>),
        get_extension: Some(get_extension::<N>),
    };
    const WARMUP: trellis_node_warmup_ext = trellis_node_warmup_ext {
        struct_size: core::mem::size_of::<trellis_node_warmup_ext>() as u32,
        _reserved: 0,
        bars: Some(warmup::<N>),
    };
}

/// Runs `body`, turning a panic into TRELLIS_ERR_INTERNAL.
fn guarded(body: impl FnOnce() -> trellis_status) -> trellis_status {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(TRELLIS_ERR_INTERNAL)
}

unsafe extern "C" fn create<N: Node>(_: *const trellis_node_factory, args: *const trellis_create_args, out: *mut *mut c_void) -> trellis_status {
    guarded(|| {
        let args = &*args;
        let params = Params { table: args.params };
        match N::create(Host { table: args.host }, &params) {
            Ok(node) => {
                *out = Box::into_raw(Box::new(node)) as *mut c_void;
                TRELLIS_OK
            }
            Err(message) => {
                if !args.error.is_null() && args.error_capacity > 0 {
                    let length = message.len().min(args.error_capacity as usize - 1);
                    core::ptr::copy_nonoverlapping(message.as_ptr(), args.error as *mut u8, length);
                    *args.error.add(length) = 0;
                }
                TRELLIS_ERR_PLUGIN
            }
        }
    })
}

unsafe extern "C" fn on_event<N: Node>(node: *mut c_void, event: *const trellis_event_header) -> trellis_status {
    guarded(|| {
        (*(node as *mut N)).on_event(Event { header: &*event });
        TRELLIS_OK
    })
}

unsafe extern "C" fn activate<N: Node>(node: *mut c_void) -> trellis_status {
    guarded(|| {
        (*(node as *mut N)).activate();
        TRELLIS_OK
    })
}

unsafe extern "C" fn deactivate<N: Node>(node: *mut c_void) -> trellis_status {
    guarded(|| {
        (*(node as *mut N)).deactivate();
        TRELLIS_OK
    })
}

unsafe extern "C" fn destroy<N: Node>(node: *mut c_void) {
    drop(Box::from_raw(node as *mut N));
}

unsafe extern "C" fn get_extension<N: Node>(node: *mut c_void, id: trellis_str) -> *const c_void {
    let id = str_bytes(id);
    if id == TRELLIS_EXT_NODE_WARMUP.as_bytes() && (*(node as *const N)).warmup_bars().is_some() {
        return &Methods::<N>::WARMUP as *const _ as *const c_void;
    }
    core::ptr::null()
}

unsafe extern "C" fn warmup<N: Node>(node: *mut c_void) -> u32 {
    (*(node as *const N)).warmup_bars().unwrap_or(0)
}

/// Exports the plugin: defines `trellis_plugin_entry`, the library's only exported symbol.
#[macro_export]
macro_rules! export_plugin {
    (id: $id:expr, version: $version:expr, description: $description:expr, nodes: [$($node:ty),+ $(,)?]) => {
        static TRELLIS_FACTORIES: &[$crate::abi::trellis_node_factory] = &[$($crate::factory::<$node>()),+];

        static TRELLIS_PLUGIN: $crate::abi::trellis_plugin = $crate::abi::trellis_plugin {
            struct_size: core::mem::size_of::<$crate::abi::trellis_plugin>() as u32,
            abi_major: $crate::abi::TRELLIS_ABI_MAJOR,
            abi_minor: $crate::abi::TRELLIS_ABI_MINOR,
            id: $crate::abi::static_str($id),
            version: $crate::abi::static_str($version),
            description: $crate::abi::static_str($description),
            factory_count: [$(stringify!($node)),+].len() as u32,
            _reserved: 0,
            get_factory: Some(trellis_get_factory),
        };

        unsafe extern "C" fn trellis_get_factory(_: *const $crate::abi::trellis_plugin, index: u32) -> *const $crate::abi::trellis_node_factory {
            TRELLIS_FACTORIES.get(index as usize).map_or(core::ptr::null(), |factory| factory as *const _)
        }

        #[no_mangle]
        pub extern "C" fn trellis_plugin_entry(_info: *const $crate::abi::trellis_loader_info) -> *const $crate::abi::trellis_plugin {
            &TRELLIS_PLUGIN
        }
    };
}
