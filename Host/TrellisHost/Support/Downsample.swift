/// Thinning long series for charts and the journal without losing their peaks and troughs.
enum Downsample {
    /// Indices of at most `spans` × 4 points that keep the shape of the series: the series is cut
    /// into `spans` equal spans and each keeps its first, lowest, highest and last point. A series
    /// of up to `spans` × 4 points is kept whole.
    static func keepingShape(_ values: [Double], spans columns: Int) -> [Int] {
        guard values.count > columns * 4, columns > 0 else { return Array(values.indices) }
        var kept: [Int] = []
        let width = Double(values.count) / Double(columns)
        for column in 0..<columns {
            let range = Int(Double(column) * width)..<min(values.count, Int(Double(column + 1) * width))
            guard !range.isEmpty else { continue }
            var low = range.lowerBound, high = range.lowerBound
            for index in range {
                if values[index] < values[low] { low = index }
                if values[index] > values[high] { high = index }
            }
            kept.append(contentsOf: Set([range.lowerBound, low, high, range.upperBound - 1]).sorted())
        }
        return kept
    }
}
