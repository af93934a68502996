import Foundation
import SottoCore
import Testing

/// Weights are loaded only where the address-space limit (`ulimit -v`) leaves room: a limit too
/// low for a model's weights ends `sotto say` with one line naming the weight that did not fit
/// and its file, never a trap, a core or a hang.
///
/// Where in the address space loading begins depends on the machine (libraries, thread stacks,
/// malloc arenas), so each model is run under a few limits around that point: every run must end
/// cleanly (audio, or one line and status 1), and at least one must stop at a named weight.
@Suite(.serialized) struct WeightRoomTests {
    /// One `sotto say` under `ulimit -v kilobytes` (`timeout` turns a hang, which may ignore SIGTERM, into status 137).
    private func say(_ arguments: String, kilobytes: Int, in folder: String) throws -> SottoProcess.Result {
        try SottoProcess.shell(#"ulimit -v \#(kilobytes); exec timeout -s KILL 30 "$0" say \#(arguments) -o out.wav"#, in: folder)
    }

    /// Runs `arguments` under each limit; returns the lines that named a weight of `file`.
    /// With `untilNamed`, stops at the first limit that names a weight.
    private func scan(_ arguments: String, limits: [Int], file: String, untilNamed: Bool = false) throws -> [String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-room-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var named: [String] = []
        for kilobytes in limits {
            let result = try say(arguments, kilobytes: kilobytes, in: folder)
            let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("note:") }
            guard result.status != 0 else { continue }
            #expect(result.status == 1, "ulimit -v \(kilobytes): status \(result.status): \(result.stderr.prefix(600))")
            #expect(lines.count == 1 && lines[0].hasPrefix("sotto: "), "ulimit -v \(kilobytes): \(result.stderr.prefix(600))")
            if let line = lines.first, line.contains("to load "), line.contains(" of \(file)") {
                named.append(String(line))
                if untilNamed { break }
            }
        }
        return named
    }

    @Test func kokoroNamesTheWeightThatDoesNotFit() throws {
        let named = try scan("'こんにちは。' -m kokoro -v jf_alpha", limits: [400_000, 440_000, 480_000], file: "kokoro-v1.0.int8.onnx")
        #expect(!named.isEmpty, "no limit stopped at a Kokoro weight")
    }

    /// The tiny test model's weights (3.5 MB) are small beside what comes before them (the
    /// tokenizer's dictionaries, OpenBLAS's buffers), so the limits that stop at a weight span
    /// only a few MB, and where they lie moves with the machine's layout. The scan climbs 2,000 KB
    /// at a time from just above where the dynamic loader can still map Sotto's libraries: each
    /// run before the weights (too little room to start, to read the tokenizer, for an OpenBLAS
    /// buffer) must be one line too. Before the tokenizer's room was checked, the limits below
    /// the weights on an AVX-512 CPU ended in Swift's "failed to allocate" trap.
    @Test func qwen3NamesTheWeightThatDoesNotFit() throws {
        let folder = try SayCloneTests.modelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = SayCloneTests.fixture.appendingPathComponent("ref_24k_mono.wav").path
        let named = try scan("'Hello there.' -m '\(folder.path)' --reference '\(reference)' --x-vector-only --max-frames 4",
                             limits: Array(stride(from: 180_000, through: 480_000, by: 2_000)), file: "model.safetensors",
                             untilNamed: true)
        #expect(!named.isEmpty, "no limit stopped at a Qwen3-TTS weight")
    }
}
