/// Keltner channel: the EMA of closes over `period` bars, and bands `multiplier` ATRs over
/// `atrPeriod` bars above and below it. O(1) per update.
public struct KeltnerChannel: Sendable {
    public typealias Value = Band

    public let multiplier: Double
    @usableFromInline var average: ExponentialMovingAverage
    @usableFromInline var range: AverageTrueRange
    @usableFromInline var current: Value?

    public init(period: Int = 20, atrPeriod: Int = 10, multiplier: Double = 2) {
        self.multiplier = multiplier
        average = ExponentialMovingAverage(period: period)
        range = AverageTrueRange(period: atrPeriod)
    }

    @inlinable public var value: Value? { current }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Value? {
        let middle = average.update(close)
        let atr = range.update(high: high, low: low, close: close)
        guard let middle, let atr else { return nil }
        current = Value(upper: middle + multiplier * atr, middle: middle, lower: middle - multiplier * atr)
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Value? { update(high: bar.high, low: bar.low, close: bar.close) }
}
