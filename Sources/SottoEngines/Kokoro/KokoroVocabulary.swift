import Foundation
import SottoCore

/// Kokoro's phoneme vocabulary: one id per Unicode scalar (punctuation, IPA letters, misaki's
/// single-letter diphthongs such as `A` = eɪ and `O` = oʊ). Id 0 is the pad placed around every
/// sequence. Read from the model's `vocab.json` when there is one, else the v1.0 table.
public struct KokoroVocabulary: Sendable {
    public let ids: [Unicode.Scalar: Int]
    public static let pad = 0
    /// Ids of punctuation and the word space, which carry no sound of their own.
    public static let punctuationIDs: Set<Int> = Set(1...16)

    public init(ids: [Unicode.Scalar: Int]) {
        self.ids = ids
    }

    /// Reads `{"vocab": {"a": 43, …}}`.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let table = object["vocab"] as? [String: Any] else {
            throw SottoError("\(url.lastPathComponent) has no \"vocab\" table")
        }
        var ids: [Unicode.Scalar: Int] = [:]
        for (key, value) in table {
            guard let id = (value as? NSNumber)?.intValue, key.unicodeScalars.count == 1, let scalar = key.unicodeScalars.first else {
                throw SottoError("\(url.lastPathComponent): entry \(key.debugDescription) is not one symbol with an integer id")
            }
            ids[scalar] = id
        }
        self.ids = ids
    }

    /// Ids for `phonemes` wrapped in pads, and the symbols the model does not know (left out).
    public func encode(_ phonemes: String) -> (ids: [Int], dropped: [Unicode.Scalar]) {
        var result = [Self.pad]
        var dropped: [Unicode.Scalar] = []
        for scalar in phonemes.unicodeScalars {
            if let id = ids[scalar] { result.append(id) } else { dropped.append(scalar) }
        }
        result.append(Self.pad)
        return (result, dropped)
    }

    /// Phoneme tokens (pads excluded) `phonemes` encodes to.
    public func count(_ phonemes: String) -> Int {
        phonemes.unicodeScalars.reduce(0) { $0 + (ids[$1] == nil ? 0 : 1) }
    }

    /// Kokoro v1.0's table (the same as its `vocab.json` and kokoro-onnx's config).
    public static let v1: KokoroVocabulary = {
        let symbols: [(String, Int)] = [
            (";", 1), (":", 2), (",", 3), (".", 4), ("!", 5), ("?", 6), ("—", 9), ("…", 10), ("\"", 11), ("(", 12),
            (")", 13), ("“", 14), ("”", 15), (" ", 16), ("\u{303}", 17), ("ʣ", 18), ("ʥ", 19), ("ʦ", 20), ("ʨ", 21),
            ("ᵝ", 22), ("ꭧ", 23), ("A", 24), ("I", 25), ("O", 31), ("Q", 33), ("S", 35), ("T", 36), ("W", 39),
            ("Y", 41), ("ᵊ", 42), ("a", 43), ("b", 44), ("c", 45), ("d", 46), ("e", 47), ("f", 48), ("h", 50),
            ("i", 51), ("j", 52), ("k", 53), ("l", 54), ("m", 55), ("n", 56), ("o", 57), ("p", 58), ("q", 59),
            ("r", 60), ("s", 61), ("t", 62), ("u", 63), ("v", 64), ("w", 65), ("x", 66), ("y", 67), ("z", 68),
            ("ɑ", 69), ("ɐ", 70), ("ɒ", 71), ("æ", 72), ("β", 75), ("ɔ", 76), ("ɕ", 77), ("ç", 78), ("ɖ", 80),
            ("ð", 81), ("ʤ", 82), ("ə", 83), ("ɚ", 85), ("ɛ", 86), ("ɜ", 87), ("ɟ", 90), ("ɡ", 92), ("ɥ", 99),
            ("ɨ", 101), ("ɪ", 102), ("ʝ", 103), ("ɯ", 110), ("ɰ", 111), ("ŋ", 112), ("ɳ", 113), ("ɲ", 114),
            ("ɴ", 115), ("ø", 116), ("ɸ", 118), ("θ", 119), ("œ", 120), ("ɹ", 123), ("ɾ", 125), ("ɻ", 126),
            ("ʁ", 128), ("ɽ", 129), ("ʂ", 130), ("ʃ", 131), ("ʈ", 132), ("ʧ", 133), ("ʊ", 135), ("ʋ", 136),
            ("ʌ", 138), ("ɣ", 139), ("ɤ", 140), ("χ", 142), ("ʎ", 143), ("ʒ", 147), ("ʔ", 148), ("ˈ", 156),
            ("ˌ", 157), ("ː", 158), ("ʰ", 162), ("ʲ", 164), ("↓", 169), ("→", 171), ("↗", 172), ("↘", 173),
            ("ᵻ", 177),
        ]
        return KokoroVocabulary(ids: Dictionary(uniqueKeysWithValues: symbols.map { ($0.0.unicodeScalars.first!, $0.1) }))
    }()
}
