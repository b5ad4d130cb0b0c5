import Foundation
import Glibc
import ZIPFoundation

/// The files a feed's path names: one file, or a glob pattern's files in name order; a `.zip`
/// (as data.binance.vision publishes them) gives the CSV files it holds, named "archive.zip:file.csv".
public enum FeedFiles {
    /// The contents of every file `pattern` names, each with a name for diagnostics.
    public static func read(_ pattern: String) -> Result<[(name: String, data: Data)], DiagnosticsError> {
        let paths = expand(pattern)
        guard !paths.isEmpty else {
            return .failure(
                DiagnosticsError([Diagnostic(file: pattern, at: nil, "no file matches the feed's path", hint: "paths are relative to the graph file")]))
        }
        var files: [(name: String, data: Data)] = []
        for path in paths {
            // Named by the path as given (relative to the working directory, or absolute), so a
            // message's file:line opens in an editor from where trellis ran.
            let name = path
            if path.lowercased().hasSuffix(".zip") {
                switch unzip(path, name: name) {
                case .success(let entries): files += entries
                case .failure(let error): return .failure(error)
                }
            } else if let data = MappedFile.contents(atPath: path) {
                files.append((name, data))
            } else {
                return .failure(DiagnosticsError([Diagnostic(file: name, at: nil, "cannot read the data file", hint: "check the path and its permissions")]))
            }
        }
        return .success(files)
    }

    /// The files matching `pattern` (a plain path is its own match when it exists), sorted.
    static func expand(_ pattern: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else {
            return FileManager.default.fileExists(atPath: pattern) ? [pattern] : []
        }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    /// The CSV files inside a zip archive, in name order, named "archive.zip:file.csv".
    private static func unzip(_ path: String, name: String) -> Result<[(name: String, data: Data)], DiagnosticsError> {
        do {
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            let entries = archive.filter { $0.type == .file && $0.path.lowercased().hasSuffix(".csv") }.sorted { $0.path < $1.path }
            guard !entries.isEmpty else {
                return .failure(DiagnosticsError([Diagnostic(file: name, at: nil, "the archive holds no .csv file")]))
            }
            return .success(
                try entries.map { entry in
                    var data = Data()
                    _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
                    return ("\(name):\(entry.path)", data)
                })
        } catch {
            return .failure(DiagnosticsError([Diagnostic(file: name, at: nil, "cannot read the zip archive: \(error)")]))
        }
    }
}
