import Foundation

/// Reads a `vocab.json` (one flat JSON object of token → id) straight into one dictionary.
///
/// Foundation's decoders build an intermediate map and box every key before the dictionary
/// exists: for Qwen3's 151,643 tokens (2.8 MB) the address space grew by about 50 MB. This
/// reader reserves the dictionary once and keeps only it (about 6 MB), which also makes the room
/// a memory limit must leave predictable.
public enum VocabularyFile {
    /// The map in `data`, or nil when it is not a JSON object of strings to integers.
    public static func parse(_ data: Data) -> [String: Int]? {
        data.withUnsafeBytes { raw in
            var reader = Reader(bytes: raw.bindMemory(to: UInt8.self))
            // About 18 bytes per entry in Qwen's file; a guess too small only costs a regrowth.
            return reader.object(expectedCount: data.count / 16)
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func object(expectedCount: Int) -> [String: Int]? {
            var map: [String: Int] = [:]
            map.reserveCapacity(expectedCount)
            guard take(UInt8(ascii: "{")) else { return nil }
            if take(UInt8(ascii: "}")) { return atEnd() ? map : nil }
            repeat {
                guard take(UInt8(ascii: "\"")), let key = string(), take(UInt8(ascii: ":")), let id = integer() else { return nil }
                map[key] = id
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) && atEnd() ? map : nil
        }

        /// Skips blanks, then consumes `byte` if it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            skipBlanks()
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        mutating func atEnd() -> Bool {
            skipBlanks()
            return at == bytes.count
        }

        mutating func skipBlanks() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func integer() -> Int? {
            skipBlanks()
            let negative = at < bytes.count && bytes[at] == UInt8(ascii: "-")
            if negative { at += 1 }
            var value = 0, digits = 0
            while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39, digits < 18 {
                value = value * 10 + Int(bytes[at] - 0x30)
                at += 1
                digits += 1
            }
            return digits > 0 ? (negative ? -value : value) : nil
        }

        /// The string after an opening quote, up to and past its closing quote.
        mutating func string() -> String? {
            let start = at
            // Most tokens have no escapes: read them in place.
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") { at += 1 }
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: "\"") {
                defer { at += 1 }
                return String(validating: UnsafeBufferPointer(rebasing: bytes[start ..< at]), as: UTF8.self)
            }
            var utf8 = Array(bytes[start ..< at])
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""): return String(validating: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { return nil }
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        utf8.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                default: utf8.append(byte)
                }
            }
            return nil
        }

        /// The scalar of `\uXXXX` (after the `u`), joining a surrogate pair written as two escapes.
        mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let high = hexQuad() else { return nil }
            if (0xD800 ..< 0xDC00).contains(high) {
                guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { return nil }
                at += 2
                guard let low = hexQuad(), (0xDC00 ..< 0xE000).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            }
            return Unicode.Scalar(high)
        }

        mutating func hexQuad() -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0 ..< 4 {
                guard let digit = Character(Unicode.Scalar(bytes[at])).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
                at += 1
            }
            return value
        }
    }
}
