import Foundation
import Piper
import SottoCore
import SottoKernels
import SottoMetrics

/// A Piper voice behind Sotto's engine seam: one inference per sentence, each sentence's audio
/// handed out window by window as the decoder makes it (``PiperDecodeWindows/standard``), so
/// playback starts after the first window rather than the whole sentence.
public final class PiperEngine: TokenizingEngine, @unchecked Sendable {
    public let model: ModelDescriptor
    public let piper: PiperModel
    public let frontEnd: PiperFrontEnd
    private let lock = NSLock()

    public init(model: ModelDescriptor, piper: PiperModel) throws {
        self.model = model
        self.piper = piper
        frontEnd = try PiperFrontEnd(config: piper.config)
    }

    public var sampleRate: Int { piper.sampleRate }

    public var capabilities: EngineCapabilities {
        var set: EngineCapabilities = [.speed, .streaming, .seed, .wordTimings]
        if isMultiSpeaker { set.insert(.voices) }
        return set
    }

    var isMultiSpeaker: Bool { piper.speakerCount > 1 }

    /// Speakers by name for multi-speaker voices; the voice itself otherwise.
    public var voices: [VoiceInfo] {
        let language = piper.config.espeak.voice
        guard isMultiSpeaker else { return [VoiceInfo(id: model.name, language: language, detail: "single speaker")] }
        let named = piper.config.speakers
        if named.isEmpty {
            return (0 ..< piper.speakerCount).map { VoiceInfo(id: String($0), language: language, detail: "speaker \($0)") }
        }
        return named.map { VoiceInfo(id: $0.name, language: language, detail: "speaker \($0.id)") }
    }

    public var languages: [String] { [piper.config.espeak.voice] }

    public var defaultVoice: String? {
        guard isMultiSpeaker else { return model.name }
        let id = piper.config.defaultSpeakerId ?? 0
        return piper.config.speakers.first { $0.id == id }?.name ?? String(id)
    }

    public var residentBytes: Int { piper.residentBytes }

    /// The speaker index a request names: a name from the voice's speaker map or a number.
    public func speaker(for request: SynthesisRequest) throws -> Int? {
        guard let name = request.voice, !name.isEmpty else { return nil }
        guard isMultiSpeaker else {
            if name == model.name { return nil }
            throw SottoError("\(model.name) has a single speaker; there is no voice '\(name)'",
                             hint: "leave out --voice/--speaker for this model")
        }
        if let id = piper.config.speakerIdMap?[name] { return id }
        if let id = Int(name), id >= 0, id < piper.speakerCount { return id }
        let known = voices.map(\.id)
        throw SottoError("unknown speaker '\(name)' for \(model.name)",
                         hint: "available: \(known.prefix(20).joined(separator: ", "))\(known.count > 20 ? ", … (\(known.count) in all; see sotto voices)" : "")")
    }

    /// The sentences `synthesize` would run for `request`.
    func sentences(_ request: SynthesisRequest) throws -> [PiperSentence] {
        let sentences = try frontEnd.sentences(request.text)
        guard sentences.contains(where: \.isSpeakable) else {
            let missing = Set(sentences.flatMap(\.missing)).sorted()
            if !missing.isEmpty {
                throw SottoError("this voice knows none of the phonemes of the text (\(missing.joined(separator: " ")))",
                                 hint: "the text may be in a language the voice does not speak")
            }
            throw SottoError("the text has nothing to say", hint: "give words, not only spaces, punctuation or symbols")
        }
        return sentences
    }

    public func tokenize(_ request: SynthesisRequest) throws -> [TokenChunk] {
        lock.lock()
        defer { lock.unlock() }
        return try sentences(request).filter(\.isSpeakable).map { TokenChunk(text: $0.text, phonemes: $0.phonemes, ids: $0.ids) }
    }

    /// The model options a request asks for, over the voice's defaults.
    public func options(for request: SynthesisRequest) throws -> PiperSynthesisOptions {
        guard request.speed.isFinite, request.speed >= 0.25, request.speed <= 4 else {
            throw SottoError("speed \(request.speed) is out of range", hint: "Piper speaks from 0.25 to 4 times its natural pace")
        }
        let config = piper.config
        let noiseScale = request.sampling.noiseScale.map(Float.init) ?? config.defaultNoiseScale
        let noiseW = request.sampling.noiseW.map(Float.init) ?? config.defaultNoiseW
        guard noiseScale.isFinite, noiseScale >= 0, noiseScale <= 10, noiseW.isFinite, noiseW >= 0, noiseW <= 10 else {
            throw SottoError("noise scales must be between 0 and 10", hint: "the voice's defaults are \(config.defaultNoiseScale) and \(config.defaultNoiseW)")
        }
        return PiperSynthesisOptions(noiseScale: noiseScale, lengthScale: config.defaultLengthScale / Float(request.speed),
                                     noiseW: noiseW, speaker: try speaker(for: request))
    }

    public func synthesize(_ request: SynthesisRequest, cancellation: CancellationFlag,
                           onChunk: (AudioChunk) throws -> Void) throws -> SynthesisSummary {
        lock.lock()
        defer { lock.unlock() }
        let options = try options(for: request)
        let watch = Stopwatch()
        let sentences = try sentences(request)
        var stages = [StageTiming(name: "phonemes", seconds: watch.elapsed)]
        var notes = Self.notes(for: request)
        let missing = Set(sentences.flatMap(\.missing)).sorted()
        if !missing.isEmpty {
            notes.append("left out phonemes this voice does not know: \(missing.joined(separator: " "))")
        }
        let random = options.noiseScale != 0 || (options.noiseW != 0 && piper.hasStochasticDurations)
        let seed = request.seed ?? UInt64.random(in: 0 ... UInt64(UInt32.max))
        if request.seed == nil && random { notes.append("seed \(seed)") }
        var noise = GaussianNoise(seed: seed)
        var totals: [String: Double] = [:]
        var order: [String] = []
        var index = 0
        let timer = request.wordTimings == true ? PiperWordTimer(frontEnd: frontEnd, hopLength: piper.hopLength, sampleRate: sampleRate) : nil
        var samplesBefore = 0
        for sentence in sentences where sentence.isSpeakable {
            try cancellation.check()
            // A sentence's words (when asked for) are timed once its durations exist and go out
            // with its first window.
            var words: [WordTiming] = []
            let output = try piper.synthesize(ids: sentence.ids, options: options, noise: &noise, onDurations: { frames in
                words = timer?.words(of: sentence, frames: frames, offset: samplesBefore) ?? []
            }) { samples in
                try onChunk(AudioChunk(samples: samples, sampleRate: sampleRate, index: index, text: sentence.text, words: words))
                words = []
                samplesBefore += samples.count
                index += 1
                try cancellation.check()
            }
            for (name, seconds) in output.timings {
                if totals[name] == nil { order.append(name) }
                totals[name, default: 0] += seconds
            }
        }
        stages += order.map { StageTiming(name: $0, seconds: totals[$0] ?? 0) }
        return SynthesisSummary(stages: stages, notes: notes)
    }

    static func notes(for request: SynthesisRequest) -> [String] {
        var notes: [String] = []
        if request.instruct != nil { notes.append("instruction ignored: Piper voices take no instructions") }
        if request.voiceDescription != nil { notes.append("voice description ignored: Piper voices cannot be designed") }
        if request.language != nil { notes.append("language ignored: a Piper voice speaks the language it was trained on") }
        let sampling = request.sampling
        if sampling.greedy || sampling.temperature != nil || sampling.topK != nil || sampling.topP != nil || sampling.maxFrames != nil {
            notes.append("token sampling settings ignored: Piper's randomness is set by --noise-scale and --noise-w")
        }
        return notes
    }
}
