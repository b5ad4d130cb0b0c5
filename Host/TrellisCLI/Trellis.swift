import ArgumentParser
import Foundation
import Logging
import TrellisHost

@main
struct Trellis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trellis",
        abstract: "Runs strategy graphs of C-ABI plugins: backtests now, the same graph paper and live later.",
        version: PluginLoader.hostVersion,
        subcommands: [Run.self, ReplayCommand.self, Reconcile.self, Report.self, Shadow.self, Kill.self, Validate.self, Plugins.self, Graph.self, Schema.self])

    /// Installs the crash reporter, then parses the command line and runs the command.
    static func main() {
        CrashReporter.install()
        main(nil)
    }
}

/// Options every command that reads a graph shares.
struct GraphOptions: ParsableArguments {
    @Argument(help: "The graph file (YAML), e.g. strategies.yaml.", completion: .file(extensions: ["yaml", "yml"]))
    var graph: String

    @Flag(help: "Do not search TRELLIS_PLUGIN_PATH and the trellis executable's directory for plugins.")
    var noDefaultPluginPaths = false

    @Option(
        help:
            "Least severe log level to print: trace, debug, info, notice, warning, error or critical. Plugins' lines are tagged with their node and the simulated time."
    )
    var logLevel: Logger.Level = .info

    var backtestOptions: Backtest.Options {
        var handler = ConsoleLogHandler()
        handler.logLevel = logLevel
        let logger = Logger(label: "trellis") { _ in handler }
        return Backtest.Options(includeDefaultPluginPaths: !noDefaultPluginPaths, logger: logger)
    }
}

/// Prints warnings found while preparing a run to standard error.
func printWarnings(_ warnings: [Diagnostic]) {
    for warning in warnings { printError(warning.description) }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Prints diagnostics to standard error and exits with status 1.
func fail(_ error: DiagnosticsError) -> ExitCode {
    for diagnostic in error.diagnostics { printError(diagnostic.description) }
    let count = error.diagnostics.filter { $0.severity == .error }.count
    if count > 1 { printError("\(count) errors") }
    return ExitCode(1)
}

func printError(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
