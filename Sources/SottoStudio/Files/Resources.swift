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

    /// Finds the shipped folders as ``SottoPaths/shippedFolder(named:executable:)`` does.
    public static func locate(paths: SottoPaths = SottoPaths(), executable: URL = Self.currentExecutable) -> StudioResources {
        StudioResources(shippedThemes: paths.shippedFolder(named: "Themes", executable: executable),
                        shippedVoices: paths.shippedFolder(named: "Voices", executable: executable),
                        configDirectory: paths.configDirectory)
    }

    public static var currentExecutable: URL { SottoPaths.currentExecutable }

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
