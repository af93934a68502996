import Kokoro
import SottoCore
import SottoPhonemes

/// Times each word of a chunk from the durations Kokoro predicted for its ids.
public struct KokoroWordTimer: Sendable {
    public let frontEnd: KokoroFrontEnd

    public init(frontEnd: KokoroFrontEnd) { self.frontEnd = frontEnd }

    /// - Parameters:
    ///   - durations: frames per id, pads included, as the model used them.
    ///   - offset: the samples of the take before this chunk.
    public func words(of chunk: KokoroChunk, durations: [Int], offset: Int) -> [WordTiming] {
        let vocabulary = frontEnd.vocabulary
        let units = chunk.phonemes.unicodeScalars.map { String($0) }
        // Each unit's frames: an id's own; none for a phoneme the vocabulary dropped.
        var starts: [Int] = [], ends: [Int] = []
        var position = durations.first ?? 0
        var id = 1
        for scalar in chunk.phonemes.unicodeScalars {
            starts.append(position)
            if vocabulary.ids[scalar] != nil, id < durations.count {
                position += durations[id]
                id += 1
            }
            ends.append(position)
        }
        let aligner = WordAligner { unit in
            guard let scalar = unit.unicodeScalars.first, let known = vocabulary.ids[scalar] else { return true }
            return KokoroVocabulary.punctuationIDs.contains(known)
        }
        let textWords = TextWord.words(of: chunk.text)
        let spellings = textWords.map { word in
            ((try? frontEnd.spell(word.text)) ?? "").unicodeScalars.map { String($0) }
        }
        let spans = aligner.spans(spellings: spellings, spoken: units)
        let seconds = { (frames: Int) in Double(offset + frames * KokoroModel.samplesPerFrame) / Double(KokoroModel.sampleRate) }
        var previousEnd = seconds(0)
        return zip(textWords, spans).map { word, span in
            guard let span else { return WordTiming(word: word.text, start: previousEnd, end: previousEnd) }
            let timing = WordTiming(word: word.text, start: seconds(starts[span.lowerBound]), end: seconds(ends[span.upperBound]))
            previousEnd = timing.end
            return timing
        }
    }
}
