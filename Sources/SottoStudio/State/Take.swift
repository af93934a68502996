import Foundation
import SottoAudio
import SottoCore
import SottoMetrics

/// One synthesis kept in the session: everything needed to hear it again, judge it and make it
/// again (text, model, every setting, the seed actually used) and what it cost.
public struct Take: Codable, Equatable, Sendable, Identifiable {
    public enum Outcome: Codable, Equatable, Sendable {
        case complete
        /// Stopped by the user; the audio made until then is kept.
        case cancelled
        /// The engine failed part way; the audio made until then is kept.
        case failed(String)
    }

    public var id: Int
    public var createdAt: Date
    public var text: String
    public var model: TakeModel
    /// The settings as sent: voice resolved to the model's default when none was chosen.
    public var settings: VoiceSettings
    /// The seed the take was made with, when the model samples.
    public var seed: UInt64?
    public var sampleRate: Int
    public var frames: Int
    /// The audio file's name inside the session's `takes/` folder.
    public var audioFile: String?
    public var metrics: TakeMetrics
    public var notes: [String]
    public var outcome: Outcome
    /// When each word is spoken, for engines that report it (Kokoro, Piper); nil otherwise.
    public var words: [WordTiming]?

    public init(id: Int, createdAt: Date, text: String, model: TakeModel, settings: VoiceSettings, seed: UInt64?,
                sampleRate: Int, frames: Int, audioFile: String?, metrics: TakeMetrics, notes: [String], outcome: Outcome) {
        self.id = id
        self.createdAt = createdAt
        self.text = text
        self.model = model
        self.settings = settings
        self.seed = seed
        self.sampleRate = sampleRate
        self.frames = frames
        self.audioFile = audioFile
        self.metrics = metrics
        self.notes = notes
        self.outcome = outcome
    }

    public var seconds: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    /// "kokoro-v1.0-int8 · jf_alpha"
    public var voiceLabel: String { "\(model.name) · \(voiceName)" }

    /// Who spoke, in few words: the voice and model, or the model alone when a single-speaker
    /// model names its voice after itself.
    public var speakerLabel: String {
        voiceName == model.name ? model.name : voiceLabel
    }

    /// The voice or speaker, "designed" for a voice made from a description.
    public var voiceName: String {
        settings.voice ?? (settings.voiceDescription.isEmpty ? "default" : "designed")
    }

    /// What distinguishes this take's configuration, for blind-test tallies: model, voice and
    /// every setting including the seed (two seeds of one designed voice are two candidates),
    /// but not the text.
    public var configurationLabel: String {
        var parts = [speakerLabel]
        if !settings.instruct.isEmpty { parts.append("“\(settings.instruct)”") }
        if !settings.voiceDescription.isEmpty { parts.append("“\(settings.voiceDescription)”") }
        if settings.speed != 1 { parts.append(String(format: "×%.2f", settings.speed)) }
        if let language = settings.language { parts.append(language) }
        if let seed { parts.append("seed \(seed)") }
        if let precision = settings.precision { parts.append(precision.rawValue) }
        return parts.joined(separator: " · ")
    }
}

/// The model a take was made with, as it was then.
public struct TakeModel: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var kind: ModelKind
    public var variant: String?

    public init(id: String, name: String, kind: ModelKind, variant: String?) {
        self.id = id
        self.name = name
        self.kind = kind
        self.variant = variant
    }

    public init(_ descriptor: ModelDescriptor) {
        self.init(id: descriptor.id, name: descriptor.name, kind: descriptor.kind, variant: descriptor.variant)
    }
}

/// What a take cost. Times are wall-clock seconds.
public struct TakeMetrics: Codable, Equatable, Sendable {
    /// From the synthesize key to the first audio handed to the speakers (or, with no audio
    /// device, to the first audio being ready), including any model load it waited for.
    public var timeToFirstAudio: Double?
    /// Whether `timeToFirstAudio` reached the speakers (false: no device, or autoplay off).
    public var firstAudioReachedSpeakers: Bool
    /// Loading the model first, when the take had to wait for it.
    public var loadSeconds: Double
    /// The engine's compute time for the take.
    public var synthesisSeconds: Double
    public var audioSeconds: Double
    public var residentMB: Double?
    public var peakResidentMB: Double?
    public var stages: [StageTiming]
    /// From the synthesize key to the first frame handed to ALSA and to it being audible; nil
    /// when the take was not streamed to a device (and in sessions from before it was measured).
    public var speakerLatency: SpeakerLatency?
    /// Integrated loudness (EBU R128) and sample peak, for loudness-matched comparisons; nil in
    /// sessions from before it was measured (measured when first compared).
    public var loudness: Loudness?

    public init(timeToFirstAudio: Double? = nil, firstAudioReachedSpeakers: Bool = false, loadSeconds: Double = 0,
                synthesisSeconds: Double = 0, audioSeconds: Double = 0, residentMB: Double? = nil,
                peakResidentMB: Double? = nil, stages: [StageTiming] = [], speakerLatency: SpeakerLatency? = nil,
                loudness: Loudness? = nil) {
        self.timeToFirstAudio = timeToFirstAudio
        self.firstAudioReachedSpeakers = firstAudioReachedSpeakers
        self.loadSeconds = loadSeconds
        self.synthesisSeconds = synthesisSeconds
        self.audioSeconds = audioSeconds
        self.residentMB = residentMB
        self.peakResidentMB = peakResidentMB
        self.stages = stages
        self.speakerLatency = speakerLatency
        self.loudness = loudness
    }

    public var realTimeFactor: RealTimeFactor {
        RealTimeFactor(computeSeconds: synthesisSeconds, audioSeconds: audioSeconds)
    }
}
