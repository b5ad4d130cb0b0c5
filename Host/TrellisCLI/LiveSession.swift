import Dispatch
import Foundation
import Glibc
import TrellisHost

/// What a paper or live run needs from the command around it: Ctrl-C and SIGTERM stop it
/// gracefully (a second one ends the process at once, status 130), and SIGPIPE is ignored.
final class LiveSession {
    private var sources: [any DispatchSourceSignal] = []
    /// Signals received; handled on one serial queue.
    private var signals = 0
    private let queue = DispatchQueue(label: "trellis.signals")

    init(_ run: Backtest) {
        signal(SIGPIPE, SIG_IGN)
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            let name = number == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM"
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.signals += 1
                if self.signals > 1 {
                    printError("trellis: \(name) again: exiting now, without the graceful stop")
                    _exit(130)  // not exit(): the exit hooks would take it for a plugin's

                }
                printError("trellis: \(name): stopping gracefully (open orders canceled as the graph says); press Ctrl-C again to exit at once")
                run.stop("\(name) received")
            }
            source.resume()
            sources.append(source)
        }
        printError("trellis: \(run.mode.rawValue) run; Ctrl-C stops it")
    }

    /// Restores the signals' default handling.
    func end() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
