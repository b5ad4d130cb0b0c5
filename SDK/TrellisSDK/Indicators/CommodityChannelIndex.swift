/// Lambert's commodity channel index: (TP − mean TP) / (0.015 × mean deviation of TP) over
/// `period` bars, TP = (high + low + close) / 3; 0 when either is 0. The mean deviation needs the
/// whole window: O(period) per update, the one indicator here that is not O(1).
public struct CommodityChannelIndex: Sendable {
    public let period: Int
    @usableFromInline var window: RingBuffer
    @usableFromInline var current: Double?

    public init(period: Int = 20) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        window = RingBuffer(capacity: period)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Double? {
        let typical = (high + low + close) / 3
        window.push(typical)
        guard window.isFull else { return nil }
        var mean = 0.0
        for age in 0..<period { mean += window[back: age] }
        mean /= Double(period)
        var deviation = 0.0
        for age in 0..<period { deviation += abs(window[back: age] - mean) }
        let distance = typical - mean
        current = distance != 0 && deviation != 0 ? distance / (0.015 * (deviation / Double(period))) : 0
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Double? { update(high: bar.high, low: bar.low, close: bar.close) }
}
