import Foundation
import TrellisSDK

/// Caps what the nodes upstream hold, as multiples of the account's equity: gross (every
/// position's size), net (longs less shorts), per instrument; and refuses an entry that would
/// double a bet already held in an instrument whose returns move with it (rolling correlation).
/// Positions count the orders that passed this node and have not filled yet. An entry too large
/// for a cap is cut to fit; one with no room left is denied. Give it the feeds as inputs: their
/// bars price the positions and give the returns. An entry waits for its instrument's bar of the
/// same time (the strategy sees it first), so it is judged at the price the strategy saw.
struct Exposure: Node {
    static let descriptor = NodeDescriptor(
        type: "exposure", kind: .risk, version: "1.0.0",
        description: "Gross, net, per-instrument and correlation caps on exposure (docs/risk.md).",
        parameters: """
            {
              "type": "object", "additionalProperties": false,
              "properties": {
                "max_gross": {"type": "number", "exclusiveMinimum": 0, "description": "Sum of every position's value, in multiples of equity (1: no leverage)."},
                "max_net": {"type": "number", "exclusiveMinimum": 0, "description": "Longs less shorts, in multiples of equity."},
                "max_instrument": {"type": "number", "exclusiveMinimum": 0, "description": "One instrument's position, in multiples of equity."},
                "max_correlation": {"type": "number", "exclusiveMinimum": 0, "maximum": 1,
                                    "description": "Refuse an entry whose returns correlate above this with a position held the same way."},
                "correlation_window": {"type": "integer", "minimum": 5, "maximum": 100000, "default": 50, "description": "Bars of returns the correlation is measured over."}
              }
            }
            """)

    let context: NodeContext
    let verdicts: RiskVerdicts
    let maxGross: Double?
    let maxNet: Double?
    let maxInstrument: Double?
    let maxCorrelation: Double?
    let window: Int
    var book = PathBook()
    var equity = Double.nan
    var prices: [UInt32: Double] = [:]
    var barTimes: [UInt32: Int64] = [:]
    /// Entries that came before their instrument's bar of the same time.
    var waitingForBar: [Order] = []
    var returns: [UInt32: ReturnHistory] = [:]
    /// Units of approved orders not filled yet, signed: they count as held.
    var pending: [PathBook.OrderKey: (instrument: UInt32, units: Double)] = [:]
    /// Pairs the correlation cap could not judge, already said.
    var unmeasured: Set<String> = []

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        guard let verdicts = context.risk() else { throw PluginError("the host offers no trellis.risk/1") }
        self.verdicts = verdicts
        maxGross = try? parameters.number("max_gross")
        maxNet = try? parameters.number("max_net")
        maxInstrument = try? parameters.number("max_instrument")
        maxCorrelation = try? parameters.number("max_correlation")
        window = try parameters.integer("correlation_window")
        guard maxGross != nil || maxNet != nil || maxInstrument != nil || maxCorrelation != nil else {
            throw PluginError("give at least one of max_gross, max_net, max_instrument and max_correlation")
        }
    }

    mutating func onBar(_ bar: Bar) {
        let instrument = bar.header.instrument
        if let previous = prices[instrument], previous > 0, bar.close > 0 {
            returns[instrument, default: ReturnHistory(window: window)].append(time: bar.header.ts_ns, value: log(bar.close / previous))
        }
        prices[instrument] = bar.close
        barTimes[instrument] = bar.header.ts_ns
        let ready = waitingForBar.filter { $0.header.instrument == instrument }
        guard !ready.isEmpty else { return }
        waitingForBar.removeAll { $0.header.instrument == instrument }
        for order in ready { judge(order) }
    }

    /// Judges what still waits (its feed is not among the inputs) before the account moves on.
    mutating func onAccount(_ account: Account) {
        let late = waitingForBar
        waitingForBar = []
        for order in late { judge(order) }
        equity = account.equity
    }

    mutating func onOrder(_ order: Order) {
        guard order.action == TRELLIS_ACTION_NEW, ClosedTrades.opens(order) else {
            verdicts.approve(order)
            return
        }
        guard order.quantity.isFinite, order.quantity > 0 else {
            verdicts.deny(order, reason: "exposure: an order needs a positive size, not \(order.quantity)")
            return
        }
        guard barTimes[order.header.instrument] == context.now else {
            waitingForBar.append(order)
            return
        }
        judge(order)
    }

    private mutating func judge(_ order: Order) {
        let instrument = order.header.instrument
        let symbol = self.symbol(instrument)
        guard let price = order.limit_price > 0 ? order.limit_price : prices[instrument] else {
            verdicts.deny(order, reason: "exposure: no price for \(symbol); list its feed among this node's inputs")
            return
        }
        guard equity > 0 else {
            verdicts.deny(order, reason: "exposure: no equity to measure against")
            return
        }
        let units = self.units(of: order, at: price)
        let side = Double(order.side)
        // Unwinding what is held never doubles a bet, whatever moves with it.
        let held = heldUnits(instrument)
        let reduces = side * held < 0 && units <= abs(held) + 1e-9
        if !reduces, let reason = correlationDenial(instrument: instrument, side: side, symbol: symbol) {
            verdicts.deny(order, reason: reason)
            return
        }
        let (scale, binding) = room(instrument: instrument, adding: side * units * price)
        guard scale < 1 else {
            approve(order, units: nil, price: price)
            return
        }
        let lot = context.instrument(instrument)?.lot_size ?? 0
        var fitted = units * scale
        if lot > 0 { fitted = (fitted / lot + 1e-9).rounded(.down) * lot }
        guard fitted > 0 else {
            verdicts.deny(order, reason: "exposure: no room for \(symbol) under the \(binding) cap")
            return
        }
        context.log(.info, "cuts an order for \(symbol) from \(NumberText.units(units)) to \(NumberText.units(fitted)) units: \(binding) cap")
        approve(order, units: fitted, price: price)
    }

    mutating func onFill(_ fill: Fill) {
        book.apply(fill)
        let key = PathBook.OrderKey(origin: fill.origin, orderID: fill.order_id)
        guard var waiting = pending[key] else { return }
        waiting.units -= Double(fill.side) * fill.quantity
        pending[key] = abs(waiting.units) > 1e-9 && (waiting.units > 0) == (fill.side > 0) ? waiting : nil
    }

    mutating func onOrderUpdate(_ update: OrderUpdate) {
        book.apply(update)
        switch update.status {
        case TRELLIS_ORDER_FILLED, TRELLIS_ORDER_CANCELED, TRELLIS_ORDER_REJECTED, TRELLIS_ORDER_EXPIRED, TRELLIS_ORDER_DENIED:
            pending[PathBook.OrderKey(origin: update.origin, orderID: update.order_id)] = nil
            waitingForBar.removeAll { $0.origin == update.origin && $0.order_id == update.order_id }
        default: break
        }
    }

    /// Approves the order as it is (`units` nil: its size mode stays, for the venue to size from
    /// free equity) or cut to `units`; what the host takes counts as pending until it is done.
    private mutating func approve(_ order: Order, units cut: Double?, price: Double) {
        var status = TRELLIS_OK
        if let cut { status = verdicts.approve(order, quantity: cut, sizeMode: TRELLIS_SIZE_UNITS) } else { status = verdicts.approve(order) }
        guard status == TRELLIS_OK else { return }
        let units = cut ?? self.units(of: order, at: price)
        pending[PathBook.OrderKey(origin: order.origin, orderID: order.order_id)] = (order.header.instrument, Double(order.side) * units)
    }

    /// Units held in `instrument` on every path this node guards.
    private func heldUnits(_ instrument: UInt32) -> Double {
        book.held.reduce(0) { $0 + ($1.key.instrument == instrument ? $1.value.quantity : 0) }
    }

    /// The order's size in units at `price`, whatever its size mode.
    private func units(of order: Order, at price: Double) -> Double {
        switch order.size_mode {
        case TRELLIS_SIZE_EQUITY: order.quantity * equity / price
        case TRELLIS_SIZE_NOTIONAL: order.quantity / price
        default: order.quantity
        }
    }

    /// Signed value held in each instrument: positions and unfilled orders, at the last prices.
    private func values() -> [UInt32: Double] {
        var units: [UInt32: Double] = [:]
        for (key, held) in book.held { units[key.instrument, default: 0] += held.quantity }
        for waiting in pending.values { units[waiting.instrument, default: 0] += waiting.units }
        return units.reduce(into: [:]) { $0[$1.key] = $1.value * (prices[$1.key] ?? 0) }
    }

    /// The share of `delta` (signed value) that fits every cap, and the cap that binds.
    private func room(instrument: UInt32, adding delta: Double) -> (Double, String) {
        let values = self.values()
        let size = abs(delta), direction: Double = delta > 0 ? 1 : -1
        let current = values[instrument] ?? 0
        var scale = 1.0, binding = ""
        func limit(_ share: Double, _ name: String) {
            if share < scale { (scale, binding) = (max(0, share), name) }
        }
        if let maxInstrument {
            limit((maxInstrument * equity - direction * current) / size, "per-instrument (\(NumberText.short(maxInstrument))× equity)")
        }
        if let maxNet {
            limit((maxNet * equity - direction * values.values.reduce(0, +)) / size, "net (\(NumberText.short(maxNet))× equity)")
        }
        if let maxGross {
            let gross = values.values.reduce(0) { $0 + abs($1) }
            // Against the position, the first |current| only reduces gross: that part always fits.
            let reducing = direction * current < 0 ? min(abs(current), size) : 0
            limit(max(reducing / size, (maxGross * equity - gross + 2 * reducing) / size), "gross (\(NumberText.short(maxGross))× equity)")
        }
        return (scale, binding)
    }

    /// Why an entry that way in `instrument` doubles a bet already held, or nil.
    private mutating func correlationDenial(instrument: UInt32, side: Double, symbol: String) -> String? {
        guard let maxCorrelation else { return nil }
        let mine = returns[instrument] ?? ReturnHistory(window: window)
        var held: [UInt32: Double] = [:]
        for (key, position) in book.held where key.instrument != instrument { held[key.instrument, default: 0] += position.quantity }
        for waiting in pending.values where waiting.instrument != instrument { held[waiting.instrument, default: 0] += waiting.units }
        for (other, quantity) in held.sorted(by: { $0.key < $1.key }) where abs(quantity) > 1e-12 {
            guard let theirs = returns[other], let (rho, count) = mine.correlation(with: theirs), count >= window / 2 else {
                noteUnmeasured(symbol, self.symbol(other))
                continue
            }
            let way = quantity > 0 ? 1.0 : -1.0
            guard rho * side * way > maxCorrelation else { continue }
            return String(format: "exposure: %@ moves with %@ held %@ (ρ %.2f, %d bars)", symbol, self.symbol(other), way > 0 ? "long" : "short", rho, count)
        }
        return nil
    }

    /// Says once per pair that the correlation cap cannot judge it yet, rather than passing in silence.
    private mutating func noteUnmeasured(_ symbol: String, _ other: String) {
        guard unmeasured.insert("\(symbol)/\(other)").inserted else { return }
        context.log(
            .warning,
            "the correlation cap cannot judge \(symbol) against \(other) yet: they need \(window / 2) bars of returns at the same times (correlation_window \(window)); until then it lets entries pass"
        )
    }

    private func symbol(_ instrument: UInt32) -> String { context.instrument(instrument)?.symbol.text ?? "instrument \(instrument)" }
}

/// The last `window` returns of one instrument with their bar times, oldest first.
struct ReturnHistory {
    let window: Int
    private(set) var times: [Int64] = []
    private(set) var values: [Double] = []

    init(window: Int) { self.window = window }

    mutating func append(time: Int64, value: Double) {
        times.append(time)
        values.append(value)
        if times.count > 2 * window {
            times.removeFirst(times.count - window)
            values.removeFirst(values.count - window)
        }
    }

    /// Pearson correlation over the bar times both have among their last `window`, and how many.
    func correlation(with other: ReturnHistory) -> (Double, Int)? {
        var a: [Double] = [], b: [Double] = []
        var i = max(0, times.count - window), j = max(0, other.times.count - other.window)
        while i < times.count, j < other.times.count {
            if times[i] == other.times[j] {
                a.append(values[i])
                b.append(other.values[j])
                i += 1
                j += 1
            } else if times[i] < other.times[j] {
                i += 1
            } else {
                j += 1
            }
        }
        guard a.count >= 3 else { return nil }
        let n = Double(a.count)
        let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
        var covariance = 0.0, varianceA = 0.0, varianceB = 0.0
        for k in a.indices {
            covariance += (a[k] - meanA) * (b[k] - meanB)
            varianceA += (a[k] - meanA) * (a[k] - meanA)
            varianceB += (b[k] - meanB) * (b[k] - meanB)
        }
        guard varianceA > 0, varianceB > 0 else { return nil }
        return (covariance / (varianceA * varianceB).squareRoot(), a.count)
    }
}

/// Numbers in messages.
private enum NumberText {
    /// A quantity with up to 4 decimals and no trailing zeros: 49.8891, 27.
    static func units(_ value: Double) -> String { trimmed(String(format: "%.4f", value)) }

    /// A multiple of equity as a cap reads: 0.5, 0.33, 2.
    static func short(_ value: Double) -> String { trimmed(String(format: "%.2f", value)) }

    private static func trimmed(_ number: String) -> String {
        var text = number
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
