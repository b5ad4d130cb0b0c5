import Foundation
import GRDB

extension Journal {
    /// Appends inputs a paper or live run took, in order from `first` (their sequence numbers), in
    /// one transaction: `trellis replay` feeds them to the same graph again.
    func appendLiveInputs(runID: String, _ inputs: [LiveInput], first: Int) throws(JournalError) {
        do {
            try database.write { db in
                let statement = try db.makeStatement(
                    sql: """
                        INSERT INTO live_inputs (run_id, seq, kind, slot, ref, connection, event, status, outcome, code, elapsed, taken_at, headers, payload, text)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                for (offset, input) in inputs.enumerated() {
                    let headers = input.headers.isEmpty ? nil : try JournalJSON.text(input.headers)
                    try statement.execute(arguments: [
                        runID, first + offset, input.kind.rawValue, input.slot, Int64(bitPattern: input.id), Int64(bitPattern: input.connection),
                        input.event, input.status, input.outcome, input.code, input.elapsed, input.takenAt, headers,
                        input.payload.isEmpty ? nil : Data(input.payload), input.text.isEmpty ? nil : input.text,
                    ])
                }
            }
        } catch {
            throw JournalError(error, path: path, doing: "record live inputs in")
        }
    }

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
