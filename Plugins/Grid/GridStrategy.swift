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
    /// Bars to wait before arming again.
    var cooldown = 0
    /// The latest regime label from a signal input; nil when there is none.
    var regime: String?
    var lastClose = 0.0

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        settings = try GridSettings(parameters)
        atr = AverageTrueRange(period: settings.atrPeriod)
    }

    var warmupBars: Int? { settings.spacingInATR || settings.breakoutATR > 0 ? settings.atrPeriod + 1 : 1 }

    mutating func onBar(_ bar: Bar) {
        if instrument == nil { instrument = bar.header.instrument }
        guard bar.header.instrument == instrument else { return }
        let range = atr.update(bar)
        lastClose = bar.close
        guard let grid else {
            if cooldown > 0 { cooldown -= 1 }
            if cooldown == 0, regime == nil || regime == settings.rearmOn { arm(at: bar.close, atr: range) }
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
        if settings.recenterLevels > 0, position == 0,
            abs(bar.close - grid.center) >= Double(settings.recenterLevels) * grid.step * (grid.geometric ? grid.center : 1)
        {
            cancelAll()
            arm(at: bar.close, atr: range)
        }
    }

    mutating func onSignal(_ signal: Signal) {
        let label = signal.labelText
        regime = label
        if grid != nil, settings.standAsideOn.contains(label) { standAside("the regime turned \(label)") }
    }

    mutating func onFill(_ fill: Fill) {
        guard fill.header.instrument == instrument else { return }
        position = fill.position
        guard let index = slots.firstIndex(where: { $0?.id == fill.order_id }), var slot = slots[index] else { return }
        slot.filled += fill.quantity
        guard slot.filled >= slot.quantity - 1e-12 else {
            slots[index] = slot
            return
        }
        slots[index] = nil
        guard grid != nil else { return }
        // Take the other side one level further; if that level's order is still there (it fills
        // later in the same bar), once it is gone.
        let next = slot.side == .buy ? index + 1 : index - 1
        if slots.indices.contains(next) {
            if slots[next] == nil { place(slot.side.opposite, at: next, quantity: slot.quantity) } else { waiting[next] = (slot.side.opposite, slot.quantity) }
        }
        if let (side, quantity) = waiting.removeValue(forKey: index) { place(side, at: index, quantity: quantity) }
    }

    mutating func onOrderUpdate(_ update: OrderUpdate) {
        let finished = [TRELLIS_ORDER_CANCELED, TRELLIS_ORDER_REJECTED, TRELLIS_ORDER_EXPIRED, TRELLIS_ORDER_DENIED].contains(update.status)
        guard finished, let index = slots.firstIndex(where: { $0?.id == update.order_id }) else { return }
        slots[index] = nil
    }

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
        let id = takeOrderID()
        slots[index] = Slot(id: id, side: side, quantity: quantity)
        context.emit(Order(instrument: instrument, side: side, quantity: quantity, orderID: id, type: TRELLIS_ORDER_LIMIT, limitPrice: grid.price(index)))
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
        if position != 0 {
            let side: Side = position > 0 ? .sell : .buy
            if settings.hedge {
                context.emit(Order(instrument: instrument, side: side, quantity: abs(position), orderID: takeOrderID()))
            } else {
                context.emit(Order.closePosition(instrument: instrument, side: side, orderID: takeOrderID()))
            }
        }
        context.log(.info, "grid stands aside: \(reason); orders cancelled, position \(Self.text(position)) \(settings.hedge ? "hedged" : "flattened")")
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
