import Foundation
import SottoAudio
import SottoKernels
import Testing

/// Random flags, values and text through the real `sotto say`: every run ends in audio or one
/// clear line with a non-zero status, never a trap. Seeds are fixed so that a failure repeats;
/// `regressionArguments` keeps the argument lists that once failed.
@Suite struct SayFuzzTests {
    static let regressionArguments: [[String]] = [
        ["--threads", "-3"], ["--speed", "0"], ["--threads", "0"], ["-o", "-", "--json"], ["-o", "/dev/full", "--format", "wav"],
        // Found by this test: a thread count beyond Int32 trapped in the conversion for OpenBLAS.
        ["--threads", "2147483648", "--language", "xx-yy", "-v", "a:b"],
    ]

    static let flags: [(String, [String])] = [
        ("--speed", ["0", "-1", "0.25", "4", "4.01", "nan", "inf", "1e308", "x", "", "1,5"]),
        ("--threads", ["-3", "0", "1", "2", "99999", "2147483648", "one"]),
        ("--seed", ["-1", "0", "18446744073709551615", "18446744073709551616", "abc"]),
        ("--noise-scale", ["-1", "0", "0.667", "11", "nan", "1e-300"]),
        ("--noise-w", ["-0", "0.8", "inf", "q"]),
        ("--max-frames", ["0", "-5", "1", "9999999999999999999"]),
        ("--format", ["wav", "wav-float", "flac", "ogg", "mp3", "", "WAV"]),
        ("--speaker", ["0", "-1", "7", "joe", ""]),
        ("-v", ["", "jf_alpha", "a:b", "jf_alpha:nan", ",,,", "\u{0}"]),
        ("--language", ["en", "ja", "", "xx-yy", "english"]),
        ("--precision", ["fp32", "int4", "fp64"]),
        ("--instruct", ["calm", ""]),
        ("--design", ["a voice", ""]),
        ("--greedy", []),
        ("--bogus", []),
    ]

    static func arguments(seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        var arguments: [String] = []
        for _ in 0..<Int.random(in: 0...4, using: &generator) {
            let (flag, values) = flags.randomElement(using: &generator)!
            arguments.append(flag)
            if let value = values.randomElement(using: &generator) { arguments.append(value) }
        }
        let bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in UInt8.random(in: 1...255, using: &generator) }
        let text = Bool.random(using: &generator) ? "Hi there." : String(decoding: bytes, as: UTF8.self)
        return [text] + arguments
    }

    static let cases: [[String]] = regressionArguments.map { ["Hello."] + $0 } + (0..<40).map { arguments(seed: UInt64($0)) }

    @Test(arguments: cases)
    func sayNeverTraps(arguments: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sotto-say-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.wav").path
        let hasOutput = arguments.contains("-o")
        let result = try SottoProcess.run(["say", "-m", "en_US-joe-medium"] + arguments + (hasOutput ? [] : ["-o", output]),
                                          timeout: 120)
        #expect([0, 1, 64].contains(result.status), "status \(result.status) for \(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"), "\(arguments)")
        if result.status == 0 {
            if !hasOutput { #expect(try AudioFile.read(output).frameCount > 0, "\(arguments)") }
        } else {
            let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("note:") }
            #expect(lines.count == 1 && lines[0].hasPrefix("sotto: "), "\(arguments): \(result.stderr)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            #expect(left.isEmpty, "\(arguments) left \(left)")
        }
    }
}
