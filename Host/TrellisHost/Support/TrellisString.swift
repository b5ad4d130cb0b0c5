import CTrellis

extension String {
    /// Copies a borrowed `trellis_str` (invalid UTF-8 is repaired).
    init(_ value: trellis_str) {
        guard let start = value.ptr, value.len > 0 else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: start, count: Int(value.len)), as: UTF8.self)
    }

    /// Calls `body` with this string as a borrowed `trellis_str`.
    func withTrellisString<R>(_ body: (trellis_str) throws -> R) rethrows -> R {
        var copy = self
        return try copy.withUTF8 { bytes in
            try body(trellis_str(ptr: bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, len: UInt64(bytes.count)))
        }
    }
}

/// Writes `text` NUL-terminated into a fixed C char array (a tuple), cut at a character boundary
/// to fit.
func writeFixed<T>(_ text: String, into field: inout T) {
    withUnsafeMutableBytes(of: &field) { buffer in
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        var length = 0
        for scalar in text.unicodeScalars {
            guard length + UTF8.width(scalar) <= buffer.count - 1 else { break }
            UTF8.encode(scalar) { byte in
                buffer[length] = byte
                length += 1
            }
        }
    }
}

/// Reads a NUL-terminated fixed C char array (a tuple).
func readFixed<T>(_ field: T) -> String {
    withUnsafeBytes(of: field) { buffer in String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) }
}
