import CTrellis
import Crypto

/// A SHA-256 over every order outcome and fill of a run, in the order they happened. Two runs
/// with the same fingerprint made the same trades at the same prices and times.
///
/// Each event's canonical bytes (its fields, little-endian) are gathered in a buffer hashed 64 KB
/// at a time: hashing each event's hundred bytes on its own cost more than the rest of its route.
struct Fingerprint {
    private static let capacity = 1 << 16
    private var hasher = SHA256()
    private let buffer = Buffer(capacity: Self.capacity)
    private var used = 0
    private(set) var orderUpdates = 0
    private(set) var fills = 0

    /// Owns the gathering buffer.
    private final class Buffer {
        let bytes: UnsafeMutableRawPointer
        init(capacity: Int) { bytes = .allocate(byteCount: capacity, alignment: 8) }
        deinit { bytes.deallocate() }
    }

    /// Adds an order update or fill (other events are not part of the fingerprint).
    mutating func add(_ event: UnsafePointer<trellis_event_header>) {
        let type = Int32(event.pointee.type)
        guard type == TRELLIS_EVENT_FILL || type == TRELLIS_EVENT_ORDER_UPDATE else { return }
        if used > Self.capacity - 128 { flush() }
        let start = buffer.bytes + used
        var cursor = start
        func put<T: FixedWidthInteger>(_ value: T) {
            cursor.storeBytes(of: value.littleEndian, as: T.self)
            cursor += MemoryLayout<T>.size
        }
        func put(_ value: Double) { put(value.bitPattern) }
        put(event.pointee.type)
        put(event.pointee.ts_ns)
        put(event.pointee.instrument)
        if type == TRELLIS_EVENT_FILL {
            let fill = UnsafeRawPointer(event).load(as: trellis_fill.self)
            put(fill.origin); put(fill.order_id); put(fill.side)
            put(fill.quantity); put(fill.price); put(fill.commission)
            fills += 1
        } else {
            let update = UnsafeRawPointer(event).load(as: trellis_order_update.self)
            put(update.origin); put(update.order_id); put(update.side); put(update.status); put(update.reporter); put(update.reason_code)
            put(update.quantity); put(update.filled_quantity); put(update.average_price)
            orderUpdates += 1
        }
        used += cursor - start
    }

    private mutating func flush() {
        hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer.bytes, count: used))
        used = 0
    }

    /// The hex digest so far.
    func hex() -> String {
        var copy = hasher
        copy.update(bufferPointer: UnsafeRawBufferPointer(start: buffer.bytes, count: used))
        return FileDigest.hex(copy.finalize())
    }
}
