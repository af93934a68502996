import Foundation
import SottoCore

extension StudioModel {
    public func useTheme(_ name: String, remember: Bool) {
        do {
            theme = try themes.load(name)
            themeName = theme.name
            info("theme \(theme.name)\(theme.summary.isEmpty ? "" : ": " + theme.summary)")
            if remember { rememberSetting("theme", theme.name) }
        } catch {
            self.error(error)
        }
    }

    func cycleTheme() {
        let names = themes.names()
        guard !names.isEmpty else {
            error("no theme files found in \(themes.directories.map(\.path).joined(separator: ", "))")
            return
        }
        let index = names.firstIndex(of: themeName).map { ($0 + 1) % names.count } ?? 0
        useTheme(names[index], remember: true)
    }

    func rememberSetting(_ key: String, _ value: String) {
        do {
            try StudioConfig.update(key, to: value, in: environment.resources.configFile)
        } catch {
            self.error("could not save \(key) to \(environment.resources.configFile.path): \(SottoError.describe(error))")
        }
    }
}
