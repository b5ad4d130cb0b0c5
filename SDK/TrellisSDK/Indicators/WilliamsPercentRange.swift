/// Williams %R: (highest high − close) / (highest high − lowest low) × −100 over `period` bars,
/// from −100 (at the low) to 0 (at the high); 0 when the range is 0. Amortised O(1).
public struct WilliamsPercentRange: Sendable {
    public let period: Int
    @usableFromInline var highest: RollingExtreme
    @usableFromInline var lowest: RollingExtreme
    @usableFromInline var current: Double?

    public init(period: Int = 14) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        highest = RollingExtreme(window: period, kind: .highest)
        lowest = RollingExtreme(window: period, kind: .lowest)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Double? {
        let top = highest.push(high), bottom = lowest.push(low)
        guard highest.isFull else { return nil }
        let range = (top - bottom) / -100
        current = range != 0 ? (top - close) / range : 0
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Double? { update(high: bar.high, low: bar.low, close: bar.close) }
}
