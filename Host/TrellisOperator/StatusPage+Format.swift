import Foundation

/// How the page writes numbers, times and text; the page's script formats the same way.
extension StatusPage {
    /// `value` with `minimum`…`maximum` decimals (trailing zeros dropped down to `minimum`),
    /// thousands separated by commas: 1,234.5 for (1234.5, 1, 8). "n/a" when not finite.
    static func number(_ value: Double, _ minimum: Int, _ maximum: Int) -> String {
        guard value.isFinite else { return "n/a" }
        let text = String(format: "%.\(maximum)f", value)
        let negative = text.hasPrefix("-")
        let digits = negative ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        var fraction = parts.count > 1 ? parts[1] : ""
        let significant = fraction.reversed().drop { $0 == "0" }.count
        fraction = fraction.prefix(max(minimum, significant))
        let zero = digits.allSatisfy { $0 == "0" || $0 == "." }
        return (negative && !zero ? "-" : "") + grouped(parts[0]) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// An amount of money: two decimals, 63,345.33.
    static func money(_ value: Double) -> String { number(value, 2, 2) }

    /// A change of money with its sign: +1,234.56, -20.00, 0.00.
    static func signed(_ value: Double) -> String {
        let text = money(value)
        return value.isFinite && text.first != "-" && text != "0.00" ? "+" + text : text
    }

    /// A quantity: as many decimals as it has, up to 8.
    static func quantity(_ value: Double) -> String { number(value, 0, 8) }

    /// A price: at least 2 decimals, up to 8.
    static func price(_ value: Double) -> String { number(value, 2, 8) }

    /// A count: 12,345.
    static func count(_ value: Int) -> String { (value < 0 ? "-" : "") + grouped(Substring(String(value.magnitude))) }

    /// The class that colours a change: "up", "down" or none.
    static func tone(_ value: Double) -> String {
        value > 0 && money(value) != "0.00" ? "up" : value < 0 && money(value) != "0.00" ? "down" : ""
    }

    /// An unsigned digit string with commas every three digits from the right.
    static func grouped(_ digits: Substring) -> String {
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// A time (ns since the epoch) as "2026-11-21 22:16:11" in UTC.
    static func dateTime(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds.quotientRoundingDown(1_000_000_000)
        let days = seconds.quotientRoundingDown(86_400), second = seconds - days * 86_400
        // Days to a civil date (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = z.quotientRoundingDown(146_097), dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let m = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * m + 2) / 5 + 1, month = m < 10 ? m + 3 : m - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let two = { (value: Int64) in value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))"
    }

    /// A time (ns since the epoch) as "22:16:11" in UTC.
    static func time(_ nanoseconds: Int64) -> String { String(dateTime(nanoseconds).suffix(8)) }

    /// A span of time, coarsely: "45 s", "12 min 5 s", "3 h 12 min", "2 d 3 h".
    static func span(_ nanoseconds: Int64) -> String {
        let seconds = max(0, nanoseconds / 1_000_000_000)
        let (days, hours, minutes) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60)
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) min" }
        if minutes > 0 { return "\(minutes) min \(seconds % 60) s" }
        return "\(seconds) s"
    }

    /// Text made safe for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension Int64 {
    /// Division that rounds toward minus infinity (for times before 1970).
    fileprivate func quotientRoundingDown(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return self % divisor < 0 ? quotient - 1 : quotient
    }
}
