import Foundation
import Piper
import SottoCore
import SottoPhonemes

/// One inference call's worth of text: a sentence, its phonemes and the ids the model receives.
public struct PiperSentence: Sendable, Equatable {
    public var text: String
    public var phonemes: String
    public var ids: [Int]
    /// Phonemes the voice has no id for (left out of `ids`).
    public var missing: [String]
    /// False when no phoneme of the sentence is known to the voice (its ids are boundaries only).
    public var isSpeakable: Bool
}

/// Text to Piper ids: espeak-ng with the voice's `espeak.voice`, one entry per sentence, each
/// clause's phonemes followed by its terminator as piper's espeak-ng bridge reports it (one of
/// `. ? ! , ; :` or nothing), with a space after `, ; :`; then `PiperPhonemeIDs`.
///
/// Piper's bridge gives an ellipsis no terminator and a dash `;`, and joins a clause that has no
/// terminator straight onto the next one; this does the same so that the ids match. Sentences
/// end where Sotto's splitter ends them, which knows abbreviations ("Dr. Smith") that piper's
/// splits after.
///
/// A sentence longer than `limit` ids (a run of thousands of digits, a word of thousands of
/// letters, a text without full stops) is cut into several inference calls, between clauses
/// where it can, else between words, else between characters, so that the memory a call takes
/// stays that of an ordinary sentence however long the text is.
public struct PiperFrontEnd: Sendable {
    public let phonemizer: Phonemizer
    public let idMap: PiperPhonemeIDs
    /// The most ids one inference call receives (a long sentence is about 250).
    public let limit: Int

    public static let defaultLimit = 400

    public init(config: PiperConfig, limit: Int = defaultLimit) throws {
        self.limit = limit
        if let type = config.phonemeType, type != "espeak" {
            throw SottoError("this voice reads '\(type)' phonemes; Sotto's Piper front end speaks only espeak voices")
        }
        do {
            phonemizer = try Phonemizer(voice: config.espeak.voice)
        } catch {
            throw SottoError("the voice's espeak-ng voice '\(config.espeak.voice)' cannot be used: \(error)")
        }
        idMap = PiperPhonemeIDs(config: config)
    }

    /// The sentences of `text` with their ids (including any with nothing the voice can say,
    /// so that their missing phonemes can be reported).
    public func sentences(_ text: String) throws -> [PiperSentence] {
        let clauses: [PhonemeClause]
        do {
            clauses = try phonemizer.clauses(text)
        } catch {
            throw SottoError("phonemization failed: \(error)")
        }
        return clauses.sentences().flatMap { sentence -> [PiperSentence] in
            let rendered = sentence.map { clause in
                let mark = Self.terminatorMark(clause.terminator.kind)
                return clause.phonemes + mark + ([",", ";", ":"].contains(mark) ? " " : "")
            }
            let range = sentence.first!.range.lowerBound ..< sentence.last!.range.upperBound
            return pieces(of: rendered).compactMap { phonemes -> PiperSentence? in
                let (ids, missing) = idMap.ids(for: phonemes)
                guard ids.count > idMap.emptyCount || !missing.isEmpty else { return nil }
                return PiperSentence(text: String(text[range]), phonemes: phonemes, ids: ids, missing: missing,
                                     isSpeakable: ids.count > idMap.emptyCount)
            }
        }
    }

    /// A sentence's phonemes (given clause by clause) as one piece when its ids fit `limit`,
    /// else cut by `ChunkPacker` at clauses, words or characters.
    func pieces(of clauses: [String]) -> [String] {
        let phonemes = clauses.joined()
        guard idMap.ids(for: phonemes).ids.count > limit else { return [phonemes] }
        var ranges: [Range<String.Index>] = []
        var start = phonemes.startIndex
        for clause in clauses {
            let end = phonemes.index(start, offsetBy: clause.count)
            if start < end { ranges.append(start..<end) }
            start = end
        }
        return ChunkPacker(limit: limit).pack(phonemes, clauses: ranges) { idMap.ids(for: String($0)).ids.count }
            .map { $0.text.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The mark piper's espeak-ng bridge reports for a clause ending.
    public static func terminatorMark(_ kind: ClauseTerminator.Kind) -> String {
        switch kind {
        case .none, .ellipsis: return ""
        case .comma: return ","
        case .period: return "."
        case .question: return "?"
        case .exclamation: return "!"
        case .semicolon, .dash: return ";"
        case .colon: return ":"
        }
    }
}
