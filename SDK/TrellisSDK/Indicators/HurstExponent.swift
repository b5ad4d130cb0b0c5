import Foundation

/// A rolling Hurst exponent of a series (use log prices): over the last `window` values, the
/// slope of ln σ(lag) against ln lag for lags `minLag...maxLag`, σ(lag) being the population
/// standard deviation of the window's lag-differences x[t] − x[t − lag]. About 0.5 for a random
/// walk, above for trending, below for mean-reverting series.
///
/// Each lag keeps compensated running sums of its differences and their squares, so an update
/// costs O(maxLag), whatever the window; nil when a lag's differences are all equal.
public struct HurstExponent: Sendable {
    public let window: Int
    public let minLag: Int
    public let maxLag: Int
    @usableFromInline var values: RingBuffer
    @usableFromInline var sums: [CompensatedSum]
    @usableFromInline var squares: [CompensatedSum]
    @usableFromInline let logLags: [Double]
    @usableFromInline let meanLogLag: Double
    @usableFromInline let spreadLogLag: Double
    @usableFromInline var seen = 0
    @usableFromInline var current: Double?

    public init(window: Int = 100, minLag: Int = 2, maxLag: Int = 20) {
        precondition(minLag >= 1 && maxLag > minLag && window > maxLag + 1, "need 1 ≤ minLag < maxLag < window − 1")
        self.window = window
        self.minLag = minLag
        self.maxLag = maxLag
        values = RingBuffer(capacity: window + 1)
        sums = Array(repeating: CompensatedSum(), count: maxLag - minLag + 1)
        squares = sums
        let logs = (minLag...maxLag).map { log(Double($0)) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        logLags = logs
        meanLogLag = mean
        spreadLogLag = logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        values.push(x)
        let t = seen
        seen += 1
        for index in 0..<sums.count {
            let lag = minLag + index
            if t >= lag {
                let difference = x - values[back: lag]
                sums[index].add(difference)
                squares[index].add(difference * difference)
            }
            if t >= window {
                // The difference x[t − window + lag] − x[t − window] leaves the window.
                let leaving = values[back: window - lag] - values[back: window]
                sums[index].add(-leaving)
                squares[index].add(-leaving * leaving)
            }
        }
        guard t >= window - 1 else { return nil }
        var slope = 0.0
        for index in 0..<sums.count {
            let n = Double(window - minLag - index)
            let mean = sums[index].value / n
            let variance = squares[index].value / n - mean * mean
            guard variance > 0 else {
                current = nil
                return nil
            }
            slope += (logLags[index] - meanLogLag) * log(variance.squareRoot())
        }
        current = slope / spreadLogLag
        return current
    }
}
