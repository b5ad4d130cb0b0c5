import TrellisSDK

@c(trellis_plugin_entry)
public func trellisPluginEntry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
    Plugin.entry(
        info, id: "regime", version: "1.0.0", description: "Market regime labels from ADX, ATR and the efficiency ratio.",
        nodes: [RegimeClassifier.self])
}
