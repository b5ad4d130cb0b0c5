import Foundation
import TrellisSDK

/// A grid: resting buy limits below the price and sell limits above it, one per level; when one
/// fills, the opposite order goes one level further (a buy at level k is taken profit on by a
/// sell at k + 1, and the other way round). Reverse safety: when the price leaves the grid by
/// `breakout_atr` ATRs, or the regime (a signal input) turns to one of `stand_aside_on`, every
/// resting grid order is cancelled and the inventory flattened (or hedged); the grid re-arms
/// around the price after `cooldown` bars, once the regime is `rearm_on` again.
struct GridStrategy: Node {
    static let descriptor = NodeDescriptor(
        type: "grid", kind: .strategy, version: "1.0.0", description: "Grid of resting limit orders with reverse safety (docs/regime-and-grid.md).",
        parameters: gridParameters)

    /// A resting grid order.
    struct Slot {
        var id: UInt64
        var side: Side
        var quantity: Double
        var filled = 0.0
    }

    let context: NodeContext
    let settings: GridSettings
    var atr: AverageTrueRange
    var instrument: UInt32?
    var grid: GridLevels?
    var slots: [Slot?] = []
    /// Counter orders waiting for their level to free, by level.
    var waiting: [Int: (Side, Double)] = [:]
    var position = 0.0
    var nextOrderID: UInt64 = 1
    /// Bars to wait before arming again, and when the grid last stood aside.
    var cooldown = 0
    var asideAt = Int64.min
    /// The latest regime label from a signal input; nil when there is none.
    var regime: String?
    var warnedEmpty = false
    /// The instrument's price increment (0: any price).
    var tick = 0.0

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        settings = try GridSettings(parameters)
        atr = AverageTrueRange(period: settings.atrPeriod)
    }

    var warmupBars: Int? { settings.spacingInATR || settings.breakoutATR > 0 ? settings.atrPeriod + 1 : 1 }

    mutating func onBar(_ bar: Bar) {
        if instrument == nil {
            instrument = bar.header.instrument
            tick = context.instrument(bar.header.instrument)?.tick_size ?? 0
        }
        guard bar.header.instrument == instrument else { return }
        let range = atr.update(bar)
        guard let grid else {
            if cooldown > 0 {
                // The bar the grid stood aside on is not one of the bars it waits.
                if bar.header.ts_ns > asideAt { cooldown -= 1 }
                return
            }
            if regime == nil || regime == settings.rearmOn { arm(at: bar.close, atr: range) }
            return
        }
        if let range, settings.breakoutATR > 0,
            bar.close > grid.top + settings.breakoutATR * range || bar.close < grid.bottom - settings.breakoutATR * range
        {
            standAside(
                "the close \(Self.text(bar.close)) left the grid \(Self.text(grid.bottom))…\(Self.text(grid.top)) by more than \(Self.text(settings.breakoutATR)) ATR"
            )
            return
        }
        let drift = settings.recenterLevels
        if drift > 0, position == 0, bar.close >= grid.price(grid.levels + drift) || bar.close <= grid.price(grid.levels - drift) {
            cancelAll()
            arm(at: bar.close, atr: range)
        }
    }

    /// A regime label for this instrument: one to stand aside on, or the one to re-arm on;
    /// other signals are not the grid's business.
    mutating func onSignal(_ signal: Signal) {
        guard instrument == nil || signal.header.instrument == instrument else { return }
        let label = signal.labelText
        guard settings.standAsideOn.contains(label) || label == settings.rearmOn else { return }
        regime = label
        if grid != nil, settings.standAsideOn.contains(label) { standAside("the regime turned \(label)") }
    }

    mutating func onFill(_ fill: Fill) {
        guard fill.header.instrument == instrument else { return }
        position = fill.position
        if let index = slotIndex(of: fill.order_id) { slots[index]!.filled += fill.quantity }
    }

    /// A grid order that ended frees its level: a filled one sends its counter order one level
    /// further (for what it filled: the venue may round to lots), and a counter order waiting for
    /// the level goes in.
    mutating func onOrderUpdate(_ update: OrderUpdate) {
        let ended = [TRELLIS_ORDER_FILLED, TRELLIS_ORDER_CANCELED, TRELLIS_ORDER_REJECTED, TRELLIS_ORDER_EXPIRED, TRELLIS_ORDER_DENIED]
        guard ended.contains(update.status), let index = slotIndex(of: update.order_id), let slot = slots[index] else { return }
        slots[index] = nil
        guard grid != nil else { return }
        if update.status == TRELLIS_ORDER_FILLED, update.filled_quantity > 0 {
            let next = slot.side == .buy ? index + 1 : index - 1
            if slots.indices.contains(next) {
                if slots[next] == nil {
                    place(slot.side.opposite, at: next, quantity: update.filled_quantity)
                } else if let held = waiting[next], held.0 == slot.side.opposite {
                    waiting[next] = (held.0, held.1 + update.filled_quantity)
                } else {
                    waiting[next] = (slot.side.opposite, update.filled_quantity)
                }
            }
        }
        if let (side, quantity) = waiting.removeValue(forKey: index) { place(side, at: index, quantity: quantity) }
    }

    private func slotIndex(of orderID: UInt64) -> Int? { slots.firstIndex { $0?.id == orderID } }

    /// Lays the grid around `price`: buys on the levels below it, sells on those above, within
    /// the inventory limit.
    private mutating func arm(at price: Double, atr: Double?) {
        let spacing: Double
        if settings.spacingInATR {
            guard let atr, atr > 0 else { return }
            spacing = settings.geometric ? settings.spacing * atr / price : settings.spacing * atr
        } else {
            spacing = settings.geometric ? settings.spacing / 100 : settings.spacing
        }
        let grid = GridLevels(center: price, levels: settings.levels, step: spacing, geometric: settings.geometric)
        self.grid = grid
        slots = Array(repeating: nil, count: grid.count)
        for offset in 1...settings.levels {
            place(.buy, at: grid.levels - offset, quantity: settings.quantity)
            place(.sell, at: grid.levels + offset, quantity: settings.quantity)
        }
        if slots.allSatisfy({ $0 == nil }), !warnedEmpty {
            warnedEmpty = true
            context.log(
                .warning,
                "no level fits: quantity \(Self.text(settings.quantity)) with a position of \(Self.text(position)) exceeds max_inventory \(Self.text(settings.maxInventory))"
            )
        }
        context.log(.debug, "grid armed around \(Self.text(price)): \(settings.levels) levels each side, \(Self.text(grid.bottom))…\(Self.text(grid.top))")
    }

    /// Places a limit order at level `index` unless it could take the inventory past the limit.
    private mutating func place(_ side: Side, at index: Int, quantity: Double) {
        guard let grid, let instrument else { return }
        let resting = slots.reduce(0.0) { total, slot in
            guard let slot, slot.side == side else { return total }
            return total + slot.quantity - slot.filled
        }
        let exposure = side == .buy ? position + resting + quantity : -position + resting + quantity
        guard exposure <= settings.maxInventory + 1e-12 else { return }
        // On the instrument's tick: a buy rounds down, a sell up, so neither pays more than its level.
        var price = grid.price(index)
        if tick > 0 { price = (side == .buy ? (price / tick + 1e-9).rounded(.down) : (price / tick - 1e-9).rounded(.up)) * tick }
        let id = takeOrderID()
        slots[index] = Slot(id: id, side: side, quantity: quantity)
        context.emit(Order(instrument: instrument, side: side, quantity: quantity, orderID: id, type: TRELLIS_ORDER_LIMIT, limitPrice: price))
    }

    private mutating func cancelAll() {
        guard let instrument else { return }
        for slot in slots.compactMap({ $0 }) { context.emit(Order.cancel(instrument: instrument, orderID: slot.id)) }
        slots = Array(repeating: nil, count: slots.count)
        waiting = [:]
    }

    /// Reverse safety: cancel every grid order, flatten or hedge, and wait.
    private mutating func standAside(_ reason: String) {
        guard let instrument else { return }
        cancelAll()
        grid = nil
        cooldown = settings.cooldown
        asideAt = context.now
        var exit = "no position to close"
        if position != 0 {
            exit = settings.hedge ? "hedging \(Self.text(position)) at market" : "closing \(Self.text(position)) at market"
            let side: Side = position > 0 ? .sell : .buy
            if settings.hedge {
                context.emit(Order(instrument: instrument, side: side, quantity: abs(position), orderID: takeOrderID()))
            } else {
                context.emit(Order.closePosition(instrument: instrument, side: side, orderID: takeOrderID()))
            }
        }
        context.log(.info, "grid stands aside: \(reason); orders cancelled, \(exit)")
    }

    /// A price or quantity for the log, to six significant digits.
    static func text(_ value: Double) -> String { String(format: "%.6g", value) }

    private mutating func takeOrderID() -> UInt64 {
        defer { nextOrderID += 1 }
        return nextOrderID
    }
}

extension Side {
    var opposite: Side { self == .buy ? .sell : .buy }
}
