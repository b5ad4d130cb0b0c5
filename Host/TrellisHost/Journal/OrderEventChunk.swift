/// A run's order events packed for the journal's `order_event_chunks` table: a backtest makes
/// hundreds of thousands of them, and a row each cost SQLite more than the run itself
/// (docs/performance.md). Format 1, per event: a 16-bit little-endian mask of the fields that
/// differ from the event before, then those fields in mask order. Times and order ids are
/// zigzag varint deltas, side, status and reason code zigzag varints, kind a byte, texts varint
/// indexes into the chunk's string list (the reporter's index + 1, 0 for none), and numbers the
/// 8 bytes of their IEEE 754 bit pattern. `trellis report <run> --json` shows them (`orders`).
enum OrderEventChunk {
    static let format = 1
    /// Events per chunk: a few hundred kilobytes each.
    static let capacity = 8_192

    struct Packed: Sendable {
        var strings: [String] = []
        var bytes: [UInt8] = []
    }

    /// The fields a mask bit stands for, in the order they follow it.
    private enum Field: UInt16 {
        case time = 1, kind = 2, node = 4, orderID = 8, symbol = 16, side = 32, status = 64, quantity = 128
        case price = 256, commission = 512, reasonCode = 1024, reason = 2048, reporter = 4096
    }
    private static let known: UInt16 = 8191

    /// `events` in chunks of `capacity`.
    static func chunks(of events: [RunResult.OrderEvent]) -> [Packed] {
        stride(from: 0, to: events.count, by: capacity).map { pack(events[$0..<min($0 + capacity, events.count)]) }
    }

    static func pack(_ events: ArraySlice<RunResult.OrderEvent>) -> Packed {
        // Texts are told apart by their bytes: Swift's `==` takes "é" and "e\u{301}" for one.
        var strings: [String] = []
        var indexes: [[UInt8]: UInt64] = [:]
        func index(_ text: String) -> UInt64 {
            let bytes = Array(text.utf8)
            if let known = indexes[bytes] { return known }
            indexes[bytes] = UInt64(strings.count)
            strings.append(text)
            return UInt64(strings.count - 1)
        }
        func differ(_ left: String?, _ right: String?) -> Bool {
            switch (left, right) {
            case (nil, nil): false
            case (let left?, let right?): !left.utf8.elementsEqual(right.utf8)
            default: true
            }
        }
        var out = Writer(bytes: [])
        out.bytes.reserveCapacity(events.count * 24)
        var last = RunResult.OrderEvent.start
        for event in events {
            var mask: UInt16 = 0
            if event.time != last.time { mask |= Field.time.rawValue }
            if event.kind != last.kind { mask |= Field.kind.rawValue }
            if differ(event.node, last.node) { mask |= Field.node.rawValue }
            if event.orderID != last.orderID { mask |= Field.orderID.rawValue }
            if differ(event.symbol, last.symbol) { mask |= Field.symbol.rawValue }
            if event.side != last.side { mask |= Field.side.rawValue }
            if event.status != last.status { mask |= Field.status.rawValue }
            if event.quantity.bitPattern != last.quantity.bitPattern { mask |= Field.quantity.rawValue }
            if event.price.bitPattern != last.price.bitPattern { mask |= Field.price.rawValue }
            if event.commission.bitPattern != last.commission.bitPattern { mask |= Field.commission.rawValue }
            if event.reasonCode != last.reasonCode { mask |= Field.reasonCode.rawValue }
            if differ(event.reason, last.reason) { mask |= Field.reason.rawValue }
            if differ(event.reporter, last.reporter) { mask |= Field.reporter.rawValue }
            out.byte(UInt8(mask & 0xFF))
            out.byte(UInt8(mask >> 8))
            if mask & Field.time.rawValue != 0 { out.signed(event.time &- last.time) }
            if mask & Field.kind.rawValue != 0 { out.byte(event.kind == .fill ? 1 : 0) }
            if mask & Field.node.rawValue != 0 { out.unsigned(index(event.node)) }
            if mask & Field.orderID.rawValue != 0 { out.signed(Int64(bitPattern: event.orderID &- last.orderID)) }
            if mask & Field.symbol.rawValue != 0 { out.unsigned(index(event.symbol)) }
            if mask & Field.side.rawValue != 0 { out.signed(Int64(event.side)) }
            if mask & Field.status.rawValue != 0 { out.signed(Int64(event.status)) }
            if mask & Field.quantity.rawValue != 0 { out.number(event.quantity) }
            if mask & Field.price.rawValue != 0 { out.number(event.price) }
            if mask & Field.commission.rawValue != 0 { out.number(event.commission) }
            if mask & Field.reasonCode.rawValue != 0 { out.signed(Int64(event.reasonCode)) }
            if mask & Field.reason.rawValue != 0 { out.unsigned(index(event.reason)) }
            if mask & Field.reporter.rawValue != 0 { out.unsigned(event.reporter.map { index($0) + 1 } ?? 0) }
            last = event
        }
        return Packed(strings: strings, bytes: out.bytes)
    }

    /// The `count` events of a chunk. A damaged chunk (bytes cut short, an unknown field, a
    /// text index out of range) gives the events before the damage and says where it is.
    static func unpack(_ packed: Packed, count: Int) -> (events: [RunResult.OrderEvent], damage: String?) {
        var events: [RunResult.OrderEvent] = []
        events.reserveCapacity(max(0, min(count, packed.bytes.count / 2)))
        var reader = Reader(bytes: packed.bytes, strings: packed.strings)
        var event = RunResult.OrderEvent.start
        do {
            while events.count < count {
                let mask = UInt16(try reader.byte()) | UInt16(try reader.byte()) << 8
                guard mask & ~known == 0 else { throw Damage() }
                func has(_ field: Field) -> Bool { mask & field.rawValue != 0 }
                if has(.time) { event.time = event.time &+ (try reader.signed()) }
                if has(.kind) {
                    switch try reader.byte() {
                    case 0: event.kind = .update
                    case 1: event.kind = .fill
                    default: throw Damage()
                    }
                }
                if has(.node) { event.node = try reader.text() }
                if has(.orderID) { event.orderID = event.orderID &+ UInt64(bitPattern: try reader.signed()) }
                if has(.symbol) { event.symbol = try reader.text() }
                if has(.side) { event.side = try reader.small() }
                if has(.status) { event.status = try reader.small() }
                if has(.quantity) { event.quantity = try reader.number() }
                if has(.price) { event.price = try reader.number() }
                if has(.commission) { event.commission = try reader.number() }
                if has(.reasonCode) { event.reasonCode = try reader.small() }
                if has(.reason) { event.reason = try reader.text() }
                if has(.reporter) {
                    let index = try reader.unsigned()
                    event.reporter = index == 0 ? nil : try reader.text(at: index - 1)
                }
                events.append(event)
            }
        } catch {
            return (events, "event \(events.count) of \(count) is cut short or damaged")
        }
        return (events, reader.atEnd ? nil : "bytes follow its \(count) events")
    }

    private struct Damage: Error {}

    private struct Writer {
        var bytes: [UInt8]

        mutating func byte(_ value: UInt8) { bytes.append(value) }

        mutating func unsigned(_ value: UInt64) {
            var rest = value
            while rest >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
                rest >>= 7
            }
            bytes.append(UInt8(rest))
        }

        /// Zigzag: small magnitudes of either sign take few bytes.
        mutating func signed(_ value: Int64) { unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

        mutating func number(_ value: Double) {
            var bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        let strings: [String]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func byte() throws(Damage) -> UInt8 {
            guard offset < bytes.count else { throw Damage() }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func unsigned() throws(Damage) -> UInt64 {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                let next = try byte()
                value |= UInt64(next & 0x7F) << UInt64(shift)
                if next & 0x80 == 0 { return value }
            }
            throw Damage()
        }

        mutating func signed() throws(Damage) -> Int64 {
            let value = try unsigned()
            return Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
        }

        mutating func small() throws(Damage) -> Int32 {
            guard let value = Int32(exactly: try signed()) else { throw Damage() }
            return value
        }

        mutating func number() throws(Damage) -> Double {
            guard offset + 8 <= bytes.count else { throw Damage() }
            var bits: UInt64 = 0
            for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
            offset += 8
            return Double(bitPattern: bits)
        }

        mutating func text() throws(Damage) -> String { try text(at: try unsigned()) }

        func text(at index: UInt64) throws(Damage) -> String {
            guard index < UInt64(strings.count) else { throw Damage() }
            return strings[Int(index)]
        }
    }
}

extension RunResult.OrderEvent {
    /// What the first event of a chunk is compared with: every field zero or empty.
    static let start = RunResult.OrderEvent(
        time: 0, kind: .update, node: "", orderID: 0, symbol: "", side: 0, status: 0, quantity: 0, price: 0, commission: 0, reasonCode: 0,
        reason: "", reporter: nil)
}
