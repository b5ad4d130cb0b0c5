/// Number formatting for people: thousands separators, fixed decimals, signed percentages.
public enum NumberFormat {
    /// A price with the decimals its size needs: `1.07219`, `179.13`, `43,512.70`.
    public static func price(_ value: Double) -> String {
        grouped(value, decimals: abs(value) < 10 ? 5 : abs(value) < 100 ? 3 : 2)
    }

    /// `12,345.68` (rounded half away from zero).
    public static func grouped(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled - Double(whole) * scale)
        var digits = String(whole)
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: digits.index(digits.startIndex, offsetBy: index))
            index -= 3
        }
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard decimals > 0 else { return sign + digits }
        let fractionText = String(fraction)
        return sign + digits + "." + String(repeating: "0", count: decimals - fractionText.count) + fractionText
    }

    /// `+23.46%` from 0.2346; `23.46%` when not `signed`.
    public static func percent(_ fraction: Double, decimals: Int = 2, signed: Bool = true) -> String {
        (signed && fraction >= 0 ? "+" : "") + grouped(fraction * 100, decimals: decimals) + "%"
    }

    /// A quantity: whole numbers without decimals, others with up to 6.
    public static func quantity(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return grouped(value, decimals: 0) }
        var text = grouped(value, decimals: 6)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
