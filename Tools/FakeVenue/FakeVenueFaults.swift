/// The faults the venue injects, drawn from the configuration's seed; all zero means none.
///
/// The same names are the CLI flags and the JSON fields of `POST /control/faults`.
public struct FakeVenueFaults: Sendable, Equatable, Codable {
    /// Closes every WebSocket with code 1011 after this many messages (0: never).
    public var disconnectEvery: Int
    /// Probability that a stream message is sent twice.
    public var duplicate: Double
    /// Probability that a stream message is held back and sent after the next one.
    public var reorder: Double
    /// Delay before every REST answer, in milliseconds.
    public var delayMs: Int
    /// Probability that a REST request is never answered (held 60 s, then 503).
    public var timeout: Double
    /// Probability that an order POST is executed but answered 503.
    public var lostResponse: Double
    /// Probability that an order is rejected with reason `injected`.
    public var reject: Double

    /// Creates fault settings; the defaults inject nothing.
    public init(
        disconnectEvery: Int = 0, duplicate: Double = 0, reorder: Double = 0, delayMs: Int = 0, timeout: Double = 0, lostResponse: Double = 0,
        reject: Double = 0
    ) {
        self.disconnectEvery = disconnectEvery
        self.duplicate = duplicate
        self.reorder = reorder
        self.delayMs = delayMs
        self.timeout = timeout
        self.lostResponse = lostResponse
        self.reject = reject
    }

    /// No faults.
    public static let none = FakeVenueFaults()

    /// Decodes fault settings; fields absent from the input inject nothing.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FakeVenueFaults()
        disconnectEvery = try container.decodeIfPresent(Int.self, forKey: .disconnectEvery) ?? defaults.disconnectEvery
        duplicate = try container.decodeIfPresent(Double.self, forKey: .duplicate) ?? defaults.duplicate
        reorder = try container.decodeIfPresent(Double.self, forKey: .reorder) ?? defaults.reorder
        delayMs = try container.decodeIfPresent(Int.self, forKey: .delayMs) ?? defaults.delayMs
        timeout = try container.decodeIfPresent(Double.self, forKey: .timeout) ?? defaults.timeout
        lostResponse = try container.decodeIfPresent(Double.self, forKey: .lostResponse) ?? defaults.lostResponse
        reject = try container.decodeIfPresent(Double.self, forKey: .reject) ?? defaults.reject
    }

    /// Checks ranges: probabilities in [0, 1], counts and delays not negative.
    public func validate() throws(FakeVenueError) {
        for (name, value) in [("duplicate", duplicate), ("reorder", reorder), ("timeout", timeout), ("lostResponse", lostResponse), ("reject", reject)]
        where !(0...1).contains(value) {
            throw .configuration("fault \(name) must be a probability between 0 and 1, got \(value)")
        }
        if disconnectEvery < 0 { throw .configuration("fault disconnectEvery must not be negative") }
        if delayMs < 0 { throw .configuration("fault delayMs must not be negative") }
    }

    /// The settings as JSON, in the order of the protocol document.
    var json: String {
        var writer = JSONWriter()
        writer.add("disconnectEvery", disconnectEvery)
        writer.add("duplicate", duplicate)
        writer.add("reorder", reorder)
        writer.add("delayMs", delayMs)
        writer.add("timeout", timeout)
        writer.add("lostResponse", lostResponse)
        writer.add("reject", reject)
        return writer.string
    }

    /// These settings with the fields present in `json` replaced.
    func merging(json: [String: Any]) throws(FakeVenueError) -> FakeVenueFaults {
        var result = self
        func number(_ key: String) throws(FakeVenueError) -> Double? {
            guard let value = json[key] else { return nil }
            guard let number = value as? Double ?? (value as? Int).map(Double.init) else {
                throw .configuration("fault \(key) must be a number")
            }
            return number
        }
        if let value = try number("disconnectEvery") { result.disconnectEvery = Int(value) }
        if let value = try number("duplicate") { result.duplicate = value }
        if let value = try number("reorder") { result.reorder = value }
        if let value = try number("delayMs") { result.delayMs = Int(value) }
        if let value = try number("timeout") { result.timeout = value }
        if let value = try number("lostResponse") { result.lostResponse = value }
        if let value = try number("reject") { result.reject = value }
        try result.validate()
        return result
    }
}
