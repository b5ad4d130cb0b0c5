/// A sum that adds and subtracts many values with the error of a few (Neumaier's compensated
/// summation), for running sums that live as long as the series.
public struct CompensatedSum: Sendable {
    @usableFromInline var sum = 0.0
    @usableFromInline var compensation = 0.0

    public init() {}

    @inlinable
    public mutating func add(_ x: Double) {
        let total = sum + x
        if abs(sum) >= abs(x) {
            compensation += (sum - total) + x
        } else {
            compensation += (x - total) + sum
        }
        sum = total
    }

    @inlinable public var value: Double { sum + compensation }
}
