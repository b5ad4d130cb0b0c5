import TrellisSDK

/// One challenger's comparison as the tester builds it: both sides' returns per period and per
/// trade, from the equity and trades the host sends.
struct BranchReturns {
    let name: String
    let replaces: String
    var championPeriods: [Double] = []
    var challengerPeriods: [Double] = []
    var championTrades: [Double] = []
    var challengerTrades: [Double] = []
    /// Each side's equity when the current period began, and after the latest timestamp.
    var championStart = Double.nan
    var challengerStart = Double.nan
    var championLast = Double.nan
    var challengerLast = Double.nan
    var comparison: ShadowComparison

    /// Closes the period that ended with the latest timestamp: each side's return over it.
    mutating func closePeriod() {
        guard championStart.isFinite, challengerStart.isFinite, championStart != 0, challengerStart != 0 else { return }
        championPeriods.append(championLast / championStart - 1)
        challengerPeriods.append(challengerLast / challengerStart - 1)
        championStart = championLast
        challengerStart = challengerLast
    }

    /// Takes both sides' equity after a timestamp.
    mutating func record(champion: Double, challenger: Double) {
        if !championStart.isFinite { (championStart, challengerStart) = (champion, challenger) }
        (championLast, challengerLast) = (champion, challenger)
    }
}
