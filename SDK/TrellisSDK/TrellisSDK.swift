/// The Swift authoring layer of the Trellis plugin SDK.
///
/// A Swift plugin is one type conforming to ``Node`` and one exported entry function that hands
/// the node types to ``Plugin/entry(_:id:version:description:nodes:)``. The layer wraps the C ABI in
/// `CTrellis.h` without per-event reference counting: events arrive as the C structs themselves.
@_exported import CTrellis

public typealias Bar = trellis_bar
public typealias Trade = trellis_trade
public typealias Quote = trellis_quote
public typealias Signal = trellis_signal
public typealias Order = trellis_order
public typealias OrderUpdate = trellis_order_update
public typealias Fill = trellis_fill
public typealias Position = trellis_position
public typealias Account = trellis_account
public typealias TimerEvent = trellis_timer
public typealias CustomEvent = trellis_custom
public typealias Instrument = trellis_instrument
public typealias Status = trellis_status

extension trellis_str {
    /// The borrowed bytes as a String (invalid UTF-8 repaired).
    public var text: String {
        guard let start = ptr else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: Int(len)), as: UTF8.self)
    }
}
