import ArgumentParser
import Foundation
import SottoCore
import SottoKernels
import SottoMetrics
import SottoRuntime

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark models on the standard texts: load, cold start, warm latency, speed, memory.",
        discussion: """
        One row per model and text: load time; cold start (a fresh `sotto say` process of this \
        binary, from process start to its first audio, the model files already in the page \
        cache); warm time to first audio and warm synthesis time, p50 and p95 over --runs runs \
        (from an HdrHistogram) after --warmup untimed runs; the real-time factor both ways \
        (compute ÷ audio, and audio ÷ compute as "× real time"); peak resident memory; the \
        threads and kernel tier. The standard texts are those of the 18-model benchmark Sotto's \
        targets come from: short (12 characters), medium (49) and long (210).

        --compare BASELINE.json (a report saved with --save or --json) prints, per model, text \
        and metric, the change of the median and whether it is beyond the noise of the two runs: \
        \(BenchComparison.rule).

        --play plays every run on --device and reports the time from the request to the first \
        frame handed to ALSA and to the first frame audible (the device's own delay, from \
        snd_pcm_delay, included); each run waits until the device has started.

        --concurrency N also sends N requests at once to the model's lane and reports time to \
        first audio at N beside one at a time. The lane runs one request at a time, so this is \
        a queue (latency under load, not throughput); an engine that decodes requests together \
        is reported as a batch, with its throughput.

        --chart FILE.svg|.png draws the latency distributions with gnuplot.
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
    var model: String?

    @Flag(help: "Every complete model installed.")
    var all = false

    @OptionGroup var synthesis: SynthesisFlags

    @Option(help: "Which standard texts to run, comma-separated (short, medium, long).")
    var texts: String = "short,medium,long"

    @Option(help: "Run this text instead of the standard ones.")
    var text: String?

    @Option(help: "Timed runs per model and text.")
    var runs: Int = 5

    @Option(help: "Untimed runs per model and text before the timed ones.")
    var warmup: Int = 1

    @Option(help: "Threads for inference.")
    var threads: Int?

    @Option(help: "Weight precision for models that offer it: fp32, bf16, int8, int4.")
    var precision: WeightPrecision?

    @Flag(name: .customLong("no-cold"), help: "Skip the cold-start runs (fresh processes).")
    var noCold = false

    @Flag(help: "Print JSON (one object) instead of a table.")
    var json = false

    @Flag(help: "Print CSV (a header and one line per model and text) instead of a table.")
    var csv = false

    @Option(help: ArgumentHelp("Also write the JSON report to this file (a baseline for --compare).", valueName: "file"))
    var save: String?

    @Option(help: ArgumentHelp("Compare with a saved report: change per cell and whether it is beyond noise.",
                               valueName: "baseline.json"))
    var compare: String?

    @Option(help: ArgumentHelp("Measure nothing: report (or compare, chart) a saved report.", valueName: "report.json"))
    var from: String?

    @Option(help: ArgumentHelp("Draw the latency distributions per model and text with gnuplot.", valueName: "file.svg|.png"))
    var chart: String?

    @Flag(help: "Also play every run and time request → first frame to ALSA → first frame audible.")
    var play = false

    @Option(help: "ALSA playback device for --play.")
    var device: String = "default"

    @Option(help: "Also run N sessions at once against the model's lane.")
    var concurrency: Int?

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if warmup < 0 { throw ValidationError("--warmup cannot be negative") }
        if let concurrency, concurrency < 2 || concurrency > 64 {
            throw ValidationError("--concurrency must be between 2 and 64")
        }
        if json && csv { throw ValidationError("--json and --csv both choose the output; give one") }
        let sources = [model != nil, all, from != nil].filter { $0 }.count
        if sources == 0 { throw ValidationError("name a model with -m, or use --all (every installed model) or --from FILE") }
        if sources > 1 { throw ValidationError("-m, --all and --from each choose what to report; give one") }
        if let chart { _ = try BenchChart.Kind(path: chart) }
        let known = Set(Self.standardTexts.map(\.name))
        if text == nil, let unknown = texts.split(separator: ",").map(String.init).first(where: { !known.contains($0) }) {
            throw ValidationError("unknown text '\(unknown)'; use short, medium, long or --text")
        }
    }

    func run() throws {
        try runReportingErrors {
            // Fail before measuring for what would fail after it.
            if chart != nil { _ = try BenchChart.gnuplot() }
            let baseline = try compare.map { try Self.read($0) }
            var report = try from.map { try Self.read($0) } ?? measure()
            report.comparison = baseline.map { BenchComparison.compare(report, with: $0) }
            if let save {
                var saved = report
                saved.comparison = nil
                try Self.write(saved, to: save)
            }
            if let chart { try BenchChart.draw(report, to: chart) }
            if json {
                print(try Format.json(report))
            } else if csv {
                print(BenchTable.csv(report))
                if let rows = report.comparison { StandardStreams.error(BenchComparison.text(rows)) }
            } else {
                print(BenchTable.text(report))
            }
        }
    }

    private func measure() throws -> BenchReport {
        let models: [(descriptor: ModelDescriptor, reference: String)]
        if let model {
            models = [(try location.resolve(model), model)]
        } else {
            let catalog = location.catalog()
            models = catalog.models.filter { $0.isComplete && modelFamilies.supports($0.kind) }.map { ($0, $0.id) }
            if models.isEmpty {
                throw SottoError("no usable model in \(catalog.directory.path)", hint: "run Scripts/setup or pass -m PATH")
            }
        }
        let selected: [(name: String, text: String)] = text.map { [("custom", $0)] }
            ?? texts.split(separator: ",").compactMap { name in Self.standardTexts.first { $0.name == name } }
        let runner = BenchRunner(texts: selected, runs: runs, warmup: warmup, synthesis: synthesis, threads: threads,
                                 precision: precision, modelsDirectory: location.modelsDirectory, cold: !noCold,
                                 playDevice: play ? device : nil, concurrency: concurrency)
        var cells: [BenchCell] = [], records: [BenchRun] = [], concurrent: [ConcurrencyResult] = []
        for (descriptor, reference) in models {
            let measured = try runner.measure(descriptor, reference: reference)
            cells += measured.cells
            records += measured.runs
            concurrent += measured.concurrency
        }
        var report = BenchReport(
            cpu: CPUFeatures.current.modelName, tier: KernelTier.active.description,
            threads: cells.first?.threads ?? KernelThreads.count, runsPerText: runs, warmup: warmup, cells: cells,
            runs: records, concurrency: concurrency == nil ? nil : concurrent)
        if models.count == 1, let first = cells.first {
            report.model = first.model
            report.voice = first.voice
            report.precision = precision?.rawValue
            report.loadSeconds = first.loadSeconds
            report.coldFirstAudioSeconds = first.coldFirstAudioSeconds
            report.peakRssMB = cells.compactMap(\.peakRssMB).max()
        }
        return report
    }

    static func read(_ path: String) throws -> BenchReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SottoError("cannot read \(path): \(SottoError.describe(error))")
        }
        do {
            return try JSONDecoder().decode(BenchReport.self, from: data)
        } catch {
            throw SottoError("\(path) is not a report of `sotto bench --json` (\(SottoError.describe(error)))")
        }
    }

    static func write(_ report: BenchReport, to path: String) throws {
        do {
            try Data((try Format.json(report) + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SottoError("cannot write \(path): \(SottoError.describe(error))")
        }
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
