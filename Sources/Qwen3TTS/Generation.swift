import Foundation
import SottoCore
import SottoKernels

/// Everything one generation needs besides the model.
public struct GenerationSettings: Sendable {
    public var talker: TokenSampling
    public var codePredictor: TokenSampling
    public var repetitionPenalty: Float
    public var maxFrames: Int
    public var seed: UInt64

    public init(talker: TokenSampling, codePredictor: TokenSampling, repetitionPenalty: Float, maxFrames: Int, seed: UInt64) {
        self.talker = talker
        self.codePredictor = codePredictor
        self.repetitionPenalty = repetitionPenalty
        self.maxFrames = maxFrames
        self.seed = seed
    }
}

/// What the talker loop reports per frame and at the end.
public struct GenerationResult: Sendable {
    public var frames: [[Int]]
    /// The talker's final-normed hidden state that produced each frame.
    public var talkerHidden: [[Float]]
    public var prefill: [Float]
    public var prefillCount: Int
    public var reachedFrameCap: Bool
    public var prefillSeconds: Double
    public var talkerSeconds: Double
    public var codePredictorSeconds: Double
}

extension Qwen3Model {
    /// Resolves speaker, language and instruction against the config, as the reference wrapper
    /// does; a Base model speaks in the cloned voice `clone`.
    public func resolve(text: String, speaker: String?, instruct: String?, voiceDescription: String?,
                        language: String?, clone: VoiceClonePrompt? = nil) throws -> Qwen3PromptRequest {
        let t = configuration.talker
        var notes: [String] = []
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw SottoError("the text is empty", hint: "give some words to speak")
        }
        let language = (language ?? "auto").lowercased()
        guard languages.contains(language) else {
            throw SottoError("\(folder.lastPathComponent) does not speak '\(language)'",
                             hint: "choose one of: \(languages.joined(separator: ", "))")
        }
        switch configuration.variant {
        case .customVoice:
            let name = (speaker ?? defaultSpeaker ?? "").lowercased()
            guard t.speakerIDs[name] != nil else {
                throw SottoError("\(folder.lastPathComponent) has no speaker '\(speaker ?? "")'",
                                 hint: "choose one of: \(speakers.joined(separator: ", "))")
            }
            if voiceDescription?.isEmpty == false {
                notes.append("voice description ignored: CustomVoice models use named speakers (a VoiceDesign model designs voices)")
            }
            var instruction = instruct?.isEmpty == false ? instruct : nil
            if instruction != nil, configuration.ignoresInstruct {
                notes.append("instruct ignored by 0.6B CustomVoice (only the 1.7B CustomVoice model follows instructions)")
                instruction = nil
            }
            return Qwen3PromptRequest(text: text, speaker: name, instruct: instruction, language: language, notes: notes)
        case .voiceDesign:
            let description = [voiceDescription, instruct].compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            guard let description else {
                throw SottoError("VoiceDesign models need a description of the voice",
                                 hint: "pass --design \"a warm, low female voice\"")
            }
            if speaker != nil { notes.append("speaker ignored: VoiceDesign models take a description, not a speaker") }
            if voiceDescription?.isEmpty == false, instruct?.isEmpty == false {
                notes.append("instruct ignored: the voice description is the VoiceDesign model's instruction")
            }
            return Qwen3PromptRequest(text: text, speaker: nil, instruct: description, language: language, notes: notes)
        case .base:
            guard let clone else {
                throw SottoError("\(folder.lastPathComponent) is a Base model: it speaks in a cloned voice",
                                 hint: "give --reference REF.wav with --reference-text \"its words\" or --x-vector-only, or a voice made with `sotto clone`")
            }
            if speaker?.isEmpty == false { notes.append("speaker ignored: Base models speak in the cloned voice") }
            if instruct?.isEmpty == false { notes.append("instruct ignored: Base models do not follow instructions") }
            if voiceDescription?.isEmpty == false {
                notes.append("voice description ignored: Base models clone a voice (a VoiceDesign model designs voices)")
            }
            return Qwen3PromptRequest(text: text, language: language, notes: notes, clone: clone)
        case nil:
            throw SottoError("\(folder.lastPathComponent) has unknown tts_model_type '\(configuration.ttsModelType)'")
        }
    }

    /// The speaker used when a request names none.
    public var defaultSpeaker: String? {
        configuration.talker.speakerIDs["vivian"] != nil ? "vivian" : speakers.first
    }

    /// The token ids of the prompt pieces (for checking the tokenizer against the reference).
    public func promptTokenIDs(text: String) -> [Int] { PromptBuilder(configuration: configuration, tokenizer: tokenizer, talker: talker, codePredictor: codePredictor).assistantIDs(text) }

    /// Generates codec frames for `request`, handing each frame to `onFrame` as it exists.
    public func generate(_ request: Qwen3PromptRequest, settings: GenerationSettings, cancellation: CancellationFlag? = nil,
                         onFrame: ([Int]) throws -> Void = { _ in }) throws -> GenerationResult {
        // One generation at a time per model: the caches below are per call, but the kernels'
        // thread pool is shared and two takes at once would only halve each other's speed.
        generationLock.lock()
        defer { generationLock.unlock() }
        let t = configuration.talker
        let builder = PromptBuilder(configuration: configuration, tokenizer: tokenizer, talker: talker, codePredictor: codePredictor)
        let predictorCache = codePredictor.makeCache()
        let clock = ContinuousClock()
        let started = clock.now
        workspace.reset()
        let prompt = try builder.build(request, workspace: workspace)
        let cache = talker.decoder.makeCache(capacity: prompt.prefillCount + min(settings.maxFrames, 256) + 1)
        var (hidden, logits) = talker.forward(prompt.prefill, count: prompt.prefillCount, cache: cache, workspace: workspace)
        let prefillSeconds = (clock.now - started).seconds
        var generator = SeededGenerator(seed: settings.seed)
        let firstSampler = FirstCodebookSampler(sampling: settings.talker, repetitionPenalty: settings.repetitionPenalty,
                                                endOfSpeech: t.codecEOS, controlStart: t.dimensions.vocabularySize - 1024)
        var history: [Int] = []
        var frames: [[Int]] = []
        var hiddens: [[Float]] = []
        var talkerSeconds = 0.0, predictorSeconds = 0.0
        var reachedCap = false
        while true {
            try cancellation?.check()
            let first = firstSampler.choose(logits, history: history, generator: &generator)
            history.append(first)
            if first == t.codecEOS { break }
            if frames.count >= settings.maxFrames { reachedCap = true; break }
            let predictorStart = clock.now
            var firstEmbedding = [Float](repeating: 0, count: talker.hiddenSize)
            firstEmbedding.withUnsafeMutableBufferPointer { talker.codecEmbedding.gather(first, into: $0.baseAddress!) }
            let predicted = codePredictor.predict(talkerHidden: hidden, firstCodeEmbedding: firstEmbedding,
                                                 cache: predictorCache, workspace: workspace) { _, scores in
                settings.codePredictor.choose(scores, generator: &generator)
            }
            predictorSeconds += (clock.now - predictorStart).seconds
            let frame = [first] + predicted.codes
            frames.append(frame)
            hiddens.append(hidden)
            try onFrame(frame)
            if frames.count >= settings.maxFrames { reachedCap = true; break }
            let step = frames.count - 1
            var next = firstEmbedding
            let text = step < prompt.trailing.count ? prompt.trailing[step] : prompt.padRow
            for i in next.indices { next[i] += predicted.embeddingSum[i] + text[i] }
            let talkerStart = clock.now
            (hidden, logits) = talker.forward(next, count: 1, cache: cache, workspace: workspace)
            talkerSeconds += (clock.now - talkerStart).seconds
        }
        return GenerationResult(frames: frames, talkerHidden: hiddens, prefill: prompt.prefill, prefillCount: prompt.prefillCount,
                                reachedFrameCap: reachedCap, prefillSeconds: prefillSeconds, talkerSeconds: talkerSeconds,
                                codePredictorSeconds: predictorSeconds)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
