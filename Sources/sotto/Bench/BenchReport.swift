import Foundation

/// What `sotto bench` measured, as `--json` prints it and `--compare` / `--from` read it back.
/// Summary figures are rounded as the table shows them, so the two always agree; the samples
/// behind them keep microseconds.
struct BenchReport: Codable {
    var cpu: String
    var tier: String
    var threads: Int
    /// Timed runs per model and text.
    var runsPerText: Int
    var warmup: Int
    var cells: [BenchCell]
    /// Every timed run, in order (what the comparison scripts in Scripts/bench read).
    var runs: [BenchRun]
    var concurrency: [ConcurrencyResult]?
    var comparison: [BenchComparison.Row]?
    // With one model, its figures at the top level too, as before cells existed.
    var model: String?
    var voice: String?
    var precision: String?
    var loadSeconds: Double?
    var coldFirstAudioSeconds: Double?
    var peakRssMB: Double?

    enum CodingKeys: String, CodingKey {
        case cpu, tier, threads, warmup, cells, runs, concurrency, comparison, model, voice, precision
        case runsPerText = "runs_per_text", loadSeconds = "load_seconds"
        case coldFirstAudioSeconds = "cold_first_audio_seconds", peakRssMB = "peak_rss_mb"
    }
}

/// One timed run.
struct BenchRun: Codable {
    var model: String
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
        case model, text, seconds, rtf, stages, frames
        case firstAudioSeconds = "first_audio_seconds", audioSeconds = "audio_seconds"
    }
}

/// One model on one text.
struct BenchCell: Codable {
    var model: String
    var voice: String?
    var text: String
    var characters: Int
    var runs: Int
    var threads: Int
    var tier: String
    var loadSeconds: Double
    /// A fresh `sotto say` process: process start to its first audio.
    var coldFirstAudioSeconds: Double?
    var firstAudioP50: Double?
    var firstAudioP95: Double?
    var synthesisP50: Double?
    var synthesisP95: Double?
    /// Median length of the audio made.
    var audioSeconds: Double
    /// Compute seconds ÷ audio seconds (lower is faster).
    var rtf: Double?
    /// Audio seconds ÷ compute seconds (higher is faster).
    var timesRealtime: Double?
    var peakRssMB: Double?
    var firstAudioSamples: [Double]
    var synthesisSamples: [Double]
    var play: PlayLatency?

    enum CodingKeys: String, CodingKey {
        case model, voice, text, characters, runs, threads, tier, rtf, play
        case loadSeconds = "load_seconds", coldFirstAudioSeconds = "cold_first_audio_seconds"
        case firstAudioP50 = "first_audio_p50_seconds", firstAudioP95 = "first_audio_p95_seconds"
        case synthesisP50 = "synthesis_p50_seconds", synthesisP95 = "synthesis_p95_seconds"
        case audioSeconds = "audio_seconds", timesRealtime = "times_realtime", peakRssMB = "peak_rss_mb"
        case firstAudioSamples = "first_audio_samples", synthesisSamples = "synthesis_samples"
    }

    var key: String { "\(model) \(text)" }
}

/// Request to speaker on one device.
struct PlayLatency: Codable {
    var device: String
    var runs: Int
    /// Request to the first frame handed to ALSA.
    var toAlsaP50: Double?
    var toAlsaP95: Double?
    /// Request to the first frame audible: the device's own latency (snd_pcm_delay beyond the
    /// queued frames) included.
    var audibleP50: Double?
    var audibleP95: Double?
    var toAlsaSamples: [Double]
    var audibleSamples: [Double]

    enum CodingKeys: String, CodingKey {
        case device, runs
        case toAlsaP50 = "to_alsa_p50_seconds", toAlsaP95 = "to_alsa_p95_seconds"
        case audibleP50 = "audible_p50_seconds", audibleP95 = "audible_p95_seconds"
        case toAlsaSamples = "to_alsa_samples", audibleSamples = "audible_samples"
    }
}

/// N sessions at once against one model's lane, beside one session alone.
struct ConcurrencyResult: Codable {
    var model: String
    var text: String
    var sessions: Int
    /// "queue": the lane runs requests one after another, so sessions wait for each other;
    /// "batch": the engine decodes the requests together.
    var mode: String
    var rounds: Int
    var singleFirstAudioP50: Double?
    var singleFirstAudioP95: Double?
    var firstAudioP50: Double?
    var firstAudioP95: Double?
    /// p50 at N sessions ÷ p50 alone.
    var slowdown: Double?
    /// Audio seconds made per wall-clock second with N sessions.
    var throughput: Double?

    enum CodingKeys: String, CodingKey {
        case model, text, sessions, mode, rounds, slowdown, throughput
        case singleFirstAudioP50 = "single_first_audio_p50_seconds", singleFirstAudioP95 = "single_first_audio_p95_seconds"
        case firstAudioP50 = "first_audio_p50_seconds", firstAudioP95 = "first_audio_p95_seconds"
    }
}

/// Rounding shared by the table and the JSON.
enum BenchRounding {
    static func seconds(_ value: Double?) -> Double? { value.map { ($0 * 1000).rounded() / 1000 } }
    static func ratio(_ value: Double?) -> Double? { value.map { ($0 * 1000).rounded() / 1000 } }
    static func times(_ value: Double?) -> Double? { value.map { ($0 * 10).rounded() / 10 } }
    static func megabytes(_ value: Double?) -> Double? { value.map { $0.rounded() } }
    static func sample(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }

    static func text(_ value: Double?, decimals: Int) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.\(decimals)f", value)
    }
}
