/// The stochastic oscillator as TA-Lib's STOCH computes it with simple averages: fast %K =
/// (close − lowest low) / ((highest high − lowest low) / 100) over `fastK` bars (0 when the range
/// is 0); slow %K = its `slowK`-bar average; %D = the `slowD`-bar average of slow %K. First value
/// after fastK + slowK + slowD − 2 bars. Amortised O(1) per update.
public struct Stochastic: Sendable {
    public struct Value: Sendable, Equatable {
        public var k: Double
        public var d: Double
        @inlinable
        public init(k: Double, d: Double) {
            self.k = k
            self.d = d
        }
    }

    public let fastK: Int
    @usableFromInline var highest: RollingExtreme
    @usableFromInline var lowest: RollingExtreme
    @usableFromInline var slowK: SimpleMovingAverage
    @usableFromInline var slowD: SimpleMovingAverage
    @usableFromInline var current: Value?

    public init(fastK: Int = 14, slowK: Int = 3, slowD: Int = 3) {
        precondition(fastK >= 1, "fastK must be at least 1")
        self.fastK = fastK
        highest = RollingExtreme(window: fastK, kind: .highest)
        lowest = RollingExtreme(window: fastK, kind: .lowest)
        self.slowK = SimpleMovingAverage(period: slowK)
        self.slowD = SimpleMovingAverage(period: slowD)
    }

    @inlinable public var value: Value? { current }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Value? {
        let top = highest.push(high), bottom = lowest.push(low)
        guard highest.isFull else { return nil }
        let range = (top - bottom) / 100
        let fast = range != 0 ? (close - bottom) / range : 0
        guard let k = slowK.update(fast), let d = slowD.update(k) else { return nil }
        current = Value(k: k, d: d)
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Value? { update(high: bar.high, low: bar.low, close: bar.close) }
}
