import Foundation
import Kokoro
import SottoCore
import SottoKernels
import SottoMetrics
import SottoPhonemes

/// Kokoro-82M behind Sotto's engine seam: each chunk (a sentence, or part of a long one) is
/// synthesized and handed out before the next one starts.
public final class KokoroEngine: TokenizingEngine, @unchecked Sendable {
    public let model: ModelDescriptor
    public let kokoro: KokoroModel
    public let voicePack: VoicePack
    public let vocabulary: KokoroVocabulary
    public var mapping: KokoroPhonemeMapping
    private let lock = NSLock()
    private let workspace = Workspace()
    private var frontEnds: [String: KokoroFrontEnd] = [:]
    private let weightBytes: Int

    public init(model: ModelDescriptor, kokoro: KokoroModel, voicePack: VoicePack,
                vocabulary: KokoroVocabulary = .v1, mapping: KokoroPhonemeMapping = .misaki) {
        self.model = model
        self.kokoro = kokoro
        self.voicePack = voicePack
        self.vocabulary = vocabulary
        self.mapping = mapping
        weightBytes = kokoro.weightBytes
    }

    public var sampleRate: Int { KokoroModel.sampleRate }
    public var capabilities: EngineCapabilities { [.voices, .speed, .streaming, .voiceBlend, .languages, .wordTimings] }
    public var voices: [VoiceInfo] {
        let described = Dictionary(model.voices.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return voicePack.names.map { described[$0] ?? VoiceInfo(id: $0) }
    }
    public var languages: [String] { ["en-us", "en-gb"] }
    public var defaultVoice: String? {
        voicePack.voices["af_heart"] != nil ? "af_heart" : voicePack.names.first
    }
    public var residentBytes: Int { weightBytes + voicePack.voices.values.reduce(0) { $0 + $1.count * 4 } + workspace.capacity * 4 }

    /// The voice blend a request names, checked against the packs.
    public func voiceMix(_ request: SynthesisRequest) throws -> VoiceMix {
        guard let name = request.voice ?? defaultVoice else { throw SottoError("this Kokoro model has no voices") }
        let mix = try VoiceMix(parsing: name)
        for part in mix.parts where voicePack.voices[part.name] == nil {
            throw SottoError("unknown Kokoro voice '\(part.name)'", hint: "available: \(voicePack.names.joined(separator: ", "))")
        }
        return mix
    }

    func frontEnd(_ request: SynthesisRequest) throws -> KokoroFrontEnd {
        // No language: each clause is read in the language its script shows.
        let key = "\(request.language ?? "by script")|\(mapping.rawValue)"
        if let cached = frontEnds[key] { return cached }
        let made = try KokoroFrontEnd(language: request.language, vocabulary: vocabulary, mapping: mapping)
        frontEnds[key] = made
        return made
    }

    /// The chunks `synthesize` would run for `request`.
    public func chunks(_ request: SynthesisRequest) throws -> [KokoroChunk] {
        let chunks = try frontEnd(request).chunks(request.text)
        guard !chunks.isEmpty else {
            throw SottoError("the text has nothing to say", hint: "give words, not only spaces, punctuation or symbols")
        }
        return chunks
    }

    public func tokenize(_ request: SynthesisRequest) throws -> [TokenChunk] {
        lock.lock()
        defer { lock.unlock() }
        return try chunks(request).map { TokenChunk(text: $0.text, phonemes: $0.phonemes, ids: $0.ids) }
    }

    public func synthesize(_ request: SynthesisRequest, cancellation: CancellationFlag,
                           onChunk: (AudioChunk) throws -> Void) throws -> SynthesisSummary {
        lock.lock()
        defer { lock.unlock() }
        guard request.speed.isFinite, request.speed >= 0.25, request.speed <= 4 else {
            throw SottoError("speed \(request.speed) is out of range", hint: "Kokoro speaks from 0.25 to 4 times its natural pace")
        }
        let mix = try voiceMix(request)
        let clock = ContinuousClock()
        let start = clock.now
        let chunks = try chunks(request)
        var stages = [StageTiming(name: "phonemes", seconds: seconds(clock.now - start))]
        var notes = Self.notes(for: request)
        if request.language == nil || request.language?.lowercased().hasPrefix("ja") == true {
            let kanji = JapaneseScript.kanjiCount(in: request.text)
            if kanji > 0 {
                notes.append("espeak-ng reads Japanese kana only: \(kanji) kanji were named (\"Chinese letter\"), not read; write them in kana")
            }
        }
        let dropped = Set(chunks.flatMap(\.dropped)).sorted { $0.value < $1.value }
        if !dropped.isEmpty {
            notes.append("left out phonemes Kokoro does not know: \(dropped.map { String($0) }.joined(separator: " "))")
        }
        var totals: [String: Double] = [:]
        var order: [String] = []
        let timer = try request.wordTimings == true ? KokoroWordTimer(frontEnd: frontEnd(request)) : nil
        var samplesBefore = 0
        for (index, chunk) in chunks.enumerated() {
            if cancellation.isCancelled { throw SynthesisCancelled() }
            let style = try voicePack.style(mix, phonemes: chunk.phonemeCount)
            let output = try kokoro.synthesize(ids: chunk.ids, style: style, speed: Float(request.speed), workspace: workspace)
            for (name, seconds) in output.timings {
                if totals[name] == nil { order.append(name) }
                totals[name, default: 0] += seconds
            }
            let words = timer?.words(of: chunk, durations: output.durations, offset: samplesBefore) ?? []
            samplesBefore += output.audio.count
            try onChunk(AudioChunk(samples: output.audio, sampleRate: sampleRate, index: index, text: chunk.text, words: words))
        }
        stages += order.map { StageTiming(name: $0, seconds: totals[$0] ?? 0) }
        return SynthesisSummary(stages: stages, notes: notes)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func notes(for request: SynthesisRequest) -> [String] {
        var notes: [String] = []
        if request.instruct != nil { notes.append("instruction ignored: Kokoro takes a voice, not instructions") }
        if request.voiceDescription != nil { notes.append("voice description ignored: Kokoro blends its voice packs instead") }
        if request.seed != nil { notes.append("seed ignored: Kokoro is deterministic") }
        if request.sampling.noiseScale != nil || request.sampling.noiseW != nil {
            notes.append("noise settings ignored: Kokoro's export has no random source")
        }
        return notes
    }
}
