import Foundation
import Logging
import TrellisHost

/// Log lines for a terminal, on standard error: `level [node @ time] message key=value`, where
/// time is the engine's (simulated) time of the event being handled. What plugins log is shown
/// with control characters escaped and cut at 2,000 characters (`TerminalText`).
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
        let details = all.sorted { $0.key < $1.key }.map { " \($0.key)=\(TerminalText.safe("\($0.value)", limit: 200))" }.joined()
        let line = "\(event.level) \(TerminalText.safe(place, limit: 200))\(TerminalText.safe("\(event.message)"))\(details)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
