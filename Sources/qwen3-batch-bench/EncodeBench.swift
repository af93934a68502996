import Foundation
import Qwen3TTS
import SottoKernels

/// `--encode FILE`: times the codec encoder (a voice-clone reference → codes) on FILE, raw
/// float32 samples at 24 kHz, `repeats` times after one warm-up: median and minimum wall time,
/// CPU time (user + system) per encode, and the median time of each stage.
func runEncodeBench(folder: URL, input: String, threads: Int, repeats: Int) throws {
    guard let data = FileManager.default.contents(atPath: input), data.count >= 4 else {
        print("cannot read \(input) (raw float32 samples at 24 kHz)")
        exit(2)
    }
    let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    let encoder = try CodecEncoder(folder: folder.appendingPathComponent("speech_tokenizer"))
    var codes = try encoder.encode(samples)
    var wall: [Double] = [], cpu: [Double] = []
    var stages: [String: [Double]] = [:]
    for _ in 0 ..< repeats {
        let cpuStart = processCPUSeconds(), start = ContinuousClock.now
        codes = try encoder.encode(samples)
        let elapsed = ContinuousClock.now - start
        wall.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        cpu.append(processCPUSeconds() - cpuStart)
        for (stage, seconds) in encoder.lastStageSeconds { stages[stage, default: []].append(seconds) }
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    let perStage = ["convolutions", "transformer", "downsample", "quantizer"].compactMap { name in
        stages[name].map { "\(name) \(String(format: "%.1f", 1000 * median($0)))" }
    }
    print("native threads \(threads): median \(String(format: "%.1f", 1000 * median(wall))) ms, "
          + "min \(String(format: "%.1f", 1000 * wall.min()!)) ms, CPU \(String(format: "%.1f", 1000 * median(cpu))) ms, "
          + "\(codes.count) frames x \(codes.first?.count ?? 0) codes, \(String(format: "%.2f", Double(samples.count) / 24000)) s; "
          + "stages (ms) \(perStage.joined(separator: ", ")); load \(loadAverage())")
}

func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
