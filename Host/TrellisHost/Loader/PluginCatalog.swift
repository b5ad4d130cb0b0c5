import Foundation

/// The plugins a graph can use: explicitly named libraries first, then every `lib*.so` in the
/// search directories that exports `trellis_plugin_entry`, then `TRELLIS_PLUGIN_PATH`, then the
/// directory of the running executable. With pins, the pinned libraries are found by their
/// SHA-256 first and loaded before any other; when a pin matches no library, nothing is loaded.
public struct PluginCatalog: Sendable {
    public private(set) var plugins: [LoadedPlugin] = []
    /// Libraries in search directories that failed to load. They are skipped, and named when a
    /// node type cannot be found.
    public private(set) var skipped: [PluginLoadError] = []
    /// Libraries left out because a plugin with the same id was found first.
    public private(set) var shadowed: [LoadedPlugin] = []
    /// Shared libraries in search directories that are not plugins (no `trellis_plugin_entry`):
    /// never opened by the dynamic loader.
    public private(set) var ignored = 0
    /// Pins (plugin id, "sha256:…") that no library matched; then no library was loaded at all.
    public private(set) var unmatchedPins: [String] = []
    /// When a pin matched nothing: the libraries there were (path, SHA-256), for the message.
    public private(set) var pinCandidates: [(path: String, sha256: String)] = []
    /// Pins whose library matched but did not load as that plugin: plugin id → why. Then no other
    /// library was loaded.
    public private(set) var pinFailures: [(plugin: String, reason: String)] = []

    public init() {}

    /// Where a catalog looks for plugins.
    public struct Sources: Sendable {
        /// Plugins already loaded or linked into the process; they come first.
        public var plugins: [LoadedPlugin] = []
        /// Libraries loaded by path; a failure is an error.
        public var explicit: [String] = []
        /// Directories scanned for `*.so`.
        public var directories: [String] = []
        /// Whether `TRELLIS_PLUGIN_PATH` and the executable's directory are scanned too.
        public var includeDefaults = true
        /// Plugin id → "sha256:<hex>": each must match a library before any library is loaded.
        public var pins: [(plugin: String, digest: String)] = []

        public init(
            plugins: [LoadedPlugin] = [], explicit: [String] = [], directories: [String] = [], includeDefaults: Bool = true,
            pins: [(plugin: String, digest: String)] = []
        ) {
            self.plugins = plugins
            self.explicit = explicit
            self.directories = directories
            self.includeDefaults = includeDefaults
            self.pins = pins
        }

        /// Every directory to scan, in order, defaults included.
        public var allDirectories: [String] {
            guard includeDefaults else { return directories }
            let environment = ProcessInfo.processInfo.environment["TRELLIS_PLUGIN_PATH"]?.split(separator: ":").map(String.init) ?? []
            return directories + environment + [PluginCatalog.executableDirectory].compactMap { $0 }
        }
    }

    /// Loads what `sources` names. Returns the catalog and the errors of explicit libraries, in
    /// the order of `sources.explicit` (nil for those that loaded).
    public static func load(_ sources: Sources) -> (PluginCatalog, [PluginLoadError?]) {
        var catalog = PluginCatalog()
        for plugin in sources.plugins { catalog.add(plugin) }
        // Open every library first (no code of theirs runs): explicit ones, then the scanned ones
        // that export the entry point.
        let explicit = sources.explicit.map { path -> Result<PluginFile, PluginLoadError> in
            Result { () throws(PluginLoadError) in try PluginFile.open(URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path) }
        }
        var scanned: [PluginFile] = []
        for directory in sources.allDirectories {
            for path in libraries(in: directory) {
                guard let file = try? PluginFile.open(path), file.exportsEntry else {
                    catalog.ignored += 1
                    continue
                }
                scanned.append(file)
            }
        }
        let files = explicit.compactMap { try? $0.get() } + scanned
        // A pinned plugin is the library with its hash; it loads first, so no other library can
        // claim its id, and a pin that matches nothing stops everything before any code runs.
        var pinned: [PluginFile] = []
        for pin in sources.pins {
            guard let file = files.first(where: { "sha256:" + $0.sha256 == pin.digest }) else {
                catalog.unmatchedPins.append(pin.plugin)
                continue
            }
            pinned.append(file)
        }
        guard catalog.unmatchedPins.isEmpty else {
            catalog.pinCandidates = files.map { ($0.path, $0.sha256) }
            return (catalog, sources.explicit.map { _ in nil })
        }
        for (pin, file) in zip(sources.pins, pinned) {
            // A sealed copy is what is hashed again and loaded: a rewrite in place cannot slip in.
            guard let sealed = file.sealedCopy(), "sha256:" + sealed.sha256 == pin.digest else {
                catalog.pinFailures.append((pin.plugin, "\(file.path) changed while it was being loaded (or no sealed copy of it could be made)"))
                continue
            }
            do {
                let plugin = try PluginLoader.load(sealed, throughDescriptor: true)
                guard plugin.id == pin.plugin else {
                    catalog.pinFailures.append((pin.plugin, "the library with the pinned SHA-256, \(file.path), is plugin '\(plugin.id)'"))
                    continue
                }
                catalog.add(plugin)
            } catch {
                catalog.pinFailures.append((pin.plugin, error.description))
            }
        }
        guard catalog.pinFailures.isEmpty else { return (catalog, sources.explicit.map { _ in nil }) }
        var explicitErrors: [PluginLoadError?] = []
        for opened in explicit {
            do {
                catalog.add(try PluginLoader.load(try opened.get()))
                explicitErrors.append(nil)
            } catch {
                explicitErrors.append(error)
            }
        }
        for file in scanned {
            do {
                catalog.add(try PluginLoader.load(file))
            } catch {
                catalog.skipped.append(error)
            }
        }
        return (catalog, explicitErrors)
    }

    /// Adds a plugin unless one with the same id is already there (the first found wins).
    public mutating func add(_ plugin: LoadedPlugin) {
        if let first = plugins.first(where: { $0.id == plugin.id }) {
            if first.path != plugin.path { shadowed.append(plugin) }
            return
        }
        plugins.append(plugin)
    }

    /// Node types matching `use`: a plain name ("sma-cross"), or "plugin-id/name".
    public func nodeTypes(matching use: String) -> [NodeType] {
        if let slash = use.lastIndex(of: "/") {
            let pluginID = String(use[..<slash]), name = String(use[use.index(after: slash)...])
            return plugins.filter { $0.id == pluginID }.flatMap(\.nodeTypes).filter { $0.name == name }
        }
        return plugins.flatMap(\.nodeTypes).filter { $0.name == use }
    }

    /// Every node type, in plugin order.
    public var nodeTypes: [NodeType] { plugins.flatMap(\.nodeTypes) }

    /// The plugin with `id`.
    public func plugin(id: String) -> LoadedPlugin? { plugins.first { $0.id == id } }

    /// `lib*.so` files directly in `directory`, as absolute paths, sorted by name so the scan
    /// order is stable.
    static func libraries(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasPrefix("lib") && $0.hasSuffix(".so") }.sorted().map {
            URL(fileURLWithPath: directory + "/" + $0).standardizedFileURL.resolvingSymlinksInPath().path
        }
    }

    /// The directory of the running executable, where `swift build` puts plugins next to `trellis`.
    static let executableDirectory: String? = {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }()
}
