import CTrellis

/// The run's instruments, ids 1...count, with C copies of their strings that live for the run.
/// The graph's feeds add theirs before the run; in paper and live runs a broker may register
/// more, up to `capacity` (the venue's tables are sized for it).
final class InstrumentTable: @unchecked Sendable {
    struct Entry {
        var symbol: String
        var tickSize: Double
        var lotSize: Double
    }

    private(set) var entries: [Entry] = []
    private var records: [trellis_instrument] = []
    private var strings: [UnsafeMutablePointer<CChar>] = []
    private static let venueName: StaticString = "sim"

    var count: Int { entries.count }
    /// The most instruments the run can hold: ids registered during a run must fit the tables
    /// sized when it began.
    var capacity: Int { entries.count + reserve }
    /// Room kept for instruments registered during the run (set before the engine is made).
    var reserve = 0

    deinit { for string in strings { string.deallocate() } }

    /// The id of `symbol`, adding it when new.
    @discardableResult
    func add(symbol: String, tickSize: Double, lotSize: Double, currency: String) -> UInt32 {
        if let existing = id(of: symbol) { return existing }
        entries.append(Entry(symbol: symbol, tickSize: tickSize, lotSize: lotSize))
        var record = trellis_instrument()
        record.struct_size = UInt32(MemoryLayout<trellis_instrument>.size)
        record.id = UInt32(entries.count)
        record.symbol = permanent(symbol)
        record.venue = trellis_str(staticString: Self.venueName)
        record.currency = permanent(currency)
        record.tick_size = tickSize
        record.lot_size = lotSize
        record.multiplier = 1
        records.append(record)
        return record.id
    }

    /// Registers or updates an instrument as a venue describes it (`trellis.instruments/1`); nil
    /// when the table is full.
    func register(_ venueRecord: trellis_instrument, symbol: String, venue: String, currency: String) -> UInt32? {
        let id: UInt32
        if let existing = self.id(of: symbol) {
            id = existing
        } else {
            guard reserve > 0 else { return nil }
            reserve -= 1
            id = add(symbol: symbol, tickSize: venueRecord.tick_size, lotSize: venueRecord.lot_size, currency: currency)
        }
        let index = Int(id) - 1
        entries[index].tickSize = venueRecord.tick_size
        entries[index].lotSize = venueRecord.lot_size
        records[index].venue = venue.isEmpty ? records[index].venue : permanent(venue)
        if !currency.isEmpty { records[index].currency = permanent(currency) }
        records[index].tick_size = venueRecord.tick_size
        records[index].lot_size = venueRecord.lot_size
        records[index].min_quantity = venueRecord.min_quantity
        records[index].min_notional = venueRecord.min_notional
        records[index].multiplier = venueRecord.multiplier > 0 ? venueRecord.multiplier : 1
        return id
    }

    func id(of symbol: String) -> UInt32? {
        entries.firstIndex { $0.symbol == symbol }.map { UInt32($0 + 1) }
    }

    /// The symbol of instrument `id`, or "" for an id outside the table.
    func symbol(_ id: UInt32) -> String { id >= 1 && Int(id) <= entries.count ? entries[Int(id) - 1].symbol : "" }
    func lotSize(_ id: UInt32) -> Double { entries[Int(id) - 1].lotSize }
    func tickSize(_ id: UInt32) -> Double { entries[Int(id) - 1].tickSize }

    /// Copies the record of `id` into `out`, as far as `out->struct_size` allows.
    func copy(_ id: UInt32, into out: UnsafeMutablePointer<trellis_instrument>) -> trellis_status {
        guard id >= 1, Int(id) <= records.count else { return TRELLIS_ERR_NOT_FOUND }
        let size = Int(out.pointee.struct_size)
        let minimum = MemoryLayout<trellis_instrument>.offset(of: \.multiplier)! + MemoryLayout<Double>.size
        guard size >= minimum else { return TRELLIS_ERR_TOO_SMALL }
        var record = records[Int(id) - 1]
        let written = min(size, MemoryLayout<trellis_instrument>.size)
        record.struct_size = UInt32(written)
        withUnsafeBytes(of: record) { bytes in
            UnsafeMutableRawPointer(out).copyMemory(from: bytes.baseAddress!, byteCount: written)
        }
        return TRELLIS_OK
    }

    private func permanent(_ text: String) -> trellis_str {
        let bytes = Array(text.utf8)
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        for (index, byte) in bytes.enumerated() { storage[index] = CChar(bitPattern: byte) }
        storage[bytes.count] = 0
        strings.append(storage)
        return trellis_str(ptr: storage, len: UInt64(bytes.count))
    }
}
