import TrellisSDK

/// Node types built into the host, offered as the plugin "trellis" through the same C ABI as any
/// plugin; their parameters are checked when the graph loads like any other, and more.
public enum Builtins {
    public static let plugin: LoadedPlugin = {
        do {
            return try PluginLoader.register(builtinEntry, name: "trellis")
        } catch {
            preconditionFailure("the built-in node types must load: \(error)")
        }
    }()
}

private let builtinEntry: trellis_plugin_entry_fn = { info in
    Plugin.entry(info, id: "trellis", version: "1.0.0", description: "Node types built into the host.", nodes: [FFINode.self, FeatureCSVNode.self])
}
