/// Wilder's average true range, as TA-Lib computes it: the mean of the first `period` true ranges
/// (bars 2 to period + 1), then (ATR × (period − 1) + TR) / period. First value after period + 1
/// bars. O(1) per update.
public struct AverageTrueRange: Sendable {
    public let period: Int
    @usableFromInline var trueRange = TrueRange()
    @usableFromInline var ranges = 0
    @usableFromInline var average = 0.0

    public init(period: Int) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
    }

    @inlinable public var value: Double? { ranges >= period ? average : nil }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Double? {
        guard let range = trueRange.update(high: high, low: low, close: close) else { return nil }
        let n = Double(period)
        if ranges >= period {
            average = (average * (n - 1) + range) / n
            return average
        }
        ranges += 1
        average += range
        guard ranges == period else { return nil }
        average /= n
        return average
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Double? { update(high: bar.high, low: bar.low, close: bar.close) }
}
