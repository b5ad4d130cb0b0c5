/// Donchian channel: the highest high and lowest low of the last `period` bars and their
/// midpoint (TA-Lib's MAX, MIN and MIDPRICE). Amortised O(1) per update.
public struct DonchianChannel: Sendable {
    public typealias Value = Band

    public let period: Int
    @usableFromInline var highest: RollingExtreme
    @usableFromInline var lowest: RollingExtreme
    @usableFromInline var current: Value?

    public init(period: Int = 20) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        highest = RollingExtreme(window: period, kind: .highest)
        lowest = RollingExtreme(window: period, kind: .lowest)
    }

    @inlinable public var value: Value? { current }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double) -> Value? {
        let top = highest.push(high), bottom = lowest.push(low)
        guard highest.isFull else { return nil }
        current = Value(upper: top, middle: (top + bottom) / 2, lower: bottom)
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Value? { update(high: bar.high, low: bar.low) }
}
