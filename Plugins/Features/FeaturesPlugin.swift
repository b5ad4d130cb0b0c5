import TrellisSDK

@c(trellis_plugin_entry)
public func trellisPluginEntry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
    Plugin.entry(
        info, id: "features", version: "1.0.0", description: "Feature vectors from the SDK's streaming indicators.", nodes: [FeaturesNode.self])
}
