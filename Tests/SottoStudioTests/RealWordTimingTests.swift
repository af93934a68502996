import Foundation
import SottoAudio
import SottoCore
import SottoEngines
import SottoStudio
import Testing

/// The word timings the studio keeps with a real Kokoro and a real Piper take (the ones the Text
/// pane highlights from, as `sotto say --captions` writes them): every word of the text, in
/// order, each starting once the one before has ended, and together spanning the take's speech.
@Suite(.serialized) struct RealWordTimingTests {
    static let text = "The quick brown fox jumps over the lazy dog. Then it runs far away, into the quiet green forest!"
    static let wordCount = 19

    /// A studio over the installed `model` alone, with the real engines and a device that plays
    /// nothing.
    func studio(_ folder: ScratchFolder, model: String) throws -> StudioModel {
        _ = utf8Locale
        let models = folder.path("models")
        try TestModels.link(model, into: models)
        let resources = StudioResources(shippedThemes: repositoryRoot.appendingPathComponent("Themes"),
                                        shippedVoices: repositoryRoot.appendingPathComponent("Voices"),
                                        configDirectory: folder.path("config"))
        let environment = StudioEnvironment(families: .standard, modelsDirectory: models, sessionsDirectory: folder.path("sessions"),
                                            resources: resources, output: ManualOutput(), randomSeed: 7)
        return try StudioModel(environment: environment)
    }

    /// Synthesizes the text as one take and returns it with its audio.
    func take(_ studio: StudioModel) throws -> (Take, [Float]) {
        #expect(studio.settle(timeout: 120) { !studio.loadedModels.isEmpty || !studio.loadFailures.isEmpty })
        #expect(studio.loadFailures.isEmpty, "\(studio.loadFailures)")
        studio.command("autoplay off")
        studio.handle(.character("i"))
        studio.type(Self.text)
        studio.handle(.escape)
        studio.handle(.character("s"))
        #expect(studio.settle(timeout: 300) { studio.takes.count == 1 && studio.jobs.isEmpty })
        let take = try #require(studio.takes.first)
        let file = try #require(take.audioFile)
        let audio = try AudioFile.read(studio.session.audioURL(file).path).downmixedToMono()
        return (take, audio.samples)
    }

    /// From the start of the first 10 ms of `samples` within 30 dB of the loudest to the end of
    /// the last: where the speech is.
    static func speechSpan(_ samples: [Float], sampleRate: Int) -> ClosedRange<Double>? {
        let frame = sampleRate / 100
        let levels = stride(from: 0, to: samples.count - frame, by: frame).map { start in
            10 * log10(max(samples[start..<start + frame].reduce(0) { $0 + Double($1 * $1) } / Double(frame), 1e-20))
        }
        guard let loudest = levels.max(), let first = levels.firstIndex(where: { $0 > loudest - 30 }),
              let last = levels.lastIndex(where: { $0 > loudest - 30 }) else { return nil }
        return Double(first * frame) / Double(sampleRate)...Double((last + 1) * frame) / Double(sampleRate)
    }

    func checkWords(of take: Take, samples: [Float]) throws {
        let words = try #require(take.words, "the take kept no word timings")
        let seconds = Double(samples.count) / Double(take.sampleRate)
        #expect(words.count == Self.wordCount, "\(words.map(\.word))")
        // Each is a word of the text, found in order (as the Text pane finds them to highlight).
        let lines = Self.text.split(separator: "\n").map(Array.init)
        let positions = WordHighlight.positions(of: words, in: lines)
        #expect(positions.allSatisfy { $0 != nil }, "\(zip(words.map(\.word), positions.map { $0 != nil }).map { "\($0)" })")
        let firsts = positions.compactMap { $0?.first?.column }
        #expect(firsts == firsts.sorted() && Set(firsts).count == firsts.count)
        // Monotonic, each after the one before, inside the take.
        for word in words { #expect(word.start >= 0 && word.start < word.end && word.end <= seconds + 1e-9, "\(word) in \(seconds) s") }
        for (a, b) in zip(words, words.dropFirst()) { #expect(b.start >= a.end - 1e-9, "\(b.word) starts before \(a.word) ends: \(a) \(b)") }
        // Together they cover the speech: it starts no more than a short phoneme (0.1 s) before
        // the first word and ends no more than that after the last. (Kokoro's last word ends
        // late rather than early: its final phoneme's predicted frames take in the silence after.)
        let first = try #require(words.first), last = try #require(words.last)
        let speech = try #require(Self.speechSpan(samples, sampleRate: take.sampleRate))
        #expect(first.start <= speech.lowerBound + 0.1 && last.end >= speech.upperBound - 0.1,
                "words \(first.start)–\(last.end) s, speech \(speech.lowerBound)–\(speech.upperBound) s of \(seconds) s")
        // And the middle of the take is spoken: no gap between words is more than a pause.
        let gaps = zip(words, words.dropFirst()).map { $1.start - $0.end }
        #expect(gaps.allSatisfy { $0 < 1 }, "\(gaps)")
    }

    @Test(.enabled(if: TestModels.isInstalled("piper"), "the Piper voices are not installed (Scripts/setup)"))
    func aRealPiperTakesWordsAreInOrderAndSpanItsSpeech() throws {
        let folder = ScratchFolder()
        let studio = try studio(folder, model: "piper")
        defer { studio.shutdown() }
        let (take, samples) = try take(studio)
        #expect(take.model.kind == .piper)
        try checkWords(of: take, samples: samples)
    }

    @Test(.enabled(if: TestModels.isInstalled("kokoro-v1.0-int8"), "the Kokoro model is not installed (Scripts/setup)"))
    func aRealKokoroTakesWordsAreInOrderAndSpanItsSpeech() throws {
        let folder = ScratchFolder()
        let studio = try studio(folder, model: "kokoro-v1.0-int8")
        defer { studio.shutdown() }
        let (take, samples) = try take(studio)
        #expect(take.model.kind == .kokoro)
        try checkWords(of: take, samples: samples)
    }
}
