/// Writes one JSON object with its keys in the order given, the way the protocol document
/// shows them; numbers print without a trailing `.0` and never lose digits.
struct JSONWriter: Sendable {
    private(set) var text = "{"
    private var empty = true

    init() {}

    /// The finished object.
    var string: String { text + "}" }

    private mutating func key(_ name: String) {
        if !empty { text += "," }
        empty = false
        text += "\"" + name + "\":"
    }

    mutating func add(_ name: String, _ value: String) {
        key(name)
        JSONWriter.appendQuoted(value, to: &text)
    }

    mutating func add(_ name: String, _ value: Int64) {
        key(name)
        text += String(value)
    }

    mutating func add(_ name: String, _ value: Int) { add(name, Int64(value)) }

    mutating func add(_ name: String, _ value: UInt64) {
        key(name)
        text += String(value)
    }

    mutating func add(_ name: String, _ value: Double) {
        key(name)
        text += JSONWriter.number(value)
    }

    mutating func add(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    /// Adds a value that is already JSON (an object, an array).
    mutating func add(_ name: String, raw: String) {
        key(name)
        text += raw
    }

    /// A JSON array of already written values.
    static func array(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }

    /// A JSON array of strings.
    static func array(strings: [String]) -> String {
        var text = "["
        for (index, element) in strings.enumerated() {
            if index > 0 { text += "," }
            appendQuoted(element, to: &text)
        }
        return text + "]"
    }

    /// A number as JSON: integral values without a fraction, others in Swift's shortest form.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Rounds away binary noise (e.g. 0.1 + 0.2) so prices and money print as people write them.
    static func tidy(_ value: Double) -> Double { (value * 1e8).rounded() / 1e8 }

    static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
