//! sma-cross in Rust: buys when the fast simple moving average of closes crosses above the slow
//! one and sells when it crosses below; with `short`, reverses into a short position instead of
//! going flat. The same strategy as the Swift (Plugins/SMACross) and C (Plugins/sma-cross-c)
//! plugins; the three must produce identical runs.

use trellis_sdk::abi::*;
use trellis_sdk::{Event, Host, Node, Params};

/// Streaming rolling mean computed exactly as pandas' `Series.rolling(n).mean()`: one Kahan
/// compensation for additions, another for removals.
struct RollingMean {
    window: Vec<f64>,
    next: usize,
    count: usize,
    sum: f64,
    add_compensation: f64,
    remove_compensation: f64,
    negatives: usize,
    same_run: usize,
    previous: f64,
}

impl RollingMean {
    fn new(period: usize) -> Self {
        RollingMean {
            window: vec![0.0; period],
            next: 0,
            count: 0,
            sum: 0.0,
            add_compensation: 0.0,
            remove_compensation: 0.0,
            negatives: 0,
            same_run: 0,
            previous: f64::NAN,
        }
    }

    fn add(&mut self, x: f64) {
        let y = x - self.add_compensation;
        let t = self.sum + y;
        self.add_compensation = t - self.sum - y;
        self.sum = t;
        if x.is_sign_negative() {
            self.negatives += 1;
        }
        self.same_run = if x == self.previous { self.same_run + 1 } else { 1 };
        self.previous = x;
    }

    fn remove(&mut self, x: f64) {
        let y = -x - self.remove_compensation;
        let t = self.sum + y;
        self.remove_compensation = t - self.sum - y;
        self.sum = t;
        if x.is_sign_negative() {
            self.negatives -= 1;
        }
    }

    /// Adds a value; the mean of the last `period` values, or NaN while warming up.
    fn update(&mut self, x: f64) -> f64 {
        let period = self.window.len();
        if self.count == period {
            let old = self.window[self.next];
            self.remove(old);
        } else {
            self.count += 1;
        }
        self.add(x);
        self.window[self.next] = x;
        self.next = if self.next + 1 == period { 0 } else { self.next + 1 };
        if self.count < period {
            return f64::NAN;
        }
        let result = self.sum / period as f64;
        if self.same_run >= period {
            self.previous
        } else if (self.negatives == 0 && result < 0.0) || (self.negatives == period && result > 0.0) {
            0.0
        } else {
            result
        }
    }
}

struct SmaCross {
    host: Host,
    fast: RollingMean,
    slow: RollingMean,
    quantity: f64,
    size_mode: i32,
    go_short: bool,
    previous_fast: f64,
    previous_slow: f64,
    instrument: u32,
    position: f64,
    next_order_id: u64,
}

impl SmaCross {
    fn send(&mut self, side: i32, close: bool) {
        let mut order = if close {
            trellis_order::close_position(self.instrument, side)
        } else {
            let mut order = trellis_order::market(self.instrument, side, self.quantity);
            order.size_mode = self.size_mode;
            order
        };
        order.order_id = self.next_order_id;
        self.next_order_id += 1;
        self.host.emit(&order);
    }

    fn on_bar(&mut self, bar: &trellis_bar) {
        if self.instrument == 0 {
            self.instrument = bar.header.instrument;
        }
        if bar.header.instrument != self.instrument {
            return;
        }
        let fast = self.fast.update(bar.close);
        let slow = self.slow.update(bar.close);
        if self.previous_fast < self.previous_slow && fast > slow {
            if self.position < 0.0 {
                self.send(TRELLIS_SIDE_BUY, true);
            }
            if self.position <= 0.0 {
                self.send(TRELLIS_SIDE_BUY, false);
            }
        } else if self.previous_fast > self.previous_slow && fast < slow {
            if self.position > 0.0 {
                self.send(TRELLIS_SIDE_SELL, true);
            }
            if self.go_short && self.position >= 0.0 {
                self.send(TRELLIS_SIDE_SELL, false);
            }
        }
        self.previous_fast = fast;
        self.previous_slow = slow;
    }
}

impl Node for SmaCross {
    const TYPE: &'static str = "sma-cross";
    const KIND: i32 = TRELLIS_KIND_STRATEGY;
    const VERSION: &'static str = "1.0.0";
    const DESCRIPTION: &'static str = "Moving-average crossover: long when the fast SMA of closes is above the slow one.";
    const PARAMETERS: &'static str = r#"{"type": "object", "additionalProperties": false, "properties": {
        "fast": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 10, "description": "Bars in the fast average."},
        "slow": {"type": "integer", "minimum": 2, "maximum": 100000, "default": 20, "description": "Bars in the slow average."},
        "quantity": {"type": "number", "exclusiveMinimum": 0, "default": 1, "description": "Order size: units, or a fraction of equity with sizing: equity."},
        "sizing": {"enum": ["units", "equity"], "default": "units", "description": "How quantity is read."},
        "short": {"type": "boolean", "default": false, "description": "Reverse into a short position on a down-cross instead of going flat."}}}"#;

    fn create(host: Host, params: &Params) -> Result<Self, String> {
        let fast = params.integer("fast")?;
        let slow = params.integer("slow")?;
        if !(1..=100_000).contains(&fast) || !(2..=100_000).contains(&slow) {
            return Err(format!("fast ({fast}) and slow ({slow}) must lie in 1..100000"));
        }
        if fast >= slow {
            return Err(format!("fast ({fast}) must be shorter than slow ({slow})"));
        }
        Ok(SmaCross {
            host,
            fast: RollingMean::new(fast as usize),
            slow: RollingMean::new(slow as usize),
            quantity: params.number("quantity")?,
            size_mode: if params.string("sizing")? == "equity" { TRELLIS_SIZE_EQUITY } else { TRELLIS_SIZE_UNITS },
            go_short: params.boolean("short")?,
            previous_fast: f64::NAN,
            previous_slow: f64::NAN,
            instrument: 0,
            position: 0.0,
            next_order_id: 1,
        })
    }

    fn on_event(&mut self, event: Event) {
        if let Some(bar) = event.bar() {
            self.on_bar(&bar);
        } else if let Some(fill) = event.fill() {
            if fill.header.instrument == self.instrument {
                self.position = fill.position;
            }
        }
    }

    fn warmup_bars(&self) -> Option<u32> {
        Some(self.slow.window.len() as u32 + 1)
    }
}

trellis_sdk::export_plugin!(id: "sma-cross-rust", version: "1.0.0", description: "SMA crossover strategy, in Rust.", nodes: [SmaCross]);
