//! Buys after `streak` rising closes in a row, sells on the first falling close.

use trellis_sdk::abi::*;
use trellis_sdk::{Event, Host, Node, Params};

struct Streak {
    host: Host,
    needed: i64,
    quantity: f64,
    rising: i64,
    last: f64,
    position: f64,
    pending: bool, // an order is on its way: wait for its outcome
}

impl Streak {
    fn send(&mut self, order: trellis_order) {
        self.pending = self.host.emit(&order) == TRELLIS_OK; // delivered after on_event returns
    }
}

impl Node for Streak {
    const TYPE: &'static str = "streak";
    const KIND: i32 = TRELLIS_KIND_STRATEGY;
    const VERSION: &'static str = "1.0.0";
    const DESCRIPTION: &'static str = "Buys after a run of rising closes, sells on the first falling close.";
    const PARAMETERS: &'static str = r#"{"type": "object", "additionalProperties": false, "properties": {
        "streak": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 3},
        "quantity": {"type": "number", "exclusiveMinimum": 0, "default": 10}}}"#;

    fn create(host: Host, params: &Params) -> Result<Self, String> {
        let (needed, quantity) = (params.integer("streak")?, params.number("quantity")?);
        Ok(Streak { host, needed, quantity, rising: 0, last: 0.0, position: 0.0, pending: false })
    }

    fn on_event(&mut self, event: Event) {
        if let Some(fill) = event.fill() {
            self.position = fill.position; // our position after the fill
        } else if let Some(update) = event.order_update() {
            if update.status != TRELLIS_ORDER_ACCEPTED && update.status != TRELLIS_ORDER_PARTIALLY_FILLED {
                self.pending = false;
            }
        } else if let Some(bar) = event.bar() {
            self.rising = if bar.close > self.last { self.rising + 1 } else { 0 };
            if !self.pending && self.position == 0.0 && self.rising >= self.needed {
                self.send(trellis_order::market(bar.header.instrument, TRELLIS_SIDE_BUY, self.quantity));
            } else if !self.pending && self.position > 0.0 && bar.close < self.last {
                self.send(trellis_order::close_position(bar.header.instrument, TRELLIS_SIDE_SELL));
            }
            self.last = bar.close;
        }
    }
}

trellis_sdk::export_plugin!(id: "streak-rust", version: "1.0.0", description: "My first Trellis plugin.", nodes: [Streak]);
