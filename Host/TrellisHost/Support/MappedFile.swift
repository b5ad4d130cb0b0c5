import CTrellisGuard
import Foundation

/// Reads whole files by mapping them rather than copying them: a 55 MB CSV maps in well under a
/// millisecond where reading it takes about 50 ms. A mapped file that another program truncates
/// while it is read raises SIGBUS: while a mapping is read through `guarding`, the crash
/// reporter turns that into "FILE changed while it was being read" and exit status 1.
enum MappedFile {
    /// The bytes of the file at `path`, mapped read-only, or nil when it cannot be read.
    static func contents(atPath path: String) -> Data? {
        (try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)) ?? FileManager.default.contents(atPath: path)
    }

    /// Runs `body` while a bus error in any of `files`' bytes is reported as that file changing.
    static func guarding<R>(_ files: [(name: String, data: Data)], _ body: () throws -> R) rethrows -> R {
        var tokens: [Int32] = []
        for file in files {
            file.data.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress, bytes.count > 0 else { return }
                tokens.append(trellis_guard_watch_file(base, bytes.count, TerminalText.safe(file.name, limit: 200)))
            }
        }
        defer { for token in tokens { trellis_guard_unwatch_file(token) } }
        return try body()
    }

    /// The file at `path` mapped and read by `body`, guarded; nil when it cannot be read.
    static func read<R>(_ path: String, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard let data = contents(atPath: path) else { return nil }
        return guarding([(path, data)]) { data.withUnsafeBytes(body) }
    }
}
