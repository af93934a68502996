import Foundation

/// The plain `key = value` text format of themes, voice presets (cloned voices too) and the studio config: one
/// setting a line, `#` comments, values optionally in double quotes (with `\"`, `\\` and `\n`
/// escapes) when they need leading spaces or a `#`. An unquoted value ends at ` # ` (a hash
/// between spaces), so colours such as `#ffaf00` need no quotes.
public struct KeyValueFile: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: String
        /// 1-based line number, for error messages.
        public var line: Int
    }

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
        public var description: String { "line \(line): \(message)" }
    }

    public private(set) var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    public init(parsing text: String) throws(ParseError) {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.trimming(" \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(line: number, message: "expected key = value, found \"\(line)\"")
            }
            let key = line[..<equals].trimming(" \t").lowercased()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
                throw ParseError(line: number, message: "\"\(line[..<equals])\" is not a valid key")
            }
            let rest = line[line.index(after: equals)...].trimming(" \t")
            entries.append(Entry(key: key, value: try Self.value(rest, line: number), line: number))
        }
        self.entries = entries
    }

    /// The last value given for `key` (later lines override earlier ones).
    public subscript(key: String) -> String? {
        entries.last { $0.key == key }?.value
    }

    public var keys: [String] { entries.map(\.key) }

    /// Sets `key`, replacing an existing entry in place or appending a new one.
    public mutating func set(_ key: String, _ value: String) {
        if let index = entries.lastIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append(Entry(key: key, value: value, line: (entries.last?.line ?? 0) + 1))
        }
    }

    /// The file's text, values quoted where needed, preceded by `header` comment lines.
    public func serialized(header: [String] = []) -> String {
        var out = header.map { "# \($0)\n" }.joined()
        for entry in entries {
            out += "\(entry.key) = \(Self.quoteIfNeeded(entry.value))\n"
        }
        return out
    }

    public static func quoteIfNeeded(_ value: String) -> String {
        let plain = !value.isEmpty && value.first != " " && value.last != " " && value.first != "\""
            && !value.contains(" #") && !value.contains("\n") && !value.contains("\\")
        if plain { return value }
        var quoted = "\""
        for character in value {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            default: quoted.append(character)
            }
        }
        return quoted + "\""
    }

    private static func value(_ text: String, line: Int) throws(ParseError) -> String {
        guard text.first == "\"" else {
            if let comment = text.range(of: " #") {
                let after = text[comment.upperBound...]
                if after.isEmpty || after.first == " " || after.first == "\t" {
                    return text[..<comment.lowerBound].trimming(" \t")
                }
            }
            return text
        }
        var result = ""
        var escaped = false
        var closed = false
        var trailing = Substring("")
        var iterator = text.dropFirst().makeIterator()
        var consumed = 1
        while let character = iterator.next() {
            consumed += 1
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\"", "\\": result.append(character)
                default: throw ParseError(line: line, message: "unknown escape \\\(character)")
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                closed = true
                trailing = text.dropFirst(consumed)
                break
            } else {
                result.append(character)
            }
        }
        guard closed else { throw ParseError(line: line, message: "a quoted value is not closed") }
        let rest = trailing.trimming(" \t")
        guard rest.isEmpty || rest.hasPrefix("#") else {
            throw ParseError(line: line, message: "unexpected text after the closing quote: \(rest)")
        }
        return result
    }
}

extension StringProtocol {
    /// Without the given characters at either end.
    public func trimming(_ set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
