import Foundation
import Qwen3TTS
import SottoCore
import SottoKernels
import SottoMetrics

/// Qwen3-TTS behind Sotto's engine seam: CustomVoice speakers (with instructions on 1.7B),
/// VoiceDesign descriptions and Base voice clones. Audio is decoded and handed out every `framesPerChunk` frames while
/// generation continues.
public final class Qwen3Engine: SpeechEngine, @unchecked Sendable {
    public let model: ModelDescriptor
    public let qwen: Qwen3Model
    /// Frames per streamed chunk (12.5 frames are one second).
    public var framesPerChunk = 12
    /// Base models: the cloned voice a request's voice name stands for (nil when there is none).
    public var clonedVoices: ((String) throws -> VoiceClonePrompt?)?
    private let lock = NSLock()

    public init(model: ModelDescriptor, qwen: Qwen3Model) {
        self.model = model
        self.qwen = qwen
    }

    public var sampleRate: Int { qwen.codec.sampleRate }

    public var capabilities: EngineCapabilities { qwen.configuration.capabilities }

    public var voices: [VoiceInfo] {
        qwen.speakers.map { name in
            VoiceInfo(id: name, detail: qwen.configuration.talker.speakerDialects[name].map { "dialect: \($0)" })
        }
    }

    public var languages: [String] { qwen.languages }
    public var defaultVoice: String? { qwen.defaultSpeaker }
    public var residentBytes: Int { qwen.residentBytes }

    /// The sampling a request asks for, over the model's generation_config.json defaults.
    public func settings(for request: SynthesisRequest, textTokens: Int) -> GenerationSettings {
        let d = qwen.generationDefaults
        let s = request.sampling
        let greedy = s.greedy
        let talker = TokenSampling(greedy: greedy || !d.doSample, temperature: s.temperature ?? d.temperature,
                                   topK: s.topK ?? d.topK, topP: s.topP ?? d.topP)
        let predictor = TokenSampling(greedy: greedy || !d.subtalkerDoSample, temperature: d.subtalkerTemperature,
                                      topK: d.subtalkerTopK, topP: d.subtalkerTopP)
        let cap = s.maxFrames ?? Self.defaultFrameCap(textTokens: textTokens, limit: d.maxNewTokens)
        return GenerationSettings(talker: talker, codePredictor: predictor, repetitionPenalty: Float(d.repetitionPenalty),
                                  maxFrames: max(0, cap), seed: request.seed ?? UInt64.random(in: 0 ... UInt64(UInt32.max)))
    }

    /// Generations that never say end-of-speech are stopped here: far more frames than any
    /// natural reading of the text needs (about ten per token), and at least eight seconds.
    public static func defaultFrameCap(textTokens: Int, limit: Int) -> Int {
        min(max(100, 10 * textTokens + 50), max(1, limit - 1))
    }

    public func synthesize(_ request: SynthesisRequest, cancellation: CancellationFlag,
                           onChunk: (AudioChunk) throws -> Void) throws -> SynthesisSummary {
        lock.lock()
        defer { lock.unlock() }
        let resolved = try resolve(request)
        var notes = resolved.notes
        if request.speed != 1 { notes.append("speed ignored: Qwen3-TTS speaks at its own pace (describe the pace in an instruction)") }
        let textTokens = qwen.promptTokenIDs(text: resolved.text).count - 8
        let settings = settings(for: request, textTokens: textTokens)
        if request.seed == nil && !settings.talker.greedy { notes.append("seed \(settings.seed)") }
        qwen.codec.reset()
        var pending: [[Int]] = []
        var chunkIndex = 0
        var codecSeconds = 0.0
        // An in-context clone's take continues the reference's sound: it decodes on a stream
        // that has been through the reference's codes (once per voice; that audio is never played).
        var cloneStream: CodecStream?
        if let reference = resolved.clone?.inContextReferenceCodes {
            let start = MonotonicClock.now()
            cloneStream = try qwen.codecStream(after: reference)
            codecSeconds += MonotonicClock.now() - start
        }
        var samplesOut = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            let start = MonotonicClock.now()
            let samples = try cloneStream.map { try qwen.codec.decodeNext(pending, stream: $0) } ?? qwen.codec.decodeNext(pending)
            codecSeconds += MonotonicClock.now() - start
            pending.removeAll()
            samplesOut += samples.count
            try onChunk(AudioChunk(samples: samples, sampleRate: sampleRate, index: chunkIndex, text: request.text))
            chunkIndex += 1
        }
        let result = try qwen.generate(resolved, settings: settings, cancellation: cancellation) { frame in
            pending.append(frame)
            // The first chunk is short so that audio starts early.
            if pending.count >= (chunkIndex == 0 ? max(1, framesPerChunk / 3) : framesPerChunk) { try flush() }
        }
        try flush()
        qwen.codec.reset()
        if result.frames.isEmpty {
            throw SottoError("the model ended the take before saying anything", hint: "try another seed or rephrase the text")
        }
        if result.reachedFrameCap {
            notes.append("stopped at the \(settings.maxFrames)-frame cap without an end-of-speech token (raise it with --max-frames)")
        }
        let stages = [
            StageTiming(name: "prefill", seconds: result.prefillSeconds),
            StageTiming(name: "talker", seconds: result.talkerSeconds),
            StageTiming(name: "code predictor", seconds: result.codePredictorSeconds),
            StageTiming(name: "codec", seconds: codecSeconds),
        ]
        return SynthesisSummary(stages: stages, notes: notes, generatedCodes: result.frames)
    }
}
