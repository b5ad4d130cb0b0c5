import TrellisSDK

@c(trellis_plugin_entry)
public func trellisPluginEntry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
    Plugin.entry(
        info, id: "ab-shadow", version: "1.0.0", description: "Judges shadow challengers against their champion with statistics (docs/shadow.md).",
        nodes: [ABShadowTester.self])
}
