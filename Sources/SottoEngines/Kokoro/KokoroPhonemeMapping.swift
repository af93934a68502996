/// How espeak-ng's IPA is turned into the phoneme set Kokoro was trained on.
///
/// Kokoro v1.0 learned from misaki, whose English front end writes diphthongs and affricates as
/// single symbols (`eɪ`→`A`, `oʊ`→`O`, `dʒ`→`ʤ`), drops US length marks, spells r-coloured
/// vowels as `əɹ`/`ɜɹ`, marks syllabic consonants with `ᵊ`, and writes flaps and glottal stops
/// as `T` and `t`. kokoro-onnx feeds raw espeak output instead (two tokens for a diphthong,
/// length marks the model never saw after US vowels).
public enum KokoroPhonemeMapping: String, Sendable, CaseIterable {
    /// misaki's espeak rewrite (its `EspeakFallback` rules, for untied espeak output).
    case misaki
    /// Raw espeak-ng symbols, filtered by the vocabulary only (what kokoro-onnx sends).
    case espeak

    /// Rewrites an espeak-ng phoneme string. `british` selects misaki's en-GB variant.
    public func apply(_ phonemes: String, british: Bool = false) -> String {
        guard self == .misaki else { return phonemes }
        var s = phonemes
        // Longest patterns first, as misaki orders its table.
        for (old, new) in Self.common { s = s.replacingOccurrences(of: old, with: new) }
        s = Self.markSyllabic(s)
        for (old, new) in british ? Self.british : Self.american { s = s.replacingOccurrences(of: old, with: new) }
        // Older espeak data writes a bare `o`; Kokoro's English has only `ɔ` and `O`.
        s = s.replacingOccurrences(of: "o", with: "ɔ")
        s = s.replacingOccurrences(of: "ɾ", with: "T").replacingOccurrences(of: "ʔ", with: "t")
        return s
    }

    static let syllabicMark: Unicode.Scalar = "\u{329}"

    static let common: [(String, String)] = [
        ("ʔˌn\u{329}", "ʔn"), ("ʔn\u{329}", "ʔn"),
        ("aɪ", "I"), ("aʊ", "W"), ("dʒ", "ʤ"), ("eɪ", "A"), ("tʃ", "ʧ"), ("ɔɪ", "Y"), ("ʲo", "jo"), ("ʲə", "jə"),
        ("e", "A"), ("ʲ", ""), ("ɚ", "əɹ"), ("r", "ɹ"), ("x", "k"), ("ç", "k"), ("ɐ", "ə"), ("ɬ", "l"), ("\u{303}", ""),
    ]
    static let american: [(String, String)] = [
        ("oʊ", "O"), ("ɜːɹ", "ɜɹ"), ("ɜː", "ɜɹ"), ("ɪə", "iə"), ("ː", ""),
    ]
    static let british: [(String, String)] = [
        ("eə", "ɛː"), ("iə", "ɪə"), ("əʊ", "Q"),
    ]

    /// `n̩` → `ᵊn`: a syllabic consonant becomes a reduced vowel before it.
    static func markSyllabic(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in s.unicodeScalars {
            if scalar == syllabicMark {
                if let p = previous, !p.properties.isWhitespace {
                    out.removeLast()
                    out.append("ᵊ")
                    out.append(p)
                }
                previous = nil
                continue
            }
            out.append(scalar)
            previous = scalar
        }
        return String(out)
    }
}
