import Foundation
import SottoAudio
import SottoCore
import SottoMetrics
import Synchronization

/// How far a synthesis has got, for the live metrics. Times are on `MonotonicClock`.
public struct SynthesisProgress: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        case queued
        case loadingModel
        case synthesizing
        case saving
        case finished
    }

    public var phase: Phase = .queued
    public var sampleRate: Int?
    public var frames = 0
    public var chunks = 0
    public var loadStartedAt: Double?
    public var loadSeconds: Double = 0
    public var engineStartedAt: Double?
    public var firstChunkAt: Double?
    /// When the first audio was handed to the speakers (nil without a device or with autoplay off).
    public var firstAudioAtSpeakers: Double?
    public var finishedAt: Double?
    /// The word timings the engine has reported so far.
    public var words: [WordTiming] = []

    public var audioSeconds: Double {
        guard let sampleRate, sampleRate > 0 else { return 0 }
        return Double(frames) / Double(sampleRate)
    }
}

/// One take being made: what to synthesize, where its audio goes, a flag to cancel it, and its
/// progress, which the engine's thread writes and the screen reads.
public final class SynthesisJob: Sendable {
    public let takeID: Int
    public let model: ModelDescriptor
    public let text: String
    public let settings: VoiceSettings
    /// The seed sent to the engine (nil for models that do not sample).
    public let seed: UInt64?
    /// When synthesize was pressed.
    public let requestedAt: Double
    public let requestedDate: Date
    public let streamToSpeakers: Bool
    public let session: SessionHandle
    public let cancellation = CancellationFlag()
    private let state = Mutex(SynthesisProgress())
    private let liveBuffer = Mutex<PlaybackBuffer?>(nil)
    private let streamSound = Mutex<(any PlayingSound)?>(nil)

    public init(takeID: Int, model: ModelDescriptor, text: String, settings: VoiceSettings, seed: UInt64?,
                requestedAt: Double, requestedDate: Date, streamToSpeakers: Bool, session: SessionHandle) {
        self.takeID = takeID
        self.model = model
        self.text = text
        self.settings = settings
        self.seed = seed
        self.requestedAt = requestedAt
        self.requestedDate = requestedDate
        self.streamToSpeakers = streamToSpeakers
        self.session = session
    }

    public var progress: SynthesisProgress { state.withLock { $0 } }

    /// The take's audio so far, once the engine has started.
    public var buffer: PlaybackBuffer? { liveBuffer.withLock { $0 } }

    func update(_ change: (inout SynthesisProgress) -> Void) {
        state.withLock { change(&$0) }
    }

    func attach(_ buffer: PlaybackBuffer) {
        liveBuffer.withLock { $0 = buffer }
    }

    func attach(streamingTo sound: any PlayingSound) {
        streamSound.withLock { $0 = sound }
    }

    /// How long the first audio took to reach ALSA and the ear, once the device has taken it
    /// (nil when the take is not streamed to a device that measures it).
    public var speakerLatency: SpeakerLatency? {
        SpeakerLatency(streamSound.withLock { $0 }?.deviceStartTiming, requestedAt: requestedAt)
    }

    /// Waits, at most `timeout` seconds, until the device playing the take has started (so its
    /// audible latency is known) or playback has ended.
    func awaitDeviceStart(timeout: Double) {
        let deadline = MonotonicClock.now() + timeout
        while let sound = streamSound.withLock({ $0 }), sound.deviceStartTiming?.runningAt == nil,
              !sound.state.isDone, MonotonicClock.now() < deadline {
            usleep(2000)
        }
    }
}

/// How a synthesis ended.
public struct SynthesisOutcome: Sendable {
    public var takeID: Int
    /// The take, when any audio was made (also for a cancelled or failed synthesis).
    public var take: Take?
    /// Why it failed, or why what was made could not be kept.
    public var error: String?
    public var cancelled: Bool
}
