import Foundation

/// Runs external tools (gcc, cargo, nm, trellis) for tests.
enum Shell {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The journal `trellis run` writes to in tests, unless a test names another.
    static let journal = Repository.temporaryDirectory("trellis-journal") + "/journal.sqlite"

    /// Runs `arguments[0]` (looked up on PATH) with the rest as arguments.
    @discardableResult
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Runs go to a journal of the tests' own, never to .trellis/ in the repository.
        process.environment = ProcessInfo.processInfo.environment.merging(["TRELLIS_JOURNAL": journal]) { $1 }.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
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
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
