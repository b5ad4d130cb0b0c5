/// A node's parameters as the host checked them against the node's JSON Schema, defaults filled
/// in. Valid only inside `Node.init`: read what you need there.
public struct Parameters {
    @usableFromInline let params: UnsafePointer<trellis_params>

    @usableFromInline
    init(_ params: UnsafePointer<trellis_params>) {
        self.params = params
    }

    /// The whole parameter object as JSON.
    public var json: String {
        let json = params.pointee.json
        guard let start = json.ptr else { return "{}" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: Int(json.len)), as: UTF8.self)
    }

    /// An integer parameter.
    public func integer(_ key: String) throws(PluginError) -> Int {
        var value: Int64 = 0
        try check(key, withTrellisString(key) { params.pointee.get_integer!(params.pointee.ctx, $0, &value) })
        return Int(value)
    }

    /// A number parameter (integers are accepted).
    public func number(_ key: String) throws(PluginError) -> Double {
        var value = 0.0
        try check(key, withTrellisString(key) { params.pointee.get_number!(params.pointee.ctx, $0, &value) })
        return value
    }

    /// A boolean parameter.
    public func bool(_ key: String) throws(PluginError) -> Bool {
        var value: Int32 = 0
        try check(key, withTrellisString(key) { params.pointee.get_bool!(params.pointee.ctx, $0, &value) })
        return value != 0
    }

    /// A string parameter.
    public func string(_ key: String) throws(PluginError) -> String {
        var value = trellis_str()
        try check(key, withTrellisString(key) { params.pointee.get_string!(params.pointee.ctx, $0, &value) })
        return value.text
    }

    private func check(_ key: String, _ status: Status) throws(PluginError) {
        switch status {
        case TRELLIS_OK: return
        case TRELLIS_ERR_NOT_FOUND: throw PluginError("parameter '\(key)' is missing", status: status)
        default: throw PluginError("parameter '\(key)' has the wrong type", status: status)
        }
    }
}
