/// Volume-weighted average price of the typical price (high + low + close) / 3: over the last
/// `period` bars, or since the start of the session (the UTC day). O(1) per update; the price
/// of the last bar while the volume is 0.
public struct VolumeWeightedAveragePrice: Sendable {
    public enum Window: Sendable, Equatable {
        case bars(Int)
        /// From the first bar of each UTC day.
        case session
    }

    public let window: Window
    @usableFromInline var prices: RingBuffer
    @usableFromInline var volumes: RingBuffer
    @usableFromInline var priceVolume = 0.0
    @usableFromInline var volume = 0.0
    @usableFromInline var day = Int64.min
    @usableFromInline var current: Double?

    public init(window: Window) {
        if case .bars(let period) = window { precondition(period >= 1, "period must be at least 1") }
        self.window = window
        let capacity = if case .bars(let period) = window { period } else { 1 }
        prices = RingBuffer(capacity: capacity)
        volumes = RingBuffer(capacity: capacity)
    }

    @inlinable public var value: Double? { current }

    /// `time` (ns since the epoch) only matters for `.session`: a new UTC day starts afresh.
    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double, close: Double, volume barVolume: Double, time: Int64 = 0) -> Double? {
        let typical = (high + low + close) / 3
        switch window {
        case .session:
            let today = CyclicalTime.floorDivide(time, 86_400_000_000_000)
            if today != day { (day, priceVolume, volume) = (today, 0, 0) }
            priceVolume += typical * barVolume
            volume += barVolume
        case .bars:
            priceVolume += typical * barVolume
            volume += barVolume
            if let old = prices.push(typical * barVolume) { priceVolume -= old }
            if let old = volumes.push(barVolume) { volume -= old }
            guard prices.isFull else { return nil }
        }
        current = volume != 0 ? priceVolume / volume : typical
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Double? {
        update(high: bar.high, low: bar.low, close: bar.close, volume: bar.volume, time: bar.header.ts_ns - bar.period_ns)
    }
}
