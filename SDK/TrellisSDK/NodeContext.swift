/// Log levels of `trellis_host.log`.
public enum LogLevel: Int32, Sendable {
    case trace = 0
    case debug = 1
    case info = 2
    case warning = 3
    case error = 4
}

/// The host as one node sees it: emit events, log, read the clock and the instrument table.
///
/// A plain value around the host's function table; copy it into the node. Engine thread only.
public struct NodeContext {
    @usableFromInline let host: UnsafePointer<trellis_host>
    /// The node's id in this graph: the `source` of every event it emits.
    public let nodeID: UInt32
    /// The node's name in the graph.
    public let name: String

    @usableFromInline
    init(host: UnsafePointer<trellis_host>, nodeID: UInt32, name: String) {
        self.host = host
        self.nodeID = nodeID
        self.name = name
    }

    /// Sends an event downstream; delivered after the current callback returns.
    @inlinable @discardableResult
    public func emit<E: EventRecord>(_ event: E) -> Status {
        withUnsafePointer(to: event) { pointer in
            host.pointee.emit.unsafelyUnwrapped(host.pointee.ctx, UnsafeRawPointer(pointer).assumingMemoryBound(to: trellis_event_header.self))
        }
    }

    /// Sends an event record the node built itself (a custom event with its payload, say);
    /// `header.size` must cover all of it. The host copies it before this returns.
    @inlinable @discardableResult
    public func emit(raw event: UnsafePointer<trellis_event_header>) -> Status {
        host.pointee.emit.unsafelyUnwrapped(host.pointee.ctx, event)
    }

    /// Sends a custom event of type `customType` with `payload` bytes.
    @discardableResult
    public func emitCustom(type customType: UInt32, instrument: UInt32 = 0, payload: UnsafeRawBufferPointer) -> Status {
        let size = MemoryLayout<trellis_custom>.size + payload.count
        guard size <= Int(TRELLIS_EVENT_MAX_SIZE) else { return TRELLIS_ERR_INVALID }
        return withUnsafeTemporaryAllocation(byteCount: size, alignment: 8) { buffer in
            var custom = trellis_custom(header: trellis_custom.header(instrument: instrument), custom_type: customType, length: UInt32(payload.count))
            custom.header.size = UInt32(size)
            buffer.storeBytes(of: custom, as: trellis_custom.self)
            if let base = payload.baseAddress, payload.count > 0 {
                (buffer.baseAddress! + MemoryLayout<trellis_custom>.size).copyMemory(from: base, byteCount: payload.count)
            }
            return host.pointee.emit.unsafelyUnwrapped(host.pointee.ctx, buffer.baseAddress!.assumingMemoryBound(to: trellis_event_header.self))
        }
    }

    /// Writes a line to the host's log, tagged with this node.
    public func log(_ level: LogLevel, _ message: String) {
        var text = message
        text.withUTF8 { bytes in
            host.pointee.log!(
                host.pointee.ctx, level.rawValue,
                trellis_str(ptr: bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, len: UInt64(bytes.count)))
        }
    }

    /// The engine's clock (simulated time in a backtest), ns since the Unix epoch.
    @inlinable public var now: Int64 { host.pointee.now_ns.unsafelyUnwrapped(host.pointee.ctx) }

    /// Number of instruments; ids run from 1 to this number.
    public var instrumentCount: UInt32 { host.pointee.instrument_count!(host.pointee.ctx) }

    /// The instrument with `id`, or nil.
    public func instrument(_ id: UInt32) -> Instrument? {
        var out = trellis_instrument()
        out.struct_size = UInt32(MemoryLayout<trellis_instrument>.size)
        return host.pointee.instrument!(host.pointee.ctx, id, &out) == TRELLIS_OK ? out : nil
    }

    /// The id of the instrument named `symbol`, or nil.
    public func findInstrument(_ symbol: String) -> UInt32? {
        var id: UInt32 = 0
        let status = withTrellisString(symbol) { host.pointee.find_instrument!(host.pointee.ctx, $0, &id) }
        return status == TRELLIS_OK ? id : nil
    }

    /// The host extension `id` as a pointer to `T`, or nil when the host lacks it. Ask once.
    public func hostExtension<T>(_ id: String, as _: T.Type) -> UnsafePointer<T>? {
        guard hostHasGetExtension(host), let getExtension = host.pointee.get_extension else { return nil }
        let raw = withTrellisString(id) { getExtension(host.pointee.ctx, $0) }
        return raw?.assumingMemoryBound(to: T.self)
    }

    /// The host's timers, or nil when it offers none. Ask once, in `init`.
    public func timers() -> Timers? {
        hostExtension(TRELLIS_EXT_TIMER, as: trellis_timer_ext.self).map { Timers(ext: $0, ctx: host.pointee.ctx) }
    }
}

/// Timers in engine time; each fires a `TimerEvent` to the node that scheduled it.
public struct Timers {
    @usableFromInline let ext: UnsafePointer<trellis_timer_ext>
    @usableFromInline let ctx: UnsafeMutableRawPointer?

    /// Schedules timer `id` at `time` (ns); re-using a pending id moves it.
    @inlinable @discardableResult
    public func schedule(at time: Int64, id: UInt64) -> Status { ext.pointee.schedule!(ctx, time, id) }

    /// Cancels timer `id`.
    @inlinable @discardableResult
    public func cancel(id: UInt64) -> Status { ext.pointee.cancel!(ctx, id) }
}

/// Whether the host table is large enough to hold `get_extension` (tables only grow).
@usableFromInline
func hostHasGetExtension(_ host: UnsafePointer<trellis_host>) -> Bool {
    Int(host.pointee.struct_size) >= MemoryLayout<trellis_host>.offset(of: \.get_extension)! + MemoryLayout<UnsafeRawPointer>.size
}

/// Calls `body` with `text` as a borrowed `trellis_str`.
@usableFromInline
func withTrellisString<R>(_ text: String, _ body: (trellis_str) -> R) -> R {
    var copy = text
    return copy.withUTF8 { bytes in
        body(trellis_str(ptr: bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, len: UInt64(bytes.count)))
    }
}
