import Foundation
import Qwen3TTS
import SottoCore
import SottoEngines
import SottoKernels
import SottoMetrics

// Times Qwen3-TTS continuous batching on a model folder: N requests join one batch together and
// decode to a fixed frame count (a random checkpoint never says end-of-speech). Prints aggregate
// frames and audio seconds per wall second, per-stream time per frame, time to first chunk and
// peak resident memory. One batch size per process, so that the peak memory is that batch's.
//
//   qwen3-batch-bench FOLDER [--streams N] [--frames F] [--precision int8] [--threads T]
//   qwen3-batch-bench FOLDER --encode SAMPLES.f32 [--speaker] [--threads T] [--repeats R]
//   qwen3-batch-bench FOLDER --decode [--frames F] [--precision P] [--threads T] [--repeats R]
//
// The second form times the codec encoder on a voice-clone reference instead (EncodeBench.swift).

OpenBLASCore.reexecIfWorthwhile()
OpenBLASCore.shortenIdleSpin()

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func residentKilobytes(_ field: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init) ?? "") ?? 0
    }
    return 0
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

guard CommandLine.arguments.count > 1, !CommandLine.arguments[1].hasPrefix("--") else {
    print("usage: qwen3-batch-bench FOLDER [--streams N] [--frames F] [--precision int8|int4|bf16|fp32] [--threads T]")
    exit(2)
}
let folder = URL(fileURLWithPath: (CommandLine.arguments[1] as NSString).expandingTildeInPath)
let streams = Int(argument("--streams") ?? "1") ?? 1
let frames = Int(argument("--frames") ?? "48") ?? 48
let precision = WeightPrecision(rawValue: argument("--precision") ?? "int8") ?? .int8
let threads = Int(argument("--threads") ?? "2") ?? 2
KernelThreads.set(threads)

if CommandLine.arguments.contains("--decode") {
    try runDecodeBench(folder: folder, frames: frames, threads: threads, repeats: Int(argument("--repeats") ?? "5") ?? 5,
                       bfloat16Convolutions: precision != .fp32)
    exit(0)
}
if let input = argument("--encode") {
    try runEncodeBench(folder: folder, input: input, threads: threads, repeats: Int(argument("--repeats") ?? "5") ?? 5,
                       speaker: CommandLine.arguments.contains("--speaker"))
    exit(0)
}

let loadStart = MonotonicClock.now()
let qwen = try Qwen3Model(folder: folder, precision: precision)
let engine = Qwen3Engine(model: ModelDescriptor(name: folder.lastPathComponent, kind: .qwen3, url: folder, files: []), qwen: qwen)
let loaded = residentKilobytes("VmRSS")
print("loaded \(folder.lastPathComponent) at \(precision) in \(String(format: "%.1f", MonotonicClock.now() - loadStart)) s, "
      + "\(threads) threads, tier \(KernelTier.active), resident \(loaded / 1024) MB")

// Warm up (first-touch of the weights, thread pool): one short take alone.
var warm = SynthesisRequest(text: "Warm up.", voice: "ryan", language: "english", seed: 1)
warm.sampling.maxFrames = 4
_ = try engine.synthesize(warm, cancellation: CancellationFlag()) { _ in }
let warmed = residentKilobytes("VmRSS")

let texts = [
    "The quick brown fox jumps over the lazy dog.",
    "She sells sea shells by the sea shore.",
    "A journey of a thousand miles begins with a single step.",
    "To be or not to be, that is the question.",
    "All that glitters is not gold.",
    "The early bird catches the worm, they say.",
    "Knowledge speaks, but wisdom listens.",
    "Every moment is a fresh beginning.",
]
let speakers = qwen.speakers
final class Tally {
    var firstChunk: Double?
    var frames = 0
    var ended = false
    var stages: [String: Double] = [:]
}
let tallies = (0 ..< streams).map { _ in Tally() }
let batch = engine.makeBatch()
let start = MonotonicClock.now()
for i in 0 ..< streams {
    var request = SynthesisRequest(text: texts[i % texts.count], voice: speakers[i % speakers.count], language: "english",
                                   seed: UInt64(100 + i))
    request.sampling.maxFrames = frames
    let tally = tallies[i]
    try batch.join(request, cancellation: CancellationFlag(), onChunk: { chunk in
        if tally.firstChunk == nil { tally.firstChunk = MonotonicClock.now() - start }
    }, onEnd: { result in
        tally.ended = true
        if case .success(let summary) = result {
            tally.frames = summary.generatedCodes?.count ?? 0
            for stage in summary.stages { tally.stages[stage.name] = stage.seconds }
        }
        if case .failure(let error) = result { print("request \(i) failed: \(error)") }
    })
}
let joined = MonotonicClock.now()
var steps = 0
while batch.activeCount > 0 {
    batch.step()
    steps += 1
}
let end = MonotonicClock.now()
let total = tallies.reduce(0) { $0 + $1.frames }
let decodeSeconds = end - joined, wall = end - start
let firsts = tallies.compactMap(\.firstChunk)
let peak = residentKilobytes("VmHWM")
func f(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
print("streams \(streams): \(total) frames in \(steps) steps; prefill \(f(joined - start)) s, decode \(f(decodeSeconds)) s")
print("  aggregate \(f(Double(total) / decodeSeconds, 1)) frames/s decoding (\(f(Double(total) / 12.5 / decodeSeconds)) audio s per s), "
      + "\(f(Double(total) / wall, 1)) frames/s with prefill (\(f(Double(total) / 12.5 / wall)) audio s per s)")
print("  per stream \(f(1000 * decodeSeconds / Double(max(1, steps)), 0)) ms per frame; first chunk "
      + "mean \(f(firsts.reduce(0, +) / Double(max(1, firsts.count)))) s, max \(f(firsts.max() ?? 0)) s")
// Talker and code-predictor times are the batched passes (the same for every stream); each
// stream's codec runs on its own, so the batch pays the sum.
let talkerSeconds = tallies.map { $0.stages["talker"] ?? 0 }.max() ?? 0
let predictorSeconds = tallies.map { $0.stages["code predictor"] ?? 0 }.max() ?? 0
let codecSeconds = tallies.reduce(0) { $0 + ($1.stages["codec"] ?? 0) }
print("  per step: talker \(f(1000 * talkerSeconds / Double(max(1, steps)), 0)) ms, code predictor "
      + "\(f(1000 * predictorSeconds / Double(max(1, steps)), 0)) ms, codec (all streams) \(f(1000 * codecSeconds / Double(max(1, steps)), 0)) ms")
print("  resident: loaded \(loaded / 1024) MB, after warm-up \(warmed / 1024) MB, peak \(peak / 1024) MB; load average \(loadAverage())")
print("CSV,\(streams),\(total),\(f(decodeSeconds, 3)),\(f(wall, 3)),\(f(Double(total) / decodeSeconds, 2)),"
      + "\(f(1000 * decodeSeconds / Double(max(1, steps)), 1)),\(f(firsts.reduce(0, +) / Double(max(1, firsts.count)), 3)),"
      + "\(f(firsts.max() ?? 0, 3)),\(warmed / 1024),\(peak / 1024),\(f(1000 * talkerSeconds / Double(max(1, steps)), 1)),"
      + "\(f(1000 * predictorSeconds / Double(max(1, steps)), 1)),\(f(1000 * codecSeconds / Double(max(1, steps)), 1)),\(loadAverage())")
