import ArgumentParser
import Foundation
import Qwen3TTS
import SottoAudio
import SottoCore
import SottoEngines
import SottoStudio

struct Clone: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep a voice cloned from a recording, for a Qwen3-TTS Base model to speak in.",
        discussion: """
        Reads REF (WAV, FLAC or Ogg; 1 to 30 s of one speaker), computes what the Base model \
        clones from it, and writes a voice file: NAME.voice in ~/.config/sotto/voices/, or the \
        path given. Then: sotto say -m BASE --voice NAME "Text.", or name it in a preset. With \
        --reference-text the clone takes the voice's manner from the recording's words too \
        (in-context); --x-vector-only keeps its timbre alone.
        """)

    @OptionGroup var location: ModelDirectoryOptions

    @Argument(help: ArgumentHelp("The recording of the voice.", valueName: "ref"))
    var reference: String

    @Option(name: .customLong("reference-text"), help: "The words spoken in the recording (an in-context clone).")
    var referenceText: String?

    @Flag(name: .customLong("x-vector-only"), help: "Keep only the voice's timbre, without the recording's words.")
    var xVectorOnly = false

    @Option(name: [.short, .customLong("model")], help: "The Qwen3-TTS Base model (default: the first one found).")
    var model: String?

    @Option(name: [.short, .customLong("output")],
            help: ArgumentHelp("A voice name (kept in ~/.config/sotto/voices/), or a path with a slash or an extension.",
                               valueName: "name"))
    var output: String

    @Option(help: "The spoken language to keep with the voice (as --language takes it).")
    var language: String?

    @Flag(help: "Replace a voice file of that name.")
    var force = false

    @Option(parsing: .unconditional, help: "Threads for inference (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024") }
    }

    func run() throws {
        try runReportingErrors { try clone() }
    }

    private func clone() throws {
        if referenceText != nil && xVectorOnly {
            throw SottoError("give --reference-text or --x-vector-only, not both")
        }
        if let referenceText, referenceText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw SottoError("--reference-text is empty", hint: "give the words spoken in the recording, or --x-vector-only")
        }
        if referenceText == nil && !xVectorOnly {
            throw SottoError("give the words spoken in the recording with --reference-text, or --x-vector-only to keep only its timbre")
        }
        let folders = VoiceFolders.standard()
        // A name that is taken is refused before any work is done (and again, atomically, on writing).
        let destination = try folders.destination(for: output)
        if !force, FileManager.default.fileExists(atPath: destination.path) {
            throw SottoError("\(destination.path) already exists", hint: "choose another name, or --force to replace it")
        }
        let descriptor = try baseModel()
        let recording = try ReferenceAudio.load(reference)
        for note in recording.notes { StandardStreams.error("note: \(note)") }
        let engine = try modelFamilies.load(descriptor, options: LoadOptions(threads: threads))
        guard let qwen = (engine as? Qwen3Engine)?.qwen else {
            throw SottoError("\(descriptor.id) cannot clone voices", hint: "give a Qwen3-TTS Base model with -m")
        }
        let prompt = try qwen.clonePrompt(reference: recording, referenceText: xVectorOnly ? nil : referenceText)
        let voices = Qwen3ClonedVoices(model: descriptor, folders: folders)
        let about = "cloned from \(URL(fileURLWithPath: reference).lastPathComponent)"
        let voice = try voices.voice(from: prompt, language: language, about: about)
        let url = try folders.save(voice, as: output, force: force)
        let name = VoiceFolders.isPath(output) ? url.path : output
        let seconds = String(format: "%.1f s", recording.duration)
        let kind = voice.isInContext
            ? "in-context: its timbre and manner, from \(seconds) of speech and its words"
            : "x-vector only: its timbre, from \(seconds) of speech"
        print("Cloned \"\(name)\" for \(descriptor.id) (\(kind)).")
        print("Wrote \(url.path)")
        let modelsDirectory = location.modelsDirectory.map { ["--models-dir", $0] } ?? []
        let say = ["sotto", "say"] + modelsDirectory + ["-m", model ?? descriptor.id, "--voice", name, "Text to speak."]
        print("Use it: " + say.map(SayCommand.shellQuoted).joined(separator: " "))
    }

    /// The model given with -m, which must be a Base model, else the first complete Base model.
    private func baseModel() throws -> ModelDescriptor {
        if let model {
            let descriptor = try location.resolve(model)
            guard Qwen3ClonedVoices.clones(descriptor) else {
                let what = descriptor.variant.map { "a \($0) model" } ?? "a \(modelFamilies.displayName(of: descriptor.kind)) model"
                throw SottoError("\(descriptor.id) cannot clone voices: it is \(what)", hint: "give a Qwen3-TTS Base model with -m")
            }
            return descriptor
        }
        let catalog = location.catalog()
        guard let descriptor = catalog.models.first(where: { Qwen3ClonedVoices.clones($0) && $0.isComplete }) else {
            throw SottoError("no Qwen3-TTS Base model in \(catalog.directory.path)", hint: "pass its folder with -m")
        }
        return descriptor
    }
}
