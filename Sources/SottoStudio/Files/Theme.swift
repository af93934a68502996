import SottoCore

/// A named set of styles, read from a `key = value` file: `name`, `description`, optionally
/// `colors` (the fewest colours the theme is drawn for: 256, 16, 8 or 0), and one line per
/// `StyleRole`, e.g. `border_focus = 75 bold`.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var summary: String
    /// The palette size the theme's colours assume; a terminal with fewer gets the nearest colours.
    public var minimumColors: Int
    private var styles: [StyleRole: Style]

    public init(name: String, summary: String = "", minimumColors: Int = 0, styles: [StyleRole: Style] = [:]) {
        self.name = name
        self.summary = summary
        self.minimumColors = minimumColors
        self.styles = styles
    }

    /// What the studio looks like when no theme file can be found: terminal colours and
    /// attributes only, so it is legible anywhere.
    public static let fallback = Theme(name: "plain", summary: "terminal colours and attributes only")

    public init(name: String, file: KeyValueFile) throws(ThemeError) {
        self.name = file["name"] ?? name
        summary = file["description"] ?? ""
        minimumColors = 0
        styles = [:]
        for entry in file.entries {
            switch entry.key {
            case "name", "description":
                continue
            case "colors", "colours":
                guard let count = Int(entry.value), count >= 0 else {
                    throw ThemeError(theme: name, line: entry.line, message: "colors must be a number such as 256, 16 or 0")
                }
                minimumColors = count
            default:
                guard let role = StyleRole(rawValue: entry.key) else {
                    let known = StyleRole.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ThemeError(theme: name, line: entry.line, message: "unknown role \"\(entry.key)\" (roles: \(known))")
                }
                do {
                    styles[role] = try Style(parsing: entry.value)
                } catch {
                    throw ThemeError(theme: name, line: entry.line, message: error.message)
                }
            }
        }
    }

    /// The style for `role`, inherited from its parents when the theme does not set it.
    public func style(_ role: StyleRole) -> Style {
        var current: StyleRole? = role
        while let candidate = current {
            if let style = styles[candidate] { return style }
            current = candidate.parent
        }
        return .plain
    }

    /// Whether the theme sets `role` itself.
    public func defines(_ role: StyleRole) -> Bool { styles[role] != nil }
}

public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var theme: String
    public var line: Int
    public var message: String
    public var description: String { "theme \(theme), line \(line): \(message)" }
}
