import Foundation

/// The plugins a graph can use: explicitly named libraries first, then every `*.so` in the search
/// directories, then `TRELLIS_PLUGIN_PATH`, then the directory of the running executable.
public struct PluginCatalog: Sendable {
    public private(set) var plugins: [LoadedPlugin] = []
    /// Libraries in search directories that failed to load. They are skipped, and named when a
    /// node type cannot be found.
    public private(set) var skipped: [PluginLoadError] = []
    /// Libraries left out because a plugin with the same id was found first.
    public private(set) var shadowed: [LoadedPlugin] = []

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

        public init(plugins: [LoadedPlugin] = [], explicit: [String] = [], directories: [String] = [], includeDefaults: Bool = true) {
            self.plugins = plugins
            self.explicit = explicit
            self.directories = directories
            self.includeDefaults = includeDefaults
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
        var explicitErrors: [PluginLoadError?] = []
        for plugin in sources.plugins { catalog.add(plugin) }
        for path in sources.explicit {
            do {
                catalog.add(try PluginLoader.load(path))
                explicitErrors.append(nil)
            } catch {
                explicitErrors.append(error)
            }
        }
        for directory in sources.allDirectories {
            for path in libraries(in: directory) {
                do {
                    catalog.add(try PluginLoader.load(path))
                } catch {
                    catalog.skipped.append(error)
                }
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

    /// `*.so` files directly in `directory`, sorted by name so the scan order is stable.
    static func libraries(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".so") }.sorted().map { directory + "/" + $0 }
    }

    /// The directory of the running executable, where `swift build` puts plugins next to `trellis`.
    static let executableDirectory: String? = {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }()
}
