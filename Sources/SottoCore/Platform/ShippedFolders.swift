import Foundation

extension SottoPaths {
    /// A folder that ships with Sotto (`Themes`, `Voices`): under `$SOTTO_SHARE_DIR`, else found by
    /// walking up from the executable (a checkout runs `.build/release/sotto`; an install keeps
    /// them in `../share/sotto`).
    public func shippedFolder(named name: String, executable: URL = SottoPaths.currentExecutable) -> URL? {
        var roots: [URL] = []
        if let share = environment["SOTTO_SHARE_DIR"], !share.isEmpty { roots.append(URL(fileURLWithPath: share)) }
        var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            roots.append(folder)
            roots.append(folder.appendingPathComponent("share/sotto"))
            folder.deleteLastPathComponent()
        }
        return roots.map { $0.appendingPathComponent(name) }.first { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    public static var currentExecutable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    /// `<config folder>/voices`: the user's voice presets and cloned voices.
    public var userVoicesDirectory: URL { configDirectory.appendingPathComponent("voices") }
}
