import Foundation
import SottoCore

/// Voice presets: `*.voice` files shipped in `Voices/` and saved by the user in
/// `$XDG_CONFIG_HOME/sotto/voices/` (a user preset hides a shipped one of the same name).
public struct PresetLibrary: Sendable {
    public var userDirectory: URL
    public var shippedDirectory: URL?

    public static let fileExtension = "voice"

    public init(userDirectory: URL, shippedDirectory: URL?) {
        self.userDirectory = userDirectory
        self.shippedDirectory = shippedDirectory
    }

    /// Every readable preset, sorted by name, and one message per file that could not be read
    /// (a broken preset must not hide the others).
    public func load() -> (presets: [Preset], problems: [String]) {
        var byName: [String: Preset] = [:]
        var problems: [String] = []
        let sources: [(URL?, Preset.Source)] = [(shippedDirectory, .shipped), (userDirectory, .user)]
        for (directory, source) in sources {
            guard let directory else { continue }
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
                .filter { $0.hasSuffix("." + Self.fileExtension) && !$0.hasPrefix(".") }.sorted()
            for file in files {
                let name = String(file.dropLast(Self.fileExtension.count + 1))
                let url = directory.appendingPathComponent(file)
                do {
                    let text = try String(contentsOf: url, encoding: .utf8)
                    byName[name] = try Preset(name: name, file: KeyValueFile(parsing: text), source: source)
                } catch {
                    problems.append("\(url.path): \(error)")
                }
            }
        }
        return (byName.values.sorted { $0.name.lowercased() < $1.name.lowercased() }, problems)
    }

    /// Writes `preset` to the user's folder (atomically), replacing one of the same name.
    @discardableResult
    public func save(_ preset: Preset) throws -> URL {
        guard Preset.isValidName(preset.name) else {
            throw SottoError("\"\(preset.name)\" cannot be a preset name",
                             hint: "use letters, digits, spaces, - _ or .")
        }
        let url = userDirectory.appendingPathComponent("\(preset.name).\(Self.fileExtension)")
        let text = preset.file.serialized(header: ["Sotto voice preset, saved from the studio."])
        try AtomicFile.write(text, to: url)
        return url
    }
}
