import ArgumentParser
import Foundation
import SottoCore

struct Sotto: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotto",
        abstract: "A terminal text-to-speech studio with its own inference engine.",
        discussion: "With no command, sotto opens the studio.",
        subcommands: [Say.self, Models.self, Voices.self, Phonemes.self, Bench.self, Info.self],
        defaultSubcommand: nil)

    mutating func run() throws {
        print(Sotto.helpMessage())
    }
}

/// Options every command that touches models shares.
struct ModelDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("models-dir"), help: ArgumentHelp(
        "Folder holding the models (default: $SOTTO_MODELS_DIR, else $XDG_DATA_HOME/sotto/models).",
        valueName: "dir"))
    var modelsDirectory: String?

    var directory: URL { SottoPaths().modelsDirectory(override: modelsDirectory) }

    func catalog() -> ModelCatalog { ModelCatalog(directory: directory) }
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
        FileHandle.standardError.write(Data("sotto: \(SottoError.describe(error))\n".utf8))
        throw ExitCode.failure
    }
}
