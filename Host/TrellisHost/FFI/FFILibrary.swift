import CFFI
import Foundation
import Glibc

/// Finding and opening the library an `ffi` node names, and the function in it.
public enum FFILibrary {
    /// A name with a `/`, or one that names a file next to the graph, is a path relative to the
    /// graph's directory; any other name (libm.so.6) is left to the system loader.
    public static func resolve(_ name: String, graphDirectory: String) -> String {
        let local = name.hasPrefix("/") ? name : (graphDirectory.isEmpty ? name : graphDirectory + "/" + name)
        if name.contains("/") || FileManager.default.fileExists(atPath: local) {
            return name.hasPrefix("/") ? name : URL(fileURLWithPath: local).standardizedFileURL.path
        }
        return name
    }

    /// The function `symbol` of the library at `path` (opened once and kept for the process).
    public static func function(_ symbol: String, in path: String) throws(FFIError) -> UnsafeMutableRawPointer {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw FFIError("cannot open the library: \(reason)")
        }
        _ = dlerror()
        guard let address = dlsym(handle, symbol) else {
            let exported = exports(of: handle) ?? []
            let guess = Suggestion.phrase(for: symbol, in: exported).map { "; \($0)" } ?? ""
            throw FFIError("the library has no function '\(symbol)'\(guess)")
        }
        return address
    }

    /// The file the loader opened for the library `path` (libm.so.6 → /lib/…/libm.so.6), if it
    /// is loaded.
    public static func file(of path: String) -> String? {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD) else { return nil }
        defer { dlclose(handle) }
        return trellis_library_file(handle).map { String(cString: $0) }
    }

    /// The file the loader opened for `handle`, and the names it exports.
    private static func exports(of handle: UnsafeMutableRawPointer) -> [String]? {
        guard let file = trellis_library_file(handle) else { return nil }
        return ELFExports.names(inFile: String(cString: file))
    }
}
