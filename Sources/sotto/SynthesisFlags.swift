import ArgumentParser
import SottoCore
import SottoRuntime

/// The synthesis options as flags, shared by `say` and `bench` (the studio sets the same options
/// from its Controls pane).
struct SynthesisFlags: ParsableArguments {
    @Option(name: [.short, .customLong("voice")], help: "Voice, speaker, or a Kokoro blend such as jf_alpha:0.7,jm_kumo:0.3.")
    var voice: String?

    @Option(help: "Speaker of a multi-speaker Piper voice or a Qwen3-TTS CustomVoice model.")
    var speaker: String?

    @Option(help: "Emotion or style instruction (Qwen3-TTS CustomVoice 1.7B).")
    var instruct: String?

    @Option(help: "Description of the voice to design (Qwen3-TTS VoiceDesign).")
    var design: String?

    @Option(help: "Spoken language (Qwen3-TTS: english, chinese, ..., or auto).")
    var language: String?

    // Unconditional: `--speed -3` is a value out of range, not a missing one.
    @Option(parsing: .unconditional, help: "Speaking rate: 1 is natural, 1.5 is faster.")
    var speed: Double = 1

    @Option(help: "Seed for every random choice; the same seed gives the same take.")
    var seed: UInt64?

    @Flag(help: "Always take the most likely token (no sampling).")
    var greedy = false

    @Option(name: .customLong("max-frames"), help: "Stop generating after this many codec frames.")
    var maxFrames: Int?

    @Option(help: ArgumentHelp("Qwen3-TTS Base: a recording of the voice to clone (1 to 30 s, any rate or channels).",
                               valueName: "audio-file"))
    var reference: String?

    @Option(name: .customLong("reference-text"), help: "The words spoken in --reference: the clone takes the voice and its manner.")
    var referenceText: String?

    @Flag(name: .customLong("x-vector-only"), help: "Clone --reference from its voice print alone, without its words.")
    var xVectorOnly = false

    @Option(name: .customLong("noise-scale"), help: "Piper: noise on the latent (0 makes the take deterministic).")
    var noiseScale: Double?

    @Option(name: .customLong("noise-w"), help: "Piper: noise on the durations.")
    var noiseW: Double?

    func validate() throws {
        if let voice, let speaker, voice != speaker {
            throw ValidationError("--voice and --speaker name different voices; give one")
        }
        guard speed.isFinite, SynthesisOptions.speedRange.contains(speed) else {
            throw ValidationError("--speed must be between 0.25 and 4")
        }
        if let maxFrames, maxFrames < 1 { throw ValidationError("--max-frames must be at least 1") }
        if reference == nil, referenceText != nil || xVectorOnly {
            throw ValidationError("\(xVectorOnly ? "--x-vector-only" : "--reference-text") needs --reference REF.wav")
        }
        if referenceText != nil, xVectorOnly {
            throw ValidationError("give either --reference-text (clone the voice with its words) or --x-vector-only, not both")
        }
        if let referenceText, referenceText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--reference-text is empty; give the words spoken in the reference")
        }
        if reference?.isEmpty == true { throw ValidationError("--reference is empty; give the path of a recording") }
    }

    /// The chosen voice or speaker, if any.
    var chosenVoice: String? { voice ?? speaker }

    /// The options these flags set; `defaultSeed` stands in when no seed was given.
    func options(defaultSeed: UInt64? = nil) -> SynthesisOptions {
        var sampling = SamplingOptions()
        sampling.greedy = greedy
        sampling.maxFrames = maxFrames
        sampling.noiseScale = noiseScale
        sampling.noiseW = noiseW
        var options = SynthesisOptions(voice: chosenVoice, instruct: instruct, voiceDescription: design, language: language,
                                       speed: speed, seed: seed ?? defaultSeed, sampling: sampling)
        options.reference = reference
        options.referenceText = referenceText
        options.xVectorOnly = xVectorOnly ? true : nil
        return options
    }
}
