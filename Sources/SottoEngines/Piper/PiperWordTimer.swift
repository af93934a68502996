import Piper
import SottoCore
import SottoPhonemes

/// Times each word of a sentence from the frames Piper predicted for its ids.
public struct PiperWordTimer: Sendable {
    public let frontEnd: PiperFrontEnd
    /// Audio samples per predicted frame.
    public let hopLength: Int
    public let sampleRate: Int

    public init(frontEnd: PiperFrontEnd, hopLength: Int, sampleRate: Int) {
        self.frontEnd = frontEnd
        self.hopLength = hopLength
        self.sampleRate = sampleRate
    }

    /// - Parameters:
    ///   - frames: frames per id, as the model used them.
    ///   - offset: the samples of the take before this sentence.
    /// - Returns: the words whose phonemes this sentence speaks (a sentence cut into several
    ///   inference calls speaks some of its words in each).
    public func words(of sentence: PiperSentence, frames: [Int], offset: Int) -> [WordTiming] {
        let idMap = frontEnd.idMap
        let units = idMap.phonemes(sentence.phonemes)
        // Each unit's frames: its ids' and the pad after them; none for a unit the voice lacks.
        var starts: [Int] = [], ends: [Int] = []
        var id = idMap.leadingCount
        var position = frames.prefix(id).reduce(0, +)
        for unit in units {
            starts.append(position)
            let count = idMap.idCount(of: unit)
            if count > 0, id + count <= frames.count {
                position += frames[id ..< id + count].reduce(0, +)
                id += count
            }
            ends.append(position)
        }
        let aligner = WordAligner { unit in
            unit.unicodeScalars.allSatisfy { $0.properties.isWhitespace || ",.!?;:".unicodeScalars.contains($0) }
        }
        let textWords = TextWord.words(of: sentence.text)
        let spellings = textWords.map { word -> [String] in
            let clauses = (try? frontEnd.phonemizer.clauses(word.text)) ?? []
            return idMap.phonemes(clauses.map(\.phonemes).joined(separator: " "))
        }
        let spans = aligner.spans(spellings: spellings, spoken: units)
        let seconds = { (frames: Int) in Double(offset + frames * hopLength) / Double(sampleRate) }
        return zip(textWords, spans).compactMap { word, span in
            span.map { WordTiming(word: word.text, start: seconds(starts[$0.lowerBound]), end: seconds(ends[$0.upperBound])) }
        }
    }
}
