import Dispatch

/// A task executor on a serial dispatch queue of its own, which gets a thread of its own (serial
/// queues overcommit), outside Swift's cooperative pool and outside the width-limited global
/// dispatch queues.
///
/// Why: the host's network services and the fake venue are driven synchronously, from threads
/// that may belong to that pool (a Swift Testing test, a caller blocked in `start()`). If their
/// tasks needed the same pool, the blocked callers could starve it, on a small machine for
/// seconds. A root task created with this preference keeps it for every child task.
public final class SerialTaskExecutor: TaskExecutor {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
