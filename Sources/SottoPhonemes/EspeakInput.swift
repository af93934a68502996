/// A text as espeak-ng reads it: NUL-terminated UTF-8 in which every byte offset and every
/// character boundary is the same as in the Swift string, so the position espeak-ng stops at
/// maps straight back to the text.
struct EspeakInput {
    /// The text's UTF-8 bytes followed by a NUL.
    let bytes: [UInt8]
    /// The number of text bytes, without the NUL.
    var count: Int { bytes.count - 1 }

    /// Control characters are replaced by characters of the same UTF-8 length: an embedded NUL
    /// would end the C string early, and espeak-ng may read other controls as commands.
    /// Tab, line feed and carriage return stay, because blank lines mark paragraphs.
    ///
    /// A run of more than `longestWord` ASCII letters and digits is cut by a space every
    /// `longestWord` of them: espeak-ng 1.51 overflows a stack buffer on some such runs (found by
    /// fuzzing: "e.g. " followed by 200 letters or digits aborts espeak-ng itself), and no word
    /// is that long; a longer number is read digit by digit either way.
    init(_ text: String) {
        var bytes = Array(text.utf8)
        var index = 0
        var letters = 0
        while index < bytes.count {
            let byte = bytes[index]
            let isLetter = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
            letters = isLetter ? letters + 1 : 0
            if letters > Self.longestWord {
                bytes[index] = 0x20
                letters = 0
            }
            switch byte {
            case 0x09, 0x0A, 0x0D:
                break
            case 0x00..<0x20, 0x7F:
                bytes[index] = 0x20
            case 0xC2 where index + 1 < bytes.count && (0x80..<0xA0).contains(bytes[index + 1]):
                // A C1 control becomes a no-break space, also two bytes long.
                bytes[index + 1] = 0xA0
                index += 1
            default:
                break
            }
            index += 1
        }
        bytes.append(0)
        self.bytes = bytes
    }

    static let longestWord = 100

    /// The byte length of the character that ends at `offset`, found by stepping back over
    /// UTF-8 continuation bytes.
    func lengthOfScalar(endingAt offset: Int) -> Int {
        var start = offset - 1
        while start > 0 && bytes[start] & 0xC0 == 0x80 {
            start -= 1
        }
        return offset - start
    }
}
