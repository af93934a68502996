import Foundation
import Piper
import SottoCore
import SottoEngines
import Testing

/// The Piper engine through Sotto's engine protocol: sentences streamed window by window, speakers,
/// speed, seeds, notes, and bad input.
@Suite struct PiperEngineTests {
    static let twoSentences = "The first sentence is here. And this is the second one!"

    /// Each sentence streams as the decoder's windows: the first 16 frames, then windows that
    /// double, every chunk labelled with its sentence, indices counting through the request.
    @Test func streamsEachSentenceInWindows() throws {
        let engine = try PiperFixtures.multi.get()
        let collect = ChunkCollector()
        let request = SynthesisRequest(text: Self.twoSentences, seed: 3)
        let tokens = try engine.tokenize(request)
        #expect(tokens.count == 2)
        _ = try engine.synthesize(request, cancellation: CancellationFlag()) { collect($0) }
        let chunks = collect.chunks
        #expect(chunks.map(\.index) == Array(chunks.indices))
        let texts = ["The first sentence is here.", "And this is the second one!"]
        #expect(chunks.map(\.text).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } } == texts)
        #expect(chunks.count > 2)
        // Words are timed only when the request asks for them.
        #expect(chunks.allSatisfy { $0.words.isEmpty })
        let hop = engine.piper.hopLength
        for text in texts {
            let sentence = chunks.filter { $0.text == text }
            let frames = sentence.reduce(0) { $0 + $1.samples.count } / hop
            #expect(sentence.map { $0.samples.count / hop } == PiperDecodeWindows.standard.windows(total: frames).map(\.count))
        }
        #expect(chunks.allSatisfy { $0.sampleRate == 16000 && $0.samples.count > 0 && $0.samples.count % hop == 0 })
    }

    /// Each sentence's words, timed from its durations, arrive with its first window.
    @Test func wordsAreTimedWithEachSentencesFirstWindow() throws {
        let engine = try PiperFixtures.joe.get()
        let collect = ChunkCollector()
        let text = "The quick brown fox jumps over 13 lazy dogs. Then it rests!"
        var sampling = SamplingOptions()
        sampling.noiseScale = 0
        sampling.noiseW = 0
        var request = SynthesisRequest(text: text, sampling: sampling)
        request.wordTimings = true
        _ = try engine.synthesize(request, cancellation: CancellationFlag()) { collect($0) }
        let chunks = collect.chunks
        let firsts = chunks.indices.filter { $0 == 0 || chunks[$0].text != chunks[$0 - 1].text }
        #expect(firsts.count == 2)
        #expect(chunks.indices.filter { !chunks[$0].words.isEmpty } == firsts)
        let words = chunks.flatMap(\.words)
        #expect(words.map(\.word) == ["The", "quick", "brown", "fox", "jumps", "over", "13", "lazy", "dogs", "Then", "it", "rests"])
        let rate = Double(engine.sampleRate)
        let total = Double(collect.samples.count) / rate
        for word in words { #expect(word.start < word.end && word.end <= total + 1e-9, "\(word)") }
        for (a, b) in zip(words, words.dropFirst()) { #expect(a.end <= b.start + 1e-9, "\(a) \(b)") }
        let firstSentence = Double(chunks[..<firsts[1]].reduce(0) { $0 + $1.samples.count }) / rate
        #expect(chunks[firsts[1]].words.allSatisfy { $0.start >= firstSentence - 1e-9 })
        // Every word's time is whole frames of the decoder.
        let hop = Double(engine.piper.hopLength)
        for word in words {
            for t in [word.start, word.end] { #expect(abs((t * rate / hop).rounded() - t * rate / hop) < 1e-6) }
        }
    }

    /// Stage times are summed over the sentences, in pipeline order.
    @Test func stagesAreReported() throws {
        let engine = try PiperFixtures.multi.get()
        let summary = try engine.synthesize(SynthesisRequest(text: Self.twoSentences, seed: 1), cancellation: CancellationFlag()) { _ in }
        #expect(summary.stages.map(\.name) == ["phonemes", "encoder", "durations", "flow", "decoder"])
        #expect(summary.stages.allSatisfy { $0.seconds >= 0 } && summary.stages.reduce(0) { $0 + $1.seconds } > 0)
    }

    @Test func sameSeedSameAudioOtherSeedOther() throws {
        let engine = try PiperFixtures.joe.get()
        func take(_ seed: UInt64) throws -> [Float] {
            let collect = ChunkCollector()
            _ = try engine.synthesize(SynthesisRequest(text: "Hello world.", seed: seed), cancellation: CancellationFlag()) { collect($0) }
            return collect.samples
        }
        let a = try take(5), b = try take(5), c = try take(6)
        #expect(a == b)
        #expect(a != c)
    }

    /// With both noises off the engine gives onnxruntime's take of piper's ids.
    @Test func noiselessTakeMatchesTheReference() throws {
        let engine = try PiperFixtures.joe.get()
        var sampling = SamplingOptions()
        sampling.noiseScale = 0
        sampling.noiseW = 0
        let collect = ChunkCollector()
        let summary = try engine.synthesize(SynthesisRequest(text: "Hello world.", sampling: sampling), cancellation: CancellationFlag()) { collect($0) }
        #expect(!summary.notes.contains { $0.hasPrefix("seed") })
        let archive = try ZipArchive(PiperFixtures.url("joe-hello.npz"))
        let expected = try archive.numpyArray(named: "audio").values
        #expect(collect.samples.count == expected.count)
        let worst = zip(collect.samples, expected).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 5e-4)
    }

    @Test func speakersByNameOrNumber() throws {
        let engine = try PiperFixtures.multi.get()
        #expect(engine.capabilities.contains(.voices))
        #expect(engine.voices.map(\.id) == ["alice", "bob", "carol"])
        #expect(engine.defaultVoice == "alice")
        #expect(try engine.speaker(for: SynthesisRequest(text: "x", voice: "bob")) == 1)
        #expect(try engine.speaker(for: SynthesisRequest(text: "x", voice: "2")) == 2)
        #expect(try engine.speaker(for: SynthesisRequest(text: "x")) == nil)
        func take(_ voice: String?) throws -> [Float] {
            let collect = ChunkCollector()
            _ = try engine.synthesize(SynthesisRequest(text: "Hello.", voice: voice, seed: 1), cancellation: CancellationFlag()) { collect($0) }
            return collect.samples
        }
        #expect(try take("alice") == (try take(nil)))
        #expect(try take("carol") != (try take("alice")))
    }

    @Test func unknownSpeakerIsRefused() throws {
        let engine = try PiperFixtures.multi.get()
        #expect {
            try engine.synthesize(SynthesisRequest(text: "Hello.", voice: "dave"), cancellation: CancellationFlag()) { _ in }
        } throws: { error in
            let message = "\(error)"
            return message.contains("unknown speaker 'dave'") && message.contains("alice")
        }
        #expect(throws: SottoError.self) {
            try engine.synthesize(SynthesisRequest(text: "Hello.", voice: "7"), cancellation: CancellationFlag()) { _ in }
        }
        let single = try PiperFixtures.odd.get()
        #expect(!single.capabilities.contains(.voices))
        #expect(single.voices.map(\.id) == ["tiny-odd"])
        #expect(throws: SottoError.self) {
            try single.synthesize(SynthesisRequest(text: "Hello.", voice: "alice"), cancellation: CancellationFlag()) { _ in }
        }
        #expect(try single.speaker(for: SynthesisRequest(text: "x", voice: "tiny-odd")) == nil)
    }

    /// --speed divides the length scale: twice the speed, about half the frames. Each id's
    /// width is rounded up on its own, which adds up to a frame per id at any speed, so the
    /// ratios sit a little nearer 1 than the speeds' (joe: 0.57 and 1.8 here).
    @Test func speedScalesTheLength() throws {
        let engine = try PiperFixtures.joe.get()
        var sampling = SamplingOptions()
        sampling.noiseScale = 0
        sampling.noiseW = 0
        func samples(_ speed: Double) throws -> Int {
            let collect = ChunkCollector()
            _ = try engine.synthesize(SynthesisRequest(text: "The quick brown fox jumps over the lazy dog.", speed: speed, sampling: sampling),
                                      cancellation: CancellationFlag()) { collect($0) }
            return collect.samples.count
        }
        let normal = try samples(1), fast = try samples(2), slow = try samples(0.5)
        // Each id rounds up separately, so halving adds up to one frame per id.
        #expect(Double(fast) < 0.65 * Double(normal) && Double(fast) > 0.45 * Double(normal))
        #expect(Double(slow) > 1.7 * Double(normal) && Double(slow) < 2.1 * Double(normal))
        #expect(try engine.options(for: SynthesisRequest(text: "x", speed: 2)).lengthScale == 0.5)
        #expect(throws: SottoError.self) { try engine.options(for: SynthesisRequest(text: "x", speed: 0)) }
    }

    @Test func noiseDefaultsComeFromTheConfig() throws {
        let engine = try PiperFixtures.multi.get()
        let defaults = try engine.options(for: SynthesisRequest(text: "x"))
        #expect(defaults.noiseScale == 0.5 && defaults.noiseW == 0.6 && defaults.lengthScale == 1)
        var sampling = SamplingOptions()
        sampling.noiseScale = 0.2
        let chosen = try engine.options(for: SynthesisRequest(text: "x", sampling: sampling))
        #expect(chosen.noiseScale == 0.2 && chosen.noiseW == 0.6)
        sampling.noiseW = -1
        #expect(throws: SottoError.self) { try engine.options(for: SynthesisRequest(text: "x", sampling: sampling)) }
        let summary = try engine.synthesize(SynthesisRequest(text: "Hello."), cancellation: CancellationFlag()) { _ in }
        #expect(summary.notes.contains { $0.hasPrefix("seed ") })
    }

    @Test(arguments: ["", "   \n ", "?! ... ,"])
    func nothingToSay(_ text: String) throws {
        let engine = try PiperFixtures.multi.get()
        #expect(throws: SottoError.self) {
            try engine.synthesize(SynthesisRequest(text: text), cancellation: CancellationFlag()) { _ in }
        }
        #expect(throws: SottoError.self) { try engine.tokenize(SynthesisRequest(text: text)) }
    }

    /// Phonemes the voice's map lacks are left out with a note; the rest is spoken.
    @Test func unknownPhonemesAreDroppedWithANote() throws {
        var config = try PiperConfig(contentsOf: PiperFixtures.url("tiny-odd.onnx.json"))
        config.phonemeIdMap["ð"] = nil
        let piper = try PiperModel(onnx: PiperFixtures.url("tiny-odd.onnx"), config: config)
        let engine = try PiperEngine(model: PiperFixtures.descriptor("tiny-odd"), piper: piper)
        let collect = ChunkCollector()
        let summary = try engine.synthesize(SynthesisRequest(text: "This is the one.", seed: 1), cancellation: CancellationFlag()) { collect($0) }
        #expect(summary.notes.contains { $0.contains("ð") })
        #expect(collect.samples.count > 0)
        #expect(try engine.tokenize(SynthesisRequest(text: "This is the one.")).first?.ids.contains(41) == false)
    }

    /// Odd characters are read or skipped by espeak-ng; none stops the take.
    @Test(arguments: ["Price: 3½ € — ok?", "emoji 😀 and ☃ here.", "Tab\tand\u{0}nul and \u{202E}bidi.", "日本語 and English."])
    func oddCharactersDoNotStopTheTake(_ text: String) throws {
        let engine = try PiperFixtures.multi.get()
        let collect = ChunkCollector()
        _ = try engine.synthesize(SynthesisRequest(text: text, seed: 1), cancellation: CancellationFlag()) { collect($0) }
        #expect(collect.samples.count > 0)
        #expect(collect.samples.allSatisfy { $0.isFinite && abs($0) <= 1 })
    }

    @Test func cancellationStopsBetweenSentences() throws {
        let engine = try PiperFixtures.multi.get()
        let flag = CancellationFlag()
        var seen = 0
        #expect(throws: SynthesisCancelled.self) {
            try engine.synthesize(SynthesisRequest(text: Self.twoSentences, seed: 1), cancellation: flag) { _ in
                seen += 1
                flag.cancel()
            }
        }
        #expect(seen == 1)
    }

    @Test func ignoredFieldsAreNoted() throws {
        let engine = try PiperFixtures.multi.get()
        let summary = try engine.synthesize(SynthesisRequest(text: "Hi.", instruct: "whisper", language: "de", seed: 1),
                                            cancellation: CancellationFlag()) { _ in }
        #expect(summary.notes.contains { $0.hasPrefix("instruction ignored") })
        #expect(summary.notes.contains { $0.hasPrefix("language ignored") })
    }

    @Test func loaderNeedsTheConfig() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-piper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PiperFixtures.url("tiny-odd.onnx"), to: folder.appendingPathComponent("v.onnx"))
        let descriptor = PiperFixtures.descriptor("v", in: folder)
        #expect(!descriptor.isComplete)
        #expect(throws: SottoError.self) { try ModelFamilies([PiperFamily()]).load(descriptor) }
        #expect(throws: (any Error).self) { try PiperFamily().load(descriptor, options: LoadOptions()) }
    }
}
