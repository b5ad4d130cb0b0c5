import Foundation
import GRDB

extension Journal {
    /// The inputs recorded for run `runID`, in order: from the inputs file beside the journal
    /// (`InputLog`), or, for a run recorded before they moved there, from the journal's own table.
    func liveInputs(runID: String) throws(JournalError) -> [LiveInput] {
        let inputsPath = InputLog.path(besideJournal: path)
        if FileManager.default.fileExists(atPath: inputsPath) {
            do {
                let inputs = try DatabaseQueue(path: inputsPath, configuration: Self.readOnly).read { db in try InputLog.read(db, runID: runID) }
                if !inputs.isEmpty { return inputs }
            } catch {
                throw JournalError(error, path: inputsPath, doing: "read live inputs from")
            }
        }
        do {
            return try database.read { db in try InputLog.read(db, runID: runID) }
        } catch {
            throw JournalError(error, path: path, doing: "read live inputs from")
        }
    }

    private static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        return configuration
    }
}
