/// A row of features for one bar (TRELLIS_CUSTOM_FEATURE_VECTOR), borrowed from its event.
public struct FeatureVector {
    /// Identifies the names: FNV-1a of the names joined by "\n" (`FeatureVector.hash(names:)`).
    public let namesHash: UInt64
    public let flags: UInt32
    /// The bar's length: it opened at the event's timestamp less this.
    public let periodNs: Int64
    public let values: UnsafeBufferPointer<Double>

    @inlinable
    public init(namesHash: UInt64, flags: UInt32, periodNs: Int64, values: UnsafeBufferPointer<Double>) {
        self.namesHash = namesHash
        self.flags = flags
        self.periodNs = periodNs
        self.values = values
    }

    /// Whether every value is there (none is still warming up).
    @inlinable public var isComplete: Bool { flags & TRELLIS_FEATURES_INCOMPLETE == 0 }

    /// The layout hash of `names`, as vectors carry it.
    public static func hash(names: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in names.joined(separator: "\n").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

extension Event {
    /// The feature vector this event carries, or nil for any other event.
    @inlinable
    public var featureVector: FeatureVector? {
        guard let custom = record(trellis_custom.self), custom.custom_type == TRELLIS_CUSTOM_FEATURE_VECTOR else { return nil }
        let payload = customPayload
        guard payload.count >= MemoryLayout<trellis_feature_vector>.size else { return nil }
        let head = payload.loadUnaligned(as: trellis_feature_vector.self)
        let count = min(Int(head.count), (payload.count - MemoryLayout<trellis_feature_vector>.size) / MemoryLayout<Double>.size)
        let start = (payload.baseAddress! + MemoryLayout<trellis_feature_vector>.size).assumingMemoryBound(to: Double.self)
        return FeatureVector(namesHash: head.names_hash, flags: head.flags, periodNs: head.period_ns, values: UnsafeBufferPointer(start: start, count: count))
    }

    /// The names and their hash, when this event is a TRELLIS_CUSTOM_FEATURE_NAMES event.
    public var featureNames: (names: [String], hash: UInt64)? {
        guard let custom = record(trellis_custom.self), custom.custom_type == TRELLIS_CUSTOM_FEATURE_NAMES else { return nil }
        let payload = customPayload
        guard payload.count >= MemoryLayout<trellis_feature_vector>.size else { return nil }
        let head = payload.loadUnaligned(as: trellis_feature_vector.self)
        let text = payload[MemoryLayout<trellis_feature_vector>.size...]
        let names = text.split(separator: 0, omittingEmptySubsequences: false).prefix(Int(head.count)).map { String(decoding: $0, as: UTF8.self) }
        return (names, head.names_hash)
    }
}

/// Emits feature vectors from a buffer allocated once: no allocation per bar. Engine thread only.
public final class FeatureEmitter {
    public let names: [String]
    public let namesHash: UInt64
    @usableFromInline let buffer: UnsafeMutableRawPointer
    @usableFromInline let size: Int
    @usableFromInline var sentNames = false

    public init(names: [String]) {
        self.names = names
        namesHash = FeatureVector.hash(names: names)
        size = MemoryLayout<trellis_custom>.size + MemoryLayout<trellis_feature_vector>.size + names.count * MemoryLayout<Double>.size
        buffer = .allocate(byteCount: size, alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }

    deinit { buffer.deallocate() }

    /// The values of the next vector, to fill before `emit`.
    @inlinable
    public var values: UnsafeMutableBufferPointer<Double> {
        let start = (buffer + MemoryLayout<trellis_custom>.size + MemoryLayout<trellis_feature_vector>.size).assumingMemoryBound(to: Double.self)
        return UnsafeMutableBufferPointer(start: start, count: names.count)
    }

    /// Sends the names (the first time) and then the vector in `values`, stamped as `bar`.
    @inlinable
    public func emit(_ context: NodeContext, for bar: Bar) {
        if !sentNames {
            sentNames = true
            sendNames(context)
        }
        var complete = true
        for value in values where value.isNaN { complete = false }
        var custom = trellis_custom(
            header: trellis_custom.header(instrument: bar.header.instrument, timestamp: bar.header.ts_ns), custom_type: TRELLIS_CUSTOM_FEATURE_VECTOR,
            length: UInt32(size - MemoryLayout<trellis_custom>.size))
        custom.header.size = UInt32(size)
        buffer.storeBytes(of: custom, as: trellis_custom.self)
        let head = trellis_feature_vector(
            count: UInt32(names.count), flags: complete ? 0 : TRELLIS_FEATURES_INCOMPLETE, names_hash: namesHash, period_ns: bar.period_ns)
        (buffer + MemoryLayout<trellis_custom>.size).storeBytes(of: head, as: trellis_feature_vector.self)
        context.emit(raw: UnsafeRawPointer(buffer).assumingMemoryBound(to: trellis_event_header.self))
    }

    @usableFromInline
    func sendNames(_ context: NodeContext) {
        var payload = [UInt8]()
        withUnsafeBytes(of: trellis_feature_vector(count: UInt32(names.count), flags: 0, names_hash: namesHash, period_ns: 0)) { payload += $0 }
        for name in names { payload += Array(name.utf8) + [0] }
        payload.withUnsafeBytes { _ = context.emitCustom(type: TRELLIS_CUSTOM_FEATURE_NAMES, payload: $0) }
    }
}
