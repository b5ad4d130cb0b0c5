/// A failure a plugin reports to the host: a status code and a message for the operator.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    public var status: Status
    public var message: String

    public init(_ message: String, status: Status = TRELLIS_ERR_PLUGIN) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
}
