import Foundation
import Glibc
import SottoAudio
import SottoCore
import SottoEngines
import SottoStudio
import Synchronization

/// Column widths come from the C library, which needs a UTF-8 character type to measure CJK.
let utf8Locale: Void = {
    setlocale(LC_CTYPE, "C.UTF-8")
}()

/// A private folder for one test, removed when the test is done with it.
final class ScratchFolder {
    let url: URL

    init(_ label: String = "studio") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-\(label)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    func write(_ text: String, to relative: String) throws {
        let target = path(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: target, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The repository checkout these tests are in (for the shipped Themes/ and Voices/).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Waits, polling, until `condition` holds or `timeout` seconds pass; returns whether it held.
@discardableResult
func eventually(timeout: Double = 20, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

// MARK: Test doubles (unit tests only)

/// A stand-in engine for tests of the studio's state logic: speaks a tone per sentence-sized
/// chunk, reports stages, honours cancellation, and can be held between chunks by a gate.
final class ToneEngine: SpeechEngine, @unchecked Sendable {
    let model: ModelDescriptor
    let sampleRate = 16_000
    let capabilities: EngineCapabilities
    let voices: [VoiceInfo] = [VoiceInfo(id: "low"), VoiceInfo(id: "high")]
    let languages: [String]
    let defaultVoice: String? = "low"
    let residentBytes = 4_000_000
    let chunks: Int
    let framesPerChunk: Int
    /// When set, each chunk after the first waits until the test opens the gate.
    let gate: Gate?
    /// When set, synthesis fails with this before any audio.
    let failure: String?
    private let requests = Mutex<[SynthesisRequest]>([])

    init(model: ModelDescriptor, capabilities: EngineCapabilities, languages: [String] = [], chunks: Int = 3,
         framesPerChunk: Int = 8_000, gate: Gate? = nil, failure: String? = nil) {
        self.failure = failure
        self.model = model
        self.capabilities = capabilities
        self.languages = languages
        self.chunks = chunks
        self.framesPerChunk = framesPerChunk
        self.gate = gate
    }

    var receivedRequests: [SynthesisRequest] { requests.withLock { $0 } }

    func synthesize(_ request: SynthesisRequest, cancellation: CancellationFlag,
                    onChunk: (AudioChunk) throws -> Void) throws -> SynthesisSummary {
        requests.withLock { $0.append(request) }
        if let failure { throw SottoError(failure) }
        let frequency: Float = request.voice == "high" ? 880 : 220
        for index in 0..<chunks {
            if index > 0 { gate?.pass(unlessCancelled: cancellation) }
            try cancellation.check()
            let samples = (0..<framesPerChunk).map { frame -> Float in
                let t = Float(index * framesPerChunk + frame) / Float(sampleRate)
                return 0.5 * sin(2 * .pi * frequency * t)
            }
            // Like Kokoro and Piper, it times the words: here evenly over the whole take.
            let words = index == 0 ? Self.evenlyTimed(request.text, seconds: Double(chunks * framesPerChunk) / Double(sampleRate)) : []
            try onChunk(AudioChunk(samples: samples, sampleRate: sampleRate, index: index, text: request.text, words: words))
        }
        return SynthesisSummary(stages: [.init(name: "tone", seconds: 0.001)], notes: [])
    }

    static func evenlyTimed(_ text: String, seconds: Double) -> [WordTiming] {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let each = seconds / Double(max(1, words.count))
        return words.enumerated().map { WordTiming(word: $1, start: Double($0) * each, end: Double($0 + 1) * each) }
    }
}

/// Holds a test double until released.
final class Gate: Sendable {
    private let open = Atomic(false)
    func release() { open.store(true, ordering: .relaxed) }
    func pass(unlessCancelled cancellation: CancellationFlag) {
        while !open.load(ordering: .relaxed) && !cancellation.isCancelled { usleep(1_000) }
    }
}

/// Stands a `ToneEngine` in for one real family's engine: that family still recognises and
/// describes the files (the catalog reads real layouts), the tone engine speaks. Can be told to fail.
struct ToneLoader: ModelFamily {
    let kind: ModelKind
    var capabilities: EngineCapabilities = [.voices, .speed, .streaming]
    var languages: [String] = []
    var failure: String?
    var chunks = 3
    var gate: Gate?
    /// When set, loading waits until the test opens it.
    var loadGate: Gate?
    /// When set, every synthesis fails with this, before any audio.
    var synthesisFailure: String?

    private var real: (any ModelFamily)? { ModelFamilies.standard.family(for: kind) }
    var displayName: String { real?.displayName ?? kind.rawValue }
    var shortName: String { real?.shortName ?? kind.rawValue }
    func describe(folder: URL) -> ModelDescriptor? { real?.describe(folder: folder) }
    func describe(files listing: inout FolderListing) -> [ModelDescriptor] { real?.describe(files: &listing) ?? [] }
    func describe(unclaimed listing: inout FolderListing) -> [ModelDescriptor] { real?.describe(unclaimed: &listing) ?? [] }

    func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine {
        if let failure { throw SottoError(failure) }
        loadGate?.pass(unlessCancelled: CancellationFlag())
        return ToneEngine(model: model, capabilities: capabilities, languages: languages, chunks: chunks, gate: gate,
                          failure: synthesisFailure)
    }
}

/// A real family that this build cannot run: its models are listed, never loaded.
struct WithoutEngine: ModelFamily {
    let real: any ModelFamily
    var kind: ModelKind { real.kind }
    var displayName: String { real.displayName }
    var shortName: String { real.shortName }
    var hasEngine: Bool { false }
    func describe(folder: URL) -> ModelDescriptor? { real.describe(folder: folder) }
    func describe(files listing: inout FolderListing) -> [ModelDescriptor] { real.describe(files: &listing) }
    func describe(unclaimed listing: inout FolderListing) -> [ModelDescriptor] { real.describe(unclaimed: &listing) }
    func load(_ model: ModelDescriptor, options: LoadOptions) throws -> any SpeechEngine {
        throw SottoError("\(displayName) has no engine in this build")
    }
}

/// The standard families recognising files, none with an engine, and `loader` speaking for its kind.
func families(speakingWith loader: any ModelFamily) -> ModelFamilies {
    ModelFamilies.standard.map { WithoutEngine(real: $0) }.adding(loader)
}

/// A playback device driven by the test: nothing is heard; the playhead is where the test puts it.
final class ManualOutput: AudioOutput, @unchecked Sendable {
    final class Sound: PlayingSound, @unchecked Sendable {
        let buffer: PlaybackBuffer
        let startFrame: Int
        private let lock = NSLock()
        private var _playhead: Int
        private var _state: PlaybackState = .idle

        init(buffer: PlaybackBuffer, startFrame: Int) {
            self.buffer = buffer
            self.startFrame = startFrame
            _playhead = startFrame
        }

        func start() { lock.withLock { if _state == .idle { _state = .playing } } }
        func stop() { lock.withLock { if _state == .playing || _state == .idle { _state = .stopped } } }
        var playhead: Int { lock.withLock { _playhead } }
        var state: PlaybackState { lock.withLock { _state } }

        func advance(to frame: Int) { lock.withLock { _playhead = frame } }
    }

    let name = "manual"
    private let lock = NSLock()
    private var _opened: [Sound] = []
    var failure: String?

    init(failure: String? = nil) {
        self.failure = failure
    }

    var opened: [Sound] { lock.withLock { _opened } }

    func open(_ buffer: PlaybackBuffer, startFrame: Int) throws -> any PlayingSound {
        if let failure { throw SottoError(failure) }
        let sound = Sound(buffer: buffer, startFrame: startFrame)
        lock.withLock { _opened.append(sound) }
        return sound
    }
}

/// A models folder holding fake Kokoro and Piper models: real file layouts (the catalog reads
/// them), contents that only the tone engine would accept.
func makeFakeModels(in folder: ScratchFolder) throws -> URL {
    let models = folder.path("models")
    let piper = models.appendingPathComponent("piper")
    try FileManager.default.createDirectory(at: piper, withIntermediateDirectories: true)
    // The smallest file the catalog accepts as ONNX: an IR version and an empty graph.
    try Data([0x08, 0x07, 0x3A, 0x02, 0x0A, 0x00]).write(to: piper.appendingPathComponent("test-voice.onnx"))
    let config = #"{"audio": {"sample_rate": 16000}, "num_speakers": 1, "espeak": {"voice": "en-us"}, "phoneme_id_map": {}}"#
    try config.write(to: piper.appendingPathComponent("test-voice.onnx.json"), atomically: true, encoding: .utf8)
    return models
}

/// A studio over `models`, with sessions and settings in `folder`, a tone engine for Piper (or
/// the family given) and a manual playback device.
func makeStudio(folder: ScratchFolder, models: URL, loader: any ModelFamily = ToneLoader(kind: .piper),
                output: any AudioOutput = ManualOutput(), newSession: Bool = false, sessionName: String? = nil,
                seed: UInt64 = 7) throws -> StudioModel {
    _ = utf8Locale
    let resources = StudioResources(shippedThemes: repositoryRoot.appendingPathComponent("Themes"),
                                    shippedVoices: repositoryRoot.appendingPathComponent("Voices"),
                                    configDirectory: folder.path("config"))
    let environment = StudioEnvironment(
        families: families(speakingWith: loader), modelsDirectory: models, sessionsDirectory: folder.path("sessions"),
        resources: resources, output: output, newSession: newSession, sessionName: sessionName, randomSeed: seed)
    return try StudioModel(environment: environment)
}

extension StudioModel {
    /// Ticks until `condition` holds (the lane and the player report on other threads).
    @discardableResult
    func settle(timeout: Double = 20, until condition: () -> Bool) -> Bool {
        eventually(timeout: timeout) {
            tick()
            return condition()
        }
    }

    func type(_ text: String) {
        for character in text { handle(.character(character)) }
    }

    func command(_ line: String) {
        handle(.character(":"))
        type(line)
        handle(.enter)
    }
}
