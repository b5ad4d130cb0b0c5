import Foundation

/// Number formatting for people: thousands separators, fixed decimals, signed percentages. Total:
/// any Double, NaN and ±infinity included, gives text, never a trap.
public enum NumberFormat {
    /// A price with the decimals its size needs: `1.07219`, `179.13`, `43,512.70`.
    public static func price(_ value: Double) -> String {
        grouped(value, decimals: abs(value) < 10 ? 5 : abs(value) < 100 ? 3 : 2)
    }

    /// `12,345.68` (rounded half away from zero).
    public static func grouped(_ value: Double, decimals requested: Int = 2) -> String {
        guard value.isFinite else { return "\(value)" }
        let decimals = min(max(requested, 0), 12)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        // Beyond 2^53 a Double has no fraction left to show, and Int64 would not hold it.
        guard scaled < 9e15 else { return (value < 0 ? "-" : "") + group(String(format: "%.0f", abs(value))) }
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled - Double(whole) * scale)
        let digits = group(String(whole))
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard decimals > 0 else { return sign + digits }
        let fractionText = String(fraction)
        return sign + digits + "." + String(repeating: "0", count: max(0, decimals - fractionText.count)) + fractionText
    }

    /// "1234567" → "1,234,567".
    private static func group(_ text: String) -> String {
        var digits = text
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: digits.index(digits.startIndex, offsetBy: index))
            index -= 3
        }
        return digits
    }

    /// A number for messages: grouped with up to 6 decimals from 1e-4 to 1e15 (`1,234.5`), else in
    /// scientific notation (`1e+308`, `2.5e-07`).
    public static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        guard value.magnitude <= 1e15, value == 0 || value.magnitude >= 1e-4 else { return String(format: "%.6g", value) }
        return quantity(value)
    }

    /// `+23.46%` from 0.2346; `23.46%` when not `signed`.
    public static func percent(_ fraction: Double, decimals: Int = 2, signed: Bool = true) -> String {
        (signed && fraction >= 0 ? "+" : "") + grouped(fraction * 100, decimals: decimals) + "%"
    }

    /// A quantity: whole numbers without decimals, others with up to 6.
    public static func quantity(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return grouped(value, decimals: 0) }
        var text = grouped(value, decimals: 6)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
