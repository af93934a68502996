import Foundation
import Kokoro
import SottoCore
import SottoEngines
import Testing

/// The real int8 model from Scripts/setup, loaded once for the suite.
enum KokoroEngineFixture {
    static let engine: Result<KokoroEngine, SottoError> = {
        do {
            let folder = SottoPaths().modelsDirectory().appendingPathComponent("kokoro-v1.0-int8")
            let onnx = folder.appendingPathComponent("kokoro-v1.0.int8.onnx")
            let model = ModelDescriptor(name: "kokoro-v1.0-int8", kind: .kokoro, url: onnx, files: [
                ModelFile(role: "weights", url: onnx),
                ModelFile(role: "voices", url: folder.appendingPathComponent("voices_ja.npz")),
                ModelFile(role: "vocab", url: folder.appendingPathComponent("vocab.json")),
            ])
            guard let engine = try KokoroFamily().load(model, options: LoadOptions()) as? KokoroEngine else {
                return .failure(SottoError("the Kokoro loader made another engine"))
            }
            return .success(engine)
        } catch {
            return .failure(SottoError("\(SottoError.describe(error)); run Scripts/setup to install the models"))
        }
    }()
}

@Suite(.serialized) struct KokoroEngineTests {
    func run(_ request: SynthesisRequest) throws -> (chunks: [AudioChunk], summary: SynthesisSummary) {
        let engine = try KokoroEngineFixture.engine.get()
        var chunks: [AudioChunk] = []
        let summary = try engine.synthesize(request, cancellation: CancellationFlag()) { chunks.append($0) }
        return (chunks, summary)
    }

    @Test func speaksOneChunkPerSentenceAsSoonAsEachExists() throws {
        let (chunks, summary) = try run(SynthesisRequest(text: "Hello world. How are you?", voice: "jf_alpha"))
        #expect(chunks.map(\.index) == [0, 1])
        #expect(chunks.map(\.text) == ["Hello world.", "How are you?"])
        for chunk in chunks {
            #expect(chunk.sampleRate == 24_000)
            #expect(chunk.samples.count % KokoroModel.samplesPerFrame == 0)
            // Between half a second and four seconds of speech, at a speaking level, not clipped.
            #expect(chunk.seconds > 0.5 && chunk.seconds < 4, "\(chunk.seconds) s")
            let rms = (chunk.samples.reduce(0) { $0 + Double($1) * Double($1) } / Double(chunk.samples.count)).squareRoot()
            #expect(rms > 0.02 && rms < 0.3, "RMS \(rms)")
            #expect(chunk.samples.allSatisfy { $0.isFinite && abs($0) < 1 })
        }
        #expect(summary.stages.map(\.name) == ["phonemes", "albert", "durations", "encoder", "prosody", "decoder", "generator"])
        #expect(summary.notes.isEmpty)
    }

    @Test func speedShortensTheTake() throws {
        let normal = try run(SynthesisRequest(text: "The quick brown fox jumps over the lazy dog.", voice: "jf_alpha"))
        let fast = try run(SynthesisRequest(text: "The quick brown fox jumps over the lazy dog.", voice: "jf_alpha", speed: 1.5))
        let ratio = Double(fast.chunks[0].samples.count) / Double(normal.chunks[0].samples.count)
        #expect(ratio > 0.55 && ratio < 0.8, "speed 1.5 gave \(ratio) of the length")
    }

    @Test func blendedVoiceLiesBetweenItsParts() throws {
        let engine = try KokoroEngineFixture.engine.get()
        let a = try engine.voicePack.style(VoiceMix("jf_alpha"), phonemes: 10)
        let b = try engine.voicePack.style(VoiceMix("jm_kumo"), phonemes: 10)
        let mix = try engine.voicePack.style(VoiceMix(parsing: "jf_alpha:0.7,jm_kumo:0.3"), phonemes: 10)
        for i in 0..<a.count { #expect(abs(mix[i] - (0.7 * a[i] + 0.3 * b[i])) < 1e-5) }
        let (chunks, _) = try run(SynthesisRequest(text: "Hello world.", voice: "jf_alpha:0.7,jm_kumo:0.3"))
        #expect(chunks.count == 1 && chunks[0].seconds > 0.5)
    }

    @Test func tokensAreWhatTheModelReceives() throws {
        let engine = try KokoroEngineFixture.engine.get()
        let tokens = try engine.tokenize(SynthesisRequest(text: "Hello world."))
        #expect(tokens == [TokenChunk(text: "Hello world.", phonemes: "həlˈO wˈɜɹld.",
                                      ids: [0, 50, 83, 54, 156, 31, 16, 65, 156, 87, 123, 54, 46, 4, 0])])
    }

    @Test func badInputGetsClearErrors() throws {
        for text in ["", "  ", "?!…", "🙂🙂"] {
            do {
                let (chunks, _) = try run(SynthesisRequest(text: text, voice: "jf_alpha"))
                // espeak may read a symbol aloud; then it must be real audio.
                #expect(!chunks.isEmpty && chunks.allSatisfy { !$0.samples.isEmpty }, "\(text.debugDescription)")
            } catch let error as SottoError {
                #expect(error.message.contains("nothing to say"), "\(text.debugDescription): \(error)")
            }
        }
        #expect(throws: SottoError.self) { try run(SynthesisRequest(text: "Hi.", voice: "af_nobody")) }
        #expect(throws: SottoError.self) { try run(SynthesisRequest(text: "Hi.", voice: "jf_alpha:2,nobody:1")) }
        #expect(throws: SottoError.self) { try run(SynthesisRequest(text: "Hi.", voice: "jf_alpha", speed: 0)) }
        #expect(throws: SottoError.self) { try run(SynthesisRequest(text: "Hi.", voice: "jf_alpha", speed: .nan)) }
    }

    /// 20,000 characters without punctuation after one short sentence: every inference call
    /// stays within the model's 510 phonemes, the first audio comes from the first sentence
    /// alone, and the long run streams chunk by chunk (stopped after the first long chunk).
    @Test func hugeTextStreamsInChunksWithinTheLimit() throws {
        let engine = try KokoroEngineFixture.engine.get()
        let words = ["alpha", "river", "stone", "quiet", "number", "garden", "yellow", "machine", "window", "travel"]
        var body = ""
        var index = 0
        while body.count < 20_000 {
            body += words[(index * 7 + index / 3) % words.count] + " "
            index += 1
        }
        // "Then" is capitalised: espeak-ng ends a sentence at a full stop only before a capital.
        let text = "It begins here. Then " + body
        let tokens = try engine.tokenize(SynthesisRequest(text: text, voice: "jf_alpha"))
        #expect(tokens.first?.text == "It begins here.")
        #expect(tokens.count > 20, "\(tokens.count) chunks")
        #expect(tokens.allSatisfy { $0.ids.count <= KokoroModel.maxPhonemes + 2 && $0.ids.first == 0 && $0.ids.last == 0 })
        // Packed, not cut word by word: the chunks average well over half the limit.
        let phonemes = tokens.dropFirst().reduce(0) { $0 + $1.ids.count - 2 }
        #expect(phonemes / (tokens.count - 1) > KokoroModel.maxPhonemes / 2)

        let flag = CancellationFlag()
        var delivered: [AudioChunk] = []
        #expect(throws: SynthesisCancelled.self) {
            _ = try engine.synthesize(SynthesisRequest(text: text, voice: "jf_alpha"), cancellation: flag) { chunk in
                delivered.append(chunk)
                if delivered.count == 2 { flag.cancel() }
            }
        }
        #expect(delivered.map(\.index) == [0, 1])
        #expect(delivered.count == 2 && delivered[0].seconds < 3 && delivered[1].seconds > 10,
                "\(delivered.map(\.seconds)) s")
        #expect(delivered.allSatisfy { chunk in chunk.samples.allSatisfy { $0.isFinite && abs($0) < 1 } })
    }

    @Test func cancellationStopsBetweenChunks() throws {
        let engine = try KokoroEngineFixture.engine.get()
        let flag = CancellationFlag()
        var delivered = 0
        #expect(throws: SynthesisCancelled.self) {
            _ = try engine.synthesize(SynthesisRequest(text: "One. Two. Three.", voice: "jf_alpha"), cancellation: flag) { _ in
                delivered += 1
                flag.cancel()
            }
        }
        #expect(delivered == 1)
    }

    @Test func truncatedModelFileIsRefused() throws {
        let folder = SottoPaths().modelsDirectory().appendingPathComponent("kokoro-v1.0-int8")
        let source = folder.appendingPathComponent("kokoro-v1.0.int8.onnx")
        let bytes = try Data(contentsOf: source, options: .alwaysMapped)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-kokoro-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cut = scratch.appendingPathComponent("kokoro-cut.onnx")
        try bytes.prefix(bytes.count / 3).write(to: cut)
        let model = ModelDescriptor(name: "cut", kind: .kokoro, url: cut, files: [
            ModelFile(role: "weights", url: cut),
            ModelFile(role: "voices", url: folder.appendingPathComponent("voices_ja.npz")),
        ])
        #expect(throws: SottoError.self) { _ = try KokoroFamily().load(model, options: LoadOptions()) }
    }
}

/// Word timings from Kokoro's durations.
@Suite struct KokoroWordTimingTests {
    /// With durations chosen by hand, each word spans exactly its ids' frames.
    @Test func wordsSpanTheirPhonemesFrames() throws {
        let frontEnd = try KokoroFrontEnd()
        let chunk = try #require(try frontEnd.chunks("Hello world.").first)
        #expect(chunk.phonemes == "həlˈO wˈɜɹld.")
        // ids: pad, h ə l ˈ O, space, w ˈ ɜ ɹ l d, ".", pad: give "Hello" 2 frames a phoneme,
        // the space 7, "world" 3 a phoneme, the period 5, the pads 4 and 1.
        let durations = [4, 2, 2, 2, 2, 2, 7, 3, 3, 3, 3, 3, 3, 5, 1]
        #expect(durations.count == chunk.ids.count)
        let words = KokoroWordTimer(frontEnd: frontEnd).words(of: chunk, durations: durations, offset: 24_000)
        let frame = 600.0 / 24_000
        #expect(words.map(\.word) == ["Hello", "world"])
        #expect(abs(words[0].start - (1 + 4 * frame)) < 1e-9 && abs(words[0].end - (1 + 14 * frame)) < 1e-9)
        #expect(abs(words[1].start - (1 + 21 * frame)) < 1e-9 && abs(words[1].end - (1 + 39 * frame)) < 1e-9)
    }

    @Test func aTakesWordsAreOrderedAndInsideItsAudio() throws {
        let engine = try KokoroEngineFixture.engine.get()
        var chunks: [AudioChunk] = []
        let text = "The quick brown fox jumps over 13 lazy dogs. Then it rests!"
        var request = SynthesisRequest(text: text)
        request.wordTimings = true
        _ = try engine.synthesize(request, cancellation: CancellationFlag()) { chunks.append($0) }
        #expect(chunks.count == 2)
        let words = chunks.flatMap(\.words)
        #expect(words.map(\.word) == ["The", "quick", "brown", "fox", "jumps", "over", "13", "lazy", "dogs", "Then", "it", "rests"])
        let total = Double(chunks.reduce(0) { $0 + $1.samples.count }) / 24_000
        for word in words { #expect(word.start < word.end && word.end <= total + 1e-9, "\(word)") }
        for (a, b) in zip(words, words.dropFirst()) { #expect(a.end <= b.start + 1e-9, "\(a) \(b)") }
        // The second sentence's words start after the first chunk's audio.
        let firstSeconds = Double(chunks[0].samples.count) / 24_000
        #expect(chunks[1].words.allSatisfy { $0.start >= firstSeconds })
    }
}
