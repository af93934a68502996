import ArgumentParser
import Foundation
import SottoCore

struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the ids a model receives for text: chunk by chunk, with the phonemes they encode.")

    @OptionGroup var location: ModelDirectoryOptions

    @Argument(help: "The text (default: read standard input).")
    var text: String?

    @Option(name: [.short, .customLong("model")], help: "Model name, kind or path.")
    var model: String

    @Option(name: [.short, .customLong("voice")], help: "Voice or speaker (may change the language).")
    var voice: String?

    @Option(help: "Spoken language.")
    var language: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try runReportingErrors {
            let input = text ?? (isatty(STDIN_FILENO) == 0
                ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : "")
            let descriptor = try location.resolve(model)
            let engine = try modelFamilies.load(descriptor)
            guard let tokenizing = engine as? any TokenizingEngine else {
                throw SottoError("\(modelFamilies.displayName(of: descriptor.kind)) models do not expose their input ids")
            }
            let chunks = try tokenizing.tokenize(SynthesisRequest(text: input, voice: voice, language: language))
            if json {
                print(try Format.json(chunks))
                return
            }
            for (index, chunk) in chunks.enumerated() {
                print("[\(index)] \(chunk.text)")
                if let phonemes = chunk.phonemes { print("    \(phonemes)") }
                print("    \(chunk.ids.count) ids: \(chunk.ids.map(String.init).joined(separator: " "))")
            }
        }
    }
}
