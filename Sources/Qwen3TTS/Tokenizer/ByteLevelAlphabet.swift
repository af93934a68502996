/// The byte-level BPE alphabet: every byte gets a printable Unicode character so that merges
/// and vocabulary entries are plain strings. Printable Latin-1 bytes stand for themselves; the
/// rest are shifted to U+0100 and up in byte order, as GPT-2-style vocabularies expect.
enum ByteLevelAlphabet {
    static let characterForByte: [Character] = {
        var printable = Set<Int>()
        printable.formUnion(Int(UInt8(ascii: "!")) ... Int(UInt8(ascii: "~")))
        printable.formUnion(0xA1 ... 0xAC)
        printable.formUnion(0xAE ... 0xFF)
        var next = 256
        return (0 ..< 256).map { byte in
            if printable.contains(byte) { return Character(Unicode.Scalar(UInt32(byte))!) }
            defer { next += 1 }
            return Character(Unicode.Scalar(UInt32(next))!)
        }
    }()

    /// The vocabulary string for raw bytes.
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var text = ""
        for byte in bytes { text.append(characterForByte[Int(byte)]) }
        return text
    }
}
