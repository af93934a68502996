import Foundation
import SottoPhonemes
import Testing

@Suite struct WordAlignerTests {
    let english = try! Phonemizer(voice: "en-us")
    let aligner = WordAligner { unit in unit == " " || ",.!?;:".contains(unit) }

    func units(_ phonemes: String) -> [String] { phonemes.unicodeScalars.map { String($0) } }

    @Test func textWordsKeepContractionsNumbersAndJapaneseRuns() {
        #expect(TextWord.words(of: "Hello, world. Don't stop!").map(\.text) == ["Hello", "world", "Don't", "stop"])
        #expect(TextWord.words(of: "At 7:45, 1,250 well-known people.").map(\.text) == ["At", "7:45", "1,250", "well-known", "people"])
        #expect(TextWord.words(of: "こんにちは、せかい。").map(\.text) == ["こんにちは", "せかい"])
        #expect(TextWord.words(of: "— 😀 ...").isEmpty)
        let text = "end."
        #expect(TextWord.words(of: text).first?.range == text.startIndex..<text.index(text.startIndex, offsetBy: 3))
    }

    /// espeak-ng joins "out of the" into one phoneme word; each text word still gets its own
    /// stretch, in order, and together they cover every phone.
    @Test func wordsEspeakJoinsAreSplitApart() throws {
        let words = ["out", "of", "the", "box"]
        let spoken = units(try english.phonemize("out of the box", punctuation: .basic))
        #expect(spoken.split(separator: " ").count < words.count, "espeak-ng no longer joins these words")
        let spellings = try words.map { units(try english.phonemize($0, punctuation: .basic)) }
        let spans = aligner.spans(spellings: spellings, spoken: spoken)
        let found = try spans.map { try #require($0) }
        for (a, b) in zip(found, found.dropFirst()) { #expect(a.upperBound < b.lowerBound) }
        let phones = spoken.indices.filter { spoken[$0] != " " }
        #expect(found.first?.lowerBound == phones.first && found.last?.upperBound == phones.last)
        // "box" is the last phoneme word on its own.
        let box = try #require(spans[3])
        #expect(spoken[box].joined() == (spoken.split(separator: " ").last.map { $0.joined() })?.trimmingCharacters(in: .punctuationCharacters))
    }

    /// A number read as several words stays one text word.
    @Test func aNumberSpansAllTheWordsItIsReadAs() throws {
        let spoken = units(try english.phonemize("I have 1,250 cats", punctuation: .basic))
        let words = ["I", "have", "1,250", "cats"]
        let spellings = try words.map { units(try english.phonemize($0, punctuation: .basic)) }
        let spans = aligner.spans(spellings: spellings, spoken: spoken)
        let number = try #require(spans[2])
        #expect(spoken[number].filter { $0 == " " }.count >= 3)
        #expect(spoken[try #require(spans[3])].joined() == spoken.split(separator: " ").last.map { $0.joined() }?.trimmingCharacters(in: .punctuationCharacters))
    }

    @Test func alignmentFollowsTheLeastEditPath() {
        let spans = aligner.spans(spellings: [["a", "b"], ["c", "d"]], spoken: ["a", "x", " ", "c", "d", "e"])
        #expect(spans == [0...1, 3...5])
        #expect(aligner.spans(spellings: [["a"], []], spoken: ["a"]) == [0...0, nil])
    }
}
