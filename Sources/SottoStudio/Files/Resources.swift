import Foundation
import SottoCore

/// Where the studio finds what ships with Sotto (`Themes/`, `Voices/`) and what the user adds.
public struct StudioResources: Sendable {
    /// The shipped `Themes/` folder, if found.
    public var shippedThemes: URL?
    /// The shipped `Voices/` folder, if found.
    public var shippedVoices: URL?
    /// `$XDG_CONFIG_HOME/sotto`.
    public var configDirectory: URL

    public init(shippedThemes: URL?, shippedVoices: URL?, configDirectory: URL) {
        self.shippedThemes = shippedThemes
        self.shippedVoices = shippedVoices
        self.configDirectory = configDirectory
    }

    /// Finds the shipped folders from `$SOTTO_SHARE_DIR`, else by walking up from the executable
    /// (a checkout runs `.build/release/sotto`; an install keeps them in `../share/sotto`).
    public static func locate(paths: SottoPaths = SottoPaths(), executable: URL = Self.currentExecutable) -> StudioResources {
        var roots: [URL] = []
        if let share = paths.environment["SOTTO_SHARE_DIR"], !share.isEmpty { roots.append(URL(fileURLWithPath: share)) }
        var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            roots.append(folder)
            roots.append(folder.appendingPathComponent("share/sotto"))
            folder.deleteLastPathComponent()
        }
        func find(_ name: String) -> URL? {
            roots.map { $0.appendingPathComponent(name) }.first { url in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
            }
        }
        return StudioResources(shippedThemes: find("Themes"), shippedVoices: find("Voices"),
                               configDirectory: paths.configDirectory)
    }

    public static var currentExecutable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    public var userThemes: URL { configDirectory.appendingPathComponent("themes") }
    public var userVoices: URL { configDirectory.appendingPathComponent("voices") }
    public var configFile: URL { configDirectory.appendingPathComponent("studio.conf") }

    public var themeLibrary: ThemeLibrary {
        ThemeLibrary(directories: [userThemes] + (shippedThemes.map { [$0] } ?? []))
    }

    public var presetLibrary: PresetLibrary {
        PresetLibrary(userDirectory: userVoices, shippedDirectory: shippedVoices)
    }
}
