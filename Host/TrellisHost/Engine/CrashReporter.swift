import Glibc

/// Names the node whose plugin code crashed the process. A crash inside plugin code cannot be
/// survived in-process, but the operator learns which node, plugin and library it was, and in
/// which phase, before the runtime's own crash report.
public enum CrashReporter {
    /// What the engine was doing with its current node.
    enum Phase: Int32 {
        case idle = 0
        case create, activate, event, deactivate, destroy

        var words: StaticString {
            switch self {
            case .idle: "running"
            case .create: "being created"
            case .activate: "being activated"
            case .event: "handling an event"
            case .deactivate: "being deactivated"
            case .destroy: "being destroyed"
            }
        }
    }

    /// The engine being watched: its loop state and a label per node slot. Set by the engine.
    nonisolated(unsafe) static var watchedState: UnsafeMutablePointer<Engine.LoopState>?
    nonisolated(unsafe) static var watchedLabels: UnsafeMutablePointer<UnsafeMutablePointer<CChar>>?
    nonisolated(unsafe) static var watchedCount = 0
    nonisolated(unsafe) private static var previous: [Int32: sigaction] = [:]

    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT]

    /// Installs the handlers; each reports, then hands the signal to the handler it replaced.
    public static func install() {
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in CrashReporter.report(signal) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var old = sigaction()
            sigaction(signal, &action, &old)
            previous[signal] = old
        }
    }

    /// Async-signal-safe: only reads prepared memory and calls write(2).
    private static func report(_ signal: Int32) {
        if let state = watchedState, let labels = watchedLabels {
            let slot = state.pointee.current
            if slot >= 0, slot < watchedCount {
                let phase = Phase(rawValue: state.pointee.phase) ?? .idle
                write("\ntrellis: the process crashed (")
                write(name(of: signal))
                write(") while ")
                writeC(labels[slot])
                write(" was ")
                write(phase.words)
                write("; the fault is in that plugin's code\n")
            }
        }
        var old = previous[signal] ?? sigaction()
        sigaction(signal, &old, nil)
        raise(signal)
    }

    private static func name(of signal: Int32) -> StaticString {
        switch signal {
        case SIGSEGV: "segmentation fault"
        case SIGBUS: "bus error"
        case SIGILL: "illegal instruction"
        case SIGFPE: "arithmetic error"
        case SIGABRT: "abort"
        default: "signal"
        }
    }

    private static func write(_ text: StaticString) {
        _ = Glibc.write(2, text.utf8Start, text.utf8CodeUnitCount)
    }

    private static func writeC(_ text: UnsafePointer<CChar>) {
        _ = Glibc.write(2, text, strlen(text))
    }
}
