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
            table.ctx = Unmanaged.passUnretained(self).toOpaque()
            table.json = trellis_str(ptr: text.baseAddress, len: UInt64(text.count - 1))
            table.get_number = { ctx, key, out in
                guard let value = ParamsTable.value(ctx, key) else { return TRELLIS_ERR_NOT_FOUND }
                guard let number = value.number else { return TRELLIS_ERR_INVALID }
                out?.pointee = number
                return TRELLIS_OK
            }
            table.get_integer = { ctx, key, out in
                guard let value = ParamsTable.value(ctx, key) else { return TRELLIS_ERR_NOT_FOUND }
                guard let integer = value.integer else { return TRELLIS_ERR_INVALID }
                out?.pointee = integer
                return TRELLIS_OK
            }
            table.get_bool = { ctx, key, out in
                guard let value = ParamsTable.value(ctx, key) else { return TRELLIS_ERR_NOT_FOUND }
                guard let flag = value.bool else { return TRELLIS_ERR_INVALID }
                out?.pointee = flag ? 1 : 0
                return TRELLIS_OK
            }
            table.get_string = { ctx, key, out in
                guard let value = ParamsTable.value(ctx, key), let ctx else { return TRELLIS_ERR_NOT_FOUND }
                guard let text = value.string else { return TRELLIS_ERR_INVALID }
                out?.pointee = Unmanaged<ParamsTable>.fromOpaque(ctx).takeUnretainedValue().keep(text)
                return TRELLIS_OK
            }
            return withUnsafePointer(to: table) { body($0) }
        }
    }

    /// The value of parameter `key`, or nil when absent.
    private static func value(_ ctx: UnsafeMutableRawPointer?, _ key: trellis_str) -> ValueNode? {
        guard let ctx else { return nil }
        return Unmanaged<ParamsTable>.fromOpaque(ctx).takeUnretainedValue().values[String(key)]
    }

    /// A C copy of `text` that lives as long as the table.
    private func keep(_ text: String) -> trellis_str {
        let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: text.utf8.count + 1)
        _ = copy.initialize(from: text.utf8CString)
        strings.append(copy)
        return trellis_str(ptr: copy.baseAddress, len: UInt64(copy.count - 1))
    }
}
