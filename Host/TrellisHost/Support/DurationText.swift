/// Durations as graphs and commands write them: 90s, 15m, 8h, 1d, 1w.
public enum DurationText {
    /// Nanoseconds in `text`; nil when malformed, not positive or longer than 366 days.
    public static func nanoseconds(_ text: String) -> Int64? { GraphReader.duration(text) }
}
