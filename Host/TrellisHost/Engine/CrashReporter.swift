import CTrellisGuard

/// Names the node whose plugin code crashed the process, called exit() or hung in a callback, in C
/// (`CTrellisGuard`): a crash inside plugin code cannot be survived in-process, but the operator
/// learns which node, plugin and library it was, and in which phase, and the process never ends
/// with status 0. Each engine keeps a `trellis_guard_engine` record of what it runs; the record is
/// per engine and per thread, so several graphs can run in one process.
public enum CrashReporter {
    /// What the engine is doing with its current node.
    enum Phase: Int32 {
        case idle = 0
        case create, activate, event, deactivate, destroy
    }

    /// Installs the signal handlers (on an alternate stack) and the exit hook; once per process.
    public static func install() { trellis_guard_install() }
}
