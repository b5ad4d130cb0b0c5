import Dispatch
import Foundation
import Synchronization

/// A thread of the endpoint's own that runs its async code, as a task executor.
///
/// Hummingbird is async. The server's task prefers this executor (and so do its child tasks and
/// the default actors they call), so the endpoint never waits for a thread of the shared
/// cooperative pool: `/health` answers even when that pool is busy, and a synchronous
/// `start()` may block a pool thread while it waits for the server to listen.
final class OperatorThread: TaskExecutor, Sendable {
    private struct Queue {
        var jobs: [UnownedJob] = []
        var head = 0
        /// Set by `finish()`: the thread ends once the queue is empty.
        var finishing = false
        /// The thread has ended: later jobs go to the global executor.
        var ended = false
    }

    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let name: String

    /// Starts the thread, named `name` (as `top` and debuggers show it).
    init(name: String) {
        self.name = name
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let queued = queue.withLock { queue in
            guard !queue.ended else { return false }
            queue.jobs.append(unowned)
            return true
        }
        if queued {
            wake.signal()
        } else {
            // A late continuation (a socket closing after the stop): run it anywhere.
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        }
    }

    /// Ends the thread once its queue is empty; jobs after that run on the global executor.
    func finish() {
        queue.withLock { $0.finishing = true }
        wake.signal()
    }

    private func run() {
        while true {
            wake.wait()
            let next: UnownedJob? = queue.withLock { queue in
                if queue.head < queue.jobs.count {
                    let job = queue.jobs[queue.head]
                    queue.head += 1
                    if queue.head == queue.jobs.count {
                        queue.jobs.removeAll(keepingCapacity: true)
                        queue.head = 0
                    }
                    return job
                }
                if queue.finishing { queue.ended = true }
                return nil
            }
            if let next {
                next.runSynchronously(on: asUnownedTaskExecutor())
            } else if queue.withLock({ $0.ended }) {
                return
            }
        }
    }
}
