/// Chaikin money flow over `period` bars: Σ(multiplier × volume) / Σ volume, the multiplier being
/// ((close − low) − (high − close)) / (high − low), 0 for a bar with no range; 0 while the volume
/// is 0. O(1) per update.
public struct ChaikinMoneyFlow: Sendable {
    public let period: Int
    @usableFromInline var flows: RingBuffer
    @usableFromInline var volumes: RingBuffer
    @usableFromInline var flow = 0.0
    @usableFromInline var volume = 0.0
    @usableFromInline var current: Double?

    public init(period: Int = 20) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        flows = RingBuffer(capacity: period)
        volumes = RingBuffer(capacity: period)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double, close: Double, volume barVolume: Double) -> Double? {
        let range = high - low
        let multiplier = range != 0 ? ((close - low) - (high - close)) / range : 0
        let barFlow = multiplier * barVolume
        flow += barFlow
        volume += barVolume
        if let old = flows.push(barFlow) { flow -= old }
        if let old = volumes.push(barVolume) { volume -= old }
        guard flows.isFull else { return nil }
        current = volume != 0 ? flow / volume : 0
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Double? { update(high: bar.high, low: bar.low, close: bar.close, volume: bar.volume) }
}
