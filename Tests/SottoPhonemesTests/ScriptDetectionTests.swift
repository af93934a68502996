import SottoPhonemes
import Testing

/// Text without a language: clauses in Japanese script are read by the Japanese voice.
@Suite struct ScriptDetectionTests {
    let english: Phonemizer
    let japanese: Phonemizer
    let detecting: ScriptDetectingPhonemizer

    init() throws {
        english = try Phonemizer(voice: "en-us")
        japanese = try Phonemizer(voice: "ja")
        detecting = try ScriptDetectingPhonemizer(fallback: english)
    }

    @Test func kanaClausesAreReadInJapaneseAndTheRestInEnglish() throws {
        let text = "こんにちは、せかい。Hello there."
        let read = try detecting.clauses(text)
        let alone = try english.clauses(text)
        // Clause boundaries are the fallback voice's, so 、 and 。 divide as before.
        #expect(read.map(\.clause.range) == alone.map(\.range))
        #expect(read.map(\.clause.endsSentence) == alone.map(\.endsSentence))
        #expect(read.map(\.voice) == ["ja", "ja", "en-us"])
        #expect(read[0].clause.phonemes == (try japanese.clauses("こんにちは、").first?.phonemes))
        #expect(read[1].clause.phonemes == (try japanese.clauses("せかい。").first?.phonemes))
        #expect(read[2].clause.phonemes == alone[2].phonemes)
        // The English voice names the characters instead of reading them.
        #expect(alone[0].phonemes.contains("dʒˈæpəniːz"))
        #expect(!read[0].clause.phonemes.contains("dʒˈæpəniːz"))
    }

    @Test func latinTextIsExactlyTheFallbacks() throws {
        let text = "No Japanese here, only English; twice. And a third sentence!"
        let read = try detecting.clauses(text)
        #expect(read.map(\.clause) == (try english.clauses(text)))
        #expect(read.allSatisfy { $0.voice == "en-us" })
    }

    @Test func scriptsAreRecognised() {
        #expect(JapaneseScript.isPresent(in: "ひらがな"))
        #expect(JapaneseScript.isPresent(in: "カタカナ"))
        #expect(JapaneseScript.isPresent(in: "ｶﾀｶﾅ"))
        #expect(JapaneseScript.isPresent(in: "漢字"))
        #expect(!JapaneseScript.isPresent(in: "Hello, wörld — ½ 😀"))
        #expect(JapaneseScript.kanjiCount(in: "今日はいい天気") == 4)
        #expect(JapaneseScript.kanjiCount(in: "ひらがな") == 0)
    }
}
