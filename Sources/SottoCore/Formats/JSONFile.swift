import Foundation

/// Checks that a file is a JSON object (with a key, if given).
public enum JSONFile {
    /// Files above this size (tokenizer vocabularies of a few MB) are checked by their outer
    /// braces only. Parsing one in full builds a dictionary of some hundred thousand strings,
    /// tens of MB that a memory limit may not leave and that listing models does not need: the
    /// engine that reads the file parses it when it loads, with its own error.
    static let parsedInFullUpTo = 1 << 20

    public static func object(_ url: URL) -> [String: Any]? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    public static func check(_ url: URL, requiredKey: String? = nil) -> FileStatus {
        guard FileManager.default.fileExists(atPath: url.path) else { return .missing }
        // Mapped by Sotto, not by `Data`, so that a memory limit reads as memory, not as damage.
        let file: MappedFile
        do { file = try MappedFile(opening: url) } catch { return .failure(error) }
        let data = file.data
        if data.count > parsedInFullUpTo {
            guard isBraced(data) else { return .corrupt("not valid JSON") }
            if let requiredKey, data.range(of: Data("\"\(requiredKey)\"".utf8)) == nil { return .corrupt("no \"\(requiredKey)\" entry") }
            return .ok
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return .corrupt("not valid JSON") }
        if let requiredKey, object[requiredKey] == nil { return .corrupt("no \"\(requiredKey)\" entry") }
        return .ok
    }

    /// Whether `data`, blanks aside, opens with `{` and closes with `}`: a file cut short fails.
    private static func isBraced(_ data: Data) -> Bool {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let first = data.firstIndex(where: { !blank($0) }), let last = data.lastIndex(where: { !blank($0) }) else { return false }
        return data[first] == UInt8(ascii: "{") && data[last] == UInt8(ascii: "}")
    }
}
