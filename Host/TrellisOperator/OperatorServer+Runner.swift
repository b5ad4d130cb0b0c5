import Dispatch
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

extension OperatorServer {
    /// One run of the server: its thread, its service group and the task that runs them.
    final class Runner: Sendable {
        private let thread: OperatorThread
        private let stopSignal: AsyncStream<Void>.Continuation
        private let task: Task<Void, Never>
        private let handoff = Handoff()

        /// Starts the server for `router` on `address`:`port` on a new thread.
        init(router: Router<BasicRequestContext>, address: String, port: Int, logger: Logger) {
            thread = OperatorThread(name: "trellis-operator")
            let (signals, stopSignal) = AsyncStream<Void>.makeStream()
            self.stopSignal = stopSignal
            let handoff = self.handoff
            let application = Application(
                router: router, configuration: .init(address: .hostname(address, port: port), serverName: "trellis-operator"),
                onServerRunning: { channel in handoff.report(.success(channel.localAddress?.port ?? port)) }, logger: logger)
            let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
            // Detached, because start() is synchronous and the Application is async; preferring
            // the endpoint's own thread, so it needs nothing of the shared pool. Not a stray
            // task: stop() ends it through `stopSignal` and waits for `finished`.
            let thread = self.thread
            task = Task.detached(executorPreference: thread) {
                do {
                    try await withThrowingDiscardingTaskGroup { tasks in
                        tasks.addTask {
                            defer { stopSignal.finish() }
                            try await group.run()
                        }
                        for await _ in signals {}
                        await group.triggerGracefulShutdown()
                    }
                } catch {
                    handoff.report(.failure(OperatorError(.bindFailed, "the operator endpoint cannot listen on \(address):\(port): \(error)")))
                }
                handoff.report(.failure(OperatorError(.bindFailed, "the operator endpoint on \(address):\(port) stopped before it listened")))
                handoff.finished.signal()
                thread.finish()
            }
        }

        /// The bound port once the server listens, or why it did not within `timeout`.
        func waitUntilListening(timeout: Duration, address: String, port: Int) -> Result<Int, OperatorError> {
            if handoff.listening.wait(timeout: .now() + timeout.seconds) == .timedOut {
                let message = "the operator endpoint did not start listening on \(address):\(port) within \(timeout) (is the port in use?)"
                return .failure(OperatorError(.startTimedOut, message))
            }
            return handoff.outcome.withLock { $0 }!
        }

        /// Shuts the server down gracefully, cancels it after `grace`, and waits at most
        /// `grace` more. The thread ends when the task does, even if that is later.
        ///
        /// Hummingbird and ServiceLifecycle shut down through unstructured tasks that run on
        /// the shared pool, so a busy pool can hold the graceful path up: hence the bound.
        func stop(grace: Duration, logger: Logger) {
            stopSignal.finish()
            guard handoff.finished.wait(timeout: .now() + grace.seconds) == .timedOut else { return }
            logger.warning("operator endpoint did not shut down gracefully in time; cancelling it")
            task.cancel()
            if handoff.finished.wait(timeout: .now() + grace.seconds) == .timedOut {
                logger.warning("operator endpoint is still shutting down; it ends once the shared pool runs it")
            }
        }
    }

    /// What the server's task tells `start()` and `stop()`: the port or the failure, and the end.
    final class Handoff: Sendable {
        let outcome = Mutex<Result<Int, OperatorError>?>(nil)
        let listening = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)

        /// Keeps the first result, and wakes `start()` with it.
        func report(_ result: Result<Int, OperatorError>) {
            let first = outcome.withLock { outcome in
                guard outcome == nil else { return false }
                outcome = result
                return true
            }
            if first { listening.signal() }
        }
    }
}

extension Duration {
    /// The duration in seconds, for Dispatch's deadlines.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
