/// How a CSV file maps to market events: which column holds what, how times are written.
public struct CSVLayout: Sendable {
    public enum Kind: String, Sendable {
        case bars, trades, quotes
    }

    /// A value the reader needs from each row.
    public enum Field: String, Sendable, CaseIterable {
        case time, open, high, low, close, volume
        case price, quantity, side
        case bid, ask, bidSize = "bid_size", askSize = "ask_size"
        /// A bar's close time (Binance klines), when the data gives it.
        case closeTime = "close_time"
    }

    public enum TimeFormat: String, Sendable {
        /// `YYYY-MM-DD[ HH:MM[:SS[.fff]]]`, UTC.
        case iso
        case unixSeconds = "unix_s", unixMilliseconds = "unix_ms", unixMicroseconds = "unix_us", unixNanoseconds = "unix_ns"
        /// Integer epoch time whose unit is told by its size (ms below 10^14, µs below 10^17, else ns).
        case unixAuto = "unix_auto"
    }

    public var kind: Kind = .bars
    public var delimiter: UInt8 = 44
    /// Whether the first line names the columns; nil: decide from the first line.
    public var header: Bool? = true
    public var timeFormat: TimeFormat = .iso
    /// Columns by field: a header name or a 0-based index written as a string ("3").
    public var columns: [Field: String] = [:]

    public init() {}

    /// The layout of data.binance.vision kline files: 12 columns, optional header, epoch times in
    /// ms or (spot, from 2025) µs, the close time in column 6.
    public static var binanceKlines: CSVLayout {
        var layout = CSVLayout()
        layout.header = nil
        layout.timeFormat = .unixAuto
        layout.columns = [.time: "0", .open: "1", .high: "2", .low: "3", .close: "4", .volume: "5", .closeTime: "6"]
        return layout
    }

    /// The fields a kind of data needs, and those it may have.
    var required: [Field] {
        switch kind {
        case .bars: [.time, .open, .high, .low, .close]
        case .trades: [.time, .price, .quantity]
        case .quotes: [.time, .bid, .ask, .bidSize, .askSize]
        }
    }

    var optional: [Field] {
        switch kind {
        case .bars: [.volume, .closeTime]
        case .trades: [.side]
        case .quotes: []
        }
    }

    /// Header names that mean a field when no mapping names it.
    private static let aliases: [Field: [String]] = [
        .time: ["date", "time", "datetime", "timestamp", "ts", "open_time"],
        .open: ["open", "o"], .high: ["high", "h"], .low: ["low", "l"], .close: ["close", "c"], .volume: ["volume", "vol", "v"],
        .price: ["price", "px"], .quantity: ["quantity", "qty", "size", "amount", "volume"], .side: ["side"],
        .bid: ["bid", "bid_price"], .ask: ["ask", "ask_price"], .bidSize: ["bid_size", "bid_qty", "bidsize"],
        .askSize: ["ask_size", "ask_qty", "asksize"], .closeTime: ["close_time"],
    ]

    /// Column positions by field, from the mapping, the header names or the fields' usual order.
    /// Throws a message naming what is missing and what the header has.
    func resolve(header names: [String]?) throws(LayoutError) -> [Field: Int] {
        var resolved: [Field: Int] = [:]
        let lower = names?.map { $0.lowercased() }
        for field in required + optional {
            if let written = columns[field] {
                if let index = Int(written) {
                    resolved[field] = index
                } else if let index = lower?.firstIndex(of: written.lowercased()) {
                    resolved[field] = index
                } else {
                    throw LayoutError("column '\(written)' for \(field.rawValue) is not in the header (\(names?.joined(separator: ", ") ?? "no header"))")
                }
            } else if let lower, let index = Self.aliases[field]?.lazy.compactMap({ lower.firstIndex(of: $0) }).first {
                resolved[field] = index
            } else if field == .time, lower != nil {
                resolved[field] = 0
            } else if lower == nil, let index = (required + optional).firstIndex(of: field), field != .closeTime {
                resolved[field] = index
            }
        }
        let missing = required.filter { resolved[$0] == nil }
        if let first = missing.first {
            let has = names.map { "the header has \($0.joined(separator: ", "))" } ?? "there is no header"
            throw LayoutError(
                "no column for \(missing.map(\.rawValue).joined(separator: ", ")) (\(has)); map it with columns: { \(first.rawValue): <column name or index> }")
        }
        return resolved
    }

    public struct LayoutError: Error, Sendable {
        public var message: String
        init(_ message: String) { self.message = message }
    }
}

extension CSVLayout.Field {
    /// The field's place in `CSVLayout.Field.allCases`, as a switch the compiler folds.
    var slot: Int {
        switch self {
        case .time: 0
        case .open: 1
        case .high: 2
        case .low: 3
        case .close: 4
        case .volume: 5
        case .price: 6
        case .quantity: 7
        case .side: 8
        case .bid: 9
        case .ask: 10
        case .bidSize: 11
        case .askSize: 12
        case .closeTime: 13
        }
    }
}
