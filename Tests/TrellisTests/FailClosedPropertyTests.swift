import CTrellis
import Foundation
import Testing
import TrellisHost

/// The hostile-input property: random finite and non-finite numbers in every limit and every
/// order field, seeded. Whatever they are, nothing traps (the test runs in-process), a limit
/// that is not a finite number in range is refused at its place before anything runs, no order
/// that reaches the venue breaks a limit or carries a hostile number, and the journal takes the
/// run and gives it back readable.
@Suite struct FailClosedPropertyTests {
    /// A limit's value: absent, fine, or hostile (non-finite, negative, beyond its bound).
    enum Draw {
        case absent
        case fine(Double)
        case hostile(String)
    }

    static let trials: [UInt64] = Array(1...24)

    @Test(arguments: trials)
    func hostileNumbersNeverTrapNorPassALimit(seed: UInt64) throws {
        var random = SeededRandom(seed: 0xF41C + seed)
        func draw(fine: [Double]) -> Draw {
            let roll = random.unit()
            if roll < 0.25 { return .absent }
            if roll < 0.85 { return .fine(fine[Int(random.unit() * Double(fine.count))]) }
            return .hostile([".nan", ".inf", "-.inf", "-1", "0", "1e300", "1.7e308"][Int(random.unit() * 7)])
        }
        let limits: [(key: String, draw: Draw)] = [
            ("max_order_notional", draw(fine: [500, 3000, 1e6])), ("max_position", draw(fine: [10, 40, 1e9])),
            ("price_band_percent", draw(fine: [1, 5, 50])), ("max_daily_loss", draw(fine: [100, 1e5])), ("max_orders_per_second", draw(fine: [2, 5])),
        ]
        let written = limits.compactMap { limit -> String? in
            switch limit.draw {
            case .absent: nil
            case .fine(let value): "\(limit.key): \(limit.key == "max_orders_per_second" ? String(Int(value)) : String(value))"
            case .hostile(let text): "\(limit.key): \(text)"
            }
        }
        let unitsOnly = seed % 2 == 1
        let scenario = Scenario()
        var closes = [100.0]
        for _ in 1..<160 { closes.append(closes.last! * (1 + (random.unit() - 0.5) * 0.04)) }
        let path = RegimeClassifierTests.write(RegimeClassifierTests.bars(closes: closes, wick: 0.5), to: scenario)
        let tag = "property-\(seed)"
        let yaml = """
            trellis: 1
            venue: { cash: 100000, commission: 0.001 }
            limits: { \(written.joined(separator: ", ")) }
            feeds: { s: { source: csv, path: \(path), time_format: unix_s, symbol: XYZ } }
            nodes:
              bad: { use: test-hostile, inputs: [s], params: { tag: \(tag), seed: \(seed), per_bar: 6, modes: \(unitsOnly ? "units" : "all") } }
            """
        let hostileLimits = limits.filter { if case .hostile = $0.draw { return true } else { return false } }
        if !hostileLimits.isEmpty {
            let problems = scenario.problems(yaml)
            for limit in hostileLimits {
                #expect(
                    problems.contains { $0.location?.line == 3 && ($0.message.contains("limits.\(limit.key)") || $0.message.contains("NaN and infinity")) },
                    "seed \(seed): \(limit.key) \(limit.draw) must be refused at line 3: \(problems)")
            }
            return
        }
        func value(_ key: String) -> Double? {
            guard case .fine(let value) = limits.first(where: { $0.key == key })?.draw else { return nil }
            return value
        }
        let result = try scenario.run(yaml)
        let notes = TestNodes.orderNotes(tag, "bad")
        let events = result.orders.filter { $0.node == "bad" }
        let accepted = events.filter { $0.kind == .update && $0.status == TRELLIS_ORDER_ACCEPTED }
        for order in accepted {
            guard let note = notes[order.orderID] else { continue }  // a close
            #expect(note.size.isFinite && note.size > 0 && note.price.isFinite, "seed \(seed): a hostile number reached the venue: \(note)")
            if let limit = value("max_order_notional") {
                let notional = note.mode == TRELLIS_SIZE_NOTIONAL ? note.size : note.mode == TRELLIS_SIZE_UNITS ? note.size * note.price : 0
                #expect(notional <= limit * (1 + 1e-9), "seed \(seed): order \(order.orderID) of notional \(notional) passed the limit \(limit)")
            }
        }
        if unitsOnly, let limit = value("max_position") {
            var position = 0.0
            for fill in events where fill.kind == .fill {
                position += Double(fill.side) * fill.quantity
                #expect(abs(position) <= limit + 1e-9, "seed \(seed): position \(position) after order \(fill.orderID)")
            }
        }
        #expect(result.finalEquity.isFinite && result.equityValues.allSatisfy(\.isFinite), "seed \(seed)")
        // The journal takes the run and gives it back, and the report draws it.
        let journal = try Journal(path: scenario.directory + "/journal.sqlite")
        try journal.save(result)
        let stored = try journal.load("last")
        #expect(stored.fingerprint == result.fingerprint && stored.orders.count == result.orders.count)
        #expect(HTMLReport.render(stored).contains("</html>"))
    }
}
