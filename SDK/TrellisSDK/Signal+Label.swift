extension trellis_signal {
    /// A signal with `label` (at most 31 UTF-8 bytes; a longer label is cut at a character
    /// boundary), value and confidence.
    @inlinable
    public init(label: String, value: Double = 0, confidence: Double = 1, instrument: UInt32 = 0) {
        self.init()
        header = Self.header(instrument: instrument)
        self.value = value
        self.confidence = confidence
        withUnsafeMutableBytes(of: &self.label) { buffer in
            var length = 0
            for scalar in label.unicodeScalars {
                let bytes = String(scalar).utf8
                guard length + bytes.count <= Int(TRELLIS_LABEL_MAX) else { break }
                for byte in bytes {
                    buffer[length] = byte
                    length += 1
                }
            }
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
