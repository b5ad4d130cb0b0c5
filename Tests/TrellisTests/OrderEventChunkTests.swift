import Foundation
import GRDB
import Testing
import TrellisHost

/// A backtest's order events are stored packed (docs/journal.md): every field comes back bit for
/// bit, a damaged chunk gives the events before the damage and says so, and runs stored before
/// packing still read.
@Suite struct OrderEventChunkTests {
    /// 20,000 events (three chunks) with every field varied, from a seeded generator: times and
    /// ids that go back as well as forward, host-assigned ids, empty and repeated texts, minus zero.
    static func variedEvents(from template: RunResult.OrderEvent) -> [RunResult.OrderEvent] {
        var generator = SeededRandom(seed: 20_261_203)
        // "é" twice: precomposed, and "e" with a combining accent (equal to Swift's `==`, not in bytes).
        let texts = ["", "trend", "GOOG", "drawdown", "a reason, with words", "ünïcode ✓", "caf\u{E9}", "cafe\u{301}"]
        let numbers = [
            0.0, -0.0, 100, 169.02, -3.5e-9, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 1e300, 33.804, .nan, -.nan, Double(nan: 7, signaling: false),
            .infinity,
            -.infinity,
        ]
        return (0..<20_000).map { index in
            var event = template
            event.time = index % 97 == 0 ? Int64.random(in: Int64.min...Int64.max, using: &generator) : Int64(index) * 60_000_000_000 - 7
            event.kind = Bool.random(using: &generator) ? .fill : .update
            event.node = texts.randomElement(using: &generator)!
            event.orderID = index % 5 == 0 ? (1 << 63) | UInt64(index) : UInt64.random(in: 0...UInt64(index + 3), using: &generator)
            event.symbol = texts.randomElement(using: &generator)!
            event.side = [-1, 1, 0, Int32.min].randomElement(using: &generator)!
            event.status = Int32.random(in: 0...10, using: &generator)
            event.quantity = numbers.randomElement(using: &generator)!
            event.price = numbers.randomElement(using: &generator)!
            event.commission = numbers.randomElement(using: &generator)!
            event.reasonCode = [0, 0, 0, -7, Int32.max].randomElement(using: &generator)!
            event.reason = texts.randomElement(using: &generator)!
            event.reporter = Bool.random(using: &generator) ? nil : texts.randomElement(using: &generator)!
            return event
        }
    }

    private func stored(_ orders: [RunResult.OrderEvent]) throws -> (journal: Journal, result: RunResult) {
        var result = try JournalTests.googRun()
        result.orders = orders
        let journal = try Journal(path: Repository.temporaryDirectory() + "/journal.sqlite")
        try journal.save(result)
        return (journal, result)
    }

    /// Field by field, texts by their bytes and numbers by their bits.
    private func same(_ left: RunResult.OrderEvent, _ right: RunResult.OrderEvent) -> Bool {
        func bytes(_ text: String?) -> [UInt8]? { text.map { Array($0.utf8) } }
        return left.time == right.time && left.kind == right.kind && bytes(left.node) == bytes(right.node) && left.orderID == right.orderID
            && bytes(left.symbol) == bytes(right.symbol) && left.side == right.side && left.status == right.status
            && left.quantity.bitPattern == right.quantity.bitPattern && left.price.bitPattern == right.price.bitPattern
            && left.commission.bitPattern == right.commission.bitPattern && left.reasonCode == right.reasonCode
            && bytes(left.reason) == bytes(right.reason) && bytes(left.reporter) == bytes(right.reporter)
    }

    @Test func everyFieldComesBackBitForBit() throws {
        let template = try #require(try JournalTests.googRun().orders.first)
        let events = Self.variedEvents(from: template)
        let (journal, result) = try stored(events)
        let loaded = try journal.load(result.runID)
        #expect(loaded.orders.count == events.count)
        #expect(zip(loaded.orders, events).allSatisfy(same), "the first difference: \(String(describing: zip(loaded.orders, events).first { !same($0, $1) }))")
        #expect(loaded.warnings == result.warnings)
        let chunks = try DatabaseQueue(path: journal.path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM order_event_chunks") }
        #expect(chunks == 3)
    }

    @Test func aDamagedChunkGivesTheEventsBeforeItAndSaysWhere() throws {
        let template = try #require(try JournalTests.googRun().orders.first)
        let events = Self.variedEvents(from: template)
        let (journal, result) = try stored(events)
        try DatabaseQueue(path: journal.path).write { db in
            try db.execute(sql: "UPDATE order_event_chunks SET data = substr(data, 1, 1000) WHERE chunk = 1")
            try db.execute(sql: "UPDATE order_event_chunks SET format = 99 WHERE chunk = 2")
        }
        let loaded = try journal.load(result.runID)
        #expect(loaded.orders.count > 8_192 && loaded.orders.count < 8_192 + 200)
        #expect(zip(loaded.orders, events).allSatisfy(same))
        let problems = loaded.warnings.filter { $0.contains("order events chunk") }
        #expect(problems.count == 2)
        #expect(problems.contains { $0.contains("chunk 1 of the journal is damaged: event") && $0.contains("of 8192 is cut short or damaged") })
        #expect(problems.contains { $0.contains("chunk 2 is in format 99") && $0.contains("a newer Trellis wrote it") })
    }

    @Test func aMissingChunkOrAnImpossibleCountIsSaidAndNothingBlowsUp() throws {
        let template = try #require(try JournalTests.googRun().orders.first)
        let events = Self.variedEvents(from: template)
        let (journal, result) = try stored(events)
        try DatabaseQueue(path: journal.path).write { db in
            try db.execute(sql: "DELETE FROM order_event_chunks WHERE chunk = 1")
            try db.execute(sql: "UPDATE order_event_chunks SET events = 9223372036854775807 WHERE chunk = 2")
        }
        let loaded = try journal.load(result.runID)
        #expect(loaded.orders.count == 8_192)
        #expect(zip(loaded.orders, events).allSatisfy(same))
        #expect(loaded.warnings.contains { $0.contains("chunk 2 starts at event 16384, where event 8192 was due: a chunk is missing") })
        #expect(loaded.warnings.contains { $0.contains("chunk 2 claims 9223372036854775807 events") && $0.contains("it was skipped") })
    }

    @Test func aRunStoredBeforePackingReadsItsRows() throws {
        let (journal, result) = try stored([])
        let original = try JournalTests.googRun().orders
        try DatabaseQueue(path: journal.path).write { db in
            for (seq, event) in original.enumerated() {
                try db.execute(
                    sql: "INSERT INTO order_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        result.runID, seq, event.time, event.kind.rawValue, event.node, Int64(bitPattern: event.orderID), event.symbol, event.side,
                        event.status, event.quantity, event.price, event.commission, event.reasonCode, event.reason, event.reporter,
                    ])
            }
        }
        #expect(try journal.load(result.runID).orders == original)
    }
}
