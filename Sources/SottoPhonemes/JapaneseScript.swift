/// Recognises text written in Japanese script: kana, and the CJK ideographs Japanese writes
/// kanji with.
public enum JapaneseScript {
    /// Whether `text` holds any kana or kanji.
    public static func isPresent<S: StringProtocol>(in text: S) -> Bool {
        text.unicodeScalars.contains { isKana($0) || isKanji($0) }
    }

    /// How many kanji `text` holds. espeak-ng's Japanese reads kana only: it names each kanji
    /// ("Chinese letter") instead of reading it.
    public static func kanjiCount<S: StringProtocol>(in text: S) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isKanji($1) ? 1 : 0) }
    }

    static func isKana(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: true
        default: false
        }
    }

    static func isKanji(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
        default: false
        }
    }
}
