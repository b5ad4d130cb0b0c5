import Foundation
import GRDB
import Synchronization

/// The inputs a paper or live run takes (posted events, HTTP answers, WebSocket and TCP events,
/// the loop's passes), recorded for `trellis replay` in a SQLite file of their own beside the
/// journal: `journal.sqlite` keeps them in `journal.inputs.sqlite`. Were they in the journal's
/// file, the sync of every order would carry every market message since the last one to the
/// disk, and committing them each pass cost the engine thread a third of a core
/// (docs/performance.md). Here the engine thread only hands each pass's inputs over; a writer
/// thread of its own commits whatever has gathered, in one transaction, without a sync
/// (`synchronous = NORMAL`: a power cut may lose the last seconds, never damage the file).
/// `finish` waits for every input handed over. A run that ends without stopping (killed) has no
/// result to replay against; its orders and fills are in the journal, synced.
final class InputLog: @unchecked Sendable {
    let path: String
    private let database: DatabaseQueue
    private let runID: String
    /// Inputs handed over and not yet written, and the first failure to write.
    private let pending = Mutex<(inputs: [LiveInput], draining: Bool, failure: JournalError?)>(([], false, nil))
    private let writer = DispatchQueue(label: "trellis.input-log")
    /// The next input's number in the run; the writer's alone.
    private var seq = 0

    /// Where the inputs of the journal at `journalPath` are kept.
    static func path(besideJournal journalPath: String) -> String {
        journalPath.hasSuffix(".sqlite") ? String(journalPath.dropLast(".sqlite".count)) + ".inputs.sqlite" : journalPath + ".inputs"
    }

    /// `maxPages` caps the file (SQLite's `max_page_count`), for the fault tests.
    init(journalPath: String, runID: String, maxPages: Int? = nil) throws(JournalError) {
        path = Self.path(besideJournal: journalPath)
        self.runID = runID
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            // WAL: a replay reads while a run writes, and NORMAL syncs only at checkpoints.
            configuration.journalMode = .wal
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                if let maxPages { try db.execute(sql: "PRAGMA max_page_count = \(maxPages)") }
            }
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw JournalError(error, path: path, doing: "open the recorded inputs in")
        }
    }

    /// Hands `inputs` to the writer. After the writer's first failure nothing more is taken or
    /// written (the file would have a hole): that failure is thrown instead.
    func append(_ inputs: [LiveInput]) throws(JournalError) {
        guard !inputs.isEmpty else { return }
        let (failure, startDrain) = pending.withLock { state -> (JournalError?, Bool) in
            if let failure = state.failure { return (failure, false) }
            state.inputs += inputs
            defer { state.draining = true }
            return (nil, !state.draining)
        }
        if let failure { throw failure }
        if startDrain { writer.async { self.drain() } }
    }

    /// Waits until every input handed over is written; throws the writer's first failure.
    func finish() throws(JournalError) {
        writer.sync {}
        if let failure = pending.withLock({ $0.failure }) { throw failure }
    }

    /// Writes what has gathered, until nothing is left or a write fails.
    private func drain() {
        while true {
            let batch = pending.withLock { state -> [LiveInput] in
                let taken = state.failure == nil ? state.inputs : []
                state.inputs = []
                if taken.isEmpty { state.draining = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                try write(batch)
            } catch {
                pending.withLock { $0.failure = $0.failure ?? error }
            }
        }
    }

    private func write(_ inputs: [LiveInput]) throws(JournalError) {
        do {
            try database.write { db in
                let insert = try db.makeStatement(sql: "INSERT INTO live_inputs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for input in inputs {
                    let headers = input.headers.isEmpty ? nil : try JournalJSON.text(input.headers)
                    try insert.execute(arguments: [
                        runID, seq, input.kind.rawValue, input.slot, Int64(bitPattern: input.id), Int64(bitPattern: input.connection), input.event,
                        input.status, input.outcome, input.code, input.elapsed, input.takenAt, headers,
                        input.payload.isEmpty ? nil : Data(input.payload), input.text.isEmpty ? nil : input.text,
                    ])
                    seq += 1
                }
            }
        } catch {
            throw JournalError(error, path: path, doing: "record inputs in")
        }
    }

    /// The inputs recorded for run `runID` in the table `live_inputs` of `db`, in order.
    static func read(_ db: Database, runID: String) throws -> [LiveInput] {
        try Row.fetchAll(db, sql: "SELECT * FROM live_inputs WHERE run_id = ? ORDER BY seq", arguments: [runID]).map { row in
            let headersText: String? = row["headers"]
            let payload: Data? = row["payload"]
            let text: String? = row["text"]
            let ref: Int64 = row["ref"], connection: Int64 = row["connection"]
            return LiveInput(
                kind: LiveInput.Kind(rawValue: row["kind"]) ?? .tick, slot: row["slot"], id: UInt64(bitPattern: ref),
                connection: UInt64(bitPattern: connection), event: row["event"], status: row["status"], outcome: row["outcome"], code: row["code"],
                elapsed: row["elapsed"], headers: try headersText.map { try JournalJSON.value([LiveInput.HTTPHeaderField].self, from: $0) } ?? [],
                payload: payload.map { Array($0) } ?? [], text: text ?? "", takenAt: row["taken_at"])
        }
    }

    /// The table, as the journal's own schema v4 made it (and still does, for the runs recorded
    /// before the inputs moved here).
    static let tableSQL = """
        CREATE TABLE live_inputs (
          run_id TEXT NOT NULL, seq INTEGER NOT NULL, kind INTEGER NOT NULL, slot INTEGER NOT NULL, ref INTEGER NOT NULL,
          connection INTEGER NOT NULL, event INTEGER NOT NULL, status INTEGER NOT NULL, outcome INTEGER NOT NULL,
          code INTEGER NOT NULL, elapsed INTEGER NOT NULL, taken_at INTEGER NOT NULL, headers TEXT, payload BLOB, text TEXT,
          PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
        """

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: live inputs") { db in try db.execute(sql: tableSQL) }
        return migrator
    }
}
