import Foundation
import Qwen3TTS
import SottoCore
import SottoEngines
import SottoKernels
import Testing

/// Continuous batching: requests that join a batch at different steps get exactly the frames
/// (and audio) they get alone, greedy or sampled, and leave it without disturbing the others.
@Suite(.serialized) struct Qwen3BatchTests {
    static let model = try! Qwen3Model(folder: Qwen3Fixtures.folder("customvoice-0b6"))
    static let int8Model = try! Qwen3Model(folder: Qwen3Fixtures.folder("customvoice-0b6"), precision: .int8)
    static let design = try! Qwen3Model(folder: Qwen3Fixtures.folder("voicedesign-1b7"))

    static let greedy = TokenSampling(greedy: true, temperature: 1, topK: 0, topP: 1)
    static let sampled = TokenSampling(greedy: false, temperature: 0.9, topK: 50, topP: 0.95)

    /// Three different requests: speakers, languages, texts and frame caps all differ.
    static let requests: [(text: String, speaker: String, language: String, frames: Int)] = [
        ("Hello there, how are you today?", "ryan", "english", 19),
        ("The quick brown fox jumps over the lazy dog.", "vivian", "auto", 23),
        ("Bonjour, le monde.", "ryan", "french", 14),
    ]

    static func resolved(_ model: Qwen3Model, _ i: Int) throws -> Qwen3PromptRequest {
        let r = requests[i]
        let language = model.languages.contains(r.language) ? r.language : "auto"
        let speaker = model.speakers.contains(r.speaker) ? r.speaker : model.speakers[i % model.speakers.count]
        return try model.resolve(text: r.text, speaker: speaker, instruct: nil, voiceDescription: nil, language: language)
    }

    static func settings(_ i: Int, sampling: TokenSampling) -> GenerationSettings {
        GenerationSettings(talker: sampling, codePredictor: sampling, repetitionPenalty: 1.05,
                           maxFrames: requests[i].frames, seed: UInt64(7 + 1000 * i))
    }

    /// Runs the three requests in one batch, joining before steps 0, 2 and 5; returns each
    /// stream's result and the largest batch seen.
    static func batched(_ model: Qwen3Model, sampling: TokenSampling) throws -> ([GenerationResult], Int) {
        let batch = Qwen3BatchGeneration(model: model)
        let joins = [0: 0, 2: 1, 5: 2]
        var streams: [Qwen3Stream] = []
        var largest = 0, stepIndex = 0
        var ended = Set<ObjectIdentifier>()
        while stepIndex < 6 || !batch.streams.isEmpty {
            if let i = joins[stepIndex] {
                streams.append(try batch.join(resolved(model, i), settings: settings(i, sampling: sampling)))
            }
            largest = max(largest, batch.streams.count)
            for (stream, event) in batch.step() {
                switch event {
                case .frame: #expect(!stream.isFinished)
                case .lastFrame, .finished:
                    #expect(stream.isFinished)
                    ended.insert(ObjectIdentifier(stream))
                }
            }
            stepIndex += 1
            #expect(stepIndex < 200)
            if stepIndex >= 200 { break }
        }
        #expect(ended.count == 3)
        return (streams.map(\.result), largest)
    }

    static func alone(_ model: Qwen3Model, sampling: TokenSampling) throws -> [GenerationResult] {
        try (0 ..< requests.count).map { try model.generate(resolved(model, $0), settings: settings($0, sampling: sampling)) }
    }

    static func compare(_ model: Qwen3Model, sampling: TokenSampling, hiddenBound: Float) throws {
        let solo = try alone(model, sampling: sampling)
        let (together, largest) = try batched(model, sampling: sampling)
        #expect(largest == 3)
        for (a, b) in zip(solo, together) {
            #expect(!a.frames.isEmpty)
            #expect(a.frames == b.frames)
            #expect(a.reachedFrameCap == b.reachedFrameCap)
            #expect(a.prefill == b.prefill)
            if a.frames.count == b.frames.count {
                #expect(Qwen3Fixtures.maxDifference(a.talkerHidden.flatMap { $0 }, b.talkerHidden.flatMap { $0 }) <= hiddenBound)
            }
        }
        // The requests really differ, so a mix-up between streams would show.
        #expect(solo[0].frames != solo[1].frames && solo[1].frames != solo[2].frames)
    }

    /// fp32: batched products run as sgemm instead of sgemv, which only reorders float sums
    /// (relative differences around 1e-7 per product), far below any gap between the top
    /// logits that greedy decoding picks from.
    @Test func greedyBatchMatchesEachRequestAlone() throws {
        try Self.compare(Self.model, sampling: Self.greedy, hiddenBound: 1e-4)
    }

    @Test func sampledBatchMatchesEachRequestAloneWithTheSameSeeds() throws {
        try Self.compare(Self.model, sampling: Self.sampled, hiddenBound: 1e-4)
    }

    /// int8: rows are quantised one by one as a single step quantises its vector and the integer
    /// sums are exact, so the batched product equals the single one bit for bit.
    @Test func int8BatchMatchesEachRequestAloneExactly() throws {
        try Self.compare(Self.int8Model, sampling: Self.sampled, hiddenBound: 0)
    }

    /// A take longer than the cache a batched stream starts with (48 frames past its prompt)
    /// grows its cache between steps and still matches the take alone.
    @Test func aLongTakeGrowsItsCache() throws {
        let model = Self.int8Model
        let settings = GenerationSettings(talker: Self.sampled, codePredictor: Self.sampled, repetitionPenalty: 1.05,
                                          maxFrames: 70, seed: 5)
        let request = try Self.resolved(model, 1)
        let solo = try model.generate(request, settings: settings)
        let batch = Qwen3BatchGeneration(model: model)
        let stream = try batch.join(request, settings: settings)
        try batch.join(Self.resolved(model, 0), settings: Self.settings(0, sampling: Self.sampled))
        var steps = 0
        while !batch.streams.isEmpty && steps < 100 {
            _ = batch.step()
            steps += 1
        }
        #expect(solo.frames.count > 48)
        #expect(stream.frames == solo.frames)
    }

    // MARK: The engine's batch

    static func engine(_ model: Qwen3Model) -> Qwen3Engine {
        Qwen3Engine(model: Qwen3Fixtures.descriptor(model.folder), qwen: model)
    }

    static func synthesisRequest(_ i: Int, greedy: Bool) -> SynthesisRequest {
        let r = requests[i]
        var request = SynthesisRequest(text: r.text, voice: r.speaker, language: r.language == "auto" ? nil : r.language)
        request.seed = UInt64(11 + i)
        request.sampling.greedy = greedy
        request.sampling.maxFrames = r.frames + 10
        return request
    }

    final class Outcome {
        var chunks: [AudioChunk] = []
        var result: Result<SynthesisSummary, any Error>?
        var samples: [Float] { chunks.flatMap(\.samples) }
    }

    static func alone(_ engine: Qwen3Engine, _ request: SynthesisRequest) throws -> (SynthesisSummary, [AudioChunk]) {
        var chunks: [AudioChunk] = []
        let summary = try engine.synthesize(request, cancellation: CancellationFlag()) { chunks.append($0) }
        return (summary, chunks)
    }

    @Test(arguments: [true, false])
    func engineBatchDeliversWhatSynthesizeDelivers(greedy: Bool) throws {
        let engine = Self.engine(Self.model)
        engine.framesPerChunk = 6
        let batch = engine.makeBatch()
        let outcomes = (0 ..< 3).map { _ in Outcome() }
        let cancel = CancellationFlag()
        func join(_ i: Int) throws {
            try batch.join(Self.synthesisRequest(i, greedy: greedy), cancellation: i == 1 ? cancel : CancellationFlag(),
                           onChunk: { outcomes[i].chunks.append($0) }, onEnd: { outcomes[i].result = $0 })
        }
        try join(0)
        batch.step()
        batch.step()
        try join(1)
        try join(2)
        #expect(batch.activeCount == 3)
        for _ in 0 ..< 4 { batch.step() }
        cancel.cancel()
        var steps = 0
        while batch.activeCount > 0 && steps < 200 {
            batch.step()
            steps += 1
        }
        #expect(batch.activeCount == 0)

        // The cancelled request ended with SynthesisCancelled after the chunks it had.
        guard case .failure(let error) = outcomes[1].result else {
            Issue.record("the cancelled request did not end with an error")
            return
        }
        #expect(error is SynthesisCancelled)
        #expect(!outcomes[1].chunks.isEmpty)

        for i in [0, 2] {
            guard case .success(let summary) = outcomes[i].result else {
                Issue.record("request \(i) did not finish: \(String(describing: outcomes[i].result))")
                continue
            }
            let (expected, expectedChunks) = try Self.alone(engine, Self.synthesisRequest(i, greedy: greedy))
            #expect(summary.generatedCodes == expected.generatedCodes)
            #expect(summary.notes == expected.notes)
            #expect(summary.stages.map(\.name) == ["prefill", "talker", "code predictor", "codec"])
            // The same chunk boundaries as alone: first short, then every framesPerChunk frames.
            #expect(outcomes[i].chunks.map(\.samples.count) == expectedChunks.map(\.samples.count))
            #expect(outcomes[i].chunks.map(\.index) == Array(0 ..< expectedChunks.count))
            // Same codes, same chunking and a codec state of its own: the codec does the same
            // arithmetic on the same inputs, so the audio agrees to the last bit.
            #expect(Qwen3Fixtures.maxDifference(outcomes[i].samples, expectedChunks.flatMap(\.samples)) <= 0)
            #expect(outcomes[i].chunks.first?.samples.count == 2 * engine.qwen.codec.samplesPerFrame)
        }
    }

    @Test func aJoinErrorLeavesTheBatchAsItWas() throws {
        let engine = Self.engine(Self.design)
        let batch = engine.makeBatch()
        var good = SynthesisRequest(text: "A calm voice speaking.", voiceDescription: "a calm, low voice")
        good.seed = 3
        good.sampling.maxFrames = 9
        let outcome = Outcome()
        try batch.join(good, cancellation: CancellationFlag(), onChunk: { outcome.chunks.append($0) },
                       onEnd: { outcome.result = $0 })
        batch.step()
        #expect(batch.activeCount == 1)

        var bad = SynthesisRequest(text: "No voice described.")
        bad.sampling.maxFrames = 9
        var badEnded = false
        #expect(throws: SottoError.self) {
            try batch.join(bad, cancellation: CancellationFlag(), onChunk: { _ in }, onEnd: { _ in badEnded = true })
        }
        #expect(batch.activeCount == 1)
        while batch.activeCount > 0 { batch.step() }
        #expect(!badEnded)
        guard case .success(let summary) = outcome.result else {
            Issue.record("the good request did not finish")
            return
        }
        let (expected, chunks) = try Self.alone(engine, good)
        #expect(summary.generatedCodes == expected.generatedCodes)
        #expect(Qwen3Fixtures.maxDifference(outcome.samples, chunks.flatMap(\.samples)) <= 0)
    }

    /// Streams decoding on one codec in turns keep their own state: interleaved pieces give the
    /// samples each utterance gives alone in the same pieces, and the codec's own
    /// (single-stream) utterance carries on undisturbed around them.
    @Test func codecStreamsAreIndependent() throws {
        let codec = Self.model.codec
        let a = (0 ..< 9).map { f in (0 ..< 16).map { (f * 37 + $0 * 11) % 2048 } }
        let b = (0 ..< 9).map { f in (0 ..< 16).map { (f * 101 + $0 * 7 + 5) % 2048 } }
        let pieces = [0 ..< 2, 2 ..< 5, 5 ..< 9]
        func alone(_ frames: [[Int]]) throws -> [Float] {
            codec.reset()
            defer { codec.reset() }
            return try pieces.flatMap { try codec.decodeNext(Array(frames[$0])) }
        }
        let aloneA = try alone(a), aloneB = try alone(b)
        let sa = codec.makeStream(), sb = codec.makeStream()
        var outA: [Float] = [], outB: [Float] = [], shared: [Float] = []
        codec.reset()
        shared += try codec.decodeNext(Array(a[pieces[0]]))
        for range in pieces {
            outA += try codec.decodeNext(Array(a[range]), stream: sa)
            outB += try codec.decodeNext(Array(b[range]), stream: sb)
        }
        for range in pieces.dropFirst() { shared += try codec.decodeNext(Array(a[range])) }
        codec.reset()
        #expect(aloneA.count == 9 * codec.samplesPerFrame && Qwen3Fixtures.maxDifference(aloneA, aloneB) > 0.01)
        #expect(outA.count == aloneA.count && Qwen3Fixtures.maxDifference(outA, aloneA) == 0)
        #expect(outB.count == aloneB.count && Qwen3Fixtures.maxDifference(outB, aloneB) == 0)
        #expect(shared.count == aloneA.count && Qwen3Fixtures.maxDifference(shared, aloneA) == 0)
    }
}
