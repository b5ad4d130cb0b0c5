import Foundation

/// A reconciliation with the brokers after a restart (docs/journal.md, "Recovery"): which
/// brokers have yet to answer, the positions they reported, what the journal cannot explain.
final class Reconciliation {
    /// Broker slots that were asked and have not called `done` yet.
    var waiting: Set<Int>
    /// Net positions the brokers reported, by instrument id (summed over brokers).
    var positions: [UInt32: Double] = [:]
    var differences: [ReconcileDifference] = []
    /// Brokers that could not answer, and why.
    var problems: [String] = []
    /// When it began (wall ns); it fails closed after `timeout`.
    let startedAt: Int64
    static let timeoutNanoseconds: Int64 = 30_000_000_000
    /// What an operator accepted for the run resumed, to compare with what this one finds.
    let accepted: [ReconcileDifference]?

    init(waiting: Set<Int>, startedAt: Int64, accepted: [ReconcileDifference]?) {
        self.waiting = waiting
        self.startedAt = startedAt
        self.accepted = accepted
    }

    /// Whether `found` are the differences an operator accepted: the same kinds, symbols and
    /// orders, the same quantities.
    static func same(_ found: [ReconcileDifference], as accepted: [ReconcileDifference]) -> Bool {
        func key(_ difference: ReconcileDifference) -> String {
            func number(_ value: Double?) -> String { value.map { String(format: "%.9g", $0) } ?? "-" }
            return "\(difference.kind.rawValue)|\(difference.symbol)|\(difference.clientID ?? 0)|\(number(difference.host))|\(number(difference.venue))"
        }
        return found.map(key).sorted() == accepted.map(key).sorted()
    }
}
