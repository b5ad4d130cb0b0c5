import Foundation

/// Reads a graph file: YAML syntax, then the published graph schema, then names. Every problem is
/// collected, so one run reports them all.
public enum GraphReader {
    /// Reads and checks the graph at `path`.
    public static func read(contentsOf path: String) -> (GraphSpec?, [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return (nil, [Diagnostic(file: path, at: nil, "cannot read the graph file", hint: "check the path")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return (nil, [Diagnostic(file: path, at: nil, "the graph file is not UTF-8 text")])
        }
        return read(text, file: path)
    }

    /// Reads and checks graph `text`; `file` names it in diagnostics and anchors relative paths.
    public static func read(_ text: String, file: String) -> (GraphSpec?, [Diagnostic]) {
        let (root, syntaxProblems) = YAMLReader.read(text, file: file)
        guard let root else { return (nil, syntaxProblems) }
        var diagnostics = syntaxProblems
        guard root.members != nil else {
            diagnostics.append(
                Diagnostic(file: file, at: root.location, "a graph must be a mapping with the keys trellis, feeds and nodes", hint: "see strategies.yaml"))
            return (nil, diagnostics)
        }
        for violation in GraphSchema.schema.validate(root) {
            diagnostics.append(diagnostic(for: violation, file: file))
        }
        var spec = decode(root, file: file, into: &diagnostics)
        spec.text = text
        return (spec, diagnostics)
    }

    private static func diagnostic(for violation: JSONSchema.Violation, file: String) -> Diagnostic {
        let place = violation.path.dropLast(violation.unknownKey == nil ? 0 : 1)
        let subject = place.isEmpty ? "the graph" : place.joined(separator: ".")
        if let key = violation.unknownKey {
            let guess = Suggestion.phrase(for: key, in: violation.allowedKeys)
            let hint = violation.allowedKeys.isEmpty ? "remove it" : "allowed keys: \(violation.allowedKeys.joined(separator: ", "))"
            return Diagnostic(
                file: file, at: violation.location, "unknown key '\(key)' in \(subject)" + (guess.map { "; \($0)" } ?? ""), hint: guess == nil ? hint : nil)
        }
        return Diagnostic(file: file, at: violation.location, "\(subject) \(violation.message)", hint: hint(forPath: violation.path))
    }

    private static func hint(forPath path: [String]) -> String? {
        switch path.first {
        case "trellis": "write 'trellis: 1' at the top"
        case "nodes" where path.count == 1: "add at least one node under nodes:"
        case "plugins" where path.contains("pins"): "copy the sha256 from 'trellis plugins inspect <file.so>'"
        default: nil
        }
    }

    private static func decode(_ root: ValueNode, file: String, into diagnostics: inout [Diagnostic]) -> GraphSpec {
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
        var spec = GraphSpec(file: file, directory: directory)
        spec.description = root["description"]?.string
        if let plugins = root["plugins"] {
            spec.plugins.search = strings(plugins["search"])
            spec.plugins.load = strings(plugins["load"])
            spec.plugins.pins = (plugins["pins"]?.members ?? []).compactMap { member in
                member.value.string.map { (member.key, Located($0, at: member.value.location)) }
            }
        }
        // The schema has bounded every number (and YAMLReader refused NaN and infinity), but this
        // runs even when it found problems, so it reads only values that fit.
        func number(_ node: ValueNode?, _ bound: Double) -> Double? { node?.number.flatMap { NumericBounds.fits($0, bound) ? $0 : nil } }
        if let venue = root["venue"] {
            spec.venue.cash = number(venue["cash"], NumericBounds.money) ?? spec.venue.cash
            spec.venue.commission = number(venue["commission"], 1) ?? spec.venue.commission
            spec.venue.fixedCommission = number(venue["fixed_commission"], 1e9) ?? spec.venue.fixedCommission
            spec.venue.slippageBPS = number(venue["slippage_bps"], 10_000) ?? spec.venue.slippageBPS
            spec.venue.fill = venue["fill"]?.string.flatMap(GraphSpec.VenueSettings.FillPrice.init) ?? spec.venue.fill
            spec.venue.atEnd = venue["at_end"]?.string.flatMap(GraphSpec.VenueSettings.AtEnd.init) ?? spec.venue.atEnd
            spec.venue.currency = venue["currency"]?.string ?? spec.venue.currency
        }
        if let limits = root["limits"] {
            spec.limits.maxOrderNotional = number(limits["max_order_notional"], NumericBounds.money)
            spec.limits.maxPosition = number(limits["max_position"], NumericBounds.quantity)
            if let rate = limits["max_orders_per_second"]?.integer, (1...NumericBounds.ordersPerSecond).contains(rate) {
                spec.limits.maxOrdersPerSecond = Int(rate)
            }
            spec.limits.priceBandPercent = number(limits["price_band_percent"], 1e6)
            spec.limits.maxDailyLossPercent = number(limits["max_daily_loss_percent"], 100)
            spec.limits.maxDailyLoss = number(limits["max_daily_loss"], NumericBounds.money)
            if let seconds = number(limits["max_callback_seconds"], 86_400), seconds > 0 { spec.pluginLimits.callbackBudgetSeconds = seconds }
            if let count = limits["max_events_per_callback"]?.integer, (1...10_000_000).contains(count) {
                spec.pluginLimits.maxEventsPerCallback = Int(count)
            }
            if let text = limits["day_starts_at"]?.string {
                let parts = text.split(separator: ":").compactMap { Int64($0) }
                if parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) {
                    spec.limits.dayStart = parts[0] * 3600 + parts[1] * 60
                } else {
                    diagnostics.append(
                        Diagnostic(
                            file: file, at: limits["day_starts_at"]?.location, "day_starts_at '\(text)' is not a time of day",
                            hint: "write HH:MM in UTC, e.g. 00:00 or 22:00"))
                }
            }
        }
        if let live = root["live"] {
            spec.live.realMoney = live["real_money"]?.bool ?? false
            spec.live.realMoneyLocation = live["real_money"]?.location
            spec.live.cancelOnStop = live["on_stop"]?.string != "keep"
            if let seconds = number(live["stop_timeout_seconds"], 600), seconds > 0 { spec.live.stopTimeoutSeconds = seconds }
            spec.live.warmup = live["warmup"]?.bool ?? true
            if let count = live["max_instruments"]?.integer, (0...100_000).contains(count) { spec.live.maxInstruments = Int(count) }
            if let count = live["equity_points"]?.integer, (100...10_000_000).contains(count) { spec.live.equityPoints = Int(count) }
        }
        var seen: [String: (location: SourceLocation?, what: String)] = [:]
        func checkName(_ member: ValueNode.Member, _ what: String) -> Bool {
            guard isValidName(member.key) else {
                diagnostics.append(
                    Diagnostic(
                        file: file, at: member.keyLocation, "\(what) name '\(member.key)' is not a plain name",
                        hint: "use letters, digits, '-' and '_', starting with a letter"))
                return false
            }
            if let earlier = seen[member.key] {
                let line = earlier.location.map { " (line \($0.line))" } ?? ""
                diagnostics.append(
                    Diagnostic(
                        file: file, at: member.keyLocation, "'\(member.key)' names both a \(earlier.what)\(line) and a \(what)",
                        hint: "rename one; inputs refer to feeds and nodes by name"))
                return false
            }
            seen[member.key] = (member.keyLocation, what)
            return true
        }
        for member in root["feeds"]?.members ?? [] where checkName(member, "feed") {
            let feed = member.value
            guard let source = feed["source"]?.string, let path = feed["path"]?.string else { continue }
            if let period = feed["period"], let text = period.string, text.wholeMatch(of: /[1-9][0-9]{0,9}[smhdw]/) != nil, duration(text) == nil {
                diagnostics.append(
                    Diagnostic(
                        file: file, at: period.location, "feed '\(member.key)': period '\(text)' is longer than 366 days, the longest bar the host takes",
                        hint: "write the bar's length, e.g. 1d, 1w or 30d"))
            }
            spec.feeds.append(
                GraphSpec.FeedSpec(
                    name: member.key, location: member.keyLocation, source: source, path: Located(path, at: feed["path"]?.location),
                    symbol: feed["symbol"]?.string ?? member.key, layout: layout(of: feed, source: source),
                    skipBadRows: feed["on_bad_rows"]?.string == "skip",
                    labels: CSVFeedReader.Labels(rawValue: feed["timestamps"]?.string ?? "open") ?? .open,
                    period: feed["period"]?.string.flatMap(duration), tickSize: number(feed["tick_size"], 1e9) ?? 0,
                    lotSize: number(feed["lot_size"], 1e9) ?? 1, live: feed["live"]?.string.map { Located($0, at: feed["live"]?.location) }))
        }
        for member in root["nodes"]?.members ?? [] where checkName(member, "node") {
            let node = member.value
            let use = node["use"]?.string ?? ""
            let when = (node["when"]?.members ?? []).map { gate in
                GraphSpec.Gate(node: Located(gate.key, at: gate.keyLocation), labels: gate.value.string.map { [$0] } ?? strings(gate.value).map(\.value))
            }
            var nodeSpec = GraphSpec.NodeSpec(
                name: member.key, location: member.keyLocation, use: Located(use, at: node["use"]?.location),
                inputs: strings(node["inputs"]), params: node["params"] ?? ValueNode(.object([]), at: node.location), when: when)
            nodeSpec.allow = strings(node["network"]?["allow"]).map { $0.value.lowercased() }
            nodeSpec.listen = strings(node["network"]?["listen"]).map { $0.value.lowercased() }
            nodeSpec.secrets = strings(node["secrets"]).map(\.value)
            spec.nodes.append(nodeSpec)
        }
        for member in root["shadow"]?.members ?? [] where checkName(member, "shadow entry") {
            decodeShadowEntry(member, into: &spec, diagnostics: &diagnostics)
        }
        return spec
    }

    /// A `shadow:` entry: with `replaces` a challenger; without, a tester node.
    private static func decodeShadowEntry(_ member: ValueNode.Member, into spec: inout GraphSpec, diagnostics: inout [Diagnostic]) {
        let entry = member.value
        let params = entry["params"] ?? ValueNode(.object([]), at: entry.location)
        let use = entry["use"]?.string.map { Located($0, at: entry["use"]?.location) }
        if let replaces = entry["replaces"]?.string {
            spec.shadow.challengers.append(
                GraphSpec.Challenger(
                    name: member.key, location: member.keyLocation, replaces: Located(replaces, at: entry["replaces"]?.location), use: use, params: params,
                    paperBaseline: entry["baseline"]?.string == "paper"))
        } else if let use {
            spec.shadow.testers.append(GraphSpec.NodeSpec(name: member.key, location: member.keyLocation, use: use, inputs: [], params: params, when: []))
        } else if entry.members != nil {
            diagnostics.append(
                Diagnostic(
                    file: spec.file, at: member.keyLocation, "shadow entry '\(member.key)' has neither replaces nor use",
                    hint: "a challenger names the node it replaces (replaces: grid); a tester names its type (use: ab-shadow)"))
        }
    }

    private static func strings(_ value: ValueNode?) -> [Located<String>] {
        (value?.array ?? []).compactMap { item in item.string.map { Located($0, at: item.location) } }
    }

    /// The CSV layout a feed describes: Binance's for `source: binance`, else the bundled layout
    /// adjusted by `kind`, `columns`, `time_format`, `header` and `delimiter`.
    private static func layout(of feed: ValueNode, source: String) -> CSVLayout {
        var layout = source == "binance" ? CSVLayout.binanceKlines : CSVLayout()
        if let kind = feed["kind"]?.string.flatMap(CSVLayout.Kind.init) { layout.kind = kind }
        if let format = feed["time_format"]?.string.flatMap(CSVLayout.TimeFormat.init) { layout.timeFormat = format }
        if let header = feed["header"]?.bool { layout.header = header }
        if let delimiter = feed["delimiter"]?.string?.utf8.first { layout.delimiter = delimiter }
        for column in feed["columns"]?.members ?? [] {
            guard let field = CSVLayout.Field(rawValue: column.key) else { continue }
            layout.columns[field] = column.value.string ?? column.value.integer.map(String.init)
        }
        return layout
    }

    /// Nanoseconds in a duration such as 90s, 15m, 1h, 1d or 1w; nil when malformed, not
    /// positive or longer than `NumericBounds.period` (366 days).
    static func duration(_ text: String) -> Int64? {
        guard let unit = text.last, let count = Int64(text.dropLast()), count > 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        case "w": seconds = 7 * 86_400
        default: return nil
        }
        let (value, overflow) = count.multipliedReportingOverflow(by: seconds * 1_000_000_000)
        return overflow || value > NumericBounds.period ? nil : value
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }
}
