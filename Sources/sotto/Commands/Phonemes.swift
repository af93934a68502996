import ArgumentParser
import Foundation
import SottoCore
import SottoPhonemes

struct Phonemes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the phonemes espeak-ng gives for text, clause by clause, as the engines see them.")

    @Argument(help: "The text (default: read standard input).")
    var text: String?

    @Option(name: [.short, .customLong("language")],
            help: "espeak-ng voice or language, e.g. en-us, en-gb, ja. (default: by script, as Kokoro reads text without a language: clauses in Japanese script in ja, the rest in en-us)")
    var language: String?

    @Flag(help: "Print one line per clause with its text, terminator and sentence end.")
    var clauses = false

    @Flag(name: .customLong("list-languages"), help: "List the espeak-ng voices available.")
    var listLanguages = false

    func run() throws {
        try runReportingErrors {
            if listLanguages {
                let rows = try Phonemizer.availableVoices().map { voice in
                    [voice.identifier, voice.name, voice.languages.map(\.code).joined(separator: " ")]
                }
                print(Format.table(rows))
                return
            }
            let input = text ?? (isatty(STDIN_FILENO) == 0
                ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : "")
            let read = try clausesWithVoices(input)
            if clauses {
                for (clause, voice) in read {
                    let end = clause.endsParagraph ? "¶" : clause.endsSentence ? "." : ""
                    print(Format.table([[clause.text.trimmingCharacters(in: .whitespacesAndNewlines), "→",
                                         clause.rendered(.full), end, voice]]))
                }
            } else {
                print(read.map(\.clause).joinedPhonemes(punctuation: .full))
            }
        }
    }

    /// Each clause with the espeak-ng voice that read it.
    private func clausesWithVoices(_ input: String) throws -> [(clause: PhonemeClause, voice: String)] {
        if let language {
            let phonemizer = try Phonemizer(voice: language)
            return try phonemizer.clauses(input).map { ($0, phonemizer.voice) }
        }
        return try ScriptDetectingPhonemizer(fallback: Phonemizer(voice: "en-us")).clauses(input)
    }
}
