import Foundation
import Qwen3TTS
import SottoAudio
import SottoCore

extension Qwen3Engine {
    /// The request resolved against the model, with a Base model's cloned voice in it: from the
    /// request's reference recording (in context with its words, or x-vector only), or from the
    /// voice it names through ``clonedVoices``.
    func resolve(_ request: SynthesisRequest) throws -> Qwen3PromptRequest {
        guard qwen.clonesVoices else {
            var resolved = try qwen.resolve(text: request.text, speaker: request.voice, instruct: request.instruct,
                                            voiceDescription: request.voiceDescription, language: request.language)
            if request.reference != nil {
                resolved.notes.append("reference audio ignored: only Qwen3-TTS Base models clone voices")
            }
            return resolved
        }
        var notes: [String] = []
        let clone = try clonePrompt(for: request, notes: &notes)
        var resolved = try qwen.resolve(text: request.text, speaker: nil, instruct: request.instruct,
                                        voiceDescription: request.voiceDescription, language: request.language, clone: clone)
        resolved.notes = notes + resolved.notes
        return resolved
    }

    private func clonePrompt(for request: SynthesisRequest, notes: inout [String]) throws -> VoiceClonePrompt {
        let words = request.referenceText.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        let xVectorOnly = request.xVectorOnly == true
        guard let path = request.reference else {
            if words != nil || xVectorOnly {
                notes.append("\(xVectorOnly ? "x-vector-only" : "reference text") ignored: it describes a reference recording, and none was given")
            }
            guard let name = request.voice, !name.isEmpty else {
                throw SottoError("\(qwen.folder.lastPathComponent) is a Base model: it speaks in a cloned voice",
                                 hint: "give --reference REF.wav with --reference-text \"its words\" or --x-vector-only, or a voice made with `sotto clone`")
            }
            guard let prompt = try clonedVoices?(name) else {
                throw SottoError("no cloned voice named '\(name)'",
                                 hint: "make it with `sotto clone` from a recording of the voice, or pass --reference REF.wav")
            }
            return prompt
        }
        guard words != nil || xVectorOnly else {
            throw SottoError("a reference recording needs its words or --x-vector-only",
                             hint: "give --reference-text \"the words spoken in it\" (in-context clone) or --x-vector-only (the voice's timbre alone)")
        }
        if let voice = request.voice, !voice.isEmpty { notes.append("voice '\(voice)' ignored: the reference recording is cloned") }
        if xVectorOnly, words != nil { notes.append("reference text ignored: the clone is x-vector only") }
        let audio: ReferenceAudio
        do {
            audio = try ReferenceAudio.load(path)
        } catch {
            throw SottoError(error.description)
        }
        notes += audio.notes
        return try qwen.clonePrompt(reference: audio, referenceText: xVectorOnly ? nil : words)
    }
}
