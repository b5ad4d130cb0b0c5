/// An error of the fake venue: a stable code and a message for people.
public struct FakeVenueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable identifier, e.g. `BAD_CONFIGURATION` or `BAD_DATA`.
    public var code: String
    /// What went wrong, for people.
    public var message: String

    /// Creates an error with a code and a message.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func configuration(_ message: String) -> FakeVenueError { FakeVenueError(code: "BAD_CONFIGURATION", message: message) }
    static func data(_ message: String) -> FakeVenueError { FakeVenueError(code: "BAD_DATA", message: message) }
    static func startup(_ message: String) -> FakeVenueError { FakeVenueError(code: "STARTUP_FAILED", message: message) }
}
