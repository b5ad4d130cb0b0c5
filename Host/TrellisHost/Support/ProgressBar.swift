import Foundation

/// A one-line progress bar for long work, drawn on a terminal only: it appears once the work has
/// taken `delay`, redraws at most ten times a second (and when a new phase starts), and erases itself when done. One bar
/// follows the phases of a job (reading, then replaying); it is driven from one thread.
public final class ProgressBar: @unchecked Sendable {
    /// What `done` and `total` count.
    public enum Unit: Sendable {
        case bytes, events
    }

    private let delay: Double
    private let write: (String) -> Void
    private let now: () -> Double
    private let start: Double
    private var lastDraw = -Double.infinity
    private var phase = ""
    private var phaseStart = 0.0
    private var drawn = false

    /// - Parameters:
    ///   - write: where the bar goes (a terminal).
    ///   - now: seconds on a monotonic clock.
    public init(delay: Double = 1, write: @escaping (String) -> Void, now: @escaping () -> Double = ProgressBar.monotonicSeconds) {
        self.delay = delay
        self.write = write
        self.now = now
        start = now()
    }

    /// A bar on standard error, or nil when standard error is not a terminal (piped, redirected,
    /// or TERM=dumb): then a run prints nothing it would not print anyway. It appears after
    /// `$TRELLIS_PROGRESS_DELAY` seconds (default 1).
    public static func onTerminal() -> ProgressBar? {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(STDERR_FILENO) == 1, environment["TERM"] != "dumb" else { return nil }
        let delay = environment["TRELLIS_PROGRESS_DELAY"].flatMap(Double.init) ?? 1
        return ProgressBar(delay: delay) { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Shows a backtest's progress: reading its feeds, then replaying.
    public func show(_ progress: Backtest.Progress) {
        switch progress.phase {
        case .reading(let feed): update("reading \(feed)", done: progress.done, total: progress.total, unit: .bytes)
        case .replaying: update("backtest", done: progress.done, total: progress.total, unit: .events)
        }
    }

    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }

    public func update(_ label: String, done: Int, total: Int, unit: Unit) {
        let time = now()
        let newPhase = label != phase
        if newPhase { (phase, phaseStart) = (label, time) }
        guard time - start >= delay, time - lastDraw >= 0.1 || newPhase else { return }
        lastDraw = time
        drawn = true
        write("\r\u{1B}[2K" + line(label, done: done, total: total, unit: unit, elapsed: time - phaseStart))
    }

    /// Erases the bar, if it was drawn.
    public func finish() {
        if drawn { write("\r\u{1B}[2K") }
        drawn = false
    }

    /// `backtest  ████████████░░░░░░░░░░░░  52%  1,117,000 / 2,148,000 events  4.1M/s  ETA 0:03`
    func line(_ label: String, done: Int, total: Int, unit: Unit, elapsed: Double) -> String {
        let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 1
        let cells = 24
        let full = Int(clamping: fraction * Double(cells))
        let bar = String(repeating: "█", count: full) + String(repeating: "░", count: cells - full)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let percent = String(Int(clamping: fraction * 100))
        let amounts =
            switch unit {
            case .bytes: String(format: "%.1f / %.1f MB  %.1f MB/s", Double(done) / 1e6, Double(total) / 1e6, rate / 1e6)
            case .events:
                "\(NumberFormat.grouped(Double(done), decimals: 0)) / \(NumberFormat.grouped(Double(total), decimals: 0)) events  \(Self.rate(rate))/s"
            }
        return "\(label)  \(bar) \(String(repeating: " ", count: 3 - percent.count))\(percent)%  \(amounts)  ETA \(Self.clock(remaining))"
    }

    static func rate(_ perSecond: Double) -> String {
        switch perSecond {
        case 1e9...: String(format: "%.1fG", perSecond / 1e9)
        case 1e6...: String(format: "%.1fM", perSecond / 1e6)
        case 1e3...: String(format: "%.1fk", perSecond / 1e3)
        default: String(format: "%.0f", perSecond)
        }
    }

    static func clock(_ seconds: Double) -> String {
        let whole = Int(clamping: min(seconds, 359_999).rounded(.up))
        return whole >= 3600 ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60) : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
