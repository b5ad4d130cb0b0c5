/// Wilder's directional movement, as TA-Lib computes it: +DI and −DI (first after period + 1
/// bars) and ADX (first after 2 × period bars).
///
/// +DM is today's high − yesterday's high when that beats yesterday's low − today's low and is
/// positive (−DM the other way round). +DM, −DM and the true range are summed over the first
/// period − 1 bars, then smoothed as S − S / period + today's; ±DI = 100 × DM / TR;
/// DX = 100 × |+DI − −DI| / (+DI + −DI); ADX is the mean of the first `period` DX, then
/// (ADX × (period − 1) + DX) / period. O(1) per update.
public struct AverageDirectionalIndex: Sendable {
    public struct Value: Sendable, Equatable {
        public var plusDI: Double
        public var minusDI: Double
        /// nil until 2 × period bars.
        public var adx: Double?

        @inlinable
        public init(plusDI: Double, minusDI: Double, adx: Double?) {
            self.plusDI = plusDI
            self.minusDI = minusDI
            self.adx = adx
        }
    }

    public let period: Int
    @usableFromInline var bars = 0
    @usableFromInline var previousHigh = 0.0
    @usableFromInline var previousLow = 0.0
    @usableFromInline var previousClose = 0.0
    @usableFromInline var plusDM = 0.0
    @usableFromInline var minusDM = 0.0
    @usableFromInline var trueRange = 0.0
    @usableFromInline var sumDX = 0.0
    @usableFromInline var adx = 0.0
    @usableFromInline var current: Value?

    public init(period: Int = 14) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
    }

    @inlinable public var value: Value? { current }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Value? {
        let bar = bars
        bars += 1
        defer { (previousHigh, previousLow, previousClose) = (high, low, close) }
        guard bar > 0 else { return nil }
        let up = high - previousHigh, down = previousLow - low
        var plus = 0.0, minus = 0.0
        if down > 0 && up < down {
            minus = down
        } else if up > 0 && up > down {
            plus = up
        }
        let range = TrueRange.range(high: high, low: low, previousClose: previousClose)
        let n = Double(period)
        if bar < period {
            plusDM += plus
            minusDM += minus
            trueRange += range
            return nil
        }
        plusDM = plusDM - plusDM / n + plus
        minusDM = minusDM - minusDM / n + minus
        trueRange = trueRange - trueRange / n + range
        let plusDI = trueRange != 0 ? 100 * (plusDM / trueRange) : 0
        let minusDI = trueRange != 0 ? 100 * (minusDM / trueRange) : 0
        let sum = plusDI + minusDI
        let dx: Double? = trueRange != 0 && sum != 0 ? 100 * (abs(minusDI - plusDI) / sum) : nil
        var ready: Double?
        if bar < 2 * period {
            sumDX += dx ?? 0
            if bar == 2 * period - 1 {
                adx = sumDX / n
                ready = adx
            }
        } else {
            if let dx { adx = (adx * (n - 1) + dx) / n }
            ready = adx
        }
        current = Value(plusDI: plusDI, minusDI: minusDI, adx: ready)
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Value? { update(high: bar.high, low: bar.low, close: bar.close) }
}
