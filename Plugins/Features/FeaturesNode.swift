import Foundation
import TrellisSDK

/// Computes a list of indicators on every bar of its inputs and emits one feature vector per
/// bar (TRELLIS_CUSTOM_FEATURE_VECTOR), for models to consume; each instrument has its own
/// indicators. The names go out once, before the first vector.
struct FeaturesNode: Node {
    static let descriptor = NodeDescriptor(
        type: "features", kind: .model, version: "1.0.0",
        description: "A feature vector per bar from the SDK's streaming indicators (docs/indicators.md).", parameters: featuresParameters)

    let context: NodeContext
    let specs: [FeatureSpec]
    let emitter: FeatureEmitter
    let skipWarmup: Bool
    let warmup: Int
    /// Per instrument id: its computers (nil until its first bar), and bars seen.
    var computers: [[FeatureComputer]?] = []
    var bars: [Int] = []

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        guard let object = try? JSONSerialization.jsonObject(with: Data(parameters.json.utf8)) as? [String: Any],
            let list = object["features"] as? [[String: Any]], !list.isEmpty
        else { throw PluginError("features must be a list of at least one { indicator: ... }") }
        var specs: [FeatureSpec] = []
        var problems: [String] = []
        for (index, entry) in list.enumerated() {
            do {
                specs.append(try FeatureSpec.parse(entry, position: index + 1))
            } catch {
                problems.append(error.message)
            }
        }
        guard problems.isEmpty else { throw PluginError(problems.joined(separator: "; ")) }
        let names = specs.flatMap(\.names)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw PluginError("two features are named '\(duplicate)'; give one a name: ...")
        }
        self.specs = specs
        emitter = FeatureEmitter(names: names)
        skipWarmup = object["skip_warmup"] as? Bool ?? false
        warmup = specs.map(\.warmup).max() ?? 1
    }

    var warmupBars: Int? { warmup }

    mutating func onBar(_ bar: Bar) {
        let instrument = Int(bar.header.instrument)
        if instrument >= computers.count {
            computers += Array(repeating: nil, count: instrument + 1 - computers.count)
            bars += Array(repeating: 0, count: instrument + 1 - bars.count)
        }
        if computers[instrument] == nil { computers[instrument] = specs.map { $0.computer.fresh() } }
        bars[instrument] += 1
        var out = emitter.values.baseAddress!
        // Borrowed, not copied: iterating the array itself would retain every computer per bar.
        computers[instrument].unsafelyUnwrapped.withUnsafeBufferPointer { list in
            for index in list.indices {
                list[index].update(bar, out)
                out += list[index].width
            }
        }
        if skipWarmup && bars[instrument] < warmup { return }
        emitter.emit(context, for: bar)
    }
}
