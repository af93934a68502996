import Foundation

/// What `/` filters a list by: every space-separated word must appear in the row, in any case
/// and ignoring accents, so "jf al" finds jf_alpha and "ryan eng" a speaker with its language.
public struct FilterQuery: Equatable, Sendable {
    public let text: String
    private let words: [String]

    public init(_ text: String) {
        self.text = text
        words = text.split(separator: " ").map { Self.fold(String($0)) }
    }

    public var isEmpty: Bool { words.isEmpty }

    public func matches(_ fields: [String]) -> Bool {
        guard !words.isEmpty else { return true }
        let haystack = Self.fold(fields.joined(separator: " "))
        return words.allSatisfy { haystack.contains($0) }
    }

    /// Lower case, accents removed (decomposed, combining marks dropped).
    static func fold(_ text: String) -> String {
        let scalars = text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars.filter {
            $0.properties.generalCategory != .nonspacingMark
        }
        return String(String.UnicodeScalarView(scalars))
    }
}
