import CTrellis

/// A node type offered by a loaded plugin: what graphs name in `use:`.
public struct NodeType: @unchecked Sendable {
    /// The name graphs use, e.g. "sma-cross".
    public let name: String
    public let kind: NodeKind
    public let version: String
    public let description: String
    /// The parameter schema as the plugin wrote it, and parsed.
    public let schemaText: String
    public let schema: JSONSchema
    /// The plugin that provides it.
    public let pluginID: String
    public let pluginPath: String
    /// The ABI minor version its plugin declares: behaviour added in a later minor is not given to it.
    public let abiMinor: Int
    /// The factory; static data of a library that is never unloaded.
    let factory: UnsafePointer<trellis_node_factory>

    /// "plugin-id/name": unambiguous even when several plugins offer the same name.
    public var qualifiedName: String { "\(pluginID)/\(name)" }

    /// The factory's node methods, whose presence the loader checked.
    var methods: UnsafePointer<trellis_node_methods> { factory.pointee.methods! }
}
