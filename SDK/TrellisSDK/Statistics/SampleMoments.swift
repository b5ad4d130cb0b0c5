/// The count, mean and spread of a sample, kept as values arrive (Welford's method: one pass,
/// no catastrophic cancellation).
public struct SampleMoments: Sendable, Equatable {
    /// How many values have been added.
    public private(set) var count = 0
    /// The mean of the values added; 0 when there are none.
    public private(set) var mean = 0.0
    /// The sum of squared deviations from the mean.
    private var squaredDeviations = 0.0

    /// An empty sample.
    public init() {}

    /// The moments of `values`.
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        for value in values { add(value) }
    }

    /// Adds one value.
    public mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        squaredDeviations += delta * (x - mean)
    }

    /// The sample variance (divided by n − 1); 0 when there are fewer than two values.
    public var variance: Double { count < 2 ? 0 : squaredDeviations / Double(count - 1) }

    /// The sample standard deviation: the square root of ``variance``.
    public var standardDeviation: Double { variance.squareRoot() }
}
