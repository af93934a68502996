import Foundation
import Qwen3TTS
import SottoKernels

/// `--encode FILE`: times the codec encoder (a voice-clone reference → codes) on FILE, raw
/// float32 samples at 24 kHz, `repeats` times after one warm-up: median and minimum wall time,
/// CPU time (user + system) per encode, and the median time of each stage. With `--speaker`
/// (a Base model folder) the speaker encoder's x-vector of the same samples is timed too, the
/// other half of what a clone prompt needs; the last line is then one JSON object with every
/// timing (seconds) for Scripts/bench/qwen3_bench.py --clone.
func runEncodeBench(folder: URL, input: String, threads: Int, repeats: Int, speaker: Bool) throws {
    guard let data = FileManager.default.contents(atPath: input), data.count >= 4 else {
        print("cannot read \(input) (raw float32 samples at 24 kHz)")
        exit(2)
    }
    let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    let encoder = try CodecEncoder(folder: folder.appendingPathComponent("speech_tokenizer"))
    let speakerEncoder = speaker ? try SpeakerEncoder(folder: folder) : nil
    var codes = try encoder.encode(samples)
    _ = try speakerEncoder?.embed(samples)
    var wall: [Double] = [], cpu: [Double] = [], speakerWall: [Double] = [], speakerCPU: [Double] = []
    var stages: [String: [Double]] = [:]
    for _ in 0 ..< repeats {
        if let speakerEncoder {
            let cpuStart = processCPUSeconds(), start = ContinuousClock.now
            _ = try speakerEncoder.embed(samples)
            speakerWall.append(seconds(ContinuousClock.now - start))
            speakerCPU.append(processCPUSeconds() - cpuStart)
        }
        let cpuStart = processCPUSeconds(), start = ContinuousClock.now
        codes = try encoder.encode(samples)
        wall.append(seconds(ContinuousClock.now - start))
        cpu.append(processCPUSeconds() - cpuStart)
        for (stage, seconds) in encoder.lastStageSeconds { stages[stage, default: []].append(seconds) }
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    func ms(_ value: Double) -> String { String(format: "%.1f", 1000 * value) }
    let perStage = ["convolutions", "transformer", "downsample", "quantizer"].compactMap { name in
        stages[name].map { "\(name) \(ms(median($0)))" }
    }
    let speakerPart = speakerEncoder == nil ? "" : "x-vector median \(ms(median(speakerWall))) ms, CPU \(ms(median(speakerCPU))) ms; "
    print("native threads \(threads) tier \(KernelTier.active): \(speakerPart)codes median \(ms(median(wall))) ms, "
          + "min \(ms(wall.min()!)) ms, CPU \(ms(median(cpu))) ms, "
          + "\(codes.count) frames x \(codes.first?.count ?? 0) codes, \(String(format: "%.2f", Double(samples.count) / 24000)) s; "
          + "stages (ms) \(perStage.joined(separator: ", ")); load \(loadAverage())")
    if speakerEncoder != nil {
        let report: [String: Any] = ["xvector": ["wall": speakerWall, "cpu": speakerCPU], "codes": ["wall": wall, "cpu": cpu],
                                     "tier": "\(KernelTier.active)", "load": loadAverage()]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
