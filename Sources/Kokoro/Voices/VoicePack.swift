import Foundation
import SottoCore

/// Kokoro voices: NumPy archives (`voices_ja.npz`, kokoro-onnx's `voices-v1.0.bin`) of
/// `[510, 1, 256]` style tables, one row per phoneme count.
public struct VoicePack: Sendable {
    /// Style tables by voice name, each `rows × 256` floats.
    public let voices: [String: [Float]]
    public let rows: Int

    /// Reads every pack in `urls`; a name in a later pack replaces the same name in an earlier one.
    public init(contentsOf urls: [URL]) throws {
        var voices: [String: [Float]] = [:]
        var rows = KokoroModel.maxPhonemes
        for url in urls {
            let archive = try ZipArchive(url)
            for name in archive.numpyArrayNames() {
                let array = try archive.numpyArray(named: name)
                guard array.shape.last == KokoroModel.styleWidth, array.count % KokoroModel.styleWidth == 0,
                      array.count >= KokoroModel.styleWidth else {
                    throw SottoError("\(url.lastPathComponent): voice \(name) has shape \(array.shape), expected [510, 1, 256]")
                }
                rows = min(rows, array.count / KokoroModel.styleWidth)
                voices[name] = array.values
            }
        }
        guard !voices.isEmpty else { throw SottoError("no Kokoro voices found in \(urls.map(\.lastPathComponent).joined(separator: ", "))") }
        self.voices = voices
        self.rows = rows
    }

    public init(voices: [String: [Float]]) {
        self.voices = voices
        self.rows = voices.values.map { $0.count / KokoroModel.styleWidth }.min() ?? 0
    }

    public var names: [String] { voices.keys.sorted() }

    /// The style vector for `phonemes` tokens (pads excluded): row `phonemes − 1`, as kokoro-onnx
    /// and the reference pipeline index it, blended over `mix` (weights normalised to sum 1).
    public func style(_ mix: VoiceMix, phonemes: Int) throws -> [Float] {
        let width = KokoroModel.styleWidth
        let row = max(0, min(phonemes, rows) - 1)
        let total = mix.parts.reduce(0) { $0 + $1.weight }
        guard total > 0 else { throw SottoError("voice weights must add up to more than zero") }
        var style = [Float](repeating: 0, count: width)
        for part in mix.parts {
            guard let table = voices[part.name] else {
                throw SottoError("unknown Kokoro voice '\(part.name)'", hint: "available: \(names.joined(separator: ", "))")
            }
            let w = Float(part.weight / total)
            for i in 0..<width { style[i] += w * table[row * width + i] }
        }
        return style
    }
}

/// One voice or a weighted blend of several: `jf_alpha`, `jf_alpha:0.7,jm_kumo:0.3`.
public struct VoiceMix: Sendable, Equatable, CustomStringConvertible {
    public var parts: [(name: String, weight: Double)]

    public init(_ name: String) { parts = [(name, 1)] }

    public init(parts: [(name: String, weight: Double)]) { self.parts = parts }

    /// Parses `name[:weight][,name[:weight]]…`; a missing weight is 1.
    public init(parsing text: String) throws {
        var parts: [(name: String, weight: Double)] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = item.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (1...2).contains(pieces.count), !pieces[0].isEmpty else {
                throw SottoError("cannot read the voice '\(text)'", hint: "write a voice name or a blend such as jf_alpha:0.7,jm_kumo:0.3")
            }
            var weight = 1.0
            if pieces.count == 2 {
                guard let w = Double(pieces[1]), w.isFinite, w >= 0 else {
                    throw SottoError("voice weight '\(pieces[1])' in '\(text)' is not a non-negative number")
                }
                weight = w
            }
            parts.append((pieces[0], weight))
        }
        guard parts.contains(where: { $0.weight > 0 }) else {
            throw SottoError("the voice blend '\(text)' gives every voice weight zero")
        }
        self.parts = parts
    }

    public static func == (a: VoiceMix, b: VoiceMix) -> Bool {
        a.parts.count == b.parts.count && zip(a.parts, b.parts).allSatisfy { $0.name == $1.name && $0.weight == $1.weight }
    }

    public var description: String {
        parts.count == 1 && parts[0].weight == 1 ? parts[0].name
            : parts.map { "\($0.name):\($0.weight)" }.joined(separator: ",")
    }
}
