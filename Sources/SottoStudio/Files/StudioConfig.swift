import Foundation
import SottoCore

/// The studio's settings file, `$XDG_CONFIG_HOME/sotto/studio.conf`: `theme`, `device`
/// (ALSA playback device) and `autoplay` (`on`: takes play while they are synthesized).
/// Command-line flags override it; `:theme` and `:device` update it.
public struct StudioConfig: Equatable, Sendable {
    public var theme: String?
    public var device: String?
    public var autoplay: Bool = true

    public init(theme: String? = nil, device: String? = nil, autoplay: Bool = true) {
        self.theme = theme
        self.device = device
        self.autoplay = autoplay
    }

    /// Reads the file; a missing file is the defaults, an unreadable one an error to show.
    public static func load(from url: URL) throws -> StudioConfig {
        guard FileManager.default.fileExists(atPath: url.path) else { return StudioConfig() }
        let file: KeyValueFile
        do {
            file = try KeyValueFile(parsing: try String(contentsOf: url, encoding: .utf8))
        } catch {
            throw SottoError("\(url.path): \(error)")
        }
        var config = StudioConfig()
        config.theme = file["theme"].flatMap { $0.isEmpty ? nil : $0 }
        config.device = file["device"].flatMap { $0.isEmpty ? nil : $0 }
        if let autoplay = file["autoplay"] {
            guard let value = Self.flag(autoplay) else {
                throw SottoError("\(url.path): autoplay must be on or off, not \"\(autoplay)\"")
            }
            config.autoplay = value
        }
        return config
    }

    /// Sets one key in the file, keeping the user's other lines and comments.
    public static func update(_ key: String, to value: String, in url: URL) throws {
        var lines = (try? String(contentsOf: url, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init) ?? ["# Sotto studio settings (theme, device, autoplay)."]
        if lines.last == "" { lines.removeLast() }
        let newLine = "\(key) = \(KeyValueFile.quoteIfNeeded(value))"
        if let index = lines.lastIndex(where: { line in
            let trimmed = line.trimming(" \t")
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { return false }
            return trimmed[..<equals].trimming(" \t").lowercased() == key
        }) {
            lines[index] = newLine
        } else {
            lines.append(newLine)
        }
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: url)
    }

    static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default: return nil
        }
    }
}
