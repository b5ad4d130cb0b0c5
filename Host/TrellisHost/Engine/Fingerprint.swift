import CTrellis
import Crypto

/// A SHA-256 over every order outcome and fill of a run, in the order they happened. Two runs
/// with the same fingerprint made the same trades at the same prices and times.
struct Fingerprint {
    private var hasher = SHA256()
    /// Reused for each event's canonical bytes.
    private var bytes: [UInt8] = []
    private(set) var orderUpdates = 0
    private(set) var fills = 0

    /// Adds an order update or fill (other events are not part of the fingerprint).
    mutating func add(_ event: UnsafePointer<trellis_event_header>) {
        bytes.removeAll(keepingCapacity: true)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func put(_ value: Double) { put(value.bitPattern) }
        put(event.pointee.type)
        put(event.pointee.ts_ns)
        put(event.pointee.instrument)
        switch Int32(event.pointee.type) {
        case TRELLIS_EVENT_FILL:
            let fill = UnsafeRawPointer(event).load(as: trellis_fill.self)
            put(fill.origin); put(fill.order_id); put(fill.side)
            put(fill.quantity); put(fill.price); put(fill.commission)
            fills += 1
        case TRELLIS_EVENT_ORDER_UPDATE:
            let update = UnsafeRawPointer(event).load(as: trellis_order_update.self)
            put(update.origin); put(update.order_id); put(update.side); put(update.status); put(update.reporter); put(update.reason_code)
            put(update.quantity); put(update.filled_quantity); put(update.average_price)
            orderUpdates += 1
        default:
            return
        }
        hasher.update(data: bytes)
    }

    /// The hex digest so far.
    func hex() -> String { FileDigest.hex(hasher.finalize()) }
}
