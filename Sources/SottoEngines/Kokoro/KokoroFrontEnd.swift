import Kokoro
import SottoCore
import SottoPhonemes

/// One inference call's input: the text it speaks, its phonemes after mapping, and the ids.
public struct KokoroChunk: Sendable, Equatable {
    public var text: String
    public var phonemes: String
    /// Pads included: `[0, …, 0]`.
    public var ids: [Int]
    /// Phoneme symbols the vocabulary does not have (left out of `ids`).
    public var dropped: [Unicode.Scalar]

    /// Phoneme tokens without the pads; picks the voice's style row.
    public var phonemeCount: Int { ids.count - 2 }
}

/// Text → sentences → espeak-ng IPA → Kokoro phonemes → chunks of at most 510 tokens.
///
/// Each sentence is one chunk when it fits, so the first audio arrives after the first
/// sentence; a longer sentence is packed clause by clause (and a clause that alone exceeds the
/// limit is cut between words). Chunks never span sentences: Kokoro was trained on single
/// utterances, and short chunks keep time to first audio low.
public struct KokoroFrontEnd: Sendable {
    public let phonemizer: Phonemizer
    /// Present when no language was given: clauses in Japanese script are then read in
    /// Japanese and the rest in American English.
    public let scriptDetection: ScriptDetectingPhonemizer?
    public let vocabulary: KokoroVocabulary
    public let mapping: KokoroPhonemeMapping
    public let limit: Int

    /// The language Latin-script text is read in when none is given.
    public static let defaultLanguage = "en-us"

    /// - Parameter language: an espeak-ng language for all the text, or nil to choose per
    ///   clause by its script.
    public init(language: String? = defaultLanguage, vocabulary: KokoroVocabulary = .v1,
                mapping: KokoroPhonemeMapping = .misaki, limit: Int = KokoroModel.maxPhonemes) throws {
        let voice = language ?? Self.defaultLanguage
        do {
            phonemizer = try Phonemizer(voice: voice)
            scriptDetection = language == nil ? try ScriptDetectingPhonemizer(fallback: phonemizer) : nil
        } catch {
            throw SottoError("espeak-ng has no voice for the language '\(voice)'", hint: "\(error)")
        }
        self.vocabulary = vocabulary
        self.mapping = mapping
        self.limit = limit
    }

    var british: Bool { phonemizer.voice.lowercased().hasPrefix("en-gb") }
    var english: Bool { phonemizer.voice.lowercased().hasPrefix("en") }

    /// The mapped phoneme string for espeak output (misaki folding only applies to English).
    public func map(_ espeak: String) -> String {
        Self.joiningSpaces(english ? mapping.apply(espeak, british: british) : espeak)
    }

    /// Runs of spaces become one, as kokoro-onnx and misaki join words.
    static func joiningSpaces(_ phonemes: String) -> String {
        phonemes.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    public func chunks(_ text: String) throws -> [KokoroChunk] {
        let (clauses, mapped) = try phonemized(text)
        let finish: (String) -> String = { mapped ? Self.joiningSpaces($0) : map($0) }
        let packer = ChunkPacker(limit: limit)
        var chunks: [KokoroChunk] = []
        for sentence in clauses.sentences() {
            let members = Array(sentence)
            for packed in packer.pack(members, punctuation: .full, measure: { vocabulary.count(finish($0)) }) {
                let phonemes = finish(packed.phonemes)
                let (ids, dropped) = vocabulary.encode(phonemes)
                // A chunk of punctuation alone has nothing to say.
                guard ids.dropFirst().dropLast().contains(where: { !KokoroVocabulary.punctuationIDs.contains($0) }) else { continue }
                chunks.append(KokoroChunk(text: String(text[packed.range]), phonemes: phonemes, ids: ids, dropped: dropped))
            }
        }
        return chunks
    }

    /// The text's clauses, and whether their phonemes are already mapped. Text in one language
    /// is mapped after packing, as it always was; text whose clauses were read by different
    /// voices is mapped clause by clause, since the English folding must not touch Japanese.
    private func phonemized(_ text: String) throws -> (clauses: [PhonemeClause], mapped: Bool) {
        do {
            guard let scriptDetection, JapaneseScript.isPresent(in: text) else {
                return (try phonemizer.clauses(text), false)
            }
            let clauses = try scriptDetection.clauses(text).map { clause, voice in
                var clause = clause
                if voice == phonemizer.voice { clause.phonemes = map(clause.phonemes) }
                return clause
            }
            return (clauses, true)
        } catch {
            throw SottoError("espeak-ng could not phonemize the text", hint: "\(error)")
        }
    }

    /// `word`'s phonemes when it is spoken alone, mapped as a chunk's are, without punctuation.
    public func spell(_ word: String) throws -> String {
        let (clauses, mapped) = try phonemized(word)
        return Self.joiningSpaces(clauses.map { mapped ? $0.phonemes : map($0.phonemes) }.joined(separator: " "))
    }
}
