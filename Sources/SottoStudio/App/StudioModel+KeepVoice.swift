import Foundation
import SottoAudio
import SottoCore

extension StudioModel {
    /// `:keep NAME [MODEL] [FILE]`: keeps the voice of the selected take (or of an audio file) as
    /// a cloned voice of a Qwen3-TTS Base model (MODEL, else the first one found), in the user's
    /// voices folder, where the Voices pane and `:preset NAME` find it. A take's own text is the
    /// words spoken in it, so a take is kept in-context; a file is kept by its timbre alone.
    /// The Base model computes it on the lane thread; `apply(.voiceKept)` reports the result.
    public func keepVoice(_ request: KeepVoiceRequest) {
        guard VoiceFolders.isValidName(request.name) else {
            error("\"\(request.name)\" cannot be a voice name: use letters, digits, - _ or .")
            return
        }
        if !request.overwrite, let existing = presets.first(where: { $0.name.lowercased() == request.name.lowercased() }) {
            let what = existing.source == .shipped ? "a shipped preset (yours would hide it)" : "one of your presets"
            error("\(existing.name) is already \(what): :keep! \(request.name) replaces it, or choose another name")
            return
        }
        guard let model = request.model.map(resolveModel) ?? firstBaseModel() else {
            if request.model == nil { error("no Qwen3-TTS Base model to clone with: add one to \(environment.modelsDirectory.path)") }
            return
        }
        guard ClonedVoice.canBeMade(by: model) else {
            error("\(model.name) cannot clone voices: name a Qwen3-TTS Base model (:keep \(request.name) MODEL)")
            return
        }
        guard let source = keptAudio(request) else { return }
        let folders = VoiceFolders(user: presetLibrary.userDirectory, shipped: presetLibrary.shippedDirectory)
        lane.keepVoice(named: request.name, model: model, samples: source.samples, sampleRate: source.sampleRate, channels: source.channels,
                       referenceText: source.text, source: source.label, folders: folders, overwrite: request.overwrite)
        info("keeping \(source.label) as voice \(request.name) with \(model.name)…")
    }

    /// The audio to keep: the file named, else the chosen take's, with the take's text.
    private func keptAudio(_ request: KeepVoiceRequest) -> (samples: [Float], sampleRate: Int, channels: Int, text: String?, label: String)? {
        if let path = request.file {
            let expanded = Self.expandPath(path)
            do {
                // Checked here (length, silence, damage) so that a bad file is said at once.
                let reference = try ReferenceAudio.load(expanded)
                return (reference.samples, ReferenceAudio.sampleRate, 1, nil, URL(fileURLWithPath: expanded).lastPathComponent)
            } catch {
                self.error(error.description)
                return nil
            }
        }
        guard let takeID = chosenTakeID(nil, noTakes: "no takes to keep yet: synthesize one, or :keep NAME FILE",
                                        noSelection: "select the take whose voice to keep"),
              let take = take(takeID) else { return nil }
        do {
            let buffer: PlaybackBuffer
            if let cached = library.cached(takeID), cached.isFinished {
                buffer = cached
            } else if let file = take.audioFile {
                buffer = try library.load(takeID, from: session.audioURL(file))
            } else {
                throw SottoError("take #\(takeID) has no saved audio")
            }
            return (buffer.samples(), buffer.sampleRate, 1, take.text, "take #\(takeID)")
        } catch {
            self.error(error)
            return nil
        }
    }

    private func firstBaseModel() -> ModelDescriptor? {
        models.first { ClonedVoice.canBeMade(by: $0) && $0.isComplete }
    }

    func finishKeeping(_ outcome: KeptVoice) {
        switch outcome.result {
        case .success(let url):
            reloadPresets()
            info("kept voice \(outcome.name) for \(outcome.modelName) in \(url.path): :preset \(outcome.name) speaks in it")
        case .failure(let failure):
            error("cannot keep voice \(outcome.name): \(failure.description)")
        }
    }
}

/// What `:keep` was asked: the voice's name, and optionally the Base model and an audio file.
public struct KeepVoiceRequest: Equatable, Sendable {
    public var name: String
    public var model: String?
    public var file: String?
    public var overwrite: Bool

    public init(name: String, model: String? = nil, file: String? = nil, overwrite: Bool = false) {
        self.name = name
        self.model = model
        self.file = file
        self.overwrite = overwrite
    }

    /// `NAME [MODEL] [FILE]`: a word ending in .wav, .flac or .ogg, or holding a slash, is the file.
    public static func parse(_ text: String, overwrite: Bool) throws -> KeepVoiceRequest {
        let words = text.split(separator: " ").map(String.init)
        guard let name = words.first else { throw SottoError(":keep needs a name", hint: ":keep NAME [MODEL] [FILE]") }
        var request = KeepVoiceRequest(name: name, overwrite: overwrite)
        for word in words.dropFirst() {
            let isFile = word.contains("/") || [".wav", ".flac", ".ogg"].contains { word.lowercased().hasSuffix($0) }
            if isFile, request.file == nil { request.file = word }
            else if !isFile, request.model == nil { request.model = word }
            else { throw SottoError(":keep takes a name, a model and a file, not \"\(word)\"", hint: ":keep NAME [MODEL] [FILE]") }
        }
        return request
    }
}

/// How keeping a voice ended, for the screen.
public struct KeptVoice: Sendable {
    public var name: String
    public var modelName: String
    public var result: Result<URL, SottoError>
}
