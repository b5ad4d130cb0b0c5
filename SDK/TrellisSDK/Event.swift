/// A borrowed event, valid for the duration of the callback that received it.
public struct Event {
    /// The record, header first.
    public let pointer: UnsafePointer<trellis_event_header>

    @inlinable
    public init(_ pointer: UnsafePointer<trellis_event_header>) {
        self.pointer = pointer
    }

    /// The `TRELLIS_EVENT_*` type.
    @inlinable public var type: UInt16 { pointer.pointee.type }
    /// Event time in ns since the Unix epoch.
    @inlinable public var timestamp: Int64 { pointer.pointee.ts_ns }
    /// Instrument id, 0 when none.
    @inlinable public var instrument: UInt32 { pointer.pointee.instrument }
    /// The feed or node that emitted it.
    @inlinable public var source: UInt32 { pointer.pointee.source }

    /// The record as `E`, or nil when it is another type. Fields the record is too short to hold
    /// (fields of a later ABI version than the sender's) read as zero.
    @inlinable
    public func record<E: EventRecord>(_: E.Type) -> E? {
        guard pointer.pointee.type == E.eventType else { return nil }
        return Event.load(E.self, from: UnsafeRawPointer(pointer))
    }

    /// Copies an event record into an `E`, zero-filling what the record does not hold.
    @inlinable
    static func load<E: EventRecord>(_: E.Type, from raw: UnsafeRawPointer) -> E {
        let size = Int(raw.load(as: trellis_event_header.self).size)
        if size >= MemoryLayout<E>.size { return raw.load(as: E.self) }
        return withUnsafeTemporaryAllocation(byteCount: MemoryLayout<E>.size, alignment: MemoryLayout<E>.alignment) { buffer in
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.baseAddress!.copyMemory(from: raw, byteCount: size)
            return buffer.baseAddress!.load(as: E.self)
        }
    }

    /// The payload bytes of a custom event (empty for other types).
    @inlinable
    public var customPayload: UnsafeRawBufferPointer {
        guard let custom = record(trellis_custom.self) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let start = UnsafeRawPointer(pointer) + MemoryLayout<trellis_custom>.size
        return UnsafeRawBufferPointer(start: start, count: Int(custom.length))
    }
}
