import Foundation

/// A colour as a theme names it.
public enum TerminalColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// A palette entry: 0–7 the basic colours, 8–15 their bright forms, 16–255 the xterm cube and greys.
    case indexed(Int)
    /// A 24-bit colour, shown as the nearest palette entry the terminal has.
    case rgb(UInt8, UInt8, UInt8)

    public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Reads `default`, `red`, `bright_red` (or `bright-red`, `brightred`), `grey`, `0`–`255`, `#rrggbb`.
    public init?(name raw: String) {
        let name = raw.lowercased().replacingOccurrences(of: "-", with: "_")
        if name == "default" || name == "none" { self = .terminalDefault; return }
        if name == "grey" || name == "gray" { self = .indexed(8); return }
        if let index = Self.names.firstIndex(of: name) { self = .indexed(index); return }
        for prefix in ["bright_", "bright"] where name.hasPrefix(prefix) {
            if let index = Self.names.firstIndex(of: String(name.dropFirst(prefix.count))) {
                self = .indexed(index + 8)
                return
            }
        }
        if let number = Int(name), (0...255).contains(number) { self = .indexed(number); return }
        if name.hasPrefix("#"), name.count == 7, let value = UInt32(name.dropFirst(), radix: 16) {
            self = .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .terminalDefault: return "default"
        case .indexed(let index): return index < 8 ? Self.names[index] : index < 16 ? "bright_" + Self.names[index - 8] : "\(index)"
        case let .rgb(r, g, b):
            return "#" + [r, g, b].map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        }
    }
}

/// Text attributes a terminal may offer.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let underline = TextAttributes(rawValue: 1 << 2)
    public static let reverse = TextAttributes(rawValue: 1 << 3)
    public static let standout = TextAttributes(rawValue: 1 << 4)

    public static let named: [(String, TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("underline", .underline), ("reverse", .reverse), ("standout", .standout),
    ]
}

/// How one kind of text looks: colours and attributes.
public struct Style: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(foreground: TerminalColor = .terminalDefault, background: TerminalColor = .terminalDefault,
                attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()

    /// Reads `FG [on BG] [ATTRIBUTE ...]`, e.g. `252 on 24 bold`, `on blue`, `reverse`, `#ffaf00`.
    /// Commas between words are allowed.
    public init(parsing text: String) throws(StyleParseError) {
        var style = Style()
        let words = text.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        var index = 0
        var sawForeground = false
        while index < words.count {
            let word = words[index].lowercased()
            if word == "on" {
                guard index + 1 < words.count, let color = TerminalColor(name: words[index + 1]) else {
                    throw StyleParseError(message: "\"on\" must be followed by a colour")
                }
                style.background = color
                index += 2
                continue
            }
            if let attribute = TextAttributes.named.first(where: { $0.0 == word })?.1 {
                style.attributes.insert(attribute)
            } else if word == "plain" || word == "normal" {
                // An explicit "no attributes".
            } else if !sawForeground, let color = TerminalColor(name: word) {
                style.foreground = color
                sawForeground = true
            } else {
                throw StyleParseError(message: "\"\(words[index])\" is not a colour or an attribute "
                                      + "(colours: names, 0-255, #rrggbb; attributes: bold dim underline reverse standout)")
            }
            index += 1
        }
        self = style
    }

    public var serialized: String {
        var words: [String] = []
        if foreground != .terminalDefault || background == .terminalDefault && attributes.isEmpty {
            words.append(foreground.description)
        }
        if background != .terminalDefault { words += ["on", background.description] }
        words += TextAttributes.named.filter { attributes.contains($0.1) }.map(\.0)
        return words.joined(separator: " ")
    }
}

public struct StyleParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension String {
    func leftPadded(to length: Int, with pad: Character = "0") -> String {
        count >= length ? self : String(repeating: pad, count: length - count) + self
    }
}
