import Foundation
import SottoAudio
import SottoCore
import SottoEngines
import SottoKernels
import SottoMetrics
import SottoRuntime
import Synchronization

/// Runs the measurements `sotto bench` reports.
struct BenchRunner {
    var texts: [(name: String, text: String)]
    var runs: Int
    var warmup: Int
    var synthesis: SynthesisFlags
    var threads: Int?
    var precision: WeightPrecision?
    var modelsDirectory: String?
    var cold: Bool
    var playDevice: String?
    var concurrency: Int?

    private var loadOptions: LoadOptions { LoadOptions(threads: threads, precision: precision) }

    private func request(_ text: String) -> SynthesisRequest {
        // Runs are comparable across builds: seed 1 unless another is given.
        synthesis.options(defaultSeed: 1).request(text: text)
    }

    /// Every cell of one model, plus its concurrency results when asked for.
    /// `reference` is how a fresh `sotto say` process should name the model (`-m`).
    func measure(_ model: ModelDescriptor, reference: String) throws
        -> (cells: [BenchCell], runs: [BenchRun], concurrency: [ConcurrencyResult])
    {
        var coldStarts: [String: Double] = [:]
        if cold {
            for (name, text) in texts { coldStarts[name] = try coldStart(model, reference: reference, text: text) }
        }
        _ = ProcessMemory.resetPeak()
        let loadWatch = Stopwatch()
        var engine: (any SpeechEngine)? = try modelFamilies.load(model, options: loadOptions)
        let loadSeconds = loadWatch.elapsed
        let threadCount = KernelThreads.count
        let tier = KernelTier.active.description
        var cells: [BenchCell] = []
        var records: [BenchRun] = []
        for (name, text) in texts {
            var first: [Double] = [], total: [Double] = [], audio: [Double] = []
            for index in 0 ..< warmup + runs {
                if index == warmup { _ = ProcessMemory.resetPeak() }
                var meter = SynthesisMeter()
                let summary = try engine!.synthesize(request(text), cancellation: CancellationFlag()) { chunk in
                    meter.audioProduced(frames: chunk.samples.count, sampleRate: chunk.sampleRate)
                }
                let metrics = meter.finish()
                guard index >= warmup else { continue }
                records.append(BenchRun(
                    model: model.id, text: name, seconds: metrics.synthesisSeconds, firstAudioSeconds: metrics.firstAudioSeconds,
                    audioSeconds: metrics.audioSeconds, rtf: metrics.realTimeFactor.rtf,
                    stages: Dictionary(summary.stages.map { ($0.name, $0.seconds) }, uniquingKeysWith: +),
                    frames: summary.generatedCodes?.count))
                if let firstAudio = metrics.firstAudioSeconds { first.append(firstAudio) }
                total.append(metrics.synthesisSeconds)
                audio.append(metrics.audioSeconds)
            }
            let peak = ProcessMemory.read()?.peakResidentMB
            let firstSamples = LatencySamples(first), totalSamples = LatencySamples(total)
            let audioSeconds = median(audio)
            let speed = RealTimeFactor(computeSeconds: median(total), audioSeconds: audioSeconds)
            var cell = BenchCell(
                model: model.id, voice: synthesis.chosenVoice ?? engine!.defaultVoice, text: name, characters: text.count,
                runs: runs, threads: threadCount, tier: tier, loadSeconds: BenchRounding.seconds(loadSeconds)!,
                coldFirstAudioSeconds: BenchRounding.seconds(coldStarts[name]),
                firstAudioP50: BenchRounding.seconds(firstSamples.p50), firstAudioP95: BenchRounding.seconds(firstSamples.p95),
                synthesisP50: BenchRounding.seconds(totalSamples.p50), synthesisP95: BenchRounding.seconds(totalSamples.p95),
                audioSeconds: BenchRounding.seconds(audioSeconds)!, rtf: BenchRounding.ratio(speed.rtf),
                timesRealtime: BenchRounding.times(speed.timesRealTime), peakRssMB: BenchRounding.megabytes(peak),
                firstAudioSamples: first.map(BenchRounding.sample), synthesisSamples: total.map(BenchRounding.sample))
            if let playDevice {
                cell.play = try playLatency(engine!, text: text, device: playDevice)
            }
            cells.append(cell)
        }
        var results: [ConcurrencyResult] = []
        if let sessions = concurrency {
            let batching = engine is any BatchingSpeechEngine
            engine = nil  // the lane loads its own
            results = try concurrent(model, sessions: sessions, batching: batching)
        }
        return (cells, records, results)
    }

    // MARK: Cold start

    /// Runs `sotto say` in a fresh process and reads its process-start-to-first-audio figure.
    private func coldStart(_ model: ModelDescriptor, reference: String, text: String) throws -> Double {
        var arguments = ["say", text, "-m", reference, "-o", "/dev/null", "--format", "wav", "--json", "--seed",
                         String(synthesis.seed ?? 1)]
        if let modelsDirectory { arguments += ["--models-dir", modelsDirectory] }
        if let voice = synthesis.voice { arguments += ["--voice", voice] }
        if let speaker = synthesis.speaker { arguments += ["--speaker", speaker] }
        if let instruct = synthesis.instruct { arguments += ["--instruct", instruct] }
        if let design = synthesis.design { arguments += ["--design", design] }
        if let language = synthesis.language { arguments += ["--language", language] }
        if synthesis.speed != 1 { arguments += ["--speed", String(synthesis.speed)] }
        if synthesis.greedy { arguments.append("--greedy") }
        if let maxFrames = synthesis.maxFrames { arguments += ["--max-frames", String(maxFrames)] }
        if let noiseScale = synthesis.noiseScale { arguments += ["--noise-scale", String(noiseScale)] }
        if let noiseW = synthesis.noiseW { arguments += ["--noise-w", String(noiseW)] }
        if let threads { arguments += ["--threads", String(threads)] }
        if let precision { arguments += ["--precision", precision.rawValue] }
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errorData = Mutex(Data())
        let reader = Thread { errorData.withLock { $0 = errors.fileHandleForReading.readDataToEndOfFile() } }
        reader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        guard process.terminationStatus == 0 else {
            let message = errorData.withLock { String(decoding: $0, as: UTF8.self) }
            throw SottoError("the cold-start run of \(model.id) failed: "
                + (message.split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"))
        }
        struct SayFigures: Decodable {
            var processFirstAudio: Double?
            enum CodingKeys: String, CodingKey { case processFirstAudio = "process_first_audio_seconds" }
        }
        guard let figure = try JSONDecoder().decode(SayFigures.self, from: data).processFirstAudio else {
            throw SottoError("the cold-start run of \(model.id) reported no first audio")
        }
        return figure
    }

    /// This very binary, so the cold start measures the build being benchmarked.
    static var executable: URL {
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        return URL(fileURLWithPath: link ?? CommandLine.arguments[0])
    }

    // MARK: Speaker

    /// Request to the first frame handed to ALSA and to the first frame audible, over `runs` runs.
    private func playLatency(_ engine: any SpeechEngine, text: String, device: String) throws -> PlayLatency {
        var toAlsa: [Double] = [], audible: [Double] = []
        var deviceName = device
        for _ in 0 ..< runs {
            let buffer = PlaybackBuffer(sampleRate: engine.sampleRate)
            // Opened before the request, as `sotto say` does, so opening is not part of the figure.
            let player: Player
            do {
                player = try Player(source: buffer, device: .named(device))
            } catch {
                throw SottoError("--play: \(error)")
            }
            deviceName = player.deviceName
            let requested = MonotonicClock.now()
            var started = false
            _ = try engine.synthesize(request(text), cancellation: CancellationFlag()) { chunk in
                buffer.append(chunk.samples)
                if !started && !chunk.samples.isEmpty {
                    started = true
                    player.start()
                }
            }
            buffer.finish()
            player.start()
            // Only the start matters: stop once the device has run, or when playback ends.
            let deadline = MonotonicClock.now() + 10
            while player.startTiming.runningAt == nil, !player.state.isDone, MonotonicClock.now() < deadline {
                usleep(2000)
            }
            player.stop()
            if case .failed(let error) = player.waitUntilDone() { throw SottoError("--play: \(error)") }
            let timing = player.startTiming
            if let handed = timing.firstWriteAt {
                toAlsa.append(BenchRounding.sample(handed - requested))
                if let heard = timing.firstAudibleAt {
                    audible.append(BenchRounding.sample(max(heard, handed) - requested))
                }
            }
        }
        let alsa = LatencySamples(toAlsa), heard = LatencySamples(audible)
        return PlayLatency(device: deviceName, runs: runs,
                           toAlsaP50: BenchRounding.seconds(alsa.p50), toAlsaP95: BenchRounding.seconds(alsa.p95),
                           audibleP50: BenchRounding.seconds(heard.p50), audibleP95: BenchRounding.seconds(heard.p95),
                           toAlsaSamples: toAlsa, audibleSamples: audible)
    }

    // MARK: Concurrency

    /// `sessions` requests at once against the model's lane, `runs` rounds, beside one at a time.
    private func concurrent(_ model: ModelDescriptor, sessions: Int, batching: Bool) throws -> [ConcurrencyResult] {
        let lanes = ModelLanes(families: modelFamilies, loadOptions: loadOptions, queueLimit: max(8, sessions))
        defer { lanes.shutdown() }
        let lane = lanes.lane(for: model)
        let loaded = DispatchSemaphore(value: 0)
        let loadFailure = Mutex<SottoError?>(nil)
        lane.load { result in
            if case .failure(let error) = result { loadFailure.withLock { $0 = error } }
            loaded.signal()
        }
        loaded.wait()
        if let failure = loadFailure.withLock({ $0 }) { throw failure }

        var results: [ConcurrencyResult] = []
        for (name, text) in texts {
            // Warm the lane, then one session at a time, then `sessions` at once.
            for _ in 0 ..< warmup { _ = try round(lane, text: text, sessions: 1) }
            var alone: [Double] = []
            for _ in 0 ..< runs { alone += try round(lane, text: text, sessions: 1).firstAudio }
            var together: [Double] = []
            var audio = 0.0, wall = 0.0
            for _ in 0 ..< runs {
                let outcome = try round(lane, text: text, sessions: sessions)
                together += outcome.firstAudio
                audio += outcome.audioSeconds
                wall += outcome.wallSeconds
            }
            let single = LatencySamples(alone), many = LatencySamples(together)
            results.append(ConcurrencyResult(
                model: model.id, text: name, sessions: sessions, mode: batching ? "batch" : "queue", rounds: runs,
                singleFirstAudioP50: BenchRounding.seconds(single.p50), singleFirstAudioP95: BenchRounding.seconds(single.p95),
                firstAudioP50: BenchRounding.seconds(many.p50), firstAudioP95: BenchRounding.seconds(many.p95),
                slowdown: BenchRounding.ratio(many.p50.flatMap { n in single.p50.map { n / $0 } }),
                throughput: BenchRounding.ratio(wall > 0 ? audio / wall : nil)))
        }
        return results
    }

    private struct RoundOutcome {
        var firstAudio: [Double] = []
        var audioSeconds = 0.0
        var wallSeconds = 0.0
        var failure: String?
    }

    /// Submits `sessions` requests at once and waits for all; each one's time to first audio
    /// counts from its submission, so waiting in the lane's queue is part of it.
    private func round(_ lane: ModelLane, text: String, sessions: Int) throws -> RoundOutcome {
        let outcome = Mutex(RoundOutcome())
        let group = DispatchGroup()
        let began = MonotonicClock.now()
        for index in 0 ..< sessions {
            group.enter()
            let submitted = MonotonicClock.now()
            let firstSeen = Mutex(false)
            try lane.submit(LaneRequest(id: index, text: text, options: synthesis.options(defaultSeed: 1))) { event in
                switch event {
                case .chunk(let timed):
                    let isFirst = firstSeen.withLock { seen in
                        defer { seen = true }
                        return !seen
                    }
                    let seconds = Double(timed.chunk.samples.count) / Double(max(1, timed.chunk.sampleRate))
                    outcome.withLock { state in
                        if isFirst { state.firstAudio.append(BenchRounding.sample(timed.at - submitted)) }
                        state.audioSeconds += seconds
                    }
                case .finished(let end):
                    if case .failed(let message) = end.outcome { outcome.withLock { $0.failure = message } }
                    group.leave()
                default:
                    break
                }
            }
        }
        group.wait()
        var result = outcome.withLock { $0 }
        if let failure = result.failure { throw SottoError("concurrent run of \(lane.model.id) failed: \(failure)") }
        result.wallSeconds = MonotonicClock.now() - began
        return result
    }
}
