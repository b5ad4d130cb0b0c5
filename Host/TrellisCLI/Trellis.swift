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
        subcommands: [Run.self, Validate.self, Plugins.self, Graph.self, Schema.self])
}

/// Options every command that reads a graph shares.
struct GraphOptions: ParsableArguments {
    @Argument(help: "The graph file (YAML), e.g. strategies.yaml.", completion: .file(extensions: ["yaml", "yml"]))
    var graph: String

    @Flag(help: "Do not search TRELLIS_PLUGIN_PATH and the trellis executable's directory for plugins.")
    var noDefaultPluginPaths = false

    @Option(help: "Least severe log level to print: trace, debug, info, warning, error.")
    var logLevel: Logger.Level = .warning

    var backtestOptions: Backtest.Options {
        var logger = Logger(label: "trellis")
        logger.logLevel = logLevel
        return Backtest.Options(includeDefaultPluginPaths: !noDefaultPluginPaths, logger: logger)
    }
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
