/// Aroon: how recently, within the last period + 1 bars, the highest high (up) and the lowest low
/// (down) came: 100 × (period − bars since) / period. The oscillator is up − down. First value
/// after period + 1 bars; of equal extremes the most recent counts, as in TA-Lib.
public struct Aroon: Sendable {
    public struct Value: Sendable, Equatable {
        public var up: Double
        public var down: Double
        public var oscillator: Double
        @inlinable
        public init(up: Double, down: Double, oscillator: Double) {
            self.up = up
            self.down = down
            self.oscillator = oscillator
        }
    }

    public let period: Int
    @usableFromInline var highest: RollingExtreme
    @usableFromInline var lowest: RollingExtreme
    @usableFromInline var current: Value?

    public init(period: Int = 14) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        highest = RollingExtreme(window: period + 1, kind: .highest)
        lowest = RollingExtreme(window: period + 1, kind: .lowest)
    }

    @inlinable public var value: Value? { current }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double) -> Value? {
        highest.push(high)
        lowest.push(low)
        guard highest.isFull else { return nil }
        let factor = 100 / Double(period)
        let up = factor * Double(period - highest.age), down = factor * Double(period - lowest.age)
        current = Value(up: up, down: down, oscillator: factor * Double(lowest.age - highest.age))
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Value? { update(high: bar.high, low: bar.low) }
}
