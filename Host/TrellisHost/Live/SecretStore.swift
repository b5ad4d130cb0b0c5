import Foundation

/// Named secrets for nodes (`trellis.secrets/1`): from the environment (`TRELLIS_SECRET_<NAME>`)
/// or the operator's secrets file (`name = value` lines, `#` comments). A file that its group or
/// others may read or write is refused as a whole. Values are never logged, journaled or shown.
public struct SecretStore: Sendable {
    private let environment: [String: String]
    private let fileValues: [String: String]
    /// A replay's value for every secret the graph lists: a replay sends nothing anywhere, so the
    /// real secrets are neither needed nor read (a request signed with one differs, docs/live.md).
    private var replayValue: String?
    /// Why the file was refused, when it was.
    public let fileProblem: String?

    /// Reads `file` (when given) and takes the process environment.
    public init(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        guard let file else {
            fileValues = [:]
            fileProblem = nil
            return
        }
        switch Self.read(file) {
        case .success(let values):
            fileValues = values
            fileProblem = nil
        case .failure(let problem):
            fileValues = [:]
            fileProblem = problem.message
        }
    }

    /// The outcome of asking for a secret.
    public enum Lookup: Equatable, Sendable {
        case found(String)
        case missing
        case refused(String)
    }

    /// The store of a replay: every secret the graph lists reads as "replay" (the real ones are
    /// neither needed nor asked for).
    static func replaying() -> SecretStore {
        var store = SecretStore(file: nil, environment: [:])
        store.replayValue = "replay"
        return store
    }

    /// Secret `name`: the environment first, then the file.
    public func value(_ name: String) -> Lookup {
        if let replayValue { return .found(replayValue) }
        if let value = environment[Self.environmentName(name)] { return .found(value) }
        if let problem = fileProblem { return .refused(problem) }
        return fileValues[name].map(Lookup.found) ?? .missing
    }

    /// `TRELLIS_SECRET_` and the name upper-cased, other characters than letters and digits as '_'.
    public static func environmentName(_ name: String) -> String {
        "TRELLIS_SECRET_" + String(name.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    struct Problem: Error {
        var message: String
    }

    private static func read(_ path: String) -> Result<[String: String], Problem> {
        // The file a link points to is what is read (secrets are often mounted through links).
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target), let mode = attributes[.posixPermissions] as? Int else {
            return .failure(Problem(message: "the secrets file \(path) cannot be read; check the path given to --secrets"))
        }
        guard mode & 0o077 == 0 else {
            return .failure(
                Problem(
                    message: "the secrets file \(path) may be read by its group or others (mode \(String(mode & 0o777, radix: 8))); "
                        + "it is refused: run chmod 600 \(path)"))
        }
        guard let text = try? String(contentsOfFile: target, encoding: .utf8) else {
            return .failure(Problem(message: "the secrets file \(path) cannot be read as UTF-8 text"))
        }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            values[name] = value
        }
        return .success(values)
    }
}
