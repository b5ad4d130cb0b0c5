import Foundation
import Testing
import TrellisHost

/// The progress bar: only for long work, never flickering, gone when done.
@Suite struct ProgressBarTests {
    final class Screen: @unchecked Sendable {
        var writes: [String] = []
        var time = 0.0
    }

    private func bar(_ screen: Screen) -> ProgressBar {
        ProgressBar(delay: 1, write: { screen.writes.append($0) }, now: { screen.time })
    }

    @Test func staysHiddenForTheFirstSecondThenDrawsAtMostTenTimesASecond() {
        let screen = Screen()
        let progress = bar(screen)
        screen.time = 0.5
        progress.update("backtest", done: 100, total: 1000, unit: .events)
        #expect(screen.writes.isEmpty)
        screen.time = 1.0
        progress.update("backtest", done: 500, total: 1000, unit: .events)
        screen.time = 1.05
        progress.update("backtest", done: 520, total: 1000, unit: .events)
        #expect(screen.writes.count == 1)
        #expect(screen.writes[0].hasPrefix("\r\u{1B}[2Kbacktest  ████████████░░░░░░░░░░░░  50%  500 / 1,000 events"))
        #expect(screen.writes[0].hasSuffix("ETA 0:01"))
        screen.time = 1.1
        progress.update("reading goog", done: 5_000_000, total: 20_000_000, unit: .bytes)
        #expect(screen.writes.count == 2, "a new phase is drawn at once")
        #expect(screen.writes.last?.contains("reading goog  ██████░░░░░░░░░░░░░░░░░░  25%  5.0 / 20.0 MB") == true)
        progress.finish()
        #expect(screen.writes.last == "\r\u{1B}[2K")
    }

    @Test func aQuickJobLeavesNoTrace() {
        let screen = Screen()
        let progress = bar(screen)
        screen.time = 0.3
        progress.update("backtest", done: 1000, total: 1000, unit: .events)
        progress.finish()
        #expect(screen.writes.isEmpty)
    }

    @Test func aTerminalShowsTheBarAndAPipeDoesNot() throws {
        // `script` gives trellis a terminal; the delay is made 0 so a short run shows the bar.
        let log = Repository.temporaryDirectory() + "/typescript"
        let command = "\(Repository.trellis) run strategies.yaml --no-journal"
        let output = try Shell.run(
            ["script", "-qfec", command, log], in: Repository.root, environment: ["TRELLIS_PROGRESS_DELAY": "0", "TERM": "xterm"])
        #expect(output.status == 0, "\(output.stderr)")
        let screen = try String(contentsOfFile: log, encoding: .utf8)
        #expect(screen.contains("\r\u{1B}[2Kbacktest  "))
        #expect(screen.contains("\r\u{1B}[2K\r\u{1B}[2Ktrellis") || screen.contains("\r\u{1B}[2Ktrellis"), "the bar is erased before the summary")
        let piped = try Shell.run(
            [Repository.trellis, "run", "strategies.yaml", "--no-journal"], in: Repository.root, environment: ["TRELLIS_PROGRESS_DELAY": "0"])
        #expect(!piped.stderr.contains("\u{1B}") && !piped.stdout.contains("\u{1B}"))
    }
}
