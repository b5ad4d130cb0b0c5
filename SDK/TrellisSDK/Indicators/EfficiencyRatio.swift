/// Kaufman's efficiency ratio over `period` bars: the net change divided by the sum of the
/// absolute bar-to-bar changes, from 0 (noise) to 1 (a straight line); 0 when nothing moved.
/// O(1) per update.
public struct EfficiencyRatio: Sendable {
    public let period: Int
    @usableFromInline var values: RingBuffer
    @usableFromInline var moves: RingBuffer
    @usableFromInline var path = 0.0
    @usableFromInline var current: Double?

    public init(period: Int = 10) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        values = RingBuffer(capacity: period + 1)
        moves = RingBuffer(capacity: period)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        if values.count > 0 {
            let move = abs(x - values[back: 0])
            path += move
            if let old = moves.push(move) { path -= old }
        }
        values.push(x)
        guard values.isFull else { return nil }
        current = path != 0 ? abs(x - values.oldest) / path : 0
        return current
    }
}
