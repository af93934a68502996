import Kokoro
import SottoCore
import SottoEngines
import Testing

@Suite struct KokoroFrontEndTests {
    let frontEnd: KokoroFrontEnd

    init() throws {
        frontEnd = try KokoroFrontEnd()
    }

    @Test func oneChunkPerSentenceWithMappedPhonemes() throws {
        let chunks = try frontEnd.chunks("Hello world. The quick brown fox jumps over the lazy dog, too.")
        #expect(chunks.count == 2)
        #expect(chunks[0].text == "Hello world.")
        #expect(chunks[0].phonemes == "həlˈO wˈɜɹld.")
        #expect(chunks[0].ids == [0, 50, 83, 54, 156, 31, 16, 65, 156, 87, 123, 54, 46, 4, 0])
        #expect(chunks[1].phonemes.hasSuffix(", tˈu."))
        #expect(chunks[1].phonemes.contains("bɹˈWn"))
        #expect(chunks.allSatisfy { $0.dropped.isEmpty })
    }

    @Test func rawEspeakMappingMatchesKokoroOnnx() throws {
        let raw = try KokoroFrontEnd(mapping: .espeak)
        let chunk = try #require(raw.chunks("Hello world.").first)
        #expect(chunk.phonemes == "həlˈoʊ wˈɜːld.")
        #expect(chunk.ids == [0, 50, 83, 54, 156, 57, 135, 16, 65, 156, 87, 158, 54, 46, 4, 0])
    }

    @Test func longSentencesSplitOnClausesUnderTheLimit() throws {
        let small = try KokoroFrontEnd(limit: 60)
        let text = "This sentence goes on, and on, and on for quite a while, with many commas, so that it must be cut somewhere sensible."
        let chunks = try small.chunks(text)
        #expect(chunks.count > 1)
        #expect(chunks.allSatisfy { $0.phonemeCount <= 60 })
        // Every cut falls after a comma: the chunks' texts end in one, except the last.
        for chunk in chunks.dropLast() { #expect(chunk.text.hasSuffix(","), "\(chunk.text)") }
        #expect(chunks.last?.text.hasSuffix("sensible.") == true)
    }

    @Test func hugeTextStaysWithinTheModelLimit() throws {
        let sentence = "Sotto reads this sentence again and again, without pausing for breath, because it was asked to"
        let text = Array(repeating: sentence, count: 220).joined(separator: " ") + "."
        #expect(text.count > 20_000)
        let chunks = try frontEnd.chunks(text)
        #expect(chunks.count > 10)
        #expect(chunks.allSatisfy { $0.phonemeCount <= KokoroModel.maxPhonemes && $0.ids.first == 0 && $0.ids.last == 0 })
    }

    @Test func nothingToSay() throws {
        #expect(try frontEnd.chunks("").isEmpty)
        #expect(try frontEnd.chunks("   \n ").isEmpty)
        #expect(try frontEnd.chunks("?!... ,;").isEmpty)
    }
}

/// Kokoro given no language reads each clause in the language its script shows.
@Suite struct KokoroScriptDetectionTests {
    @Test func japaneseSentencesAreReadAsJapaneseAndEnglishAsEnglish() throws {
        let byScript = try KokoroFrontEnd(language: nil)
        let japanese = try KokoroFrontEnd(language: "ja")
        let english = try KokoroFrontEnd(language: "en-us")
        let chunks = try byScript.chunks("こんにちは。Hello world.")
        #expect(chunks.count == 2)
        #expect(chunks[0] == (try japanese.chunks("こんにちは。").first))
        #expect(chunks[1].phonemes == (try english.chunks("Hello world.").first?.phonemes))
        #expect(chunks[1].phonemes == "həlˈO wˈɜɹld.")
    }

    @Test func englishTextIsUnchangedWithoutALanguage() throws {
        let text = "The quick brown fox, as ever, jumps over the lazy dog. Twice!"
        #expect(try KokoroFrontEnd(language: nil).chunks(text) == KokoroFrontEnd(language: "en-us").chunks(text))
    }
}
