/// The last `capacity` values of a series, in a buffer allocated once: pushing never allocates.
public struct RingBuffer: Sendable {
    public let capacity: Int
    @usableFromInline var storage: [Double]
    /// Where the next value goes.
    @usableFromInline var next = 0
    @usableFromInline var filled = 0
    /// Values held (RingBuffer) or seen (RollingExtreme).
    @inlinable public var count: Int { filled }

    public init(capacity: Int) {
        precondition(capacity >= 1, "capacity must be at least 1")
        self.capacity = capacity
        storage = Array(repeating: 0, count: capacity)
    }

    @inlinable public var isFull: Bool { count == capacity }

    /// Appends `x`; returns the value it pushed out, once the buffer is full.
    @inlinable @discardableResult
    public mutating func push(_ x: Double) -> Double? {
        let evicted: Double? = count == capacity ? storage[next] : nil
        storage[next] = x
        next = next + 1 == capacity ? 0 : next + 1
        if filled < capacity { filled += 1 }
        return evicted
    }

    /// The value `age` pushes back: 0 is the newest, `count - 1` the oldest.
    @inlinable
    public subscript(back age: Int) -> Double {
        precondition(age >= 0 && age < count, "age \(age) outside 0..<\(count)")
        let index = next - 1 - age
        return storage[index < 0 ? index + capacity : index]
    }

    /// The oldest value held.
    @inlinable public var oldest: Double { self[back: count - 1] }
}
