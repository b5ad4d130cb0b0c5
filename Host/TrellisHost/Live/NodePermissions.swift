import TrellisNet

/// What the graph lets one node reach (`network:`) and read (`secrets:`): everything else is
/// refused and logged.
struct NodePermissions: Sendable {
    var network = AllowList(allow: [], listen: [])
    var secrets: Set<String> = []

    func permits(url: String) -> Bool { network.permits(url: url) }
    func permitsListening(address: String, port: Int) -> Bool { network.permitsListening(address: address, port: port) }
}
