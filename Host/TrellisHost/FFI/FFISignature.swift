/// The C signature of a function the `ffi` node calls, as the graph declares it:
///
///     int32 zscore(double[] prices, int32 count, double[] out)
///     double (double)
///
/// a return type (`void`, `double`, `float`, `int32`, `int64`), an optional function name, and
/// the parameter types in parentheses, each optionally named: `double`, `float`, `int32`,
/// `int64`, or an array `double[]` / `int32[]` (passed as a pointer to its first element).
public struct FFISignature: Sendable, Equatable {
    public enum Scalar: String, Sendable, CaseIterable {
        case double, float, int32, int64
    }

    public enum Parameter: Sendable, Equatable, CustomStringConvertible {
        case scalar(Scalar)
        /// A pointer to the first of several values: double or int32.
        case array(Scalar)

        public var description: String {
            switch self {
            case .scalar(let type): type.rawValue
            case .array(let type): "\(type.rawValue)[]"
            }
        }
    }

    /// nil for `void`.
    public var result: Scalar?
    public var name: String?
    /// Where the name starts in the text (from 0), for messages about it.
    public var nameOffset = 0
    public var parameters: [Parameter]
    public var parameterNames: [String?]

    /// A problem in the signature text, at a character offset (from 0).
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "\(message) (at character \(offset + 1))" }
    }

    public static func parse(_ text: String) throws(ParseError) -> FFISignature {
        var scanner = Scanner(Array(text.unicodeScalars))
        let resultWord = try scanner.word(expecting: "a return type: void, double, float, int32 or int64")
        let result: Scalar?
        if resultWord.text == "void" {
            result = nil
        } else if let scalar = Scalar(rawValue: resultWord.text) {
            guard !scanner.consume("[") else {
                throw ParseError(message: "a function cannot return an array; return a code and fill an out array", offset: scanner.position - 1)
            }
            result = scalar
        } else {
            throw ParseError(
                message: "unknown return type '\(resultWord.text)'\(hint(resultWord.text)); use void, double, float, int32 or int64", offset: resultWord.offset)
        }
        var name: String?
        var nameOffset = 0
        if scanner.peekIsWordStart { (name, nameOffset) = try scanner.word(expecting: "a function name") }
        guard scanner.consume("(") else { throw ParseError(message: "expected '(' before the parameter types", offset: scanner.position) }
        var parameters: [Parameter] = []
        var names: [String?] = []
        if !scanner.consume(")") {
            repeat {
                let word = try scanner.word(expecting: "a parameter type: double, float, int32, int64, double[] or int32[]")
                if word.text == "const" {
                    throw ParseError(message: "drop 'const': a const double * is written double[]", offset: word.offset)
                }
                guard let scalar = Scalar(rawValue: word.text) else {
                    let message = word.text == "void" ? "void is only a return type" : "unknown parameter type '\(word.text)'\(hint(word.text))"
                    throw ParseError(message: "\(message); use double, float, int32, int64, double[] or int32[]", offset: word.offset)
                }
                if scanner.consume("*") {
                    throw ParseError(message: "a pointer is written as an array: \(word.text)[] for \(word.text) *", offset: scanner.position - 1)
                }
                if scanner.consume("[") {
                    guard scanner.consume("]") else {
                        throw ParseError(message: "expected ']': array sizes come from the arguments, not the signature", offset: scanner.position)
                    }
                    guard scalar == .double || scalar == .int32 else {
                        throw ParseError(message: "arrays are double[] or int32[], not \(scalar.rawValue)[]", offset: word.offset)
                    }
                    parameters.append(.array(scalar))
                } else {
                    parameters.append(.scalar(scalar))
                }
                names.append(scanner.peekIsWordStart ? try scanner.word(expecting: "a parameter name").text : nil)
                if let name = names.last ?? nil, scanner.consume("[") {
                    throw ParseError(message: "write the brackets after the type: \(parameters[parameters.count - 1])[] \(name)", offset: scanner.position - 1)
                }
            } while scanner.consume(",")
            guard scanner.consume(")") else { throw ParseError(message: "expected ',' or ')' after a parameter", offset: scanner.position) }
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw ParseError(message: "unexpected text after ')'", offset: scanner.position) }
        return FFISignature(result: result, name: name, nameOffset: nameOffset, parameters: parameters, parameterNames: names)
    }

    private static func hint(_ word: String) -> String {
        let known = Scalar.allCases.map(\.rawValue) + ["void"]
        let aliases = ["int": "int32", "long": "int64", "int64_t": "int64", "int32_t": "int32", "float64": "double", "float32": "float"]
        if let alias = aliases[word] { return "; did you mean '\(alias)'?" }
        return Suggestion.phrase(for: word, in: known).map { "; \($0)" } ?? ""
    }

    /// Reads words and punctuation, skipping spaces.
    private struct Scanner {
        let characters: [Unicode.Scalar]
        var position = 0

        init(_ characters: [Unicode.Scalar]) { self.characters = characters }

        var atEnd: Bool { position >= characters.count }

        mutating func skipSpaces() {
            while position < characters.count, characters[position].properties.isWhitespace { position += 1 }
        }

        var peekIsWordStart: Bool {
            var copy = self
            copy.skipSpaces()
            guard let next = copy.characters[safe: copy.position] else { return false }
            return next == "_" || next.properties.isAlphabetic
        }

        mutating func consume(_ character: Unicode.Scalar) -> Bool {
            skipSpaces()
            guard characters[safe: position] == character else { return false }
            position += 1
            return true
        }

        mutating func word(expecting what: String) throws(ParseError) -> (text: String, offset: Int) {
            skipSpaces()
            let start = position
            while let next = characters[safe: position], next == "_" || next.properties.isAlphabetic || ("0"..."9").contains(next) { position += 1 }
            guard position > start else { throw ParseError(message: "expected \(what)", offset: start) }
            return (String(String.UnicodeScalarView(characters[start..<position])), start)
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { index >= 0 && index < count ? self[index] : nil }
}
