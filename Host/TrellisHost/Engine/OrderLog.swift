import CTrellis

/// Every order update and fill of a run, kept as plain numbers while the run goes (a reason only
/// when there is one) and turned into `RunResult.OrderEvent`s, with names and symbols, at the end.
struct OrderLog {
    private struct Entry {
        var time: Int64
        var orderID: UInt64
        var quantity: Double
        var price: Double
        var commission: Double
        var origin: UInt32
        var instrument: UInt32
        var reporter: UInt32
        var side: Int32
        var status: Int32
        var reasonCode: Int32
        var isFill: Bool
    }

    /// Entries in 2 MB chunks of huge-page memory: a growing log is never copied, and fills its
    /// pages with few faults.
    private var chunks: [Chunk] = []
    private var count = 0
    /// Reasons by entry index; most updates have none.
    private var reasons: [Int: String] = [:]

    private final class Chunk {
        static let bytes = 2 << 20
        static let capacity = bytes / MemoryLayout<Entry>.stride
        let entries = HugePages.allocate(byteCount: bytes).bindMemory(to: Entry.self, capacity: capacity)
        var count = 0
        deinit { HugePages.deallocate(UnsafeMutableRawPointer(entries), byteCount: Self.bytes) }
    }

    private mutating func append(_ entry: Entry) {
        if chunks.last.map({ $0.count == Chunk.capacity }) ?? true { chunks.append(Chunk()) }
        let chunk = chunks[chunks.count - 1]
        (chunk.entries + chunk.count).initialize(to: entry)
        chunk.count += 1
        count += 1
    }

    mutating func add(_ event: UnsafePointer<trellis_event_header>) {
        let raw = UnsafeRawPointer(event)
        let (time, instrument) = (event.pointee.ts_ns, event.pointee.instrument)
        if event.pointee.type == UInt16(TRELLIS_EVENT_FILL) {
            let fill = raw.load(as: trellis_fill.self)
            append(
                Entry(
                    time: time, orderID: fill.order_id, quantity: fill.quantity, price: fill.price, commission: fill.commission, origin: fill.origin,
                    instrument: instrument, reporter: 0, side: fill.side, status: TRELLIS_ORDER_FILLED, reasonCode: 0, isFill: true))
        } else {
            let update = raw.load(as: trellis_order_update.self)
            if update.reason_code != TRELLIS_REASON_NONE { reasons[count] = readFixed(update.reason) }
            append(
                Entry(
                    time: time, orderID: update.order_id, quantity: update.quantity, price: update.average_price, commission: 0,
                    origin: update.origin, instrument: instrument, reporter: update.reporter, side: update.side, status: update.status,
                    reasonCode: update.reason_code, isFill: false))
        }
    }

    /// The log as the run's result reports it; `names` are node names by node id.
    func events(names: [String], instruments: InstrumentTable) -> [RunResult.OrderEvent] {
        chunks.lazy.flatMap { UnsafeBufferPointer(start: $0.entries, count: $0.count) }.enumerated().map { index, entry in
            RunResult.OrderEvent(
                time: entry.time, kind: entry.isFill ? .fill : .update, node: names[Int(entry.origin)], orderID: entry.orderID,
                symbol: instruments.symbol(entry.instrument), side: entry.side, status: entry.status, quantity: entry.quantity, price: entry.price,
                commission: entry.commission, reasonCode: entry.reasonCode, reason: reasons[index] ?? "",
                reporter: entry.reporter == 0 ? nil : names[Int(entry.reporter)])
        }
    }
}
