import Foundation

/// What the benchmarks share: where the repository is, and durations in seconds.
enum Bench {
    /// The repository's root (its data and fixtures are read from there).
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
