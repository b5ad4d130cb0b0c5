import Foundation

/// Axis ticks for the report's charts: round values on the value axis, calendar boundaries on
/// the time axis.
enum ChartAxes {
    /// About `count` round ticks (1, 2, 2.5 or 5 × 10ⁿ apart) covering `low...high`.
    static func valueTicks(low: Double, high: Double, count: Int = 5) -> [Double] {
        guard low.isFinite, high.isFinite else { return [] }
        guard high > low else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var tick = (low / step).rounded(.up) * step
        // Bounded: a step below the values' precision would not move the tick at all.
        while tick <= high + step * 1e-9, ticks.count < 50 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            let next = tick + step
            guard next > tick else { break }
            tick = next
        }
        return ticks
    }

    /// Calendar-aligned ticks between two times (ns), at most about eight, with their labels:
    /// years, months, days or hours, whichever fits.
    static func timeTicks(from start: Int64, to end: Int64) -> [(time: Int64, label: String)] {
        guard end > start else { return [(start, Timestamp.format(start))] }
        let day: Int64 = 86_400_000_000_000
        let days = (Double(end) - Double(start)) / Double(day)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let (firstYear, firstMonth, _) = Timestamp.civil(fromDays: Timestamp.floorDivide(start, day))
        if days > 365 * 3 {
            let step = Int64([1, 2, 5, 10, 20, 50].first { days / 365.25 / Double($0) <= 8 } ?? 100)
            return stride(from: (firstYear / step) * step, through: firstYear + Int64(days / 365) + 1, by: Int(step)).compactMap { year in
                let time = Timestamp.daysFromCivil(year: year, month: 1, day: 1) * day
                return (start...end).contains(time) ? (time, "\(year)") : nil
            }
        }
        if days > 60 {
            let step = Int64([1, 2, 3, 6, 12].first { days / 30.44 / Double($0) <= 8 } ?? 12)
            var ticks: [(Int64, String)] = []
            var index = firstYear * 12 + (firstMonth - 1)
            index = (index / step) * step
            while true {
                let (year, month) = (index / 12, index % 12 + 1)
                let time = Timestamp.daysFromCivil(year: year, month: month, day: 1) * day
                if time > end { break }
                if time >= start { ticks.append((time, month == 1 ? "\(year)" : "\(months[Int(month - 1)]) \(year)")) }
                index += step
            }
            return ticks
        }
        let hour: Int64 = 3_600_000_000_000
        let hours = (Double(end) - Double(start)) / Double(hour)
        let step = ([1, 2, 3, 6, 12, 24, 48, 168, 336] as [Int64]).first { hours / Double($0) <= 8 } ?? 720
        var time = (start + step * hour - 1) / (step * hour) * (step * hour)
        var ticks: [(Int64, String)] = []
        while time <= end {
            let (_, month, dayOfMonth) = Timestamp.civil(fromDays: Timestamp.floorDivide(time, day))
            let minutes = (Timestamp.floorDivide(time, 60_000_000_000) % 1440 + 1440) % 1440
            let label = step >= 24 || minutes == 0 ? "\(months[Int(month - 1)]) \(dayOfMonth)" : String(format: "%02lld:%02lld", minutes / 60, minutes % 60)
            ticks.append((time, label))
            time += step * hour
        }
        return ticks
    }
}
