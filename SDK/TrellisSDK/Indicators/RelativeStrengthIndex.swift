/// Wilder's relative strength index, as TA-Lib computes it: the average gain and loss of the first
/// `period` changes, then smoothed as (average × (period − 1) + change) / period;
/// RSI = 100 × gain / (gain + loss), 0 when both are 0. First value after period + 1 inputs.
public struct RelativeStrengthIndex: Sendable {
    public let period: Int
    @usableFromInline var previous: Double?
    @usableFromInline var changes = 0
    @usableFromInline var gain = 0.0
    @usableFromInline var loss = 0.0
    @usableFromInline var current: Double?

    public init(period: Int) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        defer { previous = x }
        guard let previous else { return nil }
        let change = x - previous
        let n = Double(period)
        if changes >= period {
            gain *= n - 1
            loss *= n - 1
            if change < 0 { loss -= change } else { gain += change }
            gain /= n
            loss /= n
        } else {
            changes += 1
            if change < 0 { loss -= change } else { gain += change }
            guard changes == period else { return nil }
            gain /= n
            loss /= n
        }
        let total = gain + loss
        current = total != 0 ? 100 * (gain / total) : 0
        return current
    }
}
