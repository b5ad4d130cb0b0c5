/// A percentile-bootstrap interval for mean(`challenger`) − mean(`champion`): each group is
/// resampled independently with replacement `resamples` times, and the interval runs between the
/// (1 − `confidence`)/2 and (1 + `confidence`)/2 quantiles of the resampled differences (linearly
/// interpolated, as numpy's default). The same `seed` gives the same interval. Nil when either
/// group is empty or holds a value that is not finite, `resamples` is below 1 or `confidence` is
/// outside (0, 1).
///
/// Costs `resamples` × (champion.count + challenger.count) random draws and one array of
/// `resamples` differences; no resample is materialized.
public func bootstrapMeanDifference(
    champion: [Double], challenger: [Double], resamples: Int = 2000, confidence: Double = 0.95, seed: UInt64
) -> ClosedRange<Double>? {
    guard !champion.isEmpty, !challenger.isEmpty, resamples >= 1, confidence > 0, confidence < 1 else { return nil }
    guard champion.allSatisfy(\.isFinite), challenger.allSatisfy(\.isFinite) else { return nil }
    var random = BootstrapRandom(seed: seed)
    var differences = [Double](repeating: 0, count: resamples)
    champion.withUnsafeBufferPointer { championValues in
        challenger.withUnsafeBufferPointer { challengerValues in
            for resample in 0..<resamples {
                let challengerMean = resampledMean(challengerValues, &random)
                differences[resample] = challengerMean - resampledMean(championValues, &random)
            }
        }
    }
    differences.sort()
    let tail = (1 - confidence) / 2
    let lower = quantile(differences, tail)
    let upper = quantile(differences, 1 - tail)
    guard lower <= upper else { return nil }  // Sums that overflowed to infinity.
    return lower...upper
}

/// The mean of one resample with replacement of `values`, summed as it is drawn (into two sums, so
/// the additions do not wait on each other).
private func resampledMean(_ values: UnsafeBufferPointer<Double>, _ random: inout BootstrapRandom) -> Double {
    let count = values.count
    var even = 0.0
    var odd = 0.0
    for _ in 0..<count / 2 {
        even += values[random.index(below: count)]
        odd += values[random.index(below: count)]
    }
    if count % 2 == 1 { even += values[random.index(below: count)] }
    return (even + odd) / Double(count)
}

/// The `probability` quantile of ascending `sorted`, interpolated between neighbouring values.
private func quantile(_ sorted: [Double], _ probability: Double) -> Double {
    let position = probability * Double(sorted.count - 1)
    let below = Int(position.rounded(.down))
    let above = min(below + 1, sorted.count - 1)
    let weight = position - Double(below)
    return sorted[below] + weight * (sorted[above] - sorted[below])
}
