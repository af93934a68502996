import Foundation
import SottoEngines
import Testing

/// Long inputs become several inference calls of bounded size, so memory does not grow with the
/// text: a run of thousands of digits, a word of thousands of letters, a text with no full stop.
@Suite struct PiperLongInputTests {
    static let digits: String = (0..<3_000).map { (index: Int) -> String in String((index * 7 + 3) % 10) }.joined()
    static let word: String = String(decoding: (0..<5_000).map { (index: Int) -> UInt8 in UInt8(97 + (index * 11 + 5) % 26) },
                                     as: UTF8.self)
    static let unstopped = Array(repeating: "and then another clause went on", count: 300).joined(separator: ", ")

    @Test(arguments: [digits, word, unstopped])
    func everyCallStaysWithinTheLimit(_ text: String) throws {
        let frontEnd = try PiperFixtures.joe.get().frontEnd
        let sentences = try frontEnd.sentences(text)
        #expect(sentences.count > 3)
        for sentence in sentences { #expect(sentence.ids.count <= frontEnd.limit, "\(sentence.ids.count) ids") }
        // Nothing is lost in the cutting: the pieces hold every phoneme of the whole.
        let whole = try frontEnd.phonemizer.phonemize(text).filter { !$0.isWhitespace }
        let pieces = sentences.map(\.phonemes).joined().filter { !$0.isWhitespace && !",.;:?!".contains($0) }
        #expect(pieces == whole.filter { !",.;:?!".contains($0) })
    }

    @Test func anOrdinarySentenceIsOneCall() throws {
        let frontEnd = try PiperFixtures.joe.get().frontEnd
        let text = "Text to speech engines turn written words into natural sounding audio, and this sentence is a long one."
        let sentences = try frontEnd.sentences(text)
        #expect(sentences.count == 1)
    }
}
