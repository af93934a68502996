import Foundation
import SottoAudio
import SottoCore
import SottoRuntime
import SottoMetrics

/// The studio's state and everything that changes it, with no terminal in sight: keys come in
/// through `handle(_:)`, time passes through `tick()`, and the screen is drawn from what is here.
/// Lives on the screen's thread; the engine lane, the playback controller and the session writer
/// do the slow work elsewhere and are polled.
public final class StudioModel {
    public let environment: StudioEnvironment
    public let lane: TakeMaker
    public let playback: PlaybackController
    public let library: TakeAudioLibrary
    public let writer = SessionWriter()
    public let themes: ThemeLibrary
    public let presetLibrary: PresetLibrary

    // Models
    public internal(set) var models: [ModelDescriptor]
    public internal(set) var modelCursor = ListCursor()
    public internal(set) var modelFilter = FilterQuery("")
    public internal(set) var activeModelID: String?
    public internal(set) var loadFailures: [String: String] = [:]
    /// Loads asked for and not yet reported, so the pane can say "queued".
    public internal(set) var requestedLoads: Set<String> = []

    // Voices and presets
    public internal(set) var presets: [Preset] = []
    public internal(set) var voiceCursor = ListCursor()
    public internal(set) var voiceFilter = FilterQuery("")

    // Text and controls
    public internal(set) var text = TextBuffer()
    public internal(set) var settings = VoiceSettings()
    public internal(set) var controlIndex = 0
    public internal(set) var fieldEditor = TextBuffer(singleLine: true)
    /// A field just opened shows its value; typing replaces it, editing keys change it.
    public internal(set) var fieldIsUntouched = false

    // Takes
    public internal(set) var session: SessionHandle
    public internal(set) var manifest: SessionManifest
    public internal(set) var takeCursor = ListCursor()
    public internal(set) var takeFilter = FilterQuery("")
    public internal(set) var blind: BlindTest?
    public internal(set) var abx: ABXTest?
    public internal(set) var ranking: RankingTest?
    /// The sessions on disk as `:sessions` last read them.
    public internal(set) var sessionList: [SessionStore.Summary] = []
    /// The slot `t` plays next when nothing is playing.
    public internal(set) var lastABSide: ABSlot = .b
    public internal(set) var jobs: [SynthesisJob] = []
    public internal(set) var sweepGrid = SweepGridCursor()

    // Screen state
    public internal(set) var focus: Pane = .text
    public internal(set) var mode: InputMode = .normal {
        didSet { if mode != oldValue { contextEnteredAt = now } }
    }
    public internal(set) var overlay: Overlay? {
        didSet { if overlay != oldValue { contextEnteredAt = now } }
    }
    /// When the mode or overlay last changed: a message from before then is stale in a filter,
    /// a field or an overlay, where the status bar's hints say what the keys now do.
    public internal(set) var contextEnteredAt = -Double.infinity
    public internal(set) var stripView: StripView = .waveform
    public internal(set) var overlayScroll = 0
    /// The overlay's rows on screen and how far it can scroll; set when it is drawn.
    public var overlayViewport = (rows: 10, maxScroll: Int.max)
    public internal(set) var commandLine = TextBuffer(singleLine: true)
    public internal(set) var commandHistory: [String] = []
    public internal(set) var historyIndex: Int?
    public internal(set) var completionState: (prefix: String, options: [String], index: Int)?
    public internal(set) var log = StatusLog()
    public internal(set) var theme: Theme
    public internal(set) var themeName: String
    public internal(set) var config: StudioConfig
    public internal(set) var shouldQuit = false
    /// Text for the terminal's clipboard, written by the main loop (OSC 52) and then cleared.
    public internal(set) var clipboardRequest: String?
    /// The text pane's inside, for moving the cursor by screen rows; set when the pane is drawn.
    public var textViewport = (width: 40, height: 8)
    /// The first screen row of the text shown; kept between frames so the view does not jump.
    public var textTopRow = 0
    /// Where things were on the last frame, for the mouse; set when drawn.
    public var drawn = DrawnScreen()
    public internal(set) var memory: ProcessMemory.Reading?
    var memoryReadAt = -1.0
    var textDirtySince: Double?
    var random: StudioRandom
    var lastPlaybackPhase: PlaybackSnapshot.Phase = .idle
    var lastPlaybackError: String?
    /// Why this session is not the last one, repeated once the first model has loaded.
    var startupNotice: String?
    /// Takes that failed without audio: playback trouble about them is not news.
    var failedTakeIDs: Set<Int> = []

    public init(environment: StudioEnvironment) throws {
        self.environment = environment
        random = StudioRandom(seed: environment.randomSeed)
        config = environment.config
        library = TakeAudioLibrary()
        playback = PlaybackController(output: environment.output, library: library)
        lane = TakeMaker(families: environment.families, playback: playback, library: library)
        themes = environment.resources.themeLibrary
        presetLibrary = environment.resources.presetLibrary
        models = ModelCatalog(directory: environment.modelsDirectory, families: environment.families).models

        let store = SessionStore(root: environment.sessionsDirectory)
        var sessionNotes: [String] = []
        if let name = environment.sessionName {
            let opened = try Self.openNamedSession(name, sessionsDirectory: environment.sessionsDirectory)
            (session, manifest, sessionNotes) = (opened.session, opened.manifest, opened.notes)
        } else if environment.newSession {
            (session, manifest) = try store.create()
        } else {
            let opened = try store.openLastOrCreate()
            (session, manifest, sessionNotes) = (opened.session, opened.manifest, opened.notes)
            // Said again after the first model load, whose message would otherwise replace it.
            startupNotice = sessionNotes.first { $0.contains("open in another studio") }
        }

        theme = .fallback
        themeName = Theme.fallback.name
        let now = environment.clock()
        if let problem = environment.configProblem { log.error(problem, at: now) }
        chooseInitialTheme()
        reloadPresets()
        restoreFromManifest()
        for note in sessionNotes { log.info(note, at: now) }
        if models.isEmpty {
            log.error("no models in \(environment.modelsDirectory.path)", at: now)
        }
        loadActiveModelIfPossible()
        // With no model loading, nothing would say it again: say it last.
        if requestedLoads.isEmpty, let notice = startupNotice {
            startupNotice = nil
            log.info(notice, at: now)
        }
    }

    // MARK: Derived state

    public var now: Double { environment.clock() }

    public var activeModel: ModelDescriptor? {
        activeModelID.flatMap { id in models.first { $0.id == id } }
    }

    public var loadedModels: [String: LoadedModel] { lane.loadedModels }

    /// What the active model can do: the engine's word once loaded, the files' guess before.
    public var capabilities: EngineCapabilities {
        guard let model = activeModel else { return [] }
        return loadedModels[model.id]?.capabilities ?? model.capabilities
    }

    public var activeVoices: [VoiceInfo] {
        guard let model = activeModel else { return [] }
        return loadedModels[model.id]?.voices ?? model.voices
    }

    /// The languages the model speaks: what its engine lists, and the languages of the voices
    /// its files hold (a Kokoro engine lists English, yet speaks Japanese with its Japanese
    /// voices, as `sotto say --language ja` does).
    public var activeLanguages: [String] {
        guard let model = activeModel, capabilities.contains(.languages) else { return [] }
        var languages = loadedModels[model.id]?.languages ?? []
        for language in model.languages where !languages.contains(where: { $0.lowercased() == language.lowercased() }) {
            languages.append(language)
        }
        return languages
    }

    /// The voice a take would use when none is chosen.
    public var defaultVoice: String? {
        guard let model = activeModel else { return nil }
        return loadedModels[model.id]?.defaultVoice ?? activeVoices.first?.id
    }

    public var controlFields: [ControlField] {
        ControlField.fields(for: capabilities, precisions: !precisions(of: activeModel).isEmpty)
    }

    /// Kinds whose engines load their weights at a chosen precision (a load option).
    static let kindsWithPrecision: Set<ModelKind> = ["qwen3"]
    /// What the studio loads them at unless told otherwise: int8 is about 5× faster than fp32 on
    /// CPUs without AMX and within 1.5 % at the first hidden state.
    public static let defaultPrecision: WeightPrecision = .int8

    /// The precisions `model` can be loaded at; empty when it offers no choice.
    public func precisions(of model: ModelDescriptor?) -> [WeightPrecision] {
        guard let model, Self.kindsWithPrecision.contains(model.kind) else { return [] }
        return WeightPrecision.allCases
    }

    /// The precision `model` is (to be) loaded at for the next take; nil when it offers no choice.
    public func precision(for model: ModelDescriptor?) -> WeightPrecision? {
        guard !precisions(of: model).isEmpty else { return nil }
        return settings.precision ?? Self.defaultPrecision
    }

    /// Whether `model` is loaded as the next take needs it (at its precision).
    public func isLoadedForNextTake(_ model: ModelDescriptor) -> Bool {
        lane.isLoaded(model.id, precision: precision(for: model))
    }

    public var visibleModels: [ModelDescriptor] {
        models.filter { modelFilter.matches([$0.name, $0.kind.rawValue, environment.families.displayName(of: $0.kind), $0.variant ?? ""]) }
    }

    public var voiceRows: [VoiceRow] {
        VoiceRow.rows(voices: activeVoices, languages: activeLanguages,
                      voiceNoun: activeModel.map { environment.families.voiceNoun(of: $0.kind) } ?? "voices", presets: presets,
                      presetFitsModel: { [weak self] in self?.preset($0, fits: self?.activeModel) ?? false },
                      filter: voiceFilter)
    }

    public var takes: [Take] { manifest.takes }

    /// The takes list as shown: saved takes (filtered) and then takes being synthesized.
    public var takeRows: [TakeRow] {
        let saved = manifest.takes.filter { take in
            takeFilter.matches(["#\(take.id)", take.text, take.voiceLabel, take.configurationLabel])
        }.map(TakeRow.saved)
        return saved + jobs.map(TakeRow.pending)
    }

    public var selectedTakeRow: TakeRow? {
        let rows = takeRows
        return rows.indices.contains(takeCursor.index) ? rows[takeCursor.index] : nil
    }

    public var selectedTake: Take? {
        if case .saved(let take)? = selectedTakeRow { return take }
        return nil
    }

    public func take(_ id: Int) -> Take? { manifest.takes.first { $0.id == id } }

    public var markA: Int? { manifest.markA }
    public var markB: Int? { manifest.markB }

    /// The job whose metrics show live: the one running, else the newest queued.
    public var liveJob: SynthesisJob? {
        jobs.first { $0.progress.phase != .queued } ?? jobs.last
    }

    public var playbackSnapshot: PlaybackSnapshot { playback.snapshot() }

    /// Whether something animates (so the screen redraws often).
    public var isBusy: Bool {
        !jobs.isEmpty || lane.activity != .idle || playbackSnapshot.isActive || !requestedLoads.isEmpty
    }

    func preset(_ preset: Preset, fits model: ModelDescriptor?) -> Bool {
        guard let model else { return false }
        let reference = preset.model.lowercased()
        let named = reference == model.name.lowercased() || reference == model.id.lowercased()
            || reference == model.kind.rawValue
        guard named, let variant = preset.variant?.lowercased() else { return named }
        return (model.variant ?? "").lowercased().contains(variant)
    }

    /// The model a preset asks for: its reference resolved as `-m` would, narrowed to its variant.
    func model(for preset: Preset) throws -> ModelDescriptor {
        let catalog = ModelCatalog(directory: environment.modelsDirectory, families: environment.families, models: models)
        let resolved = try catalog.resolve(preset.model)
        guard let variant = preset.variant?.lowercased(), !(resolved.variant ?? "").lowercased().contains(variant) else {
            return resolved
        }
        let fitting = models.filter { $0.kind == resolved.kind && ($0.variant ?? "").lowercased().contains(variant) }
        guard let model = fitting.first(where: \.isComplete) ?? fitting.first else {
            throw SottoError("no \(environment.families.displayName(of: resolved.kind)) \(preset.variant!) model in \(environment.modelsDirectory.path)")
        }
        return model
    }

    // MARK: Messages

    public func info(_ text: String) { log.info(text, at: now) }
    public func error(_ text: String) { log.error(text, at: now) }
    public func error(_ error: any Error) { log.error(SottoError.describe(error), at: now) }

    // MARK: Setup

    func chooseInitialTheme() {
        let requested = environment.themeOverride ?? config.theme
        let names = themes.names()
        var candidates: [String] = []
        if let requested { candidates.append(requested) }
        // With few or no colours the 16-colour theme is the safe choice.
        candidates.append(environment.terminalColors >= 256 ? "ink" : "mono")
        candidates += ["ink", "mono"] + names
        for (index, name) in candidates.enumerated() {
            do {
                theme = try themes.load(name)
                themeName = theme.name
                return
            } catch {
                if index == 0, requested != nil { self.error(error) }
            }
        }
        if names.isEmpty {
            let searched = themes.directories.map(\.path).joined(separator: ", ")
            info("no theme files found (looked in \(searched)); using terminal colours")
        }
    }

    func reloadPresets() {
        let (found, problems) = presetLibrary.load()
        presets = found
        for problem in problems { error("voice preset \(problem)") }
    }

    func restoreFromManifest() {
        text = TextBuffer(manifest.text)
        settings = manifest.settings
        if let id = manifest.modelID, models.contains(where: { $0.id == id }) {
            activeModelID = id
        } else {
            if let id = manifest.modelID { info("model \(id) from the last session is not in the models folder") }
            activeModelID = preferredModel()?.id
        }
        if let index = models.firstIndex(where: { $0.id == activeModelID }) {
            modelCursor.set(index, count: models.count)
        }
        takeCursor.set(max(0, takeRows.count - 1), count: takeRows.count)
        pinMarkedTakes()
        if !manifest.takes.isEmpty {
            info("session \(manifest.id): \(manifest.takes.count) take\(manifest.takes.count == 1 ? "" : "s")")
        }
    }

    /// The Piper voice Scripts/setup installs when it can run, else the first usable model.
    func preferredModel() -> ModelDescriptor? {
        DefaultModel.choose(from: models, families: environment.families)
            ?? models.first { $0.isComplete }
            ?? models.first
    }

    func loadActiveModelIfPossible() {
        guard let model = activeModel, model.isComplete, environment.families.supports(model.kind),
              !isLoadedForNextTake(model) else { return }
        requestLoad(model)
    }

    func requestLoad(_ model: ModelDescriptor) {
        guard !isLoadedForNextTake(model), !requestedLoads.contains(model.id) else { return }
        if let problem = unsupportedReason(model) {
            loadFailures[model.id] = problem
            error(problem)
            return
        }
        loadFailures[model.id] = nil
        requestedLoads.insert(model.id)
        let precision = precision(for: model)
        // A copy at another precision gives its memory back first.
        lane.unload(model.id, keeping: precision)
        lane.load(model, precision: precision)
    }

    /// Why `model` cannot be loaded by this build, before trying.
    func unsupportedReason(_ model: ModelDescriptor) -> String? {
        environment.families.unsupportedReason(model.kind)
    }

    func pinMarkedTakes() {
        library.pin(Set([manifest.markA, manifest.markB].compactMap { $0 }))
    }
}

/// A row of the Takes pane.
public enum TakeRow {
    case saved(Take)
    case pending(SynthesisJob)

    public var takeID: Int {
        switch self {
        case .saved(let take): return take.id
        case .pending(let job): return job.takeID
        }
    }
}
