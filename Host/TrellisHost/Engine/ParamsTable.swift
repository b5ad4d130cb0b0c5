import CTrellis

/// A node's parameters behind the C `trellis_params` accessors, alive for one `create` call.
final class ParamsTable {
    let values: ValueNode
    private let json: [CChar]
    /// Strings handed out by `get_string`; freed with the table, after `create` returned.
    private var strings: [UnsafeMutableBufferPointer<CChar>] = []

    init(_ values: ValueNode) {
        self.values = values
        json = Array(values.jsonText.utf8CString)
    }

    deinit { for string in strings { string.deallocate() } }

    /// Calls `body` with a `trellis_params` valid for the duration of the call.
    func withTable<R>(_ body: (UnsafePointer<trellis_params>) -> R) -> R {
        json.withUnsafeBufferPointer { text in
            var table = trellis_params()
            table.struct_size = UInt32(MemoryLayout<trellis_params>.size)
            table.ctx = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
            table.json = trellis_str(ptr: text.baseAddress, len: UInt64(text.count - 1))
            table.get_number = { ctx, key, out in
                ParamsTable.lookup(ctx, key) { value in value.number.map { out?.pointee = $0 } }
            }
            table.get_integer = { ctx, key, out in
                ParamsTable.lookup(ctx, key) { value in value.integer.map { out?.pointee = $0 } }
            }
            table.get_bool = { ctx, key, out in
                ParamsTable.lookup(ctx, key) { value in value.bool.map { out?.pointee = $0 ? 1 : 0 } }
            }
            table.get_string = { ctx, key, out in
                ParamsTable.lookup(ctx, key) { value in
                    guard let text = value.string, let ctx else { return nil }
                    let table = Unmanaged<ParamsTable>.fromOpaque(ctx).takeUnretainedValue()
                    let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: text.utf8.count + 1)
                    _ = copy.initialize(from: text.utf8CString)
                    table.strings.append(copy)
                    out?.pointee = trellis_str(ptr: copy.baseAddress, len: UInt64(copy.count - 1))
                    return ()
                }
            }
            return withUnsafePointer(to: table) { body($0) }
        }
    }

    /// Finds `key` and hands its value to `read`, which returns nil for a value of the wrong type.
    private static func lookup(_ ctx: UnsafeRawPointer?, _ key: trellis_str, _ read: (ValueNode) -> Void?) -> trellis_status {
        guard let ctx else { return TRELLIS_ERR_INVALID }
        let table = Unmanaged<ParamsTable>.fromOpaque(ctx).takeUnretainedValue()
        guard let value = table.values[String(key)] else { return TRELLIS_ERR_NOT_FOUND }
        return read(value) == nil ? TRELLIS_ERR_INVALID : TRELLIS_OK
    }
}
