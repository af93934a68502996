import Foundation
import SottoAudio
import SottoCore

extension Qwen3Model {
    /// Whether this folder is a Base model, which speaks in voices cloned from reference audio.
    public var clonesVoices: Bool { speakerEncoder != nil && codecEncoder != nil }

    /// What a Base model clones from `reference`: always its x-vector; with `referenceText` (the
    /// words spoken in it) also its codec codes, for an in-context clone. Nil text gives an
    /// x-vector-only clone, as the reference's `x_vector_only_mode` does.
    public func clonePrompt(reference: ReferenceAudio, referenceText: String?) throws -> VoiceClonePrompt {
        guard let speakerEncoder, let codecEncoder else {
            throw SottoError("\(folder.lastPathComponent) is a \(configuration.variantName) model, which does not clone voices",
                             hint: "use a Base model for voice cloning")
        }
        let xVector = try speakerEncoder.embed(reference.samples)
        guard let referenceText else { return VoiceClonePrompt(xVector: xVector) }
        guard !referenceText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw SottoError("the reference text is empty", hint: "give the words spoken in the reference, or clone from its x-vector alone")
        }
        let codes = try codecEncoder.encode(reference.samples)
        return VoiceClonePrompt(xVector: xVector, referenceCodes: codes, referenceText: referenceText)
    }
}
