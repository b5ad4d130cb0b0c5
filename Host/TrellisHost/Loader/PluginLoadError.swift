/// Why a plugin library could not be loaded: one line naming the file, the plugin and the reason.
public struct PluginLoadError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case fileMissing = "file-missing"
        case notSharedLibrary = "not-shared-library"
        case noEntrySymbol = "no-entry-symbol"
        case declined
        case abiMismatch = "abi-mismatch"
        case structTooSmall = "struct-too-small"
        case nullFactory = "null-factory"
        case invalidFactory = "invalid-factory"
        case pinMismatch = "pin-mismatch"
    }

    public var code: Code
    /// The library's path.
    public var path: String
    /// The plugin's id when it is known, else nil.
    public var plugin: String?
    public var reason: String

    public init(_ code: Code, path: String, plugin: String? = nil, _ reason: String) {
        self.code = code
        self.path = path
        self.plugin = plugin
        self.reason = reason
    }

    public var description: String {
        let who = plugin.map { "plugin '\($0)' (\(path))" } ?? "plugin library \(path)"
        return "cannot load \(who): \(reason)"
    }
}
