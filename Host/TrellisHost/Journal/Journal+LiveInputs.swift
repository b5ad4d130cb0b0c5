import Foundation
import GRDB

extension Journal {
    /// The inputs recorded for run `runID`, in order.
    func liveInputs(runID: String) throws(JournalError) -> [LiveInput] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM live_inputs WHERE run_id = ? ORDER BY seq", arguments: [runID]).map { row in
                    let headersText: String? = row["headers"]
                    let payload: Data? = row["payload"]
                    let text: String? = row["text"]
                    let ref: Int64 = row["ref"], connection: Int64 = row["connection"]
                    return LiveInput(
                        kind: LiveInput.Kind(rawValue: row["kind"]) ?? .tick, slot: row["slot"], id: UInt64(bitPattern: ref),
                        connection: UInt64(bitPattern: connection), event: row["event"], status: row["status"], outcome: row["outcome"],
                        code: row["code"], elapsed: row["elapsed"],
                        headers: try headersText.map { try JournalJSON.value([LiveInput.HTTPHeaderField].self, from: $0) } ?? [],
                        payload: payload.map { Array($0) } ?? [], text: text ?? "", takenAt: row["taken_at"])
                }
            }
        } catch {
            throw JournalError(error, path: path, doing: "read live inputs from")
        }
    }
}
