import Synchronization

/// Where the engine publishes its state for the operator endpoint, and the metrics it updates.
///
/// The engine thread calls ``publish(_:)`` a few times per second; the server's thread reads
/// ``status`` per request. A lock guards the snapshot: publishing costs a copy of the struct's
/// references, never an encoding.
public final class OperatorBoard: Sendable {
    /// The host's metrics, served at `GET /metrics`.
    public let metrics: OperatorMetrics

    private struct Latest {
        var status = OperatorStatus()
        var publishedAt: ContinuousClock.Instant?
    }

    private let latest = Mutex(Latest())

    /// A board with no snapshot yet (health says stale until the first publish) and new metrics.
    public init() {
        metrics = OperatorMetrics()
    }

    /// Replaces the snapshot and sets the gauges it carries (equity, P&L, queue depth, halted).
    public func publish(_ status: OperatorStatus) {
        let now = ContinuousClock.now
        latest.withLock {
            $0.status = status
            $0.publishedAt = now
        }
        metrics.record(status)
    }

    /// The latest snapshot: `OperatorStatus()` until the first publish.
    public var status: OperatorStatus {
        latest.withLock { $0.status }
    }

    /// The latest snapshot and how long ago it was published (nil: never), on the monotonic clock.
    public func snapshot(now: ContinuousClock.Instant = .now) -> (status: OperatorStatus, age: Duration?) {
        latest.withLock { ($0.status, $0.publishedAt.map { now - $0 }) }
    }

    /// The endpoint's health: ok while the engine published within `staleAfter` and is not halted.
    public func health(staleAfter: Duration) -> OperatorHealth {
        let (status, age) = snapshot()
        return OperatorHealth.of(status, age: age, staleAfter: staleAfter)
    }
}
