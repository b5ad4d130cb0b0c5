import CCurl
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// HTTP over libcurl: one dedicated thread drives one multi handle, so every request shares its
/// connection cache (keep-alive) and libcurl's own timers.
///
/// Callers hand requests over under a lock and wake the thread with `curl_multi_wakeup`; the
/// thread sleeps in `curl_multi_poll` (at most a second at a time) and calls each completion.
final class CurlClient: Sendable {
    /// A request handed to the curl thread.
    struct Submission: Sendable {
        var id: UInt64
        var request: HTTPRequest
        var completion: @Sendable (HTTPResponse) -> Void
        var start: ContinuousClock.Instant
    }

    /// What callers and the curl thread share.
    private struct Shared {
        var submitted: [Submission] = []
        var canceled: [UInt64] = []
        /// Set by `stop`: no more submissions, the thread cancels what it has and ends.
        var stopping = false
        /// Set by the thread before it frees the multi handle: no more wake-ups.
        var stopped = false
    }

    /// The multi handle, shared only through `curl_multi_wakeup` (which libcurl allows from any thread).
    private struct MultiHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    private let multi: MultiHandle?
    private let shared = Mutex(Shared())
    private let exited = DispatchSemaphore(value: 0)
    private let logger: Logger

    /// Makes the multi handle and starts the curl thread.
    init(logger: Logger) {
        self.logger = logger
        var multi: MultiHandle?
        if Self.globalInit, let raw = curl_multi_init() {
            _ = trellis_curl_multi_setopt_long(raw, CURLMOPT_MAXCONNECTS, 32)
            multi = MultiHandle(raw: raw)
        }
        self.multi = multi
        guard let multi else {
            logger.error("libcurl failed to start; every HTTP request will fail")
            shared.withLock {
                $0.stopping = true; $0.stopped = true
            }
            exited.signal()
            return
        }
        let started = Self.spawn { [self] in run(multi.raw) }
        if !started {
            logger.error("could not start the curl thread; every HTTP request will fail")
            shared.withLock {
                $0.stopping = true; $0.stopped = true
            }
            curl_multi_cleanup(multi.raw)
            exited.signal()
        }
    }

    /// Hands `submission` to the curl thread; false (and nothing done) once stopping.
    func submit(_ submission: Submission) -> Bool {
        let queued = shared.withLock { shared in
            guard !shared.stopping, multi != nil else { return false }
            shared.submitted.append(submission)
            return true
        }
        // Woken after the lock is let go: the curl thread does not wake only to wait for it.
        if queued, let multi { curl_multi_wakeup(multi.raw) }
        return queued
    }

    /// Cancels request `id` if it has not completed; its completion reports `.canceled`.
    func cancel(_ id: UInt64) {
        shared.withLock { shared in
            guard !shared.stopping, let multi else { return }
            shared.canceled.append(id)
            curl_multi_wakeup(multi.raw)
        }
    }

    /// Cancels every request and ends the thread; waits until `deadline` at most. True when it ended.
    @discardableResult
    func stop(until deadline: ContinuousClock.Instant) -> Bool {
        shared.withLock { shared in
            guard !shared.stopping, let multi else { return }
            shared.stopping = true
            curl_multi_wakeup(multi.raw)
        }
        let remaining = CurlTransfer.nanoseconds(since: deadline)
        let ended = exited.wait(timeout: .now() + .nanoseconds(Int(max(0, -remaining)))) == .success
        if ended { exited.signal() }  // later stops see it ended too
        return ended
    }

    /// The curl thread: starts, cancels and drives transfers until stopped.
    private func run(_ multi: UnsafeMutableRawPointer) {
        var transfers: [UInt64: CurlTransfer] = [:]
        var handles: [UnsafeMutableRawPointer: UInt64] = [:]
        func remove(_ id: UInt64) -> CurlTransfer? {
            guard let transfer = transfers.removeValue(forKey: id) else { return nil }
            handles[transfer.easy] = nil
            curl_multi_remove_handle(multi, transfer.easy)
            return transfer
        }
        while true {
            let (submitted, canceled, stopping) = shared.withLock { shared in
                defer { shared.submitted.removeAll(); shared.canceled.removeAll() }
                return (shared.submitted, shared.canceled, shared.stopping)
            }
            for submission in submitted {
                do {
                    let transfer = try CurlTransfer(submission)
                    let added = curl_multi_add_handle(multi, transfer.easy)
                    guard added == CURLM_OK else {
                        transfer.fail(.protocolError, String(cString: curl_multi_strerror(added)))
                        continue
                    }
                    transfers[transfer.id] = transfer
                    handles[transfer.easy] = transfer.id
                } catch {
                    var response = HTTPResponse.failed(error.code, error.message, id: submission.id)
                    response.elapsedNanoseconds = CurlTransfer.nanoseconds(since: submission.start)
                    submission.completion(response)
                }
            }
            for id in canceled { remove(id)?.fail(.canceled, "canceled") }
            if stopping { break }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle, let id = handles[easy] else { continue }
                let result = message.pointee.data.result
                remove(id)?.finish(result)
            }
            var ready: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
        for id in Array(transfers.keys) { remove(id)?.fail(.canceled, "network services shut down") }
        let late = shared.withLock { shared in
            shared.stopped = true
            defer { shared.submitted.removeAll() }
            return shared.submitted
        }
        for submission in late { submission.completion(.failed(.canceled, "network services shut down", id: submission.id)) }
        curl_multi_cleanup(multi)
        logger.debug("curl thread ended")
        exited.signal()
    }

    /// Starts a detached thread running `body`; false when the system refused.
    private static func spawn(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Start {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let start = Unmanaged.passRetained(Start(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { argument in
                // A batch thread is not run the moment it is woken: a request handed over by the
                // engine thread waits the few microseconds until the engine yields its CPU, rather
                // than taking the CPU from it mid-event (Linux's SCHED_BATCH; nothing else changes).
                var parameters = sched_param(sched_priority: 0)
                _ = sched_setscheduler(0, 3, &parameters)  // SCHED_BATCH, which Glibc's module does not export
                Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue().body()
                return nil
            }, start)
        guard status == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
