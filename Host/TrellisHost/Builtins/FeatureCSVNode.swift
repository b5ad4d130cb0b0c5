import Foundation
import TrellisSDK

/// The `feature-csv` node type: writes the feature vectors it receives (from `features` and
/// `ffi` nodes) to a CSV file, one row per vector: the bar's time (its open, as data files label
/// bars: `2004-08-19`, or `2024-01-02 09:30:00` when not midnight, UTC), its symbol, then the values in the order of their names; a value still warming up is
/// an empty cell.
struct FeatureCSVNode: Node {
    static let descriptor = NodeDescriptor(
        type: "feature-csv", kind: .observer, version: "1.0.0", description: "Writes the feature vectors it receives to a CSV file.",
        parameters: """
            {
              "type": "object", "required": ["path"], "additionalProperties": false,
              "properties": {
                "path": {"type": "string", "minLength": 1, "description": "The CSV file to write, relative to the graph file; replaced if it exists."}
              }
            }
            """)

    let context: NodeContext
    let path: String
    let file: CSVFile
    /// The names of each emitter's layout, by names hash, as they came in.
    var layouts: [UInt64: [String]] = [:]
    var header: [String]?
    var symbols: [UInt32: String] = [:]

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        path = try parameters.string("path")
        do {
            file = CSVFile(try OutputFile.open(path))
        } catch {
            throw PluginError(error.message)
        }
    }

    mutating func onCustom(_ event: Event) {
        if let (names, hash) = event.featureNames {
            layouts[hash] = names
            return
        }
        guard let vector = event.featureVector else { return }
        guard let names = layouts[vector.namesHash] else { return }
        if header == nil {
            header = names
            file.write((["time", "symbol"] + names).map(Self.quoted).joined(separator: ",") + "\n")
        }
        guard names == header else { return }  // one input, one layout: the graph checks it
        var row = Timestamp.format(event.timestamp - vector.periodNs) + "," + symbol(event.instrument)
        for value in vector.values {
            row += value.isNaN ? "," : "," + String(value)
        }
        file.write(row + "\n")
    }

    mutating func deactivate() throws(PluginError) {
        guard fflush(file.handle) == 0 else { throw PluginError("cannot finish writing \(path): \(String(cString: strerror(errno)))") }
    }

    private mutating func symbol(_ instrument: UInt32) -> String {
        if let known = symbols[instrument] { return known }
        let symbol = Self.quoted(context.instrument(instrument)?.symbol.text ?? String(instrument))
        symbols[instrument] = symbol
        return symbol
    }

    static func quoted(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

/// An open file, closed when the node is destroyed.
final class CSVFile {
    let handle: UnsafeMutablePointer<FILE>

    init(_ handle: UnsafeMutablePointer<FILE>) { self.handle = handle }
    deinit { fclose(handle) }

    func write(_ text: String) { fputs(text, handle) }
}
