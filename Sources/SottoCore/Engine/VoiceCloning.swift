/// An engine that can keep a voice from a recording as a voice file (Qwen3-TTS Base), so that a
/// front end that knows no model family can offer it.
public protocol VoiceCloning: AnyObject {
    /// The clone of the voice in `samples` (interleaved `channels`, at `sampleRate`, 1–30 s); with
    /// `referenceText`, the words spoken in it, the clone is in-context. `source` names the audio
    /// in errors.
    func cloneVoice(samples: [Float], sampleRate: Int, channels: Int, referenceText: String?, source: String) throws -> ClonedVoice
}
