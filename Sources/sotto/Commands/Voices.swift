import ArgumentParser
import Foundation
import SottoCore

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
        /// Not printed in JSON: how the model's family names its voices, and whether a request
        /// chooses a language.
        var noun = "voices"
        var choosesLanguage = false
        enum CodingKeys: String, CodingKey { case model, kind, voices, languages }
    }

    func run() throws {
        try runReportingErrors {
            if model == nil, let problem = ModelCatalog.problem(with: location.directory) { throw problem }
            let models = try model.map { [try location.resolve($0)] } ?? location.catalog().models
            let listings = models.map {
                Listing(model: $0.id, kind: $0.kind.rawValue, voices: $0.voices, languages: $0.languages,
                        noun: modelFamilies.voiceNoun(of: $0.kind), choosesLanguage: $0.capabilities.contains(.languages))
            }
            if json {
                print(try Format.json(model == nil ? AnyEncodable(listings) : AnyEncodable(listings[0])))
                return
            }
            if listings.isEmpty { print("No models in \(location.directory.path); run Scripts/setup.") }
            for (index, listing) in listings.enumerated() {
                if index > 0 { print("") }
                print("\(listing.model): \(listing.voices.count) \(listing.noun)")
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
}

/// Lets one `--json` path print either a list or a single object.
struct AnyEncodable: Encodable {
    let encode: (Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encode = value.encode }
    func encode(to encoder: Encoder) throws { try encode(encoder) }
}
