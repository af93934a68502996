import Foundation
import Qwen3TTS
import SottoAudio
import SottoCore

extension Qwen3Engine: VoiceCloning {
    /// Checks the recording as `sotto clone` does (length, silence), then keeps what this model
    /// clones from it with the fingerprint of its weights.
    public func cloneVoice(samples: [Float], sampleRate: Int, channels: Int, referenceText: String?, source: String) throws -> ClonedVoice {
        guard Qwen3ClonedVoices.clones(model) else {
            throw SottoError("\(model.id) cannot clone voices", hint: "use a Qwen3-TTS Base model")
        }
        let reference = try ReferenceAudio(AudioData(samples: samples, sampleRate: sampleRate, channels: channels), source: source)
        let prompt = try qwen.clonePrompt(reference: reference, referenceText: referenceText)
        return try Qwen3ClonedVoices(model: model).voice(from: prompt, about: "kept from \(source)")
    }
}
