import Foundation
import SottoAudio
import Testing

/// `sotto say` as a user runs it: the real binary, the installed models, files read back.
@Suite struct SayCommandTests {
    static let requiredKeys = ["model", "voice", "sample_rate", "audio_seconds", "load_seconds", "first_audio_seconds",
                               "synthesis_seconds", "rtf", "peak_rss_mb"]

    private func scratchFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sotto-say-\(UUID().uuidString)-\(name)").path
    }

    private func report(_ result: SottoProcess.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    }

    @Test func theDeviceFlagReachesSay() throws {
        // The studio's own --device must not swallow say's.
        let result = try SottoProcess.run(["say", "Hi.", "--device", "sotto-no-such-device"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("sotto-no-such-device"), "\(result.stderr)")
    }

    @Test func piperIsTheDefaultAndTheReportMatchesTheFile() throws {
        let path = scratchFile("joe.wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try SottoProcess.run(["say", "The quick brown fox jumps over the lazy dog.", "-o", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try report(result)
        for key in Self.requiredKeys { #expect(json[key] != nil, "missing \(key)") }
        #expect(json["model"] as? String == "piper:en_US-joe-medium")
        let audio = try AudioFile.read(path)
        #expect(audio.sampleRate == 22050 && json["sample_rate"] as? Int == 22050)
        let seconds = Double(audio.samples.count) / Double(audio.sampleRate)
        #expect(abs(seconds - (json["audio_seconds"] as? Double ?? 0)) < 0.001)
        #expect(seconds > 1.5 && seconds < 6, "\(seconds) s for a nine-word sentence")
        #expect(audio.samples.map(abs).max() ?? 0 > 0.05, "silent audio")
        let rtf = json["rtf"] as? Double ?? 0, synthesis = json["synthesis_seconds"] as? Double ?? 0
        #expect(abs(rtf - synthesis / seconds) < 1e-6 * max(1, rtf))
    }

    @Test func kokoroReadsStandardInputWithVoiceAndSpeed() throws {
        let normal = scratchFile("normal.flac"), fast = scratchFile("fast.flac")
        defer { for path in [normal, fast] { try? FileManager.default.removeItem(atPath: path) } }
        let text = "Speech from a pipe, read to the end."
        let first = try SottoProcess.run(["say", "-m", "kokoro", "-v", "jf_alpha", "-o", normal, "--json"], stdin: text)
        let second = try SottoProcess.run(["say", "-m", "kokoro", "-v", "jf_alpha", "--speed", "1.5", "-o", fast, "--json"], stdin: text)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr) \(second.stderr)")
        #expect(try report(first)["voice"] as? String == "jf_alpha")
        let a = try AudioFile.read(normal), b = try AudioFile.read(fast)
        #expect(a.sampleRate == 24000)
        let ratio = Double(b.samples.count) / Double(a.samples.count)
        #expect(ratio > 0.55 && ratio < 0.8, "speed 1.5 gave \(ratio) of the length")
    }

    @Test func kokoroWritesCaptionsBesideTheAudio() throws {
        let audio = scratchFile("captions.wav"), srt = scratchFile("words.srt"), vtt = scratchFile("words.vtt")
        defer { for path in [audio, srt, vtt] { try? FileManager.default.removeItem(atPath: path) } }
        let text = "Captions follow the voice. Every word is timed."
        let first = try SottoProcess.run(["say", "-m", "kokoro", "-v", "jf_alpha", "-o", audio, "--captions", srt, text])
        let second = try SottoProcess.run(["say", "-m", "kokoro", "-v", "jf_alpha", "-o", audio, "--captions", vtt, text])
        #expect(first.status == 0 && second.status == 0, "\(first.stderr) \(second.stderr)")
        let subRip = try String(contentsOfFile: srt, encoding: .utf8)
        #expect(subRip.hasPrefix("1\n00:00:0"), "\(subRip)")
        #expect(subRip.contains("Captions follow the voice") && subRip.contains("Every word is timed"), "\(subRip)")
        let webVTT = try String(contentsOfFile: vtt, encoding: .utf8)
        #expect(webVTT.hasPrefix("WEBVTT\n") && webVTT.contains(">voice"), "\(webVTT)")
    }

    @Test func captionsNeedAModelThatTimesItsWordsAndTheirOwnFile() throws {
        let audio = scratchFile("same.wav")
        defer { try? FileManager.default.removeItem(atPath: audio) }
        let same = try SottoProcess.run(["say", "Hi.", "-o", audio, "--captions", audio])
        #expect(same.status != 0 && same.stderr.contains("same file"), "\(same.stderr)")
        let text = try SottoProcess.run(["say", "Hi.", "-o", audio, "--captions", scratchFile("words.txt")])
        #expect(text.status != 0 && text.stderr.contains(".srt"), "\(text.stderr)")
        #expect(!FileManager.default.fileExists(atPath: audio))
    }

    @Test(arguments: [
        (["say", ""], "empty"),
        (["say", "   \n"], "empty"),
        (["say", "Hello.", "-m", "no-such-model"], "no-such-model"),
        (["say", "Hello.", "-m", "kokoro", "-v", "zz_nobody", "-o", "/tmp/sotto-unused.wav"], "zz_nobody"),
        (["say", "Hello.", "-m", "piper", "--speaker", "7", "-o", "/tmp/sotto-unused.wav"], "speaker"),
        (["say", "Hello.", "-o", "/nonexistent-folder/x.wav"], "/nonexistent-folder"),
        (["say", "Hello.", "--device", "sotto-no-such-device"], "-o FILE"),
    ])
    func badRequestsAreOneClearLine(arguments: [String], mentions: String) throws {
        let result = try SottoProcess.run(arguments)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count >= 1 && lines.count <= 2, "\(result.stderr)")
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
    }

    /// Ctrl-C in the middle of a long text keeps the sentences already synthesised in the file.
    @Test func interruptKeepsWhatWasSynthesised() throws {
        let path = scratchFile("interrupted.wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = String(repeating: "This sentence is one of very many in a long text. ", count: 400)
        let process = Process()
        process.executableURL = SottoProcess.executable
        process.arguments = ["say", "-m", "piper", "-o", path, text]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Long enough for the first sentences on a busy machine, far from the whole text's time.
        Thread.sleep(forTimeInterval: 4)
        process.interrupt()
        process.waitUntilExit()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(message.contains("stopped") && message.contains(path), "\(message)")
        let audio = try AudioFile.read(path)
        let seconds = Double(audio.samples.count) / Double(audio.sampleRate)
        #expect(seconds > 1 && seconds < 400 * 2.5, "\(seconds) s kept")
    }
}
