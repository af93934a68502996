import Foundation
import SottoCore

/// A Piper voice's `NAME.onnx.json`, field for field. Piper writes more keys than Sotto uses
/// (language names, dataset); unknown keys are ignored and every key but the phoneme map, the
/// sample rate and the espeak voice is optional, as piper's own loader treats them.
public struct PiperConfig: Codable, Sendable, Equatable {
    public struct Audio: Codable, Sendable, Equatable {
        public var sampleRate: Int
        /// x_low, low, medium or high; informational (the sizes come from the weights).
        public var quality: String?

        enum CodingKeys: String, CodingKey {
            case sampleRate = "sample_rate", quality
        }
    }

    public struct Espeak: Codable, Sendable, Equatable {
        /// The espeak-ng voice the phonemes were made with, e.g. `en-us`.
        public var voice: String
    }

    /// Piper's default scales for this voice.
    public struct Inference: Codable, Sendable, Equatable {
        public var noiseScale: Double?
        public var lengthScale: Double?
        public var noiseW: Double?

        enum CodingKeys: String, CodingKey {
            case noiseScale = "noise_scale", lengthScale = "length_scale", noiseW = "noise_w"
        }
    }

    public var audio: Audio
    public var espeak: Espeak
    public var inference: Inference?
    /// `espeak` for every voice Sotto can phonemize; `text`, `pinyin` and others need other front ends.
    public var phonemeType: String?
    /// Phoneme (one or more code points) to the ids it stands for.
    public var phonemeIdMap: [String: [Int]]
    public var numSymbols: Int?
    public var numSpeakers: Int?
    public var speakerIdMap: [String: Int]?
    /// The speaker piper uses when a multi-speaker voice is given none.
    public var defaultSpeakerId: Int?
    /// Runs of phonemes piper merges into one before looking up ids, e.g. ["a", "ɪ"].
    public var vowelClusters: [[String]]?
    public var hopLength: Int?
    public var piperVersion: String?
    public var dataset: String?

    enum CodingKeys: String, CodingKey {
        case audio, espeak, inference
        case phonemeType = "phoneme_type", phonemeIdMap = "phoneme_id_map", numSymbols = "num_symbols"
        case numSpeakers = "num_speakers", speakerIdMap = "speaker_id_map", defaultSpeakerId = "default_speaker_id"
        case vowelClusters = "vowel_clusters", hopLength = "hop_length", piperVersion = "piper_version"
        case dataset
    }

    /// Reads and checks `url`; every failure names the file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SottoError("cannot read the voice config \(url.lastPathComponent): \(SottoError.describe(error))",
                             hint: "a Piper voice needs NAME.onnx.json next to NAME.onnx")
        }
        do {
            self = try JSONDecoder().decode(PiperConfig.self, from: data)
        } catch let error as DecodingError {
            throw SottoError("the voice config \(url.lastPathComponent) is not a Piper config: \(Self.describe(error))",
                             hint: "replace it with the .onnx.json published with the voice")
        }
        try validate(label: url.lastPathComponent)
    }

    /// The default noise on the latent (piper: 0.667 when the config says nothing).
    public var defaultNoiseScale: Float { Float(inference?.noiseScale ?? 0.667) }
    /// The default length scale (1 when the config says nothing).
    public var defaultLengthScale: Float { Float(inference?.lengthScale ?? 1) }
    /// The default noise on the durations (piper: 0.8 when the config says nothing).
    public var defaultNoiseW: Float { Float(inference?.noiseW ?? 0.8) }

    /// Speakers by id order; empty for single-speaker voices.
    public var speakers: [(name: String, id: Int)] {
        (speakerIdMap ?? [:]).map { (name: $0.key, id: $0.value) }.sorted { $0.id < $1.id }
    }

    /// Speakers the weights hold: `num_speakers`, or the id map's size.
    public var speakerCount: Int { max(numSpeakers ?? 1, (speakerIdMap?.values.max() ?? -1) + 1, 1) }

    func validate(label: String) throws {
        guard audio.sampleRate > 0 else {
            throw SottoError("the voice config \(label) has sample rate \(audio.sampleRate)")
        }
        for marker in ["^", "$", "_"] where phonemeIdMap[marker]?.isEmpty ?? true {
            throw SottoError("the voice config \(label) has no id for '\(marker)' in its phoneme_id_map")
        }
        if let bad = phonemeIdMap.first(where: { $0.value.contains { $0 < 0 } }) {
            throw SottoError("the voice config \(label) maps '\(bad.key)' to a negative id")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing '\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' is malformed"
        @unknown default:
            return "\(error)"
        }
    }
}
