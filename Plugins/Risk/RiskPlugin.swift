import TrellisSDK

@c(trellis_plugin_entry)
public func trellisPluginEntry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
    Plugin.entry(
        info, id: "risk", version: "1.0.0", description: "Risk nodes: position sizing and a circuit breaker (docs/risk.md).",
        nodes: [PositionSizing.self, CircuitBreaker.self])
}
