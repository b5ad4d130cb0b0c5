import CTrellis

/// A plugin library that loaded and passed every check. Never unloaded (see DESIGN §2 rule 11).
public struct LoadedPlugin: @unchecked Sendable {
    /// The library's absolute path.
    public let path: String
    /// SHA-256 of the library file, lowercase hex; empty for a plugin linked into the process.
    /// Taken when first asked for (a run asks for the plugins it uses, as it starts), not at
    /// load: loading a directory of plugins then hashes none of those a graph does not use.
    public var sha256: String { digest.value }
    let digest: FileDigest.Deferred
    public let id: String
    public let version: String
    public let description: String
    public let abiMajor: Int
    public let abiMinor: Int
    public let nodeTypes: [NodeType]
    /// C symbols the library exports besides its entry (should be none; see `ELFExports`).
    public private(set) var otherExports: [String] = []
    /// The plugin's descriptor: static data of a library that is never unloaded.
    public let descriptor: UnsafePointer<trellis_plugin>
    /// The library file as it was when loaded (nil for a plugin linked into the process).
    private(set) var identity: FileIdentity?
    /// Why the library now on disk is not what this process runs, when it changed since it was
    /// loaded; nil when it has not.
    public private(set) var changeWarning: String?

    func with(otherExports: [String]) -> LoadedPlugin {
        var copy = self
        copy.otherExports = otherExports
        return copy
    }

    func with(identity: FileIdentity) -> LoadedPlugin {
        var copy = self
        copy.identity = identity
        return copy
    }

    /// This plugin, with `changeWarning` set when its file has changed since it was loaded: the
    /// process keeps running what it loaded (a library is never unloaded).
    func checkedForChange() -> LoadedPlugin {
        guard let identity, FileIdentity.of(path) != identity else { return self }
        var copy = self
        copy.changeWarning =
            "plugin '\(id)' (\(path)) changed on disk since this process loaded it; the process keeps running the version it loaded: start a new process to use the new one"
        return copy
    }

    /// A warning about the library's extra exports, or nil when it exports only its entry.
    public var exportWarning: String? {
        guard !otherExports.isEmpty else { return nil }
        let names = otherExports.prefix(5).joined(separator: ", ") + (otherExports.count > 5 ? ", ..." : "")
        return
            "plugin '\(id)' (\(path)) exports \(otherExports.count) C symbol(s) besides its entry: \(names); build it with -fvisibility=hidden (or make them static), or a call to one of them can reach another library's function of the same name"
    }

    /// The library file's name, e.g. "libTrellisSMACross.so".
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }
}
