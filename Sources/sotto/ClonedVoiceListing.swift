import Foundation
import SottoCore
import SottoEngines

/// One cloned voice as `sotto voices` lists it for a Base model.
struct ClonedVoiceListing: Encodable {
    var name: String
    var path: String
    /// Whether it was made with this model's weights (else it is listed, marked, and refused).
    var forThisModel: Bool
    var model: String?
    var inContext: Bool?
    var about: String?
    /// Why the file cannot be used, when it cannot be read.
    var problem: String?

    enum CodingKeys: String, CodingKey {
        case name, path, model, about, problem
        case forThisModel = "for_this_model", inContext = "in_context"
    }

    /// The cloned voices in `folders`, for `model`: those made with its weights first.
    static func all(for model: ModelDescriptor, in folders: VoiceFolders) -> [ClonedVoiceListing] {
        let voices = Qwen3ClonedVoices(model: model, folders: folders)
        let listings = folders.clonedVoices().map { entry -> ClonedVoiceListing in
            switch entry.voice {
            case let .success(voice):
                let matches = (try? voices.matches(voice)) ?? false
                return ClonedVoiceListing(name: entry.name, path: entry.url.path, forThisModel: matches, model: voice.model,
                                          inContext: voice.isInContext, about: voice.about)
            case let .failure(error):
                return ClonedVoiceListing(name: entry.name, path: entry.url.path, forThisModel: false,
                                          problem: SottoError.describe(error))
            }
        }
        return listings.filter(\.forThisModel) + listings.filter { !$0.forThisModel }
    }

    /// "  anna   in-context   cloned from anna.wav" (or what it was made for, or its problem).
    var row: [String] {
        if let problem { return ["  " + name, "unusable", problem] }
        let kind = inContext == true ? "in-context" : "x-vector only"
        return ["  " + name, kind, forThisModel ? (about ?? "") : "made for another model: \(model ?? "?")"]
    }
}
