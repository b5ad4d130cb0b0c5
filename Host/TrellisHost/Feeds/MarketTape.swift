import CTrellis

/// Market events in time order, each in a fixed 72-byte slot (a bar, trade or quote record), in
/// one contiguous buffer. The engine walks it front to back and hands plugins pointers into it.
public final class MarketTape: @unchecked Sendable {
    /// Bytes per slot: the largest market record, a bar.
    public static let stride = MemoryLayout<trellis_bar>.stride

    private(set) var base: UnsafeMutableRawPointer
    public private(set) var count = 0
    private var capacity: Int

    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 1)
        base = HugePages.allocate(byteCount: self.capacity * Self.stride)
    }

    deinit { HugePages.deallocate(base, byteCount: capacity * Self.stride) }

    /// The event in slot `index`.
    @inline(__always)
    public func event(_ index: Int) -> UnsafePointer<trellis_event_header> {
        UnsafePointer((base + index * Self.stride).assumingMemoryBound(to: trellis_event_header.self))
    }

    /// Timestamp of slot `index`.
    @inline(__always)
    func timestamp(_ index: Int) -> Int64 { event(index).pointee.ts_ns }

    /// When the event in slot `index` began: a bar's open time, else its timestamp.
    @inline(__always)
    func openTime(_ index: Int) -> Int64 {
        let event = event(index)
        guard event.pointee.type == UInt16(TRELLIS_EVENT_BAR) else { return event.pointee.ts_ns }
        return event.pointee.ts_ns - UnsafeRawPointer(event).load(fromByteOffset: MemoryLayout<trellis_event_header>.size, as: Int64.self)
    }

    /// Appends a bar.
    public func append(_ bar: trellis_bar) {
        reserve(count + 1)
        (base + count * Self.stride).storeBytes(of: bar, as: trellis_bar.self)
        count += 1
    }

    /// Appends a trade or quote record (anything up to 72 bytes).
    func append<Record>(record: Record) {
        precondition(MemoryLayout<Record>.size <= Self.stride, "a market record must fit a tape slot")
        reserve(count + 1)
        let slot = base + count * Self.stride
        slot.initializeMemory(as: UInt8.self, repeating: 0, count: Self.stride)
        slot.storeBytes(of: record, as: Record.self)
        count += 1
    }

    /// Sets every bar's `period_ns` and moves its timestamp by `shift` (from its label to its end).
    func stampBars(period: Int64, shift: Int64) {
        for index in 0..<count where event(index).pointee.type == UInt16(TRELLIS_EVENT_BAR) {
            let bar = (base + index * Self.stride).assumingMemoryBound(to: trellis_bar.self)
            bar.pointee.period_ns = period
            bar.pointee.header.ts_ns += shift
        }
    }

    /// The bar in slot `index`, when it is one.
    public func bar(_ index: Int) -> trellis_bar? {
        guard event(index).pointee.type == UInt16(TRELLIS_EVENT_BAR) else { return nil }
        return UnsafeRawPointer(event(index)).load(as: trellis_bar.self)
    }

    /// Makes room for `needed` events in all.
    func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = HugePages.allocate(byteCount: newCapacity * Self.stride)
        newBase.copyMemory(from: base, byteCount: count * Self.stride)
        HugePages.deallocate(base, byteCount: capacity * Self.stride)
        base = newBase
        capacity = newCapacity
    }

    /// Merges tapes into one, ordered by timestamp; ties keep the order of `tapes` (stable).
    public static func merge(_ tapes: [MarketTape]) -> MarketTape {
        if tapes.count == 1 { return tapes[0] }
        let merged = MarketTape(capacity: tapes.reduce(0) { $0 + $1.count })
        var cursors = [Int](repeating: 0, count: tapes.count)
        while true {
            var best = -1
            var bestTime = Int64.max
            for (index, tape) in tapes.enumerated() where cursors[index] < tape.count {
                let time = tape.timestamp(cursors[index])
                if time < bestTime { (best, bestTime) = (index, time) }
            }
            guard best >= 0 else { break }
            merged.reserve(merged.count + 1)
            (merged.base + merged.count * stride).copyMemory(from: tapes[best].event(cursors[best]), byteCount: stride)
            merged.count += 1
            cursors[best] += 1
        }
        return merged
    }
}
