/// Finds which word of the text each phoneme of a spoken phoneme string belongs to.
///
/// espeak-ng does not say where its words came from, and its words are not the text's: it joins
/// unstressed words (`out of the` → `ˌaʊɾəvðə`) and reads one number as several. So each text
/// word is phonemized alone, and the concatenation of those spellings is aligned with the spoken
/// string by edit distance; every spoken phoneme then takes the word of the spelling phoneme it
/// lines up with. Spaces and punctuation belong to no word.
public struct WordAligner: Sendable {
    /// Whether a unit of the spoken string is a separator (space, punctuation), not a phone.
    public var isSeparator: @Sendable (String) -> Bool

    public init(isSeparator: @escaping @Sendable (String) -> Bool) {
        self.isSeparator = isSeparator
    }

    /// For each word, the range of `spoken` indices its phonemes span, or nil when none of
    /// `spoken` lines up with it.
    /// - Parameters:
    ///   - spellings: each word's phonemes when spoken alone, as units.
    ///   - spoken: the phoneme string that was spoken, as units.
    public func spans(spellings: [[String]], spoken: [String]) -> [ClosedRange<Int>?] {
        var reference: [String] = []
        var owner: [Int] = []
        for (word, units) in spellings.enumerated() {
            for unit in units where !isSeparator(unit) {
                reference.append(unit)
                owner.append(word)
            }
        }
        let phones = spoken.indices.filter { !isSeparator(spoken[$0]) }
        let matched = Self.align(phones.map { spoken[$0] }, to: reference)
        // A phone with no counterpart takes its left neighbour's word (else its right one's).
        var words = matched.map { $0.map { owner[$0] } }
        for i in words.indices.dropFirst() where words[i] == nil { words[i] = words[i - 1] }
        for i in words.indices.reversed().dropFirst() where words[i] == nil { words[i] = words[i + 1] }

        var spans = [ClosedRange<Int>?](repeating: nil, count: spellings.count)
        for (position, word) in zip(phones, words) {
            guard let word else { continue }
            spans[word] = spans[word].map { min($0.lowerBound, position)...max($0.upperBound, position) } ?? position...position
        }
        return spans
    }

    /// For each element of `a`, the index of the element of `b` it is matched or substituted
    /// with on a least-cost edit path, or nil where it is an insertion.
    static func align(_ a: [String], to b: [String]) -> [Int?] {
        let n = a.count, m = b.count
        guard n > 0, m > 0 else { return [Int?](repeating: nil, count: n) }
        var cost = [Int](repeating: 0, count: (n + 1) * (m + 1))
        func at(_ i: Int, _ j: Int) -> Int { i * (m + 1) + j }
        for i in 0...n { cost[at(i, 0)] = i }
        for j in 0...m { cost[at(0, j)] = j }
        for i in 1...n {
            for j in 1...m {
                let substitute = cost[at(i - 1, j - 1)] + (a[i - 1] == b[j - 1] ? 0 : 1)
                cost[at(i, j)] = min(substitute, cost[at(i - 1, j)] + 1, cost[at(i, j - 1)] + 1)
            }
        }
        var result = [Int?](repeating: nil, count: n)
        var i = n, j = m
        while i > 0, j > 0 {
            if cost[at(i, j)] == cost[at(i - 1, j - 1)] + (a[i - 1] == b[j - 1] ? 0 : 1) {
                result[i - 1] = j - 1
                i -= 1
                j -= 1
            } else if cost[at(i, j)] == cost[at(i - 1, j)] + 1 {
                i -= 1
            } else {
                j -= 1
            }
        }
        return result
    }
}
