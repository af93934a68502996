import ArgumentParser
import Foundation
import SottoCore
import SottoEngines
import SottoStudio

struct Sotto: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotto",
        abstract: "A terminal text-to-speech studio with its own inference engine.",
        discussion: "With no command, sotto opens the studio (press ? in it for every key).",
        subcommands: [OpenStudio.self, Say.self, Clone.self, Serve.self, Models.self, Voices.self, Phonemes.self, Tokens.self, Bench.self, Info.self],
        // The studio's flags belong to the studio alone: declared on this root command they would
        // also swallow the subcommands' own flags of the same name (`say --device`).
        defaultSubcommand: OpenStudio.self)
}

/// `sotto studio`: the same as `sotto` with no command.
struct OpenStudio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Open the studio: type, choose voices, synthesize, A/B-listen, watch the metrics.")

    @OptionGroup var studio: StudioFlags

    func run() throws {
        try studio.open()
    }
}

/// The studio's options, shared by `sotto` and `sotto studio`.
struct StudioFlags: ParsableArguments {
    @OptionGroup var location: ModelDirectoryOptions

    @Option(help: ArgumentHelp("Studio theme: a file name in Themes/ or ~/.config/sotto/themes/ (ink, paper, mono, amber).",
                               valueName: "name"))
    var theme: String?

    @Option(help: ArgumentHelp("ALSA playback device (default: the studio settings, else \"default\").", valueName: "name"))
    var device: String?

    @Flag(name: .customLong("new-session"), help: "Start a new session instead of reopening the last one.")
    var newSession = false

    @Option(help: ArgumentHelp("Open this session, or start one by this name: a name in the sessions folder or a folder's path.",
                               valueName: "name|path"))
    var session: String?

    func validate() throws {
        if newSession && session != nil { throw ValidationError("--new-session and --session cannot be given together") }
    }

    func open() throws {
        try runReportingErrors {
            try Studio.run(StudioOptions(families: modelFamilies, modelsDirectory: location.modelsDirectory,
                                         theme: theme, device: device, newSession: newSession, session: session))
        }
    }
}

/// The model families this build runs (registered in SottoEngines' `ModelFamilies.standard`).
let modelFamilies = ModelFamilies.standard

/// Options every command that touches models shares.
struct ModelDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("models-dir"), help: ArgumentHelp(
        "Folder holding the models (default: $SOTTO_MODELS_DIR, else $XDG_DATA_HOME/sotto/models).",
        valueName: "dir"))
    var modelsDirectory: String?

    var directory: URL { SottoPaths().modelsDirectory(override: modelsDirectory) }

    func catalog() -> ModelCatalog { ModelCatalog(directory: directory, families: modelFamilies) }

    /// The model `reference` names; a path is read alone, without scanning the models directory.
    func resolve(_ reference: String) throws -> ModelDescriptor {
        try ModelCatalog.resolve(reference, directory: directory, families: modelFamilies)
    }
}

/// Turns any error into one line on stderr and a non-zero exit, never a trap.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        StandardStreams.error("sotto: \(SottoError.describe(error))")
        throw ExitCode.failure
    }
}
