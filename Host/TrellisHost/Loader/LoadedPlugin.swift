import CTrellis

/// A plugin library that loaded and passed every check. Never unloaded (see DESIGN §2 rule 11).
public struct LoadedPlugin: @unchecked Sendable {
    /// The library's absolute path.
    public let path: String
    /// SHA-256 of the library file, lowercase hex.
    public let sha256: String
    public let id: String
    public let version: String
    public let description: String
    public let abiMajor: Int
    public let abiMinor: Int
    public let nodeTypes: [NodeType]
    /// The plugin's descriptor: static data of a library that is never unloaded.
    public let descriptor: UnsafePointer<trellis_plugin>

    /// The library file's name, e.g. "libTrellisSMACross.so".
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }
}
