/// Where a plugin may connect and listen, as a graph's `network: { allow: [...], listen: [...] }` says.
///
/// `allow` entries are "host:port" or "host" (any port); `listen` entries are "address:port" or
/// "address" (any port). IPv6 addresses go in brackets: "[::1]:443". Matching is exact on the
/// lower-cased host name, without DNS: "api.example.com" does not allow "example.com" or an
/// address it resolves to.
public struct AllowList: Sendable, Hashable {
    private struct Entry: Hashable {
        var host: String
        /// Nil: any port.
        var port: Int?
    }

    private let allowed: [Entry]
    private let listening: [Entry]
    /// The entries that could not be read; they permit nothing (a graph validator rejects them).
    public let invalidEntries: [String]

    /// Reads the graph's `allow` and `listen` lists.
    public init(allow: [String], listen: [String]) {
        var invalid: [String] = []
        func read(_ texts: [String], portZero: Bool) -> [Entry] {
            texts.compactMap { text in
                guard let (host, port) = Self.hostAndPort(Substring(text.trimmed)), port.map({ $0 > 0 || portZero }) ?? true else {
                    invalid.append(text)
                    return nil
                }
                return Entry(host: host, port: port)
            }
        }
        allowed = read(allow, portZero: false)
        listening = read(listen, portZero: true)
        invalidEntries = invalid
    }

    /// Whether an outgoing connection to `url` (http, https, ws or wss) is allowed.
    public func permits(url: String) -> Bool {
        guard let (host, port) = Self.endpoint(of: url) else { return false }
        return allowed.contains { $0.host == host && ($0.port == nil || $0.port == port) }
    }

    /// Whether listening on `address:port` is allowed.
    public func permitsListening(address: String, port: Int) -> Bool {
        guard let (host, _) = Self.hostAndPort(Substring(address.trimmed)) else { return false }
        return listening.contains { $0.host == host && ($0.port == nil || $0.port == port) }
    }

    /// The lower-cased host and the port `url` connects to (80 for http and ws, 443 for https
    /// and wss unless it says); nil for another scheme or a malformed URL.
    public static func endpoint(of url: String) -> (host: String, port: Int)? {
        guard let separator = url.firstRange(of: "://") else { return nil }
        let defaultPort: Int
        switch url[..<separator.lowerBound].lowercased() {
        case "http", "ws": defaultPort = 80
        case "https", "wss": defaultPort = 443
        default: return nil
        }
        let rest = url[separator.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        // Anything a parser could read another way is refused rather than guessed at.
        guard authority.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "%") }) else { return nil }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard let (host, port) = hostAndPort(authority) else { return nil }
        if let port, port == 0 { return nil }
        return (host, port ?? defaultPort)
    }

    /// Reads "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 address; nil when malformed.
    private static func hostAndPort(_ text: Substring) -> (host: String, port: Int?)? {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if text.count(where: { $0 == ":" }) > 1 {
            host = text  // a bare IPv6 address has no port
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "@") }) else {
            return nil
        }
        guard let portText else { return (host.lowercased(), nil) }
        guard !portText.isEmpty, portText.count <= 5, portText.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let port = Int(portText), port <= 65535
        else { return nil }
        return (host.lowercased(), port)
    }
}

extension String {
    fileprivate var trimmed: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
