import CDispatch
import CTrellis
import CTrellisGuard
import CoreFoundation
import Foundation
import Glibc

/// A plugin library opened for loading, and what can be learnt of it without running any of its
/// code: that it is a regular ELF file, the C symbols it exports (a library without
/// `trellis_plugin_entry` is never opened by the dynamic loader, so its start-up code never
/// runs), its identity on disk and, when asked, its SHA-256, read from the open descriptor. A
/// pinned library is loaded through that descriptor (/proc/self/fd/N): the pin is checked against
/// the very bytes that run, not against a path that could change in between.
public struct PluginFile: Sendable {
    /// The library's absolute path.
    public let path: String
    /// The C symbols it exports (see `ELFExports`), sorted.
    public let exports: [String]
    let identity: FileIdentity
    let digest: FileDigest.Deferred

    /// Whether it exports the plugin entry point.
    public var exportsEntry: Bool { exports.contains(TRELLIS_ENTRY_SYMBOL) }
    /// Lowercase hex SHA-256 of the file's bytes, read from the open descriptor.
    public var sha256: String { digest.value }

    /// The path the dynamic loader opens: the descriptor itself, where /proc is there.
    var descriptorPath: String {
        let viaDescriptor = "/proc/self/fd/\(digest.descriptor ?? -1)"
        return access(viaDescriptor, F_OK) == 0 ? viaDescriptor : path
    }

    /// A sealed in-memory copy of this file (same path, exports and identity), whose digest is
    /// of the copy: loaded through its descriptor, the bytes hashed are the bytes that run, even
    /// if the file is rewritten in place meanwhile. Nil when the system cannot make one.
    func sealedCopy() -> PluginFile? {
        guard let descriptor = digest.descriptor else { return nil }
        let copy = trellis_guard_sealed_copy(descriptor)
        guard copy >= 0 else { return nil }
        return PluginFile(path: path, exports: exports, identity: identity, digest: FileDigest.Deferred(descriptor: copy))
    }

    /// Opens and checks the library at `path` (absolute) without loading it.
    public static func open(_ path: String) throws(PluginLoadError) -> PluginFile {
        // Non-blocking, so that a FIFO named like a library cannot hold the host.
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw PluginLoadError(.fileMissing, path: path, "file not found; build the plugin or fix the path") }
            throw PluginLoadError(.fileMissing, path: path, "cannot open it: \(String(cString: strerror(errno)))")
        }
        let digest = FileDigest.Deferred(descriptor: descriptor)  // closes the descriptor when the last copy goes
        var info = Glibc.stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw PluginLoadError(.fileMissing, path: path, "not a regular file; point at the .so the build produced")
        }
        let size = Int(info.st_size)
        guard size >= 64, let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw PluginLoadError(.notSharedLibrary, path: path, "not a shared library (no ELF header); point at the .so the build produced")
        }
        defer { munmap(base, size) }
        let token = trellis_guard_watch_file(base, size, TerminalText.safe(path, limit: 200))
        defer { trellis_guard_unwatch_file(token) }
        let bytes = UnsafeRawBufferPointer(start: base, count: size)
        guard bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 else {
            throw PluginLoadError(.notSharedLibrary, path: path, "not a shared library (no ELF header); point at the .so the build produced")
        }
        guard let exports = ELFExports.names(in: bytes) else {
            throw PluginLoadError(.notSharedLibrary, path: path, "not a 64-bit little-endian shared library with a dynamic symbol table")
        }
        return PluginFile(path: path, exports: exports, identity: FileIdentity(info), digest: digest)
    }
}

/// Which file a path named when a library was loaded: a rebuilt library is a new file (or the
/// same one changed), which a process that already loaded the old one cannot load again.
struct FileIdentity: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64

    init(_ info: Glibc.stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    /// The identity of the file at `path` now, or nil when there is none.
    static func of(_ path: String) -> FileIdentity? {
        var info = Glibc.stat()
        return stat(path, &info) == 0 ? FileIdentity(info) : nil
    }
}
