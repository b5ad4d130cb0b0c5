import TrellisSDK

@c(trellis_plugin_entry)
public func trellisPluginEntry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
    Plugin.entry(info, id: "grid", version: "1.0.0", description: "Grid trading with reverse safety.", nodes: [GridStrategy.self])
}
