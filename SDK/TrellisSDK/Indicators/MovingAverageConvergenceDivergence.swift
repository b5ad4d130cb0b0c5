/// MACD as TA-Lib computes it: the fast EMA minus the slow EMA, its signal line (an EMA of the
/// MACD) and their difference. Both averages start at the slow one's first value, the fast one
/// seeded from the last `fast` inputs then; all three outputs start together, after
/// slow + signal − 1 inputs. O(1) per update.
public struct MovingAverageConvergenceDivergence: Sendable {
    public struct Value: Sendable, Equatable {
        public var macd: Double
        public var signal: Double
        public var histogram: Double
        @inlinable
        public init(macd: Double, signal: Double, histogram: Double) {
            self.macd = macd
            self.signal = signal
            self.histogram = histogram
        }
    }

    public let fast: Int
    public let slow: Int
    public let signalPeriod: Int
    @usableFromInline var fastAverage: ExponentialMovingAverage
    @usableFromInline var slowAverage: ExponentialMovingAverage
    @usableFromInline var signalAverage: ExponentialMovingAverage
    @usableFromInline var recent: RingBuffer
    @usableFromInline var current: Value?

    /// Periods 12, 26 and 9 are the usual ones. A fast period longer than the slow one is swapped,
    /// as TA-Lib does.
    public init(fast: Int = 12, slow: Int = 26, signal: Int = 9) {
        precondition(fast >= 1 && slow >= 1 && signal >= 1, "periods must be at least 1")
        (self.fast, self.slow) = fast <= slow ? (fast, slow) : (slow, fast)
        signalPeriod = signal
        fastAverage = ExponentialMovingAverage(period: self.fast)
        slowAverage = ExponentialMovingAverage(period: self.slow)
        signalAverage = ExponentialMovingAverage(period: signal)
        recent = RingBuffer(capacity: self.fast)
    }

    @inlinable public var value: Value? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Value? {
        recent.push(x)
        guard let slowValue = slowAverage.update(x) else { return nil }
        let fastValue: Double
        if fastAverage.value == nil {
            var sum = 0.0
            for age in stride(from: fast - 1, through: 0, by: -1) { sum += recent[back: age] }
            fastValue = sum / Double(fast)
            fastAverage.seed(fastValue)
        } else {
            fastValue = fastAverage.update(x)!
        }
        let macd = fastValue - slowValue
        guard let signal = signalAverage.update(macd) else { return nil }
        current = Value(macd: macd, signal: signal, histogram: macd - signal)
        return current
    }
}
