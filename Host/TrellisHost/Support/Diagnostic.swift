/// One problem found in an input, with where it is and what to do about it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    /// The file the problem is in.
    public var file: String
    /// Where in the file; nil when the problem concerns the file as a whole.
    public var location: SourceLocation?
    public var message: String
    /// What the user can do about it.
    public var hint: String?

    public init(_ severity: Severity = .error, file: String, at location: SourceLocation?, _ message: String, hint: String? = nil) {
        self.severity = severity
        self.file = file
        self.location = location
        self.message = message
        self.hint = hint
    }

    /// `file:line:column: error: message; hint`, one line, the format compilers and editors read;
    /// control characters (from a plugin's message, a file's bytes) are shown escaped.
    public var description: String {
        let place = location.map(\.description) ?? file
        return TerminalText.safe("\(place): \(severity.rawValue): \(message)" + (hint.map { "; \($0)" } ?? ""), limit: 8_000)
    }
}

extension [Diagnostic] {
    /// Whether any of these is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file and position, file-level problems first.
    public func sortedByLocation() -> [Diagnostic] {
        sorted { a, b in
            switch (a.location, b.location) {
            case let (l?, r?): return l < r
            case (nil, _?): return true
            case (_?, nil): return false
            case (nil, nil): return a.message < b.message
            }
        }
    }
}

/// Problems that stop an operation, as an error.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
