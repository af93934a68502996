import Foundation

/// Checks that a file is a JSON object (with a key, if given).
public enum JSONFile {
    public static func object(_ url: URL) -> [String: Any]? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    public static func check(_ url: URL, requiredKey: String? = nil) -> FileStatus {
        guard FileManager.default.fileExists(atPath: url.path) else { return .missing }
        guard (try? Data(contentsOf: url)) != nil else { return .readFailure(url, otherwise: .corrupt("unreadable")) }
        guard let object = object(url) else { return .corrupt("not valid JSON") }
        if let requiredKey, object[requiredKey] == nil { return .corrupt("no \"\(requiredKey)\" entry") }
        return .ok
    }
}
