import ArgumentParser
import Foundation
import SottoAudio
import SottoCore
import SottoMetrics
import SottoRuntime

struct Say: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Speak text once: play it, write it to a file, or both.",
        discussion: """
        Reads TEXT, or standard input when TEXT is absent. Without -o the audio plays on the \
        speakers as soon as the first chunk is ready; with -o it is written to the file (.wav, \
        .flac or .ogg), and --play also plays it.
        """)

    @OptionGroup var location: ModelDirectoryOptions

    @Argument(help: "The text to speak (default: read standard input).")
    var text: String?

    @Option(name: [.short, .customLong("model")], help: "Model name, kind (kokoro, piper, qwen3) or path.")
    var model: String?

    @OptionGroup var synthesis: SynthesisFlags

    @Option(name: [.short, .customLong("output")], help: "Write the audio to this file (- for standard output).")
    var output: String?

    @Option(help: "File format when the extension does not say: wav (16-bit), wav-float, flac, ogg.")
    var format: String?

    @Flag(help: "Play the audio even when writing a file.")
    var play = false

    @Option(help: "ALSA playback device.")
    var device: String = "default"

    @Option(help: "Write when each word is spoken: .srt, .vtt (with a timestamp per word) or .json (Kokoro, Piper).")
    var captions: String?

    @Option(name: .customLong("codes-out"), help: "Write the generated codec frames as JSON (Qwen3-TTS).")
    var codesOut: String?

    @Option(help: "Weight precision for models that offer it: fp32, bf16, int8, int4.")
    var precision: WeightPrecision?

    @Option(parsing: .unconditional, help: "Threads for inference (default: all cores).")
    var threads: Int?

    @Flag(help: "Print the take's metrics as one JSON object on standard output.")
    var json = false

    func validate() throws {
        if let threads, threads < 1 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024") }
        if json && output == "-" { throw ValidationError("--json and -o - both write to standard output; give one") }
        if let captions {
            if let output, output != "-", URL(fileURLWithPath: output).standardizedFileURL == URL(fileURLWithPath: captions).standardizedFileURL {
                throw ValidationError("--captions and -o name the same file; give two")
            }
            guard CaptionFormat(path: captions) != nil else {
                throw ValidationError("--captions must name a .srt, .vtt or .json file")
            }
        }
        if let format, Self.formats[format] == nil {
            throw ValidationError("--format must be one of \(Self.formats.keys.sorted().joined(separator: ", "))")
        }
    }

    static let formats: [String: AudioFileFormat] = [
        "wav": .wav16, "wav-float": .wavFloat, "flac": .flac16, "ogg": .oggVorbis,
    ]

    func run() throws {
        try runReportingErrors { try speak() }
    }

    private func speak() throws {
        let text = try readText()
        let descriptor = try model.map { try location.resolve($0) } ?? defaultModel(in: location.catalog())
        let outputFormat = try output.map { try SayOutput.format(path: $0, flag: format.flatMap { Self.formats[$0] }) }

        let loadWatch = Stopwatch()
        let engine = try modelFamilies.load(descriptor, options: LoadOptions(threads: threads, precision: precision))
        let loadSeconds = loadWatch.elapsed
        if captions != nil && !engine.capabilities.contains(.wordTimings) {
            throw SottoError("\(descriptor.name) does not time its words, so --captions cannot be written",
                             hint: "Kokoro and Piper voices time theirs")
        }

        // Open the speakers before synthesizing, so a missing device costs no compute and,
        // without -o, nothing synthesized is lost.
        let buffer = PlaybackBuffer(sampleRate: engine.sampleRate)
        let player: Player?
        if output == nil || play {
            do {
                player = try Player(source: buffer, device: .named(device))
            } catch {
                throw SottoError("\(error)", hint: output == nil ? "write to a file with -o FILE" : nil)
            }
        } else {
            player = nil
        }

        var options = synthesis.options()
        options.wordTimings = captions != nil
        let request = options.request(text: text)

        let cancellation = CancellationFlag()
        let speakers = player
        let interrupt = InterruptHandler { cancellation.cancel(); speakers?.stop() }
        defer { interrupt.restore() }

        // The file grows as chunks are made (see SayOutput); nothing of the take is kept in memory.
        let file = try output.map { try SayOutput(path: $0, format: outputFormat!, sampleRate: engine.sampleRate) }
        ProcessMemory.resetPeak()
        var meter = SynthesisMeter(loadSeconds: loadSeconds)
        var frames = 0
        var processFirstAudio: Double?
        var spoken = Captions()
        let summary: SynthesisSummary
        do {
            summary = try SayOutput.removingOnFailureExit(file) {
                try engine.synthesize(request, cancellation: cancellation) { chunk in
                    if processFirstAudio == nil { processFirstAudio = ProcessClock.secondsSinceStart() }
                    meter.audioProduced(frames: chunk.samples.count, sampleRate: chunk.sampleRate)
                    frames += chunk.samples.count
                    spoken.append(chunkWords: chunk.words)
                    try file?.append(chunk.samples)
                    if let player {
                        buffer.append(chunk.samples)
                        if chunk.index == 0 { player.start() }
                    }
                }
            }
        } catch is SynthesisCancelled {
            buffer.finish()
            player?.stop()
            throw try file?.keepInterrupted() ?? SottoError("stopped")
        } catch {
            file?.discard()
            throw error
        }
        buffer.finish()
        let metrics = meter.finish(stages: summary.stages)
        guard frames > 0 else {
            file?.discard()
            throw SottoError("the model produced no audio for this text", hint: "try other text or another voice")
        }

        var problems: [String] = []
        try file?.finish()
        if let captions, let format = CaptionFormat(path: captions) {
            try writeTextAtomically(try spoken.rendered(format), to: captions)
        }
        if let codesOut, let codes = summary.generatedCodes {
            try writeJSONAtomically(codes, to: codesOut)
        } else if codesOut != nil {
            problems.append("\(descriptor.name) generates no codec frames; --codes-out was not written")
        }
        if let player {
            player.start()  // in case no chunk started it
            if case .failed(let error) = player.waitUntilDone() {
                problems.append("\(error)" + (output.map { "; the audio is in \($0)" } ?? ""))
            }
        }

        for note in summary.notes { StandardStreams.error("note: \(note)") }
        let voiceName = request.voice ?? engine.defaultVoice ?? "-"
        if json {
            var report = SayReport(model: descriptor, voice: voiceName, sampleRate: engine.sampleRate,
                                   metrics: metrics, output: output, notes: summary.notes)
            report.processFirstAudioSeconds = processFirstAudio
            print(try Format.json(report))
        } else {
            StandardStreams.error(Self.summaryLine(model: descriptor.name, voice: voiceName, metrics: metrics, output: output))
        }
        if let problem = problems.first { throw SottoError(problem) }
    }

    private func readText() throws -> String {
        var value = text
        if value == nil {
            guard isatty(STDIN_FILENO) == 0 else {
                throw SottoError("no text to speak", hint: "pass it as an argument or pipe it on standard input")
            }
            value = try StandardStreams.readInput()
        }
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw SottoError("no text to speak: the text is empty")
        }
        return value
    }

    /// The Piper voice Scripts/setup installs when present, else the first complete model.
    private func defaultModel(in catalog: ModelCatalog) throws -> ModelDescriptor {
        if let model = DefaultModel.choose(from: catalog.models, families: modelFamilies) { return model }
        throw SottoError("no usable model in \(catalog.directory.path)", hint: "run Scripts/setup or pass -m PATH")
    }

    static func summaryLine(model: String, voice: String, metrics: SynthesisMetrics, output: String?) -> String {
        var parts = ["\(model) · \(voice)",
                     String(format: "%.2f s of audio in %.2f s", metrics.audioSeconds, metrics.synthesisSeconds),
                     metrics.realTimeFactor.label]
        if let first = metrics.firstAudioSeconds { parts.append(String(format: "first audio %.2f s", first)) }
        if let peak = metrics.peakResidentMB { parts.append(String(format: "peak %.0f MB", peak)) }
        if let output { parts.append("→ \(output)") }
        return parts.joined(separator: " · ")
    }
}

/// What `sotto say --json` prints.
struct SayReport: Encodable {
    var model: String
    var kind: String
    var voice: String
    var sampleRate: Int
    var audioSeconds: Double
    var loadSeconds: Double
    var firstAudioSeconds: Double?
    /// Process start to the first audio: the cold-start figure.
    var processFirstAudioSeconds: Double?
    var synthesisSeconds: Double
    /// Compute seconds per audio second (lower is faster).
    var rtf: Double?
    /// Audio seconds per compute second (higher is faster).
    var timesRealTime: Double?
    var peakRssMB: Double?
    var rssMB: Double?
    var stages: [String: Double]
    var output: String?
    var notes: [String]

    init(model: ModelDescriptor, voice: String, sampleRate: Int, metrics: SynthesisMetrics, output: String?, notes: [String]) {
        self.model = model.id
        kind = model.kind.rawValue
        self.voice = voice
        self.sampleRate = sampleRate
        audioSeconds = metrics.audioSeconds
        loadSeconds = metrics.loadSeconds
        firstAudioSeconds = metrics.firstAudioSeconds
        synthesisSeconds = metrics.synthesisSeconds
        rtf = metrics.realTimeFactor.rtf
        timesRealTime = metrics.realTimeFactor.timesRealTime
        peakRssMB = metrics.peakResidentMB
        rssMB = metrics.residentMB
        stages = Dictionary(metrics.stages.map { ($0.name, $0.seconds) }, uniquingKeysWith: +)
        self.output = output
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case model, kind, voice, rtf, stages, output, notes
        case sampleRate = "sample_rate", audioSeconds = "audio_seconds", loadSeconds = "load_seconds"
        case firstAudioSeconds = "first_audio_seconds", synthesisSeconds = "synthesis_seconds"
        case processFirstAudioSeconds = "process_first_audio_seconds"
        case timesRealTime = "times_real_time", peakRssMB = "peak_rss_mb", rssMB = "rss_mb"
    }
}

extension WeightPrecision: ExpressibleByArgument {}

/// Writes JSON to `path` through a temporary file and a rename, so readers never see half of it.
func writeJSONAtomically<T: Encodable>(_ value: T, to path: String) throws {
    let data = try JSONEncoder().encode(value)
    do {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw SottoError("cannot write \(path): \(SottoError.describe(error))")
    }
}

/// Writes text to `path` through a temporary file and a rename.
func writeTextAtomically(_ text: String, to path: String) throws {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw SottoError("cannot write \(path): \(SottoError.describe(error))")
    }
}
