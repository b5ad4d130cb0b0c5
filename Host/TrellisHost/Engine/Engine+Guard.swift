import CTrellis
import CTrellisGuard
import Foundation
import Logging
import Synchronization

/// What the engine shares with the guard (CTrellisGuard): which node runs and in which phase, on
/// which thread; the kill switch the watchdog raises; emits from other threads, refused.
extension Engine {
    /// Runs `body`, node `slot`'s code, in `phase`: the crash reporter can name it, and emit is
    /// allowed (and attributed to it) outside create and destroy.
    @discardableResult
    func inPhase<R>(_ phase: CrashReporter.Phase, slot: Int, _ body: () -> R) -> R {
        let previousEngine = trellis_guard_attach(watch)
        let (previousSlot, previousPhase) = (watch.pointee.current, watch.pointee.phase)
        (watch.pointee.current, watch.pointee.phase) = (Int32(slot), phase.rawValue)
        watch.pointee.calls &+= 1
        state.pointee.emitted = 0
        defer {
            (watch.pointee.current, watch.pointee.phase) = (previousSlot, previousPhase)
            trellis_guard_detach(previousEngine)
        }
        return body()
    }

    /// Runs `body` on this thread as the engine's: what emit accepts, and what the crash reporter
    /// names, while `phase` lasts.
    func attached<R>(_ phase: CrashReporter.Phase, _ body: () -> R) -> R {
        let previousEngine = trellis_guard_attach(watch)
        let previousPhase = watch.pointee.phase
        watch.pointee.phase = phase.rawValue
        defer {
            watch.pointee.phase = previousPhase
            trellis_guard_detach(previousEngine)
        }
        return body()
    }

    /// Sets the files whose appearance halts the run (`trellis kill`); requests written before
    /// `since` are for earlier runs.
    func watchKillRequests(_ paths: [String], since: Date) {
        (killRequests, killRequestsSince) = (paths, since)
        CStrings.with(paths) { trellis_guard_set_kill(watch, Int32(paths.count), $0, Int64(clamping: since.timeIntervalSince1970 * 1e9)) }
    }

    /// A plugin's own thread called emit: refused, so that runs stay deterministic (the
    /// thread-safe way in is `post`). The first few are logged; the count is kept.
    func refuseOffThreadEmit(from slot: Int) -> trellis_status {
        let count = offThreadEmits.add(1, ordering: .relaxed).newValue
        if count <= Self.loggedProblems {
            logger.warning(
                "refused an emit from a thread that is not the engine's: emit is for the node's own callbacks, on the engine thread\(count == Self.loggedProblems ? " (further ones are counted, not logged)" : "")",
                metadata: ["node": "\(names[Int(nodeID(slot))])"])
        }
        return TRELLIS_ERR_STATE
    }

    /// The manual kill switch: the watchdog saw a `trellis kill` request for this run; the host
    /// halts (every new order denied, with the reason) and stops looking.
    func noticeKillRequest() {
        watch.pointee.kill_requested = 2
        let now = Date()
        for path in killRequests {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let modified = attributes[.modificationDate] as? Date,
                modified.timeIntervalSince1970 >= killRequestsSince.timeIntervalSince1970 - 1e-6
            else { continue }
            let asked = String(format: "%.2f", max(0, now.timeIntervalSince(modified)))
            let note =
                (try? String(contentsOfFile: path, encoding: .utf8)).map { TerminalText.safe($0.trimmingCharacters(in: .whitespacesAndNewlines), limit: 200) }
                ?? ""
            let reason = "killed by trellis kill\(note.isEmpty ? "" : " (\(note))"), noticed \(asked) s after"
            limits.halt(because: reason)
            logger.warning("the host halts: \(reason); every new order is denied from now on")
            return
        }
        limits.halt(because: "killed by trellis kill")
        logger.warning("the host halts: killed by trellis kill; every new order is denied from now on")
    }
}
