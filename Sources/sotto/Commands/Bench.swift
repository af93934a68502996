import ArgumentParser
import Foundation
import SottoCore
import SottoKernels
import SottoMetrics
import SottoRuntime

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time a model on the standard texts: load once, warm up, then repeated runs.",
        discussion: """
        Prints every run so a comparison script can interleave engines and take medians. The \
        standard texts are those of the 18-model benchmark Sotto's targets come from: short \
        (12 characters), medium (49) and long (210).
        """)

    static let standardTexts: [(name: String, text: String)] = [
        ("short", "Hello world."),
        ("medium", "The quick brown fox jumps over the lazy dog, too."),
        ("long", "Text to speech engines turn written words into natural sounding audio. This paragraph is a "
            + "little longer, so that we can measure how the latency grows with the number of phonemes the "
            + "model has to read out loud."),
    ]

    @OptionGroup var location: ModelDirectoryOptions

    @Option(name: [.short, .customLong("model")], help: "Model name, kind or path.")
    var model: String

    @OptionGroup var synthesis: SynthesisFlags

    @Option(help: "Which standard texts to run, comma-separated (short, medium, long).")
    var texts: String = "short,medium,long"

    @Option(help: "Run this text instead of the standard ones.")
    var text: String?

    @Option(help: "Timed runs per text.")
    var runs: Int = 5

    @Option(help: "Untimed runs per text before the timed ones.")
    var warmup: Int = 1

    @Option(help: "Threads for inference.")
    var threads: Int?

    @Option(help: "Weight precision for models that offer it: fp32, bf16, int8, int4.")
    var precision: WeightPrecision?

    @Flag(help: "Print JSON (one object) instead of a table.")
    var json = false

    struct Run: Encodable {
        var text: String
        var seconds: Double
        var firstAudioSeconds: Double?
        var audioSeconds: Double
        var rtf: Double?
        /// Per-stage seconds as the engine reports them (e.g. prefill, talker, codec).
        var stages: [String: Double]
        /// Codec frames generated, for models that generate them.
        var frames: Int?
        enum CodingKeys: String, CodingKey {
            case text, seconds, rtf, stages, frames
            case firstAudioSeconds = "first_audio_seconds", audioSeconds = "audio_seconds"
        }
    }

    struct Report: Encodable {
        var model: String
        var voice: String?
        var threads: Int?
        var precision: String?
        var loadSeconds: Double
        /// Process start to the first audio of the first (cold) run.
        var coldFirstAudioSeconds: Double?
        var runs: [Run]
        var peakRssMB: Double?
        /// The processor and the kernel tier every row ran on.
        var cpu = CPUFeatures.current.modelName
        var tier = KernelTier.active.description
        enum CodingKeys: String, CodingKey {
            case model, voice, threads, precision, runs, cpu, tier
            case loadSeconds = "load_seconds", coldFirstAudioSeconds = "cold_first_audio_seconds"
            case peakRssMB = "peak_rss_mb"
        }
    }

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if warmup < 0 { throw ValidationError("--warmup cannot be negative") }
        let known = Set(Self.standardTexts.map(\.name))
        if text == nil, let unknown = texts.split(separator: ",").map(String.init).first(where: { !known.contains($0) }) {
            throw ValidationError("unknown text '\(unknown)'; use short, medium, long or --text")
        }
    }

    func run() throws {
        try runReportingErrors {
            let descriptor = try location.resolve(model)
            let loadWatch = Stopwatch()
            let engine = try modelFamilies.load(descriptor, options: LoadOptions(threads: threads, precision: precision))
            let loadSeconds = loadWatch.elapsed
            let selected: [(name: String, text: String)] = text.map { [("custom", $0)] }
                ?? texts.split(separator: ",").compactMap { name in Self.standardTexts.first { $0.name == name } }

            var coldFirstAudio: Double?
            var timed: [Run] = []
            for (name, body) in selected {
                for index in 0 ..< warmup + runs {
                    // Runs are comparable across builds: seed 1 unless another is given.
                    let request = synthesis.options(defaultSeed: 1).request(text: body)
                    var meter = SynthesisMeter()
                    let summary = try engine.synthesize(request, cancellation: CancellationFlag()) { chunk in
                        if coldFirstAudio == nil { coldFirstAudio = ProcessClock.secondsSinceStart() }
                        meter.audioProduced(frames: chunk.samples.count, sampleRate: chunk.sampleRate)
                    }
                    let metrics = meter.finish()
                    guard index >= warmup else { continue }
                    timed.append(Run(text: name, seconds: metrics.synthesisSeconds, firstAudioSeconds: metrics.firstAudioSeconds,
                                     audioSeconds: metrics.audioSeconds, rtf: metrics.realTimeFactor.rtf,
                                     stages: Dictionary(summary.stages.map { ($0.name, $0.seconds) }, uniquingKeysWith: +),
                                     frames: summary.generatedCodes?.count))
                }
            }
            let report = Report(model: descriptor.id, voice: synthesis.chosenVoice ?? engine.defaultVoice, threads: threads,
                                precision: precision?.rawValue, loadSeconds: loadSeconds,
                                coldFirstAudioSeconds: coldFirstAudio, runs: timed,
                                peakRssMB: ProcessMemory.read()?.peakResidentMB)
            if json {
                print(try Format.json(report))
                return
            }
            var rows = [["TEXT", "RUNS", "MEDIAN S", "AUDIO S", "RTF", "× REAL TIME", "FIRST AUDIO S"]]
            for (name, _) in selected {
                let mine = timed.filter { $0.text == name }
                let seconds = median(mine.map(\.seconds))
                let audio = median(mine.map(\.audioSeconds))
                let rtf = RealTimeFactor(computeSeconds: seconds, audioSeconds: audio)
                rows.append([name, String(mine.count), String(format: "%.3f", seconds), String(format: "%.2f", audio),
                             rtf.rtf.map { String(format: "%.3f", $0) } ?? "-",
                             rtf.timesRealTime.map { String(format: "%.1f", $0) } ?? "-",
                             String(format: "%.3f", median(mine.compactMap(\.firstAudioSeconds)))])
            }
            print("\(descriptor.id) · load \(String(format: "%.2f", loadSeconds)) s · peak \(String(format: "%.0f", report.peakRssMB ?? 0)) MB"
                  + " · \(report.cpu.ifEmpty("unknown CPU")) · \(report.tier) kernels")
            print(Format.table(rows))
        }
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
