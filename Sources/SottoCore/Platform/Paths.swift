import Foundation

/// Where Sotto keeps things, following the XDG base directory convention.
public struct SottoPaths: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    private var home: String { environment["HOME"] ?? NSHomeDirectory() }

    private func xdg(_ variable: String, default relative: String) -> URL {
        if let value = environment[variable], value.hasPrefix("/") { return URL(fileURLWithPath: value) }
        return URL(fileURLWithPath: home).appendingPathComponent(relative)
    }

    /// `$XDG_DATA_HOME/sotto` (default `~/.local/share/sotto`): models and sessions.
    public var dataDirectory: URL { xdg("XDG_DATA_HOME", default: ".local/share").appendingPathComponent("sotto") }

    /// `$XDG_CONFIG_HOME/sotto` (default `~/.config/sotto`): config, the user's themes and presets.
    public var configDirectory: URL { xdg("XDG_CONFIG_HOME", default: ".config").appendingPathComponent("sotto") }

    /// The models directory: `override` (a --models-dir flag) if given, else `$SOTTO_MODELS_DIR`,
    /// else `<data directory>/models`. Scripts/setup uses the same rule.
    public func modelsDirectory(override: String? = nil) -> URL {
        if let override, !override.isEmpty { return URL(fileURLWithPath: override) }
        if let env = environment["SOTTO_MODELS_DIR"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return dataDirectory.appendingPathComponent("models")
    }

    /// `$XDG_STATE_HOME/sotto` (default `~/.local/state/sotto`): what Sotto remembers between runs
    /// that can be recomputed (verified checksums).
    public var stateDirectory: URL { xdg("XDG_STATE_HOME", default: ".local/state").appendingPathComponent("sotto") }

    /// Studio sessions: takes and their audio.
    public var sessionsDirectory: URL { dataDirectory.appendingPathComponent("sessions") }
}
