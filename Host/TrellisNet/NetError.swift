/// An error of the network services: an outcome code and a message.
public struct NetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure, as the C ABI reports it.
    public var code: NetOutcome
    /// What went wrong, for a log line.
    public var message: String

    /// Makes an error with `code` and `message`.
    public init(_ code: NetOutcome, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
