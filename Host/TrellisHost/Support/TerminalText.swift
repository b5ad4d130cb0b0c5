/// Text from plugins, feeds and files made safe to show on a terminal: control characters (escape
/// sequences, carriage returns, bells) are written out as `\u{1B}`, and long text is cut with a
/// note of how much was left out. Nothing a plugin logs can move the cursor, retitle the window
/// or flood the screen.
public enum TerminalText {
    /// The longest text shown by default, in characters.
    public static let defaultLimit = 2_000

    /// `text` with control characters escaped (tabs and, unless `singleLine`, newlines kept),
    /// cut to `limit` characters.
    public static func safe(_ text: String, limit: Int = defaultLimit, singleLine: Bool = true) -> String {
        // Printable ASCII within the limit, the usual case, is shown as it is.
        if text.utf8.count <= limit, text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || ($0 == 0x0A && !singleLine) }) { return text }
        var out = ""
        var shown = 0
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if shown >= limit {
                var left = 1
                while scalars.next() != nil { left += 1 }
                out += "… (\(left) more characters)"
                break
            }
            if scalar == "\t" || (scalar == "\n" && !singleLine) {
                out.unicodeScalars.append(scalar)
            } else if scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .format
                    && !["\u{200D}", "\u{200C}"].contains(scalar)
            {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
            shown += 1
        }
        return out
    }

    /// Whether `text` would be shown as it is.
    public static func isSafe(_ text: String, limit: Int = defaultLimit) -> Bool { safe(text, limit: limit) == text }
}
