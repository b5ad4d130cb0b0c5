import Foundation

/// Time as features a model can use: the time of day and the day of the week on a circle, so
/// 23:59 sits next to 00:00 and Sunday next to Monday. Times are ns since the epoch, in UTC.
public enum CyclicalTime {
    /// sin and cos of 2π × (seconds since midnight) / 86,400.
    @inlinable
    public static func timeOfDay(_ time: Int64) -> (sin: Double, cos: Double) {
        let seconds = floorDivide(time, 1_000_000_000) - floorDivide(time, 86_400_000_000_000) * 86_400
        let angle = 2 * Double.pi * Double(seconds) / 86_400
        return (sin(angle), cos(angle))
    }

    /// sin and cos of 2π × day / 7, Monday 0 to Sunday 6.
    @inlinable
    public static func dayOfWeek(_ time: Int64) -> (sin: Double, cos: Double) {
        // 1970-01-01 was a Thursday (3).
        let day = floorDivide(time, 86_400_000_000_000) + 3
        let angle = 2 * Double.pi * Double(day - floorDivide(day, 7) * 7) / 7
        return (sin(angle), cos(angle))
    }

    /// Division rounding towards −∞.
    @inlinable
    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
