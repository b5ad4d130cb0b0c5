import CTrellis
import Foundation
import Synchronization

/// Loads plugin libraries: `dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)`, ABI negotiation, and a
/// check of every struct the plugin hands over. A library is loaded once per process; loading the
/// same file again returns the same plugin. Libraries are never unloaded (Swift code in a library
/// cannot be unloaded safely).
public enum PluginLoader {
    /// The ABI versions this host speaks.
    public static let abiMajor = UInt16(TRELLIS_ABI_MAJOR)
    public static let abiMinor = UInt16(TRELLIS_ABI_MINOR)

    /// The version printed by `trellis --version` and told to plugins.
    public static var hostVersion: String { "\(hostVersionText)" }
    private static let hostVersionText: StaticString = "0.1.0"

    private static let loaded = Mutex<[String: LoadedPlugin]>([:])

    /// Loads the plugin library at `path` and checks it.
    public static func load(_ path: String) throws(PluginLoadError) -> LoadedPlugin {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if let plugin = loaded.withLock({ $0[absolute] }) { return plugin }
        let plugin = try open(absolute)
        return loaded.withLock { cache in
            if let existing = cache[absolute] { return existing }
            cache[absolute] = plugin
            return plugin
        }
    }

    /// Checks a plugin linked into this process (no library file) the way `load` checks a
    /// library; `name` stands in for its path in messages ("builtin:<name>").
    public static func register(_ entry: trellis_plugin_entry_fn, name: String) throws(PluginLoadError) -> LoadedPlugin {
        let path = "builtin:\(name)"
        if let plugin = loaded.withLock({ $0[path] }) { return plugin }
        let plugin = try describe(entry, path: path, digest: FileDigest.Deferred(path: nil))
        return loaded.withLock { cache in
            if let existing = cache[path] { return existing }
            cache[path] = plugin
            return plugin
        }
    }

    private static func open(_ path: String) throws(PluginLoadError) -> LoadedPlugin {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PluginLoadError(.fileMissing, path: path, "file not found; build the plugin or fix the path")
        }
        guard isELF(path) else {
            throw PluginLoadError(.notSharedLibrary, path: path, "not a shared library (no ELF header); point at the .so the build produced")
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let detail = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw PluginLoadError(.notSharedLibrary, path: path, "dlopen failed: \(detail)")
        }
        let exports = ELFExports.names(inFile: path) ?? []
        guard let symbol = dlsym(handle, TRELLIS_ENTRY_SYMBOL) else {
            let found =
                exports.isEmpty ? "it exports no C function" : "it exports \(exports.prefix(5).joined(separator: ", "))\(exports.count > 5 ? ", ..." : "")"
            throw PluginLoadError(
                .noEntrySymbol, path: path,
                "no entry point '\(TRELLIS_ENTRY_SYMBOL)' (\(found)); export it with TRELLIS_EXPORT in C, #[no_mangle] in Rust or @c(trellis_plugin_entry) in Swift"
            )
        }
        let entry = unsafeBitCast(symbol, to: trellis_plugin_entry_fn.self)
        let plugin = try describe(entry, path: path, digest: FileDigest.Deferred(path: path))
        return plugin.with(otherExports: exports.filter { $0 != TRELLIS_ENTRY_SYMBOL })
    }

    /// Negotiates with `entry` and checks every factory.
    private static func describe(_ entry: trellis_plugin_entry_fn, path: String, digest: FileDigest.Deferred) throws(PluginLoadError) -> LoadedPlugin {
        let descriptor = try negotiate(entry, path: path)
        let id = String(descriptor.pointee.id)
        let nodeTypes = try PluginChecks.nodeTypes(of: descriptor, id: id, path: path)
        return LoadedPlugin(
            path: path, digest: digest, id: id, version: String(descriptor.pointee.version),
            description: String(descriptor.pointee.description), abiMajor: Int(descriptor.pointee.abi_major),
            abiMinor: Int(descriptor.pointee.abi_minor), nodeTypes: nodeTypes, descriptor: descriptor)
    }

    /// Calls the entry with the host's ABI range and checks the answer.
    private static func negotiate(_ entry: trellis_plugin_entry_fn, path: String) throws(PluginLoadError) -> UnsafePointer<trellis_plugin> {
        let hostName: StaticString = "trellis"
        var info = trellis_loader_info()
        info.struct_size = UInt32(MemoryLayout<trellis_loader_info>.size)
        info.abi_major_min = abiMajor
        info.abi_major_max = abiMajor
        info.abi_minor = abiMinor
        info.host_name = trellis_str(staticString: hostName)
        info.host_version = trellis_str(staticString: hostVersionText)
        let hostABI = "\(abiMajor).\(abiMinor)"
        guard let descriptor = entry(&info) else {
            throw PluginLoadError(
                .declined, path: path,
                "the plugin declined this host (ABI \(hostABI)); it needs a newer Trellis or must be rebuilt against CTrellis.h \(abiMajor).x")
        }
        let prefix = MemoryLayout<trellis_plugin>.offset(of: \.id)!
        guard descriptor.pointee.struct_size >= prefix else {
            throw PluginLoadError(
                .structTooSmall, path: path, "its plugin descriptor is \(descriptor.pointee.struct_size) bytes, too small to hold even the ABI version")
        }
        let major = descriptor.pointee.abi_major, minor = descriptor.pointee.abi_minor
        guard major == abiMajor else {
            throw PluginLoadError(
                .abiMismatch, path: path, "it speaks ABI \(major).\(minor), this host speaks \(hostABI); rebuild the plugin against CTrellis.h \(abiMajor).x")
        }
        let required = MemoryLayout<trellis_plugin>.size
        guard descriptor.pointee.struct_size >= required else {
            throw PluginLoadError(
                .structTooSmall, path: path,
                "its plugin descriptor (trellis_plugin) is \(descriptor.pointee.struct_size) bytes; ABI \(abiMajor).0 needs at least \(required)")
        }
        return descriptor
    }

    /// Whether the file starts with the ELF magic number.
    private static func isELF(_ path: String) -> Bool {
        guard let file = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? file.close() }
        let magic = (try? file.read(upToCount: 4)) ?? Data()
        return magic == Data([0x7f, 0x45, 0x4c, 0x46])
    }
}

extension trellis_str {
    /// A borrowed view of a static string, valid forever.
    init(staticString text: StaticString) {
        self.init(ptr: UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self), len: UInt64(text.utf8CodeUnitCount))
    }
}
