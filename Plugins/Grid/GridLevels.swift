import Foundation

/// The prices of a grid: `levels` below and above a centre, spaced arithmetically (a fixed
/// distance) or geometrically (a fixed ratio). Index `levels` is the centre.
struct GridLevels {
    let center: Double
    let levels: Int
    /// Price distance (arithmetic) or ratio − 1 (geometric) between neighbours.
    let step: Double
    let geometric: Bool

    var count: Int { 2 * levels + 1 }

    func price(_ index: Int) -> Double {
        let offset = Double(index - levels)
        return geometric ? center * pow(1 + step, offset) : center + offset * step
    }

    var bottom: Double { price(0) }
    var top: Double { price(count - 1) }
}
