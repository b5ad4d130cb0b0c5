import Foundation
import TrellisSDK

/// The settings of one feature as written in the graph, read with their defaults; every key read
/// is remembered so a key the indicator does not take is an error that names the ones it does.
struct FeatureSettings {
    let object: [String: Any]
    let position: Int
    let indicator: String
    private var used: [String] = ["indicator", "name"]

    init(object: [String: Any], position: Int) {
        self.object = object
        self.position = position
        indicator = object["indicator"] as? String ?? ""
    }

    /// The name the graph gave the feature, if any.
    var name: String? { object["name"] as? String }

    func error(_ message: String) -> PluginError { PluginError("feature \(position) (\(indicator)): \(message)") }

    mutating func int(_ key: String, _ fallback: Int) throws(PluginError) -> Int {
        try optionalInt(key) ?? fallback
    }

    mutating func optionalInt(_ key: String) throws(PluginError) -> Int? {
        used.append(key)
        guard let raw = object[key] else { return nil }
        guard let number = raw as? NSNumber, let value = Int(exactly: number.doubleValue), value >= 1 else {
            throw error("\(key) must be a whole number of at least 1, not \(raw)")
        }
        return value
    }

    mutating func number(_ key: String, _ fallback: Double) throws(PluginError) -> Double {
        try optionalNumber(key) ?? fallback
    }

    mutating func optionalNumber(_ key: String) throws(PluginError) -> Double? {
        used.append(key)
        guard let raw = object[key] else { return nil }
        guard let value = (raw as? NSNumber)?.doubleValue, value > 0, value.isFinite else { throw error("\(key) must be a number above 0, not \(raw)") }
        return value
    }

    /// The bar value a single-input indicator reads: `source`, close by default.
    mutating func input() throws(PluginError) -> Input {
        used.append("source")
        let name = object["source"] as? String ?? "close"
        guard let field = BarField(rawValue: name) else {
            throw error("unknown source '\(name)'; sources: \(BarField.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return Input(field: field)
    }

    /// A computer for an indicator of one value per update.
    func scalar<Indicator: StreamingIndicator>(
        _ indicator: Indicator, _ input: Input, update: @escaping (inout Indicator, Double) -> Double?
    ) -> FeatureComputer
    where Indicator.Value == Double {
        FeatureComputer.indicator(indicator, outputs: [{ $0 }]) { update(&$0, input.value($1)) }
    }

    /// A feature of one value.
    mutating func single(_ defaultName: String, warmup: Int, _ computer: FeatureComputer) throws(PluginError) -> FeatureSpec {
        FeatureSpec(names: [name ?? defaultName], warmup: warmup, computer: computer)
    }

    /// A feature of several values, named `<name>.<output>`; `outputs: [...]` keeps some of them.
    mutating func multiple<Indicator: StreamingIndicator>(
        _ defaultName: String, _ indicator: Indicator, _ outputs: [Output<Indicator.Value>], update: @escaping (inout Indicator, Bar) -> Indicator.Value?
    ) throws(PluginError) -> FeatureSpec {
        let kept = try select(outputs.map(\.name))
        let chosen = kept.map { outputs[$0] }
        let base = name ?? defaultName
        return FeatureSpec(
            names: chosen.map { "\(base).\($0.name)" }, warmup: chosen.map(\.warmup).max() ?? 1,
            computer: FeatureComputer.indicator(indicator, outputs: chosen.map(\.pick), step: update))
    }

    /// The time of day or day of week as sin and cos.
    mutating func cyclical(_ defaultName: String, _ encode: @escaping (Int64) -> (sin: Double, cos: Double)) throws(PluginError) -> FeatureSpec {
        let kept = try select(["sin", "cos"])
        let base = name ?? defaultName
        let computer = FeatureComputer.bar(width: kept.count) { bar, out in
            let angle = encode(bar.header.ts_ns - bar.period_ns)
            for (slot, output) in kept.enumerated() { out[slot] = output == 0 ? angle.sin : angle.cos }
        }
        return FeatureSpec(names: kept.map { "\(base).\(["sin", "cos"][$0])" }, warmup: 1, computer: computer)
    }

    /// The indexes of the outputs the `outputs` key keeps (all when it is absent).
    private mutating func select(_ available: [String]) throws(PluginError) -> [Int] {
        used.append("outputs")
        guard let raw = object["outputs"] else { return Array(available.indices) }
        guard let wanted = raw as? [String], !wanted.isEmpty else { throw error("outputs must be a list of names out of \(available.joined(separator: ", "))") }
        var indexes: [Int] = []
        for output in wanted {
            guard let index = available.firstIndex(of: output) else {
                throw error("no output '\(output)'; \(indicator) has \(available.joined(separator: ", "))")
            }
            indexes.append(index)
        }
        return indexes
    }

    /// Fails on a key the indicator did not read.
    func checkAllUsed() throws(PluginError) {
        for key in object.keys.sorted() where !used.contains(key) {
            let takes = used.filter { $0 != "indicator" }.joined(separator: ", ")
            throw error("\(indicator) does not take '\(key)'; it takes \(takes)")
        }
    }

    /// 2 → "2", 2.5 → "2.5", for names.
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// The bar value an indicator of one input reads.
struct Input {
    let field: BarField

    var name: String { field.rawValue }
    var value: (Bar) -> Double { field.value }
    /// "" for close, "_high" for high, …, for default names.
    var suffix: String { field == .close ? "" : "_\(field.rawValue)" }
}
