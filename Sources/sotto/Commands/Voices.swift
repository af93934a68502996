import ArgumentParser
import Foundation
import SottoCore
import SottoEngines

struct Voices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the voices, speakers and languages of one model or of every model.")

    @OptionGroup var location: ModelDirectoryOptions

    @Option(name: [.short, .customLong("model")], help: "Model name, kind (kokoro, piper, qwen3) or path.")
    var model: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    struct Listing: Encodable {
        var model: String
        var kind: String
        var voices: [VoiceInfo]
        var languages: [String]
        /// Base models: the cloned voices found, those made with its weights first.
        var clonedVoices: [ClonedVoiceListing]?
        /// Not printed in JSON: how the model's family names its voices, and whether a request
        /// chooses a language.
        var noun = "voices"
        var choosesLanguage = false
        enum CodingKeys: String, CodingKey { case model, kind, voices, languages, clonedVoices = "cloned_voices" }
    }

    func run() throws {
        try runReportingErrors {
            if model == nil, let problem = ModelCatalog.problem(with: location.directory) { throw problem }
            let models = try model.map { [try location.resolve($0)] } ?? location.catalog().models
            let folders = VoiceFolders.standard()
            let listings = models.map {
                Listing(model: $0.id, kind: $0.kind.rawValue, voices: $0.voices, languages: $0.languages,
                        clonedVoices: Qwen3ClonedVoices.clones($0) ? ClonedVoiceListing.all(for: $0, in: folders) : nil,
                        noun: modelFamilies.voiceNoun(of: $0.kind), choosesLanguage: $0.capabilities.contains(.languages))
            }
            if json {
                print(try Format.json(model == nil ? AnyEncodable(listings) : AnyEncodable(listings[0])))
                return
            }
            if listings.isEmpty { print("No models in \(location.directory.path); run Scripts/setup.") }
            for (index, listing) in listings.enumerated() {
                if index > 0 { print("") }
                if let cloned = listing.clonedVoices {
                    printCloned(cloned, model: listing.model)
                } else {
                    print("\(listing.model): \(listing.voices.count) \(listing.noun)")
                }
                let rows = listing.voices.map { voice in
                    ["  " + voice.id, voice.language ?? "", voice.gender ?? "", voice.detail ?? ""]
                }
                if !rows.isEmpty { print(Format.table(rows)) }
                if listing.choosesLanguage, !listing.languages.isEmpty {
                    print("  languages: \(listing.languages.joined(separator: ", ")), auto")
                }
            }
        }
    }

    /// A Base model's heading and its cloned voices: those it can speak in, then the others marked.
    private func printCloned(_ voices: [ClonedVoiceListing], model: String) {
        let usable = voices.filter(\.forThisModel).count
        print("\(model): clones voices from a recording (sotto clone REF.wav -m \(model) -o NAME); \(usable) cloned for it")
        if !voices.isEmpty { print(Format.table(voices.map(\.row))) }
        if usable > 0 { print("  speak in one: sotto say -m \(model) --voice NAME \"Text.\"") }
    }
}

/// Lets one `--json` path print either a list or a single object.
struct AnyEncodable: Encodable {
    let encode: (Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encode = value.encode }
    func encode(to encoder: Encoder) throws { try encode(encoder) }
}
