import Foundation
import SottoCore

/// The theme files the studio can use: `*.theme` in the user's folder
/// (`$XDG_CONFIG_HOME/sotto/themes`), which win, then in the shipped `Themes/` folder.
public struct ThemeLibrary: Sendable {
    /// Folders to search, the first winning when two hold a theme of the same name.
    public var directories: [URL]

    public init(directories: [URL]) {
        self.directories = directories
    }

    public static let fileExtension = "theme"

    /// Every theme name found, sorted.
    public func names() -> [String] {
        var names = Set<String>()
        for directory in directories {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            where file.hasSuffix("." + Self.fileExtension) && !file.hasPrefix(".") {
                names.insert(String(file.dropLast(Self.fileExtension.count + 1)))
            }
        }
        return names.sorted()
    }

    public func url(of name: String) -> URL? {
        for directory in directories {
            let url = directory.appendingPathComponent("\(name).\(Self.fileExtension)")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }

    /// Loads the theme called `name` (case-insensitive), or throws a one-line error naming the
    /// themes that exist or the line that is wrong.
    public func load(_ name: String) throws -> Theme {
        let known = names()
        let wanted = known.first { $0.lowercased() == name.lowercased() } ?? name
        guard let url = url(of: wanted) else {
            let searched = directories.map(\.path).joined(separator: ", ")
            throw SottoError("no theme named \"\(name)\"",
                             hint: known.isEmpty ? "no .theme files in \(searched)" : "themes: \(known.joined(separator: ", "))")
        }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw SottoError("cannot read theme \(url.path): \(SottoError.describe(error))")
        }
        do {
            let file = try KeyValueFile(parsing: text)
            var theme = try Theme(name: wanted, file: file)
            theme.name = wanted
            return theme
        } catch {
            throw SottoError("theme \(url.path) is invalid: \(error)")
        }
    }
}
