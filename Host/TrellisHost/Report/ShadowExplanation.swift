import Foundation

/// Shadow verdicts in words for someone who has never met a t-test: what the verdict says about
/// this challenger, with its own numbers.
public enum ShadowExplanation {
    /// One sentence on what `verdict` means for its challenger and `champion` (the node it replaces).
    public static func sentence(_ verdict: RunResult.ShadowVerdict, champion: String) -> String {
        let unit = unitName(verdict.judgedBy)
        let means = "\(percent(verdict.challengerMean)) against \(percent(verdict.championMean)) a \(unit)"
        let luck = "the chance that luck alone made a gap this large, even though the tester checked again after every \(unit), is \(pText(verdict.pValue))"
        switch verdict.verdict {
        case "challenger-better":
            return "\(verdict.challenger) earned more than \(champion) (\(means)), and \(luck): on this data the challenger is better."
        case "champion-better":
            return "\(verdict.challenger) earned less than \(champion) (\(means)), and \(luck): on this data the champion is better; keep it."
        case "no-difference":
            return
                "After \(verdict.challengerCount) \(unit)s each, \(verdict.challenger) and \(champion) earn about the same (\(means)); a gap this small is what luck alone produces, so nothing here says the challenger should replace the champion."
        default:
            return
                "Too early to tell: with \(verdict.championCount) and \(verdict.challengerCount) \(unit)s of returns so far, any gap between \(verdict.challenger) and \(champion) could still be luck."
        }
    }

    /// "day" for days, "hour" for hours, "trade" for trades.
    static func unitName(_ judgedBy: String) -> String {
        switch judgedBy {
        case "days": "day"
        case "hours": "hour"
        case "trades": "trade"
        default: "period"
        }
    }

    /// The verdict in capitals, as a table shows it.
    public static func title(_ verdict: String) -> String { verdict.replacingOccurrences(of: "-", with: " ").uppercased() }

    static func pText(_ p: Double) -> String {
        if p < 0.0001 { return "below 0.01%" }
        return NumberFormat.percent(p, decimals: p < 0.01 ? 2 : 1, signed: false)
    }

    static func percent(_ fraction: Double) -> String { NumberFormat.percent(fraction, decimals: abs(fraction) < 0.001 ? 4 : 3) }
}
