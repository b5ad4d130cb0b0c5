/// A market regime, as the classifier labels bars and `when:` gates read them.
enum Regime: Equatable {
    case trendingUp, trendingDown, ranging, volatile

    var label: String {
        switch self {
        case .trendingUp: "trending-up"
        case .trendingDown: "trending-down"
        case .ranging: "ranging"
        case .volatile: "volatile"
        }
    }
}

/// One bar's measures.
struct RegimeMeasures {
    var adx: Double
    var plusDI: Double
    var minusDI: Double
    /// ATR as a percentage of the close.
    var atrPercent: Double
    /// Kaufman's efficiency ratio, 0…1.
    var efficiency: Double
}

/// The thresholds of the classification (docs/regime-and-grid.md explains each).
struct RegimeThresholds {
    /// ADX at or above this, with the efficiency ratio at or above `trendER`, is a trend.
    var trendADX: Double
    var trendER: Double
    /// ADX at or below this, or the efficiency ratio below `rangeER`, is a range.
    var rangeADX: Double
    var rangeER: Double
    /// ATR at or above this percentage of the close is volatile, whatever the rest says.
    var volatileATRPercent: Double

    /// The regime one bar's measures point to, or nil between the trend and range thresholds:
    /// there the current label stands (the first half of the hysteresis; the dwell is the other).
    func candidate(_ m: RegimeMeasures) -> Regime? {
        if m.atrPercent >= volatileATRPercent { return .volatile }
        if m.adx >= trendADX && m.efficiency >= trendER { return m.plusDI >= m.minusDI ? .trendingUp : .trendingDown }
        if m.adx <= rangeADX || m.efficiency < rangeER { return .ranging }
        return nil
    }

    /// How strongly the measures support `regime`, 0…1: 0.5 where they sit at its thresholds,
    /// 1 at twice (or, for a range, half) of them; NaN measures (flat data) give 0.
    func confidence(in regime: Regime, _ m: RegimeMeasures) -> Double {
        let value: Double
        switch regime {
        case .volatile: value = m.atrPercent / volatileATRPercent / 2
        case .trendingUp, .trendingDown:
            let direction = regime == .trendingUp ? m.plusDI >= m.minusDI : m.minusDI > m.plusDI
            value = direction ? (m.adx / max(trendADX, 1e-9) + m.efficiency / max(trendER, 1e-9)) / 4 : 0
        case .ranging:
            // Either measure makes a range: the stronger one speaks.
            value = max(rangeADX / max(m.adx, 1e-9), rangeER / max(m.efficiency, 1e-9)) / 2
        }
        return value.isNaN ? 0 : min(1, max(0, value))
    }
}

/// The label with hysteresis: a new candidate must hold for `dwell` bars in a row before the
/// label changes to it.
struct RegimeLabel {
    let dwell: Int
    private(set) var current: Regime?
    private var pending: Regime?
    private var pendingBars = 0

    init(dwell: Int) { self.dwell = dwell }

    /// Takes one bar's candidate and returns the label after it.
    mutating func update(_ candidate: Regime?) -> Regime? {
        guard let candidate, candidate != current else {
            // No opinion, or the current label confirmed: a pending change must start again.
            (pending, pendingBars) = (nil, 0)
            return current
        }
        if current == nil {
            current = candidate
            return current
        }
        if candidate == pending { pendingBars += 1 } else { (pending, pendingBars) = (candidate, 1) }
        if pendingBars >= dwell {
            current = candidate
            (pending, pendingBars) = (nil, 0)
        }
        return current
    }
}
