/// Phonemizes text whose language was not given: each clause written in Japanese script is read
/// by espeak-ng's Japanese voice, every other clause by the default voice.
///
/// The default voice divides the text into clauses first, so sentence and clause boundaries
/// (including 。 and 、) stay where one voice would put them; only the phonemes of the Japanese
/// clauses are replaced. Without a Japanese clause the result is exactly the default voice's.
public struct ScriptDetectingPhonemizer: Sendable {
    public let fallback: Phonemizer
    public let japanese: Phonemizer

    /// The espeak-ng voice that reads clauses in Japanese script.
    public static let japaneseVoice = "ja"

    public init(fallback: Phonemizer) throws(PhonemeError) {
        self.fallback = fallback
        self.japanese = try Phonemizer(voice: Self.japaneseVoice, splitter: fallback.splitter)
    }

    /// The clauses of `text`, each with the voice that read it.
    public func clauses(_ text: String) throws(PhonemeError) -> [(clause: PhonemeClause, voice: String)] {
        var result: [(clause: PhonemeClause, voice: String)] = []
        for var clause in try fallback.clauses(text) {
            guard JapaneseScript.isPresent(in: clause.text) else {
                result.append((clause, fallback.voice))
                continue
            }
            let respoken = try japanese.clauses(clause.text).map(\.phonemes).filter { !$0.isEmpty }
            clause.phonemes = respoken.joined(separator: " ")
            result.append((clause, japanese.voice))
        }
        return result
    }
}
