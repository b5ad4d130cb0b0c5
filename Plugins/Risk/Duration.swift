import Glibc

/// Durations in parameters: a number and a unit, "30m", "4h", "2d" (minutes, hours, days).
enum DurationText {
    static func nanoseconds(_ text: String) -> Int64? {
        guard let unit = text.last, let number = Double(text.dropLast()), number.isFinite, number >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "m": seconds = number * 60
        case "h": seconds = number * 3600
        case "d": seconds = number * 86_400
        default: return nil
        }
        // Up to 100 years: far less than nanoseconds in an Int64 can hold (about 290 years), so a
        // time plus a duration stays within it wherever the host's times lie (1970 to 2261).
        return seconds <= 3_155_760_000 ? Int64(seconds * 1e9) : nil
    }

    /// 90,000 s → "1d 1h", for messages.
    static func text(_ nanoseconds: Int64) -> String {
        let minutes = nanoseconds / 60_000_000_000
        let (days, hours, rest) = (minutes / 1440, minutes / 60 % 24, minutes % 60)
        let parts = [(days, "d"), (hours, "h"), (rest, "m")].filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }
        return parts.isEmpty ? "0m" : parts.joined(separator: " ")
    }

    /// A time as "01-03 00:00 UTC" (month-day hour:minute), for messages.
    static func utc(_ nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let two = { (value: Int32) in value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)) UTC"
    }
}
