/// The largest values the host takes from graphs, feeds and plugin events (docs/limits.md). A
/// value beyond them, NaN or infinity is refused where it enters, with its place: so every sum
/// and product the host forms from them stays finite, and every conversion to an integer fits.
public enum NumericBounds {
    /// Prices: CSV price columns, limit and stop prices.
    public static let price = 1e12
    /// Quantities: order sizes (in any size mode), volumes and quote sizes.
    public static let quantity = 1e15
    /// Money in the account currency: cash, commissions, notional and loss limits.
    public static let money = 1e15
    /// Integer parameters whose schema gives no maximum of their own: 2^53 − 1, the largest
    /// integer a JSON number holds exactly, and far enough from Int64's end that a plugin adding
    /// or doubling one cannot overflow. A plugin that allocates by a parameter sets its own.
    public static let integer: Int64 = 9_007_199_254_740_991
    /// The most orders a second `limits.max_orders_per_second` may allow.
    public static let ordersPerSecond: Int64 = 1_000_000
    /// Times: from 1970-01-01 up to, not including, 2261-01-01 (ns since the epoch). An Int64 of
    /// ns ends in April 2262; the margin holds a time plus the longest bar period.
    public static let earliestTime: Int64 = 0
    public static let latestTime: Int64 = 9_183_110_400 * 1_000_000_000 - 1
    /// Bar periods and other durations in a graph: at most 366 days.
    public static let period: Int64 = 366 * 86_400 * 1_000_000_000

    /// Whether `value` is finite and within ±`bound`.
    @inline(__always)
    public static func fits(_ value: Double, _ bound: Double) -> Bool { value.magnitude <= bound }

    /// "1e+12" written for people: "1,000,000,000,000".
    public static func words(_ bound: Double) -> String { NumberFormat.grouped(bound, decimals: 0) }
}
