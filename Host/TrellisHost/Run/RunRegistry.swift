import Foundation
import Glibc

/// The runs going on with one journal: a file `running/<run id>` in the journal's folder, written
/// when a run starts and removed when it ends, holding the host's process id. `trellis kill` asks
/// it which runs there are; a file whose process is gone (a crash) is stale and is removed.
public enum RunRegistry {
    /// Notes that run `runID` is going on in this process.
    static func register(_ runID: String, in directory: String, graph: String) {
        let folder = directory + "/running"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try? OutputFile.write(Data("\(getpid())\n\(graph)\n".utf8), to: folder + "/" + runID)
    }

    /// Notes that run `runID` has ended.
    static func unregister(_ runID: String, in directory: String) {
        unlink(directory + "/running/" + runID)
    }

    /// The runs going on now, by id, with the graph each runs; stale entries are removed.
    public static func running(in directory: String) -> [(id: String, graph: String)] {
        let folder = directory + "/running"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        // Dot files are entries being written (OutputFile's temporary names).
        return names.filter { !$0.hasPrefix(".") }.sorted().compactMap { name in
            let lines = ((try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? "").split(separator: "\n")
            guard let pid = lines.first.flatMap({ pid_t($0) }), pid > 0, kill(pid, 0) == 0 || errno == EPERM else {
                unlink(folder + "/" + name)
                return nil
            }
            return (name, lines.dropFirst().first.map(String.init) ?? "")
        }
    }
}
