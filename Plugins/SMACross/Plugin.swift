import TrellisSDK

@c(trellis_plugin_entry)
public func trellisPluginEntry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
    Plugin.entry(info, id: "sma-cross-swift", version: "1.0.0", description: "SMA crossover strategy, in Swift.", nodes: [SMACross.self])
}
