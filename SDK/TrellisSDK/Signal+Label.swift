extension trellis_signal {
    /// A signal with `label` (at most 31 UTF-8 bytes; a longer label is cut where a Unicode
    /// scalar begins), value and confidence. Copies the label's bytes without making strings: the
    /// regime classifier signals on every bar.
    @inlinable
    public init(label: String, value: Double = 0, confidence: Double = 1, instrument: UInt32 = 0) {
        self.init()
        header = Self.header(instrument: instrument)
        self.value = value
        self.confidence = confidence
        var text = label
        text.withUTF8 { bytes in
            var length = min(bytes.count, Int(TRELLIS_LABEL_MAX))
            if bytes.count > length {
                while length > 0, bytes[length] & 0xC0 == 0x80 { length -= 1 }
            }
            withUnsafeMutableBytes(of: &self.label) { $0.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<length]))) }
        }
    }

    /// The label as a Swift string (allocates; not for the event path).
    public var labelText: String {
        withUnsafeBytes(of: label) { buffer in
            String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Whether the label equals `text`, without allocating.
    @inlinable
    public func hasLabel(_ text: StaticString) -> Bool {
        withUnsafeBytes(of: label) { buffer in
            let count = text.utf8CodeUnitCount
            guard count <= Int(TRELLIS_LABEL_MAX), buffer[count] == 0 else { return false }
            let bytes = UnsafeRawBufferPointer(start: text.utf8Start, count: count)
            return bytes.elementsEqual(buffer.prefix(count))
        }
    }
}
