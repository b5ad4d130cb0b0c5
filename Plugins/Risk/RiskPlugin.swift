import TrellisSDK

@c(trellis_plugin_entry)
public func trellisPluginEntry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
    Plugin.entry(
        info, id: "risk", version: "1.1.0",
        description: "Risk nodes: sizing, circuit breaker, loss limit, exposure, maximum holding time, drawdown stop (docs/risk.md).",
        nodes: [PositionSizing.self, CircuitBreaker.self, LossLimit.self, Exposure.self, MaxHolding.self, DrawdownStop.self])
}
