import Foundation
import Synchronization

/// Runs external tools (gcc, cargo, nm, trellis) for tests.
enum Shell {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Ended by a signal (`status` is then the signal's number), as a shell shows 128 + N.
        var signaled = false
        /// Killed by the test's time bound.
        var timedOut = false

        /// The status a shell would show: 128 + N for a signal.
        var shellStatus: Int32 { signaled ? 128 + status : status }
    }

    /// The journal `trellis run` writes to in tests, unless a test names another.
    static let journal = Repository.temporaryDirectory("trellis-journal") + "/journal.sqlite"

    /// Runs `arguments[0]` (looked up on PATH) with the rest as arguments.
    @discardableResult
    static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], timeout: Duration = .seconds(600)
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Runs go to a journal of the tests' own, never to .trellis/ in the repository.
        // No Swift backtrace of a crashing child: the backtracer's helper process would outlive the
        // crash holding the pipes open.
        process.environment = ProcessInfo.processInfo.environment.merging(["TRELLIS_JOURNAL": journal, "SWIFT_BACKTRACE": "enable=no"]) { $1 }
            .merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Every run is bounded in time: a hung process is killed and said so.
        let timedOut = Mutex(false)
        let pid = process.processIdentifier
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            guard process.isRunning else { return }
            timedOut.withLock { $0 = true }
            kill(pid, SIGKILL)
        }
        // Read both pipes while the process runs, so a chatty tool cannot fill one and block.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave()
        }
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
            signaled: process.terminationReason == .uncaughtSignal, timedOut: timedOut.withLock { $0 })
    }
}
