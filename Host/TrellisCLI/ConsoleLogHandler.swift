import Foundation
import Logging

/// Log lines for a terminal, on standard error: `level [node @ time] message key=value`, where
/// time is the engine's (simulated) time of the event being handled.
struct ConsoleLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        var place = ""
        if let node = all.removeValue(forKey: "node") {
            let time = all.removeValue(forKey: "time").map { " @ \($0)" } ?? ""
            place = "[\(node)\(time)] "
        }
        let details = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        FileHandle.standardError.write(Data("\(event.level) \(place)\(event.message)\(details)\n".utf8))
    }
}
