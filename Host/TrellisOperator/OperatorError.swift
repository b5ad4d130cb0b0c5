/// Why the operator endpoint cannot be made or started, said for the person running the host.
public struct OperatorError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, for code that reacts to it.
    public enum Code: String, Sendable {
        /// A non-loopback address without a token.
        case insecureBind = "insecure-bind"
        /// An empty, short or malformed token.
        case invalidToken = "invalid-token"
        /// An empty address or a port outside 0…65535.
        case invalidAddress = "invalid-address"
        /// The address could not be bound (in use, not an address of this machine …).
        case bindFailed = "bind-failed"
        /// The server did not accept connections in time.
        case startTimedOut = "start-timed-out"
        /// `start()` on a server that is running or was stopped.
        case notStartable = "not-startable"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
