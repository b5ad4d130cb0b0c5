import Prometheus
import Synchronization

extension OperatorMetrics {
    /// The metrics labelled with one node's name: keep it, and counting costs an atomic add.
    public struct Node: Sendable {
        let errors: Counter
        let reconnects: Counter

        /// Counts an error of this node (`trellis_plugin_errors_total`).
        @inline(__always)
        public func countError() {
            errors.increment()
        }

        /// Counts a WebSocket reconnect of this node (`trellis_websocket_reconnects_total`).
        @inline(__always)
        public func countReconnect() {
            reconnects.increment()
        }
    }

    /// The metrics of the node `name`, made the first time it is named.
    ///
    /// Name every node once at start-up, so that its series appear at 0 before anything happens.
    public func node(_ name: String) -> Node {
        nodes.withLock { nodes in
            if let node = nodes[name] { return node }
            let labels = [("node", name)]
            let node = Node(
                errors: registry.makeCounter(descriptor: Self.name("plugin_errors", "total", "Errors reported by or about a node."), labels: labels),
                reconnects: registry.makeCounter(descriptor: Self.name("websocket_reconnects", "total", "WebSocket reconnects of a node."), labels: labels))
            nodes[name] = node
            return node
        }
    }
}
