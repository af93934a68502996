import Foundation

/// A take's words with their timings, grouped into cues a reader can follow, and rendered as a
/// caption file.
public struct Captions: Sendable, Equatable {
    /// One caption on screen: consecutive words of one chunk (a sentence, or part of one).
    public struct Cue: Sendable, Equatable {
        public var words: [WordTiming]
        public var start: Double { words.first?.start ?? 0 }
        public var end: Double { words.last?.end ?? 0 }
        public var text: String { words.map(\.word).joined(separator: " ") }
    }

    /// Words grouped by the chunk that spoke them.
    public private(set) var chunks: [[WordTiming]] = []

    /// A cue holds at most this many characters, the width subtitle guidelines use for a line.
    public static let cueCharacters = 42
    /// A pause longer than this starts a new cue.
    public static let cuePause = 0.6

    public init() {}

    public mutating func append(chunkWords words: [WordTiming]) {
        if !words.isEmpty { chunks.append(words) }
    }

    public var words: [WordTiming] { chunks.flatMap { $0 } }
    public var isEmpty: Bool { chunks.isEmpty }

    /// Cues never span chunks; within one, a cue ends before it would exceed `cueCharacters`
    /// or at a pause longer than `cuePause`.
    public var cues: [Cue] {
        var cues: [Cue] = []
        for chunk in chunks {
            var current: [WordTiming] = []
            var length = 0
            for word in chunk {
                let pause = current.last.map { word.start - $0.end } ?? 0
                if !current.isEmpty && (length + 1 + word.word.count > Self.cueCharacters || pause > Self.cuePause) {
                    cues.append(Cue(words: current))
                    current = []
                    length = 0
                }
                length += (current.isEmpty ? 0 : 1) + word.word.count
                current.append(word)
            }
            if !current.isEmpty { cues.append(Cue(words: current)) }
        }
        return cues
    }

    public func rendered(_ format: CaptionFormat) throws -> String {
        switch format {
        case .srt:
            return cues.enumerated().map { number, cue in
                "\(number + 1)\n\(Self.clock(cue.start, separator: ",")) --> \(Self.clock(cue.end, separator: ","))\n\(cue.text)\n"
            }.joined(separator: "\n")
        case .vtt:
            let body = cues.map { cue in
                // Each word after the first carries the time it starts (WebVTT cue timestamps).
                let text = cue.words.enumerated().map { index, word in
                    index == 0 ? word.word : "<\(Self.clock(word.start, separator: "."))>\(word.word)"
                }.joined(separator: " ")
                return "\(Self.clock(cue.start, separator: ".")) --> \(Self.clock(cue.end, separator: "."))\n\(text)\n"
            }
            return (["WEBVTT\n"] + body).joined(separator: "\n")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let rounded = words.map { WordTiming(word: $0.word, start: Self.millis($0.start), end: Self.millis($0.end)) }
            return String(decoding: try encoder.encode(["words": rounded]), as: UTF8.self) + "\n"
        }
    }

    static func millis(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    /// `hh:mm:ss,mmm` (SubRip) or `hh:mm:ss.mmm` (WebVTT).
    static func clock(_ seconds: Double, separator: String) -> String {
        let total = Int((max(0, seconds) * 1000).rounded())
        let (h, m, s, ms) = (total / 3_600_000, total / 60_000 % 60, total / 1000 % 60, total % 1000)
        return String(format: "%02d:%02d:%02d", h, m, s) + separator + String(format: "%03d", ms)
    }
}
