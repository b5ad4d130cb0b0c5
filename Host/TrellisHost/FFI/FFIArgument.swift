import Foundation
import TrellisSDK

/// What the `ffi` node passes for one parameter, as the graph writes it in `arguments`:
///
/// - `close` (or open, high, low, volume, hl2, hlc3, ohlc4): the bar's value, a double or float;
/// - `close[20]`: the last 20 closes, oldest first, a double[];
/// - `out[3]`: an array of 3 the function fills, a double[] or int32[]: values of the vector;
/// - `time`: the bar's open time in ns since the epoch, an int64;
/// - a number: a constant of the parameter's type; a list of numbers: a constant array.
public enum FFIArgument: Sendable, Equatable {
    case latest(BarField)
    case window(BarField, Int)
    case output(Int)
    case time
    case constant(Double)
    case constants([Double])

    /// Reads one argument; the message says what is wrong and how to write it.
    public static func parse(_ value: ValueNode) -> Result<FFIArgument, FFIArgumentError> {
        switch value.kind {
        case .integer, .number:
            return .success(.constant(value.number!))
        case .array(let items):
            let numbers = items.compactMap(\.number)
            guard numbers.count == items.count, !numbers.isEmpty else {
                return .failure(FFIArgumentError("a constant array is a list of numbers, e.g. [1, 2, 3]"))
            }
            return .success(.constants(numbers))
        case .string(let text):
            return parse(text)
        default:
            return .failure(FFIArgumentError("write a bar value (close), a window (close[20]), an output (out[1]), time, or a number"))
        }
    }

    static func parse(_ text: String) -> Result<FFIArgument, FFIArgumentError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "time" { return .success(.time) }
        if trimmed.hasPrefix("[") { return .failure(FFIArgumentError("a constant array is a list, not a string: write \(trimmed) without quotes")) }
        var base = trimmed
        var count: Int?
        if let open = trimmed.firstIndex(of: "["), trimmed.hasSuffix("]") {
            base = String(trimmed[..<open])
            guard let size = Int(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]), size >= 1, size <= 1_000_000 else {
                return .failure(FFIArgumentError("'\(trimmed)': the size in brackets must be a whole number from 1 to 1,000,000"))
            }
            count = size
        }
        if base == "out" {
            guard let count else { return .failure(FFIArgumentError("an output needs its size: out[1], out[3]")) }
            return .success(.output(count))
        }
        guard let field = BarField(rawValue: base) else {
            let words = BarField.allCases.map(\.rawValue) + ["out", "time"]
            let guess = Suggestion.phrase(for: base, in: words).map { "; \($0)" } ?? ""
            return .failure(
                FFIArgumentError(
                    "unknown argument '\(trimmed)'\(guess); use \(BarField.allCases.map(\.rawValue).joined(separator: ", ")), close[N], out[N], time or a number"
                ))
        }
        return .success(count.map { .window(field, $0) } ?? .latest(field))
    }

    /// Why this argument cannot be passed for `parameter`, or nil when it fits.
    public func mismatch(with parameter: FFISignature.Parameter) -> String? {
        switch (self, parameter) {
        case (.latest, .scalar(.double)), (.latest, .scalar(.float)), (.time, .scalar(.int64)), (.constant, .scalar),
            (.window, .array(.double)), (.output, .array), (.constants, .array):
            if case .constant(let value) = self, case .scalar(let type) = parameter, type == .int32 || type == .int64 {
                guard value.rounded() == value, abs(value) <= (type == .int32 ? Double(Int32.max) : 9.0e15) else {
                    return "\(value) is not an \(type.rawValue)"
                }
            }
            if case .constants(let values) = self, parameter == .array(.int32), !values.allSatisfy({ $0.rounded() == $0 && abs($0) <= Double(Int32.max) }) {
                return "an int32[] takes whole numbers"
            }
            return nil
        case (.latest(let field), _): return "\(field.rawValue) is a double; the parameter is \(parameter)"
        case (.window(let field, let n), _): return "\(field.rawValue)[\(n)] is a double[]; the parameter is \(parameter)"
        case (.output, _): return "out[...] is an array the function fills; the parameter is \(parameter)"
        case (.time, _): return "time is an int64 (ns since the epoch); the parameter is \(parameter)"
        case (.constant, _): return "a number is a scalar; the parameter is \(parameter)"
        case (.constants, _): return "a list is an array; the parameter is \(parameter)"
        }
    }
}

public struct FFIArgumentError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
