import Foundation

/// The terminal view of a run's shadow A/B: each side's ledger in a table, each challenger's
/// latest verdict with one sentence on what it means, and how the verdict changed.
public enum ShadowText {
    public static func render(_ run: RunResult) -> String {
        guard let shadow = run.shadow else { return "run \(run.runID) has no shadow challengers (add a shadow: section to the graph; docs/shadow.md)" }
        var lines = ["shadow A/B · run \(run.runID) · \(run.graphFile) · \(Timestamp.format(run.firstTime)) → \(Timestamp.format(run.lastTime))", ""]
        var table = TextTable(
            columns: ["CHALLENGER", "SIDE", "NODE", "TRADES", "WON", "NET P&L", "RETURN", "MAX DD", "SHARPE"], rightAligned: [3, 4, 5, 6, 7, 8])
        for challenger in shadow.challengers {
            for (side, ledger, node, parameters) in [
                ("champion", challenger.champion, challenger.replaces, challenger.championParameters),
                ("challenger", challenger.challenger, challenger.name, challenger.challengerParameters),
            ] {
                let m = ledger.metrics
                let profit = ledger.finalEquity - run.startingCash
                table.add([
                    side == "champion" ? challenger.name : "", side,
                    "\(node) \(differences(parameters, from: side == "champion" ? challenger.challengerParameters : challenger.championParameters))",
                    "\(ledger.trades.count)", m.winRate.map { NumberFormat.percent($0, decimals: 0, signed: false) } ?? "–",
                    NumberFormat.grouped(profit), NumberFormat.percent(profit / run.startingCash), NumberFormat.percent(-m.maxDrawdown, decimals: 1),
                    m.sharpe.map { NumberFormat.grouped($0) } ?? "–",
                ])
            }
        }
        lines.append(table.text)
        for challenger in shadow.challengers {
            let looks = shadow.verdicts.filter { $0.challenger == challenger.name }
            lines.append("")
            guard let last = looks.last else {
                lines.append("\(challenger.name) vs \(challenger.replaces): no verdict (the graph has no tester; add one: verdict: { use: ab-shadow })")
                continue
            }
            let unit = ShadowExplanation.unitName(last.judgedBy)
            var figures = "p = \(ShadowExplanation.pText(last.pValue)) (guarded), effect size \(NumberFormat.grouped(last.effectSize)) SD"
            if let low = last.intervalLow, let high = last.intervalHigh {
                figures += ", interval of the difference [\(ShadowExplanation.percent(low)), \(ShadowExplanation.percent(high))]"
            }
            lines.append(
                "\(challenger.name) vs \(challenger.replaces): \(ShadowExplanation.title(last.verdict)) after \(looks.count) looks at \(last.challengerCount) \(unit)s each — \(figures)"
            )
            lines.append("  what it means: \(ShadowExplanation.sentence(last, champion: challenger.replaces))")
            let history = changes(looks).map { "\($0.verdict) from \(Timestamp.format($0.time))" }
            lines.append("  history: \(history.joined(separator: " · "))")
        }
        return lines.joined(separator: "\n")
    }

    /// The looks at which the verdict changed (the first look included).
    public static func changes(_ looks: [RunResult.ShadowVerdict]) -> [RunResult.ShadowVerdict] {
        var kept: [RunResult.ShadowVerdict] = []
        for look in looks where kept.last?.verdict != look.verdict { kept.append(look) }
        return kept
    }

    /// The parameters in `json` that differ from `other`'s, as "(levels 10)"; "" when none do.
    static func differences(_ json: String, from other: String) -> String {
        guard let mine = object(json), let theirs = object(other) else { return "" }
        let keys = mine.keys.filter { "\(mine[$0]!)" != theirs[$0].map { "\($0)" } }.sorted()
        guard !keys.isEmpty else { return "" }
        return "(" + keys.map { "\($0) \(mine[$0]!)" }.joined(separator: ", ") + ")"
    }

    private static func object(_ json: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
    }
}
