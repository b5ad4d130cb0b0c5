import Dispatch

/// The thread the fake venue's async code runs on: a serial dispatch queue of its own, which
/// gets a thread of its own (serial queues overcommit), outside Swift's cooperative pool and
/// outside the width-limited global dispatch queues.
///
/// Why: tests and benchmarks call ``FakeVenueServer/start()`` and ``FakeVenueServer/stop()``
/// synchronously, often from a thread of the cooperative pool (a Swift Testing test). If the
/// server's tasks needed that same pool, callers blocked in `start()` could starve it and
/// deadlock on a small machine. The server's root task prefers this executor, and every child
/// task inherits the preference.
final class VenueExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
