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
public struct PiperFrontEnd: Sendable {
    public let phonemizer: Phonemizer
    public let idMap: PiperPhonemeIDs

    public init(config: PiperConfig) throws {
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
        return clauses.sentences().compactMap { sentence -> PiperSentence? in
            let phonemes = sentence.map { clause in
                let mark = Self.terminatorMark(clause.terminator.kind)
                return clause.phonemes + mark + ([",", ";", ":"].contains(mark) ? " " : "")
            }.joined()
            let (ids, missing) = idMap.ids(for: phonemes)
            guard ids.count > idMap.emptyCount || !missing.isEmpty else { return nil }
            let range = sentence.first!.range.lowerBound ..< sentence.last!.range.upperBound
            return PiperSentence(text: String(text[range]), phonemes: phonemes, ids: ids, missing: missing,
                                 isSpeakable: ids.count > idMap.emptyCount)
        }
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
