/// The highest (or lowest) of the last `window` values and how many steps ago it came, in
/// amortised O(1) per value: a monotonic queue in a buffer allocated once. Of equal extremes the
/// most recent wins, as in TA-Lib.
public struct RollingExtreme: Sendable {
    public enum Kind: Sendable {
        case highest, lowest
    }

    public let window: Int
    public let kind: Kind
    @usableFromInline var values: [Double]
    @usableFromInline var steps: [Int]
    @usableFromInline var head = 0
    @usableFromInline var size = 0
    @usableFromInline var filled = 0
    /// Values seen so far.
    @inlinable public var count: Int { filled }

    public init(window: Int, kind: Kind) {
        precondition(window >= 1, "window must be at least 1")
        self.window = window
        self.kind = kind
        values = Array(repeating: 0, count: window)
        steps = Array(repeating: 0, count: window)
    }

    /// Adds `x`; returns the extreme of the last `window` values (of all so far while fewer).
    @inlinable @discardableResult
    public mutating func push(_ x: Double) -> Double {
        let step = filled
        filled += 1
        // Drop from the back what `x` beats (or equals: the newer one wins).
        while size > 0 {
            let last = slot(size - 1)
            guard kind == .highest ? values[last] <= x : values[last] >= x else { break }
            size -= 1
        }
        let tail = slot(size)
        values[tail] = x
        steps[tail] = step
        size += 1
        // Drop from the front what left the window.
        while steps[head] <= step - window {
            head = head + 1 == window ? 0 : head + 1
            size -= 1
        }
        return values[head]
    }

    /// The current extreme.
    @inlinable public var value: Double { values[head] }
    /// How many values ago the current extreme came: 0 for the newest.
    @inlinable public var age: Int { count - 1 - steps[head] }
    @inlinable public var isFull: Bool { count >= window }

    @inlinable
    func slot(_ offset: Int) -> Int {
        let index = head + offset
        return index >= window ? index - window : index
    }
}
