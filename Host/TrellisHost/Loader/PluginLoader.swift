import CTrellis
import CTrellisGuard
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
    /// The descriptors of every library handed to the dynamic loader, open for the life of the
    /// process: the loader knows a library by the name it was opened under (/proc/self/fd/N), so
    /// that number must never name another file.
    private static let handedOver = Mutex<[FileDigest.Deferred]>([])

    /// Loads the plugin library at `path` and checks it. A file loaded before is not loaded
    /// again: the plugin is the one already loaded, with a warning when the file has changed
    /// since (a rebuilt library takes a new process).
    public static func load(_ path: String) throws(PluginLoadError) -> LoadedPlugin {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if let plugin = loaded.withLock({ $0[absolute] }) { return plugin.checkedForChange() }
        return try load(try PluginFile.open(absolute))
    }

    /// Loads a library opened (and checked, and perhaps hashed) by `PluginFile.open`. With
    /// `throughDescriptor` (a pinned library) the dynamic loader opens the very descriptor that
    /// was hashed, so what runs is what was verified; the library is then known to debuggers as
    /// /proc/self/fd/N. Otherwise it opens the path (debuggers and profilers see the file's name),
    /// and a file replaced in between is refused.
    public static func load(_ file: PluginFile, throughDescriptor: Bool = false) throws(PluginLoadError) -> LoadedPlugin {
        if let plugin = loaded.withLock({ $0[file.path] }) { return plugin.checkedForChange() }
        guard file.exportsEntry else {
            let found =
                file.exports.isEmpty
                ? "it exports no C function" : "it exports \(file.exports.prefix(5).joined(separator: ", "))\(file.exports.count > 5 ? ", ..." : "")"
            throw PluginLoadError(
                .noEntrySymbol, path: file.path,
                "no entry point '\(TRELLIS_ENTRY_SYMBOL)' (\(found)); export it with TRELLIS_EXPORT in C, #[no_mangle] in Rust or @c(trellis_plugin_entry) in Swift"
            )
        }
        let name = throughDescriptor ? file.descriptorPath : file.path
        // The library's constructors and entry run from here: a crash or an exit() names it.
        CrashReporter.install()
        trellis_guard_loading(TerminalText.safe(file.path, limit: 400))
        defer { trellis_guard_loading(nil) }
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let detail = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw PluginLoadError(.notSharedLibrary, path: file.path, "dlopen failed: \(detail.replacingOccurrences(of: name, with: file.path))")
        }
        if throughDescriptor {
            handedOver.withLock { $0.append(file.digest) }
        } else if FileIdentity.of(file.path) != file.identity {
            throw PluginLoadError(
                .notSharedLibrary, path: file.path, "the file changed on disk while it was being loaded (a rebuild?); run again once it is complete")
        }
        guard let symbol = dlsym(handle, TRELLIS_ENTRY_SYMBOL) else {
            throw PluginLoadError(.noEntrySymbol, path: file.path, "no entry point '\(TRELLIS_ENTRY_SYMBOL)' after loading")
        }
        let entry = unsafeBitCast(symbol, to: trellis_plugin_entry_fn.self)
        let plugin = try describe(entry, path: file.path, digest: file.digest).with(otherExports: file.exports.filter { $0 != TRELLIS_ENTRY_SYMBOL })
            .with(identity: file.identity)
        return loaded.withLock { cache in
            if let existing = cache[file.path] { return existing }
            cache[file.path] = plugin
            return plugin
        }
    }

    /// Checks a plugin linked into this process (no library file) the way `load` checks a
    /// library; `name` stands in for its path in messages ("builtin:<name>").
    public static func register(_ entry: trellis_plugin_entry_fn, name: String) throws(PluginLoadError) -> LoadedPlugin {
        let path = "builtin:\(name)"
        if let plugin = loaded.withLock({ $0[path] }) { return plugin }
        let plugin = try describe(entry, path: path, digest: FileDigest.Deferred(descriptor: nil))
        return loaded.withLock { cache in
            if let existing = cache[path] { return existing }
            cache[path] = plugin
            return plugin
        }
    }

    /// Negotiates with `entry` and checks every factory.
    private static func describe(_ entry: trellis_plugin_entry_fn, path: String, digest: FileDigest.Deferred) throws(PluginLoadError) -> LoadedPlugin {
        let descriptor = try negotiate(entry, path: path)
        let id = TerminalText.safe(String(descriptor.pointee.id), limit: 100)
        let nodeTypes = try PluginChecks.nodeTypes(of: descriptor, id: id, path: path)
        return LoadedPlugin(
            path: path, digest: digest, id: id, version: TerminalText.safe(String(descriptor.pointee.version), limit: 100),
            description: TerminalText.safe(String(descriptor.pointee.description), limit: 500), abiMajor: Int(descriptor.pointee.abi_major),
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
}

extension trellis_str {
    /// A borrowed view of a static string, valid forever.
    init(staticString text: StaticString) {
        self.init(ptr: UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self), len: UInt64(text.utf8CodeUnitCount))
    }
}
