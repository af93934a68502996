import Foundation

/// Where voice files (`NAME.voice`: presets and cloned voices) live: the user's folder
/// (`$XDG_CONFIG_HOME/sotto/voices`), whose files hide shipped ones of the same name, and the
/// shipped `Voices/` folder.
public struct VoiceFolders: Sendable {
    public var user: URL
    public var shipped: URL?

    public static let fileExtension = "voice"

    public init(user: URL, shipped: URL?) {
        self.user = user
        self.shipped = shipped
    }

    public static func standard(paths: SottoPaths = SottoPaths()) -> VoiceFolders {
        VoiceFolders(user: paths.userVoicesDirectory, shipped: paths.shippedFolder(named: "Voices"))
    }

    /// Whether `name` can be a voice file's name.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && !name.hasPrefix(".")
            && name.allSatisfy { $0.isLetter || $0.isNumber || "-_. ".contains($0) }
    }

    /// Whether `reference` names a file (a path or a `.voice` name) rather than a voice by name.
    public static func isPath(_ reference: String) -> Bool {
        reference.contains("/") || reference.hasSuffix("." + fileExtension)
    }

    /// The file `reference` names: a path as given, else `NAME.voice` in the user's folder, then
    /// the shipped one; nil when there is none.
    public func file(named reference: String) -> URL? {
        if Self.isPath(reference) {
            let url = URL(fileURLWithPath: (reference as NSString).expandingTildeInPath)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        return [user, shipped].compactMap { $0?.appendingPathComponent("\(reference).\(Self.fileExtension)") }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The cloned voice `reference` names, or nil when no voice file has that name. A file that
    /// is a plain preset, or cannot be read, is an error naming it.
    public func clonedVoice(named reference: String) throws -> (voice: ClonedVoice, url: URL)? {
        guard let url = file(named: reference) else { return nil }
        return (try Self.read(url), url)
    }

    /// Reads a cloned voice's file.
    public static func read(_ url: URL) throws -> ClonedVoice {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SottoError("cannot read voice file \(url.path): \((error as NSError).localizedFailureReason ?? "\(error)")")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SottoError("voice file \(url.path) is not text", hint: "make it again with sotto clone")
        }
        let file: KeyValueFile
        do { file = try KeyValueFile(parsing: text) } catch {
            throw SottoError("voice file \(url.path) is damaged or cut short: \(error)", hint: "make it again with sotto clone")
        }
        guard ClonedVoice.isCloned(file) else {
            throw SottoError("\(url.path) is a voice preset\(file["model"].map { " for \($0)" } ?? ""), not a cloned voice",
                             hint: "clone one with sotto clone REF.wav -o NAME")
        }
        return try ClonedVoice(file: file, source: url.path)
    }

    /// Every cloned voice in the folders (a user file hides a shipped one of the same name),
    /// sorted by name; a file that cannot be read is listed with its error.
    public func clonedVoices() -> [(name: String, url: URL, voice: Result<ClonedVoice, any Error>)] {
        var byName: [String: (URL, Result<ClonedVoice, any Error>)] = [:]
        for directory in [shipped, user].compactMap({ $0 }) {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
                .filter { $0.hasSuffix("." + Self.fileExtension) && !$0.hasPrefix(".") }
            for file in names {
                let url = directory.appendingPathComponent(file)
                // Plain presets are not listed; a cloned voice that will not parse is, with its error.
                guard let text = try? String(contentsOf: url, encoding: .utf8),
                      (try? KeyValueFile(parsing: text)).map(ClonedVoice.isCloned) ?? text.contains("x_vector") else { continue }
                byName[String(file.dropLast(Self.fileExtension.count + 1))] = (url, Result { try Self.read(url) })
            }
        }
        return byName.keys.sorted { $0.lowercased() < $1.lowercased() }.map { ($0, byName[$0]!.0, byName[$0]!.1) }
    }

    /// Where `sotto clone -o reference` writes: a path as given (`.voice` added when it has no
    /// extension), else `NAME.voice` in the user's folder.
    public func destination(for reference: String) throws -> URL {
        if Self.isPath(reference) {
            var url = URL(fileURLWithPath: (reference as NSString).expandingTildeInPath)
            if url.pathExtension.isEmpty { url.appendPathExtension(Self.fileExtension) }
            return url
        }
        guard Self.isValidName(reference) else {
            throw SottoError("\"\(reference)\" cannot be a voice name", hint: "use letters, digits, spaces, - _ or ., or give a path")
        }
        return user.appendingPathComponent("\(reference).\(Self.fileExtension)")
    }

    /// Writes `voice` atomically to where `reference` points. Without `force` a name already
    /// taken, by a file there or by a shipped voice it would hide, is refused.
    @discardableResult
    public func save(_ voice: ClonedVoice, as reference: String, force: Bool) throws -> URL {
        let url = try destination(for: reference)
        if !force {
            if let shipped, !Self.isPath(reference),
               FileManager.default.fileExists(atPath: shipped.appendingPathComponent(url.lastPathComponent).path) {
                throw SottoError("a shipped voice is already called \"\(reference)\"", hint: "choose another name, or --force to hide it")
            }
        }
        do {
            try AtomicFile.write(voice.text, to: url, replacing: force)
        } catch is AtomicFile.FileExists {
            throw SottoError("\(url.path) already exists", hint: "choose another name, or --force to replace it")
        }
        return url
    }
}
