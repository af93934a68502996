import Foundation
import Qwen3TTS
import SottoKernels

/// `--decode`: times the codec decoder alone on `frames` frames of random codes, fed as a take
/// feeds it (a first piece of 4 frames, then 12 at a time), `repeats` times after one warm-up.
/// Prints the median wall time per second of audio, in all and per stage, so a change to the
/// codec's convolutions can be judged without the language models around it.
func runDecodeBench(folder: URL, frames: Int, threads: Int, repeats: Int, bfloat16Convolutions: Bool) throws {
    let codec = try CodecDecoder(folder: folder.appendingPathComponent("speech_tokenizer"),
                                 bfloat16Convolutions: bfloat16Convolutions)
    var generator = SystemRandomNumberGenerator()
    let codes = (0 ..< frames).map { _ in
        (0 ..< codec.config.quantizers).map { _ in Int.random(in: 0 ..< codec.config.codebookSize, using: &generator) }
    }
    let audioSeconds = Double(frames * codec.samplesPerFrame) / Double(codec.sampleRate)
    func decodeTake() throws -> Double {
        codec.reset()
        let start = ContinuousClock.now
        var next = 0, piece = 4
        while next < frames {
            let end = min(frames, next + piece)
            _ = try codec.decodeNext(Array(codes[next ..< end]))
            next = end
            piece = 12
        }
        return seconds(ContinuousClock.now - start)
    }
    _ = try decodeTake()
    var totals: [Double] = [], stages: [String: [Double]] = [:], order: [String] = []
    for _ in 0 ..< repeats {
        codec.resetStageSeconds()
        totals.append(try decodeTake())
        for (stage, value) in codec.stageSeconds {
            if stages[stage] == nil { order.append(stage) }
            stages[stage, default: []].append(value)
        }
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    func perAudio(_ value: Double) -> String { String(format: "%.3f", value / audioSeconds) }
    print("codec decoder, \(frames) frames (\(String(format: "%.2f", audioSeconds)) s), \(threads) threads, tier \(KernelTier.active), "
          + "bf16 convolutions \(bfloat16Convolutions ? "allowed" : "off"); seconds per audio second, median of \(repeats)")
    print("| stage | s per audio s |")
    print("|---|---|")
    for stage in order { print("| \(stage) | \(perAudio(median(stages[stage]!))) |") }
    print("| all | \(perAudio(median(totals))) |")
    print("load \(loadAverage())")
}
