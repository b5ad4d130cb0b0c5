/// Parses the timestamps market data files use, into ns since the Unix epoch (UTC).
public enum Timestamp {
    /// `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fraction]]`, and an
    /// optional `Z` or `+00:00`. Naive times are taken as UTC. Returns nil when malformed.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var memo = DayMemo()
        return parse(bytes, memo: &memo)
    }

    /// The date last read and its day number: rows of one day skip the calendar arithmetic.
    public struct DayMemo: Sendable {
        var date: (UInt64, UInt16)?
        var days: Int64 = 0

        public init() {}
    }

    /// `parse(_:)`, remembering the date in `memo` for the next call.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, memo: inout DayMemo) -> Int64? {
        guard let base = bytes.baseAddress, bytes.count >= 10 else { return nil }
        let raw = UnsafeRawPointer(base)
        let date = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<digits {
                let byte = base[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        if let known = memo.date, known == date {
            index = 10
        } else {
            guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
                (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), years.contains(year)
            else { return nil }
            (memo.date, memo.days) = (date, daysFromCivil(year: year, month: month, day: day))
        }
        // The usual `YYYY-MM-DD HH:MM:SS`, read at fixed places.
        if bytes.count == 19, base[10] == 32 || base[10] == 84, base[13] == 58, base[16] == 58,
            let hour = pair(base + 11), let minute = pair(base + 14), let second = pair(base + 17), hour < 24, minute < 60, second < 61
        {
            return (memo.days * 86_400 + hour * 3600 + minute * 60 + second) * 1_000_000_000
        }
        var seconds = memo.days * 86_400
        var nanos: Int64 = 0
        if index < bytes.count, bytes[index] == 84 || bytes[index] == 32 {
            index += 1
            guard let hour = number(2), expect(58), let minute = number(2), hour < 24, minute < 60 else { return nil }
            seconds += hour * 3600 + minute * 60
            if expect(58) {
                guard let second = number(2), second < 61 else { return nil }
                seconds += second
                if expect(46) {
                    var scale: Int64 = 100_000_000
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        nanos += Int64(bytes[index] - 48) * scale
                        scale /= 10
                        index += 1
                    }
                }
            }
        }
        if expect(90) {
        } else if index < bytes.count, bytes[index] == 43 {
            index += 1
            guard number(2) == 0, expect(58), number(2) == 0 else { return nil }
        }
        guard index == bytes.count else { return nil }
        return seconds * 1_000_000_000 + nanos
    }

    /// The years the host takes: ns since the epoch in an Int64 reach 2262-04-11, and the host
    /// keeps a margin for bar periods past a time (`NumericBounds.latestTime`).
    public static let years: ClosedRange<Int64> = 1970...2260

    /// The two digits at `start`, or nil.
    @inline(__always)
    private static func pair(_ start: UnsafePointer<UInt8>) -> Int64? {
        let (tens, ones) = (start[0] &- 48, start[1] &- 48)
        return tens < 10 && ones < 10 ? Int64(tens) * 10 + Int64(ones) : nil
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (when not midnight) in UTC.
    public static func format(_ nanoseconds: Int64) -> String {
        let seconds = floorDivide(nanoseconds, 1_000_000_000)
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let date = "\(year)-\(two(month))-\(two(day))"
        if secondOfDay == 0 { return date }
        return date + " \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
    }

    /// `value / divisor` rounded toward minus infinity; cannot overflow for a positive divisor.
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
